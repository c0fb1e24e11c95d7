// twintrunkctl health | repoint: is each server fit to serve, and making another one the primary.

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTemporaryDir>

#include "command.h"
#include "failover/repoint.h"
#include "health/health.h"
#include "health/updatereadiness.h"
#include "presentation/json.h"
#include "presentation/verdict.h"
#include "util/platform.h"

namespace TwinTrunk::Ctl
{
    namespace
    {
        QString time(const QDateTime &at)
        {
            return at.isValid() ? at.toUTC().toString(Qt::ISODate) : QString();
        }

        // The server card's words (Presentation::healthWords), what is not fine in capitals.
        QString healthLine(const Health::ServerHealth &health, const QDateTime &now)
        {
            const Presentation::HealthWords words = Presentation::healthWords(health);
            QString line = QStringLiteral("  %1 %2 %3")
                               .arg(health.name, -10)
                               .arg(health.primary ? QStringLiteral("primary") : QString(), -8)
                               .arg(words.level == Presentation::Level::Good ? words.state.toLower() : words.state.toUpper(), -5);
            if (health.up)
            {
                line += QStringLiteral("%1 ms").arg(health.latencyMs);
                if (health.latency.samples > 1)
                    line += QStringLiteral(" (p50 %1, p95 %2 ms over %3 probes)").arg(health.latency.p50).arg(health.latency.p95).arg(health.latency.samples);
            }
            else if (health.probed)
            {
                line += QStringLiteral("%1 (%2: %3)").arg(words.why, health.errorClass, health.error);
            }
            if (health.stateSince.isValid())
                line += QStringLiteral("; %1 for %2").arg(health.up ? QStringLiteral("up") : QStringLiteral("down"), Presentation::age(health.stateSince, now));
            if (health.probed && !health.up)
                line += QStringLiteral("; ") + Presentation::lastAnswered(health.lastSuccess, now);
            if (!health.stateWarning.isEmpty())
                line += QStringLiteral(" (not recorded: %1)").arg(health.stateWarning);
            return line;
        }

        // Each newest update map of each project on each server that is up, checked against its listing.
        Task<QHash<QString, QList<Health::UpdateReadiness>>> updateReadiness(const Workspace &workspace, QList<Health::ServerHealth> servers)
        {
            QHash<QString, QList<Health::UpdateReadiness>> result;
            QTemporaryDir scratch;
            for (const Health::ServerHealth &health : servers)
            {
                if (!health.up)
                    continue;
                const ServerConfig *config = workspace.server(health.name);
                std::unique_ptr<Repository::Repository> repository =
                    Repository::Repository::create(config->name, config->url, workspace.credentialsFor(*config));
                for (const QString &project : workspace.projects())
                {
                    std::unique_ptr<Repository::ResultReply<Repository::Listing>> listing = co_await Repository::whenFinished(repository->list(project));
                    if (listing->failed())
                    {
                        result[health.name].append(Health::UpdateReadiness{health.name, project, {}, listing->error().toString()});
                        continue;
                    }
                    QSet<QString> names;
                    for (const Repository::ListingEntry &entry : listing->result().entries)
                        names.insert(entry.fileName);
                    Health::UpdateReadiness readiness = co_await Health::checkUpdateReadiness(*repository, health.name, project, names, scratch.path());
                    result[health.name].append(std::move(readiness));
                }
            }
            co_return result;
        }

        void printReadiness(Console &console, const QString &server, const QList<Health::UpdateReadiness> &list)
        {
            for (const Health::UpdateReadiness &readiness : list)
            {
                console.out << "  " << server << ' ' << readiness.project << ": ";
                if (!readiness.error.isEmpty())
                {
                    console.out << "not checked: " << readiness.error << '\n';
                    continue;
                }
                if (readiness.maps.isEmpty())
                {
                    console.out << "no update maps\n";
                    continue;
                }
                console.out << (readiness.ready() ? "images can update" : "images CANNOT update") << '\n';
                for (const Health::MapCheck &map : readiness.maps)
                {
                    console.out << "    " << map.map << ": ";
                    if (!map.error.isEmpty())
                        console.out << map.error << '\n';
                    else if (map.missing.isEmpty())
                        console.out << "all " << map.versions << " versions present\n";
                    else
                        console.out << map.missing.size() << " of " << map.versions << " versions missing: " << map.missing.join(QStringLiteral(", ")) << '\n';
                }
            }
        }

        // Each check as the repoint wizard's row: its result in the wizard's words, its title, its reason.
        void printCheck(Console &console, const Failover::Check &check)
        {
            console.out << "  [" << Presentation::checkOutcomeText(check.outcome) << "] " << check.title << ": " << check.reason << '\n';
            if (check.outcome == Failover::Check::Outcome::NeedsConfirmation)
                console.out << "           to go on anyway: --accept-at-risk\n";
            const int shown = 20;
            for (qsizetype i = 0; i < std::min<qsizetype>(check.items.size(), shown); ++i)
                console.out << "           " << check.items.at(i) << '\n';
            if (check.items.size() > shown)
                console.out << "           ... and " << (check.items.size() - shown) << " more (--json lists all)\n";
        }

