#include <QAction>
#include <QApplication>
#include <QMenuBar>
#include <QTest>

#include "mainwindow.h"

class TestMainWindow final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QApplication::setApplicationDisplayName(QStringLiteral("TwinTrunk"));
        QApplication::setOrganizationName(QStringLiteral("TwinTrunkTest"));
    }

    void showsTheApplicationNameAndAnAboutAction()
    {
        TwinTrunk::Ui::MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(window.windowTitle(), QStringLiteral("TwinTrunk"));
        auto *about = window.findChild<QAction *>(QStringLiteral("aboutAction"));
        QVERIFY(about);
        QVERIFY(about->text().contains(QStringLiteral("About")));
        QVERIFY(window.width() >= 800);
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
