#pragma once

#include <memory>
#include <optional>
#include <utility>

#include <QFutureWatcher>
#include <QObject>
#include <QPromise>
#include <QThreadPool>

#include "task.h"

namespace TwinTrunk
{
    // Runs `work` (CPU work: checking an archive, hashing) on a pool thread, so the event loop of
    // the caller's thread keeps serving its other jobs; then `done(result)` on `context`'s thread.
    // If `context` is gone by then, `done` is not called: only `work` may touch shared data, and
    // only what it was given by value.
    template<typename Work, typename Done>
    void runInBackground(QObject *context, Work work, Done done)
    {
        using T = decltype(work());
        auto *watcher = new QFutureWatcher<T>(context);
        QObject::connect(watcher, &QFutureWatcherBase::finished, context, [watcher, done = std::move(done)]() mutable {
            watcher->deleteLater();
            done(watcher->result());
        });
        auto promise = std::make_shared<QPromise<T>>();
        watcher->setFuture(promise->future());
        promise->start();
        QThreadPool::globalInstance()->start([promise, work = std::move(work)]() mutable {
            promise->addResult(work());
            promise->finish();
        });
    }

    // co_await inBackground(work): the same from a Task; resumes with work's result. The wait owns
    // its context: a task cancelled meanwhile is never resumed (the work still runs to its end).
    template<typename Work>
    class [[nodiscard]] BackgroundAwaiter final
    {
    public:
        using Value = decltype(std::declval<Work>()());
        explicit BackgroundAwaiter(Work work) : m_work(std::move(work)) {}
        bool await_ready() const noexcept { return false; }
        void await_suspend(std::coroutine_handle<> handle)
        {
            m_context = std::make_unique<QObject>();
            // Resumed from the event loop, not inside the watcher's finished() (it goes with m_context).
            runInBackground(m_context.get(), std::move(m_work), [this, handle](const Value &value) {
                m_value.emplace(value);
                resumeLater(m_context.get(), handle);
            });
        }
        Value await_resume() { return std::move(*m_value); }

    private:
        Work m_work;
        std::optional<Value> m_value;
        std::unique_ptr<QObject> m_context;
    };

    // `work` must be a named lambda (an lvalue): GCC 12 destroys a lambda temporary written inside
    // a co_await expression twice (see docs/architecture.md, "Coroutines and GCC 12"), so
    // inBackground([...] { ... }) does not compile.
    template<typename Work>
    BackgroundAwaiter<Work> inBackground(Work &work)
    {
        return BackgroundAwaiter<Work>(work);
    }
}
