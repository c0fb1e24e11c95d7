#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QNetworkAccessManager>
#include <QObject>
#include <QString>
#include <QUrl>

#include "demo/syntheticversions.h"

namespace TwinTrunk::Chaos
{
    // A version a server acknowledged (2xx on its PUT): the promise the fault run checks is kept.
    struct Acknowledged
    {
        QString name; // "Chaos3-c3.17.mcz"
        QString id;
        QByteArray sha256;
        QString where; // the URL it was committed to ("front" or a server's own URL)
        QDateTime at;
    };

    // A version built for a commit: its name, id and bytes.
    struct BuiltVersion
    {
        QString name;
        QString id;
        QByteArray bytes;
        QByteArray sha256;
    };

    // Builds valid .mcz versions with fresh ids (Demo::SyntheticVersions: real ancestry chains).
    class VersionFactory final
    {
    public:
        explicit VersionFactory(quint32 seed);
        // The next version of `package` by `author`; `variant` makes another id and code for the
        // same name (a duplicate-name conflict).
        BuiltVersion build(const QString &package, const QString &author, qint64 number, int variant = 0);

    private:
        Demo::SyntheticVersions m_versions;
    };

    // One HTTP PUT of a version, as a Monticello image saves it (Basic auth on every request).
    // Calls `done(statusCode, error)` once; status 0 when no HTTP answer came.
    QNetworkReply *putVersion(QNetworkAccessManager &network, const QUrl &projectUrl, const QString &name, const QByteArray &bytes,
        const QByteArray &authorization);
    QByteArray basicAuthorization(const QString &user, const QString &password);

    // Clients committing new versions through the public URL as fast as the servers answer, each
    // one request at a time, recording what was acknowledged.
    class Committers final : public QObject
    {
        Q_OBJECT

    public:
        // Client k commits versions of package "<packagePrefix><k>", so no two clients share a name.
        Committers(QUrl projectUrl, QByteArray authorization, int clients, quint32 seed, QString packagePrefix, QObject *parent = nullptr);

        void start();
        // No new commits; finished() once every request in flight has ended.
        void stop();

        const QList<Acknowledged> &acknowledged() const { return m_acknowledged; }
        int attempts() const { return m_attempts; }
        // Answers other than 2xx, and requests with no answer: the version is in doubt (it may be
        // stored), which the checker allows; only an acknowledged version must never be lost.
        int unacknowledged() const { return m_attempts - int(m_acknowledged.size()) - m_inFlight; }

    Q_SIGNALS:
        void finished();

    private:
        void commitNext(int client);

        QUrl m_projectUrl;
        QByteArray m_authorization;
        int m_clients;
        QString m_packagePrefix;
        VersionFactory m_factory;
        QNetworkAccessManager m_network;
        QList<qint64> m_nextNumber;
        QList<Acknowledged> m_acknowledged;
        int m_attempts = 0;
        int m_inFlight = 0;
        bool m_stopping = false;
    };
}
