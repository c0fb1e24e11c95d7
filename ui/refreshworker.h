#pragma once
// The console's worker: the jobs WorkspaceController queues, run one at a time on its own thread,
// which holds the open workspace and its state database. Only workspacecontroller.cpp includes it.

#include <functional>
#include <memory>
#include <mutex>

#include "util/task.h"
#include "workspacecontroller.h"

namespace TwinTrunk::Ui
{
    QString noWorkspace(); // "No workspace is open.", as a job and a refused request say it

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
}
