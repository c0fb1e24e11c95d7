// Three or more servers in the console, on local folder repositories: the server-by-server grid of
// what each lacks (counts from core's reconcile, "not checked" for a server never listed, a click
// filters the version table to exactly those versions), and the tray's Repoint leading to the
// server best placed to take over, not to the first other one.

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QSystemTrayIcon>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QUrl>

#include "appearance.h"
#include "mainwindow.h"
#include "repointdialog.h"
#include "servercard.h"
#include "servergrid.h"
#include "statusmodels.h"
#include "testsupport.h"

using namespace TwinTrunk;
using namespace Qt::StringLiterals;

class TestServerGrid final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    static constexpr int Timeout = 60000;

    struct Server
    {
        QString name;
        QList<int> versions; // Grid-x.N.mcz; none: no folder at all (never listed)
    };

    static QString versionName(int number) { return u"Grid-x.%1.mcz"_s.arg(number); }

    // A workspace of folder repositories with the project "trunk", the first server the primary;
    // the same version number is the same version (the same id) on every server holding it.
    QString writeWorkspace(const QString &name, const QList<Server> &servers)
    {
        const QDir folder(m_dir.filePath(name));
        QDir().mkpath(folder.path());
        QJsonArray entries;
        for (const Server &server : servers)
        {
            if (!server.versions.isEmpty())
                QDir().mkpath(folder.filePath(server.name + u"/trunk"_s));
            for (const int number : server.versions)
                Test::writeFile(folder.filePath(server.name + u"/trunk/"_s + versionName(number)), Test::makeVersion(u"Grid"_s, u"x"_s, number));
            QJsonObject entry{{u"name"_s, server.name}, {u"url"_s, QString(QUrl::fromLocalFile(folder.filePath(server.name)).toString() + u'/')}};
            if (&server == &servers.first())
                entry.insert(u"primary"_s, true);
            entries.append(entry);
        }
        const QString path = folder.filePath(u"twintrunk.json"_s);
        Test::writeFile(path, QJsonDocument(QJsonObject{{u"servers"_s, entries}, {u"projects"_s, QJsonArray{u"trunk"_s}}}).toJson());
        return path;
    }

    // The names the version table shows, in order.
    static QStringList shownNames(Ui::MainWindow &window)
    {
        QStringList names;
        Ui::VersionFilterModel *versions = window.versionFilter();
        for (int row = 0; row < versions->rowCount(); ++row)
            names.append(versions->index(row, 0).data().toString());
        names.sort();
        return names;
    }

    static void click(Ui::ServerGrid *grid, const QString &lacking, const QString &having)
    {
        const QModelIndex cell = grid->cellIndex(lacking, having);
        QVERIFY(cell.isValid());
        QTest::mouseClick(grid->table()->viewport(), Qt::LeftButton, {}, grid->table()->visualRect(cell).center());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QApplication::setApplicationDisplayName(u"TwinTrunk"_s);
        QApplication::setOrganizationName(u"TwinTrunkTest"_s);
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
    }

    // box1 {1 2 3 4}, box2 {1}, box3 {1 2 5}, box4 never listed: each cell says what the row's
    // server lacks of the column's, box4's row and column say "not checked" in colour, and a click
    // shows exactly those versions, visibly and clearably.
    void theGridCountsWhatEachLacksAndFiltersTheTable()
    {
        const QString workspace = writeWorkspace(u"grid"_s, {{u"box1"_s, {1, 2, 3, 4}}, {u"box2"_s, {1}}, {u"box3"_s, {1, 2, 5}}, {u"box4"_s, {}}});
        Ui::MainWindow window;
        window.resize(1280, 900);
        window.show();
        window.openWorkspace(workspace);
        Ui::ServerGrid *grid = window.serverGrid();
        QVERIFY(grid);
        QTRY_COMPARE_WITH_TIMEOUT(grid->cellText(u"box2"_s, u"box1"_s), u"3"_s, Timeout);
        QVERIFY(grid->isVisible());
        QVERIFY2(grid->findChild<QLabel *>(u"serverGridCaption"_s)->text().contains(u"what each server lacks (a row) of the versions another has (a column)"_s),
            qPrintable(grid->findChild<QLabel *>(u"serverGridCaption"_s)->text()));
        QTableWidget *table = grid->table();
        QCOMPARE(table->verticalHeaderItem(1)->text(), u"box2 lacks"_s);
        QCOMPARE(table->horizontalHeaderItem(0)->text(), u"box1 has"_s);

        // The counts, as core's reconcile has them (the projects table's lag says the same).
        const QList<std::tuple<QString, QString, QString>> expected{{u"box2"_s, u"box1"_s, u"3"_s}, {u"box3"_s, u"box1"_s, u"2"_s},
            {u"box1"_s, u"box3"_s, u"1"_s}, {u"box2"_s, u"box3"_s, u"2"_s}, {u"box1"_s, u"box2"_s, u"0"_s}, {u"box3"_s, u"box2"_s, u"0"_s},
            {u"box1"_s, u"box1"_s, u"—"_s}, {u"box4"_s, u"box4"_s, u"—"_s}};
        for (const auto &[lacking, having, text] : expected)
            QCOMPARE(grid->cellText(lacking, having), text);
        const QString lag = window.projectsModel()->index(0, Ui::ProjectsModel::Lag).data().toString();
        QVERIFY2(lag.contains(u"box2 3 behind box1"_s) && lag.contains(u"box2 2 behind box3"_s), qPrintable(lag));

        // box4 was never listed: its row and its column are not checked, in the colour of the
        // other "not checked" cells, never 0.
        const QColor notChecked = Ui::toneColour(Ui::Tone::Warning, grid->palette());
        for (const QString &other : {u"box1"_s, u"box2"_s, u"box3"_s})
        {
            for (const QModelIndex &cell : {grid->cellIndex(u"box4"_s, other), grid->cellIndex(other, u"box4"_s)})
            {
                QCOMPARE(cell.data().toString(), u"not checked"_s);
                QCOMPARE(cell.data(Qt::ForegroundRole).value<QBrush>().color(), notChecked);
                QVERIFY2(cell.data(Qt::ToolTipRole).toString().contains(u"box4 not listed"_s), qPrintable(cell.data(Qt::ToolTipRole).toString()));
            }
        }

        // A click: exactly what box2 lacks of box1's, the filter named and clearable.
        auto *filter = window.findChild<QComboBox *>(u"versionFilter"_s);
        auto *clear = window.findChild<QToolButton *>(u"clearVersionFilter"_s);
        QVERIFY(filter && clear);
        QVERIFY(!clear->isVisible());
        QCOMPARE(window.versionFilter()->rowCount(), 5);
        click(grid, u"box2"_s, u"box1"_s);
        QCOMPARE(shownNames(window), (QStringList{versionName(2), versionName(3), versionName(4)}));
        QCOMPARE(filter->currentText(), u"box2 lacks, box1 has"_s);
        QVERIFY(clear->isVisible());
        QVERIFY2(window.versionsCountText().startsWith(u"3 of 5 versions shown. "_s), qPrintable(window.versionsCountText()));
        QVERIFY2(window.versionsCountText().contains(u"box4 was not listed: what it holds is not known."_s), qPrintable(window.versionsCountText()));
        QVERIFY(window.grab().save(QDir(QCoreApplication::applicationDirPath()).filePath(u"servergrid.png"_s)));

        click(grid, u"box1"_s, u"box3"_s);
        QCOMPARE(shownNames(window), QStringList{versionName(5)});
        QCOMPARE(filter->currentText(), u"box1 lacks, box3 has"_s);
        QCOMPARE(filter->findText(u"box2 lacks, box1 has"_s), -1); // one pair at a time

        // A cell of 0: no rows, and the table says why in the words of any filter that matches nothing.
        click(grid, u"box1"_s, u"box2"_s);
        QCOMPARE(window.versionFilter()->rowCount(), 0);
        QVERIFY2(window.versionsCountText().startsWith(u"No versions match 'box1 lacks, box2 has' here (5 in all)."_s), qPrintable(window.versionsCountText()));

        // Not checked and the diagonal lead nowhere: the filter stays.
        click(grid, u"box4"_s, u"box1"_s);
        click(grid, u"box3"_s, u"box3"_s);
        QCOMPARE(filter->currentText(), u"box1 lacks, box2 has"_s);

        // A refresh keeps the pair, counted again.
        click(grid, u"box3"_s, u"box1"_s);
        QSignalSpy refreshed(window.controller(), &Ui::WorkspaceController::refreshed);
        window.refresh();
        QTRY_VERIFY_WITH_TIMEOUT(!refreshed.isEmpty(), Timeout);
        QCOMPARE(filter->currentText(), u"box3 lacks, box1 has"_s);
        QCOMPARE(shownNames(window), (QStringList{versionName(3), versionName(4)}));
        QCOMPARE(table->selectionModel()->selectedIndexes(), QModelIndexList{grid->cellIndex(u"box3"_s, u"box1"_s)}); // the cell in effect

        // Cleared: every version again.
        clear->click();
        QCOMPARE(filter->currentIndex(), 0);
        QCOMPARE(window.versionFilter()->rowCount(), 5);
        QVERIFY(!clear->isVisible());
        QVERIFY(table->selectionModel()->selectedIndexes().isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(!window.controller()->isBusy(), Timeout);
    }

    // Two servers: the projects table already says what each lacks of the other; no grid.
    void twoServersShowNoGrid()
    {
        const QString workspace = writeWorkspace(u"pair"_s, {{u"box1"_s, {1, 2}}, {u"box2"_s, {1}}});
        Ui::MainWindow window;
        window.show();
        window.openWorkspace(workspace);
        QTRY_COMPARE_WITH_TIMEOUT(window.projectsModel()->rowCount(), 1, Timeout);
        QTRY_COMPARE_WITH_TIMEOUT(window.versionFilter()->rowCount(), 2, Timeout);
        QVERIFY(!window.serverGrid()->isVisibleTo(&window));
        QTRY_VERIFY_WITH_TIMEOUT(!window.controller()->isBusy(), Timeout);
    }

    // The primary goes down with box2 (first after it) lacking versions box3 holds: the tray's
    // Repoint, the message's click, the banner and the menu all open the wizard on box3.
    void theTrayRepointOffersTheBestPlacedServer()
    {
        const QString workspace = writeWorkspace(u"tray"_s, {{u"box1"_s, {1, 2, 3}}, {u"box2"_s, {1}}, {u"box3"_s, {1, 2, 3}}});
        Ui::MainWindow window;
        window.resize(1280, 900);
        window.show();
        window.openWorkspace(workspace);
        QTRY_COMPARE_WITH_TIMEOUT(window.serverGrid()->cellText(u"box2"_s, u"box1"_s), u"2"_s, Timeout);
        Ui::ServerCard *box2 = window.findChild<Ui::ServerCard *>(u"serverCard-box2"_s);
        Ui::ServerCard *box3 = window.findChild<Ui::ServerCard *>(u"serverCard-box3"_s);
        QVERIFY(box2 && box3);
        QVERIFY2(box2->takeoverText().contains(u"Not ready: 2 versions only on box1"_s), qPrintable(box2->takeoverText()));
        QVERIFY2(box3->takeoverText().contains(u"Ready to take over"_s), qPrintable(box3->takeoverText()));
        // Up, the menu's wizard already checks box3.
        Ui::RepointDialog *wizard = window.showRepoint();
        QVERIFY(wizard);
        QCOMPARE(wizard->findChild<QComboBox *>(u"repointTarget"_s)->currentText(), u"box3"_s);
        QTRY_VERIFY_WITH_TIMEOUT(!wizard->checklist().isEmpty(), Timeout);
        wizard->reject();
        QTRY_VERIFY(!window.findChild<Ui::RepointDialog *>());

        const QString box1Folder = QDir(m_dir.filePath(u"tray"_s)).filePath(u"box1"_s);
        QVERIFY(QDir().rename(box1Folder, box1Folder + u".away"_s));
        window.refresh();
        auto *event = window.findChild<QAction *>(u"trayEventAction"_s);
        QVERIFY(event);
        QTRY_VERIFY_WITH_TIMEOUT(event->isVisible(), Timeout);
        QCOMPARE(event->text(), u"Repoint (box1 is down)…"_s);
        // With box1 not listed neither is known ready: box3 lacks nothing box2 has, box2 lacks two of box3's.
        QCOMPARE(window.serverGrid()->cellText(u"box2"_s, u"box3"_s), u"2"_s);
        QCOMPARE(window.serverGrid()->cellText(u"box2"_s, u"box1"_s), u"not checked"_s);

        event->trigger();
        QTRY_VERIFY(window.findChild<Ui::RepointDialog *>());
        wizard = window.findChild<Ui::RepointDialog *>();
        QCOMPARE(wizard->findChild<QComboBox *>(u"repointTarget"_s)->currentText(), u"box3"_s);
        QTRY_VERIFY_WITH_TIMEOUT(!wizard->checklist().isEmpty(), Timeout);
        wizard->reject();
        QTRY_VERIFY(!window.findChild<Ui::RepointDialog *>());

        // The message's click leads to the same server, and the banner offers it.
        auto *tray = window.findChild<QSystemTrayIcon *>();
        QVERIFY(tray);
        Q_EMIT tray->messageClicked();
        QTRY_VERIFY(window.findChild<Ui::RepointDialog *>());
        wizard = window.findChild<Ui::RepointDialog *>();
        QCOMPARE(wizard->findChild<QComboBox *>(u"repointTarget"_s)->currentText(), u"box3"_s);
        QTRY_VERIFY_WITH_TIMEOUT(!wizard->checklist().isEmpty(), Timeout);
        wizard->reject();
        QCOMPARE(window.findChild<QPushButton *>(u"primaryDownRepoint"_s)->text(), u"Repoint to box3…"_s);

        QVERIFY(QDir().rename(box1Folder + u".away"_s, box1Folder));
        QTRY_VERIFY_WITH_TIMEOUT(!window.controller()->isBusy(), Timeout);
    }
};

QTEST_MAIN(TestServerGrid)
#include "tst_servergrid.moc"
