// The console under QT_QPA_PLATFORM=offscreen, on the demo workspace: the servers, the projects,
// the version table with its filters, and a screenshot of the window (build/tests/gui/mainwindow.png).

#include <cmath>
#include <memory>

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QRadioButton>
#include <QRegularExpression>
#include <QScreen>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardPaths>
#include <QSystemTrayIcon>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QTimer>

#include "appearance.h"
#include "conflictdialog.h"
#include "credentialsdialog.h"
#include "credentialstore.h"
#include "damagedcopiesdialog.h"
#include "demo/demoworkspace.h"
#include "historyview.h"
#include "mainwindow.h"
#include "notifications.h"
#include "replicatedialog.h"
#include "replicationschedule.h"
#include "repointdialog.h"
#include "servercard.h"
#include "settingsdialog.h"
#include "statusmodels.h"
#include "sync/syncengine.h"
#include "sync/synclock.h"
#include "testsupport.h"
#include "versiontimeline.h"

using namespace TwinTrunk;

class TestMainWindow final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    // A demo workspace of its own for each test (they change it).
    Demo::DemoWorkspace newDemo(const QString &name)
    {
        Result<Demo::DemoWorkspace> demo = Demo::createDemoWorkspace(m_dir.filePath(name));
        if (!demo)
            qFatal("%s", qPrintable(demo.error().toString()));
        return demo.value();
    }

    // The demo's trunk versions among `entries` ("trunk/Kernel-eem.1452.mcz"), as file names.
    static QStringList trunkOnly(const QStringList &entries)
    {
        QStringList names;
        for (const QString &entry : entries)
        {
            if (entry.startsWith(QStringLiteral("trunk/")) && entry.endsWith(QStringLiteral(".mcz")))
                names.append(entry.mid(6));
        }
        return names;
    }

    // The version table's cell for `name` in `column` (0 name, 1 state, 2.. the servers).
    static QModelIndex versionCell(Ui::MainWindow &window, const QString &name, int column)
    {
        Ui::VersionFilterModel *versions = window.versionFilter();
        const QModelIndexList found = versions->match(versions->index(0, 0), Qt::DisplayRole, name, 1, Qt::MatchExactly);
        return found.isEmpty() ? QModelIndex() : found.first().siblingAtColumn(column);
    }

    // The projects table's row of `project`, or -1.
    static int projectRow(Ui::MainWindow &window, const QString &project)
    {
        for (int row = 0; row < window.projectsModel()->rowCount(); ++row)
        {
            if (window.projectsModel()->project(row)->project == project)
                return row;
        }
        return -1;
    }

    // The texts of a menu's entries; the menu is deleted.
    static QStringList entries(QMenu *menu)
    {
        QStringList texts;
        for (const QAction *action : menu->actions())
            texts.append(action->text());
        delete menu;
        return texts;
    }

    // WCAG's contrast ratio of two colours (1 to 21).
    static double contrast(const QColor &a, const QColor &b)
    {
        auto luminance = [](const QColor &colour) {
            auto channel = [](double value) { return value <= 0.03928 ? value / 12.92 : std::pow((value + 0.055) / 1.055, 2.4); };
            return 0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF()) + 0.0722 * channel(colour.blueF());
        };
        const double lighter = std::max(luminance(a), luminance(b)), darker = std::min(luminance(a), luminance(b));
        return (lighter + 0.05) / (darker + 0.05);
    }

    static QPalette darkPalette()
    {
        QPalette palette;
        palette.setColor(QPalette::Base, Qt::black);
        return palette;
    }

    // Shows `window` on `workspaceFile` and waits for its first refresh.
    static void openAndWait(Ui::MainWindow &window, const QString &workspaceFile)
    {
        window.show();
        window.openWorkspace(workspaceFile);
        QTRY_COMPARE_WITH_TIMEOUT(window.projectsModel()->rowCount(), 3, 60000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QApplication::setApplicationDisplayName(QStringLiteral("TwinTrunk"));
        QApplication::setOrganizationName(QStringLiteral("TwinTrunkTest"));
        QStandardPaths::setTestModeEnabled(true);
    }

    void showsTheApplicationNameAndAnAboutAction()
    {
        Ui::MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.windowTitle().contains(QStringLiteral("TwinTrunk")));
        auto *about = window.findChild<QAction *>(QStringLiteral("aboutAction"));
        QVERIFY(about);
        QVERIFY(about->text().contains(QStringLiteral("About")));
        QCOMPARE(window.findChild<QAction *>(QStringLiteral("refreshAction"))->shortcut(), QKeySequence(QKeySequence::Refresh));
    }

    // The embedded default: the demo is written by the worker thread, then opened.
    void opensTheDemoByDefault()
    {
        Ui::MainWindow window;
        window.show();
        window.openDemo();
        QTRY_COMPARE_WITH_TIMEOUT(window.projectsModel()->rowCount(), 3, 60000);
        QVERIFY(window.controller()->workspacePath().startsWith(Demo::defaultDemoDirectory()));
    }

    void showsTheDemoWorkspace()
    {
        const Demo::DemoWorkspace demo = newDemo(QStringLiteral("demo"));
        Ui::MainWindow window;
        window.resize(1100, 720);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.openInitialWorkspace(demo.workspaceFile);
        QTRY_COMPARE_WITH_TIMEOUT(window.projectsModel()->rowCount(), 3, 60000);
        QVERIFY(window.windowTitle().startsWith(QStringLiteral("twintrunk.json")));

        // Two server cards, both up.
        const QList<Ui::ServerCard *> cards = window.findChildren<Ui::ServerCard *>();
        QCOMPARE(cards.size(), 2);
        for (const Ui::ServerCard *card : cards)
            QVERIFY2(card->stateText().contains(QStringLiteral("Up")), qPrintable(card->stateText()));

        // The projects: trunk diverges and has the conflict, so it must not read "In sync".
        Ui::ProjectsModel *projects = window.projectsModel();
        int trunk = -1;
        for (int row = 0; row < projects->rowCount(); ++row)
        {
            if (projects->project(row)->project == u"trunk")
                trunk = row;
        }
        QVERIFY(trunk >= 0);
        const QString verdict = projects->index(trunk, projects->columnCount() - 1).data().toString();
        QVERIFY2(!verdict.contains(QStringLiteral("In sync")), qPrintable(verdict));
        // Every problem of the row, and the lag in words.
        QVERIFY2(verdict.contains(QStringLiteral("Conflicts: 1 to resolve · Behind: ")), qPrintable(verdict));
        const QString lag = projects->index(trunk, Ui::ProjectsModel::Lag).data().toString();
        QVERIFY2(lag.contains(QStringLiteral("box4 %1 behind box2, oldest ").arg(trunkOnly(demo.onlyOnPrimary).size())), qPrintable(lag));
        QVERIFY(projects->index(trunk, 3).data().toString().startsWith(QStringLiteral("1")));

        // The version table, filtered to conflicts, then searched.
        window.selectProject(trunk);
        Ui::VersionFilterModel *versions = window.versionFilter();
        QVERIFY(versions->rowCount() > 150);
        auto *filter = window.findChild<QComboBox *>(QStringLiteral("versionFilter"));
        filter->setCurrentIndex(2); // Conflicts
        QCOMPARE(versions->rowCount(), 1);
        QCOMPARE(versions->index(0, 0).data().toString(), demo.conflictFileName);
        QCOMPARE(versions->index(0, 1).data().toString(), QStringLiteral("conflict"));
        QVERIFY2(window.versionsCountText().startsWith(QStringLiteral("1 of ")), qPrintable(window.versionsCountText()));
        // Its context menu, and Enter opens it as a double-click does.
        {
            QMenu *menu = window.versionMenu(versions->index(0, 0));
            QVERIFY(menu);
            QStringList entries;
            for (const QAction *action : menu->actions())
                entries.append(action->text());
            delete menu;
            QCOMPARE(entries,
                (QStringList{QStringLiteral("Compare and Decide…"), QStringLiteral("Copy Name"), QStringLiteral("Copy Id on box2"),
                    QStringLiteral("Copy Id on box4"), QStringLiteral("Show Its Activity")}));
            auto *view = window.findChild<QTableView *>(QStringLiteral("versionsView"));
            view->setFocus();
            view->setCurrentIndex(versions->index(0, 0));
            QTest::keyClick(view, Qt::Key_Return);
            QTRY_VERIFY(window.findChild<Ui::ConflictDialog *>());
            window.findChild<Ui::ConflictDialog *>()->reject();
        }
        filter->setCurrentIndex(filter->findText(QStringLiteral("Missing on box4")));
        const int missingOnBox4 = versions->rowCount();
        QVERIFY(missingOnBox4 > 0);
        filter->setCurrentIndex(0);
        window.findChild<QLineEdit *>(QStringLiteral("versionSearch"))->setText(QStringLiteral("no such version"));
        QCOMPARE(versions->rowCount(), 0);
        QVERIFY2(window.versionsCountText().startsWith(QStringLiteral("No versions match 'no such version' here")), qPrintable(window.versionsCountText()));
        window.findChild<QLineEdit *>(QStringLiteral("versionSearch"))->setText(QStringLiteral("kernel-eem"));
        QVERIFY(versions->rowCount() > 0);
        for (int row = 0; row < versions->rowCount(); ++row)
            QVERIFY(versions->index(row, 0).data().toString().startsWith(QStringLiteral("Kernel-eem")));
        window.findChild<QLineEdit *>(QStringLiteral("versionSearch"))->clear();

        // Per server: a version only on box2 shows when it was listed until its info is read;
        // Read Authors & Dates reads every version's id, author and date.
        const QString onlyOnBox2 = trunkOnly(demo.onlyOnPrimary).first();
        QTRY_VERIFY2_WITH_TIMEOUT(versionCell(window, onlyOnBox2, 2).data().toString().startsWith(QStringLiteral("present (listed ")),
            qPrintable(versionCell(window, onlyOnBox2, 2).data().toString()), 30000); // the details arrive from the worker
        window.findChild<QPushButton *>(QStringLiteral("readDetailsButton"))->click();
        QTRY_VERIFY_WITH_TIMEOUT(!window.controller()->isBusy(), 60000);
        const QString author = onlyOnBox2.section(u'-', 1).section(u'.', 0, 0); // Kernel-eem.1452.mcz: eem
        QTRY_VERIFY2_WITH_TIMEOUT(versionCell(window, onlyOnBox2, 2).data().toString().contains(QStringLiteral("  %1  20").arg(author)),
            qPrintable(versionCell(window, onlyOnBox2, 2).data().toString()), 30000);
        QVERIFY(versionCell(window, onlyOnBox2, 2).data(Qt::ToolTipRole).toString().contains(QStringLiteral("Author: %1").arg(author)));
        QCOMPARE(versionCell(window, onlyOnBox2, 3).data().toString(), QStringLiteral("missing here"));
        filter->setCurrentIndex(1); // Differences, as the screenshot shows it

        // The screenshot a person would see, kept in the build folder.
        QTest::qWait(50);
        const QString shot = QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("mainwindow.png"));
        QVERIFY(window.grab().save(shot));
        qInfo("screenshot: %s", qPrintable(shot));
    }

    // A version's timeline from the state database's records: each server's first listing, the
    // copy with who made it and how it was verified, and "not known" for a server never listed.
    void aTimelineSaysWhatIsKnownAndWhatIsNot()
    {
        State::VersionRecords records;
        const QDateTime listed = QDateTime::currentDateTimeUtc().addSecs(-3600);
        records.listed.insert(QStringLiteral("box2"), State::StoredEntry{.name = QStringLiteral("X-a.1.mcz"), .firstSeen = listed});
        records.listed.insert(QStringLiteral("box4"), State::StoredEntry{.name = QStringLiteral("X-a.1.mcz"), .firstSeen = listed.addSecs(60)});
        records.projectListedAt.insert(QStringLiteral("box2"), listed);
        records.projectListedAt.insert(QStringLiteral("box4"), listed);
        records.journal.append(State::JournalEntry{.at = listed.addSecs(30),
            .who = QStringLiteral("ann@admin (twintrunkctl)"),
            .operation = QStringLiteral("copy"),
            .project = QStringLiteral("trunk"),
            .name = QStringLiteral("X-a.1.mcz"),
            .source = QStringLiteral("box2"),
            .target = QStringLiteral("box4"),
            .result = QStringLiteral("copied"),
            .detail = QStringLiteral("verified: read back as 12 bytes, SHA-256 abcd")});
        records.copies.insert(QStringLiteral("box4"),
            State::CopyRecord{.server = QStringLiteral("box4"), .size = 12, .sha256 = "abcd", .readAt = listed.addSecs(30)});
        const QList<Ui::TimelineLine> lines =
            Ui::versionTimeline(records, QStringLiteral("trunk"), {QStringLiteral("box2"), QStringLiteral("box4"), QStringLiteral("box6")});
        QStringList texts;
        for (const Ui::TimelineLine &line : lines)
            texts.append(line.text);
        const QString at = Presentation::localTime(listed.addSecs(30));
        QCOMPARE(texts,
            (QStringList{QStringLiteral("box2: first listed %1").arg(Presentation::localTime(listed)),
                QStringLiteral("box4: first listed %1").arg(Presentation::localTime(listed.addSecs(60))),
                QStringLiteral("box6: not known: trunk was never listed on box6"),
                QStringLiteral(
                    "%1 copied from box2 to box4 by twintrunkctl sync from a shell or cron (ann@admin): verified: read back as 12 bytes, SHA-256 abcd")
                    .arg(at),
                QStringLiteral("box2: its bytes: not known (never read whole)"),
                QStringLiteral("box4: read whole and sound %1 (12 bytes, SHA-256 abcd)").arg(at)}));
        QCOMPARE(lines.at(2).level, Presentation::Level::Unknown); // unknown is never shown as fine
        QCOMPARE(lines.at(4).level, Presentation::Level::Unknown);
        QCOMPARE(lines.at(5).level, Presentation::Level::Good);

        // Damage shows, and a copy by the console says so.
        records.copies[QStringLiteral("box4")].damage = QStringLiteral("it reads as 11 bytes");
        records.journal[0].who = QStringLiteral("bob@desk (twintrunk)");
        const QList<Ui::TimelineLine> damaged = Ui::versionTimeline(records, QStringLiteral("trunk"), {QStringLiteral("box2"), QStringLiteral("box4")});
        QVERIFY2(damaged.at(2).text.contains(QStringLiteral(" by the console's Replicate (bob@desk): verified")), qPrintable(damaged.at(2).text));
        QVERIFY2(damaged.last().text.startsWith(QStringLiteral("box4: damaged since ")), qPrintable(damaged.last().text));
        QCOMPARE(damaged.last().level, Presentation::Level::Bad);

        // In the window: the pane follows the selection and, after a replication, tells the copy.
        const Demo::DemoWorkspace demo = newDemo(QStringLiteral("timeline"));
        Ui::MainWindow window;
        openAndWait(window, demo.workspaceFile);
        if (QTest::currentTestFailed())
            return;
        Ui::ReplicateDialog *replicate = window.showReplicate();
        QTRY_VERIFY_WITH_TIMEOUT(replicate->canStart(), 60000);
        replicate->start();
        QTRY_VERIFY2_WITH_TIMEOUT(replicate->resultText().endsWith(QStringLiteral("copied and verified.")), qPrintable(replicate->resultText()), 60000);
        replicate->reject();
        QTRY_VERIFY_WITH_TIMEOUT(!window.controller()->isBusy(), 60000);
        for (int row = 0; row < window.projectsModel()->rowCount(); ++row)
        {
            if (window.projectsModel()->project(row)->project == u"trunk")
                window.selectProject(row);
        }
        const QString copiedName = trunkOnly(demo.onlyOnPrimary).first();
        auto *view = window.findChild<QTableView *>(QStringLiteral("versionsView"));
        QTRY_VERIFY_WITH_TIMEOUT(versionCell(window, copiedName, 0).isValid(), 30000);
        view->setCurrentIndex(versionCell(window, copiedName, 0));
        Ui::VersionTimeline *timeline = window.timeline();
        QCOMPARE(timeline->versionName(), copiedName);
        QTRY_VERIFY2_WITH_TIMEOUT(timeline->lines().join(u'\n').contains(QStringLiteral(" copied from box2 to box4 by ")),
            qPrintable(timeline->lines().join(u'\n')), 30000);
        const QString shown = timeline->lines().join(u'\n');
        QVERIFY2(shown.contains(QStringLiteral("verified: read back as ")), qPrintable(shown));
        QVERIFY2(shown.contains(QStringLiteral("box4: first listed ")), qPrintable(shown));
        QVERIFY2(shown.contains(QStringLiteral("box4: read whole and sound ")), qPrintable(shown));
        view->setCurrentIndex(QModelIndex());
        QVERIFY(timeline->lines().isEmpty());
    }

    // A byte flipped on box4's disk: Verify Now finds it (the version table says so, the projects
    // table shows how much was verified), and Repair replaces it after a confirmation whose
    // default is No, keeping the damaged bytes in the quarantine.
    void aDamagedCopyIsFoundAndRepaired()
    {
        const Demo::DemoWorkspace demo = newDemo(QStringLiteral("damaged"));
        // A version both servers hold alike.
        QString name;
        for (const QString &candidate : QDir(QDir(demo.directory).filePath(QStringLiteral("box4/trunk"))).entryList({QStringLiteral("*.mcz")}))
        {
            if (name.isEmpty() && candidate != demo.conflictFileName
                && QFileInfo::exists(QDir(demo.directory).filePath(QStringLiteral("box2/trunk/") + candidate)))
                name = candidate;
        }
        QVERIFY(!name.isEmpty());
        const QString onBox4 = QDir(demo.directory).filePath(QStringLiteral("box4/trunk/") + name);
        const QByteArray sound = Test::readFile(onBox4);
        QByteArray damaged = sound;
        damaged[damaged.size() / 2] = char(damaged[damaged.size() / 2] ^ 0x40);
        QFile::remove(onBox4);
        Test::writeFile(onBox4, damaged);

        Ui::MainWindow window;
        openAndWait(window, demo.workspaceFile);
        if (QTest::currentTestFailed())
            return;
        Ui::DamagedCopiesDialog *dialog = window.showDamagedCopies();
        QCOMPARE(dialog->rowCount(), 0);
        dialog->verifyNow();
        QTRY_VERIFY_WITH_TIMEOUT(dialog->rowCount() == 1, 120000);
        QTRY_VERIFY_WITH_TIMEOUT(!window.controller()->isBusy(), 60000);
        QVERIFY2(dialog->statusText().contains(QStringLiteral("1 damaged now")), qPrintable(dialog->statusText()));

        // The tables say it too.
        Ui::ProjectsModel *projects = window.projectsModel();
        int trunk = -1;
        for (int row = 0; row < projects->rowCount(); ++row)
        {
            if (projects->project(row)->project == u"trunk")
                trunk = row;
        }
        QVERIFY(projects->index(trunk, Ui::ProjectsModel::Verdict).data().toString().startsWith(QStringLiteral("Damaged: 1 on box4")));
        // Every copy was read; the damaged one does not count as verified.
        QVERIFY2(projects->index(trunk, Ui::ProjectsModel::Verified).data().toString().endsWith(QStringLiteral("% read")),
            qPrintable(projects->index(trunk, Ui::ProjectsModel::Verified).data().toString()));
        window.selectProject(trunk);
        QCOMPARE(versionCell(window, name, 1).data().toString(), QStringLiteral("damaged"));
        QCOMPARE(versionCell(window, name, 3).data().toString(), QStringLiteral("damaged"));
        QVERIFY(versionCell(window, name, 3).data(Qt::ToolTipRole).toString().contains(QStringLiteral("A sound copy is on box2")));

        // Repair: asked first, No by default; then replaced and read back.
        auto *table = dialog->findChild<QTableWidget *>(QStringLiteral("damagedTable"));
        table->selectRow(0);
        dialog->repairSelected();
        QMessageBox *confirmation = dialog->confirmation();
        QVERIFY(confirmation && confirmation->isVisible());
        QVERIFY(confirmation->text().contains(QStringLiteral("box4")) && confirmation->informativeText().contains(QStringLiteral("quarantine")));
        QCOMPARE(confirmation->defaultButton()->text(), QStringLiteral("Leave It"));
        for (QAbstractButton *button : confirmation->buttons())
        {
            if (button->text() == u"Replace the Copy")
                button->click();
        }
        QTRY_VERIFY2_WITH_TIMEOUT(dialog->statusText().startsWith(QStringLiteral("Repaired")), qPrintable(dialog->statusText()), 60000);
        QTRY_VERIFY_WITH_TIMEOUT(!window.controller()->isBusy(), 60000);
        QCOMPARE(Test::readFile(onBox4), sound);
        QCOMPARE(dialog->rowCount(), 0);
        QVERIFY(!projects->index(trunk, Ui::ProjectsModel::Verdict).data().toString().startsWith(QStringLiteral("Damaged")));
        QVERIFY2(projects->index(trunk, Ui::ProjectsModel::Verified).data().toString().startsWith(QStringLiteral("all, ")),
            qPrintable(projects->index(trunk, Ui::ProjectsModel::Verified).data().toString()));
    }

    // The demo's conflict side by side, then resolved keeping box2's variant.
    void aConflictIsComparedAndResolved()
    {
        const Demo::DemoWorkspace demo = newDemo(QStringLiteral("conflict"));
        Ui::MainWindow window;
        openAndWait(window, demo.workspaceFile);
        if (QTest::currentTestFailed())
            return;

        Ui::ConflictDialog *dialog = window.showConflict(demo.conflictProject, demo.conflictFileName);
        QTRY_VERIFY_WITH_TIMEOUT(dialog->isReady(), 60000);
        QCOMPARE(dialog->fieldText(0, 0), QStringLiteral("box2"));
        QCOMPARE(dialog->fieldText(0, 1), QStringLiteral("box4"));
        QVERIFY(dialog->fieldText(1, 0) != dialog->fieldText(1, 1)); // the ids
        QVERIFY2(dialog->changedDefinitions().contains(QStringLiteral("changed OrderedCollection>>printOn:")),
            qPrintable(dialog->changedDefinitions().join(u',')));
        QVERIFY(dialog->findChild<QTextBrowser *>(QStringLiteral("conflictDiff"))->toPlainText().contains(QStringLiteral("printOn:")));
        // The decision first: box4's variant descends from box2's, so keeping it loses nothing.
        const QString headline = dialog->headlineText();
        QVERIFY2(headline.startsWith(QStringLiteral("b (box4) descends from a (box2): it holds a's changes.")), qPrintable(headline));
        QVERIFY2(headline.contains(QStringLiteral("Keeping b loses nothing; the other stays available, republished as ")), qPrintable(headline));
        QVERIFY(dialog->findChild<QPushButton *>(QStringLiteral("conflictKeep1"))->text().contains(QStringLiteral("recommended")));
        QVERIFY(!dialog->findChild<QPushButton *>(QStringLiteral("conflictKeep0"))->text().contains(QStringLiteral("recommended")));
        QVERIFY(dialog->grab().save(QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("conflict.png"))));

        // Deferring wants a note; keeping box2's variant asks first, in plain words, No the default.
        dialog->defer();
        QVERIFY(dialog->resultText().contains(QStringLiteral("needs a note")));
        dialog->keepVariant(0);
        dialog->keepVariant(1);                                  // a second click while the first is worked out changes nothing
        QVERIFY(!dialog->findChild<QCheckBox *>()->isEnabled()); // nor can the options
        QMessageBox *box = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((box = dialog->findChild<QMessageBox *>()) && box->isVisible(), 60000);
        const QString asked = box->text();
        QCOMPARE(box->defaultButton(), box->button(QMessageBox::No));
        box->button(QMessageBox::Yes)->click();
        QTRY_VERIFY_WITH_TIMEOUT(dialog->resultText().contains(QStringLiteral("Done")), 60000);
        // What images load first, with short ids; the question last; no internal step or whole id.
        const QString a = dialog->fieldText(1, 0).left(8);
        QVERIFY2(asked.startsWith(QStringLiteral("An image updating from box2 will load box2's variant (%1) as %2").arg(a, demo.conflictFileName)),
            qPrintable(asked));
        QVERIFY2(asked.endsWith(QStringLiteral("Keep box2's variant (%1) of %2?").arg(a, demo.conflictFileName)), qPrintable(asked));
        QVERIFY2(!asked.contains(dialog->fieldText(1, 0)) && !asked.contains(dialog->fieldText(1, 1)), qPrintable(asked));
        for (const QString &internal :
            {QStringLiteral("--replace"), QStringLiteral("quarantine"), QStringLiteral("canonical-elsewhere"), QStringLiteral("decide")})
            QVERIFY2(!asked.contains(internal), qPrintable(internal));
        // The result names the new name of box4's variant.
        QVERIFY2(dialog->resultText().contains(QStringLiteral("box4's variant is now Collections-mt.989.mcz")), qPrintable(dialog->resultText()));
        QTRY_VERIFY_WITH_TIMEOUT(!window.controller()->isBusy(), 60000);
        for (int row = 0; row < window.projectsModel()->rowCount(); ++row)
            QVERIFY(window.projectsModel()->project(row)->conflicts.isEmpty());
    }

    // Passwords go to the OS keychain, keyed by the server's URL; where there is none (CI has no
    // Secret Service), the console says so and still uses the password for the session.
    void passwordsGoToTheKeychainOrSayWhyNot()
    {
        const Demo::DemoWorkspace demo = newDemo(QStringLiteral("passwords"));
        Ui::MainWindow window;
        openAndWait(window, demo.workspaceFile);
        if (QTest::currentTestFailed())
            return;
        window.findChild<QAction *>(QStringLiteral("passwordsAction"))->trigger();
        auto *dialog = window.findChild<Ui::CredentialsDialog *>();
        QVERIFY(dialog);
        auto *save = dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Save);
        // Before Save: without a keychain (CI has no Secret Service) the dialog says so in plain
        // words, and what Save will do instead; never the keychain's raw D-Bus text.
        const bool secretService = qEnvironmentVariableIsSet("TWINTRUNK_TEST_SECRET_SERVICE");
        if (!secretService)
        {
            QTRY_VERIFY_WITH_TIMEOUT(!dialog->keychainNotice().isEmpty(), 30000);
            const QString notice = dialog->keychainNotice();
            QVERIFY2(notice.contains(QStringLiteral("No OS keychain is available on this machine")), qPrintable(notice));
            QVERIFY2(notice.contains(QStringLiteral("until the console closes")) && notice.contains(QStringLiteral("TWINTRUNK_PASSWORD_BOX4")),
                qPrintable(notice));
            QVERIFY2(!notice.contains(QStringLiteral("D-Bus"), Qt::CaseInsensitive) && !notice.contains(QStringLiteral("freedesktop")), qPrintable(notice));
            QCOMPARE(save->text(), QStringLiteral("Use for This Session"));
        }
        else
        {
            QTest::qWait(2000); // the keychain's answers arrive meanwhile
            QVERIFY2(dialog->keychainNotice().isEmpty(), qPrintable(dialog->keychainNotice()));
        }
        dialog->findChild<QLineEdit *>(QStringLiteral("user-box4"))->setText(QStringLiteral("squeak"));
        auto *password = dialog->findChild<QLineEdit *>(QStringLiteral("password-box4"));
        QCOMPARE(password->echoMode(), QLineEdit::Password);
        password->setText(QStringLiteral("not-logged"));
        dialog->save();
        QVERIFY(password->text().isEmpty()); // not kept in the widget
        QTRY_VERIFY_WITH_TIMEOUT(dialog->statusText().contains(QStringLiteral("Saved in the OS keychain"))
                || dialog->statusText().contains(QStringLiteral("not stored, the OS keychain cannot be used")),
            30000);
        QVERIFY2(!dialog->statusText().contains(QStringLiteral("D-Bus"), Qt::CaseInsensitive), qPrintable(dialog->statusText()));
        QVERIFY(!dialog->statusText().contains(QStringLiteral("not-logged")));
        QCOMPARE(Ui::CredentialStore::keyFor(QUrl(QStringLiteral("http://box4.example:8888/squeaksource/"))),
            QStringLiteral("http://box4.example:8888/squeaksource"));

        // With a Secret Service running (the ctest test tst_mainwindow_secret_service starts one),
        // the password is stored, and read back for the same server's URL only.
        if (qEnvironmentVariableIsSet("TWINTRUNK_TEST_SECRET_SERVICE"))
        {
            QVERIFY2(dialog->statusText().contains(QStringLiteral("Saved in the OS keychain")), qPrintable(dialog->statusText()));
            Ui::CredentialStore store;
            std::optional<Repository::Credentials> read;
            store.read(window.controller()->serverUrl(QStringLiteral("box4")), &store,
                [&read](const Repository::Credentials &credentials, const QString &) { read = credentials; });
            QTRY_VERIFY_WITH_TIMEOUT(read.has_value(), 30000);
            QCOMPARE(read->user, QStringLiteral("squeak"));
            QCOMPARE(read->password, QStringLiteral("not-logged"));
            std::optional<Repository::Credentials> other;
            store.read(window.controller()->serverUrl(QStringLiteral("box2")), &store,
                [&other](const Repository::Credentials &credentials, const QString &) { other = credentials; });
            QTRY_VERIFY_WITH_TIMEOUT(other.has_value(), 30000);
            QVERIFY(other->isEmpty());
        }
    }

    // A keychain job outlives the window that asked: its backend calls back into it later
    // (libsecret cannot cancel), with or without a Secret Service running; nothing is told to a
    // store or a dialog that is gone.
    void aKeychainJobOutlivesTheWindowThatAsked()
    {
        bool told = false;
        {
            Ui::CredentialStore store;
            QObject asker;
            store.read(QUrl(QStringLiteral("http://box4.example:8888/squeaksource")), &asker,
                [&told](const Repository::Credentials &, const QString &) { told = true; });
            store.write(QUrl(QStringLiteral("http://box4.example:8888/squeaksource")), Repository::Credentials{QStringLiteral("squeak"), QStringLiteral("x")},
                &asker, [&told](const QString &) { told = true; });
        } // the store and the asker go while both jobs are pending

        // The Passwords dialog closed while its save is pending.
        const Demo::DemoWorkspace demo = newDemo(QStringLiteral("passwords-closed"));
        Ui::MainWindow window;
        openAndWait(window, demo.workspaceFile);
        window.findChild<QAction *>(QStringLiteral("passwordsAction"))->trigger();
        auto *dialog = window.findChild<Ui::CredentialsDialog *>();
        QVERIFY(dialog);
        dialog->findChild<QLineEdit *>(QStringLiteral("password-box4"))->setText(QStringLiteral("secret"));
        dialog->save();
        delete dialog;
        QTest::qWait(3000); // the backend answers (or times out) meanwhile
        QVERIFY(!told);
    }

    void notificationsSayWhatChanged()
    {
        Ui::Refresh before;
        Health::ServerHealth box2;
        box2.name = QStringLiteral("box2");
        box2.probed = box2.up = true;
        Health::ServerHealth box4 = box2;
        box4.name = QStringLiteral("box4");
        before.health = {box2, box4};
        Sync::ProjectSnapshot trunk;
        trunk.project = QStringLiteral("trunk");
        trunk.conflicts = {QStringLiteral("Old-x.1.mcz")};
        before.status.projects = {trunk};

        Ui::Refresh after = before;
        after.health[1].up = false;
        after.health[1].errorClass = QStringLiteral("refused");
        after.health[1].error = QStringLiteral("connection refused");
        after.status.projects[0].conflicts.append(QStringLiteral("New-x.2.mcz"));
        after.status.projects[0].regressions = {QStringLiteral("Gone-x.3.mcz")};

        const Ui::NotificationChoices all;
        QCOMPARE(Ui::notificationsBetween(&before, after, all),
            (QStringList{QStringLiteral("box4 is down (refused): connection refused"), QStringLiteral("New duplicate-name conflict: trunk/New-x.2.mcz"),
                QStringLiteral("A server no longer lists trunk/Gone-x.3.mcz")}));
        QVERIFY(Ui::notificationsBetween(&after, after, all).isEmpty()); // nothing new, nothing said
        // A new session: what was announced in the last one is not new again; the rest is said.
        QCOMPARE(Ui::notificationsBetween(nullptr, after, all, Ui::openConflicts(after)),
            (QStringList{QStringLiteral("box4 is down (refused): connection refused"), QStringLiteral("A server no longer lists trunk/Gone-x.3.mcz")}));
        QVERIFY(Ui::notificationsBetween(nullptr, after, all, {QStringLiteral("trunk/Old-x.1.mcz")})
                    .contains(QStringLiteral("New duplicate-name conflict: trunk/New-x.2.mcz")));
        // Where a click leads: a new conflict opens it; a down server that is not the primary leads nowhere.
        std::optional<Ui::Notification> action = Ui::actionableEvent(Ui::notificationEvents(&before, after, all));
        QVERIFY(action);
        QCOMPARE(action->action, Ui::Notification::Action::OpenConflict);
        QCOMPARE(action->project + u'/' + action->name, QStringLiteral("trunk/New-x.2.mcz"));
        // The primary down comes first: the repoint wizard.
        Ui::Refresh primaryDown = after;
        primaryDown.health[1].primary = true;
        action = Ui::actionableEvent(Ui::notificationEvents(&before, primaryDown, all));
        QVERIFY(action);
        QCOMPARE(action->action, Ui::Notification::Action::Repoint);
        QCOMPARE(action->server, QStringLiteral("box4"));
        QVERIFY(!Ui::actionableEvent(Ui::notificationEvents(&after, after, all)));

        Ui::NotificationChoices quiet;
        quiet.serverDown = quiet.newConflict = quiet.newRegression = false;
        QVERIFY(Ui::notificationsBetween(&before, after, quiet).isEmpty());
        QCOMPARE(Ui::overallState(after), QStringLiteral("TwinTrunk: box4 down"));
        QCOMPARE(Ui::overallState(before), QStringLiteral("TwinTrunk: trunk: Conflicts: 1 to resolve"));
        Sync::ServerStatus unreached;
        unreached.name = QStringLiteral("box4");
        before.status.servers = {unreached};
        QCOMPARE(Ui::overallState(before), QStringLiteral("TwinTrunk: Not checked: box4 unreachable"));
        before.status.servers.clear();
        before.notChecked = {QStringLiteral("damaged copies: database is locked")};
        QCOMPARE(Ui::overallState(before), QStringLiteral("TwinTrunk: not checked: damaged copies: database is locked"));
    }

    // A conflict announced once is not "New" when the console starts again on the same workspace:
    // a second window (a relaunch) announces only the conflict that appeared meanwhile.
    void anOldConflictIsNotNewAfterARelaunch()
    {
        // Every message the status line says (a notification gives way to the next one).
        class Said final : public QObject
        {
        public:
            QStringList messages;

        protected:
            bool eventFilter(QObject *watched, QEvent *event) override
            {
                if (event->type() == QEvent::ToolTipChange)
                    messages.append(static_cast<QWidget *>(watched)->toolTip());
                return false;
            }
        };
        const Demo::DemoWorkspace demo = newDemo(QStringLiteral("relaunched"));
        const QString old = QStringLiteral("New duplicate-name conflict: %1/%2").arg(demo.conflictProject, demo.conflictFileName);
        {
            Ui::MainWindow first;
            Said said;
            first.findChild<QLabel *>(QStringLiteral("statusLine"))->installEventFilter(&said);
            openAndWait(first, demo.workspaceFile);
            if (QTest::currentTestFailed())
                return;
            auto *event = first.findChild<QAction *>(QStringLiteral("trayEventAction"));
            QTRY_VERIFY_WITH_TIMEOUT(event->isVisible(), 30000); // the first launch announces it
            QCOMPARE(event->text(), QStringLiteral("Open Conflict %1/%2…").arg(demo.conflictProject, demo.conflictFileName));
            QVERIFY2(said.messages.filter(old).size() == 1, qPrintable(said.messages.join(u'\n')));
            QTRY_VERIFY_WITH_TIMEOUT(!first.controller()->isBusy(), 60000);
        }
        // Meanwhile another conflict appears: the same name committed to each server with other contents.
        for (int variant = 0; variant < 2; ++variant)
        {
            Test::writeFile(QDir(demo.directory).filePath(QStringLiteral("%1/%2/Split-x.5.mcz").arg(variant == 0 ? u"box2" : u"box4", demo.conflictProject)),
                Test::makeVersion(QStringLiteral("Split"), QStringLiteral("x"), 5, variant));
        }

        Ui::MainWindow second;
        Said said;
        second.findChild<QLabel *>(QStringLiteral("statusLine"))->installEventFilter(&said);
        openAndWait(second, demo.workspaceFile);
        if (QTest::currentTestFailed())
            return;
        const QString fresh = demo.conflictProject + QStringLiteral("/Split-x.5.mcz");
        auto *event = second.findChild<QAction *>(QStringLiteral("trayEventAction"));
        QTRY_VERIFY_WITH_TIMEOUT(event->isVisible(), 30000);
        QCOMPARE(event->text(), QStringLiteral("Open Conflict %1…").arg(fresh));
        QTRY_VERIFY_WITH_TIMEOUT(!second.controller()->isBusy(), 60000);
        QVERIFY2(said.messages.filter(QStringLiteral("New duplicate-name conflict: ") + fresh).size() == 1, qPrintable(said.messages.join(u'\n')));
        QVERIFY2(said.messages.filter(old).isEmpty(), qPrintable(said.messages.join(u'\n')));
    }

    // A notification leads somewhere: a click on the tray's message about a new conflict opens that
    // conflict, and the tray menu offers it as the latest event.
    void aNotificationOpensItsConflict()
    {
        const Demo::DemoWorkspace demo = newDemo(QStringLiteral("notified"));
        Ui::MainWindow window;
        openAndWait(window, demo.workspaceFile);
        if (QTest::currentTestFailed())
            return;
        auto *tray = window.findChild<QSystemTrayIcon *>();
        QVERIFY(tray);
        auto *event = window.findChild<QAction *>(QStringLiteral("trayEventAction"));
        QVERIFY(event);
        QTRY_VERIFY_WITH_TIMEOUT(event->isVisible(), 30000); // the first refresh announces the demo's conflict
        QCOMPARE(event->text(), QStringLiteral("Open Conflict %1/%2…").arg(demo.conflictProject, demo.conflictFileName));
        QVERIFY(!window.findChild<Ui::ConflictDialog *>());
        Q_EMIT tray->messageClicked();
        QTRY_VERIFY(window.findChild<Ui::ConflictDialog *>());
        window.findChild<Ui::ConflictDialog *>()->reject();
        QTRY_VERIFY(!window.findChild<Ui::ConflictDialog *>());
        event->trigger();
        QTRY_VERIFY(window.findChild<Ui::ConflictDialog *>());
        window.findChild<Ui::ConflictDialog *>()->reject();
        QTRY_VERIFY_WITH_TIMEOUT(!window.controller()->isBusy(), 60000);
    }

    // A status message longer than the bar is elided, never drawn over the schedule beside it, and
    // the whole of it is in the tooltip; the activity columns fit their content.
    void statusMessagesElideAndColumnsFit()
    {
        const Demo::DemoWorkspace demo = newDemo(QStringLiteral("status-line"));
        Ui::MainWindow window;
        window.resize(800, 600);
        openAndWait(window, demo.workspaceFile);
        if (QTest::currentTestFailed())
            return;
        QTRY_VERIFY_WITH_TIMEOUT(!window.controller()->isBusy(), 60000);
        const QString reason = QStringLiteral("box4 answered 503 Service Unavailable ").repeated(8) + QStringLiteral("the end");
        Q_EMIT window.controller()->refreshFailed(reason);
        auto *line = window.findChild<QLabel *>(QStringLiteral("statusLine"));
        QVERIFY(line);
        QCOMPARE(line->toolTip(), QStringLiteral("Not refreshed; what is shown may be out of date: %1").arg(reason));
        QVERIFY2(line->text().endsWith(u'…') && !line->text().contains(QStringLiteral("the end")), qPrintable(line->text()));
        auto *schedule = window.findChild<QLabel *>(QStringLiteral("scheduleLabel"));
        QVERIFY(line->geometry().right() < schedule->geometry().left()); // side by side, never over each other
        QVERIFY(line->fontMetrics().horizontalAdvance(line->text()) <= line->contentsRect().width());
        // A short one is whole.
        Q_EMIT window.controller()->refreshFailed(QStringLiteral("x"));
        QCOMPARE(line->text(), line->toolTip());

        // The activity's When and Version columns show their text whole.
        window.refresh();
        QTRY_VERIFY_WITH_TIMEOUT(!window.controller()->isBusy(), 60000);
        Ui::ReplicateDialog *replicate = window.showReplicate();
        QTRY_VERIFY_WITH_TIMEOUT(replicate->canStart(), 60000);
        replicate->start();
        QTRY_VERIFY_WITH_TIMEOUT(replicate->resultText().endsWith(QStringLiteral("copied and verified.")), 60000);
        replicate->reject();
        QTRY_VERIFY_WITH_TIMEOUT(!window.controller()->isBusy(), 60000);
        auto *activity = window.findChild<QTableView *>(QStringLiteral("journalView"));
        QTRY_VERIFY_WITH_TIMEOUT(activity->model()->rowCount() > 0, 30000);
        for (int column : {0, 2})
        {
            const QString text = activity->model()->index(0, column).data().toString();
            QVERIFY2(activity->columnWidth(column) > activity->fontMetrics().horizontalAdvance(text), qPrintable(text));
        }
    }

    // The settings form edits the workspace file as twintrunkctl reads it: errors name the field,
    // keys it does not show are kept, saving reopens the workspace.
    void settingsEditTheWorkspaceFile()
    {
        const Demo::DemoWorkspace demo = newDemo(QStringLiteral("settings"));
        QJsonObject json = QJsonDocument::fromJson(TwinTrunk::Test::readFile(demo.workspaceFile)).object();
        json.insert(QStringLiteral("comment"), QStringLiteral("kept by the settings form"));
        TwinTrunk::Test::writeFile(demo.workspaceFile, QJsonDocument(json).toJson());
        Ui::MainWindow window;
        window.show();
        window.openWorkspace(demo.workspaceFile);
        QTRY_COMPARE_WITH_TIMEOUT(window.projectsModel()->rowCount(), 3, 60000);
        QTRY_VERIFY_WITH_TIMEOUT(!window.controller()->isBusy(), 60000);

        Ui::SettingsDialog *settings = window.showSettings(demo.workspaceFile);
        // The primary is one radio choice; Test lists the first project on that row's server.
        auto *servers = settings->findChild<QTableWidget *>(QStringLiteral("settingsServers"));
        auto *box2Primary = qobject_cast<QRadioButton *>(servers->cellWidget(0, 3));
        auto *box4Primary = qobject_cast<QRadioButton *>(servers->cellWidget(1, 3));
        QVERIFY(box2Primary && box4Primary && box2Primary->isChecked() && !box4Primary->isChecked());
        box4Primary->click();
        QVERIFY(!box2Primary->isChecked());
        box2Primary->click();
        qobject_cast<QPushButton *>(servers->cellWidget(1, 4))->click();
        QTRY_VERIFY2_WITH_TIMEOUT(settings->statusText().contains(QStringLiteral("version files in trunk")), qPrintable(settings->statusText()), 30000);
        QVERIFY2(settings->statusText().startsWith(QStringLiteral("box4 answered in ")), qPrintable(settings->statusText()));
        servers->item(1, 1)->setText(QUrl::fromLocalFile(demo.directory + QStringLiteral("/nowhere")).toString());
        qobject_cast<QPushButton *>(servers->cellWidget(1, 4))->click();
        QTRY_VERIFY2_WITH_TIMEOUT(settings->statusText().contains(QStringLiteral("box4 did not list trunk")), qPrintable(settings->statusText()), 30000);
        servers->item(1, 1)->setText(QUrl::fromLocalFile(QDir(demo.directory).filePath(QStringLiteral("box4"))).toString() + u'/');

        auto *publicUrl = settings->findChild<QLineEdit *>(QStringLiteral("settingsPublicUrl"));
        publicUrl->setText(QStringLiteral("ftp://front.example/"));
        QVERIFY(!settings->save());
        QVERIFY2(settings->statusText().contains(QStringLiteral("repoint.publicUrl")), qPrintable(settings->statusText()));
        publicUrl->setText(QStringLiteral("http://front.example/"));
        // The projects are a list: remove one, add one, and the file has exactly those.
        auto *projects = settings->findChild<QListWidget *>(QStringLiteral("settingsProjects"));
        QVERIFY(projects);
        QCOMPARE(projects->count(), 3);
        QCOMPARE(projects->item(0)->text(), QStringLiteral("trunk"));
        projects->setCurrentRow(2); // treated
        settings->findChild<QPushButton *>(QStringLiteral("removeProject"))->click();
        projects->setCurrentRow(1); // inbox
        settings->findChild<QPushButton *>(QStringLiteral("removeProject"))->click();
        settings->findChild<QPushButton *>(QStringLiteral("addProject"))->click();
        QCOMPARE(projects->count(), 2);
        QVERIFY(projects->currentItem()->flags().testFlag(Qt::ItemIsEditable));
        projects->currentItem()->setText(QStringLiteral(" inbox "));
        settings->findChild<QPushButton *>(QStringLiteral("addProject"))->click(); // left empty: not a project
        // Durations with units: the health interval as loaded (60 s reads "1 minutes"), changed to 90 seconds.
        auto *interval = settings->findChild<QSpinBox *>(QStringLiteral("settingsHealthInterval"));
        auto *intervalUnit = settings->findChild<QComboBox *>(QStringLiteral("settingsHealthIntervalUnit"));
        QVERIFY(interval && intervalUnit);
        QCOMPARE(interval->value() * intervalUnit->currentData().toLongLong(), 60);
        interval->setValue(90);
        intervalUnit->setCurrentIndex(0); // seconds
        QVERIFY2(settings->save(), qPrintable(settings->statusText()));

        const QJsonObject saved = QJsonDocument::fromJson(TwinTrunk::Test::readFile(demo.workspaceFile)).object();
        QCOMPARE(saved.value(QStringLiteral("comment")).toString(), QStringLiteral("kept by the settings form"));
        QCOMPARE(saved.value(QStringLiteral("repoint")).toObject().value(QStringLiteral("publicUrl")).toString(), QStringLiteral("http://front.example/"));
        QCOMPARE(saved.value(QStringLiteral("projects")).toArray(), (QJsonArray{QStringLiteral("trunk"), QStringLiteral("inbox")}));
        QCOMPARE(Workspace::load(demo.workspaceFile).value().health().intervalSeconds, 90);
        QTRY_COMPARE_WITH_TIMEOUT(window.projectsModel()->rowCount(), 2, 60000);
        // Read back: the same list, the same duration in its unit.
        Ui::SettingsDialog again(demo.workspaceFile);
        auto *reread = again.findChild<QListWidget *>(QStringLiteral("settingsProjects"));
        QCOMPARE(reread->count(), 2);
        QCOMPARE(reread->item(1)->text(), QStringLiteral("inbox"));
        QCOMPARE(again.findChild<QSpinBox *>(QStringLiteral("settingsHealthInterval"))->value(), 90);
        QCOMPARE(again.findChild<QComboBox *>(QStringLiteral("settingsHealthIntervalUnit"))->currentIndex(), 0);
    }

    // New Workspace asks for the servers first and the file last: Save checks the form, then asks
    // where to save it; the file chosen is written and opened.
    void aNewWorkspaceAsksForTheFileLast()
    {
        Ui::MainWindow window;
        window.findChild<QAction *>(QStringLiteral("newWorkspaceAction"))->trigger();
        auto *settings = window.findChild<Ui::SettingsDialog *>();
        QVERIFY(settings);
        QVERIFY(!window.findChild<QFileDialog *>()); // no file asked for yet
        auto *servers = settings->findChild<QTableWidget *>(QStringLiteral("settingsServers"));
        QCOMPARE(servers->rowCount(), 2);
        QVERIFY(!settings->save()); // empty: says which field, asks for no file
        QVERIFY2(settings->statusText().contains(QStringLiteral("Not saved")), qPrintable(settings->statusText()));
        QVERIFY(!window.findChild<QFileDialog *>());

        const Demo::DemoWorkspace demo = newDemo(QStringLiteral("new-workspace"));
        for (int row = 0; row < 2; ++row)
        {
            const QString name = demo.serverNames.at(row);
            servers->item(row, 0)->setText(name);
            servers->item(row, 1)->setText(QUrl::fromLocalFile(QDir(demo.directory).filePath(name)).toString() + u'/');
        }
        settings->findChild<QPushButton *>(QStringLiteral("addProject"))->click();
        settings->findChild<QListWidget *>(QStringLiteral("settingsProjects"))->currentItem()->setText(QStringLiteral("trunk"));
        QVERIFY(!settings->save()); // valid: now the file
        QVERIFY2(settings->statusText().contains(QStringLiteral("Choose where")), qPrintable(settings->statusText()));
        auto *files = settings->findChild<QFileDialog *>();
        QVERIFY(files);
        const QString path = m_dir.filePath(QStringLiteral("new-workspace.json"));
        Q_EMIT files->fileSelected(path);
        QVERIFY2(QFileInfo::exists(path), qPrintable(settings->statusText()));
        const Workspace written = Workspace::load(path).value();
        QCOMPARE(written.projects(), QStringList{QStringLiteral("trunk")});
        QCOMPARE(written.servers().size(), 2);
        QTRY_COMPARE_WITH_TIMEOUT(window.controller()->workspacePath(), QFileInfo(path).absoluteFilePath(), 30000);
        QTRY_VERIFY_WITH_TIMEOUT(!window.controller()->isBusy(), 60000);
    }

    // A workspace file changed by someone else after the form read it (a repoint saving the new
    // primary) is not overwritten from the form: saving says why and changes nothing.
    void settingsNeverUndoAnotherProgramsChange()
    {
        const Demo::DemoWorkspace demo = newDemo(QStringLiteral("settings-changed"));
        Ui::SettingsDialog settings(demo.workspaceFile);
        Workspace repointed = Workspace::load(demo.workspaceFile).value();
        QVERIFY(repointed.setPrimary(QStringLiteral("box4")));
        QVERIFY(repointed.save(demo.workspaceFile, true).ok());
        const QByteArray afterRepoint = Test::readFile(demo.workspaceFile);
        delete settings.findChild<QListWidget *>(QStringLiteral("settingsProjects"))->item(2);
        QVERIFY(!settings.save());
        QVERIFY2(settings.statusText().contains(QStringLiteral("changed since")), qPrintable(settings.statusText()));
        QCOMPARE(Test::readFile(demo.workspaceFile), afterRepoint);
    }

    // A workspace file that does not load (a JSON typo, a missing server) is shown with its error,
    // and the form never replaces it: Save is off, and saving anyway changes nothing.
    void settingsNeverReplaceAFileThatDoesNotLoad()
    {
        const Demo::DemoWorkspace demo = newDemo(QStringLiteral("settings-broken"));
        const QByteArray good = Test::readFile(demo.workspaceFile);
        for (const QByteArray &broken :
            {QByteArray(good).replace("\"servers\"", "\"servers\" ,,"), QByteArray(good).replace("\"primary\": true", "\"primary\": 1")})
        {
            Test::writeFile(demo.workspaceFile, broken);
            Ui::SettingsDialog settings(demo.workspaceFile);
            QVERIFY2(settings.statusText().contains(QStringLiteral("does not load")), qPrintable(settings.statusText()));
            QVERIFY(!settings.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Save)->isEnabled());
            QVERIFY(!settings.save());
            QCOMPARE(Test::readFile(demo.workspaceFile), broken);
        }
    }

    // The dark palette: the colours that carry meaning stay readable on it (WCAG's 3:1 for large
    // text at least), and the window is captured for a look (build/tests/gui/mainwindow-dark.png).
    void theDarkAppearanceKeepsStatesReadable()
    {
        const Demo::DemoWorkspace demo = newDemo(QStringLiteral("dark"));
        Ui::MainWindow window;
        window.resize(1100, 720);
        openAndWait(window, demo.workspaceFile);
        if (QTest::currentTestFailed())
            return;
        window.findChild<QAction *>(QStringLiteral("appearance%1").arg(int(Ui::Appearance::Dark)))->trigger();
        QVERIFY(Ui::isDark(QApplication::palette()));
        QCOMPARE(Ui::savedAppearance(), Ui::Appearance::Dark);

        const QColor base = QApplication::palette().color(QPalette::Base);
        for (const Ui::Tone tone : {Ui::Tone::Good, Ui::Tone::Warning, Ui::Tone::Bad})
            QVERIFY2(contrast(Ui::toneColour(tone, QApplication::palette()), base) >= 4.5, qPrintable(QString::number(int(tone))));
        for (const Ui::Mark mark : {Ui::Mark::Added, Ui::Mark::Removed, Ui::Mark::Differs})
        {
            const Ui::Marking colours = Ui::marking(mark, QApplication::palette());
            QVERIFY(contrast(colours.foreground, colours.background) >= 4.5);
        }
        // What the views show follows the palette: the conflict's state, the cards' dots.
        window.findChild<QComboBox *>(QStringLiteral("versionFilter"))->setCurrentIndex(2); // Conflicts
        for (int row = 0; row < window.projectsModel()->rowCount(); ++row)
        {
            if (window.projectsModel()->project(row)->project == demo.conflictProject)
                window.selectProject(row);
        }
        const QColor conflict = window.versionFilter()->index(0, 1).data(Qt::ForegroundRole).value<QBrush>().color();
        QCOMPARE(conflict, Ui::toneColour(Ui::Tone::Bad, QApplication::palette()));
        for (const Ui::ServerCard *card : window.findChildren<Ui::ServerCard *>())
        {
            // A widget hears of the new palette through a posted event.
            QTRY_VERIFY2_WITH_TIMEOUT(card->stateText().contains(Ui::toneColour(Ui::Tone::Good, QApplication::palette()).name()), qPrintable(card->stateText()),
                5000);
        }
        QTest::qWait(50);
        QVERIFY(window.grab().save(QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("mainwindow-dark.png"))));

        window.findChild<QAction *>(QStringLiteral("appearance%1").arg(int(Ui::Appearance::System)))->trigger();
        QVERIFY(!Ui::isDark(QApplication::palette()));
        // The cards follow the palette back (a widget hears of it through a posted event).
        QTRY_VERIFY_WITH_TIMEOUT(!window.findChildren<Ui::ServerCard *>().first()->stateText().contains(Ui::toneColour(Ui::Tone::Good, darkPalette()).name()),
            5000);
    }

    // The replication schedule: set in the settings, run when due, standing aside while another
    // sync (twintrunkctl from cron) holds the workspace, and paused by the person.
    void theScheduleReplicatesUnlessAnotherSyncRuns()
    {
        const Demo::DemoWorkspace demo = newDemo(QStringLiteral("schedule"));
        Ui::MainWindow window;
        openAndWait(window, demo.workspaceFile);
        QTRY_VERIFY_WITH_TIMEOUT(!window.controller()->isBusy(), 60000);
        auto *label = window.findChild<QLabel *>(QStringLiteral("scheduleLabel"));
        QCOMPARE(label->text(), QStringLiteral("Replication when asked"));
        auto *onSchedule = window.findChild<QAction *>(QStringLiteral("scheduleAction"));
        QVERIFY(!onSchedule->isChecked() && !onSchedule->isEnabled()); // no schedule: nothing shown as on schedule

        Ui::SettingsDialog *settings = window.showSettings(demo.workspaceFile);
        auto *every = settings->findChild<QSpinBox *>(QStringLiteral("settingsSyncEvery"));
        auto *unit = settings->findChild<QComboBox *>(QStringLiteral("settingsSyncEveryUnit"));
        QCOMPARE(every->text(), QStringLiteral("only when asked"));
        every->setValue(10);
        unit->setCurrentIndex(0); // seconds
        QVERIFY(!settings->save());
        QVERIFY2(settings->statusText().contains(QStringLiteral("sync.every")), qPrintable(settings->statusText()));
        every->setValue(15);
        unit->setCurrentIndex(1); // minutes
        QVERIFY2(settings->save(), qPrintable(settings->statusText()));
        QTRY_COMPARE_WITH_TIMEOUT(window.schedule()->interval(), 15 * 60, 60000);
        QTRY_VERIFY_WITH_TIMEOUT(!window.controller()->isBusy(), 60000);
        QVERIFY2(label->text().startsWith(QStringLiteral("Replication every 15 min · next ")), qPrintable(label->text()));

        const QString box4Trunk = QDir(demo.directory).filePath(demo.serverNames.at(1) + QStringLiteral("/trunk"));
        const QString due = trunkOnly(demo.onlyOnPrimary).first();
        {
            auto held = Sync::SyncLock::acquire(demo.workspaceFile); // as a twintrunkctl sync would
            QVERIFY(held.ok());
            window.schedule()->runDue();
            QTRY_VERIFY2_WITH_TIMEOUT(label->text().contains(QStringLiteral("not run:")), qPrintable(label->text()), 60000);
            QVERIFY2(label->text().contains(QStringLiteral("another sync is running")), qPrintable(label->text()));
            QVERIFY(!QFileInfo::exists(QDir(box4Trunk).filePath(due)));
        }
        QTRY_VERIFY_WITH_TIMEOUT(!window.controller()->isBusy(), 60000);
        window.schedule()->runDue();
        QTRY_VERIFY2_WITH_TIMEOUT(label->text().contains(QStringLiteral(" copied and verified · next ")), qPrintable(label->text()), 60000);
        QVERIFY(QFileInfo::exists(QDir(box4Trunk).filePath(due)));

        QVERIFY(onSchedule->isEnabled() && onSchedule->isChecked());
        onSchedule->setChecked(false);
        QVERIFY2(label->text().startsWith(QStringLiteral("Replication every 15 min, paused")), qPrintable(label->text()));
        QVERIFY(!window.schedule()->nextRun().isValid());
        QTRY_VERIFY_WITH_TIMEOUT(!window.controller()->isBusy(), 60000);
    }

    // Replicate on the demo: the plan first, then the run; afterwards only the conflict is left.
    // Nothing to copy is not "in step" when a server lost versions it had (a regression, which
    // replication never restores) or holds damaged copies: the preview says what is wrong instead.
    void nothingToCopyIsNotInStepWithARegression()
    {
        const Demo::DemoWorkspace demo = newDemo(QStringLiteral("regression"));
        Ui::MainWindow window;
        openAndWait(window, demo.workspaceFile);
        if (QTest::currentTestFailed())
            return;
        // treated is in step; a version box4 had disappears from it.
        const QDir treated(QDir(demo.directory).filePath(QStringLiteral("box4/treated")));
        const QStringList files = treated.entryList({QStringLiteral("*.mcz")}, QDir::Files, QDir::Name);
        QVERIFY(!files.isEmpty());
        QVERIFY(QFile::remove(treated.filePath(files.first())));
        window.refresh();
        QTRY_VERIFY_WITH_TIMEOUT(!window.controller()->isBusy(), 60000);

        Ui::ReplicateDialog *replicate = window.showReplicate(QStringLiteral("treated"));
        QVERIFY(replicate);
        QTRY_VERIFY_WITH_TIMEOUT(!replicate->summaryText().isEmpty() && !replicate->summaryText().endsWith(u'…'), 60000); // planned
        QVERIFY2(!replicate->summaryText().contains(QStringLiteral("every server has every version")), qPrintable(replicate->summaryText()));
        QVERIFY2(replicate->summaryText().contains(QStringLiteral("1 version no longer listed by a server that had them")),
            qPrintable(replicate->summaryText()));
        QVERIFY(!replicate->canStart());
        replicate->reject();
    }

    void replicatePreviewsThenCopies()
    {
        const Demo::DemoWorkspace demo = newDemo(QStringLiteral("replicate"));
        Ui::MainWindow window;
        openAndWait(window, demo.workspaceFile);
        if (QTest::currentTestFailed())
            return;

        Ui::ReplicateDialog *replicate = window.showReplicate();
        QVERIFY(replicate);
        QTRY_VERIFY_WITH_TIMEOUT(replicate->canStart(), 60000);
        const int planned = replicate->plannedCopies();
        QCOMPARE(planned, int(demo.onlyOnPrimary.size() + demo.onlyOnSecondary.size()));
        const QString firstCopy = demo.onlyOnPrimary.first().section(u'/', 1);
        QCOMPARE(replicate->rowStatus(firstCopy, QStringLiteral("box4")), QString());

        // Cancelled while it waits behind a refresh: nothing copied, each row says so, and it can start again.
        window.refresh();
        QVERIFY(window.controller()->isBusy());
        auto *close = replicate->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Close);
        QVERIFY(close->isDefault());
        replicate->start();
        QVERIFY(!close->isDefault()); // Enter during the run would close, and so stop, it
        QCOMPARE(replicate->rowStatus(firstCopy, QStringLiteral("box4")), QStringLiteral("queued"));
        QVERIFY(replicate->findChild<QPushButton *>(QStringLiteral("cancelCopies"))->isEnabled());
        replicate->cancel();
        QTRY_VERIFY2_WITH_TIMEOUT(replicate->resultText().startsWith(QStringLiteral("Not replicated")), qPrintable(replicate->resultText()), 60000);
        QCOMPARE(replicate->rowStatus(firstCopy, QStringLiteral("box4")), QStringLiteral("not started"));
        QVERIFY(replicate->findChild<QPushButton *>(QStringLiteral("cancelCopies"))->isHidden());
        QVERIFY(replicate->canStart());
        QTRY_VERIFY_WITH_TIMEOUT(!window.controller()->isBusy(), 60000);

        replicate->start();
        QTRY_COMPARE_WITH_TIMEOUT(replicate->resultText(), QStringLiteral("%1 copied and verified.").arg(planned), 60000);
        // Each row says what became of its copy.
        for (const QString &entry : demo.onlyOnPrimary)
            QCOMPARE(replicate->rowStatus(entry.section(u'/', 1), QStringLiteral("box4")), QStringLiteral("verified"));
        QVERIFY(replicate->findChild<QPushButton *>(QStringLiteral("cancelCopies"))->isHidden());

        // The refresh that follows: every project in sync but the one with the conflict.
        QTRY_VERIFY_WITH_TIMEOUT(!window.controller()->isBusy(), 60000);
        Ui::ProjectsModel *projects = window.projectsModel();
        for (int row = 0; row < projects->rowCount(); ++row)
        {
            const QString verdict = projects->index(row, projects->columnCount() - 1).data().toString();
            if (projects->project(row)->project == demo.conflictProject)
                QCOMPARE(verdict, QStringLiteral("Conflicts: 1 to resolve"));
            else
                QCOMPARE(verdict, QStringLiteral("In sync"));
            // The last verified copy: just now where there was something to copy.
            const QString lastCopy = projects->index(row, Ui::ProjectsModel::LastCopy).data().toString();
            if (projects->project(row)->project == u"treated")
                QCOMPARE(lastCopy, QStringLiteral("none in 30 days"));
            else
                QVERIFY2(lastCopy.endsWith(QStringLiteral(" s ago")), qPrintable(lastCopy));
        }

        // The copies are in the activity log: filtered, then exported as CSV.
        auto *activity = window.findChild<QTableView *>(QStringLiteral("journalView"));
        QCOMPARE(activity->model()->rowCount(), planned);
        window.findChild<QLineEdit *>(QStringLiteral("activityFilter"))->setText(QStringLiteral("no such entry"));
        QCOMPARE(activity->model()->rowCount(), 0);
        window.findChild<QLineEdit *>(QStringLiteral("activityFilter"))->setText(QStringLiteral("box4"));
        const int toOrFromBox4 = activity->model()->rowCount();
        QVERIFY(toOrFromBox4 > 0 && toOrFromBox4 <= planned);
        const QString csv = m_dir.filePath(QStringLiteral("activity.csv"));
        QCOMPARE(window.exportActivity(csv), QString());
        const QList<QByteArray> lines = TwinTrunk::Test::readFile(csv).trimmed().split('\n');
        QCOMPARE(lines.size(), toOrFromBox4 + 1);
        QVERIFY(lines.first().startsWith("\"When\",\"Operation\""));
        QVERIFY(lines.at(1).contains("\"copy\""));
    }

    // The repoint wizard on the demo: refused while box2 has versions box4 lacks, then, after a
    // sync, confirmed and done: box4 is the primary.
    void theRepointWizardChecksThenRepoints()
    {
        const Demo::DemoWorkspace demo = newDemo(QStringLiteral("repoint"));
        Ui::MainWindow window;
        openAndWait(window, demo.workspaceFile);
        if (QTest::currentTestFailed())
            return;

        Ui::RepointDialog *wizard = window.showRepoint();
        QVERIFY(wizard);
        QTRY_VERIFY_WITH_TIMEOUT(!wizard->checklist().isEmpty(), 60000);
        QVERIFY2(wizard->checklist().contains(QStringLiteral("FAILED: Nothing only the current primary has")), qPrintable(wizard->checklist().join(u'\n')));
        QVERIFY(!wizard->canRepoint());
        QTest::qWait(50);
        QVERIFY(wizard->grab().save(QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("repoint-wizard.png"))));

        // Copy First lets the repoint copy them itself (a planned move while images commit): the
        // same check becomes a warning, and the repoint may go on; unticked, it stops again.
        auto *copyFirst = wizard->findChild<QCheckBox *>(QStringLiteral("repointCopyFirst"));
        QVERIFY(copyFirst && copyFirst->isVisible());
        copyFirst->setChecked(true);
        QTRY_VERIFY_WITH_TIMEOUT(wizard->canRepoint(), 60000);
        QVERIFY2(wizard->checklist().contains(QStringLiteral("warning: Nothing only the current primary has")), qPrintable(wizard->checklist().join(u'\n')));
        // Its confirmation tells the copies (kept) from the actions a failure undoes; No changes nothing.
        QString asked;
        QTimer::singleShot(200, this, [&asked] {
            for (QWidget *widget : QApplication::topLevelWidgets())
            {
                if (auto *box = qobject_cast<QMessageBox *>(widget))
                {
                    asked = box->text();
                    box->button(QMessageBox::No)->click();
                }
            }
        });
        wizard->confirmAndRepoint();
        QTRY_VERIFY_WITH_TIMEOUT(!asked.isEmpty(), 10000);
        QVERIFY2(asked.contains(QStringLiteral("Copies, each read back and compared, kept whatever happens after:\n• copy what only box2 has")),
            qPrintable(asked));
        QCOMPARE(window.controller()->primary(), QStringLiteral("box2"));
        copyFirst->setChecked(false);
        QTRY_VERIFY_WITH_TIMEOUT(wizard->checklist().contains(QStringLiteral("FAILED: Nothing only the current primary has")), 60000);
        QVERIFY(!wizard->canRepoint());

        // Replicate Now catches box4 up from the wizard; the wizard checks again by itself.
        auto *replicateNow = wizard->findChild<QPushButton *>(QStringLiteral("repointReplicate"));
        QVERIFY(replicateNow && replicateNow->isVisible());
        replicateNow->click();
        Ui::ReplicateDialog *replicate = window.findChild<Ui::ReplicateDialog *>();
        QVERIFY(replicate);
        QTRY_VERIFY_WITH_TIMEOUT(replicate->canStart(), 60000);
        replicate->start();
        QTRY_VERIFY_WITH_TIMEOUT(replicate->resultText().endsWith(QStringLiteral("copied and verified.")), 60000);
        replicate->reject();
        QTRY_VERIFY_WITH_TIMEOUT(wizard->canRepoint(), 60000);
        QVERIFY(wizard->checklist().contains(QStringLiteral("warning: Open duplicate-name conflicts")));

        // The confirmation lists the actions; answering Yes runs them.
        QTimer::singleShot(200, this, [] {
            for (QWidget *widget : QApplication::topLevelWidgets())
            {
                if (auto *box = qobject_cast<QMessageBox *>(widget))
                    box->button(QMessageBox::Yes)->click();
            }
        });
        wizard->confirmAndRepoint();
        QTRY_VERIFY_WITH_TIMEOUT(wizard->resultText().contains(QStringLiteral("Done")), 60000);
        QCOMPARE(wizard->findChild<QLabel *>(QStringLiteral("repointPrimary"))->text(), QStringLiteral("<b>box4</b> (was box2)"));
        QVERIFY(!replicateNow->isVisible());
        QTRY_COMPARE_WITH_TIMEOUT(window.controller()->primary(), QStringLiteral("box4"), 30000);
        QCOMPARE(Workspace::load(demo.workspaceFile)->primary().name, QStringLiteral("box4"));
    }

    // The primary's folder gone (a disk not mounted): its card says "Down since" and why in words,
    // never "No answer yet"; box4's card says whether it could take over; a banner offers the
    // repoint wizard for box4, already checking it. Probe Now sees the folder back.
    // The primary down and the other server's probe answering while its listing fails: the
    // banner says so, never "box4 answers. Not ready: box4 is unreachable."
    void theBannerSaysWhenTheOtherServerCannotBeListedEither()
    {
        const Demo::DemoWorkspace demo = newDemo(QStringLiteral("bothbad"));
        const QDir servers(demo.directory);
        QVERIFY(QDir().rename(servers.filePath(QStringLiteral("box2")), servers.filePath(QStringLiteral("box2.away"))));
        QVERIFY(QDir(servers.filePath(QStringLiteral("box4/inbox"))).removeRecursively());
        QFile blocker(servers.filePath(QStringLiteral("box4/inbox"))); // a file where the project's folder was
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        Ui::MainWindow window;
        openAndWait(window, demo.workspaceFile);
        if (QTest::currentTestFailed())
            return;
        auto *text = window.findChild<QLabel *>(QStringLiteral("primaryDownText"));
        QVERIFY(text);
        QTRY_VERIFY2_WITH_TIMEOUT(text->isVisible() && !text->text().isEmpty(), qPrintable(text->text()), 30000);
        QVERIFY2(text->text().contains(QStringLiteral("box4 answers its probe, but cannot be listed either")), qPrintable(text->text()));
        QVERIFY2(!text->text().contains(QStringLiteral("box4 answers.")), qPrintable(text->text()));
    }

    void aDownPrimaryIsToldAndOffersTheRepoint()
    {
        const Demo::DemoWorkspace demo = newDemo(QStringLiteral("down"));
        Ui::MainWindow window;
        window.resize(1280, 900);
        openAndWait(window, demo.workspaceFile);
        if (QTest::currentTestFailed())
            return;
        auto *banner = window.findChild<QFrame *>(QStringLiteral("primaryDownBanner"));
        QVERIFY(banner && !banner->isVisible());
        Ui::ServerCard *box2 = window.findChild<Ui::ServerCard *>(QStringLiteral("serverCard-box2"));
        Ui::ServerCard *box4 = window.findChild<Ui::ServerCard *>(QStringLiteral("serverCard-box4"));
        QVERIFY(box2 && box4);
        // Each card's context menu: Probe Now, and Repoint Here on the cards of servers that are not the primary.
        QCOMPARE(box4->actions().size(), 2);
        QVERIFY(box4->actions().at(1)->isVisible() && !box2->actions().at(1)->isVisible());
        // box2 has versions box4 lacks: box4 is not ready, and says how many.
        QVERIFY2(box4->takeoverText().contains(QStringLiteral("Not ready: %1 versions only on box2").arg(demo.onlyOnPrimary.size())),
            qPrintable(box4->takeoverText()));

        const QString box2Folder = QDir(demo.directory).filePath(QStringLiteral("box2"));
        QVERIFY(QDir().rename(box2Folder, box2Folder + QStringLiteral(".away")));
        auto *probeNow = box2->findChild<QPushButton *>(QStringLiteral("probeNow"));
        QVERIFY(probeNow);
        probeNow->click();
        QTRY_VERIFY2_WITH_TIMEOUT(box2->stateText().contains(QStringLiteral("Down since")), qPrintable(box2->stateText()), 60000);
        QVERIFY2(box2->detailText().contains(QStringLiteral("its folder cannot be read")), qPrintable(box2->detailText()));
        QVERIFY2(box2->detailText().contains(QStringLiteral("next probe in")), qPrintable(box2->detailText()));
        QVERIFY(!box2->stateText().contains(QStringLiteral("No answer")));
        QVERIFY2(!box4->takeoverText().contains(QStringLiteral("Ready")), qPrintable(box4->takeoverText()));

        QTRY_VERIFY_WITH_TIMEOUT(banner->isVisible(), 10000);
        QVERIFY(window.grab().save(QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("mainwindow-primary-down.png"))));
        auto *repointButton = banner->findChild<QPushButton *>(QStringLiteral("primaryDownRepoint"));
        QCOMPARE(repointButton->text(), QStringLiteral("Repoint to box4…"));
        repointButton->click();
        Ui::RepointDialog *wizard = window.findChild<Ui::RepointDialog *>();
        QVERIFY(wizard);
        QCOMPARE(wizard->findChild<QComboBox *>(QStringLiteral("repointTarget"))->currentText(), QStringLiteral("box4"));
        QTRY_VERIFY_WITH_TIMEOUT(!wizard->checklist().isEmpty(), 60000);
        wizard->reject();

        // The History tab draws it on one time axis: both servers' latency, box2's down period
        // shaded, and trunk's backlog toward box4 (the demo's versions only on box2).
        auto *history = window.findChild<Ui::HistoryView *>(QStringLiteral("historyView"));
        QVERIFY(history);
        window.findChild<QTabWidget *>()->setCurrentWidget(history);
        QTRY_VERIFY2_WITH_TIMEOUT(history->seriesNames().contains(QStringLiteral("box2 down")), qPrintable(history->seriesNames().join(u',')), 30000);
        const QStringList drawn = history->seriesNames();
        QVERIFY2(drawn.contains(QStringLiteral("box2 latency")) && drawn.contains(QStringLiteral("box4 latency")), qPrintable(drawn.join(u',')));
        QVERIFY2(drawn.contains(QStringLiteral("trunk box2→box4")), qPrintable(drawn.join(u',')));
        QVERIFY(!drawn.contains(QStringLiteral("box4 down")));
        QVERIFY2(history->statusText().contains(QStringLiteral("0 replication runs")), qPrintable(history->statusText()));
        QTest::qWait(50);
        QVERIFY(window.grab().save(QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("history.png"))));

        QVERIFY(QDir().rename(box2Folder + QStringLiteral(".away"), box2Folder));
        probeNow->click();
        QTRY_VERIFY2_WITH_TIMEOUT(box2->stateText().contains(QStringLiteral("Up since")), qPrintable(box2->stateText()), 60000);
        QVERIFY(!banner->isVisible());
        QVERIFY(box2->detailText().isEmpty());
        // Up, down, up again: box2's latency is drawn in two pieces (one legend entry), never as a
        // slope across the down period; the period's ends carry their day.
        QTRY_VERIFY2_WITH_TIMEOUT(history->seriesNames().count(QStringLiteral("box2 latency")) == 2, qPrintable(history->seriesNames().join(u',')), 30000);
        QCOMPARE(history->seriesNames().count(QStringLiteral("box4 latency")), 1);
        const QString today = QLocale().toString(QDateTime::currentDateTime(), QStringLiteral("d MMM"));
        QVERIFY2(history->statusText().contains(QStringLiteral(" to %1 ").arg(today)), qPrintable(history->statusText()));
    }

    // A server down from the start (its folder gone before the workspace is first opened, so it
    // was never listed): nothing about it reads as fine or as zero. The projects table says "not
    // known"/"not checked" for what it lacks and its lag, the version table "box4 unreachable"
    // (never "id unknown"), the count line that it was not listed, Replicate what it could not
    // plan and why, the repoint wizard never passes "Nothing only the current primary has" nor
    // says "Every check passed"; the confirmations default to No or Close.
    void aServerDownFromTheStartIsNeverAllClear_data()
    {
        QTest::addColumn<QString>("down");
        QTest::newRow("box4, the other server") << QStringLiteral("box4");
        QTest::newRow("box2, the primary") << QStringLiteral("box2");
    }

    void aServerDownFromTheStartIsNeverAllClear()
    {
        QFETCH(QString, down);
        const Demo::DemoWorkspace demo = newDemo(QStringLiteral("down-from-start-") + down);
        const QString folder = QDir(demo.directory).filePath(down);
        QVERIFY(QDir().rename(folder, folder + QStringLiteral(".away")));
        Ui::MainWindow window;
        window.resize(1024, 768);
        openAndWait(window, demo.workspaceFile);
        if (QTest::currentTestFailed())
            return;
        QTRY_VERIFY_WITH_TIMEOUT(!window.controller()->isBusy(), 60000);

        // The projects table: what each lacks and the lag are not known, never 0 or "none".
        Ui::ProjectsModel *projects = window.projectsModel();
        const QColor warning = Ui::toneColour(Ui::Tone::Warning, QApplication::palette());
        for (int row = 0; row < projects->rowCount(); ++row)
        {
            const QString lacks = projects->index(row, Ui::ProjectsModel::Missing).data().toString();
            // Each server in the workspace's order: the one down not checked, the other's lack not known.
            QCOMPARE(lacks, down == u"box2" ? QStringLiteral("box2 not checked · box4 not known") : QStringLiteral("box2 not known · box4 not checked"));
            const QString lag = projects->index(row, Ui::ProjectsModel::Lag).data().toString();
            QVERIFY2(lag.contains(QStringLiteral("%1 not checked").arg(down)) && !lag.contains(QStringLiteral("none")), qPrintable(lag));
            for (const int column : {int(Ui::ProjectsModel::Missing), int(Ui::ProjectsModel::Lag)})
            {
                const QString text = projects->index(row, column).data().toString();
                QVERIFY2(!QRegularExpression(QStringLiteral("\\b0\\b")).match(text).hasMatch(), qPrintable(text));
                QCOMPARE(projects->index(row, column).data(Qt::ForegroundRole).value<QBrush>().color(), warning);
            }
            QVERIFY2(projects->index(row, Ui::ProjectsModel::Verdict).data().toString().contains(QStringLiteral("%1 unreachable").arg(down)),
                qPrintable(projects->index(row, Ui::ProjectsModel::Verdict).data().toString()));
        }

        // The version table: "box4 unreachable", never "id unknown" nor "same"; the State column whole.
        window.selectProject(projectRow(window, QStringLiteral("trunk")));
        Ui::VersionFilterModel *versions = window.versionFilter();
        QVERIFY(versions->rowCount() > 150);
        const int downColumn = 2 + int(demo.serverNames.indexOf(down));
        for (int row = 0; row < versions->rowCount(); ++row)
        {
            const QString state = versions->index(row, 1).data().toString();
            QVERIFY2(state != u"id unknown" && state != u"same", qPrintable(state));
            QCOMPARE(versions->index(row, downColumn).data().toString(), QStringLiteral("unreachable"));
        }
        const QString unreachable = QStringLiteral("%1 unreachable").arg(down);
        QCOMPARE(versions->index(0, 1).data().toString(), unreachable);
        auto *versionsView = window.findChild<QTableView *>(QStringLiteral("versionsView"));
        QVERIFY2(versionsView->columnWidth(1) > versionsView->fontMetrics().horizontalAdvance(unreachable),
            qPrintable(QString::number(versionsView->columnWidth(1))));
        // The count line in sentences.
        const QString count = window.versionsCountText();
        QVERIFY2(QRegularExpression(QStringLiteral("^\\d+ versions\\. %1 was not listed: what it holds is not known\\.$").arg(down)).match(count).hasMatch(),
            qPrintable(count));
        // With the primary's banner above everything, the version table still shows several rows.
        QTRY_VERIFY_WITH_TIMEOUT(window.findChild<QFrame *>(QStringLiteral("primaryDownBanner"))->isVisible() == (down == u"box2"), 10000);
        QVERIFY2(versionsView->viewport()->height() >= 4 * versionsView->verticalHeader()->defaultSectionSize(),
            qPrintable(QString::number(versionsView->viewport()->height())));

        // Replicate: what could not be planned, and why; never "every server has every version".
        QPointer<Ui::ReplicateDialog> replicate = window.showReplicate();
        QTRY_VERIFY_WITH_TIMEOUT(!replicate->summaryText().endsWith(u'…'), 60000);
        const QString plan = replicate->summaryText();
        // As twintrunkctl sync says it: the server once (not once per project), the reason in words.
        QVERIFY2(plan.startsWith(QStringLiteral("<b>Not planned:</b> %1 unreachable (its folder cannot be read).").arg(down)), qPrintable(plan));
        QCOMPARE(plan.count(QStringLiteral("%1 unreachable").arg(down)), 1);
        QVERIFY2(plan.endsWith(QStringLiteral("Among the servers that answered there is nothing to copy.")), qPrintable(plan));
        QVERIFY(!plan.contains(QStringLiteral("every server has every version")));
        QVERIFY(!replicate->canStart());
        auto *close = replicate->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Close);
        QVERIFY(close->isDefault());
        for (const QPushButton *button : replicate->findChildren<QPushButton *>())
            QVERIFY2(button == close || !button->isDefault(), qPrintable(button->text()));
        replicate->reject();
        QTRY_VERIFY(!replicate);

        // The repoint wizard: what only the primary has is not known, so that check never passes,
        // and the footer never says every check passed.
        Ui::RepointDialog *wizard = window.showRepoint();
        QVERIFY(wizard);
        QCOMPARE(wizard->findChild<QComboBox *>(QStringLiteral("repointTarget"))->currentText(), QStringLiteral("box4"));
        QTRY_VERIFY_WITH_TIMEOUT(!wizard->checklist().isEmpty(), 60000);
        const QString checklist = wizard->checklist().join(u'\n');
        QVERIFY2(!checklist.contains(QStringLiteral("passed: Nothing only the current primary has")), qPrintable(checklist));
        QVERIFY2(!wizard->resultText().contains(QStringLiteral("Every check passed")), qPrintable(wizard->resultText()));
        if (down == u"box4")
        {
            // The new primary does not answer: nothing to confirm.
            QVERIFY2(checklist.contains(QStringLiteral("FAILED: The new primary answers")), qPrintable(checklist));
            QVERIFY(!wizard->canRepoint());
            wizard->reject();
            return;
        }
        // box2 never listed: going on needs the explicit acceptance, and the question defaults to No.
        QVERIFY2(checklist.contains(QStringLiteral("needs your confirmation: Nothing only the current primary has")), qPrintable(checklist));
        QVERIFY(!wizard->canRepoint());
        QCheckBox *accept = nullptr;
        for (QCheckBox *box : wizard->findChildren<QCheckBox *>())
        {
            if (box->isVisible() && box->text().startsWith(QStringLiteral("Go on although")))
                accept = box;
        }
        QVERIFY(accept);
        accept->setChecked(true);
        QTRY_VERIFY_WITH_TIMEOUT(wizard->canRepoint(), 60000);
        QVERIFY2(!wizard->resultText().contains(QStringLiteral("Every check passed")), qPrintable(wizard->resultText()));
        wizard->confirmAndRepoint();
        auto *question = wizard->findChild<QMessageBox *>(QStringLiteral("repointConfirmation"));
        QVERIFY(question && question->isVisible());
        QCOMPARE(question->defaultButton(), question->button(QMessageBox::No));
        question->button(QMessageBox::No)->click();
        QTRY_VERIFY_WITH_TIMEOUT(!window.controller()->isBusy(), 60000);
        QCOMPARE(window.controller()->primary(), QStringLiteral("box2"));
        wizard->reject();
    }

    // The projects table's context menu replicates one project alone (its plan has no other
    // project's copies); Enter in the preview closes it rather than starting copies; the progress
    // counts copies with the right plural ("1 of 1 copy").
    void aProjectIsReplicatedAloneFromItsMenu()
    {
        const Demo::DemoWorkspace demo = newDemo(QStringLiteral("replicate-project"));
        // inbox left with exactly one copy due: its version only on box4 goes, box2's only one stays.
        QStringList inboxOnBox2, inboxOnBox4;
        for (const QString &entry : demo.onlyOnPrimary)
        {
            if (entry.startsWith(QStringLiteral("inbox/")))
                inboxOnBox2.append(entry);
        }
        for (const QString &entry : demo.onlyOnSecondary)
        {
            if (entry.startsWith(QStringLiteral("inbox/")))
                inboxOnBox4.append(entry);
        }
        QVERIFY2(inboxOnBox2.size() == 1, qPrintable(inboxOnBox2.join(u' ')));
        for (const QString &entry : inboxOnBox4)
            QVERIFY(QFile::remove(QDir(demo.directory).filePath(QStringLiteral("box4/") + entry)));
        Ui::MainWindow window;
        openAndWait(window, demo.workspaceFile);
        if (QTest::currentTestFailed())
            return;
        QTRY_VERIFY_WITH_TIMEOUT(!window.controller()->isBusy(), 60000);

        const int inbox = projectRow(window, QStringLiteral("inbox")), trunk = projectRow(window, QStringLiteral("trunk"));
        QVERIFY(!window.projectMenu(QModelIndex()));
        QCOMPARE(entries(window.projectMenu(window.projectsModel()->index(trunk, Ui::ProjectsModel::Name))),
            (QStringList{QStringLiteral("Replicate This Project…"), QStringLiteral("Show Its Conflicts")}));
        QMenu *menu = window.projectMenu(window.projectsModel()->index(inbox, Ui::ProjectsModel::Lag));
        QVERIFY(menu);
        QCOMPARE(menu->actions().size(), 1); // no conflict in inbox
        QCOMPARE(menu->actions().first()->text(), QStringLiteral("Replicate This Project…"));
        menu->actions().first()->trigger();
        delete menu;
        QPointer<Ui::ReplicateDialog> replicate = window.findChild<Ui::ReplicateDialog *>();
        QVERIFY(replicate);
        QCOMPARE(replicate->project(), QStringLiteral("inbox"));
        QVERIFY2(replicate->windowTitle().contains(QStringLiteral("inbox")), qPrintable(replicate->windowTitle()));
        QTRY_VERIFY_WITH_TIMEOUT(replicate->canStart(), 60000);
        QCOMPARE(replicate->plannedCopies(), 1);
        QCOMPARE(replicate->plannedProjects(), QStringList{QStringLiteral("inbox")});
        QVERIFY2(replicate->summaryText().startsWith(QStringLiteral("1 copy, ")), qPrintable(replicate->summaryText()));

        // Enter closes the preview: copies start only with a click on Replicate.
        QSignalSpy started(window.controller(), &Ui::WorkspaceController::syncStarted);
        auto *planTable = replicate->findChild<QTableWidget *>(QStringLiteral("replicatePlan"));
        planTable->setFocus();
        QTest::keyClick(planTable, Qt::Key_Return);
        QTRY_VERIFY(!replicate);
        QTest::qWait(200);
        QCOMPARE(started.count(), 0);
        QVERIFY(!window.controller()->isBusy());

        replicate = window.showReplicate(QStringLiteral("inbox"));
        QTRY_VERIFY_WITH_TIMEOUT(replicate->canStart(), 60000);
        QStringList progress; // the bar's text at each step (the dialog hears of it first)
        connect(window.controller(), &Ui::WorkspaceController::syncProgressed, this, [&progress, &replicate] {
            if (replicate)
                progress.append(replicate->progressText());
        });
        replicate->start();
        QTRY_COMPARE_WITH_TIMEOUT(replicate->resultText(), QStringLiteral("1 copied and verified."), 60000);
        QVERIFY(!progress.isEmpty());
        QVERIFY2(progress.contains(QStringLiteral("1 of 1 copy")), qPrintable(progress.join(u',')));
        for (const QString &text : progress)
            QVERIFY2(!text.contains(QStringLiteral("copies")), qPrintable(text));
        replicate->reject();
        QTRY_VERIFY_WITH_TIMEOUT(!window.controller()->isBusy(), 60000);
        // inbox caught up; trunk untouched.
        QVERIFY(QFileInfo::exists(QDir(demo.directory).filePath(QStringLiteral("box4/") + inboxOnBox2.first())));
        const QString trunkOnlyOnBox2 = QStringLiteral("trunk/") + trunkOnly(demo.onlyOnPrimary).first();
        QVERIFY(!QFileInfo::exists(QDir(demo.directory).filePath(QStringLiteral("box4/") + trunkOnlyOnBox2)));
        QCOMPARE(window.projectsModel()->index(projectRow(window, QStringLiteral("inbox")), Ui::ProjectsModel::Verdict).data().toString(),
            QStringLiteral("In sync"));
    }

    // The Conflicts cell leads to the conflicts: a click (or Enter) on it selects the project and
    // filters the version table to its conflicts; a project without any is only selected.
    void theConflictsCellLeadsToTheConflicts()
    {
        const Demo::DemoWorkspace demo = newDemo(QStringLiteral("conflicts-cell"));
        Ui::MainWindow window;
        window.resize(1280, 900);
        openAndWait(window, demo.workspaceFile);
        if (QTest::currentTestFailed())
            return;
        QTRY_VERIFY_WITH_TIMEOUT(!window.controller()->isBusy(), 60000);
        auto *projectsView = window.findChild<QTableView *>(QStringLiteral("projectsView"));
        auto *filter = window.findChild<QComboBox *>(QStringLiteral("versionFilter"));
        auto *tabs = window.findChild<QTabWidget *>();
        const int conflicted = projectRow(window, demo.conflictProject), inbox = projectRow(window, QStringLiteral("inbox"));
        QVERIFY(conflicted >= 0 && inbox >= 0 && conflicted != inbox);
        const QModelIndex conflictsCell = window.projectsModel()->index(conflicted, Ui::ProjectsModel::Conflicts);
        QVERIFY2(conflictsCell.data(Qt::ToolTipRole).toString().startsWith(QStringLiteral("Click")),
            qPrintable(conflictsCell.data(Qt::ToolTipRole).toString()));
        QVERIFY(!window.projectsModel()->index(inbox, Ui::ProjectsModel::Conflicts).data(Qt::ToolTipRole).isValid());

        // Another project shown, the Activity tab in front: a click on the Conflicts cell.
        window.selectProject(inbox);
        tabs->setCurrentIndex(1);
        QTest::mouseClick(projectsView->viewport(), Qt::LeftButton, {}, projectsView->visualRect(conflictsCell).center());
        QCOMPARE(tabs->currentIndex(), 0);
        QCOMPARE(filter->currentText(), QStringLiteral("Conflicts"));
        QCOMPARE(window.versionFilter()->rowCount(), 1);
        QCOMPARE(window.versionFilter()->index(0, 0).data().toString(), demo.conflictFileName);
        QCOMPARE(projectsView->currentIndex().row(), conflicted);

        // A project without conflicts: its Conflicts cell selects it, the filter stays.
        filter->setCurrentIndex(0);
        QTest::mouseClick(projectsView->viewport(), Qt::LeftButton, {},
            projectsView->visualRect(window.projectsModel()->index(inbox, Ui::ProjectsModel::Conflicts)).center());
        QCOMPARE(projectsView->currentIndex().row(), inbox);
        QCOMPARE(filter->currentIndex(), 0);

        // Enter on the cell does the same as a click.
        projectsView->setFocus();
        projectsView->setCurrentIndex(conflictsCell);
        QTest::keyClick(projectsView, Qt::Key_Return);
        QCOMPARE(filter->currentText(), QStringLiteral("Conflicts"));
        QCOMPARE(window.versionFilter()->index(0, 0).data().toString(), demo.conflictFileName);

        // And the project's menu says it too.
        filter->setCurrentIndex(0);
        window.selectProject(inbox);
        QMenu *menu = window.projectMenu(conflictsCell.siblingAtColumn(Ui::ProjectsModel::Name));
        QCOMPARE(menu->actions().last()->text(), QStringLiteral("Show Its Conflicts"));
        menu->actions().last()->trigger();
        delete menu;
        QCOMPARE(projectsView->currentIndex().row(), conflicted);
        QCOMPARE(filter->currentText(), QStringLiteral("Conflicts"));
        QTRY_VERIFY_WITH_TIMEOUT(!window.controller()->isBusy(), 60000);
    }

    // At 1024x768 the version table gets the height: the timeline under it starts at a few lines
    // and stays so as the window grows; the splitters are remembered; a first start takes most of
    // the screen, centred, and never more than the screen.
    void theVersionTableGetsTheRoom()
    {
        // A first start, on screens small and large.
        for (const QRect &available : {QRect(0, 0, 1024, 768), QRect(0, 0, 1024, 738), QRect(0, 0, 1920, 1080), QRect(1920, 40, 2560, 1400),
                 QRect(0, 0, 3840, 2160), QRect(0, 0, 800, 600)})
        {
            const QRect placed = Ui::MainWindow::firstStartGeometry(available);
            const QString where = QStringLiteral("%1x%2: %3x%4").arg(available.width()).arg(available.height()).arg(placed.width()).arg(placed.height());
            QVERIFY2(available.contains(placed), qPrintable(where));
            QVERIFY2(std::abs(placed.center().x() - available.center().x()) <= 1 && std::abs(placed.center().y() - available.center().y()) <= 1,
                qPrintable(where));
            QVERIFY2(available.width() > 2560 || (placed.width() >= available.width() * 3 / 5 && placed.height() >= available.height() * 3 / 5),
                qPrintable(where));
        }
        const QRect large = Ui::MainWindow::firstStartGeometry(QRect(0, 0, 1920, 1080));
        QVERIFY2(large.width() >= 1920 * 70 / 100 && large.width() <= 1920 * 85 / 100 && large.height() >= 1080 * 70 / 100 && large.height() <= 1080 * 85 / 100,
            qPrintable(QStringLiteral("%1x%2").arg(large.width()).arg(large.height())));
        QVERIFY(Ui::MainWindow::firstStartGeometry(QRect(0, 0, 3840, 2160)).width() <= 1920); // capped on a very large screen

        // A first start of the window itself: within its screen.
        QSettings().remove(QStringLiteral("mainWindow"));
        const Demo::DemoWorkspace demo = newDemo(QStringLiteral("room"));
        {
            Ui::MainWindow window;
            QVERIFY(window.screen()->availableGeometry().width() >= window.width());
            QVERIFY(window.screen()->availableGeometry().height() >= window.height());
        }

        auto *window = new Ui::MainWindow;
        window->resize(1024, 768);
        openAndWait(*window, demo.workspaceFile);
        if (QTest::currentTestFailed())
            return delete window;
        window->selectProject(projectRow(*window, QStringLiteral("trunk")));
        auto *splitter = window->findChild<QSplitter *>(QStringLiteral("versionsSplitter"));
        QVERIFY(splitter);
        const int line = window->fontMetrics().lineSpacing();
        QList<int> sizes = splitter->sizes();
        QVERIFY2(sizes.at(0) >= 3 * sizes.at(1) && sizes.at(1) <= 4 * line && sizes.at(1) >= 2 * line,
            qPrintable(QStringLiteral("%1 / %2").arg(sizes.at(0)).arg(sizes.at(1))));
        // A taller window: the table takes it all, the timeline keeps its lines.
        const int timeline = sizes.at(1);
        window->resize(1024, 1000);
        QTRY_VERIFY(splitter->sizes().at(0) > sizes.at(0));
        QCOMPARE(splitter->sizes().at(1), timeline);

        // The person's split is remembered, with the window's geometry.
        splitter->setSizes({splitter->sizes().at(0) - 100, timeline + 100});
        const QList<int> chosen = splitter->sizes();
        window->close();
        delete window;
        {
            Ui::MainWindow again;
            again.show();
            QVERIFY(QTest::qWaitForWindowExposed(&again));
            QCOMPARE(again.size(), QSize(1024, 1000));
            // The timeline's height as chosen; the table has the rest (no cards yet: more of it).
            QTRY_COMPARE(again.findChild<QSplitter *>(QStringLiteral("versionsSplitter"))->sizes().at(1), chosen.at(1));
        }
        QSettings().remove(QStringLiteral("mainWindow")); // the other tests start afresh
    }

    // The version table follows a replication copy by copy: a copy that fails (box2's file was
    // damaged after the listing) says so with the reason, and still does after the refresh.
    void theVersionTableShowsCopiesThatFail()
    {
        const Demo::DemoWorkspace demo = newDemo(QStringLiteral("livecopies"));
        Ui::MainWindow window;
        openAndWait(window, demo.workspaceFile);
        if (QTest::currentTestFailed())
            return;
        for (int row = 0; row < window.projectsModel()->rowCount(); ++row)
        {
            if (window.projectsModel()->project(row)->project == u"trunk")
                window.selectProject(row);
        }
        const QString damaged = trunkOnly(demo.onlyOnPrimary).first();
        const QString copied = trunkOnly(demo.onlyOnPrimary).last();
        Test::writeFile(QDir(demo.directory).filePath(demo.serverNames.at(0) + QStringLiteral("/trunk/") + damaged), "not a version any more");

        QStringList started;
        connect(window.controller(), &Ui::WorkspaceController::copyStarted, this, [&](const Sync::PlanItem &item) { started.append(item.name); });
        Ui::ReplicateDialog *replicate = window.showReplicate();
        QTRY_VERIFY_WITH_TIMEOUT(replicate->canStart(), 60000);
        replicate->start();
        QTRY_VERIFY2_WITH_TIMEOUT(replicate->resultText().contains(QStringLiteral(", 1 failed (1 damaged).\n")), qPrintable(replicate->resultText()), 60000);
        QVERIFY(started.contains(damaged));
        QVERIFY2(replicate->rowStatus(damaged, QStringLiteral("box4")).startsWith(QStringLiteral("failed: ")),
            qPrintable(replicate->rowStatus(damaged, QStringLiteral("box4"))));
        QCOMPARE(replicate->rowStatus(copied, QStringLiteral("box4")), QStringLiteral("verified"));
        QCOMPARE(versionCell(window, damaged, 1).data().toString(), QStringLiteral("copy failed → box4"));
        QVERIFY2(versionCell(window, damaged, 1).data(Qt::ToolTipRole).toString().contains(damaged),
            qPrintable(versionCell(window, damaged, 1).data(Qt::ToolTipRole).toString()));
        QCOMPARE(versionCell(window, damaged, 3).data().toString(), QStringLiteral("copy failed"));

        QTRY_VERIFY_WITH_TIMEOUT(!window.controller()->isBusy(), 60000); // the refresh after the run
        QCOMPARE(versionCell(window, damaged, 1).data().toString(), QStringLiteral("copy failed → box4"));
        QCOMPARE(versionCell(window, copied, 1).data().toString(), QStringLiteral("same"));
    }

    // Closing the console while it works waits for what is in flight and leaves every server
    // whole: no half-written version, no leftover temporary file, each copy equal to its source.
    void closingMidWorkLeavesEveryServerWhole()
    {
        const Demo::DemoWorkspace demo = newDemo(QStringLiteral("closing"));
        {
            auto window = std::make_unique<Ui::MainWindow>();
            openAndWait(*window, demo.workspaceFile);
            if (QTest::currentTestFailed())
                return;
            window->refresh();
            QVERIFY(window->controller()->isBusy());
            window.reset(); // mid-refresh: the listings are still being read
        }
        {
            auto window = std::make_unique<Ui::MainWindow>();
            openAndWait(*window, demo.workspaceFile);
            if (QTest::currentTestFailed())
                return;
            Ui::ReplicateDialog *replicate = window->showReplicate();
            QTRY_VERIFY_WITH_TIMEOUT(replicate->canStart(), 60000);
            QSignalSpy progressed(window->controller(), &Ui::WorkspaceController::syncProgressed);
            replicate->start();
            QVERIFY(progressed.wait(60000));
            window.reset(); // mid-sync: copies are in flight
        }
        const QDir box2(QDir(demo.directory).filePath(demo.serverNames.at(0)));
        const QDir box4(QDir(demo.directory).filePath(demo.serverNames.at(1)));
        for (const QString &project : demo.projects)
        {
            for (const QDir &server : {box2, box4})
            {
                const QDir folder(server.filePath(project));
                const QStringList leftovers = folder.entryList({QStringLiteral("*.part")}, QDir::Files | QDir::Hidden);
                QVERIFY2(leftovers.isEmpty(), qPrintable(leftovers.join(u' ')));
                const QDir other(server == box2 ? box4.filePath(project) : box2.filePath(project));
                for (const QString &name : folder.entryList({QStringLiteral("*.mcz")}, QDir::Files))
                {
                    if (name == demo.conflictFileName || !other.exists(name))
                        continue;
                    QCOMPARE(Test::readFile(folder.filePath(name)), Test::readFile(other.filePath(name)));
                }
            }
        }
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
