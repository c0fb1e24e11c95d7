// twintrunkctl conflicts | conflict: duplicate-name conflicts, listed and inspected side by side.

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>

#include "command.h"
#include "conflicts/inspection.h"
#include "conflicts/resolution.h"
#include "presentation/resolutionwords.h"
#include "presentation/verdict.h"
#include "sync/syncengine.h"

namespace TwinTrunk::Ctl
{
    namespace
    {
        QJsonObject variantJson(const Conflicts::Variant &variant)
        {
            QJsonArray ancestors;
            for (const Conflicts::AncestorPresence &ancestor : variant.ancestors)
            {
                QJsonObject on;
                for (auto it = ancestor.onServer.cbegin(); it != ancestor.onServer.cend(); ++it)
                    on.insert(it.key(), it.value());
                ancestors.append(QJsonObject{{QStringLiteral("name"), ancestor.name}, {QStringLiteral("id"), ancestor.id}, {QStringLiteral("onServer"), on}});
            }
            QJsonObject firstSeen;
            for (auto it = variant.firstSeen.cbegin(); it != variant.firstSeen.cend(); ++it)
                firstSeen.insert(it.key(), it.value().toString(Qt::ISODate));
            QJsonObject json{{QStringLiteral("server"), variant.servers.constFirst()}, {QStringLiteral("servers"), QJsonArray::fromStringList(variant.servers)},
                {QStringLiteral("uuid"), variant.id}, {QStringLiteral("author"), variant.author},
                {QStringLiteral("date"), QString(variant.date + u' ' + variant.time).trimmed()}, {QStringLiteral("message"), variant.message},
                {QStringLiteral("size"), variant.size}, {QStringLiteral("firstSeen"), firstSeen}, {QStringLiteral("ancestors"), ancestors},
                {QStringLiteral("inUpdateMap"), variant.inUpdateMap}};
            if (!variant.error.isEmpty())
                json.insert(QStringLiteral("error"), variant.error);
            return json;
        }

        QJsonValue decisionJson(const std::optional<State::ConflictDecision> &decision)
        {
            if (!decision)
                return QJsonValue();
            return QJsonObject{{QStringLiteral("decision"), decision->decision}, {QStringLiteral("server"), decision->chosenServer},
                {QStringLiteral("uuid"), decision->chosenId}, {QStringLiteral("by"), decision->decidedBy},
                {QStringLiteral("at"), decision->decidedAt.toString(Qt::ISODate)}, {QStringLiteral("note"), decision->note},
                {QStringLiteral("status"), decision->status}};
        }

        std::optional<State::ConflictDecision> decisionFor(State::StateDatabase &state, const QString &project, const QString &name)
        {
            Result<QList<State::ConflictDecision>> decisions = state.decisions(project);
            if (decisions)
            {
                for (const State::ConflictDecision &decision : decisions.value())
                {
                    if (decision.name == name)
                        return decision;
                }
            }
            return std::nullopt;
        }

        // The facts of the console's conflict view (Presentation::conflictView), as JSON.
        QJsonObject adviceJson(const Presentation::ConflictView &view, const Conflicts::ConflictInspection &inspection)
        {
            const Presentation::ConflictAdvice &advice = view.advice;
            const bool recommended = advice.recommended >= 0 && advice.recommended < inspection.variants.size();
            return QJsonObject{{QStringLiteral("headline"), advice.headline}, {QStringLiteral("advice"), advice.advice},
                {QStringLiteral("recommended"), view.recommended.isEmpty() ? QJsonValue() : QJsonValue(view.recommended)},
                {QStringLiteral("keep"), recommended ? QJsonValue(inspection.variants.at(advice.recommended).servers.constFirst()) : QJsonValue()},
                {QStringLiteral("loserName"), inspection.loserName.isEmpty() ? QJsonValue() : QJsonValue(inspection.loserName)}};
        }

