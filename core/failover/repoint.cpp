#include "repoint.h"

#include "util/logging.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcessEnvironment>
#include <QSaveFile>
#include <QSet>
#include <QTemporaryDir>
#include <QTimer>

#include "commandrunner.h"
#include "health/health.h"
#include "health/updatereadiness.h"
#include "presentation/verdict.h"
#include "repository/repository.h"
#include "sync/syncengine.h"
#include "sync/synclock.h"

namespace TwinTrunk::Failover
{
    namespace
    {
        // Writes `bytes` to `path` atomically (a temporary file renamed over it); empty on success.
        QString writeFile(const QString &path, const QByteArray &bytes)
        {
            QSaveFile file(path);
            if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
                return QStringLiteral("%1: cannot write: %2").arg(QDir::toNativeSeparators(path), file.errorString());
            return QString();
        }

        // Puts a file back as it was before a repoint changed it: the old bytes, or no file.
        QString restoreFile(const QString &path, bool existed, const QByteArray &previous)
        {
            if (existed)
                return writeFile(path, previous);
            if (QFile::exists(path) && !QFile::remove(path))
                return QStringLiteral("%1: cannot remove the file the repoint created").arg(QDir::toNativeSeparators(path));
            return QString();
        }

        // The listing as a set a client would see: name, size and date of each version.
        QSet<QString> listingKeys(const Repository::Listing &listing)
        {
            QSet<QString> keys;
            for (const Repository::ListingEntry &entry : listing.entries)
            {
                keys.insert(
                    QStringLiteral("%1\t%2\t%3").arg(entry.fileName).arg(entry.size).arg(entry.modified.isValid() ? entry.modified.toMSecsSinceEpoch() : -1));
            }
            return keys;
        }

        Task<Result<Repository::Listing>> listNow(Repository::Repository &repository, QString project)
        {
            std::unique_ptr<Repository::ResultReply<Repository::Listing>> reply = co_await Repository::whenFinished(repository.list(project));
            if (reply->failed())
                co_return reply->error();
            co_return reply->result();
        }

        QString versionList(const QStringList &names, int shown = 5)
        {
            QString text = names.mid(0, shown).join(QStringLiteral(", "));
            if (names.size() > shown)
                text += QStringLiteral(" and %1 more").arg(names.size() - shown);
            return text;
        }
    }

    QString outcomeName(Check::Outcome outcome)
    {
        switch (outcome)
        {
        case Check::Outcome::Passed: return QStringLiteral("passed");
        case Check::Outcome::Warning: return QStringLiteral("warning");
        case Check::Outcome::NeedsConfirmation: return QStringLiteral("needs-confirmation");
        case Check::Outcome::Failed: return QStringLiteral("failed");
        case Check::Outcome::NotApplicable: return QStringLiteral("not-applicable");
        }
        return QString();
    }

    QString outcomeName(ActionStep::Outcome outcome)
    {
        switch (outcome)
        {
        case ActionStep::Outcome::Planned: return QStringLiteral("planned");
        case ActionStep::Outcome::Done: return QStringLiteral("done");
        case ActionStep::Outcome::Failed: return QStringLiteral("failed");
        case ActionStep::Outcome::RolledBack: return QStringLiteral("rolled-back");
        case ActionStep::Outcome::RollbackFailed: return QStringLiteral("rollback-failed");
        case ActionStep::Outcome::NotRun: return QStringLiteral("not-run");
        }
        return QString();
    }

    bool RepointReport::preflightPassed(bool acceptAtRisk) const
    {
        return std::none_of(checks.cbegin(), checks.cend(), [acceptAtRisk](const Check &check) {
            return check.outcome == Check::Outcome::Failed || (check.outcome == Check::Outcome::NeedsConfirmation && !acceptAtRisk);
        });
    }

    QJsonObject RepointReport::toJson() const
    {
        auto checkJson = [](const Check &check) {
            return QJsonObject{{QStringLiteral("id"), check.id}, {QStringLiteral("title"), check.title}, {QStringLiteral("result"), outcomeName(check.outcome)},
                {QStringLiteral("reason"), check.reason}, {QStringLiteral("items"), QJsonArray::fromStringList(check.items)}};
        };
        QJsonArray checkList, actionList;
        for (const Check &check : checks)
            checkList.append(checkJson(check));
        for (const ActionStep &action : actions)
        {
            actionList.append(QJsonObject{{QStringLiteral("id"), action.id}, {QStringLiteral("description"), action.description},
                {QStringLiteral("result"), outcomeName(action.outcome)}, {QStringLiteral("output"), action.output}, {QStringLiteral("error"), action.error},
                {QStringLiteral("rollback"), action.rollback}});
        }
        QJsonObject json{{QStringLiteral("from"), from}, {QStringLiteral("to"), to}, {QStringLiteral("dryRun"), dryRun},
            {QStringLiteral("startedAt"), startedAt.toString(Qt::ISODateWithMs)}, {QStringLiteral("checks"), checkList},
            {QStringLiteral("actions"), actionList}, {QStringLiteral("verified"), verified}, {QStringLiteral("rolledBack"), rolledBack},
            {QStringLiteral("succeeded"), succeeded}, {QStringLiteral("summary"), summary}};
        if (!verification.id.isEmpty())
            json.insert(QStringLiteral("verification"), checkJson(verification));
        return json;
    }

