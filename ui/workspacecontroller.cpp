#include "workspacecontroller.h"

#include <atomic>
#include <memory>

#include <QTemporaryDir>

#include "demo/demoworkspace.h"
#include "sync/synclock.h"

namespace TwinTrunk::Ui
{
    // Lives on the controller's thread: opens the workspace there, so the SQLite connection and the
    // network objects belong to that thread.
    class RefreshWorker final : public QObject
    {
        Q_OBJECT

    public:
        // Called from the controller's thread while this one may be busy: after it, no refresh
        // starts (including the one that follows a sync, a repoint or a resolution).
        void beginClosing() { m_closing = true; }

        void open(const QString &path)
        {
            m_state.reset();
            Result<Workspace> workspace = Workspace::load(path);
            if (!workspace)
                return Q_EMIT failed(workspace.error().toString());
            Result<std::unique_ptr<State::StateDatabase>> state = State::StateDatabase::open(workspace->stateDatabasePath());
            if (!state)
                return Q_EMIT failed(state.error().toString());
            m_workspace = workspace.value();
            m_state = std::move(state).value();
            // Passwords given this session follow their server's URL into the reopened workspace.
            for (const ServerConfig &server : m_workspace.servers())
            {
                if (const auto given = m_sessionCredentials.constFind(server.url); given != m_sessionCredentials.cend())
                    m_workspace.setSessionCredentials(server.name, given.value());
            }
            announceOpened(path);
            refresh();
        }

        void openDemo(const QString &directory)
        {
            Result<Demo::DemoWorkspace> demo = Demo::createDemoWorkspace(directory);
            if (!demo)
                return Q_EMIT failed(tr("The demo workspace could not be created: %1").arg(demo.error().toString()));
            open(demo->workspaceFile);
        }

        void repoint(const QString &target, bool acceptAtRisk, bool dryRun)
        {
            if (!m_state)
                return Q_EMIT failed(tr("No workspace is open."));
            Failover::Repoint repoint(m_workspace, *m_state, [this](const QString &line) { Q_EMIT progress(line); });
            Failover::RepointOptions options;
            options.acceptAtRisk = acceptAtRisk;
            options.dryRun = dryRun;
            const Failover::RepointReport report = repoint.run(target, options);
            if (dryRun)
                return Q_EMIT repointPreflightReady(report); // the checklist and the actions that would run
            Q_EMIT repointFinished(report);
            announceOpened(m_workspace.filePath()); // the primary may have changed
            refresh();
        }

        void refresh()
        {
            if (m_closing)
                return; // the window is going; nobody would see it
            if (!m_state)
                return Q_EMIT failed(tr("No workspace is open."));
            Refresh result;
            Health::HealthMonitor monitor(m_workspace, *m_state);
            result.health = monitor.probeAll();
            Sync::SyncEngine engine(m_workspace, *m_state, engineOptions());
            Result<Sync::StatusReport> status = engine.status();
            if (!status)
                return Q_EMIT failed(status.error().toString());
            result.status = status.value();
            if (Result<QList<State::JournalEntry>> journal = m_state->journalSince(QDateTime::currentDateTimeUtc().addDays(-30)); journal)
                result.journal = journal.value();
            for (const QString &project : m_workspace.projects())
            {
                if (Result<State::VerificationCoverage> coverage = m_state->verificationCoverage(project); coverage)
                    result.coverage.insert(project, coverage.value());
            }
            QStringList servers;
            for (const ServerConfig &server : m_workspace.servers())
                servers.append(server.name);
            if (Result<QList<Sync::DamagedCopy>> damaged = Sync::damagedCopies(*m_state, servers, m_workspace.projects()); damaged)
                result.damaged = damaged.value();
            Q_EMIT refreshed(result);
        }

        void planSync()
        {
            if (!m_state)
                return Q_EMIT failed(tr("No workspace is open."));
            Sync::SyncEngine engine(m_workspace, *m_state, engineOptions());
            Result<Sync::StatusReport> status = engine.status();
            if (!status)
                return Q_EMIT failed(status.error().toString());
            int conflicts = 0;
            for (const Sync::ProjectSnapshot &project : status->projects)
                conflicts += int(project.conflicts.size());
            Q_EMIT syncPlanReady(engine.plan(status.value()), conflicts);
        }