        QJsonObject comparisonJson(const Presentation::ConflictView &view, const Conflicts::ConflictInspection &inspection)
        {
            return QJsonObject{{QStringLiteral("text"), view.comparison.isEmpty() ? QJsonValue() : QJsonValue(view.comparison)},
                {QStringLiteral("threeWay"), view.threeWay},
                {QStringLiteral("ancestor"), inspection.commonAncestor.isEmpty() ? QJsonValue() : QJsonValue(inspection.commonAncestor)},
                {QStringLiteral("ancestorServer"), inspection.ancestorServer.isEmpty() ? QJsonValue() : QJsonValue(inspection.ancestorServer)},
                // What each definition's side says: who changed it since the ancestor, or where it is.
                {QStringLiteral("sides"), view.againstAncestor ? QStringLiteral("changed-since-ancestor") : QStringLiteral("present-in")},
                {QStringLiteral("columns"), QJsonArray::fromStringList(view.columns)}};
        }

        QJsonObject inspectionJson(const Conflicts::ConflictInspection &inspection, bool withDiff)
        {
            const Presentation::ConflictView view = Presentation::conflictView(inspection);
            QJsonArray variants;
            for (qsizetype i = 0; i < inspection.variants.size(); ++i)
            {
                QJsonObject variant = variantJson(inspection.variants.at(i));
                variant.insert(QStringLiteral("label"), inspection.variantLabel(i));
                variant.insert(QStringLiteral("updateMapText"), view.updateMap.value(i));
                variants.append(variant);
            }
            QJsonObject json{{QStringLiteral("project"), inspection.project}, {QStringLiteral("name"), inspection.name}, {QStringLiteral("variants"), variants},
                {QStringLiteral("relation"), inspection.relation}, {QStringLiteral("relationKind"), view.relation},
                {QStringLiteral("advice"), adviceJson(view, inspection)}, {QStringLiteral("decision"), QJsonValue()},
                {QStringLiteral("updateMap"), inspection.updateMap.isEmpty() ? QJsonValue() : QJsonValue(inspection.updateMap)},
                {QStringLiteral("updateMapsNotRead"), QJsonArray::fromStringList(inspection.updateMapsNotRead)},
                {QStringLiteral("comparison"), comparisonJson(view, inspection)}};
            if (withDiff)
            {
                QJsonArray changes;
                for (qsizetype index = 0; index < inspection.codeDiff.size(); ++index)
                {
                    const Conflicts::DefinitionChange &change = inspection.codeDiff.at(index);
                    const Presentation::ConflictDefinition &definition = view.definitions.at(index);
                    QJsonArray lines;
                    for (const Conflicts::DiffLine &line : change.lines)
                    {
                        const char *mark = line.kind == Conflicts::DiffLine::Kind::Added ? "+" : line.kind == Conflicts::DiffLine::Kind::Removed ? "-" : " ";
                        lines.append(QString(QLatin1String(mark) + line.text));
                    }
                    changes.append(QJsonObject{{QStringLiteral("change"), definition.change}, {QStringLiteral("definition"), definition.key},
                        {QStringLiteral("side"), definition.side.isEmpty() ? QJsonValue() : QJsonValue(definition.side)},
                        {QStringLiteral("marker"), definition.marker}, {QStringLiteral("explanation"), definition.explanation},
                        {QStringLiteral("lines"), lines}});
                }
                json.insert(QStringLiteral("codeDiff"), changes);
            }
            return json;
        }

