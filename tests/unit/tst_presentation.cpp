// The words both front ends use (core/presentation): a project's verdict, whether a server could
// take over, and the JSON of a status. Unknown must never read as "all clear".

#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

#include "presentation/json.h"
#include "presentation/resolutionwords.h"
#include "presentation/verdict.h"
#include "sync/syncengine.h"

using namespace TwinTrunk;
using Presentation::Level;
using namespace Qt::StringLiterals;

class TestPresentation final : public QObject
{
    Q_OBJECT

    // box2 (primary) and box4, both reached, holding `onBox2` and `onBox4`.
    static Sync::StatusReport pair(const QStringList &onBox2, const QStringList &onBox4)
    {
        Sync::ProjectSnapshot project;
        project.project = QStringLiteral("trunk");
        project.servers = {QStringLiteral("box2"), QStringLiteral("box4")};
        QStringList names = onBox2 + onBox4;
        names.removeDuplicates();
        names.sort();
        for (const QString &name : names)
        {
            Sync::NameRow row;
            row.name = name;
            if (onBox2.contains(name))
                row.uuids.insert(QStringLiteral("box2"), QStringLiteral("id-") + name);
            else
                project.missing[QStringLiteral("box2")].append(name);
            if (onBox4.contains(name))
                row.uuids.insert(QStringLiteral("box4"), QStringLiteral("id-") + name);
            else
                project.missing[QStringLiteral("box4")].append(name);
            project.rows.append(row);
        }
        project.counts = {{QStringLiteral("box2"), int(onBox2.size())}, {QStringLiteral("box4"), int(onBox4.size())}};
        project.inSync = project.missing.isEmpty();
        Sync::StatusReport report;
        report.at = QDateTime::currentDateTimeUtc();
        report.servers = {{QStringLiteral("box2"), QStringLiteral("file:///box2"), true, true, QString()},
            {QStringLiteral("box4"), QStringLiteral("file:///box4"), false, true, QString()}};
        report.projects = {project};
        return report;
    }

    static void makeUnreachable(Sync::StatusReport &report, const QString &server)
    {
        for (Sync::ServerStatus &status : report.servers)
        {
            if (status.name == server)
            {
                status.reachable = false;
                status.error = QStringLiteral("connection refused");
            }
        }
        for (Sync::ProjectSnapshot &project : report.projects)
        {
            project.unreachable.insert(server, QStringLiteral("connection refused"));
            project.missing.remove(server);
            project.inSync = false;
        }
    }

private Q_SLOTS:
    void aProjectInStepIsInSync()
    {
        const Presentation::Verdict verdict = Presentation::projectVerdict(pair({u"a.mcz"_s, u"b.mcz"_s}, {u"a.mcz"_s, u"b.mcz"_s}).projects.first());
        QCOMPARE(verdict.level, Level::Good);
        QCOMPARE(verdict.headline, QStringLiteral("In sync"));
        QCOMPARE(Presentation::overallVerdict(pair({u"a.mcz"_s}, {u"a.mcz"_s})).level, Level::Good);
    }

