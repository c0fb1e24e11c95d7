#pragma once

#include <QHash>
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
        QString name; // short, used in messages, environment variables and JSON keys
        QUrl url;     // http(s)://... or file:///folder for a directory repository server
        bool primary = false;
        // Only when the admin wrote them into the workspace file (then it must not be world-readable).
        QString user;
        QString password;
        // "host:port" a front proxy forwards to when this server is primary; empty: the URL's.
        QString upstream;
        QJsonObject extra; // keys TwinTrunk does not know, written back as they were

        // The address for a front proxy's upstream include: `upstream`, or the URL's host:port.
        QString upstreamAddress() const;
    };

    // A command the admin configured: a JSON string runs through the system shell (/bin/sh -c,
    // cmd /c), a JSON list runs that program with those arguments and no shell.
    struct CommandConfig
    {
        QString shellLine;
        QStringList argv;
        bool isEmpty() const { return shellLine.isEmpty() && argv.isEmpty(); }
        QString display() const { return shellLine.isEmpty() ? argv.join(u' ') : shellLine; }
        bool operator==(const CommandConfig &) const = default;
    };

    // How to make another server the primary ("repoint" in the workspace file):
    //   {"publicUrl": "https://source.squeak.org/",
    //    "frontProxy": {"upstreamFile": "/etc/nginx/twintrunk-upstream.conf", "reload": "systemctl reload nginx"},
    //    "command": {"run": "/usr/local/bin/move-dns", "rollback": "/usr/local/bin/move-dns --back"},
    //    "imageSnippet": "repoint.st", "watchLateCommits": "24h"}
    // Relative paths are relative to the workspace file.
    struct RepointConfig
    {
        QUrl publicUrl;         // the URL images use: verified after the actions
        QString upstreamFile;   // an nginx include rewritten to "server <new primary>;"
        CommandConfig reload;   // run after the include is rewritten (and after it is restored)
        CommandConfig command;  // run with OLD_PRIMARY, NEW_PRIMARY and their URLs in the environment
        CommandConfig rollback; // run, with the same environment, to undo `command`
        QString imageSnippet;   // the Smalltalk an image evaluates to follow the move
        qint64 watchLateCommitsSeconds = 24 * 3600;
        qint64 verifyTimeoutSeconds = 30;
        bool operator==(const RepointConfig &) const = default;
    };

    struct HealthConfig
    {
        qint64 intervalSeconds = 60;    // between probes of a server that is up
        qint64 maxBackoffSeconds = 900; // the longest wait between probes of a server that is down
        bool operator==(const HealthConfig &) const = default;
    };

    // The workspace file box-admins keep under version control:
    //   {"servers": [{"name": "box2", "url": "https://source.squeak.org/", "primary": true},
    //                {"name": "box4", "url": "http://box4.squeak.org/"}],
    //    "projects": ["trunk", "inbox", "treated"], "sync": {"jobs": 4, "every": "15m"}}
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
        // The root of the sync engine's scratch folders (downloads on their way), beside the state
        // database: a killed run's partial files are cleaned by the next (see Sync::ScratchFolder).
        QString scratchPath() const;
        // Where bytes taken off a server by a decision are kept (a conflict's losing variant, a
        // repaired copy's damaged bytes), checksummed, beside the state database.
        QString quarantinePath() const;

        const QList<ServerConfig> &servers() const { return m_servers; }
        const ServerConfig *server(const QString &name) const;
        const ServerConfig &primary() const;
        const QStringList &projects() const { return m_projects; }
        // An error naming the workspace file when it has no such project.
        Result<void> requireProject(const QString &project) const;
        int jobs() const { return m_jobs; }
        // The console's replication schedule ("sync.every"): 0 when it replicates only when asked.
        // On a server, `twintrunkctl sync --every` is the same thing without a window.
        qint64 syncEverySeconds() const { return m_syncEverySeconds; }
        static constexpr qint64 MinimumSyncEverySeconds = 60;
        const RepointConfig &repoint() const { return m_repoint; }
        const HealthConfig &health() const { return m_health; }
        // A path from the workspace file, absolute (relative ones are relative to the file).
        QString resolvePath(const QString &path) const;

        // The credentials the person gave this session (the console, from the OS keychain), then the
        // environment (TWINTRUNK_USER_<SERVER>, TWINTRUNK_PASSWORD_<SERVER>), then the file.
        Repository::Credentials credentialsFor(const ServerConfig &server) const;
        // Never written to the file; empty credentials forget them.
        void setSessionCredentials(const QString &server, const Repository::Credentials &credentials);
        // Notes for the user: a world-readable file that holds passwords, for instance.
        const QStringList &warnings() const { return m_warnings; }

        // Typed setters (the settings form uses them). save() writes what changed in its canonical
        // form ("15m", a command as a string or a list) and leaves what did not as the admin wrote it.
        void setServers(const QList<ServerConfig> &servers) { m_servers = servers; }
        void setProjects(const QStringList &projects) { m_projects = projects; }
        void setJobs(int jobs) { m_jobs = jobs; }
        void setSyncEverySeconds(qint64 seconds) { m_syncEverySeconds = seconds; }
        void setRepoint(const RepointConfig &repoint) { m_repoint = repoint; }
        void setHealth(const HealthConfig &health) { m_health = health; }
        // Makes `server` the only primary; false when there is no such server.
        bool setPrimary(const QString &server);
        // Checks every rule a loaded file must meet; errors name the field.
        Result<void> validate(const QString &where) const;

    private:
        QList<ServerConfig> m_servers;
        QStringList m_projects;
        int m_jobs = 4;
        qint64 m_syncEverySeconds = 0;
        RepointConfig m_repoint;
        HealthConfig m_health;
        QJsonObject m_extra; // the file's other keys, and "sync", "repoint" and "health" as written
        // What "sync.every", "repoint" and "health" said when read: toJson() rewrites only what differs.
        qint64 m_loadedSyncEverySeconds = 0;
        RepointConfig m_loadedRepoint;
        HealthConfig m_loadedHealth;
        QHash<QString, Repository::Credentials> m_sessionCredentials; // server -> from the console
        QString m_filePath;
        QStringList m_warnings;
    };

    // "box-2.eu" -> "BOX_2_EU": the server's part of an environment variable name.
    QString environmentNameFor(const QString &serverName);
}
