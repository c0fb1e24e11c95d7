// twintrunkctl init | status | diff | sync | journal: the workspace, the engine, the journal.

#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTimer>

#include "command.h"
#include "presentation/json.h"
#include "presentation/verdict.h"
#include "state/statedatabase.h"
#include "sync/syncengine.h"
#include "sync/synclock.h"
#include "util/duration.h"
#include "util/platform.h"
#include "workspace/workspace.h"

namespace TwinTrunk::Ctl
{
    namespace
    {
        using namespace TwinTrunk::Sync;

        QString humanBytes(qint64 bytes)
        {
            if (bytes < 0)
                return QStringLiteral("?");
            if (bytes < 1024)
                return QStringLiteral("%1 B").arg(bytes);
            if (bytes < 1024 * 1024)
                return QStringLiteral("%1 KB").arg(bytes / 1024.0, 0, 'f', 1);
            return QStringLiteral("%1 MB").arg(bytes / 1048576.0, 0, 'f', 1);
        }

        void printStatus(QTextStream &out, const StatusReport &report)
        {
            out << "Servers\n";
            for (const ServerStatus &server : report.servers)
            {
                out << "  " << server.name.leftJustified(10) << (server.primary ? "primary  " : "         ") << server.url.leftJustified(40) << ' '
                    << (server.reachable ? QStringLiteral("reachable") : QStringLiteral("UNREACHABLE: ") + server.error) << '\n';
                if (!server.primary)
                    out << "            " << Presentation::takeoverReadiness(report, server.name).text << '\n';
            }
            out << "Projects\n";
            for (const ProjectSnapshot &project : report.projects)
            {
                // The console's words (Presentation), with what is not fine in capitals for a terminal.
                const Presentation::Verdict verdict = Presentation::projectVerdict(project);
                const bool fine = verdict.level == Presentation::Level::Good || verdict.level == Presentation::Level::Note;
                out << "  " << project.project << ": " << (fine ? verdict.headline + QStringLiteral(" (digests match)") : verdict.headline.toUpper()) << '\n';
                for (const QString &problem : verdict.problems.mid(fine ? 0 : 1))
                    out << "    " << problem << '\n';
                for (const QString &server : project.servers)
                {
                    if (!project.counts.contains(server))
                        continue;
                    out << "    " << server.leftJustified(10) << QString::number(project.counts.value(server)).rightJustified(6) << " versions";
                    const int lacking = int(project.missing.value(server).size());
                    if (lacking > 0)
                        out << ", lacks " << lacking;
                    out << '\n';
                }
                for (const Lag &lag : project.lag)
                {
                    if (lag.versions > 0)
                        out << "    lag: " << Presentation::lagText(lag, report.at) << '\n';
                }
                if (!project.conflicts.isEmpty())
                    out << "    conflicts (same name, different id): " << project.conflicts.join(QStringLiteral(" ")) << " (twintrunkctl conflict "
                        << project.project << " NAME)\n";
                if (!project.decided.isEmpty())
                    out << "    decided conflicts, another variant kept under the name on some server: " << project.decided.join(QStringLiteral(" ")) << '\n';
                if (!project.regressions.isEmpty())
                    out << "    REGRESSIONS (no longer listed): " << project.regressions.join(QStringLiteral(" ")) << '\n';
                // A count: with a server down every name the others list would be here (status --json names them).
                if (!project.unknown.isEmpty())
                    out << "    identity unknown: " << Presentation::counted(project.unknown.size(), QStringLiteral("version"), QStringLiteral("versions"))
                        << " (status --json names them)\n";
                for (const QString &server : project.servers)
                {
                    if (project.damaged.contains(server))
                        out << "    DAMAGED on " << server << ": " << project.damaged.value(server).join(QStringLiteral(" ")) << " (twintrunkctl verify "
                            << project.project << " tells more; twintrunkctl repair mends)\n";
                }
                if (!project.otherBytes.isEmpty())
                    out << "    same version, other bytes (a note, not damage): " << project.otherBytes.join(QStringLiteral(" ")) << '\n';
            }
            const Presentation::Verdict overall = Presentation::overallVerdict(report);
            const bool fine = overall.level == Presentation::Level::Good || overall.level == Presentation::Level::Note;
            out << "Overall: " << (fine ? overall.headline : overall.headline.toUpper()) << '\n';
        }