    void anUnreachableServerIsNeverAllClear()
    {
        Sync::StatusReport report = pair({u"a.mcz"_s}, {u"a.mcz"_s});
        makeUnreachable(report, QStringLiteral("box4"));
        const Presentation::Verdict verdict = Presentation::projectVerdict(report.projects.first());
        QCOMPARE(verdict.level, Level::Unknown);
        QCOMPARE(verdict.headline, QStringLiteral("Not checked: box4 unreachable"));
        QVERIFY(Presentation::overallVerdict(report).level != Level::Good);

        // JSON: what box4 lacks is unknown (null), not an empty list; and so is what box2 lacks of
        // box4, and the lag: an empty list would read as "nothing missing". What was counted among
        // the servers listed is a lower bound, under names that say so.
        const QJsonObject json = Presentation::statusJson(report);
        const QJsonObject project = json.value(QStringLiteral("projects")).toArray().first().toObject();
        QVERIFY(project.value(QStringLiteral("missing")).toObject().value(QStringLiteral("box4")).isNull());
        QVERIFY(project.value(QStringLiteral("missing")).toObject().value(QStringLiteral("box2")).isNull());
        QVERIFY(project.value(QStringLiteral("lag")).isNull());
        QCOMPARE(project.value(QStringLiteral("complete")), QJsonValue(false));
        QVERIFY(project.value(QStringLiteral("missingAtLeast")).toObject().value(QStringLiteral("box2")).isArray());
        QVERIFY(project.value(QStringLiteral("missingAtLeast")).toObject().value(QStringLiteral("box4")).isNull());
        QVERIFY(project.value(QStringLiteral("lagAtLeast")).isArray());
        QCOMPARE(project.value(QStringLiteral("verdict")).toObject().value(QStringLiteral("level")).toString(), Presentation::levelName(Level::Unknown));

        // Every server listed: lists, and an empty one is a checked "nothing missing".
        const QJsonObject checked = Presentation::statusJson(pair({u"a.mcz"_s}, {u"a.mcz"_s})).value(QStringLiteral("projects")).toArray().first().toObject();
        QCOMPARE(checked.value(QStringLiteral("complete")), QJsonValue(true));
        QCOMPARE(checked.value(QStringLiteral("missing")).toObject().value(QStringLiteral("box2")), QJsonValue(QJsonArray()));
        QVERIFY(checked.value(QStringLiteral("lag")).isArray());
        QVERIFY(!checked.contains(QStringLiteral("missingAtLeast")) && !checked.contains(QStringLiteral("lagAtLeast")));
    }

    // With box4 down, every name box2 lists reads as "id unknown" (ids are read for names on several
    // servers): that is box4's part, said once as "not checked", not a count of unread ids.
    void aServerDownIsNotCountedAsUnreadIds()
    {
        Sync::StatusReport report = pair({u"a.mcz"_s, u"b.mcz"_s}, {u"a.mcz"_s});
        makeUnreachable(report, QStringLiteral("box4"));
        Sync::ProjectSnapshot &project = report.projects.first();
        for (Sync::NameRow &row : project.rows)
        {
            row.uuids = Sync::ServerIds();
            row.uuids.insert(u"box2"_s, QString());
            row.state = Sync::VersionState::Unknown;
            project.unknown.append(row.name);
        }
        Presentation::Verdict verdict = Presentation::projectVerdict(project);
        QCOMPARE(verdict.problems, QStringList{u"Not checked: box4 unreachable"_s});

        // A name two listed servers hold with an id not read is still counted (three servers, one down).
        project.rows[0].uuids.insert(u"box6"_s, u"id"_s);
        verdict = Presentation::projectVerdict(project);
        QCOMPARE(verdict.problems, QStringList({u"Not checked: box4 unreachable"_s, u"Ids not read everywhere: 1"_s}));
        // Every server listed: every unread id counts.
        project.unreachable.clear();
        QVERIFY(Presentation::projectVerdict(project).problems.contains(u"Ids not read everywhere: 2"_s));
    }

    // What a replication plan could not cover is said, in words, and 0 copies is then not "nothing
    // to copy": the CLI's "Not planned:", the plan's JSON, and the conflicts left "not known".
    void whatCouldNotBePlannedIsSaid()
    {
        Sync::StatusReport report = pair({u"a.mcz"_s}, {u"a.mcz"_s});
        QVERIFY(Presentation::notPlanned(report).isEmpty());
        QCOMPARE(Presentation::planJson({}, 4, {}).value(QStringLiteral("complete")), QJsonValue(true));

        makeUnreachable(report, QStringLiteral("box4"));
        report.servers[1].errorKind = Error::Kind::Refused;
        report.projects.first().notChecked = {u"the damaged copies"_s};
        // A listing box2 gave but that cannot be trusted: that project on box2 only.
        report.projects.append(report.projects.first());
        report.projects[1].project = u"inbox"_s;
        report.projects[1].notChecked.clear();
        report.projects[1].unreachable.insert(u"box2"_s, u"box2 inbox: suspect listing: empty"_s);
        const QStringList expected{u"box4 unreachable (connection refused)"_s, u"trunk: the damaged copies could not be read"_s,
            u"inbox on box2 not checked: box2 inbox: suspect listing: empty"_s};
        QCOMPARE(Presentation::notPlanned(report), expected);
        // Of an unknown kind: the error itself.
        report.servers[1].errorKind = Error::Kind::Other;
        QCOMPARE(Presentation::notPlanned(report).first(), u"box4 unreachable (connection refused)"_s);

        const QJsonObject plan = Presentation::planJson({}, 4, expected);
        QCOMPARE(plan.value(QStringLiteral("copies")).toInt(), 0);
        QCOMPARE(plan.value(QStringLiteral("complete")), QJsonValue(false));
        QCOMPARE(plan.value(QStringLiteral("notChecked")).toArray(), QJsonArray::fromStringList(expected));

        // The run's summary: the conflicts left are not known where a server was not listed.
        const QJsonObject summary = Presentation::syncSummaryJson(Sync::SyncResult{}, expected, 0);
        QVERIFY(summary.value(QStringLiteral("conflictsLeft")).isNull());
        QCOMPARE(summary.value(QStringLiteral("conflictsLeftAtLeast")).toInt(-1), 0);
        QCOMPARE(Presentation::syncSummaryJson(Sync::SyncResult{}, {}, 2).value(QStringLiteral("conflictsLeft")).toInt(), 2);
    }

