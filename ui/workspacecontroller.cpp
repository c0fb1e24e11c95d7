#include "workspacecontroller.h"

#include "refreshworker.h"
#include "util/logging.h"

namespace TwinTrunk::Ui
{
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
