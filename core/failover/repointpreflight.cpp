// The repoint's preflight: each check of its own, in the order the admin reads them. The run,
// its actions, verification and rollback are in repoint.cpp.
#include "repoint.h"

#include <QDir>

#include "health/updatereadiness.h"
#include "presentation/verdict.h"
#include "sync/syncengine.h"

namespace TwinTrunk::Failover
{
    namespace
    {
        QString versionList(const QStringList &names, int shown = 5)
        {
            QString text = names.mid(0, shown).join(QStringLiteral(", "));
            if (names.size() > shown)
                text += QStringLiteral(" and %1 more").arg(names.size() - shown);
            return text;
        }

        // Why in words first (as the server cards say it), then the error itself for the admin.
        QString downReason(const Health::ServerHealth &health)
        {
            return QStringLiteral("%1 is down (%2): %3").arg(health.name, Presentation::errorWords(health.errorClass), health.error);
        }

        // The checks that need the servers' versions, each made in one place below: when an
        // earlier check stops the preflight, appendNotChecked lists them as not known.
        Check onlyOnPrimaryTemplate()
        {
            return Check{QStringLiteral("only-on-primary"), QStringLiteral("Nothing only the current primary has"), Check::Outcome::Passed, QString(), {}};
        }
        Check conflictsTemplate()
        {
            return Check{QStringLiteral("conflicts"), QStringLiteral("Open duplicate-name conflicts"), Check::Outcome::Passed, QString(), {}};
        }
        Check updateReadinessTemplate()
        {
            return Check{QStringLiteral("update-readiness"), QStringLiteral("Images can update from the new primary"), Check::Outcome::Passed, QString(), {}};
        }

        // Never a silent gap in the list: what only the primary has, above all, is not known.
        void appendNotChecked(RepointReport &report, const QString &because)
        {
            for (Check check : {onlyOnPrimaryTemplate(), conflictsTemplate(), updateReadinessTemplate()})
            {
                check.outcome = Check::Outcome::NotChecked;
                check.reason = QStringLiteral("not known: %1").arg(because);
                report.checks.append(check);
            }
        }
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
        {
            appendNotChecked(report, QStringLiteral("%1 does not answer").arg(to->name));
            co_return report;
        }

