#include "workspace.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSet>

#include "repository/listing.h"

namespace TwinTrunk
{
    namespace
    {
        Error fieldError(const QString &where, const QString &field, const QString &message)
        {
            return Error{where, field + QStringLiteral(": ") + message, -1, 0, 0, Error::Kind::Invalid};
        }

        const QStringList reservedServerNames{QStringLiteral("name"), QStringLiteral("state")};
    }

    QString environmentNameFor(const QString &serverName)
    {
        QString name = serverName.toUpper();
        name.replace(QRegularExpression(QStringLiteral("[^A-Z0-9]")), QStringLiteral("_"));
        return name;
    }

    Result<Workspace> Workspace::load(const QString &path)
    {
        QFile file(path);
        if (!file.exists())
            return Error{path, QStringLiteral("no workspace file here (create one with 'twintrunkctl init')"), -1, 0, 0, Error::Kind::NotFound};
        if (!file.open(QIODevice::ReadOnly))
            return Error{path, QStringLiteral("cannot read: %1").arg(file.errorString()), -1, 0, 0, Error::Kind::Io};
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
        if (parseError.error != QJsonParseError::NoError)
            return Error{path, QStringLiteral("not valid JSON: %1").arg(parseError.errorString()), parseError.offset, 0, 0, Error::Kind::Invalid};
        if (!document.isObject())
            return Error{path, QStringLiteral("the workspace must be a JSON object"), -1, 0, 0, Error::Kind::Invalid};

        Result<Workspace> workspace = fromJson(document.object(), path);
        if (!workspace)
            return workspace;
        workspace.value().m_filePath = QFileInfo(path).absoluteFilePath();

        bool hasPasswords = false;
        for (const ServerConfig &server : workspace->servers())
            hasPasswords = hasPasswords || !server.password.isEmpty();
#if defined(Q_OS_UNIX)
        if (hasPasswords && (file.permissions() & (QFileDevice::ReadOther | QFileDevice::ReadGroup)))
        {
            workspace.value().m_warnings.append(QStringLiteral("%1 holds passwords and other users can read it: "
                                                               "chmod 600 it, or use TWINTRUNK_PASSWORD_<SERVER>").arg(path));
        }
#endif
        return workspace;
    }

    Result<Workspace> Workspace::fromJson(const QJsonObject &json, const QString &where)
    {
        Workspace workspace;
        workspace.m_extra = json;
        workspace.m_extra.remove(QStringLiteral("servers"));
        workspace.m_extra.remove(QStringLiteral("projects"));
        workspace.m_extra.remove(QStringLiteral("sync"));

        const QJsonValue servers = json.value(QStringLiteral("servers"));
        if (!servers.isArray())
            return fieldError(where, QStringLiteral("servers"), QStringLiteral("must be a list of servers"));
        const QJsonArray serverList = servers.toArray();
        for (qsizetype i = 0; i < serverList.size(); ++i)
        {
            const QString field = QStringLiteral("servers[%1]").arg(i);
            if (!serverList.at(i).isObject())
                return fieldError(where, field, QStringLiteral("must be an object with name and url"));
            const QJsonObject entry = serverList.at(i).toObject();
            ServerConfig server;
            server.name = entry.value(QStringLiteral("name")).toString();
            const QString url = entry.value(QStringLiteral("url")).toString();
            server.url = QUrl(url, QUrl::StrictMode);
            if (url.isEmpty() || !server.url.isValid())
                return fieldError(where, field + QStringLiteral(".url"), QStringLiteral("'%1' is not a URL").arg(url));
            const QJsonValue primary = entry.value(QStringLiteral("primary"));
            if (!primary.isUndefined() && !primary.isBool())
                return fieldError(where, field + QStringLiteral(".primary"), QStringLiteral("must be true or false"));
            server.primary = primary.toBool(false);
            server.user = entry.value(QStringLiteral("user")).toString();
            server.password = entry.value(QStringLiteral("password")).toString();
            workspace.m_servers.append(server);
        }

        const QJsonValue projects = json.value(QStringLiteral("projects"));
        if (!projects.isArray())
            return fieldError(where, QStringLiteral("projects"), QStringLiteral("must be a list of project names"));
        for (const QJsonValue &project : projects.toArray())
            workspace.m_projects.append(project.toString());

        const QJsonValue sync = json.value(QStringLiteral("sync"));
        if (!sync.isUndefined())
        {
            if (!sync.isObject())
                return fieldError(where, QStringLiteral("sync"), QStringLiteral("must be an object"));
            const QJsonValue jobs = sync.toObject().value(QStringLiteral("jobs"));
            if (!jobs.isUndefined())
            {
                if (!jobs.isDouble() || jobs.toDouble() != double(jobs.toInt()))
                    return fieldError(where, QStringLiteral("sync.jobs"), QStringLiteral("must be a whole number"));
                workspace.m_jobs = jobs.toInt();
            }
        }
        if (Result<void> valid = workspace.validate(where); !valid)
            return valid.error();
        return workspace;
    }

