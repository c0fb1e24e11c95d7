#include "refreshworker.h"

#include <QDir>

#include "demo/demoworkspace.h"
#include "presentation/verdict.h"
#include "sync/scratchfolder.h"
#include "sync/synclock.h"
#include "util/background.h"
#include "util/logging.h"

namespace TwinTrunk::Ui
{
    namespace
    {
        JobResult succeeded(const QVariant &value)
        {
            return JobResult{value, QString()};
        }
        JobResult failedWith(const QString &error)
        {
            return JobResult{QVariant(), error};
        }
    }

    QString noWorkspace()
    {
        return WorkspaceController::tr("No workspace is open.");
    }

    Task<JobResult> RefreshWorker::open(QString path)
    {
        Result<Workspace> workspace = Workspace::load(path);
        if (!workspace)
            co_return failedWith(workspace.error().toString());
        Result<std::unique_ptr<State::StateDatabase>> state = State::StateDatabase::open(workspace->stateDatabasePath());
        if (!state)
            co_return failedWith(state.error().toString());
        // Nothing else runs now (one job at a time): the old database has no user left.
        m_workspace = workspace.value();
        m_state = std::move(state).value();
        applySessionCredentials();
        Q_EMIT summaryChanged(summary());
        co_return succeeded(QVariant::fromValue(summary()));
    }

    Task<JobResult> RefreshWorker::openDemo(QString directory)
    {
        // Writing a few hundred versions takes a while: off the event loop.
        auto create = [directory] { return Demo::createDemoWorkspace(directory); };
        Result<Demo::DemoWorkspace> demo = co_await inBackground(create);
        if (!demo)
            co_return failedWith(tr("The demo workspace could not be created: %1").arg(demo.error().toString()));
        co_return co_await open(demo->workspaceFile);
    }

    Task<JobResult> RefreshWorker::refresh()
    {
        if (!m_state)
            co_return failedWith(noWorkspace());
        Refresh result;
        Health::HealthMonitor monitor(m_workspace, *m_state);
        result.health = co_await monitor.probeAll();
        Sync::SyncEngine engine(m_workspace, *m_state, engineOptions());
        Result<Sync::StatusReport> status = co_await engine.status();
        if (!status)
            co_return failedWith(status.error().toString());
        result.status = status.value();
        if (Result<QList<State::JournalEntry>> journal = m_state->journalSince(QDateTime::currentDateTimeUtc().addDays(-30)); journal)
            result.journal = journal.value();
        else
            result.notChecked.append(tr("the journal: %1").arg(journal.error().toString()));
        for (const QString &project : m_workspace.projects())
        {
            if (Result<State::VerificationCoverage> coverage = m_state->verificationCoverage(project); coverage)
                result.coverage.insert(project, coverage.value());
            else
                result.notChecked.append(tr("what was verified in %1: %2").arg(project, coverage.error().toString()));
        }
        QStringList servers;
        for (const ServerConfig &server : m_workspace.servers())
            servers.append(server.name);
        if (Result<QList<Sync::DamagedCopy>> damaged = Sync::damagedCopies(*m_state, servers, m_workspace.projects()); damaged)
            result.damaged = damaged.value();
        else
            result.notChecked.append(tr("damaged copies: %1").arg(damaged.error().toString()));
        co_return succeeded(QVariant::fromValue(result));
    }

    Task<JobResult> RefreshWorker::repoint(QString target, Failover::RepointOptions options)
    {
        if (!m_state)
            co_return failedWith(noWorkspace());
        Failover::Repoint repoint(m_workspace, *m_state, sayer());
        const Failover::RepointReport report = co_await repoint.run(target, options);
        if (!options.dryRun)
            Q_EMIT summaryChanged(summary()); // the primary may have changed
        co_return succeeded(QVariant::fromValue(report));
    }

    Task<JobResult> RefreshWorker::planSync(QString project)
    {
        if (!m_state)
            co_return failedWith(noWorkspace());
        if (!project.isEmpty() && !m_workspace.projects().contains(project))
            co_return failedWith(tr("%1 is not a project of this workspace").arg(project));
        Sync::SyncEngine engine(m_workspace, *m_state, engineOptions());
        // One project: only it is listed and planned, as `twintrunkctl sync --project` does.
        QStringList projects;
        if (!project.isEmpty())
            projects.append(project);
        Result<Sync::StatusReport> status = co_await engine.status(projects);
        if (!status)
            co_return failedWith(status.error().toString());
        SyncPlan plan;
        plan.project = project;
        Sync::PlanFilter filter;
        filter.project = project;
        plan.items = engine.plan(status.value(), filter);
        for (const Sync::ProjectSnapshot &snapshot : status->projects)
        {
            plan.conflicts += int(snapshot.conflicts.size());
            plan.regressions += int(snapshot.regressions.size());
            for (const QStringList &names : snapshot.damaged)
                plan.damaged += int(names.size());
        }
        // What could not be planned, in the words twintrunkctl sync prints ("box4 unreachable (its
        // folder cannot be read)"), once per server rather than once per project.
        plan.notChecked = Presentation::notPlanned(status.value());
        co_return succeeded(QVariant::fromValue(plan));
    }