        say(QStringLiteral("comparing the servers' versions"));
        Sync::SyncEngine engine(m_workspace, m_state, Sync::EngineOptions{});
        const Result<Sync::StatusReport> status = co_await engine.status();
        if (!status)
        {
            report.checks.append(
                Check{QStringLiteral("state"), QStringLiteral("The servers' versions"), Check::Outcome::Failed, status.error().toString(), {}});
            appendNotChecked(report, QStringLiteral("the servers' versions could not be compared"));
            co_return report;
        }
        const VersionsAcross across = versionsAcross(status.value(), from, *to);
        for (const Check &listing : across.listingChecks)
            report.checks.append(listing);
        report.checks.append(onlyOnPrimaryCheck(across, from, *to, primaryUp, options.acceptAtRisk, options.copyFirst, report.primaryRisk));
        // A conflict shows only where both sides were listed: with a server unreached, "none" is not known.
        QStringList unlisted;
        for (const Sync::ProjectSnapshot &project : status->projects)
        {
            for (auto it = project.unreachable.cbegin(); it != project.unreachable.cend(); ++it)
                unlisted.append(QStringLiteral("%1 in %2").arg(it.key(), project.project));
        }
        const QString openConflicts = QStringLiteral("%1 open: images may load either variant; see 'twintrunkctl conflicts'").arg(across.conflicts.size());
        QString conflictsReason = across.conflicts.isEmpty() ? QStringLiteral("none") : openConflicts;
        if (!unlisted.isEmpty())
        {
            // What is not known first, then what was found, each a sentence of its own.
            conflictsReason = QStringLiteral("not known where a server was not listed (%1). Among what was listed, %2.")
                                  .arg(unlisted.join(QStringLiteral(", ")), across.conflicts.isEmpty() ? QStringLiteral("none") : openConflicts);
        }
        Check conflicts = conflictsTemplate();
        conflicts.outcome = across.conflicts.isEmpty() && unlisted.isEmpty() ? Check::Outcome::Passed : Check::Outcome::Warning;
        conflicts.reason = conflictsReason;
        conflicts.items = across.conflicts;
        report.checks.append(conflicts);
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
            health.up ? QStringLiteral("%1 answered in %2 ms").arg(health.name).arg(health.latencyMs) : downReason(health), {}};
    }

    Check Repoint::primaryCheck(const Health::ServerHealth &health, bool &up)
    {
        up = health.up;
        return Check{QStringLiteral("primary"), QStringLiteral("The current primary"), health.up ? Check::Outcome::Passed : Check::Outcome::Warning,
            health.up ? QStringLiteral("%1 is up").arg(health.name) : downReason(health), {}};
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
            if (snapshot.unreachable.contains(from.name))
                across.primaryNotListed.insert(snapshot.project, snapshot.unreachable.value(from.name));
            if (snapshot.unreachable.contains(to.name))
            {
                across.listingChecks.append(Check{QStringLiteral("listing"), QStringLiteral("The new primary's listings"), Check::Outcome::Failed,
                    QStringLiteral("%1 %2: %3").arg(to.name, snapshot.project, snapshot.unreachable.value(to.name)), {}});
            }
        }
        return across;
    }

    Check Repoint::onlyOnPrimaryCheck(const VersionsAcross &across, const ServerConfig &from, const ServerConfig &to, bool primaryUp, bool acceptAtRisk,
        bool copyFirst, PrimaryRisk &risk) const
    {
        Check check = onlyOnPrimaryTemplate();
        const QString accepted = acceptAtRisk ? QStringLiteral(" (accepted)") : QStringLiteral("; going on needs your acceptance");
        if (primaryUp)
        {
            check.items = across.onlyOnPrimary;
            if (!across.primaryNotListed.isEmpty())
            {
                // Up, but a project's listing failed: what only the primary has there is unknown,
                // never "nothing", and --copy-first cannot copy what it cannot list.
                const QStringList projects = across.primaryNotListed.keys();
                QStringList why;
                for (auto it = across.primaryNotListed.cbegin(); it != across.primaryNotListed.cend(); ++it)
                    why.append(it.value());
                risk.listingFailed = projects;
                QString reason = QStringLiteral("%1's %2 of %3 failed: what only it has there is unknown (%4)")
                                     .arg(from.name, projects.size() == 1 ? QStringLiteral("listing") : QStringLiteral("listings"),
                                         projects.join(QStringLiteral(", ")), why.join(QStringLiteral("; ")));
                if (copyFirst)
                    reason += QStringLiteral("; the repoint cannot copy what it cannot list");
                if (across.onlyOnPrimary.isEmpty())
                {
                    reason += QStringLiteral("; in the other projects %1 has every version %2 has").arg(to.name, from.name);
                }
                else
                {
                    reason += QStringLiteral("; in the other projects %1 versions are on %2 and not on %3 (%4)")
                                  .arg(across.onlyOnPrimary.size())
                                  .arg(from.name, to.name, versionList(across.onlyOnPrimary));
                    reason += copyFirst
                        ? QStringLiteral(", which the repoint copies first")
                        : QStringLiteral(": copy them first with 'twintrunkctl sync --from %1 --to %2', or --copy-first").arg(from.name, to.name);
                }
                if (!across.onlyOnPrimary.isEmpty() && !copyFirst)
                {
                    check.outcome = Check::Outcome::Failed; // known versions missing stop it whatever is accepted
                    check.reason = reason;
                }
                else
                {
                    check.outcome = acceptAtRisk ? Check::Outcome::Warning : Check::Outcome::NeedsConfirmation;
                    check.reason = reason + accepted;
                }
                return check;
            }
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
        QDateTime listedAt; // the oldest of its last listings: how stale the comparison is
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
            if (!listedAt.isValid() || listed->listedAt < listedAt)
                listedAt = listed->listedAt;
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
        risk = PrimaryRisk{atRisk, neverListed, listedAt, {}};
        // "(14:02, 3 h ago)": a pass on an old listing says how old it is.
        const QString when = listedAt.isValid()
            ? QStringLiteral(" (%1, %2 ago)").arg(Presentation::localTime(listedAt), Presentation::age(listedAt, QDateTime::currentDateTimeUtc()))
            : QString();
        if (!neverListed.isEmpty())
        {
            check.outcome = acceptAtRisk ? Check::Outcome::Warning : Check::Outcome::NeedsConfirmation;
            QString others;
            if (!atRisk.isEmpty())
                others = QStringLiteral("; its last listing of the others%1 had %2 %3 lacks")
                             .arg(when, Presentation::counted(atRisk.size(), QStringLiteral("version"), QStringLiteral("versions")), to.name);
            else if (listedAt.isValid())
                others = QStringLiteral("; %1 has every version its last listing of the others%2 had").arg(to.name, when);
            check.reason = QStringLiteral("%1 is down and was never listed for %2: what only it has is unknown%3%4")
                               .arg(from.name, neverListed.join(QStringLiteral(", ")), others, accepted);
            return check;
        }
        if (atRisk.isEmpty())
        {
            // Not a pass: what reached the primary after that listing is not known.
            check.outcome = Check::Outcome::Warning;
            check.reason =
                QStringLiteral("%1 is down; %2 has every version %1's last listing%3 had; what reached %1 after it is not known").arg(from.name, to.name, when);
            return check;
        }
        check.outcome = acceptAtRisk ? Check::Outcome::Warning : Check::Outcome::NeedsConfirmation;
        check.reason = QStringLiteral("%1 is down, and its last listing%2 had %3 %4 lacks (%5): they stay on %1 only, at risk until it comes back%6")
                           .arg(from.name, when, Presentation::counted(atRisk.size(), QStringLiteral("version"), QStringLiteral("versions")), to.name,
                               versionList(atRisk), accepted);
        return check;
    }

    Task<Check> Repoint::updateReadinessCheck(ServerConfig to, QHash<QString, QSet<QString>> onTarget)
    {
        // An image updating from the target must find every version its newest update maps name.
        Check readiness = updateReadinessTemplate();
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
}