    Repoint::Repoint(Workspace &workspace, State::StateDatabase &state, ProgressLog log) : m_workspace(workspace), m_state(state), m_log(std::move(log))
    {}

    void Repoint::say(const QString &line) const
    {
        qCInfo(Log::failover).noquote() << line;
        if (m_log)
            m_log(line);
    }

    QString Repoint::backupFolder() const
    {
        return m_workspace.stateDatabasePath() + QStringLiteral(".repoint-backups");
    }

    QByteArray Repoint::upstreamInclude(const ServerConfig &server, const QDateTime &at)
    {
        return QStringLiteral("# Written by TwinTrunk at %1: %2 (%3) is the primary.\n"
                              "# Include it inside the upstream block the public server's proxy_pass names.\n"
                              "server %4;\n")
            .arg(at.toUTC().toString(Qt::ISODate), server.name, server.url.toDisplayString(QUrl::RemoveUserInfo), server.upstreamAddress())
            .toUtf8();
    }

    QString Repoint::imageSnippet(const ServerConfig &from, const ServerConfig &to, const QStringList &projects, const QDateTime &at)
    {
        auto quoted = [](QString text) { return QStringLiteral("'%1'").arg(text.replace(u'\'', QStringLiteral("''"))); };
        const QString oldUrl = from.url.toDisplayString(QUrl::RemoveUserInfo);
        const QString newUrl = to.url.toDisplayString(QUrl::RemoveUserInfo);
        QString text;
        text += QStringLiteral("\"TwinTrunk, %1: the primary moved from %2 (%3) to %4 (%5).\n"
                               "Evaluate this in a Squeak image to point its repositories for %6 and its update URL at the new primary.\"\n")
                    .arg(at.toUTC().toString(Qt::ISODate), from.name, oldUrl, to.name, newUrl, projects.join(QStringLiteral(", ")));
        text += QStringLiteral("| oldUrl newUrl |\n");
        text += QStringLiteral("oldUrl := %1.\nnewUrl := %2.\n").arg(quoted(oldUrl), quoted(newUrl));
        text += QStringLiteral("MCRepositoryGroup default repositories do: [:repository |\n"
                               "\t((repository isKindOf: MCHttpRepository) and: [repository location beginsWith: oldUrl]) ifTrue: [\n"
                               "\t\trepository location: newUrl, (repository location allButFirst: oldUrl size)]].\n"
                               "(Smalltalk classNamed: #MCMcmUpdater) ifNotNil: [:updater |\n"
                               "\t(updater respondsTo: #defaultUpdateURL:) ifTrue: [\n"
                               "\t\t(updater defaultUpdateURL beginsWith: oldUrl) ifTrue: [\n"
                               "\t\t\tupdater defaultUpdateURL: newUrl, (updater defaultUpdateURL allButFirst: oldUrl size)]]].\n");
        return text;
    }

    Task<RepointReport> Repoint::preflight(QString target, RepointOptions options)
    {
        RepointReport report;
        report.startedAt = QDateTime::currentDateTimeUtc();
        report.dryRun = options.dryRun;
        const ServerConfig from = m_workspace.primary();
        report.from = from.name;
        report.to = target;
        const ServerConfig *to = m_workspace.server(target);
        report.checks.append(targetCheck(from, to, target));
        if (report.checks.last().outcome == Check::Outcome::Failed)
            co_return report;

        // Reachability, with the same probe the health monitor uses.
        say(QStringLiteral("probing %1 and %2").arg(from.name, to->name));
        Health::HealthMonitor monitor(m_workspace, m_state);
        const QList<Health::ServerHealth> health = co_await monitor.probeAll();
        bool targetUp = false, primaryUp = false;
        for (const Health::ServerHealth &server : health)
        {
            if (server.name == to->name)
                report.checks.append(reachableCheck(server, targetUp));
            else if (server.name == from.name)
                report.checks.append(primaryCheck(server, primaryUp));
        }
        if (!targetUp)
            co_return report;

        say(QStringLiteral("comparing the servers' versions"));
        Sync::SyncEngine engine(m_workspace, m_state, Sync::EngineOptions{});
        const Result<Sync::StatusReport> status = co_await engine.status();
        if (!status)
        {
            report.checks.append(
                Check{QStringLiteral("state"), QStringLiteral("The servers' versions"), Check::Outcome::Failed, status.error().toString(), {}});
            co_return report;
        }
        const VersionsAcross across = versionsAcross(status.value(), from, *to);
        for (const Check &listing : across.listingChecks)
            report.checks.append(listing);
        report.checks.append(onlyOnPrimaryCheck(across, from, *to, primaryUp, options.acceptAtRisk, options.copyFirst));
        // A conflict shows only where both sides were listed: with a server unreached, "none" is not known.
        QStringList unlisted;
        for (const Sync::ProjectSnapshot &project : status->projects)
        {
            for (auto it = project.unreachable.cbegin(); it != project.unreachable.cend(); ++it)
                unlisted.append(QStringLiteral("%1 in %2").arg(it.key(), project.project));
        }
        QString conflictsReason = across.conflicts.isEmpty()
            ? QStringLiteral("none")
            : QStringLiteral("%1 open: images may load either variant; see 'twintrunkctl conflicts'").arg(across.conflicts.size());
        if (!unlisted.isEmpty())
            conflictsReason = QStringLiteral("not known: %1 not listed (%2 among what was listed)")
                                  .arg(unlisted.join(QStringLiteral(", ")), across.conflicts.isEmpty() ? QStringLiteral("none") : conflictsReason);
        report.checks.append(Check{QStringLiteral("conflicts"), QStringLiteral("Open duplicate-name conflicts"),
            across.conflicts.isEmpty() && unlisted.isEmpty() ? Check::Outcome::Passed : Check::Outcome::Warning, conflictsReason, across.conflicts});
        if (!across.regressions.isEmpty())
        {
            report.checks.append(Check{QStringLiteral("regressions"), QStringLiteral("Versions the new primary no longer lists"), Check::Outcome::Warning,
                QStringLiteral("%1 versions %2 listed before are gone from its listing").arg(across.regressions.size()).arg(to->name), across.regressions});
        }
        say(QStringLiteral("checking %1's update maps").arg(to->name));
        report.checks.append(co_await updateReadinessCheck(*to, across.onTarget));
        report.checks.append(actionsCheck(from));
        if (m_workspace.repoint().publicUrl.isEmpty())
        {
            report.checks.append(Check{QStringLiteral("public-url"), QStringLiteral("The public URL to verify"), Check::Outcome::Warning,
                QStringLiteral("no repoint.publicUrl in the workspace: the move can only be checked on %1 itself").arg(to->name), {}});
        }
        co_return report;
    }

