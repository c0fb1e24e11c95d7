// Between servers (core/presentation/acrossservers): the server-by-server grid of what each lacks,
// counted by reconcile itself, never "0" for a server not listed; and the server best placed to
// take over from the primary, which with three servers need not be the first other one.

#include <QTest>

#include "presentation/acrossservers.h"
#include "sync/reconcile.h"
#include "sync/syncengine.h"

using namespace TwinTrunk;
using Presentation::Level;
using namespace Qt::StringLiterals;

class TestAcrossServers final : public QObject
{
    Q_OBJECT

    // A server's listing of `names`, each with an id of its own name (no conflict); unreachable
    // when `names` is empty and `error` is given.
    static Sync::ServerListing listing(const QString &server, const QStringList &names, const QString &error = QString())
    {
        Sync::ServerListing listing;
        listing.server = server;
        listing.reachable = error.isEmpty();
        listing.error = error;
        for (const QString &name : names)
            listing.versions.insert(name, Sync::ListedVersion{1000, QDateTime(), QDateTime(), u"id-"_s + name});
        return listing;
    }

    // A status of one project "trunk", reconciled from the listings (primary first), with each
    // server's reachability as its listing says.
    static Sync::StatusReport status(const QList<Sync::ServerListing> &listings)
    {
        Sync::ReconcileInput input;
        input.project = u"trunk"_s;
        input.listings = listings;
        Sync::StatusReport report;
        report.at = QDateTime::currentDateTimeUtc();
        for (qsizetype i = 0; i < listings.size(); ++i)
            report.servers.append({listings.at(i).server, u"file:///"_s + listings.at(i).server, i == 0, listings.at(i).reachable, listings.at(i).error});
        report.projects = {Sync::reconcile(input)};
        return report;
    }

private Q_SLOTS:
    // box1 {a b c}, box2 {a}, box3 {a b d}: each cell is reconcile's lag for its direction, with
    // the names; the diagonal is a dash.
    void eachCellIsWhatTheColumnHasAndTheRowLacks()
    {
        const Sync::StatusReport report = status({listing(u"box1"_s, {u"a.mcz"_s, u"b.mcz"_s, u"c.mcz"_s}), listing(u"box2"_s, {u"a.mcz"_s}),
            listing(u"box3"_s, {u"a.mcz"_s, u"b.mcz"_s, u"d.mcz"_s})});
        const Sync::ProjectSnapshot &trunk = report.projects.first();

        Presentation::LacksCell cell = Presentation::lacksCell(trunk, u"box2"_s, u"box1"_s);
        QVERIFY(cell.known);
        QCOMPARE(cell.level, Level::Warning);
        QCOMPARE(cell.text, u"2"_s);
        QCOMPARE(cell.names, (QStringList{u"b.mcz"_s, u"c.mcz"_s}));
        QCOMPARE(cell.detail, u"box2 lacks 2 versions box1 has"_s);
        QCOMPARE(Presentation::lacksCell(trunk, u"box2"_s, u"box3"_s).names, (QStringList{u"b.mcz"_s, u"d.mcz"_s}));
        QCOMPARE(Presentation::lacksCell(trunk, u"box3"_s, u"box1"_s).names, QStringList{u"c.mcz"_s});
        QCOMPARE(Presentation::lacksCell(trunk, u"box1"_s, u"box3"_s).text, u"1"_s);
        cell = Presentation::lacksCell(trunk, u"box1"_s, u"box2"_s);
        QCOMPARE(cell.text, u"0"_s);
        QCOMPARE(cell.level, Level::Good);
        QVERIFY(cell.names.isEmpty());
        cell = Presentation::lacksCell(trunk, u"box2"_s, u"box2"_s);
        QVERIFY(cell.diagonal && !cell.known);
        QCOMPARE(cell.text, u"—"_s);

        // The grid is those cells, rows lacking and columns having, in the servers' order; each
        // count the very lag the projects table and twintrunkctl status print.
        const QList<QList<Presentation::LacksCell>> grid = Presentation::lacksGrid(trunk);
        QCOMPARE(grid.size(), 3);
        for (const QList<Presentation::LacksCell> &row : grid)
        {
            QCOMPARE(row.size(), 3);
            for (const Presentation::LacksCell &each : row)
            {
                for (const Sync::Lag &lag : trunk.lag)
                {
                    if (lag.from == each.having && lag.to == each.lacking)
                        QCOMPARE(each.versions, lag.versions);
                }
            }
        }
        QCOMPARE(grid.at(1).at(0).text, u"2"_s);
        QCOMPARE(grid.at(1).at(2).text, u"2"_s);
    }

