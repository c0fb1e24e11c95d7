#include "task.h"

namespace TwinTrunk
{
    namespace
    {
        // Counts tasks down; the coroutine waiting on it resumes (from the event loop) at zero.
        struct Latch
        {
            int remaining = 0;
            std::coroutine_handle<> waiter;
            std::unique_ptr<QObject> context = std::make_unique<QObject>(); // goes with the waiter's frame

            void countDown()
            {
                if (--remaining == 0 && waiter)
                    resumeLater(context.get(), waiter);
            }
            auto operator co_await()
            {
                struct Awaiter
                {
                    Latch &latch;
                    bool await_ready() const noexcept { return latch.remaining == 0; }
                    void await_suspend(std::coroutine_handle<> handle) noexcept { latch.waiter = handle; }
                    void await_resume() const noexcept {}
                };
                return Awaiter{*this};
            }
        };

        struct Queue
        {
            std::vector<std::function<Task<void>()>> tasks;
            std::size_t next = 0;
            int started = 0;
            std::function<bool()> stopRequested;
        };

        // Takes the next task while there is one and no stop was asked, runs it to its end.
        Task<void> worker(Queue &queue, Latch &latch)
        {
            while (queue.next < queue.tasks.size() && !(queue.stopRequested && queue.stopRequested()))
            {
                std::function<Task<void>()> make = std::move(queue.tasks[queue.next++]);
                ++queue.started;
                co_await make();
            }
            latch.countDown();
        }
    }

    Task<int> runBounded(std::vector<std::function<Task<void>()>> tasks, int concurrency, std::function<bool()> stopRequested)
    {
        Queue queue{std::move(tasks), 0, 0, std::move(stopRequested)};
        const int workers = int(std::min<std::size_t>(std::size_t(std::max(concurrency, 1)), queue.tasks.size()));
        Latch latch;
        latch.remaining = workers;
        std::vector<Task<void>> running;
        running.reserve(std::size_t(workers));
        for (int i = 0; i < workers; ++i)
        {
            running.push_back(worker(queue, latch));
            running.back().handle().resume(); // runs until it first waits
        }
        co_await latch;
        co_return queue.started;
    }

    TaskRunner::~TaskRunner() = default;
}