        // A run of `items`, or, on the schedule, of whatever a fresh status plans.
        void runSync(const QList<Sync::PlanItem> &items, bool planFirst)
        {
            if (!m_state)
                return Q_EMIT failed(tr("No workspace is open."));
            Result<std::unique_ptr<Sync::SyncLock>> lock = Sync::SyncLock::acquire(m_workspace.filePath());
            if (!lock)
                return Q_EMIT failed(tr("Replication not started: %1").arg(lock.error().toString()));
            Sync::SyncEngine engine(m_workspace, *m_state, engineOptions());
            QList<Sync::PlanItem> planned = items;
            if (planFirst)
            {
                Result<Sync::StatusReport> status = engine.status();
                if (!status)
                    return Q_EMIT failed(tr("Scheduled replication: %1").arg(status.error().toString()));
                planned = engine.plan(status.value());
            }
            m_running = &engine;
            connect(&engine, &Sync::SyncEngine::progressed, this, &RefreshWorker::syncProgressed);
            connect(&engine, &Sync::SyncEngine::copyStarted, this, &RefreshWorker::copyStarted);
            connect(&engine, &Sync::SyncEngine::copyFinished, this, &RefreshWorker::copyFinished);
            const Sync::SyncResult result = engine.run(planned);
            m_running = nullptr;
            Q_EMIT syncFinished(result);
            refresh();
        }

        void loadDetails(const QString &project)
        {
            if (!m_state)
                return;
            Result<Sync::ProjectDetails> details = Sync::projectDetails(m_workspace, *m_state, project);
            if (!details)
                return Q_EMIT progress(details.error().toString());
            Q_EMIT detailsLoaded(details.value());
        }

        void readDetails(const QString &project)
        {
            if (!m_state)
                return Q_EMIT failed(tr("No workspace is open."));
            Sync::SyncEngine engine(m_workspace, *m_state, engineOptions());
            m_running = &engine;
            connect(&engine, &Sync::SyncEngine::detailsProgressed, this, &RefreshWorker::detailsProgressed);
            const Sync::DetailsResult result = engine.readDetails(project);
            m_running = nullptr;
            Q_EMIT detailsRead(project, result);
            loadDetails(project);
        }

        // Reaches the engine through this thread's event loop, which turns while copies run.
        void cancelSync()
        {
            if (m_running)
                m_running->requestStop();
        }

        void inspectConflict(const QString &project, const QString &name)
        {
            if (!m_state)
                return Q_EMIT failed(tr("No workspace is open."));
            QTemporaryDir scratch;
            Result<Conflicts::ConflictInspection> inspection = Conflicts::inspectConflict(m_workspace, *m_state, project, name, scratch.path());
            if (!inspection)
                return Q_EMIT failed(inspection.error().toString());
            Q_EMIT conflictInspected(inspection.value());
        }

        void resolveConflict(const QString &project, const QString &name, const QString &keep, const Conflicts::ResolveOptions &options,
            bool defer)
        {
            if (!m_state)
                return Q_EMIT failed(tr("No workspace is open."));
            Conflicts::ConflictResolver resolver(m_workspace, *m_state, [this](const QString &line) { Q_EMIT progress(line); });
            const Conflicts::ResolutionReport report = defer ? resolver.defer(project, name, options.note)
                                                             : resolver.keep(project, name, keep, options);
            Q_EMIT conflictResolved(report, options.dryRun && !defer);
            if (!options.dryRun || defer)
                refresh();
        }

        void verify(qint64 budgetBytes)
        {
            if (!m_state)
                return Q_EMIT failed(tr("No workspace is open."));
            Sync::SyncEngine engine(m_workspace, *m_state, engineOptions());
            // What is listed now is what is read.
            if (Result<Sync::StatusReport> status = engine.status(); !status)
                return Q_EMIT failed(status.error().toString());
            m_running = &engine;
            connect(&engine, &Sync::SyncEngine::verifyProgressed, this, &RefreshWorker::verifyProgressed);
            Sync::ScrubOptions options;
            options.projects = m_workspace.projects();
            options.budgetBytes = budgetBytes;
            const Sync::ScrubResult result = engine.verify(options);
            m_running = nullptr;
            Q_EMIT verifyFinished(result);
            refresh();
        }

