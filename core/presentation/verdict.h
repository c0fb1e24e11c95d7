#pragma once

#include <QDateTime>
#include <QString>
#include <QStringList>

#include "conflicts/inspection.h"
#include "failover/repoint.h"
#include "state/statedatabase.h"
#include "sync/propagator.h"
#include "sync/syncmodel.h"

// What both front ends say about the state of things, in one place, so that twintrunkctl and the
// console can never disagree (as Unison's uicommon serves its text and GTK front ends).
namespace TwinTrunk::Sync
{
    struct StatusReport;
}

namespace TwinTrunk::Presentation
{
    // How a state reads at a glance: the console colours by it, the CLI's words follow it.
    enum class Level
    {
        Good,    // checked and fine
        Note,    // fine, with something worth knowing
        Warning, // behind or incomplete: a copy or a read will settle it
        Bad,     // a person must look: damage, a conflict, a regression
        Unknown, // not checked: never read as "all clear"
    };

    // "good", "note", "warning", "bad", "unknown": for --json.
    QString levelName(Level level);

    struct Verdict
    {
        Level level = Level::Unknown;
        QString headline;     // "In sync", "Not checked: box4 unreachable", "Damaged copies: 2 on box4"
        QStringList problems; // every problem of the project, most urgent first (the headline is the first)
    };

    // A project's verdict. "In sync" only when the snapshot says it is the checked fact; a server
    // that was not reached makes the project "not checked", whatever the others say.
    Verdict projectVerdict(const Sync::ProjectSnapshot &project);

    // The whole workspace at a glance (the console's tray, the last line of `twintrunkctl status`):
    // a server not reached first, then the most urgent project ("trunk: Damaged: 1 on box4, and 2
    // more projects"); "Every project in sync" only when every project's verdict is good.
    Verdict overallVerdict(const Sync::StatusReport &report);

    // A health probe's error class ("refused", "dns", ...) in words for a person ("connection refused").
    QString errorWords(const QString &errorClass);

    // Whether `target` could take over as primary now, as far as the last status tells (the repoint
    // wizard's preflight checks the rest: update maps, the actions): reached, holding every version
    // the primary has (the same id, not damaged) and no open conflict with it. Good: ready; Bad:
    // not ready; Unknown: not checked (the primary not listed somewhere, ids not read).
    struct Takeover
    {
        Level level = Level::Unknown;
        QString text;        // "Ready to take over", "Not ready: 3 versions only on box2", ...
        QStringList missing; // "trunk/Kernel-eem.1452.mcz": only on the primary
    };
    Takeover takeoverReadiness(const Sync::StatusReport &report, const QString &target);

    // A duplicate-name conflict as a decision: how the variants relate, in a sentence, and which
    // one to keep and what that costs. `recommended`: the variant to keep (-1: a person's call).
    struct ConflictAdvice
    {
        QString headline; // "b (box4) descends from a (box2): b holds a's changes"
        QString advice;   // "Keeping b loses nothing; a stays available as Collections-mt.989."
        int recommended = -1;
    };
    ConflictAdvice conflictAdvice(const Conflicts::ConflictInspection &inspection);

    // "a-descends-from-b", "b-descends-from-a", "diverged", "unrelated", "unknown": for --json.
    QString relationName(Conflicts::ConflictInspection::Relation relation);

    // One definition whose code differs between variants a and b, as the conflict view lists it.
    struct ConflictDefinition
    {
        QString key;    // "OrderedCollection>>printOn:", whole
        QString change; // "changed", "added" (only in b), "removed" (only in a): from a to b
        // Against a known ancestor: the side that changed it since ("a", "b", "both"). Without
        // one: the variant that has it ("a", "b"), or "both" when both have it, differently.
        QString side;
        QString marker;      // as shown: the side against the ancestor, else "only in a", "only in b", "in both, different"
        QString explanation; // "changed in b since Collections-ul.986", "a and b both changed it", "only in a"
    };

