#include "workspace.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSet>

#include <algorithm>

#include "repository/listing.h"
#include "util/duration.h"

namespace TwinTrunk
{
    namespace
    {
        Error fieldError(const QString &where, const QString &field, const QString &message)
        {
            return Error{.where = where, .message = field + QStringLiteral(": ") + message, .kind = Error::Kind::Invalid};
        }

        const QStringList reservedServerNames{QStringLiteral("name"), QStringLiteral("state")};

        // The keys TwinTrunk reads, per object: any other is kept as written, with a warning (a
        // misspelt "pasword" would otherwise be silently ignored).
        const QStringList knownTopLevelKeys{QStringLiteral("servers"), QStringLiteral("projects"), QStringLiteral("sync"), QStringLiteral("repoint"),
            QStringLiteral("health")};
        const QStringList knownServerKeys{QStringLiteral("name"), QStringLiteral("url"), QStringLiteral("primary"), QStringLiteral("user"),
            QStringLiteral("password"), QStringLiteral("upstream")};
        const QStringList knownSyncKeys{QStringLiteral("jobs"), QStringLiteral("every")};
        const QStringList knownRepointKeys{QStringLiteral("publicUrl"), QStringLiteral("frontProxy"), QStringLiteral("command"), QStringLiteral("imageSnippet"),
            QStringLiteral("watchLateCommits"), QStringLiteral("verifyTimeout")};
        const QStringList knownHealthKeys{QStringLiteral("interval"), QStringLiteral("maxBackoff")};

