#include "scratchfolder.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>

namespace TwinTrunk::Sync
{
    namespace
    {
        const QString LockName = QStringLiteral(".owner.lock");

        int removeAbandoned(const QDir &root)
        {
            int removed = 0;
            const QStringList folders = root.entryList({QStringLiteral("run-*")}, QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden);
            for (const QString &name : folders)
            {
                QDir folder(root.filePath(name));
                const QFileInfo lockFile(folder.filePath(LockName));
                // A folder another process is making right now has no lock yet: give it a minute.
                if (!lockFile.exists() && QFileInfo(folder.path()).lastModified().secsTo(QDateTime::currentDateTime()) < 60)
                    continue;
                QLockFile owner(lockFile.filePath());
                // Stale only when its process is gone, however old: a console may hold one for days.
                owner.setStaleLockTime(0);
                if (!owner.tryLock(0))
                    continue;
                owner.unlock();
                if (folder.removeRecursively())
                    ++removed;
            }
            return removed;
        }
    }

    ScratchFolder::ScratchFolder(const QString &root)
    {
        QDir dir(root);
        if (!dir.mkpath(QStringLiteral(".")))
            return;
        m_removedAbandoned = removeAbandoned(dir);
        m_folder = std::make_unique<QTemporaryDir>(dir.filePath(QStringLiteral("run-XXXXXX")));
        if (!m_folder->isValid())
            return;
        m_lock = std::make_unique<QLockFile>(QDir(m_folder->path()).filePath(LockName));
        if (!m_lock->tryLock(0))
            m_folder.reset();
    }

    ScratchFolder::~ScratchFolder()
    {
        if (m_lock)
            m_lock->unlock();
        m_lock.reset();
        m_folder.reset(); // removes the folder and whatever is left in it
    }
}