    Check Repoint::targetCheck(const ServerConfig &from, const ServerConfig *to, const QString &target) const
    {
        Check check{QStringLiteral("target"), QStringLiteral("The new primary"), Check::Outcome::Passed, QString(), {}};
        if (!to)
        {
            check.outcome = Check::Outcome::Failed;
            check.reason = QStringLiteral("there is no server '%1' in %2").arg(target, m_workspace.filePath());
        }
        else if (to->primary)
        {
            check.outcome = Check::Outcome::Failed;
            check.reason = QStringLiteral("%1 is the primary already").arg(target);
        }
        else
        {
            check.reason = QStringLiteral("%1 (%2) replaces %3 (%4)")
                               .arg(to->name, to->url.toDisplayString(QUrl::RemoveUserInfo), from.name, from.url.toDisplayString(QUrl::RemoveUserInfo));
        }
        return check;
    }

    Check Repoint::reachableCheck(const Health::ServerHealth &health, bool &up)
    {
        up = health.up;
        return Check{QStringLiteral("reachable"), QStringLiteral("The new primary answers"), health.up ? Check::Outcome::Passed : Check::Outcome::Failed,
            health.up ? QStringLiteral("%1 answered in %2 ms").arg(health.name).arg(health.latencyMs)
                      : QStringLiteral("%1 is down (%2): %3").arg(health.name, health.errorClass, health.error),
            {}};
    }

    Check Repoint::primaryCheck(const Health::ServerHealth &health, bool &up)
    {
        up = health.up;
        return Check{QStringLiteral("primary"), QStringLiteral("The current primary"), health.up ? Check::Outcome::Passed : Check::Outcome::Warning,
            health.up ? QStringLiteral("%1 is up").arg(health.name) : QStringLiteral("%1 is down (%2): %3").arg(health.name, health.errorClass, health.error),
            {}};
    }

    Repoint::VersionsAcross Repoint::versionsAcross(const Sync::StatusReport &status, const ServerConfig &from, const ServerConfig &to)
    {
        // What the target lists, per project: the versions images will see after the move.
        VersionsAcross across;
        for (const Sync::ProjectSnapshot &snapshot : status.projects)
        {
            QSet<QString> &listed = across.onTarget[snapshot.project];
            for (const Sync::NameRow &row : snapshot.rows)
            {
                const QString qualified = snapshot.project + u'/' + row.name;
                if (row.uuids.contains(to.name))
                    listed.insert(row.name);
                else if (row.uuids.contains(from.name))
                    across.onlyOnPrimary.append(qualified);
                if (row.state == Sync::VersionState::Conflict)
                    across.conflicts.append(qualified);
                if (row.vanishedFrom.contains(to.name))
                    across.regressions.append(qualified);
            }
            if (snapshot.unreachable.contains(to.name))
            {
                across.listingChecks.append(Check{QStringLiteral("listing"), QStringLiteral("The new primary's listings"), Check::Outcome::Failed,
                    QStringLiteral("%1 %2: %3").arg(to.name, snapshot.project, snapshot.unreachable.value(to.name)), {}});
            }
        }
        return across;
    }

