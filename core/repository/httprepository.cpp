#include "httprepository.h"

#include <QDir>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTemporaryFile>

#include "httpexchange.h"
#include "localversion.h"
#include "monticello/mczversion.h"
#include "util/sha256.h"

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
            return Error{.where = where, .message = QStringLiteral("refused %1 '%2': %3").arg(what, name.left(80), reason), .kind = Error::Kind::Invalid};
        }
    }

    HttpRepository::HttpRepository(const QString &serverName, const QUrl &baseUrl, const Credentials &credentials, const RepositoryOptions &options,
        QNetworkAccessManager *network, QObject *parent)
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
        return QStringLiteral("%1: the password for %2 goes over plain http to a host that is not this machine; use https").arg(describe(), m_credentials.user);
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
        if (const auto error = checkNames(project, QString(), where(project)))
            return failedReply<Listing>(*error);
        auto *reply = newReply<Listing>();

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
        exchange(reply, project)
            ->start(request,
                HttpExchange::Sink{[body] { body->clear(); },
                    [body, reply](QByteArrayView chunk) {
                        body->append(chunk.data(), chunk.size());
                        Q_EMIT reply->progress(body->size(), -1);
                        return true;
                    }},
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
        if (const auto error = checkNames(project, QString(), where(project)))
            return failedReply<PingResult>(*error);
        auto *reply = newReply<PingResult>();
        HttpExchange::Request request;
        request.url = projectUrl(project);
        request.totalTimeoutMs = m_options.listingTimeoutMs;
        // The first bytes of the listing prove the server serves the project; the rest can wait.
        exchange(reply, project)
            ->start(request, HttpExchange::Sink{{}, [](QByteArrayView) { return false; }},
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
            QMetaObject::invokeMethod(
                owner, [done, error] { done(error, {}); }, Qt::QueuedConnection);
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
        // The reader keeps what it was fed: a retried range skips the bytes it already gave.
        struct Progress
        {
            qint64 fed = 0;      // bytes of this range fed to the reader
            qint64 received = 0; // bytes of this range in the current attempt
        };
        auto progress = std::make_shared<Progress>();
        exchange(owner, project)
            ->start(request,
                HttpExchange::Sink{[progress] { progress->received = 0; },
                    [reader, progress](QByteArrayView chunk) {
                        const qint64 start = progress->received;
                        progress->received += chunk.size();
                        if (progress->received <= progress->fed)
                            return true; // the reader has these already
                        const QByteArrayView fresh = chunk.sliced(std::max<qint64>(progress->fed - start, 0));
                        progress->fed = progress->received;
                        return reader->feed(fresh) == MczPrefixReader::State::NeedMore;
                    }},
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
        Result<std::shared_ptr<QTemporaryDir>> scratch = privateScratchFolder(m_options.scratchDirectory);
        if (!scratch)
            return done(scratch.error(), {});
        const std::shared_ptr<QTemporaryDir> folder = scratch.value();
        auto *fetchReply = fetch(project, fileName, folder->path());
        QPointer<Reply> guard(owner);
        connect(fetchReply, &Reply::finished, owner, [guard, fetchReply, folder, fileName, project, done, this] {
            fetchReply->deleteLater();
            if (!guard)
                return;
            guard->addBytesTransferred(fetchReply->bytesTransferred());
            if (fetchReply->failed())
                return done(fetchReply->error(), {});
            Result<CheckedFile> checked =
                checkLocalFile(fetchReply->result().path, fileName.endsWith(QStringLiteral(".mcm")) ? fileName : QString(), fetchReply->result().sha256);
            QFile::remove(fetchReply->result().path);
            if (!checked)
                return done(Error(checked.error()).within(where(project) + QStringLiteral(": ") + fileName), {});
            VersionIdentity result = checked->identity;
            result.fileName = fileName;
            result.fileSize = fetchReply->result().size;
            done(std::nullopt, result);
        });
    }

    ResultReply<FetchedFile> *HttpRepository::fetch(const QString &project, const QString &fileName, const QString &directory)
    {
        if (const auto error = checkNames(project, fileName, where(project)))
            return failedReply<FetchedFile>(*error);
        auto file = std::make_shared<QTemporaryFile>(QDir(directory).filePath(fileName + QStringLiteral(".XXXXXX.part")));
        file->setAutoRemove(false);
        if (!file->open())
            return failedReply<FetchedFile>(
                Error{.where = directory, .message = QStringLiteral("cannot create a temporary file: %1").arg(file->errorString()), .kind = Error::Kind::Io});
        auto *reply = newReply<FetchedFile>();

        HttpExchange::Request request;
        request.url = fileUrl(project, fileName);
        request.maxBodyBytes = m_options.maxVersionBytes;
        request.totalTimeoutMs = m_options.transferTimeoutMs;
        auto hash = std::make_shared<Sha256>();
        auto writeFailed = std::make_shared<QString>();
        exchange(reply, project)
            ->start(request,
                HttpExchange::Sink{[file, hash] {
                                       file->resize(0);
                                       file->seek(0);
                                       hash->reset();
                                   },
                    [file, hash, reply, writeFailed](QByteArrayView chunk) {
                        if (file->write(chunk.data(), chunk.size()) != chunk.size())
                        {
                            *writeFailed = file->errorString();
                            return false;
                        }
                        hash->addData(chunk);
                        Q_EMIT reply->progress(file->pos(), -1);
                        return true;
                    }},
                [reply, file, hash, writeFailed](const HttpExchange::Response &response, const std::optional<Error> &error) {
                    reply->addBytesTransferred(response.bodyBytes);
                    // What sat in the file's buffer must reach the disk too: a full disk shows here.
                    if (writeFailed->isEmpty() && !file->flush())
                        *writeFailed = file->errorString();
                    const qint64 written = file->pos();
                    file->close();
                    if (writeFailed->isEmpty() && file->error() != QFileDevice::NoError)
                        *writeFailed = file->errorString();
                    if (!error && writeFailed->isEmpty() && written != response.bodyBytes)
                        *writeFailed = QStringLiteral("wrote %1 of the %2 bytes received").arg(written).arg(response.bodyBytes);
                    if (error || !writeFailed->isEmpty())
                    {
                        QFile::remove(file->fileName());
                        return reply->finishWithError(error
                                ? *error
                                : Error{.where = file->fileName(), .message = QStringLiteral("cannot write: %1").arg(*writeFailed), .kind = Error::Kind::Io});
                    }
                    reply->result() = FetchedFile{file->fileName(), hash->hexResult(), written};
                    reply->finishSuccessfully();
                });
        return reply;
    }

    void HttpRepository::digestInto(Reply *owner, const QString &project, const QString &fileName, DigestDone done)
    {
        HttpExchange::Request request;
        request.url = fileUrl(project, fileName);
        request.maxBodyBytes = m_options.maxVersionBytes;
        request.totalTimeoutMs = m_options.transferTimeoutMs;
        auto hash = std::make_shared<Sha256>();
        auto size = std::make_shared<qint64>(0);
        QPointer<Reply> guard(owner);
        exchange(owner, project)
            ->start(request,
                HttpExchange::Sink{[hash, size] {
                                       hash->reset();
                                       *size = 0;
                                   },
                    [hash, size](QByteArrayView chunk) {
                        hash->addData(chunk);
                        *size += chunk.size();
                        return true;
                    }},
                [guard, hash, size, done](const HttpExchange::Response &response, const std::optional<Error> &error) {
                    if (!guard)
                        return;
                    guard->addBytesTransferred(response.bodyBytes);
                    if (error)
                        return done(error, {});
                    done(std::nullopt, ContentDigest{*size, hash->hexResult()});
                });
    }

    ResultReply<ContentDigest> *HttpRepository::digest(const QString &project, const QString &fileName)
    {
        if (const auto error = checkNames(project, fileName, where(project)))
            return failedReply<ContentDigest>(*error);
        auto *reply = newReply<ContentDigest>();
        digestInto(reply, project, fileName, [reply](const std::optional<Error> &error, const ContentDigest &digest) {
            if (error)
                return reply->finishWithError(*error);
            reply->result() = digest;
            reply->finishSuccessfully();
        });
        return reply;
    }

    ResultReply<bool> *HttpRepository::remove(const QString &project, const QString &fileName)
    {
        if (const auto error = checkNames(project, fileName, where(project)))
            return failedReply<bool>(*error);
        auto *reply = newReply<bool>();
        HttpExchange::Request request;
        request.method = "DELETE";
        request.url = fileUrl(project, fileName);
        request.totalTimeoutMs = m_options.listingTimeoutMs;
        exchange(reply, project)->start(request, {}, [reply](const HttpExchange::Response &, const std::optional<Error> &error) {
            if (error)
                return reply->finishWithError(*error);
            reply->result() = true;
            reply->finishSuccessfully();
        });
        return reply;
    }

    ResultReply<UploadResult> *HttpRepository::upload(const QString &project, const CheckedFile &file)
    {
        if (const auto refusal = checkNames(project, file.identity.fileName, where(project)))
            return failedReply<UploadResult>(*refusal);
        auto *reply = newReply<UploadResult>();
        // Only when the name is absent: a HEAD first (SqueakSource never lets a name be reused,
        // and a stock WebDAV server would overwrite).
        HttpExchange::Request head;
        head.method = "HEAD";
        head.url = fileUrl(project, file.identity.fileName);
        head.totalTimeoutMs = m_options.listingTimeoutMs;
        exchange(reply, project)->start(head, {}, [this, reply, project, file](const HttpExchange::Response &, const std::optional<Error> &error) {
            if (!error)
                return settleExistingName(reply, project, file);
            if (error->kind != Error::Kind::NotFound)
                return reply->finishWithError(*error);
            putAndReadBack(reply, project, file);
        });
        return reply;
    }

    void HttpRepository::settleExistingName(ResultReply<UploadResult> *reply, const QString &project, const CheckedFile &file)
    {
        const VersionIdentity &local = file.identity;
        probeInto(reply, project, local.fileName, [reply, file, this, project](const std::optional<Error> &error, const VersionIdentity &remote) {
            if (error)
                return reply->finishWithError(*error);
            if (remote.id != file.identity.id)
            {
                return reply->finishWithError(Error{.where = where(project),
                    .message = QStringLiteral("'%1' exists with another version (id %2, ours %3): not uploaded, nothing overwritten")
                                   .arg(file.identity.fileName, remote.id, file.identity.id),
                    .kind = Error::Kind::Conflict});
            }
            readBack(reply, project, file, UploadResult::Outcome::AlreadyPresent);
        });
    }

    void HttpRepository::putAndReadBack(ResultReply<UploadResult> *reply, const QString &project, const CheckedFile &file)
    {
        HttpExchange::Request put;
        put.method = "PUT";
        put.url = fileUrl(project, file.identity.fileName);
        put.bodyPath = file.path;
        put.totalTimeoutMs = m_options.transferTimeoutMs;
        // "Only if no file has this name": a server that honours it refuses (412) rather than
        // overwrite a version committed since the HEAD. Stock nginx ignores it; SqueakSource and
        // the documented nginx set-up answer 409 on an existing name anyway.
        put.headers.append({QByteArrayLiteral("If-None-Match"), QByteArrayLiteral("*")});
        exchange(reply, project)->start(put, {}, [this, reply, project, file](const HttpExchange::Response &response, const std::optional<Error> &error) {
            if (error && error->kind == Error::Kind::Conflict)
                return settleExistingName(reply, project, file); // someone else put it first
            if (error)
                return reply->finishWithError(*error);
            if (response.status == 204)
            {
                // WebDAV's "replaced": a file of this name appeared between the HEAD and the PUT (an
                // image committing at that moment) and the server overwrote it. It cannot be undone
                // from here: said loudly, never counted as a copy.
                return reply->finishWithError(Error{.where = where(project),
                    .message = QStringLiteral("the server answered 204 (replaced) to the upload of '%1': a file of that name appeared after "
                                              "the check and was overwritten by this copy. Ask who committed it; the server should refuse "
                                              "uploads onto an existing name (409, see docs/reference.md)")
                                   .arg(file.identity.fileName),
                    .kind = Error::Kind::Conflict});
            }
            reply->addBytesTransferred(file.digest.size);
            readBack(reply, project, file, UploadResult::Outcome::Uploaded);
        });
    }

    void HttpRepository::readBack(ResultReply<UploadResult> *reply, const QString &project, const CheckedFile &file, UploadResult::Outcome outcome)
    {
        digestInto(reply, project, file.identity.fileName,
            [this, reply, project, file, outcome](const std::optional<Error> &error, const ContentDigest &remote) {
                if (error)
                    return reply->finishWithError(error->within(QStringLiteral("reading the copy back")));
                if (remote == file.digest)
                {
                    reply->result() = UploadResult{outcome, file.identity, remote, true};
                    return reply->finishSuccessfully();
                }
                if (outcome == UploadResult::Outcome::Uploaded)
                    return reply->finishWithError(damagedOnTarget(where(project), file, remote));
                // Already there with our id but other bytes: the same version serialised otherwise, or
                // a damaged copy. Only a whole check of its archive tells.
                settleOtherBytes(reply, project, file, remote);
            });
    }

    void HttpRepository::settleOtherBytes(ResultReply<UploadResult> *reply, const QString &project, const CheckedFile &file, const ContentDigest &remote)
    {
        Result<std::shared_ptr<QTemporaryDir>> scratch = privateScratchFolder(m_options.scratchDirectory);
        if (!scratch)
            return reply->finishWithError(scratch.error());
        const std::shared_ptr<QTemporaryDir> folder = scratch.value();
        ResultReply<FetchedFile> *fetchReply = fetch(project, file.identity.fileName, folder->path());
        QPointer<ResultReply<UploadResult>> guard(reply);
        connect(fetchReply, &Reply::finished, reply, [this, guard, fetchReply, folder, project, file, remote] {
            fetchReply->deleteLater();
            if (!guard)
                return;
            guard->addBytesTransferred(fetchReply->bytesTransferred());
            if (fetchReply->failed())
                return guard->finishWithError(fetchReply->error().within(QStringLiteral("reading the copy there")));
            // Judged and recorded by the bytes of this read: the server may have changed since the first.
            const FetchedFile &fetched = fetchReply->result();
            Result<CheckedFile> theirs = checkLocalFile(fetched.path, file.identity.fileName, fetched.sha256);
            QFile::remove(fetched.path);
            Result<UploadResult> settled = judgeCopyThere(where(project), file, theirs, ContentDigest{fetched.size, fetched.sha256});
            if (!settled)
                return guard->finishWithError(settled.error());
            guard->result() = settled.value();
            guard->finishSuccessfully();
        });
    }
}
