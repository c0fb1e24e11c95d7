#pragma once

#ifndef Q_MOC_RUN // moc cannot parse the standard library's concepts
#include <coroutine>
#endif
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include <QObject>
#include <QPointer>
#include <QTimer>

// Asynchronous jobs written as C++20 coroutines, on the event loop of the thread that runs them.
//
// A long operation (a status, a sync run, a repoint) waits for replies, timers and other jobs. It
// used to wait with a local event loop, and a local loop on the console's worker ran queued
// requests inside the running one (a use-after-free). A coroutine suspends instead: `co_await`
// on a reply returns to the thread's own event loop, which resumes the coroutine when the reply
// has finished. Nothing nests, and the code still reads top to bottom.
//
// - Task<T> is lazy: it runs when awaited (co_await task) or started by a TaskRunner.
// - Destroying a Task destroys its coroutine frame, and with it what the frame owns (replies,
//   which abort their requests; child tasks): that is how a job is cancelled.
// - A coroutine is resumed only from the event loop (queued), never inside the signal that
//   finished what it waited for, so resuming it never runs inside someone else's call stack.
namespace TwinTrunk
{
    template<typename T = void>
    class Task;

    namespace Detail
    {
        // Where a finished task goes on: the coroutine that awaits it, or nothing (a runner's).
        struct FinalAwaiter
        {
            bool await_ready() const noexcept { return false; }
            template<typename Promise>
            std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> finished) noexcept
            {
                const std::coroutine_handle<> next = finished.promise().continuation;
                if (finished.promise().onDone)
                    finished.promise().onDone();
                return next ? next : std::noop_coroutine();
            }
            void await_resume() const noexcept {}
        };