        // The preflight, then "Type yes" on a terminal. Returns the exit status when the repoint must
        // not go on, or -1 when the admin confirmed.
        Task<int> confirmRepoint(Failover::Repoint &repoint, QString target, Failover::RepointOptions options, Console &console, bool json)
        {
            Failover::RepointOptions preview = options;
            preview.dryRun = true;
            const Failover::RepointReport report = co_await repoint.preflight(target, preview);
            if (!json)
            {
                console.out << "Preflight: " << report.from << " -> " << report.to << '\n';
                for (const Failover::Check &check : report.checks)
                    printCheck(console, check);
                console.out.flush();
            }
            if (!report.preflightPassed(options.acceptAtRisk))
            {
                if (json)
                    console.out << QJsonDocument(report.toJson()).toJson(QJsonDocument::Compact) << '\n';
                console.err << "twintrunkctl repoint: preflight failed; nothing was changed\n";
                co_return ExitFailure;
            }
            if (!Platform::isTerminal(stdin))
            {
                console.err << "twintrunkctl repoint: not a terminal to ask on: add --yes to repoint, or --dry-run\n";
                co_return ExitUsage;
            }
            // The risk accepted first, in the console's words.
            if (const QString risk = Presentation::repointRisk(report, QDateTime::currentDateTimeUtc()); options.acceptAtRisk && !risk.isEmpty())
                console.out << risk << '\n';
            console.out << "Make " << target << " the primary now? Type yes: ";
            console.out.flush();
            QTextStream in(stdin);
            if (in.readLine().trimmed() != u"yes")
            {
                console.err << "twintrunkctl repoint: not confirmed; nothing was changed\n";
                co_return ExitFailure;
            }
            co_return -1;
        }

        void printRepointReport(Console &console, const Failover::RepointReport &report)
        {
            console.out << "Preflight: " << report.from << " -> " << report.to << '\n';
            for (const Failover::Check &check : report.checks)
                printCheck(console, check);
            if (!report.actions.isEmpty())
                console.out << "Actions\n";
            for (const Failover::ActionStep &action : report.actions)
            {
                console.out << "  [" << Failover::outcomeName(action.outcome) << "] " << action.description << '\n';
                if (!action.error.isEmpty())
                    console.out << "           error: " << action.error << '\n';
                if (!action.rollback.isEmpty())
                    console.out << "           rollback: " << action.rollback << '\n';
                if (!action.output.isEmpty() && action.id != u"image-snippet")
                {
                    for (const QString &line : action.output.split(u'\n'))
                        console.out << "           | " << line << '\n';
                }
            }
            if (!report.verification.id.isEmpty())
            {
                console.out << "Verification\n";
                printCheck(console, report.verification);
            }
            console.out << (report.succeeded ? "" : "NOT DONE: ") << report.summary << '\n';
        }
    }

    Task<int> runHealth(const QStringList &arguments, Console &console)
    {
        QCommandLineParser parser;
        parser.setApplicationDescription(
            QStringLiteral("Probe each server (the start of the first project's listing, timed) and show whether it is up, its latency, "
                           "since when, its last success and its error; then, for each server that is up, whether an image can update "
                           "from it: every version named by the newest update map of each project is there. Every probe is kept in the "
                           "state database. Exit status 1 when a server is down or cannot serve an update map."));
        addWorkspaceOptions(parser);
        parser.addOption(jsonOption());
        parser.addOption({QStringLiteral("watch"),
            QStringLiteral("Keep probing (the workspace's health.interval, backing off while a server is down) "
                           "and print each probe, until stopped.")});
        parser.addOption({QStringLiteral("no-readiness"), QStringLiteral("Skip the update-map check.")});
        if (const int status = parseCommandLine(parser, arguments, console, QStringLiteral("health"), 0, 0); status >= 0)
            co_return status;
        Result<OpenedWorkspace> opened = openWorkspace(parser, console);
        if (!opened)
            co_return failWith(console, QStringLiteral("health"), opened.error());
        const bool json = parser.isSet(jsonOption());
        Health::HealthMonitor monitor(opened->workspace, *opened->state);

        if (parser.isSet(QStringLiteral("watch")))
        {
            QObject::connect(&monitor, &Health::HealthMonitor::probed, &monitor, [&](const Health::ServerHealth &health) {
                const QDateTime now = QDateTime::currentDateTimeUtc();
                const qint64 next = Health::nextProbeDelaySeconds(opened->workspace.health(), health.consecutiveFailures);
                if (json)
                {
                    QJsonObject object = Presentation::healthJson(health);
                    object.insert(QStringLiteral("at"), time(now));
                    object.insert(QStringLiteral("nextProbeSeconds"), next);
                    console.out << QJsonDocument(object).toJson(QJsonDocument::Compact) << '\n';
                }
                else
                {
                    console.out << time(now) << healthLine(health, now) << "; next probe in " << next << " s\n";
                }
                console.out.flush();
            });
            monitor.start();
            // Until SIGTERM or Ctrl-C.
            auto untilStopped = [](std::function<void()> stopped) { Platform::installStopHandler(std::move(stopped)); };
            co_await whenCalled(untilStopped);
            monitor.stop();
            co_return ExitSuccess;
        }

        const QList<Health::ServerHealth> servers = co_await monitor.probeAll();
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QHash<QString, QList<Health::UpdateReadiness>> readiness;
        if (!parser.isSet(QStringLiteral("no-readiness")))
            readiness = co_await updateReadiness(opened->workspace, servers);
        bool healthy = true;
        for (const Health::ServerHealth &health : servers)
        {
            healthy = healthy && health.up;
            for (const Health::UpdateReadiness &check : readiness.value(health.name))
                healthy = healthy && check.ready();
        }
        if (json)
        {
            for (const Health::ServerHealth &health : servers)
            {
                QJsonObject object = Presentation::healthJson(health);
                if (readiness.contains(health.name))
                    object.insert(QStringLiteral("updateReadiness"), Presentation::readinessJson(readiness.value(health.name)));
                console.out << QJsonDocument(object).toJson(QJsonDocument::Compact) << '\n';
            }
            co_return healthy ? ExitSuccess : ExitFailure;
        }
        console.out << "Servers\n";
        for (const Health::ServerHealth &health : servers)
            console.out << healthLine(health, now) << '\n';
        if (!readiness.isEmpty())
        {
            console.out << "Update readiness\n";
            for (const Health::ServerHealth &health : servers)
                printReadiness(console, health.name, readiness.value(health.name));
        }
        co_return healthy ? ExitSuccess : ExitFailure;
    }

