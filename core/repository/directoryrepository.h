#pragma once

#include <QDir>
#include <QThreadPool>

#include "repository.h"

namespace TwinTrunk::Repository
{
    // A folder of projects, each a folder of version files: how SqueakSource stores uploads and
    // what Monticello's directory repositories are. Work runs on a thread pool; replies finish
    // on the caller's thread. Writes go to a temporary file, are flushed to disk, and are renamed
    // into place only if the name is still free: an existing file is never replaced.
    class DirectoryRepository final : public Repository
    {
        Q_OBJECT
        Q_DISABLE_COPY_MOVE(DirectoryRepository)

    public:
        DirectoryRepository(const QString &serverName, const QString &folder, const RepositoryOptions &options = {},
            QObject *parent = nullptr);
        ~DirectoryRepository() override;

        QString describe() const override;
        QUrl location() const override { return QUrl::fromLocalFile(m_folder); }

        ResultReply<Listing> *list(const QString &project, const Listing *previous = nullptr) override;
        ResultReply<PingResult> *ping(const QString &project) override;
        ResultReply<VersionIdentity> *probe(const QString &project, const QString &fileName) override;
        ResultReply<FetchedFile> *fetch(const QString &project, const QString &fileName, const QString &directory) override;
        ResultReply<UploadResult> *upload(const QString &project, const QString &localPath, const QString &fileName = QString()) override;
        ResultReply<bool> *remove(const QString &project, const QString &fileName) override;

        // Blocking forms, run on the pool by the asynchronous ones (and usable off the UI thread).
        Result<Listing> listNow(const QString &project) const;
        Result<VersionIdentity> probeNow(const QString &project, const QString &fileName, qint64 *bytesRead = nullptr) const;
        Result<FetchedFile> fetchNow(const QString &project, const QString &fileName, const QString &directory) const;
        Result<UploadResult> uploadNow(const QString &project, const QString &localPath, const QString &fileName = QString()) const;

    private:
        QString where(const QString &project) const;
        Result<QString> projectPath(const QString &project) const;
        template<typename T, typename Work>
        ResultReply<T> *runAsync(Work work);

        QString m_serverName;
        QString m_folder;
        RepositoryOptions m_options;
        QThreadPool m_pool; // its own, so that the destructor can wait for work that uses this object
    };
}