    // The repoint confirmation opens with the risk accepted, in plain words.
    void theRiskOfARepointIsSaidPlainly()
    {
        Failover::RepointReport report;
        report.from = u"box2"_s;
        report.to = u"box4"_s;
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QVERIFY(Presentation::repointRisk(report, now).isEmpty());

        report.primaryRisk.neverListed = {u"trunk"_s, u"inbox"_s};
        QCOMPARE(Presentation::repointRisk(report, now), u"What only box2 has is not known: it was never listed."_s);

        const QDateTime listed = now.addSecs(-3 * 3600);
        report.primaryRisk = Failover::PrimaryRisk{{u"trunk/a.mcz"_s, u"trunk/b.mcz"_s, u"trunk/c.mcz"_s}, {}, listed};
        QCOMPARE(Presentation::repointRisk(report, now),
            u"At risk: box4 lacks 3 versions box2's last listing (%1, 3 h ago) had, held only by box2 until it comes back."_s.arg(
                Presentation::localTime(listed)));

        report.primaryRisk.neverListed = {u"inbox"_s};
        report.primaryRisk.atRisk = {u"trunk/a.mcz"_s};
        const QString both = Presentation::repointRisk(report, now);
        QVERIFY2(both.startsWith(u"What only box2 has in inbox is not known: it was never listed there. At risk: box4 lacks 1 version "_s), qPrintable(both));
    }

    void damageComesBeforeWhatACopySettles()
    {
        Sync::StatusReport report = pair({u"a.mcz"_s, u"b.mcz"_s}, {u"a.mcz"_s});
        report.projects.first().damaged.insert(QStringLiteral("box4"), {QStringLiteral("a.mcz")});
        const Presentation::Verdict verdict = Presentation::projectVerdict(report.projects.first());
        QCOMPARE(verdict.level, Level::Bad);
        QVERIFY2(verdict.headline.startsWith(QStringLiteral("Damaged:")), qPrintable(verdict.headline));
        QVERIFY2(verdict.problems.join(u'\n').contains(QStringLiteral("box4 lacks 1")), qPrintable(verdict.problems.join(u'\n')));
    }

    void aServerHoldingEverythingIsReadyToTakeOver()
    {
        const Presentation::Takeover takeover = Presentation::takeoverReadiness(pair({u"a.mcz"_s}, {u"a.mcz"_s, u"b.mcz"_s}), QStringLiteral("box4"));
        QCOMPARE(takeover.level, Level::Good);
        QCOMPARE(takeover.text, QStringLiteral("Ready to take over"));
        // The primary itself takes over from nobody.
        QVERIFY(Presentation::takeoverReadiness(pair({u"a.mcz"_s}, {u"a.mcz"_s}), QStringLiteral("box2")).text.isEmpty());
    }