    // A server down (or never listed) is not checked in its row and its column, never 0; the
    // others' cells are still counted. Records not read make a count a lower bound.
    void aServerNotListedIsNotChecked()
    {
        const Sync::StatusReport report =
            status({listing(u"box1"_s, {u"a.mcz"_s, u"b.mcz"_s}), listing(u"box2"_s, {u"a.mcz"_s}), listing(u"box3"_s, {}, u"its folder cannot be read"_s)});
        const Sync::ProjectSnapshot &trunk = report.projects.first();
        for (const QString &other : {u"box1"_s, u"box2"_s})
        {
            for (const Presentation::LacksCell &cell : {Presentation::lacksCell(trunk, u"box3"_s, other), Presentation::lacksCell(trunk, other, u"box3"_s)})
            {
                QVERIFY(!cell.known);
                QCOMPARE(cell.level, Level::Unknown);
                QCOMPARE(cell.text, u"not checked"_s);
                QVERIFY2(cell.detail.contains(u"box3 not listed (its folder cannot be read)"_s), qPrintable(cell.detail));
                QVERIFY(cell.names.isEmpty());
            }
        }
        QCOMPARE(Presentation::lacksCell(trunk, u"box2"_s, u"box1"_s).text, u"1"_s);
        QCOMPARE(Presentation::lacksCell(trunk, u"box1"_s, u"box4"_s).text, u"not checked"_s); // not a server of it at all

        Sync::ProjectSnapshot unread = trunk;
        unread.notChecked = {u"the conflict decisions"_s};
        const Presentation::LacksCell lowerBound = Presentation::lacksCell(unread, u"box2"_s, u"box1"_s);
        QCOMPARE(lowerBound.level, Level::Unknown);
        QCOMPARE(lowerBound.text, u"at least 1"_s);
        QCOMPARE(Presentation::lacksCell(unread, u"box1"_s, u"box2"_s).text, u"not checked"_s); // 0 is not known
        QVERIFY(!Presentation::lacksCell(unread, u"box1"_s, u"box2"_s).known);                  // nor a filter to nothing
    }

    // Three servers: box2 comes first after the primary, but lacks two of its versions; box3 has
    // them all and is the one to offer.
    void theBestPlacedIsNotTheFirstOtherServer()
    {
        Sync::StatusReport report = status({listing(u"box1"_s, {u"a.mcz"_s, u"b.mcz"_s, u"c.mcz"_s}), listing(u"box2"_s, {u"a.mcz"_s}),
            listing(u"box3"_s, {u"a.mcz"_s, u"b.mcz"_s, u"c.mcz"_s})});
        Presentation::TakeoverChoice best = Presentation::bestTakeover(report);
        QCOMPARE(best.server, u"box3"_s);
        QCOMPARE(best.takeover.level, Level::Good);
        QCOMPARE(best.takeover.text, u"Ready to take over"_s);

        // Neither ready: the one lacking fewer of the primary's versions.
        report =
            status({listing(u"box1"_s, {u"a.mcz"_s, u"b.mcz"_s, u"c.mcz"_s}), listing(u"box2"_s, {u"a.mcz"_s}), listing(u"box3"_s, {u"a.mcz"_s, u"b.mcz"_s})});
        best = Presentation::bestTakeover(report);
        QCOMPARE(best.server, u"box3"_s);
        QCOMPARE(best.takeover.level, Level::Bad);
        QCOMPARE(best.takeover.text, u"Not ready: 1 version only on box1"_s);

        // The primary down: readiness is not known for either; the one that lacks the fewest of
        // what the others have (box3 holds all box2 has and more).
        report = status({listing(u"box1"_s, {}, u"connection refused"_s), listing(u"box2"_s, {u"a.mcz"_s}), listing(u"box3"_s, {u"a.mcz"_s, u"b.mcz"_s})});
        best = Presentation::bestTakeover(report);
        QCOMPARE(best.server, u"box3"_s);
        QCOMPARE(best.takeover.level, Level::Unknown);

        // box3 down by its probe: box2, although its listing is older news.
        Health::ServerHealth box3;
        box3.name = u"box3"_s;
        box3.probed = true;
        box3.up = false;
        QCOMPARE(Presentation::bestTakeover(report, {box3}).server, u"box2"_s);
        // Equals: the workspace's order.
        report = status({listing(u"box1"_s, {u"a.mcz"_s}), listing(u"box2"_s, {u"a.mcz"_s}), listing(u"box3"_s, {u"a.mcz"_s})});
        QCOMPARE(Presentation::bestTakeover(report).server, u"box2"_s);
        // Nobody else answers: nobody to offer.
        report = status({listing(u"box1"_s, {u"a.mcz"_s}), listing(u"box2"_s, {}, u"connection refused"_s)});
        QVERIFY(Presentation::bestTakeover(report).server.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestAcrossServers)
#include "tst_acrossservers.moc"
