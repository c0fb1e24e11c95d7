#pragma once

#include <memory>
#include <utility>

#include <QFutureWatcher>
#include <QObject>
#include <QPromise>
#include <QThreadPool>

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
}