    void aServerLackingThePrimarysVersionsIsNotReady()
    {
        const Presentation::Takeover takeover =
            Presentation::takeoverReadiness(pair({u"a.mcz"_s, u"b.mcz"_s, u"c.mcz"_s}, {u"a.mcz"_s}), QStringLiteral("box4"));
        QCOMPARE(takeover.level, Level::Bad);
        QCOMPARE(takeover.text, QStringLiteral("Not ready: 2 versions only on box2"));
        QCOMPARE(takeover.missing, QStringList({QStringLiteral("trunk/b.mcz"), QStringLiteral("trunk/c.mcz")}));
        QCOMPARE(Presentation::takeoverReadiness(pair({u"a.mcz"_s, u"b.mcz"_s}, {u"a.mcz"_s}), QStringLiteral("box4")).text,
            QStringLiteral("Not ready: 1 version only on box2"));
    }

    // The same name with another id on the target is not the primary's version: an open conflict
    // means not ready (images would load another variant), and an id not read is not known.
    void anotherVariantOnTheTargetIsNotHeld()
    {
        Sync::StatusReport report = pair({u"a.mcz"_s, u"b.mcz"_s}, {u"a.mcz"_s, u"b.mcz"_s});
        Sync::ProjectSnapshot &project = report.projects.first();
        project.rows[1].uuids = Sync::ServerIds();
        project.rows[1].uuids.insert(u"box2"_s, u"one"_s);
        project.rows[1].uuids.insert(u"box4"_s, u"other"_s);
        project.conflicts = {u"b.mcz"_s};
        Presentation::Takeover takeover = Presentation::takeoverReadiness(report, u"box4"_s);
        QCOMPARE(takeover.level, Level::Bad);
        QCOMPARE(takeover.text, u"Not ready: 1 open conflict with box2 (its variant differs)"_s);
        QCOMPARE(takeover.missing, QStringList{u"trunk/b.mcz"_s});

        // Decided: the target holding the variant a person chose is ready; holding the other is not.
        project.conflicts.clear();
        project.rows[1].canonicalId = u"other"_s;
        QCOMPARE(Presentation::takeoverReadiness(report, u"box4"_s).level, Level::Good);
        project.rows[1].canonicalId = u"one"_s;
        QCOMPARE(Presentation::takeoverReadiness(report, u"box4"_s).level, Level::Bad);
        project.rows[1].canonicalId.clear();

        project.rows[1].uuids = Sync::ServerIds();
        project.rows[1].uuids.insert(u"box2"_s, u"one"_s);
        project.rows[1].uuids.insert(u"box4"_s, QString()); // listed, id not read yet
        takeover = Presentation::takeoverReadiness(report, u"box4"_s);
        QCOMPARE(takeover.level, Level::Unknown);
        QCOMPARE(takeover.text, u"Not checked: the ids of 1 version are not read yet"_s);
    }

    void aDamagedCopyOnTheTargetIsNotHeld()
    {
        Sync::StatusReport report = pair({u"a.mcz"_s}, {u"a.mcz"_s});
        report.projects.first().rows.first().damagedOn = {QStringLiteral("box4")};
        QCOMPARE(Presentation::takeoverReadiness(report, QStringLiteral("box4")).level, Level::Bad);
    }

    void aPrimaryThatCannotBeListedLeavesTakeoverUnknown()
    {
        Sync::StatusReport report = pair({u"a.mcz"_s}, {u"a.mcz"_s});
        makeUnreachable(report, QStringLiteral("box2"));
        const Presentation::Takeover takeover = Presentation::takeoverReadiness(report, QStringLiteral("box4"));
        QCOMPARE(takeover.level, Level::Unknown);
        QVERIFY2(takeover.text.contains(QStringLiteral("not known")), qPrintable(takeover.text));
        // The same in status --json, for scripts.
        const QJsonArray servers = Presentation::statusJson(report).value(QStringLiteral("servers")).toArray();
        const QJsonObject box4 = servers.at(1).toObject();
        QCOMPARE(box4.value(QStringLiteral("takeover")).toObject().value(QStringLiteral("level")).toString(), Presentation::levelName(Level::Unknown));
        QVERIFY(!servers.at(0).toObject().contains(QStringLiteral("takeover")));
    }

