#include "httpexchange.h"

#include "util/logging.h"

#include <QFile>
#include <QHostAddress>
#include <QNetworkRequest>

namespace TwinTrunk::Repository
{
    namespace
    {
        constexpr int MaxRedirects = 5;
        constexpr qint64 ReadBufferBytes = 256 * 1024;
        // Uploads up to this size are sent from memory (every real version; a Kernel one is 900 KB).
        constexpr qint64 InMemoryUploadBytes = 16 * 1024 * 1024;

        bool isRedirect(int status)
        {
            return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
        }
    }

    QString originOf(const QUrl &url)
    {
        return url.scheme().toLower() + QStringLiteral("://") + url.host().toLower() + u':' + QString::number(url.port(url.scheme() == u"https" ? 443 : 80));
    }

    bool isLoopbackHost(const QString &host)
    {
        if (host.compare(QStringLiteral("localhost"), Qt::CaseInsensitive) == 0)
            return true;
        const QHostAddress address(host);
        return !address.isNull() && address.isLoopback();
    }

    HttpExchange::HttpExchange(QNetworkAccessManager *network, const QUrl &origin, const Credentials &credentials, const RepositoryOptions &options,
        const QString &where, QObject *parent)
            : QObject(parent), m_network(network), m_origin(origin), m_credentials(credentials), m_options(options), m_where(where)
    {
        m_idleTimer.setSingleShot(true);
        m_totalTimer.setSingleShot(true);
        m_retryTimer.setSingleShot(true);
        connect(&m_idleTimer, &QTimer::timeout, this, [this] {
            m_timedOut = true;
            if (m_reply)
                m_reply->abort();
        });
        connect(&m_totalTimer, &QTimer::timeout, this, [this] {
            m_timedOut = true;
            m_retryTimer.stop();
            if (m_reply)
                m_reply->abort();
            else
                complete(Error{.where = m_where,
                    .message = QStringLiteral("%1: no answer within %2 s").arg(describeRequest()).arg(m_request.totalTimeoutMs / 1000),
                    .kind = Error::Kind::Timeout});
        });
        connect(&m_retryTimer, &QTimer::timeout, this, &HttpExchange::attempt);
    }

    bool HttpExchange::sameOrigin(const QUrl &url) const
    {
        return originOf(url) == originOf(m_origin);
    }

    QString HttpExchange::describeRequest() const
    {
        return QString::fromLatin1(m_request.method) + u' ' + m_currentUrl.toDisplayString(QUrl::RemoveUserInfo | QUrl::RemoveQuery);
    }

    void HttpExchange::start(const Request &request, Sink sink, std::function<void(const Response &, const std::optional<Error> &)> done)
    {
        m_request = request;
        // The password goes with writes; reads are anonymous on Monticello servers and get it
        // only when the server itself asks (401), and only from the same origin.
        m_sendCredentials = request.method == "PUT" || request.method == "DELETE";
        m_sink = std::move(sink);
        m_done = std::move(done);
        m_currentUrl = request.url;
        m_totalTimer.start(request.totalTimeoutMs);
        m_elapsed.start();
        attempt();
    }

    void HttpExchange::abort()
    {
        stopReply();
        complete(Error{.where = m_where, .message = QStringLiteral("%1: cancelled").arg(describeRequest()), .kind = Error::Kind::Cancelled});
    }

