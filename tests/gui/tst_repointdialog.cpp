// The repoint wizard with the primary down, under QT_QPA_PLATFORM=offscreen: what accepting the
// at-risk set means is said as it is (a list of versions, or nothing known when the primary was
// never listed), and the confirmation opens with that risk, No its default button.

#include <QApplication>
#include <QCheckBox>
#include <QDir>
#include <QFile>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "demo/demoworkspace.h"
#include "repointdialog.h"
#include "workspacecontroller.h"

using namespace TwinTrunk;

class TestRepointDialog final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    // A demo without update maps (box4 lacks versions they name: that check would stop the repoint first).
    Demo::DemoWorkspace newDemo(const QString &name)
    {
        Result<Demo::DemoWorkspace> demo = Demo::createDemoWorkspace(m_dir.filePath(name));
        if (!demo)
            qFatal("%s", qPrintable(demo.error().toString()));
        for (const QString &server : demo->serverNames)
            QFile::remove(QDir(demo->directory).filePath(server + u'/' + demo->updateMap));
        return demo.value();
    }

    static void takeDown(const Demo::DemoWorkspace &demo, const QString &server)
    {
        const QString folder = QDir(demo.directory).filePath(server);
        QVERIFY(QDir().rename(folder, folder + QStringLiteral(".down")));
    }

    // The wizard's preflight on box4 stops for the at-risk set; `label` is what its checkbox says;
    // once ticked, the repoint may go on.
    static void acceptTheRisk(Ui::RepointDialog &wizard, QString &label)
    {
        wizard.setTarget(QStringLiteral("box4"));
        wizard.show();
        wizard.runPreflight();
        auto *accept = wizard.findChild<QCheckBox *>(QStringLiteral("repointAcceptAtRisk"));
        QVERIFY(accept);
        QTRY_VERIFY_WITH_TIMEOUT(accept->isVisible(), 60000);
        QVERIFY2(wizard.checklist().contains(QStringLiteral("needs your confirmation: Nothing only the current primary has")),
            qPrintable(wizard.checklist().join(u'\n')));
        QVERIFY(!wizard.canRepoint());
        label = accept->text();
        accept->setChecked(true);
        QTRY_VERIFY_WITH_TIMEOUT(wizard.canRepoint(), 60000);
    }

    // The confirmation's text; it is answered No (and so the primary stays).
    static QString confirmationText(Ui::RepointDialog &wizard)
    {
        wizard.confirmAndRepoint();
        auto *question = wizard.findChild<QMessageBox *>(QStringLiteral("repointConfirmation"));
        if (!question)
            return QString();
        // No is the default: Enter on the question changes nothing.
        if (question->defaultButton() != question->button(QMessageBox::No))
            return QStringLiteral("the default button is not No");
        const QString text = question->text();
        question->button(QMessageBox::No)->click();
        return text;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QApplication::setOrganizationName(QStringLiteral("TwinTrunkTest"));
        QStandardPaths::setTestModeEnabled(true);
    }

    // box2 down from the start: there is no list of versions at risk, and nothing known of what
    // only box2 has; the checkbox and the confirmation say exactly that.
    void aPrimaryNeverListedIsNotKnown()
    {
        const Demo::DemoWorkspace demo = newDemo(QStringLiteral("never-listed"));
        takeDown(demo, QStringLiteral("box2"));
        Ui::WorkspaceController controller;
        QSignalSpy refreshed(&controller, &Ui::WorkspaceController::refreshed);
        controller.open(demo.workspaceFile);
        QTRY_VERIFY_WITH_TIMEOUT(refreshed.count() > 0, 60000);

        QString label;
        Ui::RepointDialog wizard(&controller);
        acceptTheRisk(wizard, label);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(label, QStringLiteral("Go on although what only box2 has is not known (it was never listed)"));
        QVERIFY(!label.contains(QStringLiteral("listed as at risk")));

        const QString text = confirmationText(wizard);
        QVERIFY2(text.startsWith(QStringLiteral("What only box2 has is not known: it was never listed.\n\nMake box4 ")), qPrintable(text));
        QCOMPARE(controller.primary(), QStringLiteral("box2"));
    }

    // box2 listed, then down: the versions its last listing had that box4 lacks are at risk; the
    // confirmation opens with how many, and when that listing was.
    void versionsAtRiskAreCountedFirst()
    {
        const Demo::DemoWorkspace demo = newDemo(QStringLiteral("at-risk"));
        Ui::WorkspaceController controller;
        QSignalSpy refreshed(&controller, &Ui::WorkspaceController::refreshed);
        controller.open(demo.workspaceFile);
        QTRY_VERIFY_WITH_TIMEOUT(refreshed.count() > 0, 60000);
        takeDown(demo, QStringLiteral("box2"));

        QString label;
        Ui::RepointDialog wizard(&controller);
        acceptTheRisk(wizard, label);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(label, QStringLiteral("Go on although the versions listed as at risk are not on box4 yet"));

        const QString text = confirmationText(wizard);
        const QString first = text.section(QStringLiteral("\n\n"), 0, 0);
        QVERIFY2(first.startsWith(QStringLiteral("At risk: box4 lacks %1 versions box2's last listing (").arg(demo.onlyOnPrimary.size())), qPrintable(text));
        QVERIFY2(first.endsWith(QStringLiteral(" ago) had, held only by box2 until it comes back.")), qPrintable(text));
        QVERIFY2(text.section(QStringLiteral("\n\n"), 1, 1).startsWith(QStringLiteral("Make box4 ")), qPrintable(text));
        QCOMPARE(controller.primary(), QStringLiteral("box2"));
    }
};

QTEST_MAIN(TestRepointDialog)
#include "tst_repointdialog.moc"
