#include "verdict.h"

#include <QCoreApplication>
#include <QLocale>

#include "sync/copyjob.h"
#include "sync/syncengine.h"

#include <algorithm>

namespace TwinTrunk::Presentation
{
    namespace
    {
        // Most urgent first: what is not known, then what needs a person, then what a copy settles.
        int urgency(Level level)
        {
            switch (level)
            {
            case Level::Unknown: return 0;
            case Level::Bad: return 1;
            case Level::Warning: return 2;
            case Level::Note: return 3;
            case Level::Good: return 4;
            }
            return 4;
        }

        QString tr(const char *text, int n = -1)
        {
            return QCoreApplication::translate("TwinTrunk::Presentation", text, nullptr, n);
        }

        // One phrase per server with names, in the servers' order: `phrase` takes the server as %1
        // and the count as %n ("box4 lacks 3, box2 lacks 1").
        QString perServer(const Sync::ProjectSnapshot &project, const QHash<QString, QStringList> &names, const char *phrase)
        {
            QStringList parts;
            for (const QString &server : project.servers)
            {
                if (const qsizetype count = names.value(server).size(); count > 0)
                    parts.append(tr(phrase, int(count)).arg(server));
            }
            return parts.join(QStringLiteral(", "));
        }
    }

    QString levelName(Level level)
    {
        switch (level)
        {
        case Level::Good: return QStringLiteral("good");
        case Level::Note: return QStringLiteral("note");
        case Level::Warning: return QStringLiteral("warning");
        case Level::Bad: return QStringLiteral("bad");
        case Level::Unknown: return QStringLiteral("unknown");
        }
        return QString();
    }

    Verdict projectVerdict(const Sync::ProjectSnapshot &project)
    {
        QList<std::pair<Level, QString>> found;
        auto add = [&found](Level level, const QString &problem) { found.append({level, problem}); };
        if (!project.unreachable.isEmpty())
        {
            QStringList servers;
            for (const QString &server : project.servers)
            {
                if (project.unreachable.contains(server))
                    servers.append(server);
            }
            add(Level::Unknown, tr("Not checked: %1 unreachable").arg(servers.join(QStringLiteral(", "))));
        }
        for (const QString &what : project.notChecked)
            add(Level::Unknown, tr("Not checked: %1 could not be read").arg(what));
        if (!project.damaged.isEmpty())
            add(Level::Bad, tr("Damaged: %1").arg(perServer(project, project.damaged, QT_TRANSLATE_NOOP("TwinTrunk::Presentation", "%n on %1"))));
        if (!project.regressions.isEmpty())
            add(Level::Bad, tr("Regressions: %n no longer listed", int(project.regressions.size())));
        if (!project.conflicts.isEmpty())
            add(Level::Bad, tr("Conflicts: %n to resolve", int(project.conflicts.size())));
        if (!project.missing.isEmpty())
            add(Level::Warning, tr("Behind: %1").arg(perServer(project, project.missing, QT_TRANSLATE_NOOP("TwinTrunk::Presentation", "%1 lacks %n"))));
        // With a server not reached, a name only the others list reads as "id unknown" (ids are read
        // for names on several servers): that is the unreached server's part, said above. Only
        // names listed on several servers with an id not read count then.
        qsizetype idsUnread = project.unknown.size();
        if (!project.unreachable.isEmpty())
            idsUnread = std::count_if(project.rows.cbegin(), project.rows.cend(),
                [](const Sync::NameRow &row) { return row.state == Sync::VersionState::Unknown && row.uuids.size() > 1; });
        if (idsUnread > 0)
            add(Level::Warning, tr("Ids not read everywhere: %n", int(idsUnread)));
        if (!project.otherBytes.isEmpty())
            add(Level::Note, tr("Same version, other bytes: %n (a note, not damage)", int(project.otherBytes.size())));
        if (!project.inSync && std::none_of(found.cbegin(), found.cend(), [](const auto &problem) { return problem.first != Level::Note; }))
            add(Level::Warning, tr("Not in sync: the servers' (name, id) sets differ")); // say so rather than guess

        // Most urgent first: what is not known, then what needs a person, then what a copy settles.
        std::stable_sort(found.begin(), found.end(), [](const auto &a, const auto &b) { return urgency(a.first) < urgency(b.first); });
        Verdict verdict;
        for (const auto &problem : std::as_const(found))
            verdict.problems.append(problem.second);
        if (project.inSync)
        {
            verdict.level = found.isEmpty() ? Level::Good : Level::Note;
            verdict.headline = tr("In sync");
            return verdict;
        }
        verdict.level = found.first().first;
        verdict.headline = found.first().second;
        return verdict;
    }

