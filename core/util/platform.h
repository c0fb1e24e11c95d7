#pragma once

#include <functional>

#include <cstdio>

class QFile;
class QProcess;
class QString;

namespace TwinTrunk::Platform
{
    // Flushes a written file's data to stable storage (fsync / FlushFileBuffers), so that a
    // rename that follows cannot expose a file whose contents a crash would lose.
    bool syncToDisk(QFile &file);

    // Flushes a folder's entries to stable storage, so that a file renamed into it survives a power
    // cut (POSIX: fsync on the directory; Windows: the rename was already written through).
    bool syncDirectory(const QString &path);

    // Moves `from` to `to` atomically, failing (false) when `to` exists: never replaces a file.
    // QFile::rename cannot be used for this: when its native rename fails it falls back to copying
    // over the target, and another writer may have created it since its own check.
    // `targetExisted` tells a refusal apart from another failure.
    bool renameNoReplace(const QString &from, const QString &to, bool *targetExisted = nullptr);

    // Makes `process` (not started yet) lead a process group of its own (Unix) or a new process
    // group (Windows), so that killProcessGroup stops what it starts too (a shell's children).
    void startInOwnProcessGroup(QProcess &process);
    // Kills a started process and every process of its group (Unix) or tree (Windows).
    void killProcessGroup(QProcess &process);

    // Whether a standard stream is an interactive terminal (for progress bars).
    bool isTerminal(FILE *stream);

    // On Linux, without TZ, glibc re-reads /etc/localtime on every local-time conversion (each
    // QFileInfo date): with TZ=:/etc/localtime it reads it once. Changes no result. Call at start-up.
    void cacheLocalTimeZone();

    // Calls `onStop` on the Qt event loop's thread when the process is asked to stop (SIGTERM or
    // SIGINT on Unix, Ctrl-C or a console close on Windows). Call once, after the application object exists.
    void installStopHandler(std::function<void()> onStop);
}
