#include "resolution.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QSaveFile>
#include <QTemporaryDir>

#include "inspection.h"
#include "monticello/mczversion.h"
#include "monticello/versionname.h"
#include "repository/repository.h"
#include "sync/syncengine.h"
#include "util/sha256.h"

namespace TwinTrunk::Conflicts
{
    namespace
    {
        struct Servers
        {
            QHash<QString, std::shared_ptr<Repository::Repository>> repositories;
            Repository::Repository &operator[](const QString &name) const { return *repositories.value(name); }
        };

        // Downloads a version and checks that it is the variant expected: readable, the info name of
        // the file name, the id given.
        Result<QByteArray> fetchVariant(Repository::Repository &repository, const QString &project, const QString &fileName,
            const QString &id, const QString &scratch)
        {
            Result<QByteArray> bytes = Repository::fetchBytes(repository, project, fileName, scratch);
            if (!bytes)
                return bytes.error();
            const QString where = QStringLiteral("%1 %2 %3").arg(repository.describe(), project, fileName);
            Result<Monticello::MczVersion> version = Monticello::MczVersion::readBytes(bytes.value(), where, Monticello::MczArchive::Members::Metadata);
            if (!version)
                return version.error();
            if (version->info().name() != fileName.chopped(4))
            {
                return Error{where, QStringLiteral("holds the version %1, not %2").arg(version->info().name(), fileName.chopped(4)),
                    -1, 0, 0, Error::Kind::Invalid};
            }
            if (version->info().id() != id)
            {
                return Error{where, QStringLiteral("holds id %1 now, not %2: it changed since it was listed").arg(version->info().id(), id),
                    -1, 0, 0, Error::Kind::Conflict};
            }
            return bytes;
        }

        QString writeNew(const QString &path, const QByteArray &bytes)
        {
            QSaveFile file(path);
            if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
                return QStringLiteral("%1: cannot write: %2").arg(QDir::toNativeSeparators(path), file.errorString());
            return QString();
        }

        QByteArray sha256(const QByteArray &bytes)
        {
            return Sha256::hex(bytes);
        }

        // Whether a server's answer to a DELETE means "this server does not let names be reused"
        // (403, 405). A wrong password (401) is not a policy: the resolution stops, to be run again.
        bool refusesToDelete(const Error &error)
        {
            return error.kind == Error::Kind::Forbidden || error.kind == Error::Kind::HttpError;
        }
    }

    QJsonObject ResolutionReport::toJson() const
    {
        QJsonArray list;
        for (const ResolutionStep &step : steps)
        {
            list.append(QJsonObject{{QStringLiteral("action"), step.action}, {QStringLiteral("server"), step.server},
                {QStringLiteral("result"), step.result}, {QStringLiteral("detail"), step.detail}});
        }
        return QJsonObject{{QStringLiteral("project"), project}, {QStringLiteral("name"), name}, {QStringLiteral("decision"), decision},
            {QStringLiteral("keep"), keep}, {QStringLiteral("steps"), list}, {QStringLiteral("ok"), ok}, {QStringLiteral("summary"), summary}};
    }

    QString nextFreeName(const QString &fileName, const QSet<QString> &taken)
    {
        const Monticello::VersionName name = Monticello::VersionName::fromFileName(fileName);
        qint64 highest = name.number();
        for (const QString &other : taken)
        {
            const Monticello::VersionName candidate = Monticello::VersionName::fromFileName(other);
            if (candidate.packageAndBranch() == name.packageAndBranch() && candidate.author() == name.author())
                highest = std::max(highest, candidate.number());
        }
        QString next;
        do
            next = Monticello::VersionName::fileNameForInfoName(Monticello::VersionName::compose(name.packageAndBranch(), name.author(), ++highest));
        while (taken.contains(next));
        return next;
    }

    ConflictResolver::ConflictResolver(const Workspace &workspace, State::StateDatabase &state, ProgressLog log)
        : m_workspace(workspace), m_state(state), m_log(std::move(log))
    {
    }

