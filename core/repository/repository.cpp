#include "repository.h"

#include <QEventLoop>
#include <QFile>

#include "directoryrepository.h"
#include "httprepository.h"
#include "localversion.h"

namespace TwinTrunk::Repository
{
    std::unique_ptr<Repository> Repository::create(const QString &serverName, const QUrl &location,
        const Credentials &credentials, const RepositoryOptions &options)
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

    void waitForFinished(Reply *reply)
    {
        // processEvents rather than exec(): exec() returns at once in a thread asked to quit, and
        // the caller would then read a reply still in flight.
        QEventLoop loop;
        while (!reply->isFinished())
            loop.processEvents(QEventLoop::WaitForMoreEvents);
    }

    Result<QByteArray> fetchBytes(Repository &repository, const QString &project, const QString &fileName, const QString &scratchDirectory)
    {
        std::unique_ptr<ResultReply<FetchedFile>> reply(repository.fetch(project, fileName, scratchDirectory));
        waitForFinished(reply.get());
        if (reply->failed())
            return reply->error();
        QFile file(reply->result().path);
        const bool opened = file.open(QIODevice::ReadOnly);
        const QByteArray bytes = opened ? file.readAll() : QByteArray();
        const QString error = file.errorString();
        file.close();
        file.remove();
        if (!opened)
            return Error{reply->result().path, QStringLiteral("cannot read the downloaded %1: %2").arg(fileName, error), -1, 0, 0, Error::Kind::Io};
        return bytes;
    }
}
