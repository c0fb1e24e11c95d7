#pragma once

#include <memory>

#include <QLockFile>
#include <QString>
#include <QTemporaryDir>

namespace TwinTrunk::Sync
{
    // A private folder for downloads on their way to a target, under a root beside the state
    // database rather than the system's temporary folder: a run killed mid-copy leaves its partial
    // files where TwinTrunk looks for them. Each folder is held by a lock file for its owner's
    // lifetime; creating one first removes the folders whose owners died (QLockFile knows a dead
    // process's lock), never one in use by another live process.
    class ScratchFolder final
    {
    public:
        explicit ScratchFolder(const QString &root);
        ~ScratchFolder();
        ScratchFolder(const ScratchFolder &) = delete;
        ScratchFolder &operator=(const ScratchFolder &) = delete;

        bool isValid() const { return m_folder && m_folder->isValid(); }
        QString path() const { return m_folder ? m_folder->path() : QString(); }
        // How many abandoned folders were removed when this one was made.
        int removedAbandoned() const { return m_removedAbandoned; }

    private:
        std::unique_ptr<QTemporaryDir> m_folder;
        std::unique_ptr<QLockFile> m_lock;
        int m_removedAbandoned = 0;
    };
}
