#include <QTest>

#include "presentation/verdict.h"
#include "sync/plan.h"
#include "sync/reconcile.h"
#include "sync/syncmodel.h"

using namespace TwinTrunk::Sync;

namespace
{
    ServerListing listing(const QString &server, const QHash<QString, QString> &idsByName, const QSet<QString> &vanished = {})
    {
        ServerListing result{server, true, QString(), {}, vanished, false};
        for (auto it = idsByName.cbegin(); it != idsByName.cend(); ++it)
        {
            const QDateTime firstSeen = QDateTime(QDate(2026, 1, 1), QTime(0, 0), Qt::UTC).addSecs(it.key().size() * 60);
            result.versions.insert(it.key(), ListedVersion{100, QDateTime(), firstSeen, it.value()});
        }
        return result;
    }

    const NameRow &row(const ProjectSnapshot &snapshot, const QString &name)
    {
        for (const NameRow &candidate : snapshot.rows)
        {
            if (candidate.name == name)
                return candidate;
        }
        qFatal("no row %s", qPrintable(name));
    }
}

class TestReconcile final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Lag counts from when a version appeared on its source where the listing says so (a version
    // TwinTrunk first listed today may have been there for a week), from its first sighting where
    // the listing gives no date, or a date later than the sighting (a server's clock ahead).
    void lagStartsWhenTheListingSaysTheVersionAppeared()
    {
        const QDateTime firstSeen(QDate(2026, 11, 30), QTime(10, 0), Qt::UTC);
        ServerListing box2{QStringLiteral("box2"), true, QString(), {}, {}, false};
        box2.versions.insert(QStringLiteral("Old-a.1.mcz"), ListedVersion{100, firstSeen.addDays(-7), firstSeen, QStringLiteral("id-1")});
        ServerListing box4{QStringLiteral("box4"), true, QString(), {}, {}, false};
        const ReconcileInput input{QStringLiteral("trunk"), {box2, box4}, {}, {}};
        Lag lag = reconcile(input).lag.first();
        QCOMPARE(lag.versions, 1);
        QCOMPARE(lag.oldestSince, firstSeen.addDays(-7));
        QVERIFY(lag.sinceFromListing);
        QCOMPARE(TwinTrunk::Presentation::lagText(lag, firstSeen), QStringLiteral("box4 1 behind box2, oldest on box2 for 7 d"));

        for (const QDateTime &listed : {QDateTime(), firstSeen.addSecs(3600)})
        {
            ReconcileInput undated = input;
            undated.listings[0].versions[QStringLiteral("Old-a.1.mcz")].modified = listed;
            lag = reconcile(undated).lag.first();
            QCOMPARE(lag.oldestSince, firstSeen);
            QVERIFY(!lag.sinceFromListing);
            QCOMPARE(TwinTrunk::Presentation::lagText(lag, firstSeen.addSecs(86)), QStringLiteral("box4 1 behind box2, oldest first seen 86 s ago"));
        }
    }

    // A damaged copy whose holders' ids are not all read yet is "ids not read" first: no copy is
    // planned from a source whose id is unknown. The damage is counted all the same; the verdict
    // says it, and a project with a damaged copy never reads as in sync.
    void unknownIdsComeBeforeDamage()
    {
        ReconcileInput input{QStringLiteral("trunk"),
            {listing(QStringLiteral("box2"), {{QStringLiteral("Hurt-a.1.mcz"), QString()}}),
                listing(QStringLiteral("box4"), {{QStringLiteral("Hurt-a.1.mcz"), QStringLiteral("id-h")}}), listing(QStringLiteral("box6"), {})},
            {}, {}};
        input.damaged[QStringLiteral("box4")].insert(QStringLiteral("Hurt-a.1.mcz"));
        const ProjectSnapshot snapshot = reconcile(input);
        QCOMPARE(row(snapshot, QStringLiteral("Hurt-a.1.mcz")).state, VersionState::Unknown);
        QCOMPARE(snapshot.damaged.value(QStringLiteral("box4")), QStringList{QStringLiteral("Hurt-a.1.mcz")});
        QVERIFY(plan({snapshot}).isEmpty());
        QVERIFY(!snapshot.inSync);

        // Once the ids are read, the row is damaged, and box6 gets a copy from the sound holder.
        input.listings[0] = listing(QStringLiteral("box2"), {{QStringLiteral("Hurt-a.1.mcz"), QStringLiteral("id-h")}});
        const ProjectSnapshot known = reconcile(input);
        QCOMPARE(row(known, QStringLiteral("Hurt-a.1.mcz")).state, VersionState::Damaged);
        const QList<PlanItem> items = plan({known});
        QCOMPARE(items.size(), 1);
        QCOMPARE(items.first().targets, QStringList{QStringLiteral("box6")});
        QCOMPARE(items.first().source, QStringLiteral("box2")); // never the damaged copy
    }

    void classifiesEveryName()
    {
        ReconcileInput input{QStringLiteral("trunk"),
            {listing(QStringLiteral("box2"),
                 {{QStringLiteral("Same-a.1.mcz"), QStringLiteral("id-1")}, {QStringLiteral("OnlyA-a.1.mcz"), QString()},
                     {QStringLiteral("Dup-a.1.mcz"), QStringLiteral("id-x")}, {QStringLiteral("Flying-a.1.mcz"), QString()},
                     {QStringLiteral("Gone-a.1.mcz"), QStringLiteral("id-g")}, {QStringLiteral("Unread-a.1.mcz"), QString()}}),
                listing(QStringLiteral("box4"),
                    {{QStringLiteral("Same-a.1.mcz"), QStringLiteral("id-1")}, {QStringLiteral("OnlyB-a.1.mcz"), QString()},
                        {QStringLiteral("Dup-a.1.mcz"), QStringLiteral("id-y")}, {QStringLiteral("Unread-a.1.mcz"), QStringLiteral("id-u")}},
                    {QStringLiteral("Gone-a.1.mcz")})},
            {QStringLiteral("Flying-a.1.mcz")}, {}};
        const ProjectSnapshot snapshot = reconcile(input);

        QCOMPARE(row(snapshot, QStringLiteral("Same-a.1.mcz")).state, VersionState::Same);
        QCOMPARE(row(snapshot, QStringLiteral("OnlyA-a.1.mcz")).state, VersionState::Missing);
        QCOMPARE(row(snapshot, QStringLiteral("OnlyA-a.1.mcz")).missingOn, QStringList{QStringLiteral("box4")});
        QCOMPARE(row(snapshot, QStringLiteral("OnlyB-a.1.mcz")).missingOn, QStringList{QStringLiteral("box2")});
        QCOMPARE(row(snapshot, QStringLiteral("Dup-a.1.mcz")).state, VersionState::Conflict);
        QCOMPARE(row(snapshot, QStringLiteral("Gone-a.1.mcz")).state, VersionState::Regression);
        QCOMPARE(row(snapshot, QStringLiteral("Gone-a.1.mcz")).vanishedFrom, QStringList{QStringLiteral("box4")});
        QCOMPARE(row(snapshot, QStringLiteral("Flying-a.1.mcz")).state, VersionState::InFlight);
        QCOMPARE(row(snapshot, QStringLiteral("Unread-a.1.mcz")).state, VersionState::Unknown);
        QCOMPARE(snapshot.conflicts, QStringList{QStringLiteral("Dup-a.1.mcz")});
        QCOMPARE(snapshot.regressions, QStringList{QStringLiteral("Gone-a.1.mcz")});
        QVERIFY(!snapshot.inSync);

        // Lag: box2 -> box4 counts OnlyA and Flying; box4 -> box2 counts OnlyB.
        for (const Lag &lag : snapshot.lag)
        {
            if (lag.from == u"box2")
                QCOMPARE(lag.versions, 2);
            else
                QCOMPARE(lag.versions, 1);
            QVERIFY(lag.oldestSince.isValid());
        }

        // The plan: copies only, never the conflict, the regression, the unknown or the in-flight name.
        const QList<PlanItem> items = plan({snapshot});
        QStringList planned;
        for (const PlanItem &item : items)
            planned.append(item.name + u':' + item.source + QStringLiteral("->") + item.targets.join(u','));
        planned.sort();
        QCOMPARE(planned, (QStringList{QStringLiteral("OnlyA-a.1.mcz:box2->box4"), QStringLiteral("OnlyB-a.1.mcz:box4->box2")}));
        QCOMPARE(plan({snapshot}, PlanFilter{QString(), QStringLiteral("box4"), QString()}).size(), 1);
        QCOMPARE(plan({snapshot}, PlanFilter{QStringLiteral("inbox"), QString(), QString()}).size(), 0);
    }

    void inSyncIsACheckedFact()
    {
        const QHash<QString, QString> same{{QStringLiteral("A-a.1.mcz"), QStringLiteral("id-1")}, {QStringLiteral("B-b.1.mcz"), QStringLiteral("id-2")}};
        ReconcileInput input{QStringLiteral("trunk"), {listing(QStringLiteral("box2"), same), listing(QStringLiteral("box4"), same)}, {}, {}};
        ProjectSnapshot snapshot = reconcile(input);
        QVERIFY(snapshot.inSync);
        QCOMPARE(snapshot.digests.value(QStringLiteral("box2")), snapshot.digests.value(QStringLiteral("box4")));
        QVERIFY(plan({snapshot}).isEmpty());

        // A server that cannot be reached makes it unknown, never "in sync".
        input.listings[1].reachable = false;
        input.listings[1].error = QStringLiteral("connection refused");
        snapshot = reconcile(input);
        QVERIFY(!snapshot.inSync);
        QCOMPARE(snapshot.unreachable.value(QStringLiteral("box4")), QStringLiteral("connection refused"));
        QVERIFY(plan({snapshot}).isEmpty());
    }

    void moreThanTwoServers()
    {
        ReconcileInput input{QStringLiteral("trunk"),
            {listing(QStringLiteral("a"), {{QStringLiteral("X-x.1.mcz"), QStringLiteral("1")}}), listing(QStringLiteral("b"), {}),
                listing(QStringLiteral("c"), {{QStringLiteral("X-x.1.mcz"), QStringLiteral("1")}})},
            {}, {}};
        const ProjectSnapshot snapshot = reconcile(input);
        const QList<PlanItem> items = plan({snapshot});
        QCOMPARE(items.size(), 1);
        QCOMPARE(items.first().source, QStringLiteral("a"));
        QCOMPARE(items.first().targets, QStringList{QStringLiteral("b")});
        QCOMPARE(items.first().id, QStringLiteral("1"));
    }

    // After "keep box2" on a server that never reuses names, box4 keeps its copy under the name:
    // no longer an open conflict, nothing copied over it, and the servers count as in sync; a third
    // server without the name gets the chosen variant.
    void aDecidedConflictIsNotOpenAndCopiesTheChosenVariant()
    {
        const QHash<QString, QString> chosen{{QStringLiteral("Dup-a.1.mcz"), QStringLiteral("id-x")}};
        ReconcileInput input{QStringLiteral("trunk"),
            {listing(QStringLiteral("box4"), {{QStringLiteral("Dup-a.1.mcz"), QStringLiteral("id-y")}}),
                listing(QStringLiteral("box2"), {{QStringLiteral("Dup-a.1.mcz"), QStringLiteral("id-x")}})},
            {}, chosen};
        ProjectSnapshot snapshot = reconcile(input);
        QCOMPARE(row(snapshot, QStringLiteral("Dup-a.1.mcz")).state, VersionState::Decided);
        QVERIFY(snapshot.conflicts.isEmpty());
        QCOMPARE(snapshot.decided, QStringList{QStringLiteral("Dup-a.1.mcz")});
        QVERIFY(snapshot.inSync);
        QVERIFY(plan({snapshot}).isEmpty());

        input.listings.append(listing(QStringLiteral("box9"), {}));
        snapshot = reconcile(input);
        const QList<PlanItem> items = plan({snapshot});
        QCOMPARE(items.size(), 1);
        QCOMPARE(items.first().source, QStringLiteral("box2")); // the chosen variant, though box4 comes first
        QCOMPARE(items.first().targets, QStringList{QStringLiteral("box9")});
        QCOMPARE(items.first().id, QStringLiteral("id-x"));

        input.decided.clear();
        QCOMPARE(reconcile(input).conflicts, QStringList{QStringLiteral("Dup-a.1.mcz")});
    }

    void isAPureFunction()
    {
        ReconcileInput input{QStringLiteral("p"),
            {listing(QStringLiteral("s1"), {{QStringLiteral("A-a.1.mcz"), QStringLiteral("1")}}),
                listing(QStringLiteral("s2"), {{QStringLiteral("B-b.1.mcz"), QString()}})},
            {}, {}};
        const ProjectSnapshot a = reconcile(input), b = reconcile(input);
        QCOMPARE(a.rows.size(), b.rows.size());
        QCOMPARE(a.digests, b.digests);
        QCOMPARE(a.missing, b.missing);
    }
};

QTEST_GUILESS_MAIN(TestReconcile)
#include "tst_reconcile.moc"
