#pragma once

#include <functional>

#include <QElapsedTimer>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QStringList>
#if QT_CONFIG(ssl)
#include <QSslError>
#endif
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>

#include "repository.h"

namespace TwinTrunk::Repository
{
    // One logical HTTP request against a repository server, with TwinTrunk's request policy:
    // - Basic credentials with writes, and with reads only after the server asks for them (401);
    //   only ever to the server's own scheme, host and port: a redirect elsewhere is followed
    //   without them (GET/HEAD) or refused (PUT);
    // - redirects from https to http are refused;
    // - an idle timeout (no byte moved) and a total timeout;
    // - retries with doubling back-off for GET and HEAD on transient failures, never for PUT;
    // - the body streamed to a sink, with a size cap and a check against Content-Length; a retry
    //   restarts the sink.
    class HttpExchange final : public QObject
    {
        Q_OBJECT
        Q_DISABLE_COPY_MOVE(HttpExchange)

    public:
        struct Request
        {
            QByteArray method = "GET";
            QUrl url;
            QList<std::pair<QByteArray, QByteArray>> headers;
            QString bodyPath;         // PUT: a local file sent as the body
            qint64 maxBodyBytes = -1; // -1: no cap
            int totalTimeoutMs = 120000;
        };

        struct Response
        {
            int status = 0;
            QByteArray etag;
            QByteArray lastModified;
            QByteArray contentRange;
            qint64 contentLength = -1;
            qint64 bodyBytes = 0;
        };

        // Where the body goes. `write` receives its bytes; returning false stops the transfer (the
        // exchange then succeeds). `restart`, called before every attempt, drops what an earlier
        // attempt delivered: a retried GET must not append its body to the first one's. A sink
        // that keeps anything (a file, a hash, a buffer) must give it.
        struct Sink
        {
            std::function<void()> restart;
            std::function<bool(QByteArrayView chunk)> write;
        };

        HttpExchange(QNetworkAccessManager *network, const QUrl &origin, const Credentials &credentials, const RepositoryOptions &options, const QString &where,
            QObject *parent = nullptr);

        // Runs the request; `done` is called once, with the response or the error.
        void start(const Request &request, Sink sink, std::function<void(const Response &, const std::optional<Error> &)> done);
        void abort();

    private:
        void attempt();
        void onFinished();
        void onData();
        void retryOrFail(const Error &error);
        void stopReply();
        void complete(const std::optional<Error> &error);
        bool sameOrigin(const QUrl &url) const;
        Error errorFor(QNetworkReply::NetworkError code, int status, const QString &detail) const;
        QString describeRequest() const;

        QNetworkAccessManager *m_network;
        QUrl m_origin;
        Credentials m_credentials;
        RepositoryOptions m_options;
        QString m_where;

        Request m_request;
        Sink m_sink;
        std::function<void(const Response &, const std::optional<Error> &)> m_done;
        QUrl m_currentUrl;
        int m_redirects = 0;
        QStringList m_sslErrors; // the certificate problems of the current attempt, as Qt names them
        int m_attempt = 0;
        QElapsedTimer m_elapsed; // since start(), for the log
        bool m_sendCredentials = true;
        bool m_timedOut = false;
        bool m_finished = false;
        QPointer<QNetworkReply> m_reply;
        QTimer m_idleTimer;
        QTimer m_totalTimer;
        QTimer m_retryTimer;
        Response m_response;
        std::unique_ptr<QFile> m_body;
    };

    // The origin (scheme, host, port) of a URL, for comparing where credentials may go.
    QString originOf(const QUrl &url);
    // True for 127.0.0.0/8, ::1 and localhost.
    bool isLoopbackHost(const QString &host);
}