        void printInspection(Console &console, const Conflicts::ConflictInspection &inspection, bool withDiff)
        {
            QTextStream &out = console.out;
            // The console's conflict view, word for word: the decision, the variants, what the code
            // is compared against, and the definitions with who changed each.
            const Presentation::ConflictView view = Presentation::conflictView(inspection);
            out << inspection.project << '/' << inspection.name << ": " << inspection.variants.size() << " variants\n";
            for (const QString &line : view.decision)
                out << line << '\n';
            for (qsizetype i = 0; i < inspection.variants.size(); ++i)
            {
                const Conflicts::Variant &variant = inspection.variants.at(i);
                out << "  [" << char('a' + i) << "] on " << variant.servers.join(QStringLiteral(", ")) << "  id " << variant.id << '\n';
                if (!variant.error.isEmpty())
                {
                    out << "      cannot be read: " << variant.error << '\n';
                    continue;
                }
                out << "      author " << variant.author << ", " << variant.date << ' ' << variant.time << ", " << variant.size << " bytes\n";
                for (const QString &server : variant.servers)
                {
                    if (variant.firstSeen.value(server).isValid())
                        out << "      first seen on " << server << ' ' << variant.firstSeen.value(server).toString(Qt::ISODate) << '\n';
                }
                out << "      message: " << QString(variant.message).replace(u'\r', u'\n').replace(u'\n', QStringLiteral("\n               ")) << '\n';
                for (const Conflicts::AncestorPresence &ancestor : variant.ancestors)
                    out << "      ancestor " << ancestor.name << " (" << ancestor.whereText() << ")\n";
                out << "      update map: " << view.updateMap.value(i) << '\n';
            }
            if (!view.comparison.isEmpty())
                out << "  " << view.comparison << '\n';
            if (inspection.relationKind == Conflicts::ConflictInspection::Relation::Unknown)
                return; // a variant could not be read: nothing was compared
            out << "  code: " << Presentation::counted(view.definitions.size(), QStringLiteral("definition differs"), QStringLiteral("definitions differ"))
                << '\n';
            if (view.definitions.isEmpty())
                return;
            // As the console's list: the side (or where it is), the change from a to b, the definition whole.
            qsizetype width = view.markerHeading.size();
            for (const Presentation::ConflictDefinition &definition : view.definitions)
                width = std::max(width, definition.marker.size());
            out << "    " << view.markerHeading.leftJustified(width) << "  " << QStringLiteral("Change").leftJustified(7) << "  Definition\n";
            for (qsizetype index = 0; index < view.definitions.size(); ++index)
            {
                const Presentation::ConflictDefinition &definition = view.definitions.at(index);
                out << "    " << definition.marker.leftJustified(width) << "  " << definition.change.leftJustified(7) << "  " << definition.key << '\n';
                if (!withDiff)
                    continue;
                for (const Conflicts::DiffLine &line : inspection.codeDiff.at(index).lines)
                {
                    const char mark = line.kind == Conflicts::DiffLine::Kind::Added ? '+' : line.kind == Conflicts::DiffLine::Kind::Removed ? '-' : ' ';
                    out << "      " << mark << ' ' << line.text << '\n';
                }
            }
        }
    }

    namespace
    {
        // A decided conflict whose name still holds another variant somewhere, and why: replacing was
        // not asked for, a server refused it, or the resolution is not finished.
        QString decidedButDifferent(State::StateDatabase &state, const Sync::ProjectSnapshot &snapshot, const QString &name)
        {
            const std::optional<State::ConflictDecision> decision = decisionFor(state, snapshot.project, name);
            if (!decision)
                return QStringLiteral("decided; the decision could not be read");
            QStringList others;
            for (const Sync::NameRow &row : snapshot.rows)
            {
                if (row.name != name)
                    continue;
                for (const QString &server : snapshot.servers)
                {
                    if (row.uuids.contains(server) && row.uuids.value(server) != decision->chosenId)
                        others.append(server);
                }
            }
            const QString where = others.isEmpty() ? QStringLiteral("a server") : others.join(QStringLiteral(", "));
            QString why;
            if (decision->status != u"done")
                why = QStringLiteral("the resolution is not finished (%1): run the same resolve again").arg(decision->status);
            else if (!decision->replace)
                why = QStringLiteral("replacing was not asked for: resolve %1 %2 --keep %3 --replace puts the kept one there where the server permits")
                          .arg(snapshot.project, name, decision->chosenServer);
            else
                why = QStringLiteral("replacing was asked for and the server refused it (it does not reuse names)");
            return QStringLiteral("decided, %1's variant is canonical; %2 still serves another variant under the name: %3")
                .arg(decision->chosenServer, where, why);
        }
    }

