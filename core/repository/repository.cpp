#include "repository.h"

#include <QDir>
#include <QFile>

#include "directoryrepository.h"
#include "httprepository.h"
#include "localversion.h"

namespace TwinTrunk::Repository
{
    std::unique_ptr<Repository> Repository::create(const QString &serverName, const QUrl &location, const Credentials &credentials,
        const RepositoryOptions &options)
    {
        if (location.scheme() == u"http" || location.scheme() == u"https")
            return std::make_unique<HttpRepository>(serverName, location, credentials, options);
        if (location.isLocalFile() || location.scheme().isEmpty())
        {
            const QString folder = location.isLocalFile() ? location.toLocalFile() : location.path();
            return std::make_unique<DirectoryRepository>(serverName, folder, options);
        }
        return nullptr;
    }

    Repository::~Repository()
    {
        abortPending();
    }

    void Repository::track(Reply *reply)
    {
        m_pending.removeIf([](const QPointer<Reply> &pending) { return !pending || pending->isFinished(); });
        m_pending.append(reply);
    }

    void Repository::abortPending()
    {
        const QList<QPointer<Reply>> pending = std::exchange(m_pending, {});
        for (const QPointer<Reply> &reply : pending)
        {
            if (reply && !reply->isFinished())
                reply->abort();
        }
    }

    ResultReply<UploadResult> *Repository::uploadFile(const QString &project, const QString &localPath, const QString &fileName)
    {
        Result<CheckedFile> checked = checkLocalFile(localPath, fileName);
        if (!checked)
            return failedReply<UploadResult>(checked.error());
        return upload(project, checked.value());
    }

    bool serverRefusesDeletes(const Error &error)
    {
        return error.kind == Error::Kind::Forbidden || error.kind == Error::Kind::HttpError;
    }

    Task<Result<QByteArray>> fetchBytes(Repository &repository, QString project, QString fileName, QString scratchDirectory)
    {
        std::unique_ptr<ResultReply<FetchedFile>> reply = co_await whenFinished(repository.fetch(project, fileName, scratchDirectory));
        if (reply->failed())
            co_return reply->error();
        QFile file(reply->result().path);
        const bool opened = file.open(QIODevice::ReadOnly);
        const QByteArray bytes = opened ? file.readAll() : QByteArray();
        const QString error = file.errorString();
        file.close();
        file.remove();
        if (!opened)
            co_return Error{.where = reply->result().path,
                .message = QStringLiteral("cannot read the downloaded %1: %2").arg(fileName, error),
                .kind = Error::Kind::Io};
        co_return bytes;
    }

    Result<std::shared_ptr<QTemporaryDir>> privateScratchFolder(const QString &scratchDirectory)
    {
        auto folder = scratchDirectory.isEmpty() ? std::make_shared<QTemporaryDir>()
                                                 : std::make_shared<QTemporaryDir>(QDir(scratchDirectory).filePath(QStringLiteral("read-XXXXXX")));
        if (!folder->isValid())
        {
            const QString where = scratchDirectory.isEmpty() ? QDir::tempPath() : scratchDirectory;
            return Error{.where = QDir::toNativeSeparators(where),
                .message = QStringLiteral("cannot create a scratch folder: %1").arg(folder->errorString()),
                .kind = Error::Kind::Io};
        }
        return folder;
    }
}
