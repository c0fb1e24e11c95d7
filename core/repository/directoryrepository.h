#pragma once

#include <QDir>
#include <QThreadPool>

#include "repository.h"

namespace TwinTrunk::Repository
{
    // A folder of projects, each a folder of version files: how SqueakSource stores uploads and
    // what Monticello's directory repositories are. Work runs on a thread pool; replies finish
    // on the caller's thread. Writes go to a temporary file created with the mode any new file in
    // the folder gets (the umask's, so a web server running as another user can serve it), are
    // flushed to disk, renamed into place only if the name is still free (an existing file is
    // never replaced), the folder flushed too, and the file read back whole.
    class DirectoryRepository final : public Repository
    {
        Q_OBJECT
        Q_DISABLE_COPY_MOVE(DirectoryRepository)

    public:
        DirectoryRepository(const QString &serverName, const QString &folder, const RepositoryOptions &options = {}, QObject *parent = nullptr);
        ~DirectoryRepository() override;

        QString describe() const override;
        QUrl location() const override { return QUrl::fromLocalFile(m_folder); }

        ResultReply<Listing> *list(const QString &project, const Listing *previous = nullptr) override;
        ResultReply<PingResult> *ping(const QString &project) override;
        ResultReply<VersionIdentity> *probe(const QString &project, const QString &fileName) override;
        ResultReply<FetchedFile> *fetch(const QString &project, const QString &fileName, const QString &directory) override;
        ResultReply<ContentDigest> *digest(const QString &project, const QString &fileName) override;
        ResultReply<UploadResult> *upload(const QString &project, const CheckedFile &file) override;
        ResultReply<bool> *remove(const QString &project, const QString &fileName) override;

        // Blocking forms, run on the pool by the asynchronous ones (and usable off the UI thread).
        Result<Listing> listNow(const QString &project) const;
        Result<VersionIdentity> probeNow(const QString &project, const QString &fileName, qint64 *bytesRead = nullptr) const;
        Result<FetchedFile> fetchNow(const QString &project, const QString &fileName, const QString &directory) const;
        Result<ContentDigest> digestNow(const QString &project, const QString &fileName) const;
        Result<UploadResult> uploadNow(const QString &project, const CheckedFile &file) const;

    private:
        QString where(const QString &project) const;
        Result<QString> projectPath(const QString &project) const;
        // The path of an existing version file of the project, after the name checks.
        Result<QString> versionPath(const QString &project, const QString &fileName) const;
        // The name is taken: our id and a sound copy there make it AlreadyPresent.
        Result<UploadResult> settleExisting(const QString &project, const CheckedFile &file) const;
        // Writes the file under a temporary name beside `targetPath`, then renames it into place.
        Result<void> writeNew(const CheckedFile &file, const QString &folder, const QString &targetPath, bool *nameTaken) const;
        static void removeStalePartFiles(const QString &folder);
        template<typename T, typename Work>
        ResultReply<T> *runAsync(Work work);

        QString m_serverName;
        QString m_folder;
        RepositoryOptions m_options;
        QThreadPool m_pool; // its own, so that the destructor can wait for work that uses this object
    };
}