        void printWarnings(Console &console, const QStringList &warnings)
        {
            for (const QString &warning : warnings)
                console.err << "warning: " << warning << '\n';
            console.err.flush();
        }
    }

    Task<int> runInit(const QStringList &arguments, Console &console)
    {
        QCommandLineParser parser;
        parser.setApplicationDescription(QStringLiteral("Write a workspace file naming the servers and projects."));
        parser.addOption(workspaceOption());
        parser.addOption(
            {QStringLiteral("server"), QStringLiteral("A server, NAME=URL (http(s):// or file:///folder); repeat for each."), QStringLiteral("NAME=URL")});
        parser.addOption({QStringLiteral("project"), QStringLiteral("A project (trunk, inbox, ...); repeat for each."), QStringLiteral("NAME")});
        parser.addOption({QStringLiteral("primary"), QStringLiteral("The server images use for updates and commits."), QStringLiteral("NAME")});
        parser.addOption({QStringLiteral("jobs"), QStringLiteral("Concurrent copies (default 4)."), QStringLiteral("N"), QStringLiteral("4")});
        parser.addOption({QStringLiteral("force"), QStringLiteral("Replace an existing workspace file.")});
        if (const int status = parseCommandLine(parser, arguments, console, QStringLiteral("init"), 0, 0); status >= 0)
            co_return status;

        QList<ServerConfig> servers;
        for (const QString &spec : parser.values(QStringLiteral("server")))
        {
            const qsizetype equals = spec.indexOf(u'=');
            if (equals <= 0)
            {
                console.err << "twintrunkctl init: --server wants NAME=URL, not '" << spec << "'\n";
                co_return ExitUsage;
            }
            ServerConfig server;
            server.name = spec.left(equals);
            const QString url = spec.mid(equals + 1);
            server.url = url.contains(QStringLiteral("://")) ? QUrl(url) : QUrl::fromLocalFile(QFileInfo(url).absoluteFilePath());
            server.primary = server.name == parser.value(QStringLiteral("primary"));
            servers.append(server);
        }
        Workspace workspace;
        workspace.setServers(servers);
        workspace.setProjects(parser.values(QStringLiteral("project")));
        bool ok = false;
        workspace.setJobs(parser.value(QStringLiteral("jobs")).toInt(&ok));
        if (!ok)
        {
            console.err << "twintrunkctl init: --jobs wants a number\n";
            co_return ExitUsage;
        }
        if (Result<void> saved = workspace.save(parser.value(workspaceOption()), parser.isSet(QStringLiteral("force"))); !saved)
            co_return failWith(console, QStringLiteral("init"), saved.error());
        console.out << "wrote " << QDir::toNativeSeparators(parser.value(workspaceOption())) << '\n';
        co_return ExitSuccess;
    }

    Task<int> runStatus(const QStringList &arguments, Console &console)
    {
        QCommandLineParser parser;
        parser.setApplicationDescription(QStringLiteral("Where things stand: each server's reachability; per project the versions per server, what each lacks, "
                                                        "conflicts, regressions, lag in each direction, and whether the servers' digests match."));
        addWorkspaceOptions(parser);
        parser.addOption(jsonOption());
        parser.addOption({QStringLiteral("check"), QStringLiteral("Exit 1 unless every project is in sync (for monitoring).")});
        parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("Only these projects."), QStringLiteral("[PROJECT...]"));
        if (const int status = parseCommandLine(parser, arguments, console, QStringLiteral("status"), 0, -1); status >= 0)
            co_return status;
        Result<OpenedWorkspace> opened = openWorkspace(parser, console);
        if (!opened)
            co_return failWith(console, QStringLiteral("status"), opened.error());

        EngineOptions options;
        options.jobs = opened->workspace.jobs();
        SyncEngine engine(opened->workspace, *opened->state, options);
        Result<StatusReport> report = co_await engine.status(parser.positionalArguments());
        if (!report)
            co_return failWith(console, QStringLiteral("status"), report.error());
        printWarnings(console, report->warnings);

