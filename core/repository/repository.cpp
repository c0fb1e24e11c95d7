#include "repository.h"

#include <QEventLoop>

#include "directoryrepository.h"
#include "httprepository.h"

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

    void waitForFinished(Reply *reply)
    {
        if (reply->isFinished())
            return;
        QEventLoop loop;
        QObject::connect(reply, &Reply::finished, &loop, &QEventLoop::quit);
        loop.exec();
    }
}
