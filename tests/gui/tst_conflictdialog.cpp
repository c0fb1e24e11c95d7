// The conflict view on the demo workspace's conflict, under QT_QPA_PLATFORM=offscreen: the code in
// labelled columns, the definitions marked with the side that changed them, and the line that says
// what the code is compared against (box4's variant descends from box2's, so two ways); the Update
// map row; the same conflict made to diverge, compared three ways against the ancestor box2 holds;
// and the decision: a confirmation in plain words (what images load first, short ids, the
// checkbox by its name, No the default), then a result that names the new name.

#include <QApplication>
#include <QCheckBox>
#include <QDir>
#include <QFile>
#include <QFontMetrics>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QTextFrame>
#include <QTextTable>
#include <QTreeWidget>
#include <QUuid>

#include "appearance.h"
#include "conflictdialog.h"
#include "demo/demoworkspace.h"
#include "monticello/mczversion.h"
#include "monticello/versionname.h"
#include "testsupport.h"
#include "workspacecontroller.h"

using namespace TwinTrunk;

class TestConflictDialog final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    // The code comparison's table, row by row, each cell as shown (the first row: the headers).
    static QList<QStringList> tableRows(const QTextBrowser &diff)
    {
        QList<QStringList> rows;
        for (QTextFrame *frame : diff.document()->rootFrame()->childFrames())
        {
            if (auto *table = qobject_cast<QTextTable *>(frame))
            {
                for (int row = 0; row < table->rows(); ++row)
                {
                    QStringList cells;
                    for (int column = 0; column < table->columns(); ++column)
                    {
                        const QTextTableCell cell = table->cellAt(row, column);
                        QTextCursor cursor = cell.firstCursorPosition();
                        cursor.setPosition(cell.lastCursorPosition().position(), QTextCursor::KeepAnchor);
                        cells.append(cursor.selectedText().trimmed());
                    }
                    rows.append(cells);
                }
                return rows;
            }
        }
        return rows;
    }

    static QStringList tableHeaders(const QTextBrowser &diff) { return tableRows(diff).value(0); }

    Demo::DemoWorkspace newDemo(const QString &name)
    {
        Result<Demo::DemoWorkspace> demo = Demo::createDemoWorkspace(m_dir.filePath(name));
        if (!demo)
            qFatal("%s", qPrintable(demo.error().toString()));
        return demo.value();
    }

    static QString fileOn(const Demo::DemoWorkspace &demo, const QString &server, const QString &name)
    {
        return QDir(demo.directory).filePath(server + u'/' + demo.conflictProject + u'/' + name);
    }

    // A newer update map of the demo's series naming box2's variant of the conflict, on both servers.
    static void nameBox2sVariantInAMap(const Demo::DemoWorkspace &demo)
    {
        const QString version = demo.conflictFileName.chopped(4);
        const QByteArray bytes = Test::readFile(fileOn(demo, QStringLiteral("box2"), demo.conflictFileName));
        const QString id = Monticello::MczVersion::readBytes(bytes, QStringLiteral("id"), Monticello::MczArchive::Members::Metadata)->info().id();
        const QByteArray map = "(\rname 'update-mt.481'\rrepository ('http://source.squeak.org/trunk')\rdependency ('" + version.section(u'-', 0, 0).toUtf8()
            + "' '" + version.toUtf8() + "' '" + id.toUtf8() + "')\r)\r";
        for (const QString &server : {QStringLiteral("box2"), QStringLiteral("box4")})
            Test::writeFile(fileOn(demo, server, QStringLiteral("update-mt.481.mcm")), map);
    }

    // `text` with %1 a's short id, %2 b's and %3 the name (each where it appears, unlike QString::arg).
    static QString filled(QString text, const QString &a, const QString &b, const QString &name)
    {
        return text.replace(QStringLiteral("%1"), a).replace(QStringLiteral("%2"), b).replace(QStringLiteral("%3"), name);
    }

    // Selects the definition `key` in the list, which shows its code.
    static bool selectDefinition(Ui::ConflictDialog &dialog, const QString &key)
    {
        auto *definitions = dialog.findChild<QTreeWidget *>(QStringLiteral("conflictDefinitions"));
        const QList<QTreeWidgetItem *> found = definitions->findItems(key, Qt::MatchExactly, 0);
        if (found.isEmpty())
            return false;
        definitions->setCurrentItem(found.first());
        return true;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QApplication::setOrganizationName(QStringLiteral("TwinTrunkTest"));
        QStandardPaths::setTestModeEnabled(true);
    }

    void theDemoConflictIsComparedInLabelledColumns()
    {
        Result<Demo::DemoWorkspace> demo = Demo::createDemoWorkspace(m_dir.filePath(QStringLiteral("demo")));
        QVERIFY2(demo.ok(), qPrintable(demo.ok() ? QString() : demo.error().toString()));
        Ui::WorkspaceController controller;
        controller.open(demo->workspaceFile); // the controller runs its requests in order: the inspection comes after
        Ui::ConflictDialog dialog(&controller, demo->conflictProject, demo->conflictFileName);
        dialog.show();
        QTRY_VERIFY_WITH_TIMEOUT(dialog.isReady(), 60000);

        // box4's variant descends from box2's: box2's is the ancestor, no third column, said in one line.
        QCOMPARE(dialog.comparisonText(),
            QStringLiteral("a (box2) is the common ancestor (b (box4) descends from it): two-way comparison, every difference is b's change"));
        QVERIFY(dialog.findChild<QLabel *>(QStringLiteral("conflictComparison"))->isVisible());
        const QStringList columns{QStringLiteral("a (box2)"), QStringLiteral("b (box4)")};
        QCOMPARE(dialog.comparisonColumns(), columns);
        const auto *diff = dialog.findChild<QTextBrowser *>(QStringLiteral("conflictDiff"));
        QCOMPARE(tableHeaders(*diff), columns);
        QVERIFY(diff->toPlainText().contains(QStringLiteral("printOn:")));

        // Every definition is b's change, marked so; its key shown whole, and in its tooltip.
        const QStringList markers = dialog.definitionMarkers();
        QVERIFY(markers.size() >= 2);
        QCOMPARE(markers, QStringList(markers.size(), QStringLiteral("b")));
        const auto *definitions = dialog.findChild<QTreeWidget *>(QStringLiteral("conflictDefinitions"));
        QCOMPARE(definitions->headerItem()->text(2), QStringLiteral("Changed in"));
        const QFontMetrics metrics(definitions->font());
        for (int row = 0; row < definitions->topLevelItemCount(); ++row)
        {
            const QTreeWidgetItem *item = definitions->topLevelItem(row);
            QCOMPARE(item->toolTip(0), item->text(0));
            QVERIFY2(definitions->columnWidth(0) >= metrics.horizontalAdvance(item->text(0)), qPrintable(item->text(0)));
        }
        QVERIFY(dialog.changedDefinitions().contains(QStringLiteral("changed OrderedCollection>>printOn:")));
        // Which variant an updating image loads: no update map names either.
        const auto *facts = dialog.findChild<QTableWidget *>(QStringLiteral("conflictFacts"));
        QCOMPARE(facts->verticalHeaderItem(8)->text(), QStringLiteral("Update map"));
        QCOMPARE(dialog.fieldText(8, 0), QStringLiteral("not named by any update map"));
        QCOMPARE(dialog.fieldText(8, 1), QStringLiteral("not named by any update map"));
        // To look at (build/tests/gui/conflictdialog.png).
        QVERIFY(dialog.grab().save(QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("conflictdialog.png"))));
    }

    // Diverged, with the common ancestor on box2: the code in four columns as KDiff3 shows it (who
    // changed it | ancestor | a | b); the update map names a, and that row stands out.
    void aDivergedConflictIsComparedThreeWays()
    {
        const Demo::DemoWorkspace demo = newDemo(QStringLiteral("diverged"));
        const QString ancestor = Test::divergeDemoConflict(demo).chopped(4);
        nameBox2sVariantInAMap(demo);
        Ui::WorkspaceController controller;
        controller.open(demo.workspaceFile);
        Ui::ConflictDialog dialog(&controller, demo.conflictProject, demo.conflictFileName);
        dialog.resize(1000, 720);
        dialog.show();
        QTRY_VERIFY_WITH_TIMEOUT(dialog.isReady(), 60000);

        QCOMPARE(dialog.comparisonText(), QStringLiteral("Three-way comparison with the common ancestor %1 (read from box2)").arg(ancestor));
        const auto *diff = dialog.findChild<QTextBrowser *>(QStringLiteral("conflictDiff"));
        const QStringList headers{QStringLiteral("Changed in"), QStringLiteral("%1 (ancestor, box2)").arg(ancestor), QStringLiteral("a (box2)"),
            QStringLiteral("b (box4)")};
        // b's own method: added by b, nothing in the ancestor's column or a's.
        QVERIFY(selectDefinition(dialog, QStringLiteral("Foo>>onlyInB")));
        QList<QStringList> rows = tableRows(*diff);
        QCOMPARE(rows.value(0), headers);
        QVERIFY(rows.size() > 1);
        bool added = false;
        for (const QStringList &row : rows.mid(1))
        {
            QCOMPARE(row.size(), 4);
            QCOMPARE(row.at(0), QStringLiteral("b"));
            QVERIFY2(row.at(1).isEmpty() && row.at(2).isEmpty(), qPrintable(row.join(u'|')));
            added = added || row.at(3).contains(QStringLiteral("onlyInB"));
        }
        QVERIFY(added);
        // a's change since the ancestor: the ancestor's line and a's side by side, b as the ancestor.
        QVERIFY(selectDefinition(dialog, QStringLiteral("OrderedCollection>>printOn:")));
        rows = tableRows(*diff);
        QCOMPARE(rows.value(0), headers);
        bool changedInA = false;
        for (const QStringList &row : rows.mid(1))
        {
            QVERIFY2(row.at(0) != QStringLiteral("b") && row.at(0) != QStringLiteral("both"), qPrintable(row.join(u'|')));
            if (row.at(0) == QStringLiteral("a"))
                changedInA = changedInA || row.at(2) != row.at(1);
            else
                QCOMPARE(row.at(2), row.at(1)); // unchanged lines are the same in every column
            QCOMPARE(row.at(3), row.at(1));     // b did not touch it
        }
        QVERIFY(changedInA);

        // The Update map row: the newer map names a; it differs between the variants, so it is tinted.
        QCOMPARE(dialog.fieldText(8, 0), QStringLiteral("named by update-mt.481.mcm"));
        QCOMPARE(dialog.fieldText(8, 1), QStringLiteral("not named by any update map"));
        const auto *facts = dialog.findChild<QTableWidget *>(QStringLiteral("conflictFacts"));
        QCOMPARE(facts->item(8, 0)->background().color(), Ui::marking(Ui::Mark::Differs, dialog.palette()).background);
        QTRY_VERIFY_WITH_TIMEOUT(!controller.isBusy(), 60000);
    }

    void theDecisionIsConfirmedInPlainWords_data()
    {
        QTest::addColumn<int>("keep");       // the variant kept: 0 a (box2), 1 b (box4)
        QTest::addColumn<bool>("replace");   // the checkbox ticked
        QTest::addColumn<QString>("first");  // what an image updating from box2 will load, %1 a's short id, %2 b's
        QTest::addColumn<QString>("second"); // from box4
        QTest::addColumn<QString>("last");   // what is deleted

        QTest::newRow("keep a, the copies stay")
            << 0 << false << QStringLiteral("An image updating from box2 will load box2's variant (%1) as %3, as it does now.")
            << QStringLiteral("An image updating from box4 will still load box4's own variant (%2) as %3: box4 keeps its copy under that name. Choose "
                              "“Also replace the other copies under this name where a server permits it” to put box2's variant (%1) there instead.")
            << QStringLiteral("Nothing is deleted. %3 is then no longer an open conflict.");
        QTest::newRow("keep b, replacing")
            << 1 << true
            << QStringLiteral("An image updating from box2 will load box4's variant (%2) as %3 if box2 permits replacing a file; if it refuses (as "
                              "SqueakSource does), box2 keeps box2's own variant (%1) there.")
            << QStringLiteral("An image updating from box4 will load box4's variant (%2) as %3, as it does now.")
            << QStringLiteral("A copy is deleted only where it is replaced, and only after its bytes are kept. %3 is then no longer an open conflict.");
    }

    // Keep: the confirmation says first what images will load, with short ids, the checkbox by its
    // own name and no step's internal name; No is its default. Yes: the result names the new name.
    void theDecisionIsConfirmedInPlainWords()
    {
        QFETCH(int, keep);
        QFETCH(bool, replace);
        QFETCH(QString, first);
        QFETCH(QString, second);
        QFETCH(QString, last);
        const Demo::DemoWorkspace demo = newDemo(QStringLiteral("decided-%1").arg(keep));
        Ui::WorkspaceController controller;
        controller.open(demo.workspaceFile);
        Ui::ConflictDialog dialog(&controller, demo.conflictProject, demo.conflictFileName);
        dialog.show();
        QTRY_VERIFY_WITH_TIMEOUT(dialog.isReady(), 60000);
        const QString a = dialog.fieldText(1, 0), b = dialog.fieldText(1, 1);
        QCOMPARE(a.size(), 36); // whole ids in the table, short ones in the question
        const QString kept = (keep == 0 ? a : b).left(8), other = (keep == 0 ? b : a).left(8);
        const QString keptServer = keep == 0 ? QStringLiteral("box2") : QStringLiteral("box4");
        const QString otherServer = keep == 0 ? QStringLiteral("box4") : QStringLiteral("box2");
        const QString newName = QStringLiteral("Collections-mt.989.mcz");

        dialog.findChild<QCheckBox *>()->setChecked(replace);
        dialog.keepVariant(keep);
        QMessageBox *box = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((box = dialog.findChild<QMessageBox *>()), 60000);
        QTRY_VERIFY(box->isVisible());
        const QString text = box->text();
        const QStringList paragraphs = text.split(QStringLiteral("\n\n"));
        // What images load comes first: each server, in the workspace's order.
        QCOMPARE(paragraphs.value(0), filled(first, a.left(8), b.left(8), demo.conflictFileName));
        QCOMPARE(paragraphs.value(1), filled(second, a.left(8), b.left(8), demo.conflictFileName));
        // Then what becomes of the other variant: nothing is lost, its new name.
        QCOMPARE(paragraphs.value(2),
            QStringLiteral("%1's variant (%2) is not lost: its bytes are kept first, checksummed, in a folder beside the workspace's state database; "
                           "then it is published on every server as %3, its id and ancestry unchanged.")
                .arg(otherServer, other, newName));
        QCOMPARE(paragraphs.value(3), filled(last, a.left(8), b.left(8), demo.conflictFileName));
        QCOMPARE(paragraphs.value(4), QStringLiteral("Keep %1's variant (%2) of %3?").arg(keptServer, kept, demo.conflictFileName));
        QCOMPARE(paragraphs.size(), 5);
        // Short ids only, the option by the checkbox's name, no step's internal name.
        QVERIFY2(!text.contains(QRegularExpression(QStringLiteral("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"))), qPrintable(text));
        QVERIFY(!text.contains(a) && !text.contains(b));
        for (const QString &internal :
            {QStringLiteral("--replace"), QStringLiteral("quarantine"), QStringLiteral("canonical-elsewhere"), QStringLiteral("decide")})
            QVERIFY2(!text.contains(internal, Qt::CaseInsensitive), qPrintable(internal));
        // No is the default: Enter does not resolve.
        QCOMPARE(box->defaultButton(), box->button(QMessageBox::No));
        // To look at (build/tests/gui/conflictconfirmation-0.png, -1.png).
        QVERIFY(box->grab().save(QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("conflictconfirmation-%1.png").arg(keep))));

        box->button(QMessageBox::Yes)->click();
        QTRY_VERIFY_WITH_TIMEOUT(dialog.resultText().contains(QStringLiteral("Done")), 60000);
        // The result names the new name: where the other variant is now.
        QVERIFY2(dialog.resultText().contains(QStringLiteral("%1's variant is now %2 on every server").arg(otherServer, newName)),
            qPrintable(dialog.resultText()));
        // And what images load now, server by server: a server that keeps its own copy is named.
        const QString stillLoads = QStringLiteral("An image updating from %1 still loads %1's own variant (%2) as %3: %1 keeps its copy under that name.")
                                       .arg(otherServer, other, demo.conflictFileName);
        QVERIFY2(dialog.resultText().contains(stillLoads) != replace, qPrintable(dialog.resultText()));
        if (replace)
            QVERIFY2(dialog.resultText().contains(QStringLiteral("An image updating from %1 loads %2's variant (%3) as %4: its copy was replaced.")
                                                      .arg(otherServer, keptServer, kept, demo.conflictFileName)),
                qPrintable(dialog.resultText()));
        const QString renamed = fileOn(demo, otherServer, newName);
        QVERIFY(QFile::exists(renamed));
        QCOMPARE(Monticello::MczVersion::readFile(renamed)->info().id().left(8), other);
        QTRY_VERIFY_WITH_TIMEOUT(!controller.isBusy(), 60000);
    }
};

QTEST_MAIN(TestConflictDialog)
#include "tst_conflictdialog.moc"
