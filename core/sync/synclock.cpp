#include "synclock.h"

namespace TwinTrunk::Sync
{
    Result<std::unique_ptr<SyncLock>> SyncLock::acquire(const QString &workspaceFile)
    {
        std::unique_ptr<SyncLock> lock(new SyncLock(workspaceFile + QStringLiteral(".sync.lock")));
        lock->m_file.setStaleLockTime(0); // stale only when its process is gone, however long a run takes
        if (lock->m_file.tryLock(0))
            return lock;
        qint64 pid = 0;
        QString host, application;
        lock->m_file.getLockInfo(&pid, &host, &application);
        return Error{.where = workspaceFile,
            .message = QStringLiteral("busy: another sync is running (pid %1 on %2)").arg(pid).arg(host),
            .kind = Error::Kind::Busy};
    }
}