    void HttpExchange::attempt()
    {
        ++m_attempt;
        m_timedOut = false;
        m_response = Response{};
        if (m_sink.restart)
            m_sink.restart(); // this attempt's body replaces whatever an earlier one delivered

        qCDebug(Log::http).noquote() << describeRequest() << "attempt" << m_attempt;
        QNetworkRequest request(m_currentUrl);
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
        request.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
        request.setAttribute(QNetworkRequest::CookieLoadControlAttribute, QNetworkRequest::Manual);
        request.setAttribute(QNetworkRequest::CookieSaveControlAttribute, QNetworkRequest::Manual);
        request.setHeader(QNetworkRequest::UserAgentHeader, QStringLiteral("TwinTrunk/" TWINTRUNK_VERSION));
        for (const auto &[name, value] : m_request.headers)
            request.setRawHeader(name, value);
        if (m_sendCredentials && !m_credentials.isEmpty() && sameOrigin(m_currentUrl))
        {
            const QByteArray pair = m_credentials.user.toUtf8() + ':' + m_credentials.password.toUtf8();
            request.setRawHeader("Authorization", "Basic " + pair.toBase64());
        }

        if (m_request.method == "PUT")
        {
            m_body = std::make_unique<QFile>(m_request.bodyPath);
            if (!m_body->open(QIODevice::ReadOnly))
            {
                complete(Error{.where = m_where,
                    .message = QStringLiteral("%1: cannot read %2: %3").arg(describeRequest(), m_request.bodyPath, m_body->errorString()),
                    .kind = Error::Kind::Io});
                return;
            }
            request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/octet-stream"));
            request.setHeader(QNetworkRequest::ContentLengthHeader, m_body->size());
            // Qt does not set TCP_NODELAY, so on a reused connection the end of an upload waits for
            // the server's delayed ACK: 40 ms a PUT on Linux, whatever its size (measured: a 600-copy
            // sync took 7.7 s instead of 6.6 s). A fresh connection starts in quick-ACK mode. Plain
            // http only: there a new connection costs one round trip on a near network; over https
            // a TLS handshake to a far server would cost more than the stall it saves.
            if (m_currentUrl.scheme() == u"http")
                request.setRawHeader("Connection", "close");
            if (m_body->size() <= InMemoryUploadBytes)
            {
                // Qt sends a byte array as one buffer; from a device it reads and sends small
                // pieces through the event loop, which made a 300 KB upload take 40 ms on loopback.
                const QByteArray bytes = m_body->readAll();
                if (bytes.size() != m_body->size())
                {
                    complete(Error{.where = m_where,
                        .message = QStringLiteral("%1: cannot read %2: %3").arg(describeRequest(), m_request.bodyPath, m_body->errorString()),
                        .kind = Error::Kind::Io});
                    return;
                }
                m_body.reset();
                m_reply = m_network->put(request, bytes);
            }
            else
            {
                m_reply = m_network->put(request, m_body.get());
            }
        }
        else if (m_request.method == "DELETE")
        {
            m_reply = m_network->deleteResource(request);
        }
        else if (m_request.method == "HEAD")
        {
            m_reply = m_network->head(request); // Qt must know it is HEAD: no body follows the headers
        }
        else
        {
            m_reply = m_network->get(request);
        }

        // Bounded buffering: Qt stops reading the socket when this is full, so a hostile body never
        // sits in memory beyond the cap plus one buffer.
        m_reply->setReadBufferSize(ReadBufferBytes);
        m_idleTimer.start(m_options.idleTimeoutMs);
        connect(m_reply, &QNetworkReply::readyRead, this, &HttpExchange::onData);
        connect(m_reply, &QNetworkReply::uploadProgress, this, [this] { m_idleTimer.start(m_options.idleTimeoutMs); });
        connect(m_reply, &QNetworkReply::metaDataChanged, this, [this] { m_idleTimer.start(m_options.idleTimeoutMs); });
        connect(m_reply, &QNetworkReply::finished, this, &HttpExchange::onFinished);
#if QT_CONFIG(ssl)
        // What exactly the certificate check found, by code (Qt's error text alone does not say).
        m_sslErrors.clear();
        connect(m_reply, &QNetworkReply::sslErrors, this, [this](const QList<QSslError> &errors) {
            for (const QSslError &error : errors)
                m_sslErrors.append(error.errorString());
        });
#endif
    }

