#include "cluster.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace TwinTrunk::Chaos
{
    namespace
    {
        const QStringList ServerNames{QStringLiteral("alpha"), QStringLiteral("beta"), QStringLiteral("gamma")};
        const QString User = QStringLiteral("squeak");
        const QString Password = QStringLiteral("squeak");

        QString address(const Test::NginxServer &server)
        {
            return QStringLiteral("127.0.0.1:%1").arg(server.port());
        }
    }

    Cluster::Cluster(QString directory, QString twintrunkctl, int servers) : m_directory(std::move(directory)), m_twintrunkctl(std::move(twintrunkctl))
    {
        for (int index = 0; index < servers && index < ServerNames.size(); ++index)
        {
            Server server;
            server.name = ServerNames[index];
            server.backend = Test::NginxServer(QDir(m_directory).filePath(server.name));
            server.door = Test::NginxServer(QDir(m_directory).filePath(server.name + QStringLiteral("-door")));
            m_servers.append(server);
        }
        m_front = Test::NginxServer(QDir(m_directory).filePath(QStringLiteral("front")));
    }

    bool Cluster::start(QString *error)
    {
        // nginx runs as nobody when the run is root's: it must be able to reach its folders.
        QFile::setPermissions(m_directory,
            QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner | QFileDevice::ReadGroup | QFileDevice::ExeGroup | QFileDevice::ReadOther
                | QFileDevice::ExeOther);
        for (Server &server : m_servers)
        {
            if (!server.backend.start() || !server.backend.createProject(project()))
            {
                *error = QStringLiteral("%1 did not start: %2").arg(server.name, server.backend.lastError());
                return false;
            }
            Test::NginxServer::Options door;
            door.proxyTo = address(server.backend);
            if (!server.door.start(door))
            {
                *error = QStringLiteral("%1's door did not start: %2").arg(server.name, server.door.lastError());
                return false;
            }
        }
        Test::NginxServer::Options front;
        front.proxyTo = address(m_servers[m_primary].backend);
        if (!m_front.start(front))
        {
            *error = QStringLiteral("the front did not start: %1").arg(m_front.lastError());
            return false;
        }
        return writeWorkspace(error);
    }

    void Cluster::stopAll()
    {
        m_front.resume();
        m_front.stop();
        for (Server &server : m_servers)
        {
            server.backend.resume();
            server.backend.stop();
            server.door.stop();
        }
    }

    bool Cluster::writeWorkspace(QString *error) const
    {
        QJsonArray servers;
        for (int index = 0; index < m_servers.size(); ++index)
        {
            const Server &server = m_servers[index];
            // TwinTrunk knows each server by its door; the front forwards to the server itself.
            servers.append(QJsonObject{{QStringLiteral("name"), server.name}, {QStringLiteral("url"), server.door.baseUrl().toString()},
                {QStringLiteral("upstream"), address(server.backend)}, {QStringLiteral("primary"), index == m_primary}});
        }
        const QString reload = QStringLiteral("kill -HUP $(cat '%1')").arg(m_front.pidFile());
        const QJsonObject json{{QStringLiteral("servers"), servers}, {QStringLiteral("projects"), QJsonArray{project()}},
            {QStringLiteral("sync"), QJsonObject{{QStringLiteral("jobs"), 4}}},
            {QStringLiteral("health"), QJsonObject{{QStringLiteral("interval"), QStringLiteral("2s")}, {QStringLiteral("maxBackoff"), QStringLiteral("10s")}}},
            {QStringLiteral("repoint"),
                QJsonObject{{QStringLiteral("publicUrl"), m_front.baseUrl().toString()},
                    {QStringLiteral("frontProxy"), QJsonObject{{QStringLiteral("upstreamFile"), m_front.upstreamFile()}, {QStringLiteral("reload"), reload}}},
                    {QStringLiteral("verifyTimeout"), QStringLiteral("10s")}, {QStringLiteral("watchLateCommits"), QStringLiteral("1h")}}}};
        QFile file(workspaceFile());
        if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(json).toJson()) < 0 || !file.flush())
        {
            *error = QStringLiteral("cannot write %1").arg(workspaceFile());
            return false;
        }
        return true;
    }

    int Cluster::primaryInWorkspace() const
    {
        QFile file(workspaceFile());
        if (!file.open(QIODevice::ReadOnly))
            return m_primary;
        for (const QJsonValue &server : QJsonDocument::fromJson(file.readAll()).object().value(QStringLiteral("servers")).toArray())
        {
            if (!server.toObject().value(QStringLiteral("primary")).toBool())
                continue;
            for (int index = 0; index < m_servers.size(); ++index)
            {
                if (m_servers[index].name == server.toObject().value(QStringLiteral("name")).toString())
                    return index;
            }
        }
        return m_primary;
    }

    QUrl Cluster::frontProjectUrl() const
    {
        return QUrl(m_front.baseUrl().toString() + project());
    }

    QUrl Cluster::directProjectUrl(int index) const
    {
        return QUrl(m_servers[index].backend.baseUrl().toString() + project());
    }

    QString Cluster::projectFolder(int index) const
    {
        return QDir(m_servers[index].backend.rootDirectory()).filePath(project());
    }

    QString Cluster::workspaceFile() const
    {
        return QDir(m_directory).filePath(QStringLiteral("twintrunk.json"));
    }

    QString Cluster::logFile(const QString &name) const
    {
        return QDir(m_directory).filePath(name + QStringLiteral(".log"));
    }

    QProcessEnvironment Cluster::environment() const
    {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        for (const Server &server : m_servers)
        {
            environment.insert(QStringLiteral("TWINTRUNK_USER_") + server.name.toUpper(), User);
            environment.insert(QStringLiteral("TWINTRUNK_PASSWORD_") + server.name.toUpper(), Password);
        }
        return environment;
    }

    QStringList Cluster::withWorkspace(const QStringList &arguments) const
    {
        QStringList all = arguments;
        all.insert(1, QStringLiteral("-w"));
        all.insert(2, workspaceFile());
        return all;
    }

    QProcess *Cluster::startCtl(const QStringList &arguments, const QString &logName, QObject *parent) const
    {
        auto *process = new QProcess(parent);
        process->setProcessEnvironment(environment());
        process->setProcessChannelMode(QProcess::MergedChannels);
        process->setStandardOutputFile(logFile(logName), QIODevice::Append);
        process->start(m_twintrunkctl, withWorkspace(arguments));
        return process;
    }

    Cluster::CtlOutcome Cluster::runCtl(const QStringList &arguments, int timeoutMs) const
    {
        QProcess process;
        process.setProcessEnvironment(environment());
        process.start(m_twintrunkctl, withWorkspace(arguments));
        CtlOutcome outcome;
        if (!process.waitForFinished(timeoutMs))
        {
            process.kill();
            process.waitForFinished(5000);
            outcome.err = "timed out";
            return outcome;
        }
        outcome.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        outcome.out = process.readAllStandardOutput();
        outcome.err = process.readAllStandardError();
        return outcome;
    }

    QString Cluster::username()
    {
        return User;
    }

    QString Cluster::password()
    {
        return Password;
    }
}
