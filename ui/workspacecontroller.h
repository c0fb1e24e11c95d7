#pragma once

#include <QList>
#include <QObject>
#include <QString>
#include <QThread>

#include "conflicts/inspection.h"
#include "conflicts/resolution.h"
#include "failover/repoint.h"
#include "health/health.h"
#include "state/statedatabase.h"
#include "sync/repair.h"
#include "sync/syncengine.h"

namespace TwinTrunk::Ui
{
    // One refresh: where things stand and how each server is, with the recent journal.
    struct Refresh
    {
        Sync::StatusReport status;
        QList<Health::ServerHealth> health;
        QList<State::JournalEntry> journal; // newest last
        QHash<QString, State::VerificationCoverage> coverage; // project -> how much was read whole, since when
        QList<Sync::DamagedCopy> damaged; // every damaged copy known, with where a sound copy is
    };

    // What the window needs of the open workspace (read on the worker thread, passed as a copy).
    struct WorkspaceSummary
    {
        QString path;
        QStringList servers; // primary first
        QHash<QString, QUrl> urls;
        QString primary;
        int jobs = 4;
        qint64 syncEverySeconds = 0; // the replication schedule; 0: only when asked
    };

    class RefreshWorker;

    // The window's handle on a workspace. Everything that touches the network or the state database
    // runs on a worker thread with its own connection (the UI thread never blocks); results come
    // back as values through queued signals.
    class WorkspaceController final : public QObject
    {
        Q_OBJECT
        Q_DISABLE_COPY_MOVE(WorkspaceController)

    public:
        explicit WorkspaceController(QObject *parent = nullptr);
        ~WorkspaceController() override;

        QString workspacePath() const { return m_summary.path; }
        bool isBusy() const { return m_busy; }

        // The servers of the open workspace, primary first (empty before one is open).
        QStringList servers() const { return m_summary.servers; }
        QString primary() const { return m_summary.primary; }
        QUrl serverUrl(const QString &server) const { return m_summary.urls.value(server); }
        int jobs() const { return m_summary.jobs; }
        qint64 syncEverySeconds() const { return m_summary.syncEverySeconds; }

    public Q_SLOTS:
        // Opens a workspace file and refreshes it.
        void open(const QString &path);
        // Creates the demo workspace in `directory` (or reuses it) and opens it: off the UI thread,
        // since writing a few hundred versions takes a while.
        void openDemo(const QString &directory);
        void refresh();
        // Repoint (see Failover::Repoint): the preflight alone, or the whole run; a refresh follows a run.
        void repointPreflight(const QString &target, bool acceptAtRisk);
        void repoint(const QString &target, bool acceptAtRisk);
        // Replicate: the plan of copies (nothing changes), then the run of that plan, cancellable:
        // copies under way finish, no new one starts. A refresh follows a run.
        void planSync();
        void runSync(const QList<TwinTrunk::Sync::PlanItem> &items);
        // Stops a sync or a details reading: what is under way finishes, nothing new starts.
        // The schedule's run: plans from a fresh status and copies, like `twintrunkctl sync`.
        void runScheduledSync();
        void cancelSync();
        // The version table's per-server details: what is known (quick, from the state database),
        // and reading the ids, authors and dates not yet known (see Sync::SyncEngine::readDetails).
        void loadDetails(const QString &project);
        void readDetails(const QString &project);
        // Conflicts: the side-by-side inspection, and a decision (a dry run shows its steps).
        void inspectConflict(const QString &project, const QString &name);
        void resolveConflict(const QString &project, const QString &name, const QString &keep, const TwinTrunk::Conflicts::ResolveOptions &options);
        void deferConflict(const QString &project, const QString &name, const QString &note);
        // Integrity: read copies whole within a budget (see Sync::Scrub; -1: all), and replace a
        // version's damaged copies with a sound one (see Sync::Repairer; a dry run changes nothing).
        // A refresh follows both.
        void verify(qint64 budgetBytes);
        void repair(const QString &project, const QString &name, const QString &from, bool dryRun);
        // Credentials for this session (from the OS keychain or the person), never written to the file.
        void setCredentials(const QString &server, const TwinTrunk::Repository::Credentials &credentials);

    Q_SIGNALS:
        void opened(const QString &path);
        void refreshed(const TwinTrunk::Ui::Refresh &refresh);
        void failed(const QString &message);
        void busyChanged(bool busy);
        void progress(const QString &line);
        void repointPreflightReady(const TwinTrunk::Failover::RepointReport &report);
        void repointFinished(const TwinTrunk::Failover::RepointReport &report);
        void syncPlanReady(const QList<TwinTrunk::Sync::PlanItem> &items, int conflicts);
        void syncProgressed(const TwinTrunk::Sync::SyncProgress &progress);
        void syncFinished(const TwinTrunk::Sync::SyncResult &result);
        // Each copy of a run as it starts and ends, for the version table's live states.
        void copyStarted(const TwinTrunk::Sync::PlanItem &item);
        void copyFinished(const TwinTrunk::Sync::CopyOutcome &outcome);
        void detailsLoaded(const TwinTrunk::Sync::ProjectDetails &details);
        void detailsProgressed(int done, int total);
        void detailsRead(const QString &project, const TwinTrunk::Sync::DetailsResult &result);
        void conflictInspected(const TwinTrunk::Conflicts::ConflictInspection &inspection);
        void conflictResolved(const TwinTrunk::Conflicts::ResolutionReport &report, bool dryRun);
        void verifyProgressed(int done, int total, qint64 bytesDone, qint64 bytesTotal);
        void verifyFinished(const TwinTrunk::Sync::ScrubResult &result);
        void repairFinished(const TwinTrunk::Sync::RepairReport &report, bool dryRun);

    private:
        void setBusy(bool busy);

        QThread m_thread;
        RefreshWorker *m_worker = nullptr;
        WorkspaceSummary m_summary;
        bool m_busy = false;
    };
}

Q_DECLARE_METATYPE(TwinTrunk::Ui::Refresh)
Q_DECLARE_METATYPE(TwinTrunk::Ui::WorkspaceSummary)
Q_DECLARE_METATYPE(TwinTrunk::Failover::RepointReport)
Q_DECLARE_METATYPE(TwinTrunk::Sync::SyncProgress)
Q_DECLARE_METATYPE(TwinTrunk::Sync::SyncResult)
Q_DECLARE_METATYPE(TwinTrunk::Sync::PlanItem)
Q_DECLARE_METATYPE(TwinTrunk::Sync::CopyOutcome)
Q_DECLARE_METATYPE(TwinTrunk::Sync::ProjectDetails)
Q_DECLARE_METATYPE(TwinTrunk::Sync::DetailsResult)
Q_DECLARE_METATYPE(QList<TwinTrunk::Sync::PlanItem>)
Q_DECLARE_METATYPE(TwinTrunk::Conflicts::ConflictInspection)
Q_DECLARE_METATYPE(TwinTrunk::Conflicts::ResolutionReport)
Q_DECLARE_METATYPE(TwinTrunk::Sync::ScrubResult)
Q_DECLARE_METATYPE(TwinTrunk::Sync::RepairReport)