    void anUnreachableTargetIsNotReady()
    {
        Sync::StatusReport report = pair({u"a.mcz"_s}, {u"a.mcz"_s});
        makeUnreachable(report, QStringLiteral("box4"));
        const Presentation::Takeover takeover = Presentation::takeoverReadiness(report, QStringLiteral("box4"));
        QCOMPARE(takeover.level, Level::Bad);
        QCOMPARE(takeover.text, QStringLiteral("Not ready: box4 is unreachable"));
    }

    void recordsThatCouldNotBeReadLeaveTakeoverUnknown()
    {
        Sync::StatusReport report = pair({u"a.mcz"_s}, {u"a.mcz"_s});
        report.projects.first().notChecked = {QStringLiteral("the damaged copies")};
        QCOMPARE(Presentation::takeoverReadiness(report, QStringLiteral("box4")).level, Level::Unknown);
    }

    void aConflictIsAdvisedByHowItsVariantsRelate()
    {
        using Relation = Conflicts::ConflictInspection::Relation;
        Conflicts::ConflictInspection inspection;
        inspection.name = u"Collections-mt.987.mcz"_s;
        inspection.loserName = u"Collections-mt.989.mcz"_s;
        inspection.variants = {Conflicts::Variant{.id = u"1"_s, .servers = {u"box2"_s}}, Conflicts::Variant{.id = u"2"_s, .servers = {u"box4"_s}}};

        inspection.relationKind = Relation::BDescendsA;
        Presentation::ConflictAdvice advice = Presentation::conflictAdvice(inspection);
        QCOMPARE(advice.recommended, 1);
        QCOMPARE(advice.headline, u"b (box4) descends from a (box2): it holds a's changes"_s);
        QCOMPARE(advice.advice, u"Keeping b loses nothing; the other stays available, republished as Collections-mt.989.mcz."_s);

        // Diverged: a person's call, unless images already load one (the update map names it).
        inspection.relationKind = Relation::Diverged;
        inspection.commonAncestor = u"Collections-ul.986"_s;
        advice = Presentation::conflictAdvice(inspection);
        QCOMPARE(advice.recommended, -1);
        QCOMPARE(advice.headline, u"a (box2) and b (box4) diverged from Collections-ul.986: each has changes the other lacks"_s);
        inspection.variants[0].inUpdateMap = true;
        inspection.updateMap = u"update-mt.480.mcm"_s;
        advice = Presentation::conflictAdvice(inspection);
        QCOMPARE(advice.recommended, 0);
        QVERIFY2(advice.advice.contains(u"a is the one update-mt.480.mcm names"_s), qPrintable(advice.advice));

        // An update map in conflict: the loser is never republished.
        inspection.loserName.clear();
        QVERIFY(Presentation::conflictAdvice(inspection).advice.contains(u"kept in the quarantine only"_s));
        inspection.relationKind = Relation::Unknown;
        QCOMPARE(Presentation::conflictAdvice(inspection).recommended, -1);

        // A third variant: the advice is about a and b only, and says so; no recommendation.
        inspection.relationKind = Relation::BDescendsA;
        inspection.variants.append(Conflicts::Variant{.id = u"3"_s, .servers = {u"box6"_s}});
        advice = Presentation::conflictAdvice(inspection);
        QCOMPARE(advice.recommended, -1);
        QVERIFY2(advice.headline.endsWith(u"(1 more variant not compared here)"_s), qPrintable(advice.headline));
        // An update map that could not be read: which variant images load is not known.
        inspection.updateMapsNotRead = {u"update-mt.481.mcm: refused"_s};
        QVERIFY(Presentation::conflictAdvice(inspection).advice.endsWith(u"an update map could not be read."_s));
        QVERIFY(Presentation::conflictAdvice(Conflicts::ConflictInspection{}).headline.isEmpty());
    }