    Verdict overallVerdict(const Sync::StatusReport &report)
    {
        Verdict overall;
        QStringList unreached;
        for (const Sync::ServerStatus &server : report.servers)
        {
            if (!server.reachable)
                unreached.append(server.name);
        }
        QList<std::pair<Verdict, QString>> notFine; // with the project's name
        for (const Sync::ProjectSnapshot &project : report.projects)
        {
            const Verdict verdict = projectVerdict(project);
            for (const QString &problem : verdict.problems)
                overall.problems.append(QStringLiteral("%1: %2").arg(project.project, problem));
            if (verdict.level != Level::Good && verdict.level != Level::Note)
                notFine.append({verdict, project.project});
        }
        std::stable_sort(notFine.begin(), notFine.end(), [](const auto &a, const auto &b) { return urgency(a.first.level) < urgency(b.first.level); });
        if (!unreached.isEmpty())
        {
            overall.level = Level::Unknown;
            overall.headline = tr("Not checked: %1 unreachable").arg(unreached.join(QStringLiteral(", ")));
            overall.problems.prepend(overall.headline);
            return overall;
        }
        if (report.projects.isEmpty())
        {
            overall.level = Level::Unknown;
            overall.headline = tr("Not checked: no project was listed");
            return overall;
        }
        if (notFine.isEmpty())
        {
            overall.level = overall.problems.isEmpty() ? Level::Good : Level::Note;
            overall.headline = tr("Every project in sync");
            return overall;
        }
        overall.level = notFine.first().first.level;
        overall.headline = QStringLiteral("%1: %2").arg(notFine.first().second, notFine.first().first.headline);
        if (notFine.size() > 1)
            overall.headline += tr(", and %1 more").arg(counted(notFine.size() - 1, tr("project"), tr("projects")));
        return overall;
    }

    QString errorWords(const QString &errorClass)
    {
        static const QHash<QString, const char *> words{{QStringLiteral("refused"), QT_TRANSLATE_NOOP("TwinTrunk::Presentation", "connection refused")},
            {QStringLiteral("dns"), QT_TRANSLATE_NOOP("TwinTrunk::Presentation", "host not found")},
            {QStringLiteral("timeout"), QT_TRANSLATE_NOOP("TwinTrunk::Presentation", "no answer in time")},
            {QStringLiteral("tls"), QT_TRANSLATE_NOOP("TwinTrunk::Presentation", "its certificate was refused")},
            {QStringLiteral("auth"), QT_TRANSLATE_NOOP("TwinTrunk::Presentation", "user or password refused")},
            {QStringLiteral("server"), QT_TRANSLATE_NOOP("TwinTrunk::Presentation", "server error")},
            {QStringLiteral("missing"), QT_TRANSLATE_NOOP("TwinTrunk::Presentation", "project not found")},
            {QStringLiteral("http"), QT_TRANSLATE_NOOP("TwinTrunk::Presentation", "unexpected answer")},
            {QStringLiteral("io"), QT_TRANSLATE_NOOP("TwinTrunk::Presentation", "its folder cannot be read")}};
        const char *found = words.value(errorClass);
        return found ? tr(found) : tr("it failed (%1)").arg(errorClass);
    }

