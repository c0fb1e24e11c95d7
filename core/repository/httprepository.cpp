#include "httprepository.h"

#include <QCryptographicHash>
#include <QDir>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTemporaryFile>

#include "httpexchange.h"
#include "localversion.h"
#include "monticello/mczversion.h"

namespace TwinTrunk::Repository
{
    using Monticello::MczPrefixReader;

    namespace
    {
        // "bytes 0-16383/912345" -> 912345; -1 when absent or odd.
        qint64 totalFromContentRange(const QByteArray &header)
        {
            const qsizetype slash = header.lastIndexOf('/');
            if (slash < 0)
                return -1;
            bool ok = false;
            const qint64 total = header.mid(slash + 1).trimmed().toLongLong(&ok);
            return ok ? total : -1;
        }

        Error namingError(const QString &where, const QString &what, const QString &name, const QString &reason)
        {
            return Error{where, QStringLiteral("refused %1 '%2': %3").arg(what, name.left(80), reason), -1, 0, 0, Error::Kind::Invalid};
        }
    }

    HttpRepository::HttpRepository(const QString &serverName, const QUrl &baseUrl, const Credentials &credentials,
        const RepositoryOptions &options, QNetworkAccessManager *network, QObject *parent)
        : Repository(parent), m_serverName(serverName), m_baseUrl(baseUrl), m_credentials(credentials), m_options(options),
          m_network(network ? network : new QNetworkAccessManager(this))
    {
        m_baseUrl.setUserInfo(QString()); // credentials travel in Credentials only, never in URLs
        if (!m_baseUrl.path().endsWith(u'/'))
            m_baseUrl.setPath(m_baseUrl.path() + u'/');
        m_network->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
    }

    HttpRepository::~HttpRepository()
    {
        abortPending();
    }

    QString HttpRepository::describe() const
    {
        const QString url = m_baseUrl.toDisplayString(QUrl::RemoveUserInfo);
        return m_serverName.isEmpty() ? url : QStringLiteral("%1 (%2)").arg(m_serverName, url);
    }

    QString HttpRepository::credentialWarning() const
    {
        if (m_credentials.isEmpty() || m_baseUrl.scheme() != u"http" || isLoopbackHost(m_baseUrl.host()))
            return QString();
        return QStringLiteral("%1: the password for %2 goes over plain http to a host that is not this machine; use https")
            .arg(describe(), m_credentials.user);
    }

    QUrl HttpRepository::projectUrl(const QString &project) const
    {
        QUrl url = m_baseUrl;
        url.setPath(m_baseUrl.path() + project + u'/');
        return url;
    }

    QUrl HttpRepository::fileUrl(const QString &project, const QString &fileName) const
    {
        QUrl url = m_baseUrl;
        // Decoded path: QUrl percent-encodes what a path needs ('%', ' ', '#', '?', ...).
        url.setPath(m_baseUrl.path() + project + u'/' + fileName, QUrl::DecodedMode);
        return url;
    }

    QString HttpRepository::where(const QString &project) const
    {
        return describe() + u' ' + project;
    }

    HttpExchange *HttpRepository::exchange(Reply *owner, const QString &project)
    {
        if (const QString warning = credentialWarning(); !warning.isEmpty() && !owner->warnings().contains(warning))
            owner->addWarning(warning);
        auto *exchange = new HttpExchange(m_network, m_baseUrl, m_credentials, m_options, where(project), owner);
        connect(owner, &Reply::aborted, exchange, &HttpExchange::abort);
        return exchange;
    }

    std::optional<Error> HttpRepository::checkNames(const QString &project, const QString &fileName, const QString &projectWhere) const
    {
        if (const QString reason = unsafeFileNameReason(project); !reason.isEmpty())
            return namingError(describe(), QStringLiteral("project"), project, reason);
        if (!fileName.isNull())
        {
            if (const QString reason = unsafeFileNameReason(fileName); !reason.isEmpty())
                return namingError(projectWhere, QStringLiteral("file name"), fileName, reason);
        }
        return std::nullopt;
    }

