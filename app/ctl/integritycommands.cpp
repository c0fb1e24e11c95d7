// twintrunkctl verify | repair: reading stored copies whole, and mending the damaged ones.

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "command.h"
#include "presentation/json.h"
#include "presentation/verdict.h"
#include "sync/repair.h"
#include "sync/syncengine.h"
#include "sync/synclock.h"
#include "util/duration.h"
#include "util/platform.h"

namespace TwinTrunk::Ctl
{
    namespace
    {
        using namespace TwinTrunk::Sync;

        constexpr qint64 DefaultBudgetBytes = qint64(1024) * 1024 * 1024;

        void printResult(QTextStream &out, const ScrubResult &result, const QDateTime &now)
        {
            out << "read " << result.read << " copies whole (" << QString::number(double(result.bytesRead) / 1048576.0, 'f', 1) << " MB): " << result.sound
                << " sound, " << result.healed << " healed, " << result.damagedFound << " damaged now";
            if (result.unreadable > 0)
                out << ", " << result.unreadable << " NOT READ (see below)";
            // What could not be read is read first next time, as what the budget left.
            out << "; " << result.notRead + result.unreadable << " left for the next run (least recently read first)\n";
            // A server down makes every copy on it unread: a few lines of it, then a count.
            constexpr int UnreadShownPerServer = 3;
            QHash<QString, int> unreadOn;
            for (const ScrubFinding &finding : result.findings)
            {
                if (finding.kind == ScrubFinding::Kind::Unreadable && ++unreadOn[finding.server] > UnreadShownPerServer)
                    continue;
                if (finding.kind == ScrubFinding::Kind::Unreadable || finding.kind == ScrubFinding::Kind::Healed || finding.kind == ScrubFinding::Kind::Damaged
                    || (finding.kind == ScrubFinding::Kind::Sound && !finding.detail.isEmpty()))
                    out << "  " << Presentation::findingName(finding.kind) << ": " << finding.server << ' ' << finding.project << ' ' << finding.name << ": "
                        << finding.detail << '\n';
            }
            for (auto it = unreadOn.cbegin(); it != unreadOn.cend(); ++it)
            {
                if (it.value() > UnreadShownPerServer)
                    out << "  ... and " << it.value() - UnreadShownPerServer << " more copies on " << it.key() << " not read (--json lists them all)\n";
            }
            for (auto it = result.coverage.cbegin(); it != result.coverage.cend(); ++it)
            {
                const QDateTime full = it->fullyVerifiedAt();
                out << it.key() << ": ";
                if (full.isValid())
                    out << "fully verified " << Presentation::age(full, now) << " ago (every one of its " << it->listed << " copies read whole since)\n";
                else
                    out << "not fully verified yet: " << it->read << " of " << it->listed << " copies read whole and sound\n";
            }
            for (const DamagedCopy &copy : result.damaged)
            {
                out << "DAMAGED on " << copy.copy.server << ": " << copy.copy.project << ' ' << copy.copy.name << ": " << copy.copy.damage << '\n';
                if (copy.soundOn.isEmpty())
                    out << "  no sound copy of it is known on another server: twintrunkctl verify reads them\n";
                else
                    out << "  a sound copy is on " << copy.soundOn.join(QStringLiteral(", ")) << ": twintrunkctl repair " << copy.copy.project << ' '
                        << copy.copy.name << " --from " << copy.soundOn.first() << '\n';
            }
            for (const QString &note : result.otherBytes)
                out << "note: same version, other bytes on another server (not damage): " << note << '\n';
        }
    }

    Task<int> runVerify(const QStringList &arguments, Console &console)
    {
        QCommandLineParser parser;
        parser.setApplicationDescription(
            QStringLiteral("Read stored copies whole, least recently read first, like a ZFS scrub: each archive is checked (every member's CRC-32, its "
                           "name and id) and its bytes compared with those recorded for that copy. Damaged copies are recorded and reported with the "
                           "servers that hold a sound one; a nightly run within a budget covers the whole trunk over a few nights. Exit status 0 when "
                           "no damaged copy is known and every copy chosen was read, 1 otherwise."));
        addWorkspaceOptions(parser);
        parser.addOption(jsonOption());
        parser.addOption({QStringLiteral("budget"), QStringLiteral("Read up to SIZE this run (500M, 2G; default 1G)."), QStringLiteral("SIZE")});
        parser.addOption({QStringLiteral("all"), QStringLiteral("Read every copy, whatever it amounts to.")});
        parser.addOption({QStringLiteral("jobs"), QStringLiteral("Reads at a time (default 2)."), QStringLiteral("N"), QStringLiteral("2")});
        parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("Only this project."), QStringLiteral("[PROJECT]"));
        if (const int status = parseCommandLine(parser, arguments, console, QStringLiteral("verify"), 0, 1); status >= 0)
            co_return status;
        if (parser.isSet(QStringLiteral("budget")) && parser.isSet(QStringLiteral("all")))
        {
            console.err << "twintrunkctl verify: --budget and --all exclude each other\n";
            co_return ExitUsage;
        }
        ScrubOptions options;
        options.budgetBytes = parser.isSet(QStringLiteral("all")) ? -1
            : parser.isSet(QStringLiteral("budget"))              ? parseByteSize(parser.value(QStringLiteral("budget")))
                                                                  : DefaultBudgetBytes;
        if (!parser.isSet(QStringLiteral("all")) && options.budgetBytes <= 0)
        {
            console.err << "twintrunkctl verify: --budget wants a size such as 500M or 2G\n";
            co_return ExitUsage;
        }
        bool jobsOk = false;
        options.jobs = parser.value(QStringLiteral("jobs")).toInt(&jobsOk);
        if (!jobsOk || options.jobs < 1 || options.jobs > 16)
        {
            console.err << "twintrunkctl verify: --jobs wants a number from 1 to 16\n";
            co_return ExitUsage;
        }
        Result<OpenedWorkspace> opened = openWorkspace(parser, console);
        if (!opened)
            co_return failWith(console, QStringLiteral("verify"), opened.error());
        options.projects = parser.positionalArguments().isEmpty() ? opened->workspace.projects() : parser.positionalArguments();
        // Not while a sync or a repair writes: what is read and recorded must not change under it.
        Result<std::unique_ptr<SyncLock>> lock = SyncLock::acquire(opened->workspace.filePath());
        if (!lock)
            co_return failWith(console, QStringLiteral("verify"), lock.error());

