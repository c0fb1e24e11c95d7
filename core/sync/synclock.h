#pragma once

#include <memory>

#include <QLockFile>
#include <QString>

#include "util/result.h"

namespace TwinTrunk::Sync
{
    // One replication run at a time per workspace, across processes: the console (by hand or on
    // its schedule) and twintrunkctl from cron or systemd. A lock file next to the workspace file;
    // one left by a process that died is taken over (QLockFile checks the pid).
    class SyncLock final
    {
    public:
        // Busy (naming the holder's pid and host) when another run holds it.
        static Result<std::unique_ptr<SyncLock>> acquire(const QString &workspaceFile);

    private:
        explicit SyncLock(const QString &path) : m_file(path) {}
        QLockFile m_file;
    };
}