        void repair(const QString &project, const QString &name, const QString &from, bool dryRun)
        {
            if (!m_state)
                return Q_EMIT failed(tr("No workspace is open."));
            std::unique_ptr<Sync::SyncLock> lock;
            if (!dryRun)
            {
                Result<std::unique_ptr<Sync::SyncLock>> acquired = Sync::SyncLock::acquire(m_workspace.filePath());
                if (!acquired)
                    return Q_EMIT failed(tr("Repair not started: %1").arg(acquired.error().toString()));
                lock = std::move(acquired).value();
            }
            Sync::SyncEngine engine(m_workspace, *m_state, engineOptions());
            if (Result<Sync::StatusReport> status = engine.status({project}); !status)
                return Q_EMIT failed(status.error().toString());
            Sync::Repairer repairer(m_workspace, *m_state, engine, [this](const QString &line) { Q_EMIT progress(line); });
            const Sync::RepairReport report = repairer.repair(project, name, from, dryRun);
            Q_EMIT repairFinished(report, dryRun);
            if (!dryRun)
                refresh();
        }

        void setCredentials(const QString &server, const Repository::Credentials &credentials)
        {
            m_workspace.setSessionCredentials(server, credentials);
            if (const ServerConfig *config = m_workspace.server(server))
                m_sessionCredentials.insert(config->url, credentials);
        }

    Q_SIGNALS:
        void opened(const TwinTrunk::Ui::WorkspaceSummary &summary);
        void conflictInspected(const TwinTrunk::Conflicts::ConflictInspection &inspection);
        void conflictResolved(const TwinTrunk::Conflicts::ResolutionReport &report, bool dryRun);
        void syncPlanReady(const QList<TwinTrunk::Sync::PlanItem> &items, int conflicts);
        void syncProgressed(const TwinTrunk::Sync::SyncProgress &progress);
        void syncFinished(const TwinTrunk::Sync::SyncResult &result);
        void copyStarted(const TwinTrunk::Sync::PlanItem &item);
        void copyFinished(const TwinTrunk::Sync::CopyOutcome &outcome);
        void detailsLoaded(const TwinTrunk::Sync::ProjectDetails &details);
        void detailsProgressed(int done, int total);
        void detailsRead(const QString &project, const TwinTrunk::Sync::DetailsResult &result);
        void refreshed(const TwinTrunk::Ui::Refresh &refresh);
        void failed(const QString &message);
        void progress(const QString &line);
        void repointPreflightReady(const TwinTrunk::Failover::RepointReport &report);
        void repointFinished(const TwinTrunk::Failover::RepointReport &report);
        void verifyProgressed(int done, int total, qint64 bytesDone, qint64 bytesTotal);
        void verifyFinished(const TwinTrunk::Sync::ScrubResult &result);
        void repairFinished(const TwinTrunk::Sync::RepairReport &report, bool dryRun);

    private:
        Sync::EngineOptions engineOptions() const
        {
            Sync::EngineOptions options;
            options.jobs = m_workspace.jobs();
            return options;
        }

        void announceOpened(const QString &path)
        {
            WorkspaceSummary summary;
            summary.path = path;
            for (const ServerConfig &server : m_workspace.servers())
            {
                summary.servers.append(server.name);
                summary.urls.insert(server.name, server.url);
            }
            summary.primary = m_workspace.primary().name;
            summary.jobs = m_workspace.jobs();
            summary.syncEverySeconds = m_workspace.syncEverySeconds();
            Q_EMIT opened(summary);
        }

        Workspace m_workspace;
        std::unique_ptr<State::StateDatabase> m_state;
        Sync::SyncEngine *m_running = nullptr; // the sync or details reading under way, for cancelSync()
        QHash<QUrl, Repository::Credentials> m_sessionCredentials; // server URL -> given this session
        std::atomic_bool m_closing = false;
    };

