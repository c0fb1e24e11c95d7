#include "taskrunner.h"

#include <QEventLoop>

namespace TwinTrunk::Sync
{
    int runBounded(const QList<Task> &tasks, int concurrency, const std::function<bool()> &stopRequested)
    {
        if (tasks.isEmpty())
            return 0;
        QEventLoop loop;
        qsizetype next = 0;
        int running = 0;
        bool starting = false;
        auto stopped = [&] { return stopRequested && stopRequested(); };
        std::function<void()> startMore = [&] {
            if (starting)
                return; // a task finished synchronously inside a start: the outer loop carries on
            starting = true;
            while (running < concurrency && next < tasks.size() && !stopped())
            {
                ++running;
                const Task &task = tasks.at(next++);
                task([&] {
                    --running;
                    startMore();
                });
            }
            starting = false;
        };
        startMore();
        // Not loop.exec(): a quitting thread (a window closing mid-refresh) ends exec() at once,
        // and a task finishing later would call into this returned frame. Each started task is
        // waited for, however the thread is asked to stop.
        while (running > 0)
            loop.processEvents(QEventLoop::WaitForMoreEvents);
        return int(next);
    }
}