        SyncEngine engine(opened->workspace, *opened->state, EngineOptions{});
        // The listings first: what is listed now is what is read.
        Result<StatusReport> report = co_await engine.status(options.projects);
        if (!report)
            co_return failWith(console, QStringLiteral("verify"), report.error());
        for (const QString &warning : report->warnings)
            console.err << "warning: " << warning << '\n';
        bool allChecked = true;
        for (const ProjectSnapshot &project : report->projects)
        {
            for (auto it = project.unreachable.cbegin(); it != project.unreachable.cend(); ++it)
            {
                console.err << "twintrunkctl verify: not read: " << project.project << " on " << it.key() << ": " << it.value() << '\n';
                allChecked = false;
            }
            for (const QString &what : project.notChecked)
            {
                console.err << "twintrunkctl verify: " << project.project << ": not checked: " << what << '\n';
                allChecked = false;
            }
        }
        Platform::installStopHandler([&engine] { engine.requestStop(); });
        const ScrubResult result = co_await engine.verify(options);
        for (const QString &warning : result.warnings)
            console.err << "warning: " << warning << '\n';
        const QDateTime now = QDateTime::currentDateTimeUtc();
        if (parser.isSet(jsonOption()))
            console.out << QJsonDocument(Presentation::scrubJson(result, now)).toJson(QJsonDocument::Compact) << '\n';
        else
            printResult(console.out, result, now);
        co_return result.clean() && allChecked ? ExitSuccess : ExitFailure;
    }

    Task<int> runRepair(const QStringList &arguments, Console &console)
    {
        QCommandLineParser parser;
        parser.setApplicationDescription(
            QStringLiteral("Replace the damaged copies of a version with the sound copy on SERVER: each damaged copy's bytes go to the quarantine "
                           "folder first, checksummed; it is deleted where its server permits it; the sound copy is uploaded and read back whole. "
                           "Every step is journaled; an interrupted repair resumes when run again. A server that refuses deletes keeps its damaged "
                           "copy, and the report says what images loading from it get."));
        addWorkspaceOptions(parser);
        parser.addOption(jsonOption());
        parser.addOption({QStringLiteral("from"), QStringLiteral("The server whose copy is sound (see twintrunkctl verify)."), QStringLiteral("SERVER")});
        parser.addOption({QStringLiteral("dry-run"), QStringLiteral("Check the sound copy and show the steps; change nothing.")});
        parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("The project."));
        parser.addPositionalArgument(QStringLiteral("NAME"), QStringLiteral("The version's file name (Kernel-eem.1336.mcz)."));
        if (const int status = parseCommandLine(parser, arguments, console, QStringLiteral("repair"), 2, 2); status >= 0)
            co_return status;
        if (!parser.isSet(QStringLiteral("from")))
        {
            console.err << "twintrunkctl repair: --from SERVER names the server whose copy is sound\n";
            co_return ExitUsage;
        }
        Result<OpenedWorkspace> opened = openWorkspace(parser, console);
        if (!opened)
            co_return failWith(console, QStringLiteral("repair"), opened.error());
        const bool dryRun = parser.isSet(QStringLiteral("dry-run"));
        // Not while a sync copies: one writer of the servers at a time.
        std::unique_ptr<SyncLock> lock;
        if (!dryRun)
        {
            Result<std::unique_ptr<SyncLock>> acquired = SyncLock::acquire(opened->workspace.filePath());
            if (!acquired)
                co_return failWith(console, QStringLiteral("repair"), acquired.error());
            lock = std::move(acquired).value();
        }
        const QString project = parser.positionalArguments().at(0);
        QString name = parser.positionalArguments().at(1);
        if (!name.endsWith(QStringLiteral(".mcz")) && !name.endsWith(QStringLiteral(".mcm")))
            name += QStringLiteral(".mcz");
        const bool json = parser.isSet(jsonOption());
        SyncEngine engine(opened->workspace, *opened->state, EngineOptions{});
        // The listings first: what is damaged, and where, is read from the state they leave.
        const QStringList projects{project};
        if (const Result<StatusReport> report = co_await engine.status(projects); !report)
            co_return failWith(console, QStringLiteral("repair"), report.error());
        Repairer repairer(opened->workspace, *opened->state, engine, [&console, json](const QString &line) {
            if (!json)
            {
                console.out << "  " << line << '\n';
                console.out.flush();
            }
        });
        const RepairReport report = co_await repairer.repair(project, name, parser.value(QStringLiteral("from")), dryRun);
        if (json)
            console.out << QJsonDocument(report.toJson()).toJson(QJsonDocument::Compact) << '\n';
        else
            console.out << report.summary << '\n';
        co_return report.ok ? ExitSuccess : ExitFailure;
    }
}
