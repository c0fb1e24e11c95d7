#pragma once

#include <functional>
#include <memory>

#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QThread>

#include "conflicts/inspection.h"
#include "conflicts/resolution.h"
#include "failover/repoint.h"
#include "health/health.h"
#include "health/history.h"
#include "request.h"
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
        QList<State::JournalEntry> journal;                   // newest last
        QHash<QString, State::VerificationCoverage> coverage; // project -> how much was read whole, since when
        QList<Sync::DamagedCopy> damaged;                     // every damaged copy known, with where a sound copy is
        QStringList notChecked;                               // what could not be read from the state database: not known, not "none"
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
        HealthConfig health;         // probe interval and back-off
    };

    // The copies a replication would make (nothing changed yet), and the conflicts it leaves alone.
    struct SyncPlan
    {
        QString project; // the one project planned; empty: every project
        QList<Sync::PlanItem> items;
        int conflicts = 0;
        int regressions = 0;    // versions a server listed before and no longer does: replication never restores them
        int damaged = 0;        // damaged copies: replication leaves them, Verify's repair mends them
        QStringList notChecked; // "box4 unreachable (connection refused)": what could not be planned, and why (Presentation::notPlanned)
    };

    class RefreshWorker;
    class ResultMailbox;

    // What a worker's job yields: its value, or why it failed.
    struct JobResult
    {
        QVariant value;
        QString error; // empty: succeeded
    };

    // The window's handle on a workspace. Everything that touches the network or the state database
    // runs on a worker thread with its own connection, so the UI thread never blocks.
    //
    // Each call queues a request and returns it (see Request): the worker runs one request at a
    // time, to its end, and the request tells its own outcome and value. Nothing runs inside
    // another: the worker's jobs are coroutines on its event loop (util/task.h), never a local loop.
    // Opening a workspace withdraws what is queued and interrupts what runs as that work allows:
    // a read-only job (a refresh, a plan, an inspection) is abandoned at once; a replication, a
    // reading of details or a verification finishes its copies in flight and starts no more; a
    // repoint, a resolution or a repair runs to its end (half of one would be worse).
    //
    // Broadcast signals carry state anyone may show (the latest refresh, a run's copies as they
    // go), never a request's failure.
    class WorkspaceController final : public QObject
    {
        Q_OBJECT
        Q_DISABLE_COPY_MOVE(WorkspaceController)

    public:
        explicit WorkspaceController(QObject *parent = nullptr);
        // Withdraws what is queued, interrupts what runs (as above) and waits for it to end.
        ~WorkspaceController() override;

        QString workspacePath() const { return m_summary.path; }
        // A request is queued or running.
        bool isBusy() const { return m_running || !m_queue.isEmpty(); }

        // The servers of the open workspace, primary first (empty before one is open).
        QStringList servers() const { return m_summary.servers; }
        QString primary() const { return m_summary.primary; }
        QUrl serverUrl(const QString &server) const { return m_summary.urls.value(server); }
        int jobs() const { return m_summary.jobs; }
        qint64 syncEverySeconds() const { return m_summary.syncEverySeconds; }
        const HealthConfig &healthConfig() const { return m_summary.health; }

        // Opens a workspace file, then refreshes it. Value: WorkspaceSummary.
        Request *open(const QString &path);
        // Creates the demo workspace in `directory` (or reuses it) and opens it.
        Request *openDemo(const QString &directory);
        // Lists the servers, probes their health, reads the journal. Value: Refresh (also broadcast
        // by refreshed()). A refresh already waiting in the queue is returned instead of a second.
        Request *refresh();
        // Repoint (see Failover::Repoint): the preflight alone, or the whole run; a refresh follows
        // a run. Value: Failover::RepointReport. `options.dryRun` is set by each.
        Request *repointPreflight(const QString &target, Failover::RepointOptions options);
        Request *repoint(const QString &target, Failover::RepointOptions options);
        // Replicate: the plan of copies (value: SyncPlan) of every project, or of `project` alone
        // (only it is listed), then the run of that plan (value: Sync::SyncResult), which cancel()
        // stops after the copies in flight. A refresh follows a run.
        Request *planSync(const QString &project = QString());
        Request *runSync(const QList<TwinTrunk::Sync::PlanItem> &items);
        // The schedule's run: plans from a fresh status and copies, like `twintrunkctl sync`.
        Request *runScheduledSync();
        // The version table's per-server details: what is known (quick, from the state database;
        // value: Sync::ProjectDetails, also broadcast by detailsLoaded()), and reading the ids,
        // authors and dates not yet known (value: Sync::DetailsResult; the details load after it).
        Request *loadDetails(const QString &project);
        // What happened since `since` (value: Health::History), for the History tab.
        Request *loadHistory(const QDateTime &since);
        Request *readDetails(const QString &project);
        // One version's timeline: its listings, recorded bytes and journal (value: State::VersionRecords).
        Request *loadVersionRecords(const QString &project, const QString &name);
        // Conflicts: the side-by-side inspection (value: Conflicts::ConflictInspection), and a
        // decision (value: Conflicts::ResolutionReport; a dry run shows its steps).
        Request *inspectConflict(const QString &project, const QString &name);
        Request *resolveConflict(const QString &project, const QString &name, const QString &keep, const TwinTrunk::Conflicts::ResolveOptions &options);
        Request *deferConflict(const QString &project, const QString &name, const QString &note);
        // Integrity: read copies whole within a budget (see Sync::Scrub; -1: all; value:
        // Sync::ScrubResult), and replace a version's damaged copies with a sound one (see
        // Sync::Repairer; on `onlyOn` alone when given; value: Sync::RepairReport; a dry run
        // changes nothing). A refresh follows.
        Request *verify(qint64 budgetBytes);
        Request *repair(const QString &project, const QString &name, const QString &from, const QString &onlyOn, bool dryRun);

        // Withdraws a queued request, or interrupts a running one as its kind allows (see above).
        void cancel(Request *request);
        // Credentials for this session (from the OS keychain or the person), never written to the file.
        // By the server's URL, as the keychain keys them: they never follow a name into another workspace.
        void setCredentials(const QUrl &server, const TwinTrunk::Repository::Credentials &credentials);

    Q_SIGNALS:
        // Another workspace is about to be opened (or this one again): what was asked of the one
        // open now is withdrawn, and windows about it close (their requests would run on the next).
        void workspaceClosing();
        // A workspace was opened (or reloaded after a repoint changed its primary).
        void opened(const QString &path);
        void refreshed(const TwinTrunk::Ui::Refresh &refresh);
        // A refresh failed: what the window shows is older than it looks.
        void refreshFailed(const QString &message);
        void busyChanged(bool busy);
        // The worker took a request off the queue (for a status line; its own started() says the same).
        void requestStarted(const TwinTrunk::Ui::Request *request);
        // A replication run as it goes, whoever started it (the Replicate dialog, the schedule).
        void syncStarted();
        void syncProgressed(const TwinTrunk::Sync::SyncProgress &progress);
        void copyStarted(const TwinTrunk::Sync::PlanItem &item);
        void copyFinished(const TwinTrunk::Sync::CopyOutcome &outcome);
        void syncFinished(const TwinTrunk::Sync::SyncResult &result);
        void detailsLoaded(const TwinTrunk::Sync::ProjectDetails &details);
        void detailsProgressed(int done, int total);
        void verifyProgressed(int done, int total, qint64 bytesDone, qint64 bytesTotal);

    private:
        friend class RefreshWorker;
        // How a running request may be interrupted.
        enum class Interruption
        {
            Abandon, // read-only: dropped at once, its network requests aborted
            Stop,    // the copies (or reads) in flight finish, no new one starts
            Finish,  // never cut: it runs to its end
        };
        // A job, made on the worker thread from values captured here.
        using Job = std::function<Task<JobResult>(RefreshWorker &)>;
        // Run on the UI thread when the request succeeded, before its finished().
        using Then = std::function<void(const QVariant &value)>;
        struct Queued
        {
            quint64 id = 0;
            QString kind; // for coalescing and refusals: "refresh", "sync", ...
            QPointer<Request> request;
            Interruption interruption = Interruption::Abandon;
            Job job;
            Then then;
        };

        Request *enqueue(const QString &kind, const QString &what, Interruption interruption, Job job, Then then = {});
        Request *refuse(const QString &what, const QString &reason);
        // A request that needs an open workspace: refused when none is open or being opened.
        Request *enqueueForWorkspace(const QString &kind, const QString &what, Interruption interruption, Job job, Then then = {});
        bool hasQueuedOrRunning(const QString &kind) const;
        const Queued *queued(const QString &kind) const;
        // Withdraws everything queued and interrupts what runs, e.g. before opening a workspace.
        void supersede(const QString &reason);
        void startNext();
        void onJobFinished(quint64 id, TwinTrunk::Ui::Request::Outcome outcome, const QVariant &value, const QString &error);
        void onLine(quint64 id, const QString &line);
        void updateBusy();
        void workspaceLoaded(const QVariant &value);
        void interruptRunning(const QString &reason);

        QThread m_thread;
        RefreshWorker *m_worker = nullptr;
        std::shared_ptr<ResultMailbox> m_mailbox; // the worker's results, handed over under a mutex
        WorkspaceSummary m_summary;
        QList<Queued> m_queue;
        std::unique_ptr<Queued> m_running;
        quint64 m_nextId = 1;
        bool m_busy = false;
    };
}

