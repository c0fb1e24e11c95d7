// The one place for calls Qt does not wrap; each is guarded per platform.

#include "platform.h"

#include <QCoreApplication>
#include <QFile>
#include <QSocketNotifier>

#if defined(Q_OS_WIN)
#include <io.h>
#include <windows.h>
#else
#include <csignal>
#include <sys/socket.h>
#include <unistd.h>
#endif

namespace TwinTrunk::Platform
{
    namespace
    {
        std::function<void()> &stopCallback()
        {
            static std::function<void()> callback;
            return callback;
        }

#if defined(Q_OS_WIN)
        BOOL WINAPI consoleHandler(DWORD)
        {
            QMetaObject::invokeMethod(QCoreApplication::instance(), [] {
                if (stopCallback())
                    stopCallback()();
            }, Qt::QueuedConnection);
            return TRUE;
        }
#else
        // The self-pipe: the signal handler only writes a byte; the event loop does the rest.
        int signalPipe[2] = {-1, -1};

        void signalHandler(int)
        {
            const char byte = 1;
            [[maybe_unused]] const ssize_t written = ::write(signalPipe[1], &byte, 1);
        }
#endif
    }

    bool syncToDisk(QFile &file)
    {
        if (!file.flush())
            return false;
        const int descriptor = file.handle();
        if (descriptor < 0)
            return false;
#if defined(Q_OS_WIN)
        return FlushFileBuffers(reinterpret_cast<HANDLE>(_get_osfhandle(descriptor))) != 0;
#else
        return ::fsync(descriptor) == 0;
#endif
    }

    void cacheLocalTimeZone()
    {
#if defined(Q_OS_LINUX)
        if (!qEnvironmentVariableIsSet("TZ") && QFile::exists(QStringLiteral("/etc/localtime")))
            qputenv("TZ", ":/etc/localtime");
#endif
    }

    bool isTerminal(FILE *stream)
    {
#if defined(Q_OS_WIN)
        return _isatty(_fileno(stream)) != 0;
#else
        return ::isatty(fileno(stream)) != 0;
#endif
    }

    void installStopHandler(std::function<void()> onStop)
    {
        stopCallback() = std::move(onStop);
#if defined(Q_OS_WIN)
        SetConsoleCtrlHandler(consoleHandler, TRUE);
#else
        if (signalPipe[0] < 0 && ::socketpair(AF_UNIX, SOCK_STREAM, 0, signalPipe) != 0)
            return;
        auto *notifier = new QSocketNotifier(signalPipe[0], QSocketNotifier::Read, QCoreApplication::instance());
        QObject::connect(notifier, &QSocketNotifier::activated, notifier, [] {
            char byte;
            [[maybe_unused]] const ssize_t got = ::read(signalPipe[0], &byte, 1);
            if (stopCallback())
                stopCallback()();
        });
        struct sigaction action = {};
        action.sa_handler = signalHandler;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESTART;
        ::sigaction(SIGTERM, &action, nullptr);
        ::sigaction(SIGINT, &action, nullptr);
#endif
    }
}