    Takeover takeoverReadiness(const Sync::StatusReport &report, const QString &target)
    {
        Takeover takeover;
        QString primary;
        for (const Sync::ServerStatus &server : report.servers)
        {
            if (server.primary)
                primary = server.name;
            if (server.name == target && !server.reachable)
            {
                takeover.text = tr("Not ready: %1 is unreachable").arg(target);
                takeover.level = Level::Bad;
                return takeover;
            }
        }
        if (primary.isEmpty() || primary == target)
            return takeover; // nothing to take over from
        QStringList notListed, conflicting;
        int idsUnread = 0;
        for (const Sync::ProjectSnapshot &project : report.projects)
        {
            if (project.unreachable.contains(target))
            {
                takeover.text = tr("Not checked: %1 could not be listed in %2").arg(target, project.project);
                return takeover;
            }
            if (!project.notChecked.isEmpty())
            {
                takeover.text = tr("Not checked: the records of %1 could not be read").arg(project.project);
                return takeover;
            }
            if (project.unreachable.contains(primary))
            {
                notListed.append(project.project); // what only the primary has there is not known
                continue;
            }
            for (const Sync::NameRow &row : project.rows)
            {
                if (!row.uuids.contains(primary))
                    continue;
                // Held: the same version (the same id, or the one a person decided on), not damaged there.
                const QString theirs = row.uuids.value(primary), ours = row.uuids.value(target);
                const bool otherVariant =
                    !row.canonicalId.isEmpty() ? (!ours.isEmpty() && ours != row.canonicalId) : (!theirs.isEmpty() && !ours.isEmpty() && theirs != ours);
                if (!row.uuids.contains(target) || row.damagedOn.contains(target))
                    takeover.missing.append(project.project + u'/' + row.name);
                else if (project.conflicts.contains(row.name) || otherVariant)
                    conflicting.append(project.project + u'/' + row.name);
                else if (ours.isEmpty() || (row.canonicalId.isEmpty() && theirs.isEmpty()))
                    ++idsUnread;
            }
        }
        const QString atLeast = notListed.isEmpty() ? QString() : tr(" (at least: %1 not listed in %2)").arg(primary, notListed.join(QStringLiteral(", ")));
        if (!takeover.missing.isEmpty())
        {
            takeover.level = Level::Bad;
            takeover.text = tr("Not ready: %1 only on %2%3").arg(counted(takeover.missing.size(), tr("version"), tr("versions")), primary, atLeast);
        }
        else if (!conflicting.isEmpty())
        {
            // Its variant of a conflicted name is not the primary's: images would load another version.
            takeover.level = Level::Bad;
            takeover.missing = conflicting;
            takeover.text =
                tr("Not ready: %1 with %2 (its variant differs)").arg(counted(conflicting.size(), tr("open conflict"), tr("open conflicts")), primary);
        }
        else if (!notListed.isEmpty())
        {
            // What only the primary has now is not known: the wizard compares its last listing.
            takeover.level = Level::Unknown;
            takeover.text = tr("What only %1 has is not known: it cannot be listed in %2 (the repoint wizard compares its last listing)")
                                .arg(primary, notListed.join(QStringLiteral(", ")));
        }
        else if (idsUnread > 0)
        {
            takeover.level = Level::Unknown;
            takeover.text = tr("Not checked: the ids of %1 are not read yet").arg(counted(idsUnread, tr("version"), tr("versions")));
        }
        else
        {
            takeover.level = Level::Good;
            takeover.text = tr("Ready to take over");
        }
        return takeover;
    }

    ConflictAdvice conflictAdvice(const Conflicts::ConflictInspection &inspection)
    {
        using Relation = Conflicts::ConflictInspection::Relation;
        ConflictAdvice advice;
        if (inspection.variants.size() < 2)
            return advice;
        auto label = [&inspection](int index) {
            return QStringLiteral("%1 (%2)").arg(QChar(char16_t(u'a' + index))).arg(inspection.variants.at(index).servers.join(QStringLiteral(", ")));
        };
        // What becomes of the variant not kept: nothing is lost either way.
        const QString loser = inspection.loserName.isEmpty()
            ? tr("the other map is kept in the quarantine only (a republished map would become the newest of its series)")
            : tr("the other stays available, republished as %1").arg(inspection.loserName);
        int named = -1; // the variant the newest update map names: images updating now load it
        for (qsizetype i = 0; i < inspection.variants.size(); ++i)
        {
            if (inspection.variants.at(i).inUpdateMap)
                named = int(i);
        }
        switch (inspection.relationKind)
        {
        case Relation::ADescendsB:
        case Relation::BDescendsA:
        {
            const int descendant = inspection.relationKind == Relation::ADescendsB ? 0 : 1;
            advice.recommended = descendant;
            advice.headline =
                tr("%1 descends from %2: it holds %3's changes").arg(label(descendant), label(1 - descendant), QChar(char16_t(u'a' + 1 - descendant)));
            advice.advice = tr("Keeping %1 loses nothing; %2.").arg(QChar(char16_t(u'a' + descendant))).arg(loser);
            break;
        }
        case Relation::Diverged:
        case Relation::Unrelated:
            advice.headline = inspection.relationKind == Relation::Diverged
                ? tr("%1 and %2 diverged from %3: each has changes the other lacks").arg(label(0), label(1), inspection.commonAncestor)
                : tr("%1 and %2 share no ancestor: two pieces of work under one name").arg(label(0), label(1));
            advice.recommended = named;
            advice.advice = named >= 0 ? tr("Keeping either hides the other's changes from images that update; %1 is the one %2 names, which "
                                            "images load now. If you keep it, %3.")
                                             .arg(QChar(char16_t(u'a' + named)))
                                             .arg(inspection.updateMap, loser)
                                       : tr("Keeping either hides the other's changes from images that update; %1, for its author to merge.").arg(loser);
            break;
        case Relation::Unknown:
            advice.headline = tr("A variant could not be read: how they relate is not known");
            advice.advice = tr("Compare them by hand, or defer with a note until both can be read.");
            break;
        }
        // Only a and b are compared; with more variants the advice is about those two.
        if (inspection.variants.size() > 2)
        {
            advice.headline += tr(" (%1 not compared here)").arg(counted(inspection.variants.size() - 2, tr("more variant"), tr("more variants")));
            advice.recommended = -1;
        }
        // Which map names a variant is not known when a newest map could not be read.
        if (!inspection.updateMapsNotRead.isEmpty())
            advice.advice += tr(" Which variant images load is not known: an update map could not be read.");
        return advice;
    }