    Check Repoint::onlyOnPrimaryCheck(const VersionsAcross &across, const ServerConfig &from, const ServerConfig &to, bool primaryUp, bool acceptAtRisk,
        bool copyFirst) const
    {
        Check check{QStringLiteral("only-on-primary"), QStringLiteral("Nothing only the current primary has"), Check::Outcome::Passed, QString(), {}};
        if (primaryUp)
        {
            check.items = across.onlyOnPrimary;
            if (!across.onlyOnPrimary.isEmpty() && copyFirst)
            {
                // Nothing is at risk while the primary is up: the repoint copies them itself.
                check.outcome = Check::Outcome::Warning;
                check.reason = QStringLiteral("%1 versions are on %2 and not on %3 (%4): the repoint copies them first, verified, and after the switch "
                                              "what reached %2 meanwhile")
                                   .arg(across.onlyOnPrimary.size())
                                   .arg(from.name, to.name, versionList(across.onlyOnPrimary));
            }
            else if (!across.onlyOnPrimary.isEmpty())
            {
                check.outcome = Check::Outcome::Failed;
                check.reason = QStringLiteral("%1 versions are on %2 and not on %3 (%4): copy them first with 'twintrunkctl sync --from %2 --to %3', "
                                              "or have the repoint copy them first (--copy-first; in the console, Copy First)")
                                   .arg(across.onlyOnPrimary.size())
                                   .arg(from.name, to.name, versionList(across.onlyOnPrimary));
            }
            else
            {
                check.reason = QStringLiteral("%1 has every version %2 has").arg(to.name, from.name);
            }
            return check;
        }
        // The primary is down: what its last listing had and the target lacks may be lost. A project
        // it was never listed for is worse: what only it has is not known at all.
        QStringList atRisk;
        QStringList neverListed;
        for (const QString &project : m_workspace.projects())
        {
            Result<State::ListingRecord> listed = m_state.listingRecord(from.name, project);
            if (!listed)
            {
                check.outcome = Check::Outcome::Failed;
                check.reason = listed.error().toString();
                return check;
            }
            if (!listed->listedAt.isValid())
            {
                neverListed.append(project);
                continue;
            }
            Result<QList<State::KnownVersion>> known = m_state.knownVersions(from.name, project);
            if (!known)
            {
                check.outcome = Check::Outcome::Failed;
                check.reason = known.error().toString();
                return check;
            }
            for (const State::KnownVersion &version : known.value())
            {
                if (version.present && Repository::isVersionFileName(version.name) && !across.onTarget.value(project).contains(version.name))
                    atRisk.append(project + u'/' + version.name);
            }
        }
        atRisk.sort();
        check.items = atRisk;
        if (!neverListed.isEmpty())
        {
            check.outcome = acceptAtRisk ? Check::Outcome::Warning : Check::Outcome::NeedsConfirmation;
            check.reason =
                QStringLiteral("%1 is down and was never listed for %2: what only it has is unknown%3%4")
                    .arg(from.name, neverListed.join(QStringLiteral(", ")),
                        atRisk.isEmpty() ? QString()
                                         : QStringLiteral("; its last listing of the others had %1 versions %2 lacks").arg(atRisk.size()).arg(to.name),
                        acceptAtRisk ? QStringLiteral(" (accepted)") : QStringLiteral("; going on needs your acceptance"));
            return check;
        }
        if (atRisk.isEmpty())
        {
            check.reason = QStringLiteral("%1 is down; %2 has every version its last listing had").arg(from.name, to.name);
            return check;
        }
        check.outcome = acceptAtRisk ? Check::Outcome::Warning : Check::Outcome::NeedsConfirmation;
        check.reason =
            QStringLiteral("%1 is down, and its last listing had %2 versions %3 lacks (%4): they stay on %1 only, at risk until it comes back%5")
                .arg(from.name)
                .arg(atRisk.size())
                .arg(to.name, versionList(atRisk), acceptAtRisk ? QStringLiteral(" (accepted)") : QStringLiteral("; going on needs your acceptance"));
        return check;
    }

    Task<Check> Repoint::updateReadinessCheck(ServerConfig to, QHash<QString, QSet<QString>> onTarget)
    {
        // An image updating from the target must find every version its newest update maps name.
        Check readiness{QStringLiteral("update-readiness"), QStringLiteral("Images can update from the new primary"), Check::Outcome::Passed, QString(), {}};
        QTemporaryDir scratch;
        std::unique_ptr<Repository::Repository> repository =
            Repository::Repository::create(to.name, to.url, m_workspace.credentialsFor(to), Repository::RepositoryOptions{});
        QStringList maps;
        for (const QString &project : m_workspace.projects())
        {
            const Health::UpdateReadiness result =
                co_await Health::checkUpdateReadiness(*repository, to.name, project, onTarget.value(project), scratch.path());
            for (const Health::MapCheck &map : result.maps)
            {
                maps.append(project + u'/' + map.map);
                for (const QString &name : map.missing)
                    readiness.items.append(QStringLiteral("%1/%2 (named by %3)").arg(project, name, map.map));
                if (!map.error.isEmpty())
                    readiness.items.append(map.error);
            }
            if (!result.ready())
                readiness.outcome = Check::Outcome::Failed;
        }
        if (readiness.outcome == Check::Outcome::Failed)
            readiness.reason = QStringLiteral("%1 cannot serve every version its newest update maps name").arg(to.name);
        else if (maps.isEmpty())
        {
            readiness.outcome = Check::Outcome::NotApplicable; // nothing to check is not a pass
            readiness.reason = QStringLiteral("no update maps in these projects: images update by other means");
        }
        else
            readiness.reason = QStringLiteral("%1 has every version named by %2").arg(to.name, maps.join(QStringLiteral(", ")));
        co_return readiness;
    }