    ResultReply<Listing> *HttpRepository::list(const QString &project, const Listing *previous)
    {
        auto *reply = newReply<Listing>();
        if (const auto error = checkNames(project, QString(), where(project)))
        {
            QMetaObject::invokeMethod(reply, [reply, error] { reply->finishWithError(*error); }, Qt::QueuedConnection);
            return reply;
        }

        HttpExchange::Request request;
        request.url = projectUrl(project);
        request.url.setQuery(QStringLiteral("C=M;O=D"));
        request.maxBodyBytes = m_options.listingLimits.maxBytes;
        request.totalTimeoutMs = m_options.listingTimeoutMs;
        if (previous && !previous->etag.isEmpty())
            request.headers.append({"If-None-Match", previous->etag.toLatin1()});
        if (previous && !previous->lastModified.isEmpty())
            request.headers.append({"If-Modified-Since", previous->lastModified.toLatin1()});

        auto body = std::make_shared<QByteArray>();
        const Listing before = previous ? *previous : Listing{};
        const QString projectWhere = where(project);
        const ListingLimits limits = m_options.listingLimits;
        exchange(reply, project)->start(request,
            [body, reply](QByteArrayView chunk) {
                body->append(chunk.data(), chunk.size());
                Q_EMIT reply->progress(body->size(), -1);
                return true;
            },
            [reply, body, before, projectWhere, limits](const HttpExchange::Response &response, const std::optional<Error> &error) {
                reply->addBytesTransferred(response.bodyBytes);
                if (error)
                {
                    reply->finishWithError(*error);
                    return;
                }
                if (response.status == 304)
                {
                    reply->result() = before;
                    reply->result().notModified = true;
                    reply->finishSuccessfully();
                    return;
                }
                Result<Listing> listing = parseHtmlListing(*body, projectWhere, limits);
                if (!listing)
                {
                    reply->finishWithError(listing.error());
                    return;
                }
                reply->result() = std::move(listing).value();
                reply->result().etag = QString::fromLatin1(response.etag);
                reply->result().lastModified = QString::fromLatin1(response.lastModified);
                for (const QString &warning : reply->result().warnings)
                    reply->addWarning(warning);
                reply->finishSuccessfully();
            });
        return reply;
    }

    ResultReply<PingResult> *HttpRepository::ping(const QString &project)
    {
        auto *reply = newReply<PingResult>();
        if (const auto error = checkNames(project, QString(), where(project)))
        {
            QMetaObject::invokeMethod(reply, [reply, error] { reply->finishWithError(*error); }, Qt::QueuedConnection);
            return reply;
        }
        HttpExchange::Request request;
        request.url = projectUrl(project);
        request.totalTimeoutMs = m_options.listingTimeoutMs;
        // The first bytes of the listing prove the server serves the project; the rest can wait.
        exchange(reply, project)->start(request, [](QByteArrayView) { return false; },
            [reply](const HttpExchange::Response &response, const std::optional<Error> &error) {
                reply->addBytesTransferred(response.bodyBytes);
                if (error)
                    return reply->finishWithError(*error);
                reply->result().httpStatus = response.status;
                reply->finishSuccessfully();
            });
        return reply;
    }

    ResultReply<VersionIdentity> *HttpRepository::probe(const QString &project, const QString &fileName)
    {
        auto *reply = newReply<VersionIdentity>();
        probeInto(reply, project, fileName, [reply](const std::optional<Error> &error, const VersionIdentity &identity) {
            if (error)
                return reply->finishWithError(*error);
            reply->result() = identity;
            reply->finishSuccessfully();
        });
        return reply;
    }

    void HttpRepository::probeInto(Reply *owner, const QString &project, const QString &fileName, ProbeDone done)
    {
        if (const auto error = checkNames(project, fileName, where(project)))
        {
            QMetaObject::invokeMethod(owner, [done, error] { done(error, {}); }, Qt::QueuedConnection);
            return;
        }
        if (fileName.endsWith(QStringLiteral(".mcm")))
            return probeByDownload(owner, project, fileName, QString(), std::move(done)); // identity = its bytes
        probeRange(owner, project, fileName, 0, m_options.probeRangeBytes, std::make_shared<MczPrefixReader>(), std::move(done));
    }