    QString relationName(Conflicts::ConflictInspection::Relation relation)
    {
        using Relation = Conflicts::ConflictInspection::Relation;
        switch (relation)
        {
        case Relation::ADescendsB: return QStringLiteral("a-descends-from-b");
        case Relation::BDescendsA: return QStringLiteral("b-descends-from-a");
        case Relation::Diverged: return QStringLiteral("diverged");
        case Relation::Unrelated: return QStringLiteral("unrelated");
        case Relation::Unknown: return QStringLiteral("unknown");
        }
        return QString();
    }

    ConflictView conflictView(const Conflicts::ConflictInspection &inspection)
    {
        using Conflicts::ChangedIn;
        using Kind = Conflicts::DefinitionChange::Kind;
        ConflictView view;
        view.advice = conflictAdvice(inspection);
        view.relation = relationName(inspection.relationKind);
        if (view.advice.recommended >= 0)
            view.recommended = QChar(char16_t(u'a' + view.advice.recommended));
        if (!view.advice.headline.isEmpty())
            view.decision = QStringList{view.advice.headline + u'.', view.advice.advice};
        view.comparison = inspection.comparison;

        // Against a known ancestor (a server's copy, or the older variant when one descends from
        // the other): who changed each definition. Else: where it is.
        view.againstAncestor = !inspection.threeWay.isEmpty() && inspection.threeWay.size() == inspection.codeDiff.size();
        view.threeWay = view.againstAncestor && !inspection.ancestorServer.isEmpty();
        view.markerHeading = view.againstAncestor ? tr("Changed in") : tr("Where");
        if (inspection.variants.size() >= 2)
        {
            view.columns = QStringList{inspection.variantLabel(0), inspection.variantLabel(1)};
            if (view.threeWay)
                view.columns.prepend(tr("%1 (ancestor, %2)").arg(inspection.commonAncestor, inspection.ancestorServer));
        }
        for (qsizetype index = 0; index < inspection.codeDiff.size(); ++index)
        {
            const Conflicts::DefinitionChange &change = inspection.codeDiff.at(index);
            ConflictDefinition definition{change.key, Conflicts::changeKindName(change.kind), QString(), QString(), QString()};
            if (view.againstAncestor)
            {
                const ChangedIn side = inspection.threeWay.at(index).changedIn;
                definition.side = Conflicts::changedInText(side);
                definition.marker = definition.side;
                const QString who = side == ChangedIn::Both ? tr("a and b both changed it") : tr("changed in %1").arg(definition.side);
                definition.explanation = inspection.commonAncestor.isEmpty() ? who : tr("%1 since %2").arg(who, inspection.commonAncestor);
            }
            else
            {
                definition.side = change.kind == Kind::Removed ? QStringLiteral("a")
                    : change.kind == Kind::Added               ? QStringLiteral("b")
                                                               : QStringLiteral("both");
                definition.marker = Conflicts::presenceText(change.kind);
                definition.explanation = definition.marker;
            }
            view.definitions.append(definition);
        }

        // Which variant an updating image loads; not known when a newest map could not be read.
        const bool anyNamed =
            std::any_of(inspection.variants.cbegin(), inspection.variants.cend(), [](const Conflicts::Variant &variant) { return variant.inUpdateMap; });
        for (const Conflicts::Variant &variant : inspection.variants)
        {
            if (variant.inUpdateMap)
                view.updateMap.append(tr("named by %1").arg(inspection.updateMap));
            else if (!inspection.updateMapsNotRead.isEmpty())
                view.updateMap.append(tr("not known: %1").arg(inspection.updateMapsNotRead.join(QStringLiteral("; "))));
            else if (!anyNamed && !inspection.updateMap.isEmpty())
                view.updateMap.append(tr("not named: %1 names this version with another id").arg(inspection.updateMap));
            else
                view.updateMap.append(tr("not named by any update map"));
        }
        return view;
    }