    Check Repoint::actionsCheck(const ServerConfig &from) const
    {
        const RepointConfig &config = m_workspace.repoint();
        QStringList planned;
        if (!config.upstreamFile.isEmpty())
            planned.append(QStringLiteral("front proxy %1").arg(QDir::toNativeSeparators(m_workspace.resolvePath(config.upstreamFile))));
        if (!config.command.isEmpty())
            planned.append(QStringLiteral("command '%1'").arg(config.command.display()));
        if (!config.imageSnippet.isEmpty())
            planned.append(QStringLiteral("image snippet %1").arg(QDir::toNativeSeparators(m_workspace.resolvePath(config.imageSnippet))));
        return Check{QStringLiteral("actions"), QStringLiteral("What moves the public URL"),
            planned.isEmpty() ? Check::Outcome::Warning : Check::Outcome::Passed,
            planned.isEmpty() ? QStringLiteral("no repoint actions in the workspace: only TwinTrunk's idea of the primary changes; "
                                               "images and the public URL keep pointing at %1")
                                    .arg(from.name)
                              : planned.join(QStringLiteral("; ")),
            {}};
    }

    Task<RepointReport> Repoint::run(QString target, RepointOptions options)
    {
        RepointReport report = co_await preflight(target, options);
        const ServerConfig *to = m_workspace.server(target);
        if (!report.preflightPassed(options.acceptAtRisk) || !to)
        {
            report.summary = QStringLiteral("preflight stopped the repoint to %1; nothing was changed").arg(target);
            finish(report);
            co_return report;
        }
        const ServerConfig from = m_workspace.primary();
        const ServerConfig toServer = *to;
        // --copy-first with the primary up: what only it has is copied now, and what reaches it
        // during the switch afterwards. With the primary down there is nothing to copy from.
        const bool primaryUp = std::any_of(report.checks.cbegin(), report.checks.cend(),
            [](const Check &check) { return check.id == u"primary" && check.outcome == Check::Outcome::Passed; });
        const bool copying = options.copyFirst && primaryUp;
        if (copying)
        {
            ActionStep &step = beginAction(report, QStringLiteral("copy-first"),
                QStringLiteral("copy what only %1 has to %2, each copy read back and compared").arg(from.name, toServer.name), options.dryRun, false);
            if (step.outcome == ActionStep::Outcome::Done)
                co_await copyMissing(step, from, toServer);
        }
        QList<Undo> undo;
        co_await runActions(report, from, toServer, options, undo);
        if (copying && options.dryRun)
            beginAction(report, QStringLiteral("catch-up"), catchUpDescription(from, toServer), true, false);
        if (options.dryRun)
        {
            report.succeeded = true;
            report.summary = QStringLiteral("dry run: %1 The actions above would run.").arg(Presentation::preflightSummary(report, options.acceptAtRisk));
            finish(report);
            co_return report;
        }
        const bool actionsDone =
            std::all_of(report.actions.cbegin(), report.actions.cend(), [](const ActionStep &step) { return step.outcome == ActionStep::Outcome::Done; });
        if (actionsDone)
            co_await verify(report, toServer, from);
        if (!actionsDone || !report.verified)
        {
            co_await rollback(report, undo);
            const bool copyFailed = copying && report.actions.first().outcome == ActionStep::Outcome::Failed;
            report.summary = actionsDone
                ? QStringLiteral("verification failed: %1; rolled back, %2 is still the primary").arg(report.verification.reason, from.name)
                : copyFailed
                ? QStringLiteral("copying first failed, so nothing was switched: %1 is still the primary (the verified copies made stay)").arg(from.name)
                : QStringLiteral("an action failed; rolled back, %1 is still the primary").arg(from.name);
            noteFailedRollback(report);
            finish(report);
            co_return report;
        }

        // The switch is verified; the workspace must say so too, or the switch is undone: a
        // half-switched pair (clients on the new primary, TwinTrunk replicating as if the old one
        // were) would be worse than either.
        m_workspace.setPrimary(toServer.name);
        if (Result<void> saved = m_workspace.save(m_workspace.filePath(), true); !saved)
        {
            m_workspace.setPrimary(from.name);
            co_await rollback(report, undo);
            report.summary = QStringLiteral("the switch was verified, but the workspace file could not be saved (%1): rolled back, %2 is still the primary")
                                 .arg(saved.error().toString(), from.name);
            noteFailedRollback(report);
            finish(report);
            co_return report;
        }
        report.succeeded = true;
        report.summary = QStringLiteral("%1 is the primary").arg(toServer.name);
        if (copying)
        {
            // Commits that reached the old primary between the first copy and the switch.
            ActionStep &step = beginAction(report, QStringLiteral("catch-up"), catchUpDescription(from, toServer), false, false);
            co_await copyMissing(step, from, toServer);
            if (step.outcome != ActionStep::Outcome::Done)
                report.summary +=
                    QStringLiteral("; some versions that reached %1 during the switch are not copied yet (%2): sync copies them").arg(from.name, step.error);
        }
        const QDateTime now = QDateTime::currentDateTimeUtc();
        if (m_workspace.repoint().watchLateCommitsSeconds > 0)
        {
            const State::LateCommitWatch watch{from.name, toServer.name, now, now.addSecs(m_workspace.repoint().watchLateCommitsSeconds)};
            if (Result<void> added = m_state.addLateCommitWatch(watch); added)
                report.summary +=
                    QStringLiteral("; late commits on %1 go to %2 first until %3").arg(from.name, toServer.name, Presentation::localTime(watch.until));
            else
                report.summary += QStringLiteral("; the late-commit watch could not be recorded: %1").arg(added.error().toString());
        }
        finish(report);
        co_return report;
    }