        if (parser.isSet(jsonOption()))
        {
            console.out << QJsonDocument(Presentation::statusJson(report.value())).toJson(QJsonDocument::Compact) << '\n';
        }
        else
        {
            printStatus(console.out, report.value());
            for (const State::LateCommitWatch &watch : report->lateCommitWatches)
            {
                console.out << "Since the repoint: late commits on " << watch.oldPrimary << " are copied to " << watch.newPrimary << " first, until "
                            << watch.until.toString(Qt::ISODate) << '\n';
            }
        }
        if (parser.isSet(QStringLiteral("check")))
        {
            for (const ProjectSnapshot &project : report->projects)
            {
                if (!project.inSync)
                    co_return ExitFailure;
            }
        }
        co_return ExitSuccess;
    }

    Task<int> runDiff(const QStringList &arguments, Console &console)
    {
        QCommandLineParser parser;
        parser.setApplicationDescription(QStringLiteral("One row per version name of a project with its state and, on each server, its id "
                                                        "and its author and date where known."));
        addWorkspaceOptions(parser);
        parser.addOption(jsonOption());
        parser.addOption({QStringLiteral("differences"), QStringLiteral("Only rows that are not the same everywhere.")});
        parser.addOption({QStringLiteral("read-details"),
            QStringLiteral("First read the id, author and date of every version not known yet "
                           "(status reads only names on several servers); remembered.")});
        parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("The project."));
        if (const int status = parseCommandLine(parser, arguments, console, QStringLiteral("diff"), 1, 1); status >= 0)
            co_return status;
        Result<OpenedWorkspace> opened = openWorkspace(parser, console);
        if (!opened)
            co_return failWith(console, QStringLiteral("diff"), opened.error());
        SyncEngine engine(opened->workspace, *opened->state, EngineOptions{});
        const QStringList projects{parser.positionalArguments().first()};
        Result<StatusReport> report = co_await engine.status(projects);
        if (!report)
            co_return failWith(console, QStringLiteral("diff"), report.error());
        printWarnings(console, report->warnings);

        const ProjectSnapshot &project = report->projects.first();
        if (parser.isSet(QStringLiteral("read-details")))
        {
            const DetailsResult read = co_await engine.readDetails(project.project);
            printWarnings(console, read.warnings);
        }
        Result<ProjectDetails> details = projectDetails(opened->workspace, *opened->state, project.project);
        if (!details)
            co_return failWith(console, QStringLiteral("diff"), details.error());
        const auto written = [](const VersionDetail &detail) {
            return detail.authoredAt.isValid() ? detail.authoredAt.toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss")) : QString();
        };
        for (const NameRow &row : project.rows)
        {
            // Where the version is: "present" (the id may be unread), "absent", "vanished" (listed
            // before, no longer) or "unreachable" (the server was not listed: not known, never "absent").
            const auto presence = [&project, &row](const QString &server) {
                if (project.unreachable.contains(server))
                    return QStringLiteral("unreachable");
                if (row.uuids.contains(server))
                    return QStringLiteral("present");
                return row.vanishedFrom.contains(server) ? QStringLiteral("vanished") : QStringLiteral("absent");
            };
            if (parser.isSet(QStringLiteral("differences")) && row.state == VersionState::Same)
                continue;
            if (parser.isSet(jsonOption()))
            {
                QJsonObject object{{QStringLiteral("name"), row.name}, {QStringLiteral("state"), stateName(row.state)}};
                QJsonObject authors, presences;
                for (const QString &server : project.servers)
                {
                    const VersionDetail detail = details->servers.value(server).value(row.name);
                    const QString id = row.uuids.value(server).isEmpty() ? detail.id : row.uuids.value(server);
                    object.insert(server, row.uuids.contains(server) && !id.isEmpty() ? QJsonValue(id) : QJsonValue());
                    presences.insert(server, presence(server));
                    if (row.uuids.contains(server) && !detail.author.isEmpty())
                        authors.insert(server, QJsonObject{{QStringLiteral("author"), detail.author}, {QStringLiteral("written"), written(detail)}});
                }
                object.insert(QStringLiteral("authors"), authors); // as the version info says; no time zone is recorded
                object.insert(QStringLiteral("presence"), presences);
                console.out << QJsonDocument(object).toJson(QJsonDocument::Compact) << '\n';
                continue;
            }
            console.out << row.name.leftJustified(50) << ' ' << stateName(row.state).leftJustified(11);
            for (const QString &server : project.servers)
            {
                const VersionDetail detail = details->servers.value(server).value(row.name);
                const QString id = row.uuids.value(server).isEmpty() ? detail.id : row.uuids.value(server);
                // Not listed is not known: "unreachable", never the "-" of a version the server lacks.
                const QString absent = project.unreachable.contains(server) ? QStringLiteral("unreachable") : QStringLiteral("-");
                console.out << ' ' << server << ':' << (row.uuids.contains(server) ? (id.isEmpty() ? QStringLiteral("present") : id.left(8)) : absent);
                if (row.uuids.contains(server) && !detail.author.isEmpty())
                    console.out << '(' << detail.author << ' ' << written(detail) << ')';
            }
            console.out << '\n';
        }
        co_return ExitSuccess;
    }

    namespace
    {
        // The plan, and first what it could not cover: 0 copies is "nothing to copy" only when
        // every project was checked on every server.
        void printPlan(Console &console, const QList<PlanItem> &items, int jobs, const QStringList &notPlanned, bool json)
        {
            const PlanSummary summary = summarize(items, jobs);
            if (json)
            {
                console.out << QJsonDocument(Presentation::planJson(items, jobs, notPlanned)).toJson(QJsonDocument::Compact) << '\n';
                return;
            }
            if (!notPlanned.isEmpty())
                console.out << "Not planned: " << notPlanned.join(QStringLiteral("; ")) << '\n';
            QMap<QString, int> perDirection;
            for (const PlanItem &item : items)
            {
                for (const QString &target : item.targets)
                    ++perDirection[item.project + u' ' + item.source + QStringLiteral(" -> ") + target];
            }
            console.out << (notPlanned.isEmpty() ? "Plan: " : "Plan among the servers listed: ")
                        << Presentation::counted(summary.copies, QStringLiteral("copy"), QStringLiteral("copies")) << ", " << humanBytes(summary.bytes)
                        << ", about " << summary.estimatedSeconds << " s at 2 MB/s per transfer, " << jobs << " at a time\n";
            for (auto it = perDirection.cbegin(); it != perDirection.cend(); ++it)
                console.out << "  " << it.key() << ": " << it.value() << '\n';
            console.out.flush();
        }

        // What a status left unsettled that a sync cannot settle: every project on every server must
        // have been checked (one that was not could not be brought up to date, and cron must
        // notice), and a damaged copy known from before is not copied over (a repair is a decision).
        struct Unsettled
        {
            QStringList notChecked;
            int damagedKnown = 0;
            int conflicts = 0;
        };

        Unsettled unsettled(const StatusReport &report, Console &console)
        {
            Unsettled found;
            for (const ProjectSnapshot &project : report.projects)
            {
                for (const QString &server : project.servers)
                {
                    if (project.unreachable.contains(server))
                        found.notChecked.append(QStringLiteral("%1 on %2: %3").arg(project.project, server, project.unreachable.value(server)));
                }
                for (const QString &what : project.notChecked)
                    found.notChecked.append(QStringLiteral("%1: %2 could not be read").arg(project.project, what));
                for (auto it = project.damaged.cbegin(); it != project.damaged.cend(); ++it)
                {
                    found.damagedKnown += int(it->size());
                    console.err << "twintrunkctl sync: damaged on " << it.key() << ": " << project.project << ' ' << it->join(QStringLiteral(" "))
                                << " (twintrunkctl verify, then repair)\n";
                }
                found.conflicts += int(project.conflicts.size());
            }
            for (const QString &skipped : std::as_const(found.notChecked))
                console.err << "twintrunkctl sync: not checked: " << skipped << '\n';
            return found;
        }

        // Each copy as it ends (JSON events, or failures on stderr) and a progress bar on a terminal.
        void followRun(SyncEngine &engine, Console &console, bool json, bool terminal)
        {
            auto sinceDraw = std::make_shared<QElapsedTimer>();
            sinceDraw->start();
            QObject::connect(&engine, &SyncEngine::copyFinished, &engine, [&console, json](const CopyOutcome &outcome) {
                if (json)
                {
                    console.out << QJsonDocument(Presentation::copyJson(outcome)).toJson(QJsonDocument::Compact) << '\n';
                    console.out.flush();
                }
                else if (outcome.result == CopyOutcome::Result::Failed)
                {
                    console.err << "\nfailed: " << outcome.project << '/' << outcome.name << " " << outcome.source << " -> " << outcome.target << ": "
                                << outcome.error << '\n';
                }
            });
            QObject::connect(&engine, &SyncEngine::progressed, &engine, [&console, json, terminal, sinceDraw](const SyncProgress &progress) {
                if (json)
                {
                    console.out << QJsonDocument(Presentation::progressJson(progress)).toJson(QJsonDocument::Compact) << '\n';
                    console.out.flush();
                }
                else if (terminal && (sinceDraw->elapsed() > 100 || progress.itemsDone == progress.itemsTotal))
                {
                    sinceDraw->restart();
                    const int width = 30;
                    const int filled = progress.itemsTotal > 0 ? width * progress.itemsDone / progress.itemsTotal : width;
                    console.out << "\r[" << QString(filled, u'#') << QString(width - filled, u'.') << "] " << progress.itemsDone << '/' << progress.itemsTotal
                                << "  " << humanBytes(progress.bytesDone) << '/' << humanBytes(progress.bytesTotal) << "  "
                                << humanBytes(qint64(progress.bytesPerSecond)) << "/s  ETA "
                                << (progress.etaSeconds >= 0 ? QString::number(progress.etaSeconds) + u's' : QStringLiteral("?")) << "   ";
                    console.out.flush();
                }
            });
        }

        void printSyncResult(Console &console, const SyncResult &result, const Unsettled &left, bool json)
        {
            if (json)
            {
                console.out << QJsonDocument(Presentation::syncSummaryJson(result, left.notChecked, left.conflicts)).toJson(QJsonDocument::Compact) << '\n';
                return;
            }
            if (result.interruptedSettled > 0)
                console.out << "copies of an interrupted run accounted for in the journal: " << result.interruptedSettled << '\n';
            console.out << "copied and verified " << result.copied << ", already present " << result.alreadyPresent << ", failed " << result.failed;
            if (result.damaged > 0)
                console.out << " (" << result.damaged << " damaged)";
            if (result.notStarted > 0)
                console.out << ", not started (stopped) " << result.notStarted;
            if (!left.notChecked.isEmpty())
                console.out << ", projects not checked " << left.notChecked.size();
            // Where a server was not listed its conflicts are not known: never "0".
            if (left.notChecked.isEmpty())
                console.out << ", conflicts left " << left.conflicts << '\n';
            else if (left.conflicts > 0)
                console.out << ", conflicts left not known (at least " << left.conflicts << ")\n";
            else
                console.out << ", conflicts left not known\n";
            for (const CopyOutcome &failure : result.failures)
                console.out << "  failed: " << failure.project << '/' << failure.name << ' ' << failure.source << " -> " << failure.target << ": "
                            << failure.error << '\n';
            for (const QString &note : result.notes)
                console.out << "  note: " << note << '\n';
        }

        // One discovery-plan-propagate cycle. Returns the exit status.
        Task<int> syncCycle(SyncEngine &engine, const QCommandLineParser &parser, Console &console, bool json, bool terminal)
        {
            QStringList projects;
            if (parser.isSet(QStringLiteral("project")))
                projects.append(parser.value(QStringLiteral("project")));
            Result<StatusReport> report = co_await engine.status(projects);
            if (!report)
                co_return failWith(console, QStringLiteral("sync"), report.error());
            printWarnings(console, report->warnings);
            const Unsettled left = unsettled(report.value(), console);
            const QList<PlanItem> items = engine.plan(report.value(),
                PlanFilter{parser.value(QStringLiteral("project")), parser.value(QStringLiteral("from")), parser.value(QStringLiteral("to"))});
            printPlan(console, items, engine.jobs(), Presentation::notPlanned(report.value()), json);
            // A dry run exits as the run would before copying: 1 when a project could not be
            // checked (the plan is incomplete) or a damaged copy is known.
            if (parser.isSet(QStringLiteral("dry-run")))
                co_return left.notChecked.isEmpty() && left.damagedKnown == 0 ? ExitSuccess : ExitFailure;

            followRun(engine, console, json, terminal);
            const SyncResult result = co_await engine.run(items);
            QObject::disconnect(&engine, nullptr, &engine, nullptr);
            printWarnings(console, result.warnings);
            if (terminal && !json && !items.isEmpty())
                console.out << '\n';
            printSyncResult(console, result, left, json);
            console.out.flush();
            // A project not checked could not be brought up to date: say so in the status too.
            co_return result.ok() && left.notChecked.isEmpty() && left.damagedKnown == 0 ? ExitSuccess : ExitFailure;
        }
    }

    Task<int> runSync(const QStringList &arguments, Console &console)
    {
        QCommandLineParser parser;
        parser.setApplicationDescription(
            QStringLiteral("Copy every version a server lacks from one that has it: raw bytes, the download checked whole (every member's CRC-32) "
                           "and each target's copy read back whole and compared byte for byte (SHA-256), never overwriting or deleting anything; "
                           "conflicts, regressions and damaged copies are left for a person. Exit status 0 when every project was checked on every "
                           "server, every planned copy verified and no damaged copy is known; 1 when a project could not be checked (a server "
                           "unreachable, a suspect listing), a copy failed, or a damaged copy is known (a dry run likewise, before copying: its plan "
                           "then says first what it could not cover); 2 for a wrong command line."));
        addWorkspaceOptions(parser);
        parser.addOption(jsonOption());
        parser.addOption({QStringLiteral("dry-run"), QStringLiteral("Show the plan (copies, bytes, estimated time) and copy nothing.")});
        parser.addOption({QStringLiteral("project"), QStringLiteral("Only this project."), QStringLiteral("P")});
        parser.addOption({QStringLiteral("from"), QStringLiteral("Only copies from this server."), QStringLiteral("S")});
        parser.addOption({QStringLiteral("to"), QStringLiteral("Only copies to this server."), QStringLiteral("T")});
        parser.addOption({QStringLiteral("jobs"), QStringLiteral("Concurrent copies (default: the workspace's sync.jobs)."), QStringLiteral("N")});
        parser.addOption(
            {QStringLiteral("every"), QStringLiteral("Run a cycle every DURATION (30s, 5m, 1h) until stopped (SIGTERM, Ctrl-C)."), QStringLiteral("DURATION")});
        if (const int status = parseCommandLine(parser, arguments, console, QStringLiteral("sync"), 0, 0); status >= 0)
            co_return status;
        Result<OpenedWorkspace> opened = openWorkspace(parser, console);
        if (!opened)
            co_return failWith(console, QStringLiteral("sync"), opened.error());
        for (const QString &option : {QStringLiteral("from"), QStringLiteral("to")})
        {
            if (parser.isSet(option) && !opened->workspace.server(parser.value(option)))
                co_return failWith(console, QStringLiteral("sync"),
                    Error{opened->workspace.filePath(), QStringLiteral("no server '%1'").arg(parser.value(option))});
        }

        EngineOptions options;
        options.jobs = opened->workspace.jobs();
        if (parser.isSet(QStringLiteral("jobs")))
        {
            bool ok = false;
            options.jobs = parser.value(QStringLiteral("jobs")).toInt(&ok);
            if (!ok || options.jobs < 1 || options.jobs > 64)
            {
                console.err << "twintrunkctl sync: --jobs wants a number from 1 to 64\n";
                co_return ExitUsage;
            }
        }
        const qint64 every = parser.isSet(QStringLiteral("every")) ? parseDurationSeconds(parser.value(QStringLiteral("every"))) : 0;
        if (every < 0 || (parser.isSet(QStringLiteral("every")) && every == 0))
        {
            console.err << "twintrunkctl sync: --every wants a duration such as 30s, 5m or 1h\n";
            co_return ExitUsage;
        }

        // One replication at a time per workspace; a second one says so instead of racing the
        // first. `--every` holds the lock for each cycle only, so that a repoint's copies or the
        // console's Replicate can run between cycles; a cycle that finds it held is skipped.
        const bool locking = !parser.isSet(QStringLiteral("dry-run"));
        std::unique_ptr<SyncLock> lock;
        if (locking && every == 0)
        {
            Result<std::unique_ptr<SyncLock>> acquired = SyncLock::acquire(opened->workspace.filePath());
            if (!acquired)
                co_return failWith(console, QStringLiteral("sync"), acquired.error());
            lock = std::move(acquired).value();
        }

        SyncEngine engine(opened->workspace, *opened->state, options);
        bool stopping = false;
        std::function<void()> wake; // ends the wait between cycles early
        Platform::installStopHandler([&] {
            stopping = true;
            engine.requestStop();
            if (wake)
                wake();
        });
        const bool json = parser.isSet(jsonOption());
        const bool terminal = !json && Platform::isTerminal(stdout);
        int status = ExitSuccess;
        while (true)
        {
            if (locking && !lock)
            {
                Result<std::unique_ptr<SyncLock>> acquired = SyncLock::acquire(opened->workspace.filePath());
                if (acquired)
                    lock = std::move(acquired).value();
                else
                {
                    console.err << "twintrunkctl sync: cycle skipped: " << acquired.error().message << '\n';
                    console.err.flush();
                }
            }
            if (lock || !locking)
                status = co_await syncCycle(engine, parser, console, json, terminal);
            if (every == 0 || stopping)
                break;
            lock.reset();
            QTimer next;
            next.setSingleShot(true);
            auto sleep = [&](std::function<void()> done) {
                wake = done;
                QObject::connect(&next, &QTimer::timeout, &next, done);
                next.start(std::chrono::seconds(every));
            };
            co_await whenCalled(sleep);
            wake = nullptr;
            if (stopping)
                break;
        }
        co_return every > 0 && stopping ? ExitSuccess : status;
    }

    Task<int> runJournal(const QStringList &arguments, Console &console)
    {
        QCommandLineParser parser;
        parser.setApplicationDescription(QStringLiteral("The operations journal: who did what, when, and how it ended."));
        addWorkspaceOptions(parser);
        parser.addOption(jsonOption());
        parser.addOption({QStringLiteral("since"), QStringLiteral("Only entries since TIME (2026-11-27T10:00, or 90m, 2h, 3d ago)."), QStringLiteral("TIME")});
        if (const int status = parseCommandLine(parser, arguments, console, QStringLiteral("journal"), 0, 0); status >= 0)
            co_return status;
        Result<OpenedWorkspace> opened = openWorkspace(parser, console);
        if (!opened)
            co_return failWith(console, QStringLiteral("journal"), opened.error());
        QDateTime since;
        if (parser.isSet(QStringLiteral("since")))
        {
            const QString value = parser.value(QStringLiteral("since"));
            const qint64 ago = parseDurationSeconds(value);
            since = ago >= 0 ? QDateTime::currentDateTimeUtc().addSecs(-ago) : QDateTime::fromString(value, Qt::ISODate);
            if (!since.isValid())
            {
                console.err << "twintrunkctl journal: --since wants a time such as 2026-11-27T10:00 or a duration such as 2h\n";
                co_return ExitUsage;
            }
        }
        Result<QList<State::JournalEntry>> entries = opened->state->journalSince(since);
        if (!entries)
            co_return failWith(console, QStringLiteral("journal"), entries.error());
        for (const State::JournalEntry &entry : entries.value())
        {
            if (parser.isSet(jsonOption()))
            {
                console.out << QJsonDocument(
                    QJsonObject{{QStringLiteral("id"), entry.id}, {QStringLiteral("at"), entry.at.toString(Qt::ISODateWithMs)},
                        {QStringLiteral("who"), entry.who}, {QStringLiteral("operation"), entry.operation}, {QStringLiteral("project"), entry.project},
                        {QStringLiteral("name"), entry.name}, {QStringLiteral("source"), entry.source}, {QStringLiteral("target"), entry.target},
                        {QStringLiteral("result"), entry.result}, {QStringLiteral("detail"), entry.detail}})
                                   .toJson(QJsonDocument::Compact)
                            << '\n';
            }
            else
            {
                console.out << entry.at.toString(Qt::ISODate) << "  " << entry.operation << ' ' << entry.result << "  " << entry.project << '/' << entry.name
                            << "  " << entry.source << " -> " << entry.target << "  " << entry.who;
                if (!entry.detail.isEmpty())
                    console.out << "  " << entry.detail;
                console.out << '\n';
            }
        }
        co_return ExitSuccess;
    }
}