    Task<JobResult> RefreshWorker::runSync(QList<Sync::PlanItem> items, bool planFirst)
    {
        if (!m_state)
            co_return failedWith(noWorkspace());
        Result<std::unique_ptr<Sync::SyncLock>> lock = Sync::SyncLock::acquire(m_workspace.filePath());
        if (!lock)
            co_return failedWith(tr("Replication not started: %1").arg(lock.error().toString()));
        Sync::SyncEngine engine(m_workspace, *m_state, engineOptions());
        const StopHook stop(*this, engine);
        if (planFirst)
        {
            Result<Sync::StatusReport> status = co_await engine.status();
            if (!status)
                co_return failedWith(tr("Scheduled replication: %1").arg(status.error().toString()));
            items = engine.plan(status.value());
        }
        follow(engine);
        Q_EMIT syncStarted();
        const Sync::SyncResult result = co_await engine.run(items);
        Q_EMIT syncFinished(result);
        co_return succeeded(QVariant::fromValue(result));
    }

    Task<JobResult> RefreshWorker::loadDetails(QString project)
    {
        if (!m_state)
            co_return failedWith(noWorkspace());
        Result<Sync::ProjectDetails> details = Sync::projectDetails(m_workspace, *m_state, project);
        if (!details)
            co_return failedWith(details.error().toString());
        co_return succeeded(QVariant::fromValue(details.value()));
    }

    Task<JobResult> RefreshWorker::loadHistory(QDateTime since)
    {
        if (!m_state)
            co_return failedWith(noWorkspace());
        co_return succeeded(QVariant::fromValue(Health::readHistory(m_workspace, *m_state, since)));
    }

    Task<JobResult> RefreshWorker::loadVersionRecords(QString project, QString name)
    {
        if (!m_state)
            co_return failedWith(noWorkspace());
        Result<State::VersionRecords> records = m_state->versionRecords(project, name);
        if (!records)
            co_return failedWith(records.error().toString());
        co_return succeeded(QVariant::fromValue(records.value()));
    }

    Task<JobResult> RefreshWorker::readDetails(QString project)
    {
        if (!m_state)
            co_return failedWith(noWorkspace());
        Sync::SyncEngine engine(m_workspace, *m_state, engineOptions());
        const StopHook stop(*this, engine);
        follow(engine);
        const Sync::DetailsResult result = co_await engine.readDetails(project);
        co_return succeeded(QVariant::fromValue(result));
    }

    Task<JobResult> RefreshWorker::inspectConflict(QString project, QString name)
    {
        if (!m_state)
            co_return failedWith(noWorkspace());
        Sync::ScratchFolder scratch(m_workspace.scratchPath());
        if (!scratch.isValid())
            co_return failedWith(tr("%1: cannot create a scratch folder for the variants").arg(QDir::toNativeSeparators(m_workspace.scratchPath())));
        Result<Conflicts::ConflictInspection> inspection = co_await Conflicts::inspectConflict(m_workspace, *m_state, project, name, scratch.path());
        if (!inspection)
            co_return failedWith(inspection.error().toString());
        co_return succeeded(QVariant::fromValue(inspection.value()));
    }

    Task<JobResult> RefreshWorker::resolveConflict(QString project, QString name, QString keep, Conflicts::ResolveOptions options, bool defer)
    {
        if (!m_state)
            co_return failedWith(noWorkspace());
        Conflicts::ConflictResolver resolver(m_workspace, *m_state, sayer());
        Conflicts::ResolutionReport report;
        if (defer)
            report = resolver.defer(project, name, options.note);
        else
            report = co_await resolver.keep(project, name, keep, options);
        co_return succeeded(QVariant::fromValue(report));
    }

    Task<JobResult> RefreshWorker::verify(qint64 budgetBytes)
    {
        if (!m_state)
            co_return failedWith(noWorkspace());
        // Not while a sync or a repair writes (twintrunkctl from cron, too).
        Result<std::unique_ptr<Sync::SyncLock>> lock = Sync::SyncLock::acquire(m_workspace.filePath());
        if (!lock)
            co_return failedWith(tr("Verification not started: %1").arg(lock.error().toString()));
        Sync::SyncEngine engine(m_workspace, *m_state, engineOptions());
        const StopHook stop(*this, engine);
        // What is listed now is what is read.
        if (Result<Sync::StatusReport> status = co_await engine.status(); !status)
            co_return failedWith(status.error().toString());
        follow(engine);
        Sync::ScrubOptions options;
        options.projects = m_workspace.projects();
        options.budgetBytes = budgetBytes;
        const Sync::ScrubResult result = co_await engine.verify(options);
        co_return succeeded(QVariant::fromValue(result));
    }

    Task<JobResult> RefreshWorker::repair(QString project, QString name, QString from, QString onlyOn, bool dryRun)
    {
        if (!m_state)
            co_return failedWith(noWorkspace());
        std::unique_ptr<Sync::SyncLock> lock;
        if (!dryRun)
        {
            Result<std::unique_ptr<Sync::SyncLock>> acquired = Sync::SyncLock::acquire(m_workspace.filePath());
            if (!acquired)
                co_return failedWith(tr("Repair not started: %1").arg(acquired.error().toString()));
            lock = std::move(acquired).value();
        }
        Sync::SyncEngine engine(m_workspace, *m_state, engineOptions());
        const QStringList projects(project); // not braced inside co_await: GCC 12 miscompiles it
        if (Result<Sync::StatusReport> status = co_await engine.status(projects); !status)
            co_return failedWith(status.error().toString());
        Sync::Repairer repairer(m_workspace, *m_state, engine, sayer());
        const Sync::RepairReport report = co_await repairer.repair(project, name, from, dryRun, onlyOn);
        co_return succeeded(QVariant::fromValue(report));
    }
}