    HealthWords healthWords(const Health::ServerHealth &health)
    {
        if (!health.probed)
            return HealthWords{Level::Unknown, tr("Not probed yet"), QString()};
        if (health.up)
            return HealthWords{Level::Good, tr("Up"), QString()};
        return HealthWords{Level::Bad, tr("Down"), errorWords(health.errorClass)};
    }

    QString lastAnswered(const QDateTime &lastSuccess, const QDateTime &now)
    {
        return lastSuccess.isValid() ? tr("last answered %1 ago").arg(age(lastSuccess, now)) : tr("it never answered");
    }

    QString checkOutcomeText(Failover::Check::Outcome outcome)
    {
        using Outcome = Failover::Check::Outcome;
        switch (outcome)
        {
        case Outcome::Passed: return tr("passed");
        case Outcome::Warning: return tr("warning");
        case Outcome::NeedsConfirmation: return tr("needs your confirmation");
        case Outcome::Failed: return tr("FAILED");
        case Outcome::NotApplicable: return tr("not applicable");
        case Outcome::NotChecked: return tr("not checked");
        }
        return QString();
    }

    QString preflightSummary(const Failover::RepointReport &report, bool acceptAtRisk)
    {
        using Outcome = Failover::Check::Outcome;
        const bool passed = report.preflightPassed(acceptAtRisk);
        QStringList failed, warnings;
        int notApplicable = 0;
        for (const Failover::Check &check : report.checks)
        {
            switch (check.outcome)
            {
            case Outcome::Failed: failed.append(check.title); break;
            case Outcome::NeedsConfirmation: (passed ? warnings : failed).append(check.title); break;
            case Outcome::Warning: warnings.append(check.title); break;
            case Outcome::NotApplicable: ++notApplicable; break;
            case Outcome::NotChecked: // only after a failed check, which the sentence names
            case Outcome::Passed: break;
            }
        }
        if (!passed)
            return tr("The preflight stops this repoint (%1). Nothing was changed.").arg(failed.join(QStringLiteral("; ")));
        if (!warnings.isEmpty())
            return tr("Ready to repoint, with %1 to read first: %2.")
                .arg(counted(warnings.size(), tr("warning"), tr("warnings")), warnings.join(QStringLiteral("; ")));
        if (notApplicable > 0)
            return tr("Every check that applies passed (%1 not applicable).").arg(notApplicable);
        return tr("Every check passed.");
    }

    QString repointRisk(const Failover::RepointReport &report, const QDateTime &now)
    {
        const Failover::PrimaryRisk &risk = report.primaryRisk;
        QStringList sentences;
        if (!risk.neverListed.isEmpty())
        {
            // Never listed at all, or only for some projects.
            sentences.append(risk.atRisk.isEmpty() && !risk.listedAt.isValid()
                    ? tr("What only %1 has is not known: it was never listed.").arg(report.from)
                    : tr("What only %1 has in %2 is not known: it was never listed there.").arg(report.from, risk.neverListed.join(QStringLiteral(", "))));
        }
        if (!risk.listingFailed.isEmpty())
        {
            // Up, but listing some projects failed just now.
            sentences.append(
                tr("What only %1 has in %2 is not known: listing it there failed.").arg(report.from, risk.listingFailed.join(QStringLiteral(", "))));
        }
        if (!risk.atRisk.isEmpty())
        {
            const QString when = risk.listedAt.isValid() ? tr(" (%1, %2 ago)").arg(localTime(risk.listedAt), age(risk.listedAt, now)) : QString();
            sentences.append(tr("At risk: %1 lacks %2 %3's last listing%4 had, held only by %3 until it comes back.")
                                 .arg(report.to, counted(risk.atRisk.size(), tr("version"), tr("versions")), report.from, when));
        }
        return sentences.join(u' ');
    }

