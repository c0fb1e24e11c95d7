#pragma once

#include <memory>

#include <QHash>
#include <QObject>

#include "copyjob.h"
#include "repository/repository.h"
#include "scratchfolder.h"
#include "scrub.h"
#include "state/statedatabase.h"
#include "syncmodel.h"
#include "workspace/workspace.h"

namespace TwinTrunk::Sync
{
    struct ServerStatus
    {
        QString name;
        QString url;
        bool primary = false;
        bool reachable = false;
        QString error;
    };

    // What status shows: every server's reachability and every project across the servers.
    struct StatusReport
    {
        QDateTime at;
        QList<ServerStatus> servers;
        QList<ProjectSnapshot> projects;
        QStringList warnings;
        QList<State::LateCommitWatch> lateCommitWatches; // after a repoint: old primaries still watched
    };

    struct SyncProgress
    {
        int itemsDone = 0;
        int itemsTotal = 0;
        qint64 bytesDone = 0;
        qint64 bytesTotal = 0;
        double bytesPerSecond = 0;
        int etaSeconds = -1;
    };

    struct SyncResult
    {
        int copied = 0;
        int alreadyPresent = 0;
        int failed = 0;
        int notStarted = 0; // left when a stop was requested
        QList<CopyOutcome> failures;
        int damaged = 0;    // of the failed: bytes found wrong on the source or a target
        int interruptedSettled = 0; // copies of a killed run, accounted for in the journal first
        QStringList warnings; // e.g. a journal entry that could not be written after a verified copy
        QStringList notes;    // e.g. the same version found with other bytes on a target
        bool ok() const { return failed == 0 && notStarted == 0; }
    };

    // What is known of one version on one server: its id, and who wrote it when as its info says
    // (empty until read), and the date of the server's listing entry.
    struct VersionDetail
    {
        QString id;
        QString author;
        QDateTime authoredAt; // see Monticello::VersionRecord::authoredAt
        QDateTime listedModified;
    };

    // A project's versions per server: server -> name -> detail (for the console's columns).
    struct ProjectDetails
    {
        QString project;
        QHash<QString, QHash<QString, VersionDetail>> servers;
    };

    struct DetailsResult
    {
        int read = 0;     // versions whose info was read now
        int failed = 0;   // could not be read (see warnings)
        int skipped = 0;  // not tried: their server failed to answer, or a stop was requested
        QStringList warnings;
    };

    // What the state database knows of each version of `project` on each server, without a
    // request: as the last status left it. A plain read: no engine (and none of its repositories
    // or scratch folder) is needed, so the console can call it on every project it shows.
    Result<ProjectDetails> projectDetails(const Workspace &workspace, const State::StateDatabase &state, const QString &project);

    struct EngineOptions
    {
        int jobs = 4;                // concurrent copies
        int checks = 8;              // concurrent listings and probes
        Repository::RepositoryOptions repository;
    };

    // The sync engine in phases (docs/architecture.md):
    // discovery -> identity -> reconcile -> plan -> propagate -> finalize.
    // Blocking calls that turn a local event loop: run it on the CLI's thread or a worker thread.
    class SyncEngine final : public QObject
    {
        Q_OBJECT
        Q_DISABLE_COPY_MOVE(SyncEngine)

    public:
        // A listing with fewer than half the versions the server listed before, and at least this
        // many fewer, is suspect: the project on that server is left unreconciled, with a warning,
        // instead of turning every missing version into a regression.
        static constexpr qsizetype SuspectShrinkMinimum = 10;

        SyncEngine(const Workspace &workspace, State::StateDatabase &state, const EngineOptions &options, QObject *parent = nullptr);
        ~SyncEngine() override;

        // Discovery, identity, reconcile and finalize for the given projects (all when empty).
        Result<StatusReport> status(const QStringList &projects = {});
        // The copies due (see Sync::plan). After a repoint, late commits on the old primary go to
        // the new primary first, while its watch lasts (see State::LateCommitWatch).
        QList<PlanItem> plan(const StatusReport &report, const PlanFilter &filter = {}) const;
        // Propagates a plan: first the copies a killed run left unjournaled are settled, then
        // bounded copies, each a CopyJob: GET -> check whole -> PUT -> read back whole -> journal.
        SyncResult run(const QList<PlanItem> &items);
        // Reads the id, author and date of every version of `project` on each server that is not
        // known yet (status reads only the names on several servers), a few kilobytes each,
        // remembered in the state database. Works from the last listing (run status first).
        DetailsResult readDetails(const QString &project);
        // Reads copies whole within a budget and records what they are (see Scrub). Run status first.
        ScrubResult verify(const ScrubOptions &options);
        // Finish the copies in flight, start no more.
        void requestStop() { m_stopRequested = true; }
        bool stopRequested() const { return m_stopRequested; }

        Repository::Repository *repository(const QString &server) const;
        CopyJob::Repositories repositoryPointers() const;
        QString scratchPath() const { return m_scratch.path(); }
        int jobs() const { return m_options.jobs; }

    Q_SIGNALS:
        void progressed(const TwinTrunk::Sync::SyncProgress &progress);
        void copyStarted(const TwinTrunk::Sync::PlanItem &item);
        void copyFinished(const TwinTrunk::Sync::CopyOutcome &outcome);
        void detailsProgressed(int done, int total);
        void verifyProgressed(int done, int total, qint64 bytesDone, qint64 bytesTotal);

    private:
        Result<QHash<QString, ServerListing>> discover(const QString &project, QStringList &warnings);
        qsizetype presentCount(const QString &server, const QString &project) const;
        void identify(const QString &project, QHash<QString, ServerListing> &listings, QStringList &warnings);

        const Workspace m_workspace; // a copy: the engine must not depend on the caller keeping it
        State::StateDatabase &m_state;
        EngineOptions m_options;
        QHash<QString, std::shared_ptr<Repository::Repository>> m_repositories;
        ScratchFolder m_scratch; // downloads on their way to a target, beside the state database
        bool m_stopRequested = false;
        QStringList m_warnings;
        SyncProgress m_progress;
    };
}