    QString Repoint::catchUpDescription(const ServerConfig &from, const ServerConfig &to)
    {
        return QStringLiteral("copy what reached %1 during the switch to %2").arg(from.name, to.name);
    }

    Task<Result<std::unique_ptr<Sync::SyncLock>>> Repoint::waitForSyncLock()
    {
        // One replication at a time per workspace: a sync cycle under way (cron, the console's
        // schedule) finishes its copies first. Its journal and ours must not cross.
        QElapsedTimer waited;
        waited.start();
        Result<std::unique_ptr<Sync::SyncLock>> lock = Sync::SyncLock::acquire(m_workspace.filePath());
        while (!lock && lock.error().kind == Error::Kind::Busy && waited.elapsed() < SyncLockWaitMs)
        {
            auto pause = [](std::function<void()> done) { QTimer::singleShot(500, std::move(done)); };
            co_await whenCalled(pause);
            lock = Sync::SyncLock::acquire(m_workspace.filePath());
        }
        co_return lock;
    }

    Task<void> Repoint::copyMissing(ActionStep &step, ServerConfig from, ServerConfig to)
    {
        say(QStringLiteral("waiting for any replication under way to finish"));
        Result<std::unique_ptr<Sync::SyncLock>> lock = co_await waitForSyncLock();
        if (!lock)
        {
            failAction(step, lock.error().toString());
            co_return;
        }
        Sync::EngineOptions engineOptions;
        engineOptions.jobs = m_workspace.jobs();
        Sync::SyncEngine engine(m_workspace, m_state, engineOptions);
        const Result<Sync::StatusReport> status = co_await engine.status();
        if (!status)
        {
            failAction(step, status.error().toString());
            co_return;
        }
        const Sync::PlanFilter filter{QString(), from.name, to.name};
        const QList<Sync::PlanItem> items = engine.plan(status.value(), filter);
        const Sync::SyncResult result = co_await engine.run(items);
        step.output = QStringLiteral("%1 copied and verified, %2 already there").arg(result.copied).arg(result.alreadyPresent);
        if (!result.ok())
        {
            QStringList why;
            for (const Sync::CopyOutcome &failure : result.failures.mid(0, 3))
                why.append(QStringLiteral("%1: %2").arg(failure.name, failure.error));
            failAction(step, QStringLiteral("%1 copies failed (%2)").arg(result.failed + result.notStarted).arg(why.join(QStringLiteral("; "))));
        }
    }

    void Repoint::noteFailedRollback(RepointReport &report)
    {
        if (std::any_of(report.actions.cbegin(), report.actions.cend(),
                [](const ActionStep &step) { return step.outcome == ActionStep::Outcome::RollbackFailed; }))
            report.summary += QStringLiteral(" - BUT a rollback step failed: see the actions and fix it by hand");
    }

    QProcessEnvironment Repoint::actionEnvironment(const ServerConfig &from, const ServerConfig &to) const
    {
        QProcessEnvironment environment;
        environment.insert(QStringLiteral("OLD_PRIMARY"), from.name);
        environment.insert(QStringLiteral("NEW_PRIMARY"), to.name);
        environment.insert(QStringLiteral("OLD_PRIMARY_URL"), from.url.toDisplayString(QUrl::RemoveUserInfo));
        environment.insert(QStringLiteral("NEW_PRIMARY_URL"), to.url.toDisplayString(QUrl::RemoveUserInfo));
        environment.insert(QStringLiteral("TWINTRUNK_WORKSPACE"), m_workspace.filePath());
        return environment;
    }

    ActionStep &Repoint::beginAction(RepointReport &report, const QString &id, const QString &description, bool dryRun, bool earlierFailed)
    {
        report.actions.append(ActionStep{id, description,
            dryRun              ? ActionStep::Outcome::Planned
                : earlierFailed ? ActionStep::Outcome::NotRun
                                : ActionStep::Outcome::Done,
            QString(), QString(), QString()});
        if (!dryRun && !earlierFailed)
            say(QStringLiteral("action: %1").arg(description));
        return report.actions.last();
    }

    void Repoint::failAction(ActionStep &step, const QString &error)
    {
        step.outcome = ActionStep::Outcome::Failed;
        step.error = error;
        say(QStringLiteral("  failed: %1").arg(error));
    }

