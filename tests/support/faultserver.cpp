#include "faultserver.h"

#include <QTcpSocket>
#include <QTimer>

namespace TwinTrunk::Test
{
    FaultServer::FaultServer(QObject *parent) : QObject(parent)
    {
        connect(&m_server, &QTcpServer::newConnection, this, &FaultServer::onConnection);
    }

    FaultServer::~FaultServer()
    {
        // Close the connections while the members their handlers use still exist.
        for (QTcpSocket *socket : findChildren<QTcpSocket *>())
        {
            socket->disconnect(this);
            socket->abort();
            delete socket;
        }
    }

    bool FaultServer::listen()
    {
        return m_server.listen(QHostAddress::LocalHost, 0);
    }

    QUrl FaultServer::baseUrl() const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1/").arg(m_server.serverPort()));
    }

    void FaultServer::setRoute(const QString &path, const Route &route, const QByteArray &method)
    {
        m_routes.insert(method.isEmpty() ? path : QString::fromLatin1(method) + u' ' + path, route);
    }

    void FaultServer::clearRoute(const QString &path, const QByteArray &method)
    {
        m_routes.remove(method.isEmpty() ? path : QString::fromLatin1(method) + u' ' + path);
    }

    int FaultServer::requestCount(const QString &path) const
    {
        return m_counts.value(path);
    }

    FaultServer::Route FaultServer::storageRoute(const QString &path, const Seen &request)
    {
        auto flipped = [](QByteArray bytes) {
            if (!bytes.isEmpty())
                bytes[bytes.size() / 2] = char(bytes[bytes.size() / 2] ^ 0x01);
            return bytes;
        };
        if (request.method == "PUT")
        {
            if (m_files.contains(path))
                return Route{409, {}, "exists", Route::Behaviour::Normal, 0, 100, 0, {}};
            QByteArray stored = m_storage.flipOnPut ? flipped(request.body) : request.body;
            // An archive with no comment ends with its 22-byte end record, whose last two bytes
            // are the comment's length: a comment makes other bytes of the same sound archive.
            if (m_storage.otherSoundBytesOnPut && stored.size() >= 22 && stored.endsWith(QByteArray(2, '\0')))
            {
                const QByteArray comment = "stored by a lying server";
                stored[stored.size() - 2] = char(comment.size());
                stored += comment;
            }
            m_files.insert(path, stored);
            return Route{201, {}, QByteArray(), Route::Behaviour::Normal, 0, 100, 0, {}};
        }
        if (path.endsWith(u'/'))
        {
            // nginx's autoindex, as the listing parser reads it.
            QByteArray page = "<html><body><pre>\n";
            for (auto it = m_files.cbegin(); it != m_files.cend(); ++it)
            {
                if (!it.key().startsWith(path) || it.key().mid(path.size()).contains(u'/'))
                    continue;
                const QByteArray name = it.key().mid(path.size()).toUtf8();
                const QByteArray size = m_storage.roundedSizes ? QByteArray::number((it->size() + 1023) / 1024) + 'K' : QByteArray::number(it->size());
                page += "<a href=\"" + name + "\">" + name + "</a>  27-Nov-2026 17:40  " + size + "\n";
            }
            return Route{200, {}, page + "</pre></body></html>\n", Route::Behaviour::Normal, 0, 100, 0, {}};
        }
        if (!m_files.contains(path))
            return Route{404, {}, "not here", Route::Behaviour::Normal, 0, 100, 0, {}};
        const QByteArray bytes = m_files.value(path);
        return Route{200, {}, m_storage.flipOnGet ? flipped(bytes) : bytes, Route::Behaviour::Normal, 0, 100, 0, {}};
    }

    void FaultServer::onConnection()
    {
        while (QTcpSocket *socket = m_server.nextPendingConnection())
        {
            socket->setParent(this);
            connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadable(socket); });
            connect(socket, &QTcpSocket::disconnected, socket, [this, socket] {
                m_buffers.remove(socket);
                socket->deleteLater();
            });
        }
    }

    void FaultServer::onReadable(QTcpSocket *socket)
    {
        QByteArray &buffer = m_buffers[socket];
        buffer += socket->readAll();
        if (buffer.startsWith('\x16'))
        {
            // A TLS ClientHello sent to this plain server: answer as nginx would.
            socket->write("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
            socket->disconnectFromHost();
            return;
        }
        const qsizetype headerEnd = buffer.indexOf("\r\n\r\n");
        if (headerEnd < 0)
            return;
        const QList<QByteArray> lines = buffer.left(headerEnd).split('\n');
        Seen request;
        const QList<QByteArray> requestLine = lines.first().trimmed().split(' ');
        request.method = requestLine.value(0);
        request.target = requestLine.value(1);
        for (qsizetype i = 1; i < lines.size(); ++i)
        {
            const qsizetype colon = lines.at(i).indexOf(':');
            if (colon > 0)
                request.headers.insert(lines.at(i).left(colon).trimmed().toLower(), lines.at(i).mid(colon + 1).trimmed());
        }
        const qint64 length = request.headers.value("content-length").toLongLong();
        if (buffer.size() < headerEnd + 4 + length)
            return; // the body is still arriving
        request.body = buffer.mid(headerEnd + 4, length);
        buffer.clear();
        m_requests.append(request);
        respond(socket, request);
    }

    void FaultServer::respond(QTcpSocket *socket, const Seen &request)
    {
        const QString path = QString::fromLatin1(request.target).section(u'?', 0, 0);
        const int count = ++m_counts[path];
        const QString methodKey = QString::fromLatin1(request.method) + u' ' + path;
        Route route;
        if (m_routes.contains(methodKey))
            route = m_routes.value(methodKey);
        else if (m_routes.contains(path))
            route = m_routes.value(path);
        else if (m_storage.enabled)
            route = storageRoute(path, request);
        else
            route = Route{404, {}, "not here", Route::Behaviour::Normal, 0, 100, 0, {}};
        if (route.requireAuth && !request.headers.contains("authorization"))
            route = Route{401, {{"WWW-Authenticate", "Basic realm=\"Monticello\""}}, "who are you?", Route::Behaviour::Normal, 0, 100, 0, {}, false};
        else if (count <= route.failFirst)
            route = Route{500, {}, "try again", Route::Behaviour::Normal, 0, 100, 0, {}};
        if (route.behaviour == Route::Behaviour::Hang)
            return;
        if (!route.etag.isEmpty())
        {
            route.headers.append({"ETag", route.etag});
            if (request.headers.value("if-none-match") == route.etag)
            {
                route.status = 304;
                route.body.clear();
            }
        }

        QByteArray head = "HTTP/1.1 " + QByteArray::number(route.status) + " Status\r\nConnection: close\r\n";
        for (const auto &[name, value] : route.headers)
            head += name + ": " + value + "\r\n";
        const bool hasBody = request.method != "HEAD";
        head += "Content-Length: " + QByteArray::number(route.body.size()) + "\r\n\r\n";
        socket->write(head);

        if (!hasBody)
        {
            socket->disconnectFromHost();
            return;
        }
        switch (route.behaviour)
        {
        case Route::Behaviour::CutShortOnce:
            if (count > 1)
            {
                socket->write(route.body);
                socket->disconnectFromHost();
                break;
            }
            [[fallthrough]];
        case Route::Behaviour::CutShort:
            socket->write(route.body.left(route.cutAfter));
            socket->flush();
            socket->disconnectFromHost();
            break;
        case Route::Behaviour::Drip:
        {
            auto *timer = new QTimer(socket);
            auto sent = std::make_shared<qsizetype>(0);
            const QByteArray body = route.body;
            connect(timer, &QTimer::timeout, socket, [socket, timer, sent, body] {
                if (*sent >= body.size())
                {
                    timer->stop();
                    socket->disconnectFromHost();
                    return;
                }
                socket->write(body.mid((*sent)++, 1));
            });
            timer->start(route.dripMs);
            break;
        }
        default:
            socket->write(route.body);
            socket->disconnectFromHost();
            break;
        }
    }
}