        // Levenshtein distance, for "did you mean": keys are short.
        int editDistance(const QString &a, const QString &b)
        {
            QList<int> row(b.size() + 1);
            for (qsizetype j = 0; j <= b.size(); ++j)
                row[j] = int(j);
            for (qsizetype i = 1; i <= a.size(); ++i)
            {
                int diagonal = row[0];
                row[0] = int(i);
                for (qsizetype j = 1; j <= b.size(); ++j)
                {
                    const int above = row[j];
                    row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a.at(i - 1).toLower() == b.at(j - 1).toLower() ? 0 : 1)});
                    diagonal = above;
                }
            }
            return row[b.size()];
        }

        void warnUnknownKeys(const QJsonObject &object, const QStringList &known, const QString &field, QStringList &warnings)
        {
            for (auto it = object.constBegin(); it != object.constEnd(); ++it)
            {
                if (known.contains(it.key()) || it.key().startsWith(u'$') || it.key().startsWith(u'_'))
                    continue; // "$schema", "_comment": for people
                QString warning = QStringLiteral("unknown key '%1'%2: ignored").arg(it.key(), field.isEmpty() ? QString() : QStringLiteral(" in ") + field);
                for (const QString &candidate : known)
                {
                    if (editDistance(it.key(), candidate) <= 2)
                    {
                        warning += QStringLiteral(" (did you mean '%1'?)").arg(candidate);
                        break;
                    }
                }
                warnings.append(warning);
            }
        }

        Result<CommandConfig> commandFrom(const QJsonValue &value, const QString &where, const QString &field)
        {
            CommandConfig command;
            if (value.isUndefined() || value.isNull())
                return command;
            if (value.isString())
            {
                command.shellLine = value.toString().trimmed();
                return command;
            }
            if (value.isArray())
            {
                for (const QJsonValue &part : value.toArray())
                {
                    if (!part.isString())
                        return fieldError(where, field, QStringLiteral("a command list holds only strings"));
                    command.argv.append(part.toString());
                }
                if (!command.argv.isEmpty() && command.argv.first().isEmpty())
                    return fieldError(where, field, QStringLiteral("the program name is empty"));
                return command;
            }
            return fieldError(where, field, QStringLiteral("must be a shell command line (a string) or a program and its arguments (a list)"));
        }

        Result<qint64> durationFrom(const QJsonObject &object, const QString &key, qint64 fallback, const QString &where, const QString &field)
        {
            const QJsonValue value = object.value(key);
            if (value.isUndefined())
                return fallback;
            const qint64 seconds = value.isDouble() ? qint64(value.toDouble()) : parseDurationSeconds(value.toString());
            if (seconds < 0 || (value.isDouble() && value.toDouble() != double(seconds)))
                return fieldError(where, field, QStringLiteral("must be a duration such as 90s, 15m, 24h"));
            return seconds;
        }

        Result<RepointConfig> repointFrom(const QJsonValue &value, const QString &where)
        {
            RepointConfig config;
            if (value.isUndefined())
                return config;
            if (!value.isObject())
                return fieldError(where, QStringLiteral("repoint"), QStringLiteral("must be an object"));
            const QJsonObject object = value.toObject();
            const QString publicUrl = object.value(QStringLiteral("publicUrl")).toString();
            if (!publicUrl.isEmpty())
            {
                config.publicUrl = QUrl(publicUrl, QUrl::StrictMode);
                if (!config.publicUrl.isValid() || (config.publicUrl.scheme() != u"http" && config.publicUrl.scheme() != u"https"))
                    return fieldError(where, QStringLiteral("repoint.publicUrl"), QStringLiteral("'%1' is not an http(s) URL").arg(publicUrl));
            }
            const QJsonValue proxy = object.value(QStringLiteral("frontProxy"));
            if (!proxy.isUndefined())
            {
                if (!proxy.isObject())
                    return fieldError(where, QStringLiteral("repoint.frontProxy"), QStringLiteral("must be an object with upstreamFile and reload"));
                config.upstreamFile = proxy.toObject().value(QStringLiteral("upstreamFile")).toString();
                if (config.upstreamFile.isEmpty())
                    return fieldError(where, QStringLiteral("repoint.frontProxy.upstreamFile"), QStringLiteral("name the nginx include file to rewrite"));
                Result<CommandConfig> reload =
                    commandFrom(proxy.toObject().value(QStringLiteral("reload")), where, QStringLiteral("repoint.frontProxy.reload"));
                if (!reload)
                    return reload.error();
                if (reload->isEmpty())
                    return fieldError(where, QStringLiteral("repoint.frontProxy.reload"),
                        QStringLiteral("name the command that makes the proxy read the file again"));
                config.reload = reload.value();
            }
            const QJsonValue command = object.value(QStringLiteral("command"));
            if (!command.isUndefined())
            {
                if (!command.isObject())
                    return fieldError(where, QStringLiteral("repoint.command"), QStringLiteral("must be an object with run (and rollback)"));
                Result<CommandConfig> run = commandFrom(command.toObject().value(QStringLiteral("run")), where, QStringLiteral("repoint.command.run"));
                if (!run)
                    return run.error();
                Result<CommandConfig> rollback =
                    commandFrom(command.toObject().value(QStringLiteral("rollback")), where, QStringLiteral("repoint.command.rollback"));
                if (!rollback)
                    return rollback.error();
                if (run->isEmpty())
                    return fieldError(where, QStringLiteral("repoint.command.run"), QStringLiteral("name the command to run"));
                config.command = run.value();
                config.rollback = rollback.value();
            }
            config.imageSnippet = object.value(QStringLiteral("imageSnippet")).toString();
            Result<qint64> watch =
                durationFrom(object, QStringLiteral("watchLateCommits"), config.watchLateCommitsSeconds, where, QStringLiteral("repoint.watchLateCommits"));
            if (!watch)
                return watch.error();
            config.watchLateCommitsSeconds = watch.value();
            Result<qint64> verify =
                durationFrom(object, QStringLiteral("verifyTimeout"), config.verifyTimeoutSeconds, where, QStringLiteral("repoint.verifyTimeout"));
            if (!verify)
                return verify.error();
            config.verifyTimeoutSeconds = verify.value();
            return config;
        }

        Result<HealthConfig> healthFrom(const QJsonValue &value, const QString &where)
        {
            HealthConfig config;
            if (value.isUndefined())
                return config;
            if (!value.isObject())
                return fieldError(where, QStringLiteral("health"), QStringLiteral("must be an object"));
            Result<qint64> interval =
                durationFrom(value.toObject(), QStringLiteral("interval"), config.intervalSeconds, where, QStringLiteral("health.interval"));
            if (!interval)
                return interval.error();
            Result<qint64> backoff =
                durationFrom(value.toObject(), QStringLiteral("maxBackoff"), config.maxBackoffSeconds, where, QStringLiteral("health.maxBackoff"));
            if (!backoff)
                return backoff.error();
            if (interval.value() < 1)
                return fieldError(where, QStringLiteral("health.interval"), QStringLiteral("must be at least 1s"));
            config.intervalSeconds = interval.value();
            config.maxBackoffSeconds = std::max(backoff.value(), interval.value());
            return config;
        }
    }

    namespace
    {
        // Puts `value` under `key`, or takes the key out when the value is empty (undefined, null,
        // "", {} or []).
        void setOrRemove(QJsonObject &object, const QString &key, const QJsonValue &value)
        {
            const bool empty = value.isUndefined() || value.isNull() || (value.isString() && value.toString().isEmpty())
                || (value.isObject() && value.toObject().isEmpty()) || (value.isArray() && value.toArray().isEmpty());
            if (empty)
                object.remove(key);
            else
                object.insert(key, value);
        }

        QJsonValue commandJson(const CommandConfig &command)
        {
            if (!command.shellLine.isEmpty())
                return command.shellLine;
            return command.argv.isEmpty() ? QJsonValue() : QJsonValue(QJsonArray::fromStringList(command.argv));
        }

        // The fields of `now` that differ from `loaded`, written into `object` (as read), the
        // others left as the admin wrote them.
        QJsonObject healthJson(QJsonObject object, const HealthConfig &loaded, const HealthConfig &now)
        {
            if (now.intervalSeconds != loaded.intervalSeconds)
                object.insert(QStringLiteral("interval"), formatDurationSeconds(now.intervalSeconds));
            if (now.maxBackoffSeconds != loaded.maxBackoffSeconds)
                object.insert(QStringLiteral("maxBackoff"), formatDurationSeconds(now.maxBackoffSeconds));
            return object;
        }

        QJsonObject repointJson(QJsonObject object, const RepointConfig &loaded, const RepointConfig &now)
        {
            if (now.publicUrl != loaded.publicUrl)
                setOrRemove(object, QStringLiteral("publicUrl"), now.publicUrl.toString());
            if (now.upstreamFile != loaded.upstreamFile || now.reload != loaded.reload)
            {
                QJsonObject proxy = object.value(QStringLiteral("frontProxy")).toObject();
                setOrRemove(proxy, QStringLiteral("upstreamFile"), now.upstreamFile);
                if (now.reload != loaded.reload)
                    setOrRemove(proxy, QStringLiteral("reload"), commandJson(now.reload));
                setOrRemove(object, QStringLiteral("frontProxy"), now.upstreamFile.isEmpty() && now.reload.isEmpty() ? QJsonValue() : QJsonValue(proxy));
            }
            if (now.command != loaded.command || now.rollback != loaded.rollback)
            {
                QJsonObject command = object.value(QStringLiteral("command")).toObject();
                if (now.command != loaded.command)
                    setOrRemove(command, QStringLiteral("run"), commandJson(now.command));
                if (now.rollback != loaded.rollback)
                    setOrRemove(command, QStringLiteral("rollback"), commandJson(now.rollback));
                setOrRemove(object, QStringLiteral("command"), now.command.isEmpty() && now.rollback.isEmpty() ? QJsonValue() : QJsonValue(command));
            }
            if (now.imageSnippet != loaded.imageSnippet)
                setOrRemove(object, QStringLiteral("imageSnippet"), now.imageSnippet);
            if (now.watchLateCommitsSeconds != loaded.watchLateCommitsSeconds)
                object.insert(QStringLiteral("watchLateCommits"), formatDurationSeconds(now.watchLateCommitsSeconds));
            if (now.verifyTimeoutSeconds != loaded.verifyTimeoutSeconds)
                object.insert(QStringLiteral("verifyTimeout"), formatDurationSeconds(now.verifyTimeoutSeconds));
            return object;
        }
    }

    QString ServerConfig::upstreamAddress() const
    {
        if (!upstream.isEmpty())
            return upstream;
        const int port = url.port(url.scheme() == u"https" ? 443 : 80);
        return QStringLiteral("%1:%2").arg(url.host()).arg(port);
    }

    QString Workspace::resolvePath(const QString &path) const
    {
        if (path.isEmpty() || QDir::isAbsolutePath(path))
            return path;
        return QDir::cleanPath(QFileInfo(m_filePath).absoluteDir().filePath(path));
    }

    Result<void> Workspace::requireProject(const QString &project) const
    {
        if (m_projects.contains(project))
            return {};
        return Error{.where = m_filePath, .message = QStringLiteral("no project '%1' in the workspace").arg(project), .kind = Error::Kind::NotFound};
    }

    bool Workspace::setPrimary(const QString &server)
    {
        if (!this->server(server))
            return false;
        for (ServerConfig &config : m_servers)
            config.primary = config.name == server;
        return true;
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
            return Error{.where = path,
                .message = QStringLiteral("no workspace file here (create one with 'twintrunkctl init')"),
                .kind = Error::Kind::NotFound};
        if (!file.open(QIODevice::ReadOnly))
            return Error{.where = path, .message = QStringLiteral("cannot read: %1").arg(file.errorString()), .kind = Error::Kind::Io};
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
        if (parseError.error != QJsonParseError::NoError)
            return Error{.where = path,
                .message = QStringLiteral("not valid JSON: %1").arg(parseError.errorString()),
                .offset = parseError.offset,
                .kind = Error::Kind::Invalid};
        if (!document.isObject())
            return Error{.where = path, .message = QStringLiteral("the workspace must be a JSON object"), .kind = Error::Kind::Invalid};

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
                                                               "chmod 600 it, or use TWINTRUNK_PASSWORD_<SERVER>")
                                                    .arg(path));
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
        // "sync" (its "every" and unknown keys; "jobs" is written from m_jobs), "repoint" and "health"
        // stay in m_extra: read here, written back exactly as the admin wrote them.

        warnUnknownKeys(json, knownTopLevelKeys, QString(), workspace.m_warnings);
        for (const auto &[key, known] : {std::pair{QStringLiteral("sync"), knownSyncKeys}, std::pair{QStringLiteral("repoint"), knownRepointKeys},
                 std::pair{QStringLiteral("health"), knownHealthKeys}})
        {
            if (json.value(key).isObject())
                warnUnknownKeys(json.value(key).toObject(), known, key, workspace.m_warnings);
        }
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
            server.upstream = entry.value(QStringLiteral("upstream")).toString();
            static const QRegularExpression hostPort(QStringLiteral("^[A-Za-z0-9.:\\[\\]_-]+:\\d{1,5}$"));
            if (!server.upstream.isEmpty() && !hostPort.match(server.upstream).hasMatch())
                return fieldError(where, field + QStringLiteral(".upstream"), QStringLiteral("'%1' is not host:port").arg(server.upstream));
            server.extra = entry;
            for (const QString &known : knownServerKeys)
                server.extra.remove(known);
            warnUnknownKeys(entry, knownServerKeys, field, workspace.m_warnings);
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
            Result<qint64> every = durationFrom(sync.toObject(), QStringLiteral("every"), 0, where, QStringLiteral("sync.every"));
            if (!every)
                return every.error();
            workspace.m_syncEverySeconds = every.value();
        }
        Result<RepointConfig> repoint = repointFrom(json.value(QStringLiteral("repoint")), where);
        if (!repoint)
            return repoint.error();
        workspace.m_repoint = repoint.value();
        Result<HealthConfig> health = healthFrom(json.value(QStringLiteral("health")), where);
        if (!health)
            return health.error();
        workspace.m_health = health.value();
        workspace.m_loadedSyncEverySeconds = workspace.m_syncEverySeconds;
        workspace.m_loadedRepoint = workspace.m_repoint;
        workspace.m_loadedHealth = workspace.m_health;
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
            // "http:/host" parses as a URL without a host: a typo, never a server.
            if (scheme != u"file" && (server.url.host().isEmpty() || !server.url.toString().startsWith(scheme + QStringLiteral("://"))))
                return fieldError(where, field + QStringLiteral(".url"),
                    QStringLiteral("'%1' names no host: write %2://host/path").arg(server.url.toString(), scheme));
            if (scheme == u"file" && server.url.toLocalFile().isEmpty())
                return fieldError(where, field + QStringLiteral(".url"), QStringLiteral("'%1' names no folder").arg(server.url.toString()));
            // Passwords come from TWINTRUNK_USER_<NAME>: two names must not share one variable.
            const QString variable = environmentNameFor(server.name);
            for (qsizetype j = 0; j < i; ++j)
            {
                if (environmentNameFor(m_servers.at(j).name) == variable)
                {
                    return fieldError(where, field + QStringLiteral(".name"),
                        QStringLiteral("'%1' and '%2' would share the credential variables "
                                       "TWINTRUNK_USER_%3 and TWINTRUNK_PASSWORD_%3: rename one")
                            .arg(m_servers.at(j).name, server.name, variable));
                }
            }
            if (!server.url.userInfo().isEmpty())
                return fieldError(where, field + QStringLiteral(".url"),
                    QStringLiteral("put no user or password in the URL; use user/password or the environment"));
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
        if (m_syncEverySeconds != 0 && m_syncEverySeconds < MinimumSyncEverySeconds)
            return fieldError(where, QStringLiteral("sync.every"),
                QStringLiteral("must be at least %1s, or absent for replication only when asked").arg(MinimumSyncEverySeconds));
        return {};
    }

    QJsonObject Workspace::toJson() const
    {
        QJsonObject json = m_extra;
        QJsonArray servers;
        for (const ServerConfig &server : m_servers)
        {
            QJsonObject entry = server.extra;
            entry.insert(QStringLiteral("name"), server.name);
            entry.insert(QStringLiteral("url"), server.url.toString());
            if (!server.upstream.isEmpty())
                entry.insert(QStringLiteral("upstream"), server.upstream);
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
        if (m_syncEverySeconds != m_loadedSyncEverySeconds)
            setOrRemove(sync, QStringLiteral("every"), m_syncEverySeconds > 0 ? QJsonValue(formatDurationSeconds(m_syncEverySeconds)) : QJsonValue());
        json.insert(QStringLiteral("sync"), sync);
        if (m_health != m_loadedHealth)
            setOrRemove(json, QStringLiteral("health"), healthJson(json.value(QStringLiteral("health")).toObject(), m_loadedHealth, m_health));
        if (m_repoint != m_loadedRepoint)
            setOrRemove(json, QStringLiteral("repoint"), repointJson(json.value(QStringLiteral("repoint")).toObject(), m_loadedRepoint, m_repoint));
        return json;
    }

    Result<void> Workspace::save(const QString &path, bool overwrite) const
    {
        // Exactly as twintrunkctl will read it back: what a setter put in must parse.
        if (Result<Workspace> reread = fromJson(toJson(), path); !reread)
            return reread.error();
        if (!overwrite && QFileInfo::exists(path))
            return Error{.where = path, .message = QStringLiteral("exists: not replaced"), .kind = Error::Kind::Conflict};
        QSaveFile file(path);
        const QByteArray bytes = QJsonDocument(toJson()).toJson(QJsonDocument::Indented);
        if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
            return Error{.where = path, .message = QStringLiteral("cannot write: %1").arg(file.errorString()), .kind = Error::Kind::Io};
        return {};
    }

    QString Workspace::stateDatabasePath() const
    {
        return m_filePath + QStringLiteral(".state.sqlite");
    }

    QString Workspace::quarantinePath() const
    {
        return stateDatabasePath() + QStringLiteral(".quarantine");
    }

    QString Workspace::scratchPath() const
    {
        if (m_filePath.isEmpty())
            return QDir(QDir::tempPath()).filePath(QStringLiteral("twintrunk-scratch"));
        return m_filePath + QStringLiteral(".scratch");
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

    void Workspace::setSessionCredentials(const QString &server, const Repository::Credentials &credentials)
    {
        if (credentials.isEmpty())
            m_sessionCredentials.remove(server);
        else
            m_sessionCredentials.insert(server, credentials);
    }

    Repository::Credentials Workspace::credentialsFor(const ServerConfig &server) const
    {
        if (const auto session = m_sessionCredentials.constFind(server.name); session != m_sessionCredentials.cend())
            return session.value();
        const QString suffix = environmentNameFor(server.name);
        const QString user = qEnvironmentVariable(qPrintable(QStringLiteral("TWINTRUNK_USER_") + suffix));
        const QString password = qEnvironmentVariable(qPrintable(QStringLiteral("TWINTRUNK_PASSWORD_") + suffix));
        return Repository::Credentials{user.isEmpty() ? server.user : user, password.isEmpty() ? server.password : password};
    }
}