    Task<int> runRepoint(const QStringList &arguments, Console &console)
    {
        QCommandLineParser parser;
        parser.setApplicationDescription(
            QStringLiteral("Make another server the primary. Preflight: the target answers, has every version the current primary has "
                           "(or, with the primary down, what its last listing had: --accept-at-risk to go on without those), open "
                           "conflicts, update readiness. Then the workspace's repoint actions in order (front proxy include and reload, "
                           "command, image snippet), and a check that the public URL now serves what the target serves. If an action or "
                           "the check fails, every action done is undone. Journaled. Exit status 0 only when the new primary is verified "
                           "(with --dry-run: when every preflight check passes)."));
        addWorkspaceOptions(parser);
        parser.addOption(jsonOption());
        parser.addOption({QStringLiteral("to"), QStringLiteral("The server to make the primary."), QStringLiteral("SERVER")});
        parser.addOption({QStringLiteral("dry-run"), QStringLiteral("Run the preflight and show the actions; change nothing.")});
        parser.addOption({QStringLiteral("yes"), QStringLiteral("Do it without asking (for scripts; required when stdin is not a terminal).")});
        parser.addOption({QStringLiteral("accept-at-risk"),
            QStringLiteral("Go on although what only the primary has may be missing from the target: versions its last listing (it is down) had, or "
                           "a project it was never listed for or whose listing failed.")});
        parser.addOption({QStringLiteral("copy-first"),
            QStringLiteral("With the primary up: copy what only it has to the target first (verified), switch, then copy what reached it "
                           "meanwhile. For a planned move while images keep committing.")});
        if (const int status = parseCommandLine(parser, arguments, console, QStringLiteral("repoint"), 0, 0); status >= 0)
            co_return status;
        if (!parser.isSet(QStringLiteral("to")))
        {
            console.err << "twintrunkctl repoint: name the new primary with --to SERVER\n";
            co_return ExitUsage;
        }
        Result<OpenedWorkspace> opened = openWorkspace(parser, console);
        if (!opened)
            co_return failWith(console, QStringLiteral("repoint"), opened.error());
        const bool json = parser.isSet(jsonOption());
        const QString target = parser.value(QStringLiteral("to"));
        Failover::RepointOptions options;
        options.dryRun = parser.isSet(QStringLiteral("dry-run"));
        options.acceptAtRisk = parser.isSet(QStringLiteral("accept-at-risk"));
        options.copyFirst = parser.isSet(QStringLiteral("copy-first"));

        Failover::Repoint repoint(opened.value().workspace, *opened->state, [&](const QString &line) {
            if (!json)
            {
                console.err << "... " << line << '\n';
                console.err.flush();
            }
        });

        // Asking happens between the preflight and the actions, so the admin answers having read it.
        if (!options.dryRun && !parser.isSet(QStringLiteral("yes")))
        {
            if (const int refused = co_await confirmRepoint(repoint, target, options, console, json); refused >= 0)
                co_return refused;
        }
        const Failover::RepointReport report = co_await repoint.run(target, options);
        if (json)
            console.out << QJsonDocument(report.toJson()).toJson(QJsonDocument::Compact) << '\n';
        else
            printRepointReport(console, report);
        co_return report.succeeded ? ExitSuccess : ExitFailure;
    }
}