    WorkspaceController::WorkspaceController(QObject *parent) : QObject(parent)
    {
        qRegisterMetaType<TwinTrunk::Ui::Refresh>();
        qRegisterMetaType<TwinTrunk::Ui::WorkspaceSummary>();
        qRegisterMetaType<TwinTrunk::Failover::RepointReport>();
        qRegisterMetaType<TwinTrunk::Sync::SyncProgress>();
        qRegisterMetaType<TwinTrunk::Sync::SyncResult>();
        qRegisterMetaType<TwinTrunk::Sync::PlanItem>();
        qRegisterMetaType<TwinTrunk::Sync::CopyOutcome>();
        qRegisterMetaType<TwinTrunk::Sync::ProjectDetails>();
        qRegisterMetaType<TwinTrunk::Sync::DetailsResult>();
        qRegisterMetaType<QList<TwinTrunk::Sync::PlanItem>>();
        qRegisterMetaType<TwinTrunk::Conflicts::ConflictInspection>();
        qRegisterMetaType<TwinTrunk::Conflicts::ResolutionReport>();
        qRegisterMetaType<TwinTrunk::Sync::ScrubResult>();
        qRegisterMetaType<TwinTrunk::Sync::RepairReport>();
        m_thread.setObjectName(QStringLiteral("twintrunk-refresh"));
        m_worker = new RefreshWorker;
        m_worker->moveToThread(&m_thread);
        connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
        connect(m_worker, &RefreshWorker::opened, this, [this](const WorkspaceSummary &summary) {
            m_summary = summary;
            Q_EMIT opened(summary.path);
        });
        connect(m_worker, &RefreshWorker::progress, this, &WorkspaceController::progress);
        connect(m_worker, &RefreshWorker::repointPreflightReady, this, [this](const Failover::RepointReport &report) {
            setBusy(false);
            Q_EMIT repointPreflightReady(report);
        });
        connect(m_worker, &RefreshWorker::syncPlanReady, this, [this](const QList<Sync::PlanItem> &items, int conflicts) {
            setBusy(false);
            Q_EMIT syncPlanReady(items, conflicts);
        });
        connect(m_worker, &RefreshWorker::syncProgressed, this, &WorkspaceController::syncProgressed);
        connect(m_worker, &RefreshWorker::copyStarted, this, &WorkspaceController::copyStarted);
        connect(m_worker, &RefreshWorker::copyFinished, this, &WorkspaceController::copyFinished);
        connect(m_worker, &RefreshWorker::detailsLoaded, this, &WorkspaceController::detailsLoaded);
        connect(m_worker, &RefreshWorker::detailsProgressed, this, &WorkspaceController::detailsProgressed);
        connect(m_worker, &RefreshWorker::detailsRead, this, [this](const QString &project, const Sync::DetailsResult &result) {
            setBusy(false);
            Q_EMIT detailsRead(project, result);
        });
        connect(m_worker, &RefreshWorker::conflictInspected, this, [this](const Conflicts::ConflictInspection &inspection) {
            setBusy(false);
            Q_EMIT conflictInspected(inspection);
        });
        connect(m_worker, &RefreshWorker::conflictResolved, this, [this](const Conflicts::ResolutionReport &report, bool dryRun) {
            if (dryRun)
                setBusy(false); // a real resolution stays busy until the refresh that follows
            Q_EMIT conflictResolved(report, dryRun);
        });
        connect(m_worker, &RefreshWorker::syncFinished, this, &WorkspaceController::syncFinished); // busy until the refresh
        connect(m_worker, &RefreshWorker::verifyProgressed, this, &WorkspaceController::verifyProgressed);
        connect(m_worker, &RefreshWorker::verifyFinished, this, &WorkspaceController::verifyFinished); // busy until the refresh
        connect(m_worker, &RefreshWorker::repairFinished, this, [this](const Sync::RepairReport &report, bool dryRun) {
            if (dryRun)
                setBusy(false); // a real repair stays busy until the refresh that follows
            Q_EMIT repairFinished(report, dryRun);
        });
        connect(m_worker, &RefreshWorker::repointFinished, this, [this](const Failover::RepointReport &report) {
            Q_EMIT repointFinished(report); // busy until the refresh that follows
        });
        connect(m_worker, &RefreshWorker::refreshed, this, [this](const Refresh &refresh) {
            setBusy(false);
            Q_EMIT refreshed(refresh);
        });
        connect(m_worker, &RefreshWorker::failed, this, [this](const QString &message) {
            setBusy(false);
            Q_EMIT failed(message);
        });
        m_thread.start();
    }

    WorkspaceController::~WorkspaceController()
    {
        // Work under way is not cut off (nothing half-copied); a sync starts no further copies,
        // nothing new is begun, and the wait below lasts until what is in flight has finished.
        m_worker->beginClosing();
        cancelSync();
        m_thread.quit();
        m_thread.wait();
    }

    void WorkspaceController::open(const QString &path)
    {
        setBusy(true);
        QMetaObject::invokeMethod(m_worker, [worker = m_worker, path] { worker->open(path); }, Qt::QueuedConnection);
    }

    void WorkspaceController::openDemo(const QString &directory)
    {
        setBusy(true);
        QMetaObject::invokeMethod(m_worker, [worker = m_worker, directory] { worker->openDemo(directory); }, Qt::QueuedConnection);
    }