    // A duplicate-name conflict as the console's conflict view and `twintrunkctl conflict` both
    // show it, every sentence made here: the decision first (how the variants relate, what to keep
    // and what that costs), then what the code is compared against, then the definitions that
    // differ, each marked with the side that changed it.
    struct ConflictView
    {
        ConflictAdvice advice;
        QString relation;    // relationName()
        QString recommended; // "a", "b" (the variant to keep), or empty: a person's call
        // The headline as a sentence, then the recommendation: the console's first lines (the
        // headline in bold), the CLI's first lines after the name. Empty when there is nothing to compare.
        QStringList decision;
        QString comparison;           // "Three-way comparison with the common ancestor X (read from box2)", or why two ways
        bool threeWay = false;        // the code in three columns: a server holds the common ancestor
        bool againstAncestor = false; // the markers say who changed it since the ancestor (else where it is)
        QString markerHeading;        // "Changed in" or "Where"
        QStringList columns;          // the code's columns: "Collections-ul.986 (ancestor, box2)" in three ways, "a (box2)", "b (box4)"
        QList<ConflictDefinition> definitions;
        QStringList updateMap; // per variant: "named by update-mt.480.mcm", "not named by any update map", or "not known: ..."
    };
    ConflictView conflictView(const Conflicts::ConflictInspection &inspection);

    // A server's health in words, as its card in the console and `twintrunkctl health` say it.
    struct HealthWords
    {
        Level level = Level::Unknown; // Good: up; Bad: down; Unknown: not probed yet
        QString state;                // "Up", "Down", "Not probed yet"
        QString why;                  // down: the error in words ("its folder cannot be read"); else empty
    };
    HealthWords healthWords(const Health::ServerHealth &health);
    // A down server's last answer: "last answered 12 min ago", or "it never answered".
    QString lastAnswered(const QDateTime &lastSuccess, const QDateTime &now);

    // A preflight check's result in words: "passed", "warning", "needs your confirmation",
    // "FAILED", "not applicable" (the wizard's Result column, `twintrunkctl repoint`'s marks).
    QString checkOutcomeText(Failover::Check::Outcome outcome);

    // A repoint preflight in a sentence: what stops it, else which warnings to read first; "Every
    // check passed" only when every check that applies did (the wizard and repoint --dry-run).
    QString preflightSummary(const Failover::RepointReport &report, bool acceptAtRisk);

    // With the primary down, what accepting the at-risk set means, in plain words: the first words
    // of the repoint's confirmation (the console's and twintrunkctl repoint's). "At risk: box4
    // lacks 3 versions box2's last listing (14:02, 3 h ago) had, held only by box2 until it comes
    // back." or "What only box2 has is not known: it was never listed." Empty when nothing is.
    QString repointRisk(const Failover::RepointReport &report, const QDateTime &now);

    // What a replication plan made from `report` could not cover, and why, one phrase each: "box4
    // unreachable (connection refused)", "trunk on box2 not checked: suspect listing: ...",
    // "trunk: the damaged copies could not be read". Empty only when every project was checked on
    // every server: a plan of 0 copies means "nothing to copy" only then.
    QStringList notPlanned(const Sync::StatusReport &report);

    // A replication's outcome in words, only what happened: "3 copied and verified, 1 failed
    // (1 damaged), 4 not started (stopped)"; "nothing to copy" when nothing was due.
    QString syncOutcome(const Sync::SyncResult &result);

    // When each project last had a copy made, from the journal (the projects table's "Last copy").
    QHash<QString, QDateTime> lastCopies(const QList<State::JournalEntry> &journal);

    // "1 copy", "3 copies": a count with its noun, singular or plural (the console and the CLI are
    // in English; tr()'s %n needs a translation file to choose).
    QString counted(qint64 n, const QString &one, const QString &many);

    // One direction's lag in words, the same in the console and the CLI: "box4 5 behind box2,
    // oldest there 86 s" (since its listing's date), or "..., oldest first seen 86 s ago" (when
    // TwinTrunk first listed it, the listing giving no date); empty when nothing is behind.
    QString lagText(const Sync::Lag &lag, const QDateTime &now);

    // "45 s", "12 min", "3 h", "2 d": how long ago `since` was; empty when unknown.
    QString age(const QDateTime &since, const QDateTime &now);
    // A moment in local time for a person: "06:36" today, else with its date; empty when invalid.
    QString localTime(const QDateTime &at);
    // The same for a span of seconds ("next probe in 40 s").
    QString duration(qint64 seconds);
}