    QString ConflictResolver::quarantineFolder() const
    {
        return m_workspace.quarantinePath();
    }

    void ConflictResolver::step(ResolutionReport &report, const QString &action, const QString &server, const QString &result, const QString &detail)
    {
        report.steps.append(ResolutionStep{action, server, result, detail});
        if (m_log)
            m_log(QStringLiteral("%1%2: %3 (%4)").arg(action, server.isEmpty() ? QString() : u' ' + server, result, detail));
        if (result == u"planned")
            return;
        State::JournalEntry entry;
        entry.operation = QStringLiteral("resolve-") + action;
        entry.project = report.project;
        entry.name = report.name;
        entry.target = server;
        entry.result = result;
        entry.detail = detail;
        if (Result<qint64> journaled = m_state.appendJournal(entry); !journaled)
            report.steps.last().detail += QStringLiteral(" (not journaled: %1)").arg(journaled.error().toString());
    }

    ResolutionReport ConflictResolver::defer(const QString &project, const QString &name, const QString &note)
    {
        ResolutionReport report{project, conflictFileName(name), QStringLiteral("defer"), QString(), {}, false, QString()};
        if (note.trimmed().isEmpty())
        {
            report.summary = QStringLiteral("a deferral needs a note saying why (--note)");
            return report;
        }
        const State::ConflictDecision decision{project, report.name, QStringLiteral("defer"), QString(), QString(), QString(), QDateTime(),
            note, false, QStringLiteral("deferred")};
        if (Result<void> recorded = m_state.recordDecision(decision); !recorded)
        {
            report.summary = recorded.error().toString();
            return report;
        }
        step(report, QStringLiteral("defer"), QString(), QStringLiteral("done"), note);
        report.ok = true;
        report.summary = QStringLiteral("deferred: %1 stays an open conflict, with your note").arg(report.name);
        return report;
    }

