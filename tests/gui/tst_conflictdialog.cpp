// The conflict view on the demo workspace's conflict, under QT_QPA_PLATFORM=offscreen: the code in
// labelled columns, the definitions marked with the side that changed them, and the line that says
// what the code is compared against (box4's variant descends from box2's, so two ways).

#include <QApplication>
#include <QDir>
#include <QFontMetrics>
#include <QHeaderView>
#include <QLabel>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QTextFrame>
#include <QTextTable>
#include <QTreeWidget>

#include "conflictdialog.h"
#include "demo/demoworkspace.h"
#include "workspacecontroller.h"

using namespace TwinTrunk;

class TestConflictDialog final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    // The code comparison's table: its header row's cells, as shown.
    static QStringList tableHeaders(const QTextBrowser &diff)
    {
        for (QTextFrame *frame : diff.document()->rootFrame()->childFrames())
        {
            if (auto *table = qobject_cast<QTextTable *>(frame))
            {
                QStringList headers;
                for (int column = 0; column < table->columns(); ++column)
                {
                    const QTextTableCell cell = table->cellAt(0, column);
                    QTextCursor cursor = cell.firstCursorPosition();
                    cursor.setPosition(cell.lastCursorPosition().position(), QTextCursor::KeepAnchor);
                    headers.append(cursor.selectedText());
                }
                return headers;
            }
        }
        return {};
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
        // To look at (build/tests/gui/conflictdialog.png).
        QVERIFY(dialog.grab().save(QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("conflictdialog.png"))));
    }
};

QTEST_MAIN(TestConflictDialog)
#include "tst_conflictdialog.moc"
