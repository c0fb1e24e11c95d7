#include "resolution.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QTemporaryDir>

#include "inspection.h"
#include "monticello/mczversion.h"
#include "monticello/versionname.h"
#include "repository/repository.h"
#include "sync/syncengine.h"
#include "util/durablefile.h"
#include "util/logging.h"
#include "util/sha256.h"

namespace TwinTrunk::Conflicts
{
    namespace
    {
        // Downloads a variant and checks that it is the one expected: a version that is readable, has
        // the info name of the file name and the id given; an update map whose bytes are the id.
        Task<Result<QByteArray>> fetchVariant(Repository::Repository &repository, QString project, QString fileName, QString id, QString scratch)
        {
            Result<QByteArray> bytes = co_await Repository::fetchBytes(repository, project, fileName, scratch);
            if (!bytes)
                co_return bytes.error();
            const QString where = QStringLiteral("%1 %2 %3").arg(repository.describe(), project, fileName);
            if (fileName.endsWith(QStringLiteral(".mcm")))
            {
                const QString found = QStringLiteral("sha256:") + QString::fromLatin1(Sha256::hex(bytes.value()));
                if (found != id)
                    co_return Error{.where = where,
                        .message = QStringLiteral("holds %1 now, not %2: it changed since it was listed").arg(found, id),
                        .kind = Error::Kind::Conflict};
                co_return bytes;
            }
            Result<Monticello::MczVersion> version = Monticello::MczVersion::readBytes(bytes.value(), where, Monticello::MczArchive::Members::Metadata);
            if (!version)
                co_return version.error();
            if (version->info().name() != fileName.chopped(4))
            {
                co_return Error{.where = where,
                    .message = QStringLiteral("holds the version %1, not %2").arg(version->info().name(), fileName.chopped(4)),
                    .kind = Error::Kind::Invalid};
            }
            if (version->info().id() != id)
            {
                co_return Error{.where = where,
                    .message = QStringLiteral("holds id %1 now, not %2: it changed since it was listed").arg(version->info().id(), id),
                    .kind = Error::Kind::Conflict};
            }
            co_return bytes;
        }

        QByteArray sha256(const QByteArray &bytes)
        {
            return Sha256::hex(bytes);
        }
    }

    QJsonObject ResolutionReport::toJson() const
    {
        QJsonArray list;
        for (const ResolutionStep &step : steps)
        {
            list.append(QJsonObject{{QStringLiteral("action"), step.action}, {QStringLiteral("server"), step.server}, {QStringLiteral("result"), step.result},
                {QStringLiteral("detail"), step.detail}});
        }
        return QJsonObject{{QStringLiteral("project"), project}, {QStringLiteral("name"), name}, {QStringLiteral("decision"), decision},
            {QStringLiteral("keep"), keep}, {QStringLiteral("steps"), list}, {QStringLiteral("ok"), ok}, {QStringLiteral("summary"), summary},
            {QStringLiteral("newNames"), QJsonArray::fromStringList(newNames())}};
    }

