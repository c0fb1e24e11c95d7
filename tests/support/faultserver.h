#pragma once

#include <QHash>
#include <QList>
#include <QMap>
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
                Normal,       // status, headers, body
                Hang,         // read the request, never answer
                CutShort,     // announce the whole body, send `cutAfter` bytes, close
                CutShortOnce, // CutShort the first time, then the whole body
                Drip,         // send the body one byte every `dripMs`
            };
            int status = 200;
            QList<std::pair<QByteArray, QByteArray>> headers;
            QByteArray body;
            Behaviour behaviour = Behaviour::Normal;
            qint64 cutAfter = 0;
            int dripMs = 100;
            int failFirst = 0;        // answer 500 to this many requests first
            QByteArray etag;          // when set: sent, and a matching If-None-Match gets 304
            bool requireAuth = false; // 401 to requests without an Authorization header
        };

        struct Seen
        {
            QByteArray method;
            QByteArray target;
            QHash<QByteArray, QByteArray> headers; // lower-case names
            QByteArray body;
        };

        // A Monticello server of its own, with faults a real one has only on a bad day: paths
        // without a route are files in memory. PUT stores (201; 409 for a name that exists),
        // GET and HEAD serve them, GET of a folder ("/trunk/") lists it as nginx's autoindex does.
        struct Storage
        {
            bool enabled = false;
            bool flipOnPut = false; // store the body with one byte flipped in its middle
            bool flipOnGet = false; // serve every GET of a file with one byte flipped in its middle
            // Store a sound archive with other bytes than were sent (a zip comment added): a lie
            // only the digest of what was sent can catch.
            bool otherSoundBytesOnPut = false;
            bool roundedSizes = false; // list sizes as "1K", as autoindex_exact_size off does (not exact: unknown)
        };

        explicit FaultServer(QObject *parent = nullptr);
        ~FaultServer() override;

        bool listen();
        QUrl baseUrl() const;
        // A route for a path; with a method ("HEAD", "PUT", ...), only for that method.
        void setRoute(const QString &path, const Route &route, const QByteArray &method = {});
        // The path served as without the route again (from storage, or 404).
        void clearRoute(const QString &path, const QByteArray &method = {});
        const QList<Seen> &requests() const { return m_requests; }
        void setStorage(const Storage &storage) { m_storage = storage; }
        // A file as stored ("/trunk/X-y.1.mcz"), or puts one there.
        QByteArray storedFile(const QString &path) const { return m_files.value(path); }
        void storeFile(const QString &path, const QByteArray &bytes) { m_files.insert(path, bytes); }
        int requestCount(const QString &path) const;

    private:
        void onConnection();
        void onReadable(QTcpSocket *socket);
        void respond(QTcpSocket *socket, const Seen &request);
        // The answer of the in-memory Monticello server (see Storage).
        Route storageRoute(const QString &path, const Seen &request);

        QTcpServer m_server;
        QHash<QString, Route> m_routes;
        QHash<QString, int> m_counts;
        QList<Seen> m_requests;
        QHash<QTcpSocket *, QByteArray> m_buffers;
        Storage m_storage;
        QMap<QString, QByteArray> m_files; // path -> bytes, in name order for listings
    };
}