        struct PromiseBase
        {
            std::coroutine_handle<> continuation;
            std::function<void()> onDone; // for a runner: told when the task is over
            std::suspend_always initial_suspend() const noexcept { return {}; }
            FinalAwaiter final_suspend() const noexcept { return {}; }
            // TwinTrunk reports errors as values; an exception escaping a job is a bug.
            void unhandled_exception() const noexcept { std::terminate(); }
        };
    }

    template<typename T>
    class [[nodiscard]] Task final
    {
    public:
        struct promise_type final : Detail::PromiseBase
        {
            std::optional<T> value;
            Task get_return_object() { return Task(std::coroutine_handle<promise_type>::from_promise(*this)); }
            template<typename U>
            void return_value(U &&result)
            {
                value.emplace(std::forward<U>(result));
            }
        };

        Task(Task &&other) noexcept : m_handle(std::exchange(other.m_handle, {})) {}
        Task &operator=(Task &&other) noexcept
        {
            if (this != &other)
            {
                destroy();
                m_handle = std::exchange(other.m_handle, {});
            }
            return *this;
        }
        Task(const Task &) = delete;
        Task &operator=(const Task &) = delete;
        ~Task() { destroy(); }

        bool await_ready() const noexcept { return false; }
        std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiting) noexcept
        {
            m_handle.promise().continuation = awaiting;
            return m_handle;
        }
        T await_resume() { return std::move(*m_handle.promise().value); }

        std::coroutine_handle<promise_type> handle() const { return m_handle; }
        bool isDone() const { return m_handle && m_handle.done(); }
        T takeResult() { return std::move(*m_handle.promise().value); }

    private:
        explicit Task(std::coroutine_handle<promise_type> handle) : m_handle(handle) {}
        void destroy()
        {
            if (m_handle)
                std::exchange(m_handle, {}).destroy();
        }
        std::coroutine_handle<promise_type> m_handle;
    };

    template<>
    class [[nodiscard]] Task<void> final
    {
    public:
        struct promise_type final : Detail::PromiseBase
        {
            Task get_return_object() { return Task(std::coroutine_handle<promise_type>::from_promise(*this)); }
            void return_void() const noexcept {}
        };

        Task(Task &&other) noexcept : m_handle(std::exchange(other.m_handle, {})) {}
        Task &operator=(Task &&other) noexcept
        {
            if (this != &other)
            {
                destroy();
                m_handle = std::exchange(other.m_handle, {});
            }
            return *this;
        }
        Task(const Task &) = delete;
        Task &operator=(const Task &) = delete;
        ~Task() { destroy(); }

        bool await_ready() const noexcept { return false; }
        std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiting) noexcept
        {
            m_handle.promise().continuation = awaiting;
            return m_handle;
        }
        void await_resume() const noexcept {}

        std::coroutine_handle<promise_type> handle() const { return m_handle; }
        bool isDone() const { return m_handle && m_handle.done(); }
        void takeResult() const noexcept {}

    private:
        explicit Task(std::coroutine_handle<promise_type> handle) : m_handle(handle) {}
        void destroy()
        {
            if (m_handle)
                std::exchange(m_handle, {}).destroy();
        }
        std::coroutine_handle<promise_type> m_handle;
    };

    // Resumes `handle` from `context`'s event loop, soon; not at all if `context` is gone by then
    // (its owner destroyed the coroutine that waited).
    inline void resumeLater(QObject *context, std::coroutine_handle<> handle)
    {
        QMetaObject::invokeMethod(
            context, [handle] { handle.resume(); }, Qt::QueuedConnection);
    }

    // co_await delayFor(milliseconds): resumes from the event loop after the time.
    class [[nodiscard]] DelayAwaiter final
    {
    public:
        explicit DelayAwaiter(int milliseconds) : m_milliseconds(milliseconds) {}
        bool await_ready() const noexcept { return false; }
        void await_suspend(std::coroutine_handle<> handle)
        {
            m_timer = std::make_unique<QTimer>();
            m_timer->setSingleShot(true);
            // Resumed from the event loop, not inside the timer's own signal (the timer goes with the frame).
            QObject::connect(m_timer.get(), &QTimer::timeout, m_timer.get(), [timer = m_timer.get(), handle] { resumeLater(timer, handle); });
            m_timer->start(std::max(0, m_milliseconds));
        }
        void await_resume() const noexcept {}

    private:
        int m_milliseconds;
        std::unique_ptr<QTimer> m_timer; // goes with the frame: a cancelled wait never fires
    };
    inline DelayAwaiter delayFor(int milliseconds)
    {
        return DelayAwaiter(milliseconds);
    }

    // co_await signalled(object, &Class::signal): resumes after the object emits it (queued).
    template<typename Object, typename Signal>
    class [[nodiscard]] SignalAwaiter final
    {
    public:
        SignalAwaiter(Object *object, Signal signal) : m_object(object), m_signal(signal) {}
        bool await_ready() const noexcept { return m_object.isNull(); }
        void await_suspend(std::coroutine_handle<> handle)
        {
            m_context = std::make_unique<QObject>();
            QObject::connect(
                m_object.data(), m_signal, m_context.get(), [handle] { handle.resume(); }, Qt::ConnectionType(Qt::QueuedConnection | Qt::SingleShotConnection));
        }
        void await_resume() const noexcept {}

    private:
        QPointer<Object> m_object;
        Signal m_signal;
        std::unique_ptr<QObject> m_context; // goes with the frame: a cancelled wait never resumes
    };
    template<typename Object, typename Signal>
    SignalAwaiter<Object, Signal> signalled(Object *object, Signal signal)
    {
        return SignalAwaiter<Object, Signal>(object, signal);
    }

    // co_await whenCalled([](std::function<void()> done) { ... }): starts an operation written with a
    // completion callback and resumes (from the event loop) once it calls `done`. Only the first
    // call counts; one after the waiting task was cancelled does nothing.
    template<typename Start>
    class [[nodiscard]] CallbackAwaiter final
    {
    public:
        explicit CallbackAwaiter(Start start) : m_start(std::move(start)) {}
        bool await_ready() const noexcept { return false; }
        void await_suspend(std::coroutine_handle<> handle)
        {
            m_context = std::make_unique<QObject>();
            m_start([context = QPointer<QObject>(m_context.get()), handle, called = std::make_shared<bool>(false)] {
                if (context && !std::exchange(*called, true))
                    resumeLater(context.data(), handle);
            });
        }
        void await_resume() const noexcept {}

    private:
        Start m_start;
        std::unique_ptr<QObject> m_context; // goes with the frame
    };
    // `start` must be a named lambda (an lvalue), as for inBackground (util/background.h).
    template<typename Start>
    CallbackAwaiter<Start> whenCalled(Start &start)
    {
        return CallbackAwaiter<Start>(start);
    }

    // Runs tasks at most `concurrency` at a time; a task is taken from `tasks` (front first) when a
    // slot is free and `stopRequested` (if given) says no. Completes when every task started has
    // completed; returns how many were started.
    Task<int> runBounded(std::vector<std::function<Task<void>()>> tasks, int concurrency, std::function<bool()> stopRequested = {});

    // Starts a task on the calling thread's event loop and owns it: `done(result)` is called when
    // it completes; destroying the runner (or its parent) cancels the task (see Task).
    class TaskRunner final : public QObject
    {
        Q_OBJECT
        Q_DISABLE_COPY_MOVE(TaskRunner)

    public:
        explicit TaskRunner(QObject *parent = nullptr) : QObject(parent) {}
        ~TaskRunner() override;

        template<typename T, typename Done>
        void start(Task<T> task, Done done)
        {
            m_task = std::make_unique<Holder<T>>(std::move(task));
            auto *holder = static_cast<Holder<T> *>(m_task.get());
            QPointer<TaskRunner> self(this);
            holder->task.handle().promise().onDone = [self, holder, done = std::move(done)]() mutable {
                // Called inside the task's final suspension: hand over from the event loop.
                QMetaObject::invokeMethod(
                    self.data(),
                    [self, holder, done = std::move(done)]() mutable {
                        if (!self || self->m_task.get() != holder)
                            return;
                        if constexpr (std::is_void_v<T>)
                            done();
                        else
                            done(holder->task.takeResult());
                        Q_EMIT self->finished();
                    },
                    Qt::QueuedConnection);
            };
            holder->task.handle().resume();
        }
        bool isRunning() const { return m_task && !m_task->done(); }
        // Destroys the task under way (its requests abort, nothing more starts).
        void cancel() { m_task.reset(); }

    Q_SIGNALS:
        void finished();

    private:
        struct HolderBase
        {
            virtual ~HolderBase() = default;
            virtual bool done() const = 0;
        };
        template<typename T>
        struct Holder final : HolderBase
        {
            explicit Holder(Task<T> &&started) : task(std::move(started)) {}
            bool done() const override { return task.isDone(); }
            Task<T> task;
        };
        std::unique_ptr<HolderBase> m_task;
    };
}
