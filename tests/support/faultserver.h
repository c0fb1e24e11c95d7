#pragma once

#include <QHash>
#include <QList>
#include <QObject>
#include <QTcpServer>
#include <QUrl>

class QTcpSocket;

namespace TwinTrunk::Test
{
    // A deliberately misbehaving HTTP server on 127.0.0.1 for the faults a real nginx will not
    // produce on demand. Each path (without query) has a Route; requests are recorded.
    class FaultServer final : public QObject
    {
        Q_OBJECT

    public:
        struct Route
        {
            enum class Behaviour
            {
                Normal,   // status, headers, body
                Hang,     // read the request, never answer
                CutShort, // announce the whole body, send `cutAfter` bytes, close
                Drip,     // send the body one byte every `dripMs`
            };
            int status = 200;
            QList<std::pair<QByteArray, QByteArray>> headers;
            QByteArray body;
            Behaviour behaviour = Behaviour::Normal;
            qint64 cutAfter = 0;
            int dripMs = 100;
            int failFirst = 0; // answer 500 to this many requests first
            QByteArray etag;   // when set: sent, and a matching If-None-Match gets 304
            bool requireAuth = false; // 401 to requests without an Authorization header
        };

        struct Seen
        {
            QByteArray method;
            QByteArray target;
            QHash<QByteArray, QByteArray> headers; // lower-case names
            QByteArray body;
        };

        explicit FaultServer(QObject *parent = nullptr);
        ~FaultServer() override;

        bool listen();
        QUrl baseUrl() const;
        // A route for a path; with a method ("HEAD", "PUT", ...), only for that method.
        void setRoute(const QString &path, const Route &route, const QByteArray &method = {});
        const QList<Seen> &requests() const { return m_requests; }
        int requestCount(const QString &path) const;

    private:
        void onConnection();
        void onReadable(QTcpSocket *socket);
        void respond(QTcpSocket *socket, const Seen &request);

        QTcpServer m_server;
        QHash<QString, Route> m_routes;
        QHash<QString, int> m_counts;
        QList<Seen> m_requests;
        QHash<QTcpSocket *, QByteArray> m_buffers;
    };
}
