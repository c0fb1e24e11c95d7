#pragma once

#include <memory>

#include <QHash>
#include <QObject>

#include "enginecontext.h"
#include "identity.h"
#include "plan.h"
#include "propagator.h"
#include "scratchfolder.h"
#include "scrub.h"
#include "syncmodel.h"
#include "util/task.h"

namespace TwinTrunk::Sync
{
    struct ServerStatus
    {
        QString name;
        QString url;
        bool primary = false;
        bool reachable = false;
        QString error;
        Error::Kind errorKind = Error::Kind::Other; // what kind of trouble, when not reachable ("connection refused")
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

    // The sync engine: it owns the repositories of a workspace's servers and a scratch folder, and
    // runs the phases (docs/architecture.md), each in its own file:
    // discovery.h -> identity.h -> reconcile.h (with finalize) -> plan.h -> propagator.h.
    // Every operation is a Task: it runs on the event loop of the thread that owns the engine,
    // never a local one (see util/task.h); the engine must outlive the tasks it returned.
    class SyncEngine final : public QObject
    {
        Q_OBJECT
        Q_DISABLE_COPY_MOVE(SyncEngine)

    public:
        SyncEngine(const Workspace &workspace, State::StateDatabase &state, const EngineOptions &options, QObject *parent = nullptr);
        ~SyncEngine() override;

        // Discovery, identity, reconcile and finalize for the given projects (all when empty).
        Task<Result<StatusReport>> status(QStringList projects = {});
        // The copies due (see Sync::plan), late commits after a repoint first.
        QList<PlanItem> plan(const StatusReport &report, const PlanFilter &filter = {}) const;
        // Propagates a plan (see propagate).
        Task<SyncResult> run(QList<PlanItem> items);
        // Reads the ids, authors and dates not known yet (see Sync::readDetails).
        Task<DetailsResult> readDetails(QString project);
        // Reads copies whole within a budget and records what they are (see Scrub). Run status first.
        Task<ScrubResult> verify(ScrubOptions options);
        // Finish the copies (or reads) in flight, start no more.
        void requestStop() { m_stopRequested = true; }
        bool stopRequested() const { return m_stopRequested; }

        Repository::Repository *repository(const QString &server) const;
        const EngineContext &context() const { return m_context; }
        QString scratchPath() const { return m_scratch.path(); }
        int jobs() const { return m_options.jobs; }

    Q_SIGNALS:
        void progressed(const TwinTrunk::Sync::SyncProgress &progress);
        void copyStarted(const TwinTrunk::Sync::PlanItem &item);
        void copyFinished(const TwinTrunk::Sync::CopyOutcome &outcome);
        void detailsProgressed(int done, int total);
        void verifyProgressed(int done, int total, qint64 bytesDone, qint64 bytesTotal);

    private:
        Task<Result<ProjectSnapshot>> projectStatus(QString project, QHash<QString, ServerStatus> &servers, QStringList &warnings);

        const Workspace m_workspace; // a copy: the engine must not depend on the caller keeping it
        EngineOptions m_options;
        QHash<QString, std::shared_ptr<Repository::Repository>> m_repositories;
        ScratchFolder m_scratch; // downloads on their way to a target, beside the state database
        EngineContext m_context;
        bool m_stopRequested = false;
    };
}
