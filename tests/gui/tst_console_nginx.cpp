// The console against the two real nginx servers of the ctest fixture: it shows where things stand,
// replicates with progress until the project is in sync, and runs the repoint preflight.

#include <QApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "mainwindow.h"
#include "nginxserver.h"
#include "replicatedialog.h"
#include "repointdialog.h"
#include "servercard.h"
#include "statusmodels.h"
#include "testsupport.h"

using namespace TwinTrunk;

class TestConsoleNginx final : public QObject
{
    Q_OBJECT

    Test::NginxServer m_alpha{QString()}, m_beta{QString()};
    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase()
    {
        QApplication::setOrganizationName(QStringLiteral("TwinTrunkTest"));
        QStandardPaths::setTestModeEnabled(true);
        m_alpha = Test::fixtureServer(QStringLiteral("alpha"));
        m_beta = Test::fixtureServer(QStringLiteral("beta"));
        qputenv("TWINTRUNK_USER_ALPHA", m_alpha.user().toUtf8());
        qputenv("TWINTRUNK_PASSWORD_ALPHA", m_alpha.password().toUtf8());
        qputenv("TWINTRUNK_USER_BETA", m_beta.user().toUtf8());
        qputenv("TWINTRUNK_PASSWORD_BETA", m_beta.password().toUtf8());
    }

    void replicatesBetweenTwoNginxServers()
    {
        const QString project = QStringLiteral("console-nginx");
        QList<std::pair<QString, QByteArray>> versions;
        for (int i = 1; i <= 6; ++i)
            versions.append({QStringLiteral("Gui-x.%1.mcz").arg(i), Test::makeVersion(QStringLiteral("Gui"), QStringLiteral("x"), i)});
        QVERIFY(m_alpha.seed(project, versions));
        QVERIFY(m_beta.seed(project, versions.mid(0, 3)));
        QVERIFY(m_beta.seed(project, {{QStringLiteral("Gui-y.1.mcz"), Test::makeVersion(QStringLiteral("Gui"), QStringLiteral("y"), 1)}}));
        const QString workspace = m_dir.filePath(QStringLiteral("twintrunk.json"));
        const QJsonObject json{{QStringLiteral("servers"),
                                   QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("alpha")},
                                                  {QStringLiteral("url"), m_alpha.baseUrl().toString()}, {QStringLiteral("primary"), true}},
                                       QJsonObject{{QStringLiteral("name"), QStringLiteral("beta")}, {QStringLiteral("url"), m_beta.baseUrl().toString()}}}},
            {QStringLiteral("projects"), QJsonArray{project}}};
        Test::writeFile(workspace, QJsonDocument(json).toJson());

        Ui::MainWindow window;
        window.show();
        window.openWorkspace(workspace);
        QTRY_COMPARE_WITH_TIMEOUT(window.projectsModel()->rowCount(), 1, 60000);
        const QList<Ui::ServerCard *> cards = window.findChildren<Ui::ServerCard *>();
        QCOMPARE(cards.size(), 2);
        for (const Ui::ServerCard *card : cards)
            QVERIFY2(card->stateText().contains(QStringLiteral("Up")), qPrintable(card->stateText()));
        Ui::ProjectsModel *projects = window.projectsModel();
        QCOMPARE(projects->index(0, projects->columnCount() - 1).data().toString(), QStringLiteral("Behind: alpha lacks 1, beta lacks 3"));

        Ui::ReplicateDialog *replicate = window.showReplicate();
        QTRY_VERIFY_WITH_TIMEOUT(replicate->canStart(), 60000);
        QCOMPARE(replicate->plannedCopies(), 4); // three to beta, one to alpha
        replicate->start();
        QTRY_COMPARE_WITH_TIMEOUT(replicate->resultText(), QStringLiteral("4 copied and verified."), 60000);
        QTRY_VERIFY_WITH_TIMEOUT(!window.controller()->isBusy(), 60000);
        QCOMPARE(projects->index(0, projects->columnCount() - 1).data().toString(), QStringLiteral("In sync"));
        QCOMPARE(Test::readFile(m_beta.rootDirectory() + QStringLiteral("/%1/Gui-x.6.mcz").arg(project)), versions.at(5).second);

        // The repoint preflight over HTTP: everything beta needs is there now.
        Ui::RepointDialog *wizard = window.showRepoint();
        QTRY_VERIFY_WITH_TIMEOUT(!wizard->checklist().isEmpty(), 60000);
        QVERIFY2(wizard->checklist().contains(QStringLiteral("passed: The new primary answers")), qPrintable(wizard->checklist().join(u'\n')));
        QVERIFY(wizard->checklist().contains(QStringLiteral("passed: Nothing only the current primary has")));
        QVERIFY(wizard->canRepoint());
    }
};

QTEST_MAIN(TestConsoleNginx)
#include "tst_console_nginx.moc"