    Task<int> runConflicts(const QStringList &arguments, Console &console)
    {
        QCommandLineParser parser;
        parser.setApplicationDescription(
            QStringLiteral("The duplicate-name conflicts (one name, different ids on different servers) of every project, or of PROJECT: "
                           "one row per conflict with its variants (server, id, author, date, message). Lists and probes the servers first."));
        addWorkspaceOptions(parser);
        parser.addOption(jsonOption());
        parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("Only this project."), QStringLiteral("[PROJECT]"));
        if (const int status = parseCommandLine(parser, arguments, console, QStringLiteral("conflicts"), 0, 1); status >= 0)
            co_return status;
        Result<OpenedWorkspace> opened = openWorkspace(parser, console);
        if (!opened)
            co_return failWith(console, QStringLiteral("conflicts"), opened.error());
        Sync::SyncEngine engine(opened->workspace, *opened->state, Sync::EngineOptions{});
        Result<Sync::StatusReport> report = co_await engine.status(parser.positionalArguments());
        if (!report)
            co_return failWith(console, QStringLiteral("conflicts"), report.error());
        for (const QString &warning : report->warnings)
            console.err << "warning: " << warning << '\n';
        const bool json = parser.isSet(jsonOption());
        QTemporaryDir scratch;
        int count = 0;
        bool failed = false;
        for (const Sync::ProjectSnapshot &snapshot : report->projects)
        {
            for (const QString &name : snapshot.conflicts)
            {
                ++count;
                Result<Conflicts::ConflictInspection> inspection =
                    co_await Conflicts::inspectConflict(opened->workspace, *opened->state, snapshot, name, scratch.path());
                if (!inspection)
                {
                    failed = true;
                    console.err << "twintrunkctl conflicts: " << inspection.error().toString() << '\n';
                    continue;
                }
                const std::optional<State::ConflictDecision> decision = decisionFor(*opened->state, snapshot.project, name);
                if (json)
                {
                    QJsonObject object = inspectionJson(inspection.value(), false);
                    object.insert(QStringLiteral("decision"), decisionJson(decision));
                    console.out << QJsonDocument(object).toJson(QJsonDocument::Compact) << '\n';
                    continue;
                }
                console.out << snapshot.project << '/' << name;
                if (decision)
                    console.out << "  (" << decision->decision << " by " << decision->decidedBy << ": " << decision->note << ')';
                console.out << '\n';
                for (const Conflicts::Variant &variant : inspection->variants)
                {
                    console.out << "  " << variant.servers.join(u'+') << "  " << variant.id << "  " << variant.author << "  " << variant.date << ' '
                                << variant.time << "  " << variant.message.section(QRegularExpression(QStringLiteral("[\r\n]")), 0, 0).left(60) << '\n';
                }
            }
        }
        // A server not listed may hold conflicts of its own: "none" is said only of what was listed,
        // and the run is incomplete (exit 1, as `status --check` and `sync --dry-run`).
        const QStringList notChecked = Presentation::notPlanned(report.value());
        if (json)
        {
            if (!notChecked.isEmpty())
            {
                const QJsonObject incomplete{{QStringLiteral("complete"), false}, {QStringLiteral("notChecked"), QJsonArray::fromStringList(notChecked)},
                    {QStringLiteral("conflictsListed"), count}};
                console.out << QJsonDocument(incomplete).toJson(QJsonDocument::Compact) << '\n';
            }
        }
        else
        {
            if (!notChecked.isEmpty())
            {
                console.out << "Not checked: " << notChecked.join(QStringLiteral("; "))
                            << (count == 0 ? QStringLiteral("; no conflicts among what was listed")
                                           : QStringLiteral("; the conflicts above are among what was listed"))
                            << '\n';
            }
            else if (count == 0)
                console.out << "No open duplicate-name conflicts.\n";
            for (const Sync::ProjectSnapshot &snapshot : report->projects)
            {
                for (const QString &name : snapshot.decided)
                    console.out << snapshot.project << '/' << name << ": " << decidedButDifferent(*opened->state, snapshot, name) << '\n';
            }
        }
        co_return failed || !notChecked.isEmpty() ? ExitFailure : ExitSuccess;
    }

    Task<int> runConflict(const QStringList &arguments, Console &console)
    {
        QCommandLineParser parser;
        parser.setApplicationDescription(
            QStringLiteral("One duplicate-name conflict, side by side: each variant's author, date, message, size, first seen on each "
                           "server, direct ancestors and where they are, which one the newest update map names, how the variants are "
                           "related, and the definitions whose code differs (with --diff, the line diff of each). NAME with or without .mcz."));
        addWorkspaceOptions(parser);
        parser.addOption(jsonOption());
        parser.addOption({QStringLiteral("diff"), QStringLiteral("Show the line diff of each changed definition.")});
        parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("The project."));
        parser.addPositionalArgument(QStringLiteral("NAME"), QStringLiteral("The version name."));
        if (const int status = parseCommandLine(parser, arguments, console, QStringLiteral("conflict"), 2, 2); status >= 0)
            co_return status;
        Result<OpenedWorkspace> opened = openWorkspace(parser, console);
        if (!opened)
            co_return failWith(console, QStringLiteral("conflict"), opened.error());
        const QString project = parser.positionalArguments().at(0);
        if (Result<void> known = opened->workspace.requireProject(project); !known)
            co_return failWith(console, QStringLiteral("conflict"), known.error());
        QTemporaryDir scratch;
        Result<Conflicts::ConflictInspection> inspection =
            co_await Conflicts::inspectConflict(opened->workspace, *opened->state, project, parser.positionalArguments().at(1), scratch.path());
        if (!inspection)
            co_return failWith(console, QStringLiteral("conflict"), inspection.error());
        const std::optional<State::ConflictDecision> decision = decisionFor(*opened->state, project, inspection->name);
        if (parser.isSet(jsonOption()))
        {
            QJsonObject object = inspectionJson(inspection.value(), true);
            object.insert(QStringLiteral("decision"), decisionJson(decision));
            console.out << QJsonDocument(object).toJson(QJsonDocument::Compact) << '\n';
            co_return ExitSuccess;
        }
        printInspection(console, inspection.value(), parser.isSet(QStringLiteral("diff")));
        if (decision)
        {
            console.out << "  decision: " << decision->decision << (decision->chosenServer.isEmpty() ? QString() : u' ' + decision->chosenServer) << " ("
                        << decision->status << ") by " << decision->decidedBy << " at " << decision->decidedAt.toString(Qt::ISODate)
                        << (decision->note.isEmpty() ? QString() : QStringLiteral(": ") + decision->note) << '\n';
        }
        co_return ExitSuccess;
    }

    Task<int> runResolve(const QStringList &arguments, Console &console)
    {
        QCommandLineParser parser;
        parser.setApplicationDescription(
            QStringLiteral("Decide a duplicate-name conflict. --keep SERVER: SERVER's variant becomes canonical; each other variant's bytes "
                           "are kept first (the quarantine folder beside the state database, checksummed), then it is published on every "
                           "server under the next free name of its package and author, its info name rewritten, its id and ancestry kept. "
                           "With --replace, the losing copy under the name is replaced by the canonical one on each server that permits "
                           "deleting; elsewhere it stays and the conflict is marked decided. --defer --note TEXT records that it waits. "
                           "Every step is journaled; an interrupted resolution resumes where it stopped when run again."));
        addWorkspaceOptions(parser);
        parser.addOption(jsonOption());
        parser.addOption({QStringLiteral("keep"), QStringLiteral("The server whose variant is canonical."), QStringLiteral("SERVER")});
        parser.addOption({QStringLiteral("defer"), QStringLiteral("Record that the conflict waits (with --note).")});
        parser.addOption({QStringLiteral("replace"), QStringLiteral("Replace losing copies under the name where the server permits deleting.")});
        parser.addOption({QStringLiteral("note"), QStringLiteral("Why: kept with the decision."), QStringLiteral("TEXT")});
        parser.addOption({QStringLiteral("dry-run"), QStringLiteral("Show the steps; change nothing.")});
        parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("The project."));
        parser.addPositionalArgument(QStringLiteral("NAME"), QStringLiteral("The conflicted version name."));
        if (const int status = parseCommandLine(parser, arguments, console, QStringLiteral("resolve"), 2, 2); status >= 0)
            co_return status;
        if (parser.isSet(QStringLiteral("keep")) == parser.isSet(QStringLiteral("defer")))
        {
            console.err << "twintrunkctl resolve: choose --keep SERVER or --defer --note TEXT\n";
            co_return ExitUsage;
        }
        Result<OpenedWorkspace> opened = openWorkspace(parser, console);
        if (!opened)
            co_return failWith(console, QStringLiteral("resolve"), opened.error());
        const QString project = parser.positionalArguments().at(0);
        if (Result<void> known = opened->workspace.requireProject(project); !known)
            co_return failWith(console, QStringLiteral("resolve"), known.error());
        const bool json = parser.isSet(jsonOption());
        Conflicts::ConflictResolver resolver(opened->workspace, *opened->state, [&](const QString &line) {
            if (!json)
            {
                console.err << "... " << line << '\n';
                console.err.flush();
            }
        });
        const QString name = parser.positionalArguments().at(1);
        Conflicts::ResolutionReport report;
        if (parser.isSet(QStringLiteral("defer")))
            report = resolver.defer(project, name, parser.value(QStringLiteral("note")));
        else
        {
            const Conflicts::ResolveOptions options{.replace = parser.isSet(QStringLiteral("replace")),
                .dryRun = parser.isSet(QStringLiteral("dry-run")),
                .note = parser.value(QStringLiteral("note"))};
            report = co_await resolver.keep(project, name, parser.value(QStringLiteral("keep")), options);
        }
        // A keep decision in plain words, as the console's confirmation says it (--replace by its name here).
        const QString replaceControl = QStringLiteral("--replace");
        const QStringList words = report.decision == u"keep" && report.ok ? Presentation::resolutionWords(report, replaceControl) : QStringList();
        if (json)
        {
            QJsonObject object = report.toJson();
            if (!words.isEmpty())
                object.insert(QStringLiteral("words"), QJsonArray::fromStringList(words));
            console.out << QJsonDocument(object).toJson(QJsonDocument::Compact) << '\n';
        }
        else
        {
            if (report.dryRun && !words.isEmpty())
            {
                // What it would do first, then the steps that do it.
                for (const QString &paragraph : words)
                    console.out << paragraph << '\n';
                console.out << "\nThe steps, run without --dry-run:\n";
            }
            for (const Conflicts::ResolutionStep &step : report.steps)
            {
                console.out << "  [" << step.result << "] " << step.action << (step.server.isEmpty() ? QString() : u' ' + step.server) << ": " << step.detail
                            << '\n';
            }
            if (!report.dryRun && !words.isEmpty())
            {
                // After a run, what images load now under the name, server by server, before the result.
                console.out << '\n';
                for (const QString &paragraph : words)
                    console.out << paragraph << '\n';
            }
            console.out << (report.ok ? "" : "NOT DONE: ") << report.summary << '\n';
        }
        co_return report.ok ? ExitSuccess : ExitFailure;
    }
}