    // A resolution's plan in plain words (the console's confirmation, resolve --dry-run): what an
    // image updating from each server loads first, short ids, the option by the name given, no
    // step's internal name; after the run, what is so and the new name.
    void aResolutionIsSaidInPlainWords()
    {
        using Fate = Conflicts::NameOnServer::Fate;
        const QString kept = u"edefe0cf-22e5-2e9b-288d-7f0b67fb0b3f"_s, other = u"33bf8e85-54e7-ceb7-79ca-568cc4cba518"_s;
        Conflicts::ResolutionReport report{.project = u"trunk"_s,
            .name = u"Collections-mt.987.mcz"_s,
            .decision = u"keep"_s,
            .keep = u"box2"_s,
            .ok = true,
            .dryRun = true,
            .keptId = kept};
        report.steps = {Conflicts::ResolutionStep{u"decide"_s, u"box2"_s, u"planned"_s, u"keep box2 (id %1)"_s.arg(kept)}};
        report.underName = {Conflicts::NameOnServer{.server = u"box2"_s, .listed = kept, .fate = Fate::Holds},
            Conflicts::NameOnServer{.server = u"box4"_s, .listed = other, .fate = Fate::Stays},
            Conflicts::NameOnServer{.server = u"box6"_s, .listed = QString(), .fate = Fate::Copy}};
        report.renamed = {Conflicts::RenamedVariant{.id = other, .server = u"box4"_s, .newName = u"Collections-mt.989.mcz"_s}};
        QStringList words = Presentation::resolutionWords(report, u"“Also replace”"_s);
        QCOMPARE(words,
            (QStringList{u"An image updating from box2 will load box2's variant (edefe0cf) as Collections-mt.987.mcz, as it does now."_s,
                u"An image updating from box4 will still load box4's own variant (33bf8e85) as Collections-mt.987.mcz: box4 keeps its copy under that "
                u"name. Choose “Also replace” to put box2's variant (edefe0cf) there instead."_s,
                u"An image updating from box6 will load box2's variant (edefe0cf) as Collections-mt.987.mcz: box6 lacks that name, so it is copied there."_s,
                u"box4's variant (33bf8e85) is not lost: its bytes are kept first, checksummed, in a folder beside the workspace's state database; then "
                u"it is published on every server as Collections-mt.989.mcz, its id and ancestry unchanged."_s,
                u"Nothing is deleted. Collections-mt.987.mcz is then no longer an open conflict."_s}));
        QCOMPARE(Presentation::resolutionQuestion(report), u"Keep box2's variant (edefe0cf) of Collections-mt.987.mcz?"_s);

        // Replacing: only if the server permits it, and what stays if it does not.
        report.replace = true;
        report.underName[1].fate = Fate::Replace;
        words = Presentation::resolutionWords(report, u"--replace"_s);
        QCOMPARE(words.at(1),
            u"An image updating from box4 will load box2's variant (edefe0cf) as Collections-mt.987.mcz if box4 permits replacing a file; if it refuses "
            u"(as SqueakSource does), box4 keeps box4's own variant (33bf8e85) there."_s);
        QCOMPARE(words.last(),
            u"A copy is deleted only where it is replaced, and only after its bytes are kept. Collections-mt.987.mcz is then no longer an open conflict."_s);
        for (const QString &paragraph : words)
        {
            QVERIFY2(!paragraph.contains(QRegularExpression(u"[0-9a-f]{8}-[0-9a-f]{4}"_s)), qPrintable(paragraph));
            for (const QString &internal : {u"decide"_s, u"quarantine"_s, u"canonical-elsewhere"_s, u"--replace"_s})
                QVERIFY2(!paragraph.contains(internal), qPrintable(paragraph));
        }

        // As it went: box4 refused, the other variant is under its new name.
        report.dryRun = false;
        report.underName[1].fate = Fate::Refused;
        words = Presentation::resolutionWords(report, u"--replace"_s);
        QCOMPARE(words.at(1),
            u"An image updating from box4 still loads box4's own variant (33bf8e85) as Collections-mt.987.mcz: box4 does not let a file be replaced."_s);
        QCOMPARE(words.last(), u"box4's variant (33bf8e85) is now Collections-mt.989.mcz on every server, its id and ancestry unchanged."_s);
        QCOMPARE(report.newNames(), QStringList{u"Collections-mt.989.mcz"_s});
        QCOMPARE(report.toJson().value(u"newNames"_s).toArray(), QJsonArray{u"Collections-mt.989.mcz"_s});

        // An update map: short ids of its digest, never republished under another name.
        Conflicts::ResolutionReport map{.name = u"update-mt.480.mcm"_s,
            .decision = u"keep"_s,
            .keep = u"box4"_s,
            .ok = true,
            .dryRun = true,
            .keptId = u"sha256:0123456789abcdef"_s};
        map.renamed = {Conflicts::RenamedVariant{.id = u"sha256:fedcba9876543210"_s, .server = QString(), .newName = QString()}};
        QCOMPARE(Presentation::resolutionQuestion(map), u"Keep box4's map (01234567) of update-mt.480.mcm?"_s);
        words = Presentation::resolutionWords(map, u"--replace"_s);
        QVERIFY2(words.first().startsWith(u"The map fedcba98 is not lost: its bytes are kept"_s), qPrintable(words.first()));
        QVERIFY(words.first().contains(u"not published under another name"_s));
        QVERIFY(map.newNames().isEmpty());
    }

