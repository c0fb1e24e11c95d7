#include "workspacecontroller.h"

#include <memory>
#include <mutex>

#include <QDir>

#include "demo/demoworkspace.h"
#include "presentation/verdict.h"
#include "sync/scratchfolder.h"
#include "sync/synclock.h"
#include "util/background.h"
#include "util/logging.h"
#include "util/task.h"

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
        QString noWorkspace()
        {
            return WorkspaceController::tr("No workspace is open.");
        }
    }

    // Lives on the controller's thread and runs one job at a time there, so the SQLite connection
    // and the network objects belong to that thread. A job is a coroutine on this thread's event
    // loop; between jobs the worker holds the open workspace and its state database.
    // A job's result, handed from the worker thread to the controller's under a mutex: a
    // queued signal would order it only through Qt's event queue, which ThreadSanitizer cannot
    // see (Debian's Qt is not instrumented), so the whole result read as a race.
    class ResultMailbox final
    {
    public:
        void put(quint64 id, const QVariant &value)
        {
            const std::lock_guard<std::mutex> locked(m_lock);
            m_values.insert(id, value);
        }
        QVariant take(quint64 id)
        {
            const std::lock_guard<std::mutex> locked(m_lock);
            return m_values.take(id);
        }

    private:
        std::mutex m_lock;
        QHash<quint64, QVariant> m_values;
    };

    class RefreshWorker final : public QObject
    {
        Q_OBJECT

    public:
        explicit RefreshWorker(std::shared_ptr<ResultMailbox> mailbox) : m_mailbox(std::move(mailbox)) {}

        // Starts the job of request `id`; jobFinished(id, ...) follows, once.
        void start(quint64 id, const WorkspaceController::Job &job)
        {
            Q_ASSERT(m_runningId == 0);
            m_runningId = id;
            // From this thread's own event loop, not inside the hand-over from the controller's
            // thread: the job's frames are its own (and ThreadSanitizer's hand-over suppressions
            // do not cover them).
            QMetaObject::invokeMethod(
                this,
                [this, id, job] {
                    if (m_runningId != id)
                        return; // abandoned before it began
                    applySessionCredentials();
                    m_runner.start(job(*this), [this, id](JobResult result) {
                        const Request::Outcome outcome = result.error.isEmpty() ? Request::Outcome::Succeeded : Request::Outcome::Failed;
                        finishRunning(id, outcome, result.value, result.error);
                    });
                },
                Qt::QueuedConnection);
        }

        // Interrupts the job of request `id` if it still runs: abandons it (its frame and with it
        // its network requests go at once), or asks it to stop starting new work.
        void interrupt(quint64 id, bool abandon, const QString &reason)
        {
            if (id == 0 || id != m_runningId)
                return; // over already: its finish is on its way
            if (!abandon)
            {
                if (m_stop)
                    m_stop();
                else
                    m_stopPending = true; // asked before the job reached its engine: it stops at once
                return;
            }
            m_runner.cancel();
            finishRunning(id, Request::Outcome::Cancelled, QVariant(), reason);
        }

        // The window goes: once the job under way (if any) is over, this thread ends.
        void shutdown(bool abandon)
        {
            m_closing = true;
            if (m_runningId == 0)
                return thread()->quit();
            interrupt(m_runningId, abandon, tr("The window closed."));
        }

        void setCredentials(const QUrl &server, const Repository::Credentials &credentials)
        {
            m_sessionCredentials.insert(server, credentials); // applied when the next job starts
        }

        // The jobs. Each takes its arguments by value (a coroutine outlives its caller's frame).
        Task<JobResult> open(QString path);
        Task<JobResult> openDemo(QString directory);
        Task<JobResult> refresh();
        Task<JobResult> repoint(QString target, Failover::RepointOptions options);
        Task<JobResult> planSync(QString project);
        Task<JobResult> runSync(QList<Sync::PlanItem> items, bool planFirst);
        Task<JobResult> loadDetails(QString project);
        Task<JobResult> loadHistory(QDateTime since);
        Task<JobResult> readDetails(QString project);
        Task<JobResult> loadVersionRecords(QString project, QString name);
        Task<JobResult> inspectConflict(QString project, QString name);
        Task<JobResult> resolveConflict(QString project, QString name, QString keep, Conflicts::ResolveOptions options, bool defer);
        Task<JobResult> verify(qint64 budgetBytes);
        Task<JobResult> repair(QString project, QString name, QString from, QString onlyOn, bool dryRun);

    Q_SIGNALS:
        void jobFinished(quint64 id, int outcome, const QString &error); // the value waits in the mailbox
        void line(quint64 id, const QString &text);
        void summaryChanged(const TwinTrunk::Ui::WorkspaceSummary &summary);
        void syncStarted();
        void syncProgressed(const TwinTrunk::Sync::SyncProgress &progress);
        void copyStarted(const TwinTrunk::Sync::PlanItem &item);
        void copyFinished(const TwinTrunk::Sync::CopyOutcome &outcome);
        void syncFinished(const TwinTrunk::Sync::SyncResult &result);
        void detailsProgressed(int done, int total);
        void verifyProgressed(int done, int total, qint64 bytesDone, qint64 bytesTotal);

    private:
        std::shared_ptr<ResultMailbox> m_mailbox;

        // While a job that can stop gently runs, how to ask it (cleared when the job's frame goes).
        class StopHook final
        {
        public:
            StopHook(RefreshWorker &worker, Sync::SyncEngine &engine) : m_worker(worker)
            {
                m_worker.m_stop = [&engine] { engine.requestStop(); };
                if (std::exchange(m_worker.m_stopPending, false))
                    engine.requestStop();
            }
            ~StopHook() { m_worker.m_stop = {}; }
            Q_DISABLE_COPY_MOVE(StopHook)

        private:
            RefreshWorker &m_worker;
        };

        void finishRunning(quint64 id, Request::Outcome outcome, const QVariant &value, const QString &error)
        {
            m_runningId = 0;
            m_stopPending = false;
            m_mailbox->put(id, value);
            Q_EMIT jobFinished(id, int(outcome), error);
            if (m_closing)
                thread()->quit();
        }

        // A step of the running job, for its request's message().
        void say(const QString &text) { Q_EMIT line(m_runningId, text); }
        auto sayer()
        {
            return [this](const QString &text) { say(text); };
        }

        void applySessionCredentials()
        {
            // Passwords given this session follow their server's URL, also into a reopened workspace.
            for (const ServerConfig &server : m_workspace.servers())
            {
                if (const auto given = m_sessionCredentials.constFind(server.url); given != m_sessionCredentials.cend())
                    m_workspace.setSessionCredentials(server.name, given.value());
            }
        }

        Sync::EngineOptions engineOptions() const
        {
            Sync::EngineOptions options;
            options.jobs = m_workspace.jobs();
            return options;
        }

        WorkspaceSummary summary() const
        {
            WorkspaceSummary summary;
            summary.path = m_workspace.filePath();
            summary.primary = m_workspace.primary().name;
            summary.servers.append(summary.primary);
            for (const ServerConfig &server : m_workspace.servers())
            {
                if (server.name != summary.primary)
                    summary.servers.append(server.name);
                summary.urls.insert(server.name, server.url);
            }
            summary.jobs = m_workspace.jobs();
            summary.syncEverySeconds = m_workspace.syncEverySeconds();
            summary.health = m_workspace.health();
            return summary;
        }

        // Connects an engine's progress to the broadcasts.
        void follow(Sync::SyncEngine &engine)
        {
            connect(&engine, &Sync::SyncEngine::progressed, this, &RefreshWorker::syncProgressed);
            connect(&engine, &Sync::SyncEngine::copyStarted, this, &RefreshWorker::copyStarted);
            connect(&engine, &Sync::SyncEngine::copyFinished, this, &RefreshWorker::copyFinished);
            connect(&engine, &Sync::SyncEngine::detailsProgressed, this, &RefreshWorker::detailsProgressed);
            connect(&engine, &Sync::SyncEngine::verifyProgressed, this, &RefreshWorker::verifyProgressed);
        }

        Workspace m_workspace;
        std::unique_ptr<State::StateDatabase> m_state;
        QHash<QUrl, Repository::Credentials> m_sessionCredentials; // server URL -> given this session
        TaskRunner m_runner{this};
        quint64 m_runningId = 0;
        std::function<void()> m_stop; // set by StopHook
        bool m_stopPending = false;   // a stop asked before the job set its StopHook
        bool m_closing = false;
    };

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

    WorkspaceController::WorkspaceController(QObject *parent) : QObject(parent)
    {
        qRegisterMetaType<TwinTrunk::Ui::Refresh>();
        qRegisterMetaType<TwinTrunk::Ui::WorkspaceSummary>();
        qRegisterMetaType<TwinTrunk::Ui::SyncPlan>();
        qRegisterMetaType<TwinTrunk::Failover::RepointReport>();
        qRegisterMetaType<TwinTrunk::Sync::SyncProgress>();
        qRegisterMetaType<TwinTrunk::Sync::SyncResult>();
        qRegisterMetaType<TwinTrunk::Sync::PlanItem>();
        qRegisterMetaType<TwinTrunk::Sync::CopyOutcome>();
        qRegisterMetaType<TwinTrunk::Sync::ProjectDetails>();
        qRegisterMetaType<TwinTrunk::Health::History>();
        qRegisterMetaType<TwinTrunk::Sync::DetailsResult>();
        qRegisterMetaType<QList<TwinTrunk::Sync::PlanItem>>();
        qRegisterMetaType<TwinTrunk::Conflicts::ConflictInspection>();
        qRegisterMetaType<TwinTrunk::Conflicts::ResolutionReport>();
        qRegisterMetaType<TwinTrunk::Sync::ScrubResult>();
        qRegisterMetaType<TwinTrunk::Sync::RepairReport>();
        m_thread.setObjectName(QStringLiteral("twintrunk-worker"));
        m_mailbox = std::make_shared<ResultMailbox>();
        m_worker = new RefreshWorker(m_mailbox);
        m_worker->moveToThread(&m_thread);
        connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
        connect(m_worker, &RefreshWorker::jobFinished, this,
            [this](quint64 id, int outcome, const QString &error) { onJobFinished(id, Request::Outcome(outcome), m_mailbox->take(id), error); });
        connect(m_worker, &RefreshWorker::line, this, &WorkspaceController::onLine);
        connect(m_worker, &RefreshWorker::summaryChanged, this, [this](const WorkspaceSummary &summary) {
            m_summary = summary;
            Q_EMIT opened(summary.path);
        });
        connect(m_worker, &RefreshWorker::syncStarted, this, &WorkspaceController::syncStarted);
        connect(m_worker, &RefreshWorker::syncProgressed, this, &WorkspaceController::syncProgressed);
        connect(m_worker, &RefreshWorker::copyStarted, this, &WorkspaceController::copyStarted);
        connect(m_worker, &RefreshWorker::copyFinished, this, &WorkspaceController::copyFinished);
        connect(m_worker, &RefreshWorker::syncFinished, this, &WorkspaceController::syncFinished);
        connect(m_worker, &RefreshWorker::detailsProgressed, this, &WorkspaceController::detailsProgressed);
        connect(m_worker, &RefreshWorker::verifyProgressed, this, &WorkspaceController::verifyProgressed);
        m_thread.start();
    }

    WorkspaceController::~WorkspaceController()
    {
        // Nothing is cut off half-way: a replication finishes the copies in flight, a repoint runs
        // to its end, and the wait lasts until then. Requests queued are dropped without a word:
        // nobody is left to hear it.
        for (const Queued &queued : std::as_const(m_queue))
            delete queued.request.data();
        m_queue.clear();
        const bool abandon = m_running && m_running->interruption == Interruption::Abandon;
        QMetaObject::invokeMethod(
            m_worker, [worker = m_worker, abandon] { worker->shutdown(abandon); }, Qt::QueuedConnection);
        m_thread.wait();
    }

    Request *WorkspaceController::open(const QString &path)
    {
        Q_EMIT workspaceClosing();
        supersede(tr("Another workspace is being opened."));
        return enqueue(
            QStringLiteral("open"), tr("Open %1").arg(QDir::toNativeSeparators(path)), Interruption::Finish,
            [path](RefreshWorker &worker) { return worker.open(path); }, [this](const QVariant &) { refresh(); });
    }

    Request *WorkspaceController::openDemo(const QString &directory)
    {
        Q_EMIT workspaceClosing();
        supersede(tr("Another workspace is being opened."));
        return enqueue(
            QStringLiteral("open"), tr("Open the demo workspace"), Interruption::Finish,
            [directory](RefreshWorker &worker) { return worker.openDemo(directory); }, [this](const QVariant &) { refresh(); });
    }

    Request *WorkspaceController::refresh()
    {
        // What a refresh waiting in the queue will show is as new as what a second one would.
        if (const Queued *waiting = queued(QStringLiteral("refresh")); waiting && waiting->request)
            return waiting->request;
        return enqueueForWorkspace(
            QStringLiteral("refresh"), tr("Refreshing: listing the servers"), Interruption::Abandon, [](RefreshWorker &worker) { return worker.refresh(); },
            [this](const QVariant &value) { Q_EMIT refreshed(value.value<Refresh>()); });
    }

    Request *WorkspaceController::repointPreflight(const QString &target, Failover::RepointOptions options)
    {
        options.dryRun = true;
        return enqueueForWorkspace(QStringLiteral("repoint-preflight"), tr("Repoint preflight"), Interruption::Abandon,
            [target, options](RefreshWorker &worker) { return worker.repoint(target, options); });
    }

    Request *WorkspaceController::repoint(const QString &target, Failover::RepointOptions options)
    {
        if (hasQueuedOrRunning(QStringLiteral("repoint")))
            return refuse(tr("Repoint"), tr("A repoint is already under way."));
        options.dryRun = false;
        return enqueueForWorkspace(
            QStringLiteral("repoint"), tr("Repoint"), Interruption::Finish,
            [target, options](RefreshWorker &worker) { return worker.repoint(target, options); }, [this](const QVariant &) { refresh(); });
    }

    Request *WorkspaceController::planSync(const QString &project)
    {
        return enqueueForWorkspace(QStringLiteral("plan"), project.isEmpty() ? tr("Replication preview") : tr("Replication preview of %1").arg(project),
            Interruption::Abandon, [project](RefreshWorker &worker) { return worker.planSync(project); });
    }

    Request *WorkspaceController::runSync(const QList<Sync::PlanItem> &items)
    {
        if (hasQueuedOrRunning(QStringLiteral("sync")))
            return refuse(tr("Replicate"), tr("A replication is already under way."));
        return enqueueForWorkspace(
            QStringLiteral("sync"), tr("Replicate"), Interruption::Stop, [items](RefreshWorker &worker) { return worker.runSync(items, false); },
            [this](const QVariant &) { refresh(); });
    }

    Request *WorkspaceController::runScheduledSync()
    {
        if (hasQueuedOrRunning(QStringLiteral("sync")))
            return refuse(tr("Scheduled replication"), tr("A replication is already under way."));
        return enqueueForWorkspace(
            QStringLiteral("sync"), tr("Scheduled replication"), Interruption::Stop, [](RefreshWorker &worker) { return worker.runSync({}, true); },
            [this](const QVariant &) { refresh(); });
    }

    Request *WorkspaceController::loadDetails(const QString &project)
    {
        return enqueueForWorkspace(
            QStringLiteral("details"), tr("Load the details of %1").arg(project), Interruption::Abandon,
            [project](RefreshWorker &worker) { return worker.loadDetails(project); },
            [this](const QVariant &value) { Q_EMIT detailsLoaded(value.value<Sync::ProjectDetails>()); });
    }

    Request *WorkspaceController::loadHistory(const QDateTime &since)
    {
        return enqueueForWorkspace(QStringLiteral("history"), tr("Load the history"), Interruption::Abandon,
            [since](RefreshWorker &worker) { return worker.loadHistory(since); });
    }

    Request *WorkspaceController::readDetails(const QString &project)
    {
        return enqueueForWorkspace(
            QStringLiteral("read-details"), tr("Read the authors and dates of %1").arg(project), Interruption::Stop,
            [project](RefreshWorker &worker) { return worker.readDetails(project); }, [this, project](const QVariant &) { loadDetails(project); });
    }

    Request *WorkspaceController::loadVersionRecords(const QString &project, const QString &name)
    {
        return enqueueForWorkspace(QStringLiteral("version-records"), tr("Read the timeline of %1").arg(name), Interruption::Abandon,
            [project, name](RefreshWorker &worker) { return worker.loadVersionRecords(project, name); });
    }

    Request *WorkspaceController::inspectConflict(const QString &project, const QString &name)
    {
        return enqueueForWorkspace(QStringLiteral("inspect"), tr("Inspect %1").arg(name), Interruption::Abandon,
            [project, name](RefreshWorker &worker) { return worker.inspectConflict(project, name); });
    }

    Request *WorkspaceController::resolveConflict(const QString &project, const QString &name, const QString &keep, const Conflicts::ResolveOptions &options)
    {
        Then then;
        if (!options.dryRun)
            then = [this](const QVariant &) { refresh(); };
        return enqueueForWorkspace(
            QStringLiteral("resolve"), tr("Resolve %1").arg(name), Interruption::Finish,
            [project, name, keep, options](RefreshWorker &worker) { return worker.resolveConflict(project, name, keep, options, false); }, std::move(then));
    }

    Request *WorkspaceController::deferConflict(const QString &project, const QString &name, const QString &note)
    {
        const Conflicts::ResolveOptions options{.replace = false, .dryRun = false, .note = note};
        return enqueueForWorkspace(
            QStringLiteral("resolve"), tr("Defer %1").arg(name), Interruption::Finish,
            [project, name, options](RefreshWorker &worker) { return worker.resolveConflict(project, name, QString(), options, true); },
            [this](const QVariant &) { refresh(); });
    }

    Request *WorkspaceController::verify(qint64 budgetBytes)
    {
        if (hasQueuedOrRunning(QStringLiteral("verify")))
            return refuse(tr("Verify"), tr("A verification is already under way."));
        return enqueueForWorkspace(
            QStringLiteral("verify"), tr("Verify"), Interruption::Stop, [budgetBytes](RefreshWorker &worker) { return worker.verify(budgetBytes); },
            [this](const QVariant &) { refresh(); });
    }

    Request *WorkspaceController::repair(const QString &project, const QString &name, const QString &from, const QString &onlyOn, bool dryRun)
    {
        Then then;
        if (!dryRun)
            then = [this](const QVariant &) { refresh(); };
        return enqueueForWorkspace(
            QStringLiteral("repair"), tr("Repair %1").arg(name), Interruption::Finish,
            [project, name, from, onlyOn, dryRun](RefreshWorker &worker) { return worker.repair(project, name, from, onlyOn, dryRun); }, std::move(then));
    }

    void WorkspaceController::cancel(Request *request)
    {
        if (!request || request->isOver())
            return;
        if (m_running && m_running->request == request)
            return interruptRunning(tr("Cancelled."));
        for (qsizetype i = 0; i < m_queue.size(); ++i)
        {
            if (m_queue.at(i).request == request)
            {
                m_queue.removeAt(i);
                request->finish(Request::Outcome::Cancelled, QVariant(), tr("Cancelled before it started."));
                updateBusy();
                return;
            }
        }
    }

    void WorkspaceController::setCredentials(const QUrl &url, const Repository::Credentials &credentials)
    {
        if (url.isEmpty())
            return;
        QMetaObject::invokeMethod(
            m_worker, [worker = m_worker, url, credentials] { worker->setCredentials(url, credentials); }, Qt::QueuedConnection);
    }

    Request *WorkspaceController::enqueue(const QString &kind, const QString &what, Interruption interruption, Job job, Then then)
    {
        auto *request = new Request(what, this);
        m_queue.append(Queued{m_nextId++, kind, request, interruption, std::move(job), std::move(then)});
        updateBusy();
        // From the event loop: a request tells nothing (not even started()) before its caller has
        // had the chance to connect to it.
        QMetaObject::invokeMethod(this, &WorkspaceController::startNext, Qt::QueuedConnection);
        return request;
    }

    Request *WorkspaceController::enqueueForWorkspace(const QString &kind, const QString &what, Interruption interruption, Job job, Then then)
    {
        if (m_summary.path.isEmpty() && !hasQueuedOrRunning(QStringLiteral("open")))
            return refuse(what, noWorkspace());
        return enqueue(kind, what, interruption, std::move(job), std::move(then));
    }

    Request *WorkspaceController::refuse(const QString &what, const QString &reason)
    {
        auto *request = new Request(what, this);
        // Told from the event loop, so whoever asked has connected to finished() by then.
        QMetaObject::invokeMethod(
            request, [request, reason] { request->finish(Request::Outcome::Refused, QVariant(), reason); }, Qt::QueuedConnection);
        return request;
    }

    bool WorkspaceController::hasQueuedOrRunning(const QString &kind) const
    {
        return (m_running && m_running->kind == kind) || queued(kind);
    }

    const WorkspaceController::Queued *WorkspaceController::queued(const QString &kind) const
    {
        for (const Queued &waiting : m_queue)
        {
            if (waiting.kind == kind)
                return &waiting;
        }
        return nullptr;
    }

    void WorkspaceController::supersede(const QString &reason)
    {
        const QList<Queued> withdrawn = std::exchange(m_queue, {});
        for (const Queued &queued : withdrawn)
        {
            if (queued.request)
                queued.request->finish(Request::Outcome::Cancelled, QVariant(), reason);
        }
        interruptRunning(reason);
        updateBusy();
    }

    void WorkspaceController::interruptRunning(const QString &reason)
    {
        if (!m_running || m_running->interruption == Interruption::Finish)
            return;
        const bool abandon = m_running->interruption == Interruption::Abandon;
        QMetaObject::invokeMethod(
            m_worker, [worker = m_worker, id = m_running->id, abandon, reason] { worker->interrupt(id, abandon, reason); }, Qt::QueuedConnection);
    }

    void WorkspaceController::startNext()
    {
        if (m_running || m_queue.isEmpty())
            return;
        m_running = std::make_unique<Queued>(m_queue.takeFirst());
        qCDebug(Log::console).noquote() << "start" << m_running->id << (m_running->request ? m_running->request->what() : m_running->kind);
        if (m_running->request)
        {
            m_running->request->markStarted();
            Q_EMIT requestStarted(m_running->request);
        }
        QMetaObject::invokeMethod(
            m_worker, [worker = m_worker, id = m_running->id, job = m_running->job] { worker->start(id, job); }, Qt::QueuedConnection);
    }

    void WorkspaceController::onJobFinished(quint64 id, Request::Outcome outcome, const QVariant &value, const QString &error)
    {
        if (!m_running || m_running->id != id)
            return;
        const std::unique_ptr<Queued> finished = std::move(m_running);
        qCDebug(Log::console).noquote() << "end" << id << int(outcome) << error;
        // What follows a success (the refresh after a run) is queued before anyone hears of it, so
        // the controller stays busy until the window shows the new state.
        if (outcome == Request::Outcome::Succeeded && finished->then)
            finished->then(value);
        if (outcome == Request::Outcome::Failed && finished->kind == QLatin1String("refresh"))
            Q_EMIT refreshFailed(error);
        if (finished->request)
            finished->request->finish(outcome, value, error);
        startNext();
        updateBusy();
    }

    void WorkspaceController::onLine(quint64 id, const QString &line)
    {
        if (m_running && m_running->id == id && m_running->request)
            m_running->request->tell(line);
    }

    void WorkspaceController::updateBusy()
    {
        if (m_busy == isBusy())
            return;
        m_busy = isBusy();
        Q_EMIT busyChanged(m_busy);
    }
}

#include "workspacecontroller.moc"