    QStringList notPlanned(const Sync::StatusReport &report)
    {
        QStringList phrases;
        for (const Sync::ServerStatus &server : report.servers)
        {
            if (server.reachable)
                continue;
            // In words when the kind of trouble is known, else the error itself.
            const QString errorClass = Health::errorClass(server.errorKind);
            phrases.append(tr("%1 unreachable (%2)").arg(server.name, errorClass == u"other" ? server.error : errorWords(errorClass)));
        }
        for (const Sync::ProjectSnapshot &project : report.projects)
        {
            // A server that answered with a listing that cannot be trusted: that project only.
            for (const QString &server : project.servers)
            {
                const auto status = std::find_if(report.servers.cbegin(), report.servers.cend(),
                    [&server](const Sync::ServerStatus &candidate) { return candidate.name == server; });
                if (project.unreachable.contains(server) && (status == report.servers.cend() || status->reachable))
                    phrases.append(tr("%1 on %2 not checked: %3").arg(project.project, server, project.unreachable.value(server)));
            }
            for (const QString &what : project.notChecked)
                phrases.append(tr("%1: %2 could not be read").arg(project.project, what));
        }
        return phrases;
    }

    QString syncOutcome(const Sync::SyncResult &result)
    {
        QStringList parts;
        if (result.copied > 0)
            parts.append(tr("%1 copied and verified").arg(result.copied));
        if (result.alreadyPresent > 0)
            parts.append(tr("%1 already there").arg(result.alreadyPresent));
        if (result.failed > 0)
            parts.append(result.damaged > 0 ? tr("%1 failed (%2 damaged)").arg(result.failed).arg(result.damaged) : tr("%1 failed").arg(result.failed));
        if (result.notStarted > 0)
            parts.append(tr("%1 not started (stopped)").arg(result.notStarted));
        return parts.isEmpty() ? tr("nothing to copy") : parts.join(QStringLiteral(", "));
    }

    QHash<QString, QDateTime> lastCopies(const QList<State::JournalEntry> &journal)
    {
        QHash<QString, QDateTime> last;
        for (const State::JournalEntry &entry : journal)
        {
            if (Sync::journalsCopyMade(entry) && entry.at > last.value(entry.project))
                last.insert(entry.project, entry.at);
        }
        return last;
    }

    QString counted(qint64 n, const QString &one, const QString &many)
    {
        return QStringLiteral("%1 %2").arg(n).arg(n == 1 ? one : many);
    }

    QString lagText(const Sync::Lag &lag, const QDateTime &now)
    {
        if (lag.versions <= 0)
            return QString();
        const QString behind = QStringLiteral("%1 %2 behind %3").arg(lag.to).arg(lag.versions).arg(lag.from);
        if (!lag.oldestSince.isValid())
            return behind;
        return lag.sinceFromListing ? QStringLiteral("%1, oldest on %2 for %3").arg(behind, lag.from, age(lag.oldestSince, now))
                                    : QStringLiteral("%1, oldest first seen %2 ago").arg(behind, age(lag.oldestSince, now));
    }

    QString age(const QDateTime &since, const QDateTime &now)
    {
        if (!since.isValid())
            return QString();
        return duration(since.secsTo(now));
    }

    QString localTime(const QDateTime &at)
    {
        if (!at.isValid())
            return QString();
        const QDateTime local = at.toLocalTime();
        return local.date() == QDate::currentDate() ? QLocale().toString(local.time(), QLocale::ShortFormat) : QLocale().toString(local, QLocale::ShortFormat);
    }

    QString duration(qint64 seconds)
    {
        seconds = std::max<qint64>(seconds, 0); // clocks differ: "in 0 s", never a raw "%n"
        if (seconds < 120)
            return tr("%n s", int(seconds));
        if (seconds < 7200)
            return tr("%n min", int(seconds / 60));
        if (seconds < 172800)
            return tr("%n h", int(seconds / 3600));
        return tr("%n d", int(seconds / 86400));
    }
}