    QStringList ResolutionReport::newNames() const
    {
        QStringList names;
        for (const RenamedVariant &variant : renamed)
        {
            if (!variant.newName.isEmpty() && !names.contains(variant.newName))
                names.append(variant.newName);
        }
        return names;
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
    {}

    QString ConflictResolver::quarantineFolder() const
    {
        return m_workspace.quarantinePath();
    }

    void ConflictResolver::step(ResolutionReport &report, const QString &action, const QString &server, const QString &result, const QString &detail)
    {
        report.steps.append(ResolutionStep{action, server, result, detail});
        qCInfo(Log::conflicts).noquote() << report.project << report.name << action << server << result << detail;
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
        ResolutionReport report{.project = project, .name = conflictFileName(name), .decision = QStringLiteral("defer")};
        if (note.trimmed().isEmpty())
        {
            report.summary = QStringLiteral("a deferral needs a note saying why (--note)");
            return report;
        }
        const State::ConflictDecision decision{.project = project,
            .name = report.name,
            .decision = QStringLiteral("defer"),
            .note = note,
            .status = QStringLiteral("deferred")};
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

    Task<ResolutionReport> ConflictResolver::keep(QString project, QString requestedName, QString server, ResolveOptions options)
    {
        ResolutionReport report{.project = project,
            .name = conflictFileName(requestedName),
            .decision = QStringLiteral("keep"),
            .keep = server,
            .dryRun = options.dryRun};
        auto stop = [&report](const QString &why) {
            report.summary = why;
            return report;
        };
        if (!m_workspace.server(server))
            co_return stop(QStringLiteral("there is no server '%1' in the workspace").arg(server));

        // Where things stand now: who holds which id under the name, and every name in use.
        Sync::SyncEngine engine(m_workspace, m_state, Sync::EngineOptions{});
        const QStringList projects{project}; // not a braced list in the co_await: GCC 12 cannot keep its array
        const Result<Sync::StatusReport> status = co_await engine.status(projects);
        if (!status)
            co_return stop(status.error().toString());
        Result<KeepPlan> plan = planKeep(status->projects.constFirst(), report.name, server, options);
        if (!plan)
            co_return stop(plan.error().message);
        report.keptId = plan->canonicalId;
        report.replace = plan->replace;

        Servers servers;
        for (const ServerConfig &config : m_workspace.servers())
        {
            servers.repositories.insert(config.name,
                std::shared_ptr<Repository::Repository>(Repository::Repository::create(config.name, config.url, m_workspace.credentialsFor(config))));
        }
        QTemporaryDir scratch;
        // The decision is recorded before any step (a rerun resumes it) and marked done after the last.
        const auto keepDecision = [&](const QString &progress) {
            return State::ConflictDecision{.project = project,
                .name = report.name,
                .decision = QStringLiteral("keep"),
                .chosenServer = server,
                .chosenId = plan->canonicalId,
                .note = plan->note,
                .replace = plan->replace,
                .status = progress};
        };
        if (!options.dryRun)
        {
            if (Result<void> saved = m_state.recordDecision(keepDecision(QStringLiteral("in-progress"))); !saved)
                co_return stop(saved.error().toString());
        }
        step(report, QStringLiteral("decide"), server, options.dryRun ? QStringLiteral("planned") : QStringLiteral("done"),
            QStringLiteral("keep %1 (id %2) as %3").arg(server, plan->canonicalId, report.name));

        // Each losing variant: kept, then (a version) published under its new name on every server.
        for (const QString &loserId : std::as_const(plan->losers))
        {
            if (!co_await keepLoser(report, plan.value(), loserId, servers, scratch.path(), options.dryRun))
                co_return report;
        }
        // The chosen variant under the name, on every server where that is possible.
        if (!co_await placeCanonical(report, plan.value(), servers, scratch.path(), options.dryRun))
            co_return report;

        report.ok = true;
        if (options.dryRun)
            co_return stop(QStringLiteral("dry run: nothing was changed"));
        if (Result<void> saved = m_state.recordDecision(keepDecision(QStringLiteral("done"))); !saved)
            co_return stop(saved.error().toString());
        // Where images still load another variant under the name: it is not the same everywhere.
        const bool map = plan->isUpdateMap;
        QString stillServed;
        for (const NameOnServer &each : std::as_const(report.underName))
        {
            const QString own = (map ? QStringLiteral("its own map (%1)") : QStringLiteral("its own variant (%1)"))
                                    .arg(QString(each.listed).remove(QStringLiteral("sha256:")).left(8));
            if (each.fate == NameOnServer::Fate::Stays)
                stillServed += QStringLiteral("; %1 still serves %2 as %3 (--replace puts %4's there)").arg(each.server, own, report.name, server);
            else if (each.fate == NameOnServer::Fate::Refused)
                stillServed += QStringLiteral("; %1 still serves %2 as %3: it does not let a file be replaced").arg(each.server, own, report.name);
        }
        if (plan->isUpdateMap)
        {
            report.summary =
                QStringLiteral("resolved: %1 is %2's map; the other maps' bytes are kept in the quarantine").arg(report.name, server) + stillServed;
            co_return report;
        }
        // The result names each new name: where the other variants are now.
        QStringList renamed;
        for (const RenamedVariant &variant : std::as_const(report.renamed))
        {
            renamed.append(variant.server.isEmpty() ? QStringLiteral("the variant %1 is now %2").arg(variant.id.left(8), variant.newName)
                                                    : QStringLiteral("%1's variant is now %2").arg(variant.server, variant.newName));
        }
        report.summary = QStringLiteral("resolved: %1 is %2's variant; %3 on every server").arg(report.name, server, renamed.join(QStringLiteral(", ")));
        report.summary += stillServed;
        co_return report;
    }

    Result<ConflictResolver::KeepPlan> ConflictResolver::planKeep(const Sync::ProjectSnapshot &snapshot, const QString &name, const QString &server,
        const ResolveOptions &options) const
    {
        auto refuse = [](const QString &why) { return Error{QString(), why}; };
        if (!snapshot.unreachable.isEmpty())
        {
            return refuse(QStringLiteral("every server must be reachable to resolve a conflict; %1 is not: %2")
                              .arg(snapshot.unreachable.constBegin().key(), snapshot.unreachable.constBegin().value()));
        }
        KeepPlan plan;
        plan.project = snapshot.project;
        plan.name = name;
        plan.servers = snapshot.servers;
        plan.isUpdateMap = name.endsWith(QStringLiteral(".mcm"));
        for (const Sync::NameRow &each : snapshot.rows)
        {
            plan.taken.insert(each.name);
            if (each.name == name)
                plan.row = each;
        }

        // A resolution already under way keeps its choice: a rerun resumes it.
        std::optional<State::ConflictDecision> existing;
        Result<QList<State::ConflictDecision>> decisions = m_state.decisions(plan.project);
        if (!decisions)
            return refuse(decisions.error().toString());
        for (const State::ConflictDecision &decision : decisions.value())
        {
            if (decision.name == name && decision.decision == u"keep")
                existing = decision;
        }
        if (existing && existing->chosenServer != server)
            return refuse(
                QStringLiteral("%1 was resolved keeping %2's variant (%3); run it again with --keep %2").arg(name, existing->chosenServer, existing->status));
        Result<QList<State::ConflictRename>> recorded = m_state.renames(plan.project, name);
        if (!recorded)
            return refuse(recorded.error().toString());
        plan.recorded = recorded.value();
        plan.replace = options.replace || (existing && existing->replace);
        plan.note = options.note.isEmpty() && existing ? existing->note : options.note;

        plan.canonicalId = existing ? existing->chosenId : QString();
        if (plan.canonicalId.isEmpty())
        {
            if (!plan.row.uuids.contains(server))
                return refuse(QStringLiteral("%1 does not list %2 %3").arg(server, plan.project, name));
            plan.canonicalId = plan.row.uuids.value(server);
            if (plan.canonicalId.isEmpty())
                return refuse(QStringLiteral("the id of %1 on %2 could not be read; try again").arg(name, server));
        }
        // A copy whose id could not be read is a variant nobody has seen: it could not be kept in the
        // quarantine, so it must not be replaced, and the name must not count as decided while it
        // is unknown. Refused before anything is recorded or changed.
        for (const QString &holder : plan.servers)
        {
            if (plan.row.uuids.contains(holder) && plan.row.uuids.value(holder).isEmpty())
            {
                return refuse(QStringLiteral("the id of %1 on %2 could not be read: its bytes cannot be kept, so it is not resolved (nothing was "
                                             "changed); check that copy (twintrunkctl probe), then run it again")
                                  .arg(name, holder));
            }
        }
        for (const State::ConflictRename &rename : plan.recorded)
            plan.losers.append(rename.loserId);
        for (const QString &holder : plan.servers)
        {
            const QString id = plan.row.uuids.value(holder);
            if (!id.isEmpty() && id != plan.canonicalId && !plan.losers.contains(id))
                plan.losers.append(id);
        }
        if (plan.losers.isEmpty() && !existing)
            return refuse(QStringLiteral("%1 is not a conflict: every server that lists it has the same id").arg(name));
        for (const QString &holder : plan.servers)
        {
            if (plan.row.uuids.contains(holder) && plan.row.uuids.value(holder) == plan.canonicalId)
            {
                plan.canonicalHolder = holder;
                break;
            }
        }
        if (plan.canonicalHolder.isEmpty())
            return refuse(QStringLiteral("no server lists %1 with the chosen id %2 any more").arg(name, plan.canonicalId));
        return plan;
    }

    QString ConflictResolver::holderOf(const KeepPlan &plan, const QString &loserId)
    {
        for (const QString &server : plan.servers)
        {
            if (plan.row.uuids.value(server) == loserId)
                return server;
        }
        return QString();
    }

    Result<QByteArray> ConflictResolver::keptBytes(const State::ConflictRename &rename)
    {
        const QString where = QDir::toNativeSeparators(rename.quarantinePath);
        QFile kept(rename.quarantinePath);
        if (!kept.open(QIODevice::ReadOnly))
            return Error{.where = where, .message = QStringLiteral("the kept bytes of %1 are missing").arg(rename.loserId), .kind = Error::Kind::Io};
        const QByteArray bytes = kept.readAll();
        if (sha256(bytes) != rename.sha256)
            return Error{.where = where,
                .message = QStringLiteral("the kept bytes of %1 no longer match their checksum").arg(rename.loserId),
                .kind = Error::Kind::Damaged};
        return bytes;
    }

    Task<bool> ConflictResolver::keepLoser(ResolutionReport &report, KeepPlan &plan, QString loserId, const Servers &servers, QString scratch, bool dryRun)
    {
        const QString &name = plan.name;
        const QString planned = QStringLiteral("planned");
        std::optional<State::ConflictRename> rename;
        for (const State::ConflictRename &each : std::as_const(plan.recorded))
        {
            if (each.loserId == loserId)
                rename = each;
        }
        QByteArray original;
        if (!rename)
        {
            const QString holder = holderOf(plan, loserId);
            if (holder.isEmpty() || !servers.repositories.contains(holder))
            {
                report.summary = QStringLiteral("no server lists the variant %1 of %2 any more; nothing was published").arg(loserId, name);
                co_return false;
            }
            // An update map is never republished under a new name: it would become the newest map of
            // its series, and every updating image would follow it. Its bytes are kept.
            const QString newName = plan.isUpdateMap ? QString() : nextFreeName(name, plan.taken);
            if (!newName.isEmpty())
                plan.taken.insert(newName);
            const QString path = QDir(quarantineFolder())
                                     .filePath(QStringLiteral("%1/%2.%3.%4")
                                                   .arg(plan.project, name.chopped(4), QString(loserId).replace(u':', u'-'),
                                                       plan.isUpdateMap ? QStringLiteral("mcm") : QStringLiteral("mcz")));
            const RenamedVariant renamed{.id = loserId, .server = holder, .newName = newName};
            if (dryRun)
            {
                report.renamed.append(renamed);
                step(report, QStringLiteral("quarantine"), holder, planned,
                    QStringLiteral("keep the bytes of id %1 as %2").arg(loserId, QDir::toNativeSeparators(path)));
                if (plan.isUpdateMap)
                    co_return true;
                step(report, QStringLiteral("rename"), QString(), planned,
                    QStringLiteral("id %1 becomes %2 (info name rewritten, id and ancestry kept)").arg(loserId, newName));
                for (const ServerConfig &config : m_workspace.servers())
                    step(report, QStringLiteral("publish"), config.name, planned, newName);
                co_return true;
            }
            const Result<QByteArray> bytes = co_await fetchVariant(*servers.repositories.value(holder), plan.project, name, loserId, scratch);
            if (!bytes)
            {
                step(report, QStringLiteral("quarantine"), holder, QStringLiteral("failed"), bytes.error().toString());
                report.summary = QStringLiteral("stopped before keeping the losing variant %1; nothing was published. Run it again").arg(loserId);
                co_return false;
            }
            original = bytes.value();
            if (const QString error = keepInQuarantine(path, original); !error.isEmpty())
            {
                step(report, QStringLiteral("quarantine"), holder, QStringLiteral("failed"), error);
                report.summary = error;
                co_return false;
            }
            step(report, QStringLiteral("quarantine"), holder, QStringLiteral("done"),
                QStringLiteral("%1 (sha256 %2)").arg(QDir::toNativeSeparators(path), QString::fromLatin1(sha256(original))));
            if (plan.isUpdateMap)
            {
                report.renamed.append(renamed);
                step(report, QStringLiteral("rename"), QString(), QStringLiteral("refused"),
                    QStringLiteral("an update map is not published under another name (it would become the newest of its series); "
                                   "the bytes of %1 are kept in %2")
                        .arg(loserId, QDir::toNativeSeparators(path)));
                co_return true;
            }
            rename = State::ConflictRename{plan.project, name, loserId, newName, path, sha256(original)};
            if (Result<void> saved = m_state.recordRename(*rename); !saved)
            {
                report.summary = saved.error().toString();
                co_return false;
            }
            report.renamed.append(renamed);
            step(report, QStringLiteral("rename"), QString(), QStringLiteral("done"),
                QStringLiteral("id %1 becomes %2 (info name rewritten, id and ancestry kept)").arg(loserId, newName));
        }
        else
        {
            Result<QByteArray> kept = keptBytes(rename.value());
            if (!kept)
            {
                report.summary = kept.error().toString();
                co_return false;
            }
            original = kept.value();
            report.renamed.append(RenamedVariant{.id = loserId, .server = holderOf(plan, loserId), .newName = rename->newName});
            step(report, QStringLiteral("rename"), QString(), dryRun ? planned : QStringLiteral("already-done"),
                QStringLiteral("id %1 is %2").arg(loserId, rename->newName));
            plan.taken.insert(rename->newName);
            if (dryRun)
            {
                for (const ServerConfig &config : m_workspace.servers())
                    step(report, QStringLiteral("publish"), config.name, planned, rename->newName);
                co_return true;
            }
        }
        co_return co_await publishRenamed(report, plan, rename.value(), original, servers, scratch);
    }

    Task<bool> ConflictResolver::publishRenamed(ResolutionReport &report, const KeepPlan &plan, State::ConflictRename rename, QByteArray original,
        const Servers &servers, QString scratch)
    {
        // The losing variant under its new name: only the info name changes.
        Result<Monticello::MczVersion> version = Monticello::MczVersion::readBytes(original, rename.quarantinePath, Monticello::MczArchive::Members::All);
        if (!version)
        {
            report.summary = version.error().toString();
            co_return false;
        }
        version.value().info().root().name = rename.newName.chopped(4);
        Result<QByteArray> renamed = version.value().toBytes();
        if (!renamed)
        {
            report.summary = renamed.error().toString();
            co_return false;
        }
        const QString renamedPath = QDir(scratch).filePath(rename.newName);
        if (const QString error = writeDurably(renamedPath, renamed.value()); !error.isEmpty())
        {
            report.summary = error;
            co_return false;
        }
        for (const ServerConfig &config : m_workspace.servers())
        {
            std::unique_ptr<Repository::ResultReply<Repository::UploadResult>> upload =
                co_await Repository::whenFinished(servers.repositories.value(config.name)->uploadFile(plan.project, renamedPath, rename.newName));
            if (upload->failed())
            {
                step(report, QStringLiteral("publish"), config.name, QStringLiteral("failed"), upload->error().toString());
                report.summary = QStringLiteral("stopped while publishing %1; run it again to go on from there").arg(rename.newName);
                co_return false;
            }
            step(report, QStringLiteral("publish"), config.name,
                upload->result().outcome == Repository::UploadResult::Outcome::AlreadyPresent ? QStringLiteral("already-done") : QStringLiteral("done"),
                rename.newName);
        }
        co_return true;
    }

    Task<bool> ConflictResolver::placeCanonical(ResolutionReport &report, const KeepPlan &plan, const Servers &servers, QString scratch, bool dryRun)
    {
        // The chosen variant under the name: replacing a losing copy where the server allows it,
        // copying it where the name is absent, and saying what stays where neither is possible.
        const QString &name = plan.name;
        const QString planned = QStringLiteral("planned");
        QString canonicalPath;
        for (const QString &holder : plan.servers)
        {
            const bool lists = plan.row.uuids.contains(holder);
            const QString id = plan.row.uuids.value(holder);
            using Fate = NameOnServer::Fate;
            const auto fate = [&report, &holder, &id](Fate what) { report.underName.append(NameOnServer{.server = holder, .listed = id, .fate = what}); };
            if (lists && id == plan.canonicalId)
            {
                fate(Fate::Holds);
                continue;
            }
            if (lists && (id.isEmpty() || !plan.losers.contains(id)))
            {
                // Never reached through planKeep; kept so that no path deletes a copy whose bytes were not kept.
                step(report, QStringLiteral("replace"), holder, QStringLiteral("refused"),
                    QStringLiteral("the copy of %1 on %2 was not read and kept: it is not replaced").arg(name, holder));
                report.summary = QStringLiteral("the id of %1 on %2 could not be read: its copy is left as it is; run it again").arg(name, holder);
                co_return false;
            }
            if (lists && !plan.replace)
            {
                fate(Fate::Stays);
                step(report, QStringLiteral("canonical-elsewhere"), holder, dryRun ? planned : QStringLiteral("done"),
                    QStringLiteral("%1 keeps id %2 under %3: images pointed at %1 load that variant by this name; the chosen one is %4 "
                                   "(--replace puts it there where the server permits)")
                        .arg(holder, id, name, plan.canonicalId));
                continue;
            }
            if (dryRun)
            {
                fate(lists ? Fate::Replace : Fate::Copy);
                step(report, lists ? QStringLiteral("replace") : QStringLiteral("copy"), holder, planned,
                    lists ? QStringLiteral("delete id %1, put id %2, verify (if the server permits deleting)").arg(id, plan.canonicalId)
                          : QStringLiteral("put id %1, verify").arg(plan.canonicalId));
                continue;
            }
            if (canonicalPath.isEmpty())
            {
                const Result<QByteArray> bytes =
                    co_await fetchVariant(*servers.repositories.value(plan.canonicalHolder), plan.project, name, plan.canonicalId, scratch);
                const QString path = QDir(scratch).filePath(QStringLiteral("canonical-") + name);
                const QString error = bytes ? writeDurably(path, bytes.value()) : bytes.error().toString();
                if (!error.isEmpty())
                {
                    step(report, QStringLiteral("copy"), plan.canonicalHolder, QStringLiteral("failed"), error);
                    report.summary = QStringLiteral("could not read the chosen variant; run it again");
                    co_return false;
                }
                canonicalPath = path;
            }
            Repository::Repository &repository = *servers.repositories.value(holder);
            if (lists)
            {
                // The losing copy's bytes are in the quarantine (and, a version, under its new name everywhere).
                std::unique_ptr<Repository::ResultReply<bool>> removal = co_await Repository::whenFinished(repository.remove(plan.project, name));
                if (removal->failed() && Repository::serverRefusesDeletes(removal->error()))
                {
                    fate(Fate::Refused);
                    step(report, QStringLiteral("canonical-elsewhere"), holder, QStringLiteral("refused"),
                        QStringLiteral("%1 does not let %2 be replaced (%3): images pointed at %1 load id %4 by this name")
                            .arg(holder, name, removal->error().message, id));
                    continue;
                }
                if (removal->failed())
                {
                    step(report, QStringLiteral("replace"), holder, QStringLiteral("failed"), removal->error().toString());
                    report.summary = QStringLiteral("stopped while replacing %1 on %2; run it again").arg(name, holder);
                    co_return false;
                }
            }
            std::unique_ptr<Repository::ResultReply<Repository::UploadResult>> upload =
                co_await Repository::whenFinished(repository.uploadFile(plan.project, canonicalPath, name));
            if (upload->failed())
            {
                step(report, lists ? QStringLiteral("replace") : QStringLiteral("copy"), holder, QStringLiteral("failed"), upload->error().toString());
                report.summary = QStringLiteral("stopped while putting the chosen %1 on %2; run it again").arg(name, holder);
                co_return false;
            }
            fate(lists ? Fate::Replace : Fate::Copy);
            step(report, lists ? QStringLiteral("replace") : QStringLiteral("copy"), holder, QStringLiteral("done"),
                QStringLiteral("%1 now holds id %2, read back whole").arg(name, plan.canonicalId));
        }
        co_return true;
    }

    QString ConflictResolver::keepInQuarantine(const QString &path, const QByteArray &bytes)
    {
        if (QFile::exists(path))
        {
            QFile kept(path);
            if (!kept.open(QIODevice::ReadOnly) || sha256(kept.readAll()) != sha256(bytes))
                return QStringLiteral("%1 exists with other bytes: not replaced; move it away and run again").arg(QDir::toNativeSeparators(path));
            return QString();
        }
        return writeDurably(path, bytes);
    }
}