    void HttpExchange::onData()
    {
        if (!m_reply)
            return;
        m_idleTimer.start(m_options.idleTimeoutMs);
        const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (isRedirect(status) || status >= 400)
        {
            m_reply->readAll(); // error and redirect bodies are not content
            return;
        }
        while (m_reply && m_reply->bytesAvailable() > 0)
        {
            const QByteArray chunk = m_reply->read(ReadBufferBytes);
            m_response.bodyBytes += chunk.size();
            if (m_request.maxBodyBytes >= 0 && m_response.bodyBytes > m_request.maxBodyBytes)
            {
                const Error error{m_where, QStringLiteral("%1: the body is over the limit of %2 bytes").arg(describeRequest()).arg(m_request.maxBodyBytes), -1,
                    0, 0, Error::Kind::TooLarge};
                stopReply();
                complete(error);
                return;
            }
            if (m_sink.write && !m_sink.write(chunk))
            {
                m_response.status = status;
                m_response.contentRange = m_reply->rawHeader("Content-Range");
                const QVariant length = m_reply->header(QNetworkRequest::ContentLengthHeader);
                m_response.contentLength = length.isValid() ? length.toLongLong() : -1;
                stopReply();
                complete(std::nullopt);
                return;
            }
        }
    }

    void HttpExchange::stopReply()
    {
        if (!m_reply)
            return;
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
        m_reply = nullptr;
    }

    void HttpExchange::onFinished()
    {
        QNetworkReply *reply = m_reply;
        if (!reply)
            return;
        m_idleTimer.stop();
        if (reply->bytesAvailable() > 0)
            onData();
        if (m_finished)
            return;
        reply->deleteLater();
        m_reply = nullptr;

        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        m_response.status = status;
        m_response.etag = reply->rawHeader("ETag");
        m_response.lastModified = reply->rawHeader("Last-Modified");
        m_response.contentRange = reply->rawHeader("Content-Range");
        const QVariant length = reply->header(QNetworkRequest::ContentLengthHeader);
        m_response.contentLength = length.isValid() ? length.toLongLong() : -1;

        if (m_timedOut)
        {
            retryOrFail(Error{.where = m_where,
                .message = QStringLiteral("%1: timed out (nothing received for %2 s)").arg(describeRequest()).arg(m_options.idleTimeoutMs / 1000.0),
                .kind = Error::Kind::Timeout});
            return;
        }

        if (isRedirect(status))
        {
            const QUrl target = m_currentUrl.resolved(reply->attribute(QNetworkRequest::RedirectionTargetAttribute).toUrl());
            if (++m_redirects > MaxRedirects)
            {
                complete(Error{.where = m_where,
                    .message = QStringLiteral("%1: more than %2 redirects").arg(describeRequest()).arg(MaxRedirects),
                    .kind = Error::Kind::HttpError});
                return;
            }
            if (m_currentUrl.scheme() == u"https" && target.scheme() != u"https")
            {
                complete(Error{.where = m_where,
                    .message = QStringLiteral("%1: refused a redirect from https to %2").arg(describeRequest(), target.scheme()),
                    .kind = Error::Kind::Unsafe});
                return;
            }
            if (!sameOrigin(target))
            {
                if (m_request.method == "PUT" || m_request.method == "DELETE")
                {
                    complete(Error{.where = m_where,
                        .message = QStringLiteral("%1: refused to follow a redirect of a write to %2").arg(describeRequest(), originOf(target)),
                        .kind = Error::Kind::Unsafe});
                    return;
                }
                m_sendCredentials = false; // never to another host, port or scheme
            }
            m_currentUrl = target;
            m_attempt = 0;
            attempt();
            return;
        }

        if (status == 401 && !m_sendCredentials && !m_credentials.isEmpty() && sameOrigin(m_currentUrl))
        {
            m_sendCredentials = true;
            attempt();
            return;
        }

        const QNetworkReply::NetworkError code = reply->error();
        if (status >= 200 && status < 300 && code == QNetworkReply::NoError)
        {
            if (m_response.contentLength >= 0 && m_request.method != "HEAD" && m_response.bodyBytes < m_response.contentLength && status != 204)
            {
                retryOrFail(Error{.where = m_where,
                    .message =
                        QStringLiteral("%1: truncated body: %2 of %3 bytes").arg(describeRequest()).arg(m_response.bodyBytes).arg(m_response.contentLength),
                    .kind = Error::Kind::Truncated});
                return;
            }
            complete(std::nullopt);
            return;
        }
        if (status == 304)
        {
            complete(std::nullopt);
            return;
        }
        if (code == QNetworkReply::RemoteHostClosedError && m_response.bodyBytes > 0)
        {
            retryOrFail(Error{.where = m_where,
                .message = QStringLiteral("%1: truncated body: the connection closed after %2 bytes").arg(describeRequest()).arg(m_response.bodyBytes),
                .kind = Error::Kind::Truncated});
            return;
        }
        retryOrFail(errorFor(code, status, reply->errorString()));
    }