    ResolutionReport ConflictResolver::keep(const QString &project, const QString &requestedName, const QString &server, const ResolveOptions &options)
    {
        ResolutionReport report{project, conflictFileName(requestedName), QStringLiteral("keep"), server, {}, false, QString()};
        const QString &name = report.name;
        auto stop = [&report](const QString &why) {
            report.summary = why;
            return report;
        };
        if (!m_workspace.server(server))
            return stop(QStringLiteral("there is no server '%1' in the workspace").arg(server));

        // Where things stand now: who holds which id under the name, and every name in use.
        Sync::SyncEngine engine(m_workspace, m_state, Sync::EngineOptions{});
        Result<Sync::StatusReport> status = engine.status({project});
        if (!status)
            return stop(status.error().toString());
        const Sync::ProjectSnapshot &snapshot = status->projects.constFirst();
        if (!snapshot.unreachable.isEmpty())
        {
            return stop(QStringLiteral("every server must be reachable to resolve a conflict; %1 is not: %2")
                            .arg(snapshot.unreachable.constBegin().key(), snapshot.unreachable.constBegin().value()));
        }
        const Sync::NameRow *row = nullptr;
        QSet<QString> taken;
        for (const Sync::NameRow &each : snapshot.rows)
        {
            taken.insert(each.name);
            if (each.name == name)
                row = &each;
        }

        // A resolution already under way keeps its choice: a rerun resumes it.
        std::optional<State::ConflictDecision> existing;
        if (Result<QList<State::ConflictDecision>> decisions = m_state.decisions(project); decisions)
        {
            for (const State::ConflictDecision &decision : decisions.value())
            {
                if (decision.name == name && decision.decision == u"keep")
                    existing = decision;
            }
        }
        else
        {
            return stop(decisions.error().toString());
        }
        if (existing && existing->chosenServer != server)
            return stop(QStringLiteral("%1 was resolved keeping %2's variant (%3); run it again with --keep %2").arg(name, existing->chosenServer, existing->status));
        Result<QList<State::ConflictRename>> recorded = m_state.renames(project, name);
        if (!recorded)
            return stop(recorded.error().toString());

        QString canonicalId = existing ? existing->chosenId : QString();
        if (canonicalId.isEmpty())
        {
            if (!row || !row->uuids.contains(server))
                return stop(QStringLiteral("%1 does not list %2 %3").arg(server, project, name));
            canonicalId = row->uuids.value(server);
            if (canonicalId.isEmpty())
                return stop(QStringLiteral("the id of %1 on %2 could not be read; try again").arg(name, server));
        }
        QStringList losers;
        for (const State::ConflictRename &rename : recorded.value())
            losers.append(rename.loserId);
        for (const QString &holder : snapshot.servers)
        {
            const QString id = row && row->uuids.contains(holder) ? row->uuids.value(holder) : QString();
            if (!id.isEmpty() && id != canonicalId && !losers.contains(id))
                losers.append(id);
        }
        if (losers.isEmpty() && !existing)
            return stop(QStringLiteral("%1 is not a conflict: every server that lists it has the same id").arg(name));
        QString canonicalHolder;
        for (const QString &holder : snapshot.servers)
        {
            if (row && row->uuids.value(holder) == canonicalId)
            {
                canonicalHolder = holder;
                break;
            }
        }
        if (canonicalHolder.isEmpty())
            return stop(QStringLiteral("no server lists %1 with the chosen id %2 any more").arg(name, canonicalId));

        Servers servers;
        for (const ServerConfig &config : m_workspace.servers())
        {
            servers.repositories.insert(config.name, std::shared_ptr<Repository::Repository>(
                Repository::Repository::create(config.name, config.url, m_workspace.credentialsFor(config))));
        }
        QTemporaryDir scratch;
        const QString planned = options.dryRun ? QStringLiteral("planned") : QString();

        if (!options.dryRun)
        {
            const State::ConflictDecision decision{project, name, QStringLiteral("keep"), server, canonicalId, QString(), QDateTime(),
                options.note.isEmpty() && existing ? existing->note : options.note, options.replace || (existing && existing->replace),
                QStringLiteral("in-progress")};
            if (Result<void> saved = m_state.recordDecision(decision); !saved)
                return stop(saved.error().toString());
        }
        step(report, QStringLiteral("decide"), server, planned.isEmpty() ? QStringLiteral("done") : planned,
            QStringLiteral("keep %1 (id %2) as %3").arg(server, canonicalId, name));

        // Each losing variant: kept, then published under its new name on every server.
        for (const QString &loserId : std::as_const(losers))
        {
            std::optional<State::ConflictRename> rename;
            for (const State::ConflictRename &each : recorded.value())
            {
                if (each.loserId == loserId)
                    rename = each;
            }
            QByteArray original;
            if (!rename)
            {
                QString holder;
                for (const QString &each : snapshot.servers)
                {
                    if (row && row->uuids.value(each) == loserId)
                    {
                        holder = each;
                        break;
                    }
                }
                const QString newName = nextFreeName(name, taken);
                taken.insert(newName);
                const QString path = QDir(quarantineFolder()).filePath(QStringLiteral("%1/%2.%3.mcz").arg(project, name.chopped(4), loserId));
                if (options.dryRun)
                {
                    step(report, QStringLiteral("quarantine"), holder, planned, QStringLiteral("keep the bytes of id %1 as %2").arg(loserId, QDir::toNativeSeparators(path)));
                    step(report, QStringLiteral("rename"), QString(), planned, QStringLiteral("id %1 becomes %2 (info name rewritten, id and ancestry kept)").arg(loserId, newName));
                    for (const ServerConfig &config : m_workspace.servers())
                        step(report, QStringLiteral("publish"), config.name, planned, newName);
                    continue;
                }
                Result<QByteArray> bytes = fetchVariant(servers[holder], project, name, loserId, scratch.path());
                if (!bytes)
                {
                    step(report, QStringLiteral("quarantine"), holder, QStringLiteral("failed"), bytes.error().toString());
                    return stop(QStringLiteral("stopped before keeping the losing variant %1; nothing was published. Run it again").arg(loserId));
                }
                original = bytes.value();
                QDir().mkpath(QFileInfo(path).absolutePath());
                if (QFile::exists(path))
                {
                    QFile kept(path);
                    if (!kept.open(QIODevice::ReadOnly) || sha256(kept.readAll()) != sha256(original))
                        return stop(QStringLiteral("%1 exists with other bytes: not replaced; move it away and run again").arg(QDir::toNativeSeparators(path)));
                }
                else if (const QString error = writeNew(path, original); !error.isEmpty())
                {
                    step(report, QStringLiteral("quarantine"), holder, QStringLiteral("failed"), error);
                    return stop(error);
                }
                step(report, QStringLiteral("quarantine"), holder, QStringLiteral("done"),
                    QStringLiteral("%1 (sha256 %2)").arg(QDir::toNativeSeparators(path), QString::fromLatin1(sha256(original))));
                rename = State::ConflictRename{project, name, loserId, newName, path, sha256(original)};
                if (Result<void> saved = m_state.recordRename(*rename); !saved)
                    return stop(saved.error().toString());
                step(report, QStringLiteral("rename"), QString(), QStringLiteral("done"),
                    QStringLiteral("id %1 becomes %2 (info name rewritten, id and ancestry kept)").arg(loserId, newName));
            }
            else
            {
                QFile kept(rename->quarantinePath);
                if (!kept.open(QIODevice::ReadOnly))
                    return stop(QStringLiteral("the kept bytes of %1 are missing: %2").arg(loserId, QDir::toNativeSeparators(rename->quarantinePath)));
                original = kept.readAll();
                if (sha256(original) != rename->sha256)
                    return stop(QStringLiteral("the kept bytes %1 no longer match their checksum").arg(QDir::toNativeSeparators(rename->quarantinePath)));
                step(report, QStringLiteral("rename"), QString(), options.dryRun ? planned : QStringLiteral("already-done"),
                    QStringLiteral("id %1 is %2").arg(loserId, rename->newName));
                taken.insert(rename->newName);
                if (options.dryRun)
                {
                    for (const ServerConfig &config : m_workspace.servers())
                        step(report, QStringLiteral("publish"), config.name, planned, rename->newName);
                    continue;
                }
            }

            // The losing variant under its new name: only the info name changes.
            Result<Monticello::MczVersion> version = Monticello::MczVersion::readBytes(original, rename->quarantinePath, Monticello::MczArchive::Members::All);
            if (!version)
                return stop(version.error().toString());
            version.value().info().root().name = rename->newName.chopped(4);
            Result<QByteArray> renamed = version.value().toBytes();
            if (!renamed)
                return stop(renamed.error().toString());
            const QString renamedPath = QDir(scratch.path()).filePath(rename->newName);
            if (const QString error = writeNew(renamedPath, renamed.value()); !error.isEmpty())
                return stop(error);
            for (const ServerConfig &config : m_workspace.servers())
            {
                std::unique_ptr<Repository::ResultReply<Repository::UploadResult>> upload(servers[config.name].uploadFile(project, renamedPath, rename->newName));
                Repository::waitForFinished(upload.get());
                if (upload->failed())
                {
                    step(report, QStringLiteral("publish"), config.name, QStringLiteral("failed"), upload->error().toString());
                    return stop(QStringLiteral("stopped while publishing %1; run it again to go on from there").arg(rename->newName));
                }
                step(report, QStringLiteral("publish"), config.name,
                    upload->result().outcome == Repository::UploadResult::Outcome::AlreadyPresent ? QStringLiteral("already-done") : QStringLiteral("done"),
                    rename->newName);
            }
        }

        // The chosen variant under the name: replacing a losing copy where the server allows it,
        // copying it where the name is absent, and saying what stays where neither is possible.
        const bool replace = options.replace || (existing && existing->replace);
        QByteArray canonical;
        QString canonicalPath;
        auto canonicalFile = [&]() -> QString {
            if (!canonicalPath.isEmpty())
                return QString();
            Result<QByteArray> bytes = fetchVariant(servers[canonicalHolder], project, name, canonicalId, scratch.path());
            if (!bytes)
                return bytes.error().toString();
            canonicalPath = QDir(scratch.path()).filePath(QStringLiteral("canonical-") + name);
            return writeNew(canonicalPath, bytes.value());
        };
        for (const QString &holder : snapshot.servers)
        {
            const bool lists = row && row->uuids.contains(holder);
            const QString id = lists ? row->uuids.value(holder) : QString();
            if (lists && id == canonicalId)
                continue;
            if (lists && !replace)
            {
                step(report, QStringLiteral("canonical-elsewhere"), holder, options.dryRun ? planned : QStringLiteral("done"),
                    QStringLiteral("%1 keeps id %2 under %3: images pointed at %1 load that variant by this name; the chosen one is %4 "
                                   "(--replace puts it there where the server permits)").arg(holder, id, name, canonicalId));
                continue;
            }
            if (options.dryRun)
            {
                step(report, lists ? QStringLiteral("replace") : QStringLiteral("copy"), holder, planned,
                    lists ? QStringLiteral("delete id %1, put id %2, verify (if the server permits deleting)").arg(id, canonicalId)
                          : QStringLiteral("put id %1, verify").arg(canonicalId));
                continue;
            }
            if (const QString error = canonicalFile(); !error.isEmpty())
            {
                step(report, QStringLiteral("copy"), canonicalHolder, QStringLiteral("failed"), error);
                return stop(QStringLiteral("could not read the chosen variant; run it again"));
            }
            if (lists)
            {
                // The losing copy's bytes are in the quarantine and under its new name everywhere.
                std::unique_ptr<Repository::ResultReply<bool>> removal(servers[holder].remove(project, name));
                Repository::waitForFinished(removal.get());
                if (removal->failed())
                {
                    if (refusesToDelete(removal->error()))
                    {
                        step(report, QStringLiteral("canonical-elsewhere"), holder, QStringLiteral("refused"),
                            QStringLiteral("%1 does not let %2 be replaced (%3): images pointed at %1 load id %4 by this name")
                                .arg(holder, name, removal->error().message, id));
                        continue;
                    }
                    step(report, QStringLiteral("replace"), holder, QStringLiteral("failed"), removal->error().toString());
                    return stop(QStringLiteral("stopped while replacing %1 on %2; run it again").arg(name, holder));
                }
            }
            std::unique_ptr<Repository::ResultReply<Repository::UploadResult>> upload(servers[holder].uploadFile(project, canonicalPath, name));
            Repository::waitForFinished(upload.get());
            if (upload->failed())
            {
                step(report, lists ? QStringLiteral("replace") : QStringLiteral("copy"), holder, QStringLiteral("failed"), upload->error().toString());
                return stop(QStringLiteral("stopped while putting the chosen %1 on %2; run it again").arg(name, holder));
            }
            step(report, lists ? QStringLiteral("replace") : QStringLiteral("copy"), holder, QStringLiteral("done"),
                QStringLiteral("%1 now holds id %2, verified").arg(name, canonicalId));
        }

        report.ok = true;
        if (options.dryRun)
        {
            report.summary = QStringLiteral("dry run: nothing was changed");
            return report;
        }
        const State::ConflictDecision done{project, name, QStringLiteral("keep"), server, canonicalId, QString(), QDateTime(),
            options.note.isEmpty() && existing ? existing->note : options.note, replace, QStringLiteral("done")};
        if (Result<void> saved = m_state.recordDecision(done); !saved)
            return stop(saved.error().toString());
        report.summary = QStringLiteral("resolved: %1 is %2's variant; the other variants are kept under their new names").arg(name, server);
        return report;
    }
}