    Repoint::Previous Repoint::readPrevious(const QString &path)
    {
        Previous previous;
        QFile file(path);
        previous.existed = file.exists();
        if (previous.existed)
        {
            if (file.open(QIODevice::ReadOnly))
                previous.bytes = file.readAll();
            else
                previous.error = QStringLiteral("%1: cannot read: %2").arg(QDir::toNativeSeparators(path), file.errorString());
        }
        return previous;
    }

    Task<void> Repoint::runActions(RepointReport &report, ServerConfig from, ServerConfig to, RepointOptions options, QList<Undo> &undo)
    {
        const RepointConfig &config = m_workspace.repoint();
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const QProcessEnvironment environment = actionEnvironment(from, to);
        auto failed = [&report] {
            return std::any_of(report.actions.cbegin(), report.actions.cend(),
                [](const ActionStep &step) { return step.outcome == ActionStep::Outcome::Failed; });
        };
        if (!config.upstreamFile.isEmpty())
        {
            const QString path = m_workspace.resolvePath(config.upstreamFile);
            ActionStep &step = beginAction(report, QStringLiteral("front-proxy"),
                QStringLiteral("write 'server %1;' to %2, then run '%3'").arg(to.upstreamAddress(), QDir::toNativeSeparators(path), config.reload.display()),
                options.dryRun, failed());
            if (step.outcome == ActionStep::Outcome::Done)
                co_await switchFrontProxy(step, path, to, now, environment, options.commandTimeoutMs, undo);
        }
        if (!config.command.isEmpty())
        {
            ActionStep &step =
                beginAction(report, QStringLiteral("command"), QStringLiteral("run '%1'").arg(config.command.display()), options.dryRun, failed());
            if (step.outcome == ActionStep::Outcome::Done)
            {
                // Registered before it runs: a command that fails halfway may need its rollback too.
                if (!config.rollback.isEmpty())
                    undo.append(Undo{step.id, [rollback = config.rollback, environment, timeout = options.commandTimeoutMs]() -> Task<QString> {
                                         const CommandOutcome outcome = co_await runCommand(rollback, environment, timeout);
                                         co_return outcome.ok ? QString()
                                                              : outcome.error + (outcome.output.isEmpty() ? QString() : QStringLiteral(": ") + outcome.output);
                                     }});
                const CommandOutcome outcome = co_await runCommand(config.command, environment, options.commandTimeoutMs);
                step.output = outcome.output;
                if (!outcome.ok)
                    failAction(step, outcome.error);
            }
        }
        if (!config.imageSnippet.isEmpty())
        {
            const QString path = m_workspace.resolvePath(config.imageSnippet);
            ActionStep &step = beginAction(report, QStringLiteral("image-snippet"),
                QStringLiteral("write the Smalltalk that points images at %1 to %2").arg(to.name, QDir::toNativeSeparators(path)), options.dryRun, failed());
            if (step.outcome == ActionStep::Outcome::Done)
                writeImageSnippet(step, path, from, to, now, undo);
        }
    }