    Result<void> Workspace::validate(const QString &where) const
    {
        if (m_servers.size() < 2)
            return fieldError(where, QStringLiteral("servers"), QStringLiteral("name at least two servers (there are %1)").arg(m_servers.size()));
        QSet<QString> names;
        int primaries = 0;
        for (qsizetype i = 0; i < m_servers.size(); ++i)
        {
            const ServerConfig &server = m_servers.at(i);
            const QString field = QStringLiteral("servers[%1]").arg(i);
            static const QRegularExpression validName(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$"));
            if (!validName.match(server.name).hasMatch())
                return fieldError(where, field + QStringLiteral(".name"), QStringLiteral("'%1': use letters, digits, '-', '_' or '.'").arg(server.name));
            if (reservedServerNames.contains(server.name))
                return fieldError(where, field + QStringLiteral(".name"), QStringLiteral("'%1' is reserved").arg(server.name));
            if (names.contains(server.name))
                return fieldError(where, field + QStringLiteral(".name"), QStringLiteral("'%1' is used twice").arg(server.name));
            names.insert(server.name);
            const QString scheme = server.url.scheme();
            if (scheme != u"http" && scheme != u"https" && scheme != u"file")
                return fieldError(where, field + QStringLiteral(".url"), QStringLiteral("must be http, https or file, not '%1'").arg(scheme));
            if (!server.url.userInfo().isEmpty())
                return fieldError(where, field + QStringLiteral(".url"), QStringLiteral("put no user or password in the URL; use user/password or the environment"));
            primaries += server.primary ? 1 : 0;
        }
        if (primaries != 1)
            return fieldError(where, QStringLiteral("servers"), QStringLiteral("exactly one server must be primary (there are %1)").arg(primaries));

        if (m_projects.isEmpty())
            return fieldError(where, QStringLiteral("projects"), QStringLiteral("name at least one project"));
        QSet<QString> seen;
        for (qsizetype i = 0; i < m_projects.size(); ++i)
        {
            const QString field = QStringLiteral("projects[%1]").arg(i);
            if (const QString reason = Repository::unsafeFileNameReason(m_projects.at(i)); !reason.isEmpty())
                return fieldError(where, field, QStringLiteral("'%1': %2").arg(m_projects.at(i), reason));
            if (seen.contains(m_projects.at(i)))
                return fieldError(where, field, QStringLiteral("'%1' is listed twice").arg(m_projects.at(i)));
            seen.insert(m_projects.at(i));
        }
        if (m_jobs < 1 || m_jobs > 64)
            return fieldError(where, QStringLiteral("sync.jobs"), QStringLiteral("must be from 1 to 64 (is %1)").arg(m_jobs));
        return {};
    }

    QJsonObject Workspace::toJson() const
    {
        QJsonObject json = m_extra;
        QJsonArray servers;
        for (const ServerConfig &server : m_servers)
        {
            QJsonObject entry{{QStringLiteral("name"), server.name}, {QStringLiteral("url"), server.url.toString()}};
            if (server.primary)
                entry.insert(QStringLiteral("primary"), true);
            if (!server.user.isEmpty())
                entry.insert(QStringLiteral("user"), server.user);
            if (!server.password.isEmpty())
                entry.insert(QStringLiteral("password"), server.password);
            servers.append(entry);
        }
        json.insert(QStringLiteral("servers"), servers);
        json.insert(QStringLiteral("projects"), QJsonArray::fromStringList(m_projects));
        QJsonObject sync = json.value(QStringLiteral("sync")).toObject();
        sync.insert(QStringLiteral("jobs"), m_jobs);
        json.insert(QStringLiteral("sync"), sync);
        return json;
    }

    Result<void> Workspace::save(const QString &path, bool overwrite) const
    {
        if (Result<void> valid = validate(path); !valid)
            return valid;
        if (!overwrite && QFileInfo::exists(path))
            return Error{path, QStringLiteral("exists: not replaced"), -1, 0, 0, Error::Kind::Conflict};
        QSaveFile file(path);
        const QByteArray bytes = QJsonDocument(toJson()).toJson(QJsonDocument::Indented);
        if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
            return Error{path, QStringLiteral("cannot write: %1").arg(file.errorString()), -1, 0, 0, Error::Kind::Io};
        return {};
    }

    QString Workspace::stateDatabasePath() const
    {
        return m_filePath + QStringLiteral(".state.sqlite");
    }

    const ServerConfig *Workspace::server(const QString &name) const
    {
        for (const ServerConfig &server : m_servers)
        {
            if (server.name == name)
                return &server;
        }
        return nullptr;
    }

    const ServerConfig &Workspace::primary() const
    {
        for (const ServerConfig &server : m_servers)
        {
            if (server.primary)
                return server;
        }
        return m_servers.first();
    }

    Repository::Credentials Workspace::credentialsFor(const ServerConfig &server) const
    {
        const QString suffix = environmentNameFor(server.name);
        const QString user = qEnvironmentVariable(qPrintable(QStringLiteral("TWINTRUNK_USER_") + suffix));
        const QString password = qEnvironmentVariable(qPrintable(QStringLiteral("TWINTRUNK_PASSWORD_") + suffix));
        return Repository::Credentials{user.isEmpty() ? server.user : user, password.isEmpty() ? server.password : password};
    }
}
