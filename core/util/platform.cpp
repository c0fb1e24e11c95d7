// The one place for calls Qt does not wrap; each is guarded per platform.

#include "platform.h"

#include <QCoreApplication>
#include <QFile>
#include <QProcess>
#include <QSocketNotifier>

#if defined(Q_OS_WIN)
#include <io.h>
#include <windows.h>
#else
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>
#endif
#if defined(Q_OS_LINUX)
#include <sys/syscall.h>
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
            QMetaObject::invokeMethod(
                QCoreApplication::instance(),
                [] {
                    if (stopCallback())
                        stopCallback()();
                },
                Qt::QueuedConnection);
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

    bool syncDirectory(const QString &path)
    {
#if defined(Q_OS_WIN)
        // NTFS journals a rename made with MOVEFILE_WRITE_THROUGH; a folder cannot be flushed there.
        Q_UNUSED(path);
        return true;
#else
        const int descriptor = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_DIRECTORY);
        if (descriptor < 0)
            return false;
        // Some file systems cannot sync a folder (EINVAL, ENOTSUP): there is nothing more to do.
        const bool synced = ::fsync(descriptor) == 0 || errno == EINVAL || errno == ENOTSUP;
        ::close(descriptor);
        return synced;
#endif
    }

    void cacheLocalTimeZone()
    {
#if defined(Q_OS_LINUX)
        if (!qEnvironmentVariableIsSet("TZ") && QFile::exists(QStringLiteral("/etc/localtime")))
            qputenv("TZ", ":/etc/localtime");
#endif
    }

    bool renameNoReplace(const QString &from, const QString &to, bool *targetExisted)
    {
        if (targetExisted)
            *targetExisted = false;
#if defined(Q_OS_WIN)
        // Without MOVEFILE_REPLACE_EXISTING, MoveFileEx fails when the target exists.
        if (MoveFileExW(reinterpret_cast<const wchar_t *>(from.utf16()), reinterpret_cast<const wchar_t *>(to.utf16()), MOVEFILE_WRITE_THROUGH))
            return true;
        const DWORD error = GetLastError();
        if (targetExisted)
            *targetExisted = error == ERROR_ALREADY_EXISTS || error == ERROR_FILE_EXISTS;
        return false;
#else
        const QByteArray source = QFile::encodeName(from), target = QFile::encodeName(to);
        // errno is read right after the call that set it: anything in between may change it.
        int error = ENOSYS; // where no atomic no-replace rename exists, as if the call said so
#if defined(Q_OS_LINUX) && defined(SYS_renameat2)
        if (::syscall(SYS_renameat2, AT_FDCWD, source.constData(), AT_FDCWD, target.constData(), 1 /* RENAME_NOREPLACE */) == 0)
            return true;
        error = errno;
#elif defined(Q_OS_MACOS)
        if (::renamex_np(source.constData(), target.constData(), RENAME_EXCL) == 0)
            return true;
        error = errno;
#endif
        if (error == ENOSYS || error == EINVAL || error == ENOTSUP)
        {
            // No atomic no-replace rename here (another Unix, an old kernel, a file system that
            // lacks it): link() refuses an existing target atomically.
            if (::link(source.constData(), target.constData()) == 0)
            {
                ::unlink(source.constData());
                return true;
            }
            error = errno;
        }
        if (targetExisted)
            *targetExisted = error == EEXIST;
        return false;
#endif
    }

    void startInOwnProcessGroup(QProcess &process)
    {
#if defined(Q_OS_WIN)
        process.setCreateProcessArgumentsModifier([](QProcess::CreateProcessArguments *arguments) { arguments->flags |= CREATE_NEW_PROCESS_GROUP; });
#else
        process.setChildProcessModifier([] { ::setpgid(0, 0); });
#endif
    }

    void killProcessGroup(QProcess &process)
    {
        const qint64 pid = process.processId();
        if (pid <= 0)
            return;
#if defined(Q_OS_WIN)
        // The process and every process it started, by parent id.
        QProcess::execute(QStringLiteral("taskkill"), {QStringLiteral("/T"), QStringLiteral("/F"), QStringLiteral("/PID"), QString::number(pid)});
#else
        ::kill(-pid_t(pid), SIGKILL);
#endif
        process.kill();
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