    // The wizard's footer and repoint --dry-run: "Every check passed" only when every check did.
    void aPreflightIsSummedUpInOneSentence()
    {
        using Outcome = Failover::Check::Outcome;
        Failover::RepointReport report;
        report.checks = {Failover::Check{u"a"_s, u"The new primary answers"_s, Outcome::Passed, QString(), {}}};
        QCOMPARE(Presentation::preflightSummary(report, false), u"Every check passed."_s);
        report.checks.append(Failover::Check{u"b"_s, u"Images can update"_s, Outcome::NotApplicable, QString(), {}});
        QCOMPARE(Presentation::preflightSummary(report, false), u"Every check that applies passed (1 not applicable)."_s);
        report.checks.append(Failover::Check{u"c"_s, u"Open duplicate-name conflicts"_s, Outcome::Warning, QString(), {}});
        QCOMPARE(Presentation::preflightSummary(report, false), u"Ready to repoint, with 1 warning to read first: Open duplicate-name conflicts."_s);
        report.checks.append(Failover::Check{u"d"_s, u"Nothing only the current primary has"_s, Outcome::NeedsConfirmation, QString(), {}});
        QCOMPARE(Presentation::preflightSummary(report, false),
            u"The preflight stops this repoint (Nothing only the current primary has). Nothing was changed."_s);
        QCOMPARE(Presentation::preflightSummary(report, true),
            u"Ready to repoint, with 2 warnings to read first: Open duplicate-name conflicts; Nothing only the current primary has."_s);
    }

    void wordsForPeople()
    {
        QCOMPARE(Presentation::errorWords(QStringLiteral("refused")), QStringLiteral("connection refused"));
        QCOMPARE(Presentation::errorWords(QStringLiteral("io")), QStringLiteral("its folder cannot be read"));
        QCOMPARE(Presentation::errorWords(QStringLiteral("strange")), QStringLiteral("it failed (strange)"));
        QCOMPARE(Presentation::duration(40), QStringLiteral("40 s"));
        QCOMPARE(Presentation::duration(-3), QStringLiteral("0 s"));
        QCOMPARE(Presentation::duration(600), QStringLiteral("10 min"));
        QCOMPARE(Presentation::duration(3 * 86400), QStringLiteral("3 d"));
        QVERIFY(Presentation::age(QDateTime(), QDateTime::currentDateTimeUtc()).isEmpty());
        QCOMPARE(Presentation::counted(1, QStringLiteral("copy"), QStringLiteral("copies")), QStringLiteral("1 copy"));
        QCOMPARE(Presentation::counted(3, QStringLiteral("copy"), QStringLiteral("copies")), QStringLiteral("3 copies"));
        QCOMPARE(Presentation::counted(0, QStringLiteral("copy"), QStringLiteral("copies")), QStringLiteral("0 copies"));

        // Today's moments by their time; another day's with its date.
        const QDateTime now = QDateTime::currentDateTime();
        QVERIFY(!Presentation::localTime(now).contains(QString::number(now.date().year())));
        QVERIFY(Presentation::localTime(now.addDays(-400)).contains(QString::number(now.addDays(-400).date().year() % 100)));
        QVERIFY(Presentation::localTime(QDateTime()).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestPresentation)
#include "tst_presentation.moc"
