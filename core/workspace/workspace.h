#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

#include "repository/repository.h"
#include "util/result.h"

namespace TwinTrunk
{
    // One Monticello server of the pair (or more).
    struct ServerConfig
    {
        QString name;      // short, used in messages, environment variables and JSON keys
        QUrl url;          // http(s)://... or file:///folder for a directory repository server
        bool primary = false;
        // Only when the admin wrote them into the workspace file (then it must not be world-readable).
        QString user;
        QString password;
    };

    // The workspace file box-admins keep under version control:
    //   {"servers": [{"name": "box2", "url": "https://source.squeak.org/", "primary": true},
    //                {"name": "box4", "url": "http://box4.squeak.org/"}],
    //    "projects": ["trunk", "inbox", "treated"], "sync": {"jobs": 4}}
    // Keys it does not know are kept as they are when the file is written back.
    class Workspace final
    {
    public:
        static Result<Workspace> load(const QString &path);
        static Result<Workspace> fromJson(const QJsonObject &json, const QString &where);
        // Writes the file atomically; refuses to replace an existing file unless `overwrite`.
        Result<void> save(const QString &path, bool overwrite = false) const;
        QJsonObject toJson() const;

        QString filePath() const { return m_filePath; }
        QString stateDatabasePath() const;

        const QList<ServerConfig> &servers() const { return m_servers; }
        const ServerConfig *server(const QString &name) const;
        const ServerConfig &primary() const;
        const QStringList &projects() const { return m_projects; }
        int jobs() const { return m_jobs; }

        // Environment first (TWINTRUNK_USER_<SERVER>, TWINTRUNK_PASSWORD_<SERVER>), then the file.
        Repository::Credentials credentialsFor(const ServerConfig &server) const;
        // Notes for the user: a world-readable file that holds passwords, for instance.
        const QStringList &warnings() const { return m_warnings; }

        void setServers(const QList<ServerConfig> &servers) { m_servers = servers; }
        void setProjects(const QStringList &projects) { m_projects = projects; }
        void setJobs(int jobs) { m_jobs = jobs; }
        // Checks every rule a loaded file must meet; errors name the field.
        Result<void> validate(const QString &where) const;

    private:
        QList<ServerConfig> m_servers;
        QStringList m_projects;
        int m_jobs = 4;
        QJsonObject m_extra;
        QString m_filePath;
        QStringList m_warnings;
    };

    // "box-2.eu" -> "BOX_2_EU": the server's part of an environment variable name.
    QString environmentNameFor(const QString &serverName);
}