    void HttpExchange::retryOrFail(const Error &error)
    {
        const bool idempotent = m_request.method == "GET" || m_request.method == "HEAD";
        if (idempotent && error.isTransient() && m_attempt <= m_options.retries && m_totalTimer.isActive())
        {
            const int delay = m_options.retryDelayMs * (1 << std::min(m_attempt - 1, 10));
            qCInfo(Log::http).noquote() << error.toString() << "- retrying in" << delay << "ms";
            m_retryTimer.start(delay);
            return;
        }
        Error final = error;
        if (m_attempt > 1)
            final.message += QStringLiteral(" (after %1 attempts)").arg(m_attempt);
        complete(final);
    }

    Error HttpExchange::errorFor(QNetworkReply::NetworkError code, int status, const QString &detail) const
    {
        const QString request = describeRequest();
        auto make = [&](Error::Kind kind, const QString &cause) {
            return Error{.where = m_where, .message = request + QStringLiteral(": ") + cause, .kind = kind};
        };
        switch (status)
        {
        case 401: return make(Error::Kind::Unauthorized, QStringLiteral("401 unauthorized: wrong or missing user name or password"));
        case 403: return make(Error::Kind::Forbidden, QStringLiteral("403 forbidden"));
        case 404: return make(Error::Kind::NotFound, QStringLiteral("404 not found"));
        case 409: return make(Error::Kind::Conflict, QStringLiteral("409 conflict: the name exists on the server"));
        case 412: return make(Error::Kind::Conflict, QStringLiteral("412 precondition failed: the name exists on the server"));
        default: break;
        }
        if (status >= 500)
            return make(Error::Kind::ServerError, QStringLiteral("server error %1").arg(status));
        if (status >= 400)
            return make(Error::Kind::HttpError, QStringLiteral("HTTP status %1").arg(status));

        switch (code)
        {
        case QNetworkReply::HostNotFoundError: return make(Error::Kind::Dns, QStringLiteral("host not found (DNS)"));
        case QNetworkReply::ConnectionRefusedError: return make(Error::Kind::Refused, QStringLiteral("connection refused"));
        case QNetworkReply::RemoteHostClosedError: return make(Error::Kind::Refused, QStringLiteral("the server closed the connection"));
        case QNetworkReply::TimeoutError: return make(Error::Kind::Timeout, QStringLiteral("timed out"));
        case QNetworkReply::SslHandshakeFailedError:
            return make(Error::Kind::Tls,
                m_sslErrors.isEmpty() ? QStringLiteral("TLS handshake failed: %1").arg(detail)
                                      : QStringLiteral("TLS: %1").arg(m_sslErrors.join(QStringLiteral("; "))));
        case QNetworkReply::TooManyRedirectsError: return make(Error::Kind::HttpError, detail);
        default: break;
        }
        if (!m_sslErrors.isEmpty()) // a certificate refused, whatever code the reply ended with
            return make(Error::Kind::Tls, QStringLiteral("TLS: %1").arg(m_sslErrors.join(QStringLiteral("; "))));
        return make(Error::Kind::Other, detail);
    }

    void HttpExchange::complete(const std::optional<Error> &error)
    {
        if (m_finished)
            return;
        m_finished = true;
        qCDebug(Log::http).noquote() << describeRequest() << "->" << m_response.status << m_response.bodyBytes << "bytes" << m_elapsed.elapsed() << "ms"
                                     << (error ? error->toString() : QString());
        m_idleTimer.stop();
        m_totalTimer.stop();
        m_retryTimer.stop();
        m_body.reset();
        if (m_done)
            m_done(m_response, error);
    }
}
