#pragma once

#include <QFile>
#include <QList>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QUrl>

#include "nginxserver.h"

namespace TwinTrunk::Chaos
{
    // The real processes of a trunk pair (or trio) as box-admins run them, on 127.0.0.1:
    // - each trunk server: an nginx configured like SqueakSource (409 on an existing name);
    // - each server's "door": an nginx proxy through which TwinTrunk (sync, health, repoint)
    //   reaches that server. Killing a door partitions the server from TwinTrunk while the front
    //   and the committers still reach it, as a firewall rule on the sync side would;
    // - the front: the public URL, forwarding to the primary (rewritten by `twintrunkctl repoint`);
    // - the workspace file naming the servers by their doors, the front and its reload.
    class Cluster final
    {
    public:
        struct Server
        {
            QString name;
            Test::NginxServer backend{QString()};
            Test::NginxServer door{QString()};
        };

        Cluster(QString directory, QString twintrunkctl, int servers);

        bool start(QString *error);
        void stopAll();

        int serverCount() const { return int(m_servers.size()); }
        Server &server(int index) { return m_servers[index]; }
        const Server &server(int index) const { return m_servers[index]; }
        Test::NginxServer &front() { return m_front; }
        int primary() const { return m_primary; }
        void setPrimary(int index) { m_primary = index; }
        // The server the workspace file names as primary (what a repoint left), or primary().
        int primaryInWorkspace() const;

        static QString project() { return QStringLiteral("trunk"); }
        static QString username();
        static QString password();
        QUrl frontProjectUrl() const;
        // The server itself, as a committer on its side of a partition reaches it.
        QUrl directProjectUrl(int index) const;
        QString projectFolder(int index) const;
        QString workspaceFile() const;
        QString stateDatabase() const { return workspaceFile() + QStringLiteral(".state.sqlite"); }
        QString logFile(const QString &name) const;

        // twintrunkctl with the workspace and the servers' credentials, output appended to a log.
        QProcess *startCtl(const QStringList &arguments, const QString &logName, QObject *parent) const;
        struct CtlOutcome
        {
            int exitCode = -1;
            QByteArray out;
            QByteArray err;
        };
        // Waits for it: only for the final checks, once the nemesis and committers are done.
        CtlOutcome runCtl(const QStringList &arguments, int timeoutMs) const;

    private:
        bool writeWorkspace(QString *error) const;
        QStringList withWorkspace(const QStringList &arguments) const;
        QProcessEnvironment environment() const;

        QString m_directory;
        QString m_twintrunkctl;
        QList<Server> m_servers;
        Test::NginxServer m_front{QString()};
        int m_primary = 0;
    };
}