Q_DECLARE_METATYPE(TwinTrunk::Ui::Refresh)
Q_DECLARE_METATYPE(TwinTrunk::Ui::WorkspaceSummary)
Q_DECLARE_METATYPE(TwinTrunk::Ui::SyncPlan)
Q_DECLARE_METATYPE(TwinTrunk::Failover::RepointReport)
Q_DECLARE_METATYPE(TwinTrunk::Sync::SyncProgress)
Q_DECLARE_METATYPE(TwinTrunk::Sync::SyncResult)
Q_DECLARE_METATYPE(TwinTrunk::Sync::PlanItem)
Q_DECLARE_METATYPE(TwinTrunk::Sync::CopyOutcome)
Q_DECLARE_METATYPE(TwinTrunk::Sync::ProjectDetails)
Q_DECLARE_METATYPE(TwinTrunk::Health::History)
Q_DECLARE_METATYPE(TwinTrunk::Sync::DetailsResult)
Q_DECLARE_METATYPE(QList<TwinTrunk::Sync::PlanItem>)
Q_DECLARE_METATYPE(TwinTrunk::Conflicts::ConflictInspection)
Q_DECLARE_METATYPE(TwinTrunk::Conflicts::ResolutionReport)
Q_DECLARE_METATYPE(TwinTrunk::Sync::ScrubResult)
Q_DECLARE_METATYPE(TwinTrunk::Sync::RepairReport)
Q_DECLARE_METATYPE(TwinTrunk::State::VersionRecords)