    Task<void> Repoint::switchFrontProxy(ActionStep &step, QString path, ServerConfig to, QDateTime now, QProcessEnvironment environment, int timeoutMs,
        QList<Undo> &undo)
    {
        const RepointConfig &config = m_workspace.repoint();
        const Previous previous = readPrevious(path);
        QString error = previous.error;
        if (error.isEmpty() && previous.existed)
        {
            // The old include is kept beside the state database before it is replaced.
            QDir().mkpath(backupFolder());
            const QString backup =
                QDir(backupFolder()).filePath(QStringLiteral("%1-%2").arg(now.toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'")), QFileInfo(path).fileName()));
            error = writeFile(backup, previous.bytes);
            if (error.isEmpty())
                step.output = QStringLiteral("previous file kept as %1\n").arg(QDir::toNativeSeparators(backup));
        }
        if (error.isEmpty())
            error = writeFile(path, upstreamInclude(to, now));
        if (!error.isEmpty())
        {
            failAction(step, error);
            co_return;
        }
        // Undone with the same environment the forward reload had.
        undo.append(Undo{step.id, [path, previous, reload = config.reload, environment, timeoutMs]() -> Task<QString> {
                             QString problem = restoreFile(path, previous.existed, previous.bytes);
                             const CommandOutcome reloaded = co_await runCommand(reload, environment, timeoutMs);
                             if (!reloaded.ok)
                                 problem += (problem.isEmpty() ? QString() : QStringLiteral("; ")) + reloaded.error;
                             co_return problem;
                         }});
        const CommandOutcome reloaded = co_await runCommand(config.reload, environment, timeoutMs);
        step.output += reloaded.output;
        if (!reloaded.ok)
            failAction(step, reloaded.error);
    }

    void Repoint::writeImageSnippet(ActionStep &step, const QString &path, const ServerConfig &from, const ServerConfig &to, const QDateTime &now,
        QList<Undo> &undo)
    {
        const Previous previous = readPrevious(path);
        const QString snippet = imageSnippet(from, to, m_workspace.projects(), now);
        QString error = previous.error;
        if (error.isEmpty())
            error = writeFile(path, snippet.toUtf8());
        if (!error.isEmpty())
            return failAction(step, error);
        step.output = snippet;
        undo.append(Undo{step.id, [path, previous]() -> Task<QString> { co_return restoreFile(path, previous.existed, previous.bytes); }});
    }

    Task<void> Repoint::verify(RepointReport &report, ServerConfig to, ServerConfig from)
    {
        Check &check = report.verification;
        check.id = QStringLiteral("verify");
        check.title = QStringLiteral("Clients see the new primary");
        const QString project = m_workspace.projects().constFirst();
        std::unique_ptr<Repository::Repository> target =
            Repository::Repository::create(to.name, to.url, m_workspace.credentialsFor(to), Repository::RepositoryOptions{});
        const QUrl publicUrl = m_workspace.repoint().publicUrl;
        if (publicUrl.isEmpty())
        {
            const Result<Repository::Listing> listing = co_await listNow(*target, project);
            report.verified = listing.ok();
            check.outcome = listing ? Check::Outcome::Warning : Check::Outcome::Failed;
            check.reason = listing ? QStringLiteral("no public URL configured: %1 lists %2 versions of %3, which is all that can be checked")
                                         .arg(to.name)
                                         .arg(listing->entries.size())
                                         .arg(project)
                                   : listing.error().toString();
            co_return;
        }

        say(QStringLiteral("verifying %1 against %2").arg(publicUrl.toDisplayString(), to.name));
        Repository::RepositoryOptions quick;
        quick.retries = 0;
        std::unique_ptr<Repository::Repository> front = Repository::Repository::create(QStringLiteral("public"), publicUrl, {}, quick);
        std::unique_ptr<Repository::Repository> old = Repository::Repository::create(from.name, from.url, m_workspace.credentialsFor(from), quick);
        QElapsedTimer clock;
        clock.start();
        const qint64 deadline = m_workspace.repoint().verifyTimeoutSeconds * 1000;
        int attempts = 0;
        for (;;)
        {
            ++attempts;
            const Result<Repository::Listing> seen = co_await listNow(*front, project);
            const Result<Repository::Listing> expected = co_await listNow(*target, project);
            if (seen && expected && listingKeys(seen.value()) == listingKeys(expected.value()))
            {
                const Result<Repository::Listing> before = co_await listNow(*old, project);
                const bool indistinguishable = before && listingKeys(before.value()) == listingKeys(expected.value());
                report.verified = true;
                check.outcome = Check::Outcome::Passed;
                check.reason = QStringLiteral("%1 lists exactly what %2 lists for %3 (%4 versions)")
                                   .arg(publicUrl.toDisplayString(), to.name, project)
                                   .arg(expected->entries.size());
                if (indistinguishable)
                    check.reason += QStringLiteral("; %1 lists the same, so the listings alone cannot tell the two apart").arg(from.name);
                co_return;
            }
            if (clock.elapsed() >= deadline)
            {
                check.outcome = Check::Outcome::Failed;
                if (!seen)
                {
                    check.reason = QStringLiteral("the public URL does not answer: %1").arg(seen.error().toString());
                }
                else if (!expected)
                {
                    check.reason = QStringLiteral("%1 does not answer: %2").arg(to.name, expected.error().toString());
                }
                else
                {
                    const Result<Repository::Listing> before = co_await listNow(*old, project);
                    const bool stillOld = before && listingKeys(before.value()) == listingKeys(seen.value());
                    check.reason = stillOld ? QStringLiteral("%1 still lists what %2 lists").arg(publicUrl.toDisplayString(), from.name)
                                            : QStringLiteral("%1 lists neither what %2 nor what %3 lists").arg(publicUrl.toDisplayString(), to.name, from.name);
                }
                check.reason += QStringLiteral(" (%1 attempts in %2 s)").arg(attempts).arg(clock.elapsed() / 1000);
                co_return;
            }
            co_await delayFor(500);
        }
    }

    Task<void> Repoint::rollback(RepointReport &report, QList<Undo> &undo)
    {
        report.rolledBack = true;
        while (!undo.isEmpty())
        {
            const Undo step = undo.takeLast();
            say(QStringLiteral("rolling back: %1").arg(step.id));
            const QString error = co_await step.run();
            for (ActionStep &action : report.actions)
            {
                if (action.id != step.id)
                    continue;
                action.rollback = error.isEmpty() ? QStringLiteral("undone") : error;
                action.outcome = error.isEmpty() ? ActionStep::Outcome::RolledBack : ActionStep::Outcome::RollbackFailed;
            }
        }
    }

    void Repoint::finish(RepointReport &report)
    {
        const QString result = report.dryRun ? (report.succeeded ? QStringLiteral("dry-run") : QStringLiteral("refused"))
            : report.succeeded               ? QStringLiteral("ok")
            : report.rolledBack              ? QStringLiteral("rolled-back")
                                             : QStringLiteral("refused");
        State::JournalEntry entry;
        entry.operation = QStringLiteral("repoint");
        entry.source = report.from;
        entry.target = report.to;
        entry.result = result;
        entry.detail = QString::fromUtf8(QJsonDocument(report.toJson()).toJson(QJsonDocument::Compact));
        if (Result<qint64> written = m_state.appendJournal(entry); !written)
            report.summary += QStringLiteral(" (not journaled: %1)").arg(written.error().toString());
    }
}