    void WorkspaceController::refresh()
    {
        if (m_busy)
            return; // one refresh at a time; the one under way will report
        setBusy(true);
        QMetaObject::invokeMethod(m_worker, [worker = m_worker] { worker->refresh(); }, Qt::QueuedConnection);
    }

    void WorkspaceController::repointPreflight(const QString &target, bool acceptAtRisk)
    {
        setBusy(true);
        QMetaObject::invokeMethod(m_worker, [worker = m_worker, target, acceptAtRisk] { worker->repoint(target, acceptAtRisk, true); },
            Qt::QueuedConnection);
    }

    void WorkspaceController::repoint(const QString &target, bool acceptAtRisk)
    {
        setBusy(true);
        QMetaObject::invokeMethod(m_worker, [worker = m_worker, target, acceptAtRisk] { worker->repoint(target, acceptAtRisk, false); },
            Qt::QueuedConnection);
    }

    void WorkspaceController::planSync()
    {
        setBusy(true);
        QMetaObject::invokeMethod(m_worker, [worker = m_worker] { worker->planSync(); }, Qt::QueuedConnection);
    }

    void WorkspaceController::runSync(const QList<Sync::PlanItem> &items)
    {
        setBusy(true);
        QMetaObject::invokeMethod(m_worker, [worker = m_worker, items] { worker->runSync(items, false); }, Qt::QueuedConnection);
    }

    void WorkspaceController::runScheduledSync()
    {
        setBusy(true);
        QMetaObject::invokeMethod(m_worker, [worker = m_worker] { worker->runSync({}, true); }, Qt::QueuedConnection);
    }

    void WorkspaceController::loadDetails(const QString &project)
    {
        QMetaObject::invokeMethod(m_worker, [worker = m_worker, project] { worker->loadDetails(project); }, Qt::QueuedConnection);
    }

    void WorkspaceController::readDetails(const QString &project)
    {
        setBusy(true);
        QMetaObject::invokeMethod(m_worker, [worker = m_worker, project] { worker->readDetails(project); }, Qt::QueuedConnection);
    }

    void WorkspaceController::cancelSync()
    {
        QMetaObject::invokeMethod(m_worker, [worker = m_worker] { worker->cancelSync(); }, Qt::QueuedConnection);
    }

    void WorkspaceController::inspectConflict(const QString &project, const QString &name)
    {
        setBusy(true);
        QMetaObject::invokeMethod(m_worker, [worker = m_worker, project, name] { worker->inspectConflict(project, name); }, Qt::QueuedConnection);
    }

    void WorkspaceController::resolveConflict(const QString &project, const QString &name, const QString &keep,
        const Conflicts::ResolveOptions &options)
    {
        setBusy(true);
        QMetaObject::invokeMethod(m_worker, [worker = m_worker, project, name, keep, options] {
            worker->resolveConflict(project, name, keep, options, false);
        }, Qt::QueuedConnection);
    }

    void WorkspaceController::deferConflict(const QString &project, const QString &name, const QString &note)
    {
        setBusy(true);
        QMetaObject::invokeMethod(m_worker, [worker = m_worker, project, name, note] {
            worker->resolveConflict(project, name, QString(), Conflicts::ResolveOptions{false, false, note}, true);
        }, Qt::QueuedConnection);
    }

    void WorkspaceController::verify(qint64 budgetBytes)
    {
        setBusy(true);
        QMetaObject::invokeMethod(m_worker, [worker = m_worker, budgetBytes] { worker->verify(budgetBytes); }, Qt::QueuedConnection);
    }

    void WorkspaceController::repair(const QString &project, const QString &name, const QString &from, bool dryRun)
    {
        setBusy(true);
        QMetaObject::invokeMethod(m_worker, [worker = m_worker, project, name, from, dryRun] { worker->repair(project, name, from, dryRun); },
            Qt::QueuedConnection);
    }

    void WorkspaceController::setCredentials(const QString &server, const Repository::Credentials &credentials)
    {
        QMetaObject::invokeMethod(m_worker, [worker = m_worker, server, credentials] { worker->setCredentials(server, credentials); },
            Qt::QueuedConnection);
    }

    void WorkspaceController::setBusy(bool busy)
    {
        if (m_busy == busy)
            return;
        m_busy = busy;
        Q_EMIT busyChanged(busy);
    }
}

#include "workspacecontroller.moc"
