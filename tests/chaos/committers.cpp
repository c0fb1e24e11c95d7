#include "committers.h"

#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

#include "monticello/mczcheck.h"
#include "util/sha256.h"

namespace TwinTrunk::Chaos
{
    VersionFactory::VersionFactory(quint32 seed) : m_versions(seed)
    {}

    BuiltVersion VersionFactory::build(const QString &package, const QString &author, qint64 number, int variant)
    {
        const Demo::SyntheticVersions::Spec spec{package, author, number, QDateTime::currentDateTimeUtc(),
            QStringLiteral("Committed during the fault run (variant %1)").arg(variant), 0};
        Result<QByteArray> bytes = m_versions.next(spec, variant).toBytes();
        if (!bytes)
            qFatal("chaos: cannot build a version: %s", qPrintable(bytes.error().toString()));
        BuiltVersion built;
        built.name = QStringLiteral("%1-%2.%3.mcz").arg(package, author).arg(number);
        built.bytes = bytes.value();
        // The id as a server's reader sees it, not as the factory meant it.
        Result<Monticello::MczSoundness> sound = Monticello::checkMczBytes(built.bytes, built.name);
        if (!sound)
            qFatal("chaos: a built version does not read back: %s", qPrintable(sound.error().toString()));
        built.id = sound->id;
        built.sha256 = Sha256::hex(built.bytes);
        return built;
    }

    QByteArray basicAuthorization(const QString &user, const QString &password)
    {
        return "Basic " + (user + u':' + password).toUtf8().toBase64();
    }

    QNetworkReply *putVersion(QNetworkAccessManager &network, const QUrl &projectUrl, const QString &name, const QByteArray &bytes,
        const QByteArray &authorization)
    {
        QUrl url = projectUrl;
        url.setPath(url.path() + u'/' + name);
        QNetworkRequest request(url);
        request.setRawHeader("Authorization", authorization);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/octet-stream"));
        // A stalled server must not hold a committer for nginx's 60 s proxy timeout.
        request.setTransferTimeout(8000);
        return network.put(request, bytes);
    }

    Committers::Committers(QUrl projectUrl, QByteArray authorization, int clients, quint32 seed, QString packagePrefix, QObject *parent)
            : QObject(parent), m_projectUrl(std::move(projectUrl)), m_authorization(std::move(authorization)), m_clients(clients),
              m_packagePrefix(std::move(packagePrefix)), m_factory(seed), m_nextNumber(clients, 1)
    {}

    void Committers::start()
    {
        for (int client = 0; client < m_clients; ++client)
            commitNext(client);
    }

    void Committers::stop()
    {
        m_stopping = true;
        if (m_inFlight == 0)
            Q_EMIT finished();
    }

    void Committers::commitNext(int client)
    {
        if (m_stopping)
            return;
        // Each client commits one package of its own, so names never collide between clients; a
        // name is never retried, as an image would save the next version after a failed save.
        const BuiltVersion version = m_factory.build(m_packagePrefix + QString::number(client), QStringLiteral("c%1").arg(client), m_nextNumber[client]++);
        ++m_attempts;
        ++m_inFlight;
        QNetworkReply *reply = putVersion(m_network, m_projectUrl, version.name, version.bytes, m_authorization);
        connect(reply, &QNetworkReply::finished, this, [this, reply, version, client] {
            reply->deleteLater();
            --m_inFlight;
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            const bool acknowledged = reply->error() == QNetworkReply::NoError && status >= 200 && status < 300;
            if (acknowledged)
                m_acknowledged.append({version.name, version.id, version.sha256, m_projectUrl.toString(), QDateTime::currentDateTimeUtc()});
            if (m_stopping)
            {
                if (m_inFlight == 0)
                    Q_EMIT finished();
                return;
            }
            // After a failure (the front down, a 502), a pause before the next save, as a person
            // would take; a refused connection would otherwise spin.
            QTimer::singleShot(acknowledged ? 0 : 200, this, [this, client] { commitNext(client); });
        });
    }
}