    void HttpRepository::probeRange(Reply *owner, const QString &project, const QString &fileName, qint64 from, qint64 length,
        std::shared_ptr<MczPrefixReader> reader, ProbeDone done)
    {
        HttpExchange::Request request;
        request.url = fileUrl(project, fileName);
        request.headers.append({"Range", QByteArrayLiteral("bytes=") + QByteArray::number(from) + '-' + QByteArray::number(from + length - 1)});
        request.maxBodyBytes = m_options.maxVersionBytes;
        request.totalTimeoutMs = m_options.transferTimeoutMs;

        QPointer<Reply> guard(owner);
        exchange(owner, project)->start(request,
            [reader](QByteArrayView chunk) { return reader->feed(chunk) == MczPrefixReader::State::NeedMore; },
            [this, guard, project, fileName, from, length, reader, done](const HttpExchange::Response &response, const std::optional<Error> &error) {
                if (!guard)
                    return;
                guard->addBytesTransferred(response.bodyBytes);
                if (error)
                    return done(error, {});

                VersionIdentity identity;
                identity.fileName = fileName;
                // 206 answers say the whole size; a 200 (Range ignored) says it in Content-Length.
                identity.fileSize = response.status == 206 ? totalFromContentRange(response.contentRange) : response.contentLength;
                if (reader->state() == MczPrefixReader::State::Found)
                {
                    identity.name = reader->name();
                    identity.id = reader->id();
                    identity.author = reader->author();
                    identity.authoredAt = reader->authoredAt();
                    return done(std::nullopt, identity);
                }
                if (reader->state() == MczPrefixReader::State::Failed)
                    return probeByDownload(guard, project, fileName, reader->error().message, done);

                const bool partial = response.status == 206;
                const qint64 received = from + response.bodyBytes;
                if (partial && response.bodyBytes == length && (identity.fileSize < 0 || received < identity.fileSize))
                {
                    // More of the file exists: ask for the next, larger piece.
                    return probeRange(guard, project, fileName, received, std::min<qint64>(length * 4, 4 * 1024 * 1024), reader, done);
                }
                reader->finish();
                probeByDownload(guard, project, fileName, reader->error().message, done);
            });
    }

    void HttpRepository::probeByDownload(Reply *owner, const QString &project, const QString &fileName, const QString &reason, ProbeDone done)
    {
        // The start of the file did not give the identity (an unusual member order, or a
        // damaged file), or it is an update map: read it whole, with all the checks.
        if (!reason.isEmpty())
            owner->addWarning(QStringLiteral("%1: %2: identity read from the whole file (%3)").arg(where(project), fileName, reason));
        auto folder = std::make_shared<QTemporaryDir>();
        auto *fetchReply = fetch(project, fileName, folder->path());
        QPointer<Reply> guard(owner);
        connect(fetchReply, &Reply::finished, owner, [guard, fetchReply, folder, fileName, project, done, this] {
            fetchReply->deleteLater();
            if (!guard)
                return;
            guard->addBytesTransferred(fetchReply->bytesTransferred());
            if (fetchReply->failed())
                return done(fetchReply->error(), {});
            Result<VersionIdentity> identity = identifyLocalFile(fetchReply->result().path, fileName.endsWith(QStringLiteral(".mcm")) ? fileName : QString());
            QFile::remove(fetchReply->result().path);
            if (!identity)
                return done(Error(identity.error()).within(where(project) + QStringLiteral(": ") + fileName), {});
            VersionIdentity result = identity.value();
            result.fileName = fileName;
            result.fileSize = fetchReply->result().size;
            done(std::nullopt, result);
        });
    }

    ResultReply<FetchedFile> *HttpRepository::fetch(const QString &project, const QString &fileName, const QString &directory)
    {
        auto *reply = newReply<FetchedFile>();
        if (const auto error = checkNames(project, fileName, where(project)))
        {
            QMetaObject::invokeMethod(reply, [reply, error] { reply->finishWithError(*error); }, Qt::QueuedConnection);
            return reply;
        }
        auto file = std::make_shared<QTemporaryFile>(QDir(directory).filePath(fileName + QStringLiteral(".XXXXXX.part")));
        file->setAutoRemove(false);
        if (!file->open())
        {
            const Error error{directory, QStringLiteral("cannot create a temporary file: %1").arg(file->errorString()), -1, 0, 0, Error::Kind::Io};
            QMetaObject::invokeMethod(reply, [reply, error] { reply->finishWithError(error); }, Qt::QueuedConnection);
            return reply;
        }

        HttpExchange::Request request;
        request.url = fileUrl(project, fileName);
        request.maxBodyBytes = m_options.maxVersionBytes;
        request.totalTimeoutMs = m_options.transferTimeoutMs;
        auto hash = std::make_shared<QCryptographicHash>(QCryptographicHash::Sha256);
        auto writeFailed = std::make_shared<QString>();
        exchange(reply, project)->start(request,
            [file, hash, reply, writeFailed](QByteArrayView chunk) {
                if (file->write(chunk.data(), chunk.size()) != chunk.size())
                {
                    *writeFailed = file->errorString();
                    return false;
                }
                hash->addData(chunk);
                Q_EMIT reply->progress(file->size(), -1);
                return true;
            },
            [reply, file, hash, writeFailed](const HttpExchange::Response &response, const std::optional<Error> &error) {
                reply->addBytesTransferred(response.bodyBytes);
                file->close();
                if (error || !writeFailed->isEmpty())
                {
                    QFile::remove(file->fileName());
                    return reply->finishWithError(error ? *error
                                                        : Error{file->fileName(), QStringLiteral("cannot write: %1").arg(*writeFailed), -1, 0, 0, Error::Kind::Io});
                }
                reply->result() = FetchedFile{file->fileName(), hash->result().toHex(), response.bodyBytes};
                reply->finishSuccessfully();
            });
        return reply;
    }

