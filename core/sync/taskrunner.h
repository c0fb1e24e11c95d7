#pragma once

#include <functional>

#include <QList>

namespace TwinTrunk::Sync
{
    // Runs asynchronous tasks with at most `concurrency` at a time and returns when every started
    // task has called its `done` (a local event loop turns meanwhile). When `stopRequested` becomes
    // true, no further task starts; those running finish. Returns how many tasks were started.
    using Task = std::function<void(std::function<void()> done)>;
    int runBounded(const QList<Task> &tasks, int concurrency, const std::function<bool()> &stopRequested = {});
}