    ResultReply<bool> *HttpRepository::remove(const QString &project, const QString &fileName)
    {
        auto *reply = newReply<bool>();
        if (const auto error = checkNames(project, fileName, where(project)))
        {
            QMetaObject::invokeMethod(reply, [reply, error] { reply->finishWithError(*error); }, Qt::QueuedConnection);
            return reply;
        }
        HttpExchange::Request request;
        request.method = "DELETE";
        request.url = fileUrl(project, fileName);
        request.totalTimeoutMs = m_options.listingTimeoutMs;
        exchange(reply, project)->start(request, nullptr, [reply](const HttpExchange::Response &, const std::optional<Error> &error) {
            if (error)
                return reply->finishWithError(*error);
            reply->result() = true;
            reply->finishSuccessfully();
        });
        return reply;
    }

    ResultReply<UploadResult> *HttpRepository::upload(const QString &project, const QString &localPath, const QString &fileName)
    {
        auto *reply = newReply<UploadResult>();
        Result<VersionIdentity> local = identifyLocalFile(localPath, fileName);
        std::optional<Error> refusal;
        if (!local)
            refusal = local.error();
        else
            refusal = checkNames(project, local->fileName, where(project));
        if (refusal)
        {
            QMetaObject::invokeMethod(reply, [reply, refusal] { reply->finishWithError(*refusal); }, Qt::QueuedConnection);
            return reply;
        }

        // Only when the name is absent: a HEAD first (SqueakSource never lets a name be reused,
        // and a stock WebDAV server would overwrite).
        HttpExchange::Request head;
        head.method = "HEAD";
        head.url = fileUrl(project, local->fileName);
        head.totalTimeoutMs = m_options.listingTimeoutMs;
        const VersionIdentity identity = local.value();
        exchange(reply, project)->start(head, nullptr,
            [this, reply, project, localPath, identity](const HttpExchange::Response &, const std::optional<Error> &error) {
                if (!error)
                    return settleExistingName(reply, project, identity);
                if (error->kind != Error::Kind::NotFound)
                    return reply->finishWithError(*error);
                putAndVerify(reply, project, localPath, identity);
            });
        return reply;
    }

    void HttpRepository::settleExistingName(ResultReply<UploadResult> *reply, const QString &project, const VersionIdentity &local)
    {
        probeInto(reply, project, local.fileName, [reply, local, this, project](const std::optional<Error> &error, const VersionIdentity &remote) {
            if (error)
                return reply->finishWithError(*error);
            if (remote.id != local.id)
            {
                return reply->finishWithError(Error{where(project),
                    QStringLiteral("'%1' exists with another version (id %2, ours %3): not uploaded, nothing overwritten")
                        .arg(local.fileName, remote.id, local.id), -1, 0, 0, Error::Kind::Conflict});
            }
            reply->result() = UploadResult{UploadResult::Outcome::AlreadyPresent, remote};
            reply->finishSuccessfully();
        });
    }

    void HttpRepository::putAndVerify(ResultReply<UploadResult> *reply, const QString &project, const QString &localPath,
        const VersionIdentity &local)
    {
        HttpExchange::Request put;
        put.method = "PUT";
        put.url = fileUrl(project, local.fileName);
        put.bodyPath = localPath;
        put.totalTimeoutMs = m_options.transferTimeoutMs;
        exchange(reply, project)->start(put, nullptr,
            [this, reply, project, local](const HttpExchange::Response &, const std::optional<Error> &error) {
                if (error && error->kind == Error::Kind::Conflict)
                    return settleExistingName(reply, project, local); // someone else put it first
                if (error)
                    return reply->finishWithError(*error);
                reply->addBytesTransferred(local.fileSize);
                // Verify: the server must now serve our version under the name.
                probeInto(reply, project, local.fileName, [reply, local, this, project](const std::optional<Error> &verifyError, const VersionIdentity &remote) {
                    if (verifyError)
                        return reply->finishWithError(verifyError->within(QStringLiteral("verifying the upload")));
                    if (remote.id != local.id)
                    {
                        return reply->finishWithError(Error{where(project),
                            QStringLiteral("after the upload, '%1' has id %2, not %3").arg(local.fileName, remote.id, local.id),
                            -1, 0, 0, Error::Kind::Conflict});
                    }
                    reply->result() = UploadResult{UploadResult::Outcome::Uploaded, remote};
                    reply->finishSuccessfully();
                });
            });
    }
}
