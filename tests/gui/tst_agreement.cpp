// The CLI and the console agree on every verdict (issue #14). Each row sets up a real workspace of
// folder servers (some from the demo), runs twintrunkctl on it as a user does (text and --json),
// then opens the same workspace in the console's widgets (QT_QPA_PLATFORM=offscreen) and checks
// that both say the same thing, word for word, and that it is the verdict the row expects: two
// front ends agreeing on "all clear" while a server is down would still fail.
//
// The verdicts: a project's state (in sync, behind, conflict, damaged, not checked) and the
// overall one; whether a server could take over; a server's health (up, down, never answered);
// each repoint preflight check (passed, warning, needs your confirmation, FAILED, not
// applicable) and the footer; a conflict's relation, recommendation, comparison and markers; and
// a decision's confirmation, word for word as resolve --dry-run says it.

#include <QApplication>
#include <QBrush>
#include <QCheckBox>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QSystemTrayIcon>
#include <QTemporaryDir>
#include <QTest>
#include <QTextDocument>
#include <QTreeWidget>
#include <QUrl>
#include <QUuid>

#include "appearance.h"
#include "conflictdialog.h"
#include "demo/demoworkspace.h"
#include "mainwindow.h"
#include "monticello/mczversion.h"
#include "monticello/versionname.h"
#include "presentation/json.h"
#include "repointdialog.h"
#include "servercard.h"
#include "statusmodels.h"
#include "testsupport.h"
#include "workspace/workspace.h"
#include "workspacecontroller.h"

using namespace TwinTrunk;
using Run = Test::CtlRun;
using Files = QMap<QString, QByteArray>; // "trunk/Alpha-tt.1.mcz" -> its bytes

namespace
{
    // A label's rich text as a person reads it.
    QString plain(const QString &html)
    {
        QTextDocument document;
        document.setHtml(html);
        return document.toPlainText();
    }

    QStringList linesOf(const Run &run)
    {
        return QString::fromUtf8(run.out).split(u'\n');
    }

    QJsonObject objectOf(const Run &run)
    {
        return QJsonDocument::fromJson(run.out).object();
    }

    QList<QJsonObject> objectsOf(const Run &run)
    {
        QList<QJsonObject> objects;
        for (const QByteArray &line : run.out.split('\n'))
        {
            if (!line.trimmed().isEmpty())
                objects.append(QJsonDocument::fromJson(line).object());
        }
        return objects;
    }

    QStringList stringsOf(const QJsonValue &value)
    {
        QStringList strings;
        for (const QJsonValue &each : value.toArray())
            strings.append(each.toString());
        return strings;
    }

    // What changes from one run to the next (a latency, an age) made steady, so that two runs'
    // sentences compare: "box4 answered in 3 ms" -> "box4 answered in N ms".
    QString steady(QString text)
    {
        static const QRegularExpression measures(QStringLiteral("\\b\\d+ (ms|s|min|h|d)\\b"));
        return text.replace(measures, QStringLiteral("N \\1"));
    }

    // A verdict's level as the console colours it (statusmodels: good and note green, warning
    // and unknown orange, bad red).
    Ui::Tone toneOf(const QString &level)
    {
        if (level == u"good" || level == u"note")
            return Ui::Tone::Good;
        return level == u"bad" ? Ui::Tone::Bad : Ui::Tone::Warning;
    }

    // The first line of `lines` that starts with `prefix`, or -1.
    qsizetype lineStarting(const QStringList &lines, const QString &prefix)
    {
        for (qsizetype i = 0; i < lines.size(); ++i)
        {
            if (lines.at(i).startsWith(prefix))
                return i;
        }
        return -1;
    }

    Run twintrunkctl(const QStringList &arguments)
    {
        return Test::runTwinTrunkCtl(arguments);
    }

    QString idOf(const QByteArray &bytes)
    {
        return Monticello::MczVersion::readBytes(bytes, QStringLiteral("id"), Monticello::MczArchive::Members::Metadata)->info().id();
    }

    // An update map naming `versions` ("Alpha-tt.2" -> its bytes), as Monticello writes one.
    QByteArray updateMap(const QString &name, const QList<std::pair<QString, QByteArray>> &versions)
    {
        QByteArray map = "(\rname '" + name.toUtf8() + "'\rrepository ('http://source.squeak.org/trunk')\r";
        for (const auto &[version, bytes] : versions)
            map += "dependency ('" + version.section(u'-', 0, 0).toUtf8() + "' '" + version.toUtf8() + "' '" + idOf(bytes).toUtf8() + "')\r";
        return map + ")\r";
    }
}

class TestAgreement final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_made = 0;

    // A folder of its own for each row.
    QString freshFolder(const QString &scenario)
    {
        QString name = scenario;
        name.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9]+")), QStringLiteral("-"));
        return m_dir.filePath(QStringLiteral("%1-%2").arg(++m_made).arg(name));
    }

    // The same versions on both servers: trunk and inbox in sync.
    static Files standardFiles()
    {
        return Files{{QStringLiteral("trunk/Alpha-tt.1.mcz"), Test::makeVersion(QStringLiteral("Alpha"), QStringLiteral("tt"), 1)},
            {QStringLiteral("trunk/Alpha-tt.2.mcz"), Test::makeVersion(QStringLiteral("Alpha"), QStringLiteral("tt"), 2)},
            {QStringLiteral("trunk/Beta-tt.1.mcz"), Test::makeVersion(QStringLiteral("Beta"), QStringLiteral("tt"), 1)},
            {QStringLiteral("inbox/Gamma-tt.1.mcz"), Test::makeVersion(QStringLiteral("Gamma"), QStringLiteral("tt"), 1)}};
    }

    // The standard versions and an update map in trunk naming two of them.
    static Files withUpdateMap(Files files)
    {
        files.insert(QStringLiteral("trunk/update-tt.1.mcm"),
            updateMap(QStringLiteral("update-tt.1"),
                {{QStringLiteral("Alpha-tt.2"), files.value(QStringLiteral("trunk/Alpha-tt.2.mcz"))},
                    {QStringLiteral("Beta-tt.1"), files.value(QStringLiteral("trunk/Beta-tt.1.mcz"))}}));
        return files;
    }

    // What a repoint does, for a preflight with nothing to warn about: an image snippet to write
    // and a public URL to verify (a dry run writes and verifies nothing).
    static QJsonObject repointActions()
    {
        return QJsonObject{{QStringLiteral("publicUrl"), QStringLiteral("https://source.squeak.org/")},
            {QStringLiteral("imageSnippet"), QStringLiteral("repoint.st")}};
    }

    // Two folder servers in `folder`, box2 (the primary) and box4, with projects trunk and inbox
    // holding `box2` and `box4`, and the workspace file naming them. A server given as nullopt
    // has no folder: it is down from the start (never listed, never answered).
    static QString writePair(const QString &folder, const std::optional<Files> &box2, const std::optional<Files> &box4,
        const QJsonObject &repoint = QJsonObject())
    {
        QJsonArray servers;
        for (const auto &[server, files] : {std::pair{QStringLiteral("box2"), box2}, std::pair{QStringLiteral("box4"), box4}})
        {
            const QString root = QDir(folder).filePath(server);
            if (files)
            {
                for (const QString &project : {QStringLiteral("trunk"), QStringLiteral("inbox")})
                    QDir().mkpath(QDir(root).filePath(project));
                for (auto it = files->cbegin(); it != files->cend(); ++it)
                    Test::writeFile(QDir(root).filePath(it.key()), it.value());
            }
            QJsonObject object{{QStringLiteral("name"), server}, {QStringLiteral("url"), QUrl::fromLocalFile(root + u'/').toString()}};
            if (server == u"box2")
                object.insert(QStringLiteral("primary"), true);
            servers.append(object);
        }
        QJsonObject workspace{{QStringLiteral("servers"), servers}, {QStringLiteral("projects"), QJsonArray{QStringLiteral("trunk"), QStringLiteral("inbox")}}};
        if (!repoint.isEmpty())
            workspace.insert(QStringLiteral("repoint"), repoint);
        const QString file = QDir(folder).filePath(QStringLiteral("twintrunk.json"));
        Test::writeFile(file, QJsonDocument(workspace).toJson());
        return file;
    }

    Demo::DemoWorkspace newDemo(const QString &folder)
    {
        Result<Demo::DemoWorkspace> demo = Demo::createDemoWorkspace(folder);
        if (!demo)
            qFatal("%s", qPrintable(demo.error().toString()));
        return demo.value();
    }

    // Opens `workspaceFile` in the console and waits for its first refresh.
    static void openAndWait(Ui::MainWindow &window, const QString &workspaceFile)
    {
        window.resize(1280, 900);
        window.show();
        window.openWorkspace(workspaceFile);
        const qsizetype projects = Workspace::load(workspaceFile)->projects().size();
        QTRY_COMPARE_WITH_TIMEOUT(window.projectsModel()->rowCount(), int(projects), 60000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(!qEnvironmentVariable("TWINTRUNKCTL").isEmpty(), "TWINTRUNKCTL must name the binary (set by ctest)");
        QVERIFY(m_dir.isValid());
        QApplication::setApplicationDisplayName(QStringLiteral("TwinTrunk"));
        QApplication::setOrganizationName(QStringLiteral("TwinTrunkTest"));
        QStandardPaths::setTestModeEnabled(true);
    }

    // ---- A project's state, the overall verdict, whether a server could take over, its health ----

private:
    QString prepareStatus(const QString &scenario)
    {
        const QString folder = freshFolder(scenario);
        Files box4 = standardFiles();
        if (scenario == u"in sync")
            return writePair(folder, standardFiles(), box4);
        if (scenario == u"behind")
        {
            box4.remove(QStringLiteral("trunk/Alpha-tt.2.mcz"));
            return writePair(folder, standardFiles(), box4);
        }
        if (scenario == u"conflict")
        {
            box4.insert(QStringLiteral("trunk/Beta-tt.1.mcz"), Test::makeVersion(QStringLiteral("Beta"), QStringLiteral("tt"), 1, 1));
            return writePair(folder, standardFiles(), box4);
        }
        if (scenario == u"damaged")
        {
            // A byte flipped in box4's copy, found by a verification (cron's nightly one).
            QByteArray &flipped = box4[QStringLiteral("trunk/Alpha-tt.2.mcz")];
            flipped[flipped.size() / 2] = char(flipped[flipped.size() / 2] ^ 0x40);
            const QString workspace = writePair(folder, standardFiles(), box4);
            const Run verify = twintrunkctl({QStringLiteral("verify"), QStringLiteral("-w"), workspace, QStringLiteral("--all")});
            if (verify.exitCode != 1)
                qWarning("verify: %s", verify.out.constData());
            return workspace;
        }
        if (scenario == u"box4 down from the start")
            return writePair(folder, standardFiles(), std::nullopt);
        if (scenario == u"box2 down from the start")
            return writePair(folder, std::nullopt, box4);
        if (scenario == u"box4 down after answering")
        {
            // Listed and probed while up; then its folder goes (a disk not mounted).
            const QString workspace = writePair(folder, standardFiles(), box4);
            twintrunkctl({QStringLiteral("status"), QStringLiteral("-w"), workspace});
            twintrunkctl({QStringLiteral("health"), QStringLiteral("-w"), workspace, QStringLiteral("--no-readiness")});
            QDir().rename(QDir(folder).filePath(QStringLiteral("box4")), QDir(folder).filePath(QStringLiteral("box4.away")));
            return workspace;
        }
        qFatal("no scenario '%s'", qPrintable(scenario));
    }

private Q_SLOTS:
    void statusAndHealth_data()
    {
        QTest::addColumn<QString>("trunk");         // trunk's verdict
        QTest::addColumn<QString>("level");         // its level
        QTest::addColumn<QString>("overall");       // the whole workspace's
        QTest::addColumn<QString>("takeover");      // whether box4 could take over (the start of it)
        QTest::addColumn<QString>("takeoverLevel"); // good, bad, unknown
        QTest::addColumn<QString>("box2");          // its health: Up, Down
        QTest::addColumn<QString>("box4");
        QTest::addColumn<QString>("answered"); // a down server's last answer (the start of it)

        QTest::newRow("in sync") << "In sync"
                                 << "good"
                                 << "Every project in sync"
                                 << "Ready to take over"
                                 << "good"
                                 << "Up"
                                 << "Up" << QString();
        QTest::newRow("behind") << "Behind: box4 lacks 1"
                                << "warning"
                                << "trunk: Behind: box4 lacks 1"
                                << "Not ready: 1 version only on box2"
                                << "bad"
                                << "Up"
                                << "Up" << QString();
        QTest::newRow("conflict") << "Conflicts: 1 to resolve"
                                  << "bad"
                                  << "trunk: Conflicts: 1 to resolve"
                                  << "Not ready: 1 open conflict with box2 (its variant differs)"
                                  << "bad"
                                  << "Up"
                                  << "Up" << QString();
        QTest::newRow("damaged") << "Damaged: 1 on box4"
                                 << "bad"
                                 << "trunk: Damaged: 1 on box4"
                                 << "Not ready: 1 version only on box2"
                                 << "bad"
                                 << "Up"
                                 << "Up" << QString();
        // Unknown is never all clear: a server down from the start was never listed.
        QTest::newRow("box4 down from the start") << "Not checked: box4 unreachable"
                                                  << "unknown"
                                                  << "Not checked: box4 unreachable"
                                                  << "Not ready: box4 is unreachable"
                                                  << "bad"
                                                  << "Up"
                                                  << "Down"
                                                  << "it never answered";
        QTest::newRow("box2 down from the start") << "Not checked: box2 unreachable"
                                                  << "unknown"
                                                  << "Not checked: box2 unreachable"
                                                  << "What only box2 has is not known: it cannot be listed in trunk, inbox"
                                                  << "unknown"
                                                  << "Down"
                                                  << "Up"
                                                  << "it never answered";
        // Listed before: what it had is remembered, and still not "in sync".
        QTest::newRow("box4 down after answering") << "Not checked: box4 unreachable"
                                                   << "unknown"
                                                   << "Not checked: box4 unreachable"
                                                   << "Not ready: box4 is unreachable"
                                                   << "bad"
                                                   << "Up"
                                                   << "Down"
                                                   << "last answered ";
    }

    void statusAndHealth()
    {
        QFETCH(QString, trunk);
        QFETCH(QString, level);
        QFETCH(QString, overall);
        QFETCH(QString, takeover);
        QFETCH(QString, takeoverLevel);
        QFETCH(QString, box2);
        QFETCH(QString, box4);
        QFETCH(QString, answered);
        const QString workspace = prepareStatus(QString::fromUtf8(QTest::currentDataTag()));

        // The CLI first, as cron runs it.
        const QStringList on{QStringLiteral("-w"), workspace};
        const Run statusText = twintrunkctl(QStringList{QStringLiteral("status")} + on);
        const Run statusJson = twintrunkctl(QStringList{QStringLiteral("status"), QStringLiteral("--json")} + on);
        const Run healthText = twintrunkctl(QStringList{QStringLiteral("health"), QStringLiteral("--no-readiness")} + on);
        const Run healthJson = twintrunkctl(QStringList{QStringLiteral("health"), QStringLiteral("--no-readiness"), QStringLiteral("--json")} + on);
        const QJsonObject status = objectOf(statusJson);
        QVERIFY2(!status.isEmpty(), statusJson.err.constData());
        const QStringList text = linesOf(statusText);
        const QStringList healthLines = linesOf(healthText);
        const QList<QJsonObject> health = objectsOf(healthJson);
        QCOMPARE(health.size(), 2);

        // Then the console on the same workspace.
        Ui::MainWindow window;
        openAndWait(window, workspace);
        if (QTest::currentTestFailed())
            return;
        Ui::ProjectsModel *model = window.projectsModel();

        // Each project: the same verdict, every problem in the same order, at the same level.
        const QJsonArray projects = status.value(QStringLiteral("projects")).toArray();
        QCOMPARE(model->rowCount(), int(projects.size()));
        for (const QJsonValue &value : projects)
        {
            const QJsonObject project = value.toObject();
            const QString name = project.value(QStringLiteral("name")).toString();
            const QJsonObject verdict = project.value(QStringLiteral("verdict")).toObject();
            const QString headline = verdict.value(QStringLiteral("headline")).toString();
            const QString projectLevel = verdict.value(QStringLiteral("level")).toString();
            const QStringList problems = stringsOf(verdict.value(QStringLiteral("problems")));
            if (name == u"trunk")
            {
                QCOMPARE(headline, trunk);
                QCOMPARE(projectLevel, level);
            }
            int row = -1;
            for (int each = 0; each < model->rowCount(); ++each)
            {
                if (model->project(each)->project == name)
                    row = each;
            }
            QVERIFY2(row >= 0, qPrintable(name));
            const QModelIndex cell = model->index(row, Ui::ProjectsModel::Verdict);
            const QStringList shown = cell.data().toString().split(QStringLiteral(" · "));
            QCOMPARE(shown.first(), headline);
            if (project.value(QStringLiteral("inSync")).toBool())
                QCOMPARE(shown.size(), 1);
            else
                QCOMPARE(shown, problems);
            QCOMPARE(cell.data(Qt::ForegroundRole).value<QBrush>().color(), Ui::toneColour(toneOf(projectLevel), QApplication::palette()));
            // The CLI's text: the same words, what is not fine in capitals, then the other problems.
            const bool fine = projectLevel == u"good" || projectLevel == u"note";
            const QString line = QStringLiteral("  %1: %2").arg(name, fine ? headline + QStringLiteral(" (digests match)") : headline.toUpper());
            const qsizetype at = text.indexOf(line);
            QVERIFY2(at >= 0, qPrintable(line + QStringLiteral("\nnot in\n") + text.join(u'\n')));
            const QStringList following = problems.mid(fine ? 0 : 1);
            for (qsizetype i = 0; i < following.size(); ++i)
                QCOMPARE(text.value(at + 1 + i), QStringLiteral("    ") + following.at(i));
        }

        // The whole workspace: the CLI's last line; the console's tray says the same, or first
        // which server is down (as `twintrunkctl health` finds it).
        const QJsonObject whole = status.value(QStringLiteral("overall")).toObject();
        const QString overallHeadline = whole.value(QStringLiteral("headline")).toString();
        QCOMPARE(overallHeadline, overall);
        const bool overallFine = whole.value(QStringLiteral("level")).toString() == u"good" || whole.value(QStringLiteral("level")).toString() == u"note";
        QVERIFY2(text.contains(QStringLiteral("Overall: ") + (overallFine ? overallHeadline : overallHeadline.toUpper())), statusText.out.constData());
        QStringList down;
        for (const QJsonObject &server : health)
        {
            if (!server.value(QStringLiteral("up")).toBool())
                down.append(server.value(QStringLiteral("name")).toString());
        }
        auto *tray = window.findChild<QSystemTrayIcon *>();
        QVERIFY(tray);
        QTRY_COMPARE_WITH_TIMEOUT(tray->toolTip(),
            down.isEmpty() ? QStringLiteral("TwinTrunk: ") + overallHeadline : QStringLiteral("TwinTrunk: %1 down").arg(down.join(QStringLiteral(", "))),
            10000);
        QVERIFY(!tray->toolTip().contains(QStringLiteral("in sync")) || level == u"good");

        // Whether box4 could take over: its card, the CLI's line under it, the JSON.
        for (const QJsonValue &value : status.value(QStringLiteral("servers")).toArray())
        {
            const QJsonObject server = value.toObject();
            const QString name = server.value(QStringLiteral("name")).toString();
            if (server.value(QStringLiteral("primary")).toBool())
            {
                QVERIFY(!server.contains(QStringLiteral("takeover")));
                continue;
            }
            const QJsonObject ready = server.value(QStringLiteral("takeover")).toObject();
            const QString readyText = ready.value(QStringLiteral("text")).toString();
            const QString readyLevel = ready.value(QStringLiteral("level")).toString();
            QVERIFY2(readyText.startsWith(takeover), qPrintable(readyText));
            QCOMPARE(readyLevel, takeoverLevel);
            // Not known: no list of what only the primary has (null), never an empty one.
            QCOMPARE(ready.value(QStringLiteral("onlyOnPrimary")).isNull(), readyLevel == u"unknown");
            const qsizetype at = lineStarting(text, QStringLiteral("  %1 ").arg(name));
            QVERIFY(at >= 0);
            QCOMPARE(text.value(at + 1).trimmed(), readyText);
            Ui::ServerCard *card = window.findChild<Ui::ServerCard *>(QStringLiteral("serverCard-") + name);
            QVERIFY(card);
            const QString glyph = readyLevel == u"good" ? QStringLiteral("✔ ") : readyLevel == u"bad" ? QStringLiteral("✘ ") : QString();
            QTRY_COMPARE_WITH_TIMEOUT(plain(card->takeoverText()), glyph + readyText, 10000);
        }

        // Each server's health: up or down in the same word, why in the same words, and when it
        // last answered (or that it never did).
        for (const QJsonObject &server : health)
        {
            const QString name = server.value(QStringLiteral("name")).toString();
            const QString state = server.value(QStringLiteral("state")).toString();
            QCOMPARE(state, name == u"box2" ? box2 : box4);
            QCOMPARE(server.value(QStringLiteral("up")).toBool(), state == u"Up");
            Ui::ServerCard *card = window.findChild<Ui::ServerCard *>(QStringLiteral("serverCard-") + name);
            QVERIFY(card);
            QTRY_COMPARE_WITH_TIMEOUT(plain(card->stateText()).split(u' ', Qt::SkipEmptyParts).value(1), state, 10000);
            const qsizetype at = lineStarting(healthLines, QStringLiteral("  %1 ").arg(name));
            QVERIFY2(at >= 0, healthText.out.constData());
            const QString line = healthLines.at(at);
            const QStringList words = line.split(u' ', Qt::SkipEmptyParts);
            QVERIFY2(words.contains(state == u"Up" ? state.toLower() : state.toUpper()), qPrintable(line));
            const QStringList detail = plain(card->detailText()).split(QStringLiteral(" · "), Qt::SkipEmptyParts);
            if (state == u"Up")
            {
                QVERIFY(server.value(QStringLiteral("why")).isNull());
                QVERIFY2(detail.isEmpty(), qPrintable(card->detailText()));
                continue;
            }
            const QString why = server.value(QStringLiteral("why")).toString();
            QCOMPARE(why, QStringLiteral("its folder cannot be read"));
            QCOMPARE(detail.value(0), why);
            QVERIFY2(line.contains(QStringLiteral(" DOWN ") + why + QStringLiteral(" (io: ")), qPrintable(line));
            const QString lastAnswered = line.section(QStringLiteral("; "), -1);
            QVERIFY2(lastAnswered.startsWith(answered), qPrintable(line));
            QCOMPARE(server.value(QStringLiteral("lastSuccess")).isNull(), answered == u"it never answered");
            QCOMPARE(steady(detail.value(1)), steady(lastAnswered));
        }
    }

    // A server not probed yet (the console's first moments): unknown in both, never up. The CLI
    // always probes before it prints, so its words come from the JSON it would give.
    void aServerNotProbedYetIsUnknownInBoth()
    {
        Health::ServerHealth health;
        health.name = QStringLiteral("box4");
        health.url = QStringLiteral("file:///nowhere/box4/");
        const QJsonObject json = Presentation::healthJson(health);
        QVERIFY(json.value(QStringLiteral("up")).isNull());
        QCOMPARE(json.value(QStringLiteral("state")).toString(), QStringLiteral("Not probed yet"));
        QVERIFY(json.value(QStringLiteral("why")).isNull());
        Ui::ServerCard card;
        card.setHealth(health, true, QString(), Presentation::Takeover{});
        QCOMPARE(plain(card.stateText()).split(u' ', Qt::SkipEmptyParts).mid(1).join(u' '), json.value(QStringLiteral("state")).toString());
        QVERIFY(plain(card.detailText()).isEmpty());
    }

    // ---- The repoint preflight: each check's result and reason, and the footer ----

private:
    QString preparePreflight(const QString &scenario)
    {
        const QString folder = freshFolder(scenario);
        if (scenario == u"versions only on the primary (the demo)")
            return newDemo(folder).workspaceFile;
        if (scenario == u"every check passed")
            return writePair(folder, withUpdateMap(standardFiles()), withUpdateMap(standardFiles()), repointActions());
        if (scenario == u"no update maps")
            return writePair(folder, standardFiles(), standardFiles(), repointActions());
        if (scenario == u"box2 down, its last listing all on box4")
        {
            const QString workspace = writePair(folder, withUpdateMap(standardFiles()), withUpdateMap(standardFiles()), repointActions());
            twintrunkctl({QStringLiteral("status"), QStringLiteral("-w"), workspace});
            QDir().rename(QDir(folder).filePath(QStringLiteral("box2")), QDir(folder).filePath(QStringLiteral("box2.away")));
            return workspace;
        }
        if (scenario == u"box2 up, its listing of inbox failed")
        {
            const QString workspace = writePair(folder, withUpdateMap(standardFiles()), withUpdateMap(standardFiles()), repointActions());
            const QString inbox = QDir(folder).filePath(QStringLiteral("box2/inbox"));
            QDir(inbox).removeRecursively();
            Test::writeFile(inbox, "a file where the project's folder was\n");
            return workspace;
        }
        if (scenario == u"box2 never listed")
            return writePair(folder, std::nullopt, withUpdateMap(standardFiles()), repointActions());
        if (scenario == u"box4 down from the start")
            return writePair(folder, withUpdateMap(standardFiles()), std::nullopt, repointActions());
        qFatal("no scenario '%s'", qPrintable(scenario));
    }

private Q_SLOTS:
    void preflight_data()
    {
        QTest::addColumn<QStringList>("results");   // "check id=result" for the checks that tell this row
        QTest::addColumn<QString>("onlyOnPrimary"); // a part of that check's reason
        QTest::addColumn<QString>("footer");

        QTest::newRow("versions only on the primary (the demo)")
            << QStringList{QStringLiteral("only-on-primary=failed"), QStringLiteral("conflicts=warning"), QStringLiteral("update-readiness=passed"),
                   QStringLiteral("actions=warning"), QStringLiteral("public-url=warning")}
            << "6 versions are on box2 and not on box4"
            << "The preflight stops this repoint (Nothing only the current primary has). Nothing was changed.";
        QTest::newRow("every check passed") << QStringList{QStringLiteral("target=passed"), QStringLiteral("primary=passed"),
            QStringLiteral("reachable=passed"), QStringLiteral("only-on-primary=passed"), QStringLiteral("conflicts=passed"),
            QStringLiteral("update-readiness=passed"), QStringLiteral("actions=passed")}
                                            << "box4 has every version box2 has"
                                            << "Every check passed.";
        QTest::newRow("no update maps") << QStringList{QStringLiteral("only-on-primary=passed"), QStringLiteral("update-readiness=not-applicable")}
                                        << "box4 has every version box2 has"
                                        << "Every check that applies passed (1 not applicable).";
        // A down primary's last listing is not a pass: what reached it after that listing is unknown.
        QTest::newRow("box2 down, its last listing all on box4")
            << QStringList{QStringLiteral("primary=warning"), QStringLiteral("only-on-primary=warning"), QStringLiteral("conflicts=warning")}
            << "box2 is down; box4 has every version"
            << "Ready to repoint, with 3 warnings to read first: The current primary; Nothing only the current primary has; Open duplicate-name "
               "conflicts.";
        // Up, but a project's listing failed: what only it has there is unknown, never "nothing".
        QTest::newRow("box2 up, its listing of inbox failed")
            << QStringList{QStringLiteral("primary=passed"), QStringLiteral("only-on-primary=needs-confirmation"), QStringLiteral("conflicts=warning")}
            << "box2's listing of inbox failed: what only it has there is unknown"
            << "The preflight stops this repoint (Nothing only the current primary has). Nothing was changed.";
        // Unknown is never a pass: what only a primary never listed has cannot be compared.
        QTest::newRow("box2 never listed") << QStringList{QStringLiteral("primary=warning"), QStringLiteral("only-on-primary=needs-confirmation"),
            QStringLiteral("conflicts=warning")}
                                           << "what only it has is unknown"
                                           << "The preflight stops this repoint (Nothing only the current primary has). Nothing was changed.";
        // A stopped preflight still lists what it could not check: never a silent gap.
        QTest::newRow("box4 down from the start") << QStringList{QStringLiteral("reachable=failed"), QStringLiteral("only-on-primary=not-checked"),
            QStringLiteral("conflicts=not-checked"), QStringLiteral("update-readiness=not-checked")}
                                                  << "not known: box4 does not answer"
                                                  << "The preflight stops this repoint (The new primary answers). Nothing was changed.";
    }

    void preflight()
    {
        QFETCH(QStringList, results);
        QFETCH(QString, onlyOnPrimary);
        QFETCH(QString, footer);
        const QString workspace = preparePreflight(QString::fromUtf8(QTest::currentDataTag()));

        const QStringList arguments{QStringLiteral("repoint"), QStringLiteral("-w"), workspace, QStringLiteral("--to"), QStringLiteral("box4"),
            QStringLiteral("--dry-run")};
        const Run text = twintrunkctl(arguments);
        const Run json = twintrunkctl(arguments + QStringList{QStringLiteral("--json")});
        const QJsonObject report = objectOf(json);
        QVERIFY2(!report.isEmpty(), json.err.constData());
        const QStringList cli = linesOf(text);
        QStringList steadyCli;
        for (const QString &line : cli)
            steadyCli.append(steady(line));

        Ui::MainWindow window;
        openAndWait(window, workspace);
        if (QTest::currentTestFailed())
            return;
        Ui::RepointDialog *wizard = window.showRepoint(QStringLiteral("box4"));
        QVERIFY(wizard);
        QTRY_VERIFY_WITH_TIMEOUT(!wizard->checklist().isEmpty(), 60000);
        auto *checksTree = wizard->findChild<QTreeWidget *>(QStringLiteral("repointChecks"));
        QVERIFY(checksTree);

        // Each check: the same title, the same result in the same words, the same reason, the same items.
        static const QHash<QString, QString> words{{QStringLiteral("passed"), QStringLiteral("passed")}, {QStringLiteral("warning"), QStringLiteral("warning")},
            {QStringLiteral("needs-confirmation"), QStringLiteral("needs your confirmation")}, {QStringLiteral("failed"), QStringLiteral("FAILED")},
            {QStringLiteral("not-applicable"), QStringLiteral("not applicable")}, {QStringLiteral("not-checked"), QStringLiteral("not checked")}};
        const QJsonArray checks = report.value(QStringLiteral("checks")).toArray();
        const QJsonArray actions = report.value(QStringLiteral("actions")).toArray();
        QCOMPARE(checksTree->topLevelItemCount(), int(checks.size() + actions.size()));
        QHash<QString, QString> resultOf, reasonOf;
        for (int i = 0; i < checks.size(); ++i)
        {
            const QJsonObject check = checks.at(i).toObject();
            const QString result = check.value(QStringLiteral("result")).toString();
            const QString title = check.value(QStringLiteral("title")).toString();
            const QString reason = check.value(QStringLiteral("reason")).toString();
            resultOf.insert(check.value(QStringLiteral("id")).toString(), result);
            reasonOf.insert(check.value(QStringLiteral("id")).toString(), reason);
            const QTreeWidgetItem *item = checksTree->topLevelItem(i);
            QCOMPARE(item->text(0), title);
            QVERIFY2(words.contains(result), qPrintable(result));
            QCOMPARE(item->text(1), words.value(result));
            QCOMPARE(steady(item->text(2)), steady(reason));
            const QStringList items = stringsOf(check.value(QStringLiteral("items")));
            QCOMPARE(item->childCount(), int(items.size()));
            for (int child = 0; child < item->childCount(); ++child)
                QCOMPARE(item->child(child)->text(2), items.at(child));
            const QString line = QStringLiteral("  [%1] %2: %3").arg(words.value(result), title, reason);
            QVERIFY2(steadyCli.contains(steady(line)), qPrintable(line + QStringLiteral("\nnot in\n") + cli.join(u'\n')));
        }
        // The actions a repoint would run, planned.
        for (int i = 0; i < actions.size(); ++i)
        {
            const QJsonObject action = actions.at(i).toObject();
            const QTreeWidgetItem *item = checksTree->topLevelItem(int(checks.size()) + i);
            QCOMPARE(item->text(0), QStringLiteral("Action: ") + action.value(QStringLiteral("id")).toString());
            QCOMPARE(item->text(1), action.value(QStringLiteral("result")).toString());
            QCOMPARE(item->text(2), action.value(QStringLiteral("description")).toString());
            QVERIFY(cli.contains(QStringLiteral("  [%1] %2").arg(item->text(1), item->text(2))));
        }
        // The verdicts this row is about.
        for (const QString &expected : results)
            QVERIFY2(resultOf.value(expected.section(u'=', 0, 0)) == expected.section(u'=', 1), qPrintable(expected));
        if (!onlyOnPrimary.isEmpty())
            QVERIFY2(reasonOf.value(QStringLiteral("only-on-primary")).contains(onlyOnPrimary), qPrintable(reasonOf.value(QStringLiteral("only-on-primary"))));

        // The footer: the wizard's sentence ends the CLI's dry run, and says "Every check passed" only when each did.
        auto *resultLabel = wizard->findChild<QLabel *>(QStringLiteral("repointResult"));
        QVERIFY(resultLabel);
        const QString shown = plain(resultLabel->text());
        QCOMPARE(shown, footer);
        const bool passed = report.value(QStringLiteral("succeeded")).toBool();
        QCOMPARE(wizard->canRepoint(), passed);
        QCOMPARE(text.exitCode, passed ? 0 : 1);
        const QString summary = report.value(QStringLiteral("summary")).toString();
        // "The actions above would run" only when there are actions to run.
        QCOMPARE(summary,
            passed ? QStringLiteral("dry run: %1%2").arg(shown, actions.isEmpty() ? QString() : QStringLiteral(" The actions above would run.")) : shown);
        QStringList nonEmpty = cli;
        nonEmpty.removeAll(QString());
        QCOMPARE(nonEmpty.value(nonEmpty.size() - 1), (passed ? QString() : QStringLiteral("NOT DONE: ")) + summary);
    }

    // ---- A conflict: relation, recommendation, comparison, definitions and their markers ----

private:
    QString prepareConflict(const QString &scenario, QString &project, QString &name)
    {
        const QString folder = freshFolder(scenario);
        if (scenario == u"unrelated")
        {
            project = QStringLiteral("trunk");
            name = QStringLiteral("Split-x.5.mcz");
            return writePair(folder, Files{{QStringLiteral("trunk/Split-x.5.mcz"), Test::makeVersion(QStringLiteral("Split"), QStringLiteral("x"), 5, 0)}},
                Files{{QStringLiteral("trunk/Split-x.5.mcz"), Test::makeVersion(QStringLiteral("Split"), QStringLiteral("x"), 5, 1)}});
        }
        const Demo::DemoWorkspace demo = newDemo(folder);
        project = demo.conflictProject;
        name = demo.conflictFileName;
        if (scenario == u"b descends from a (the demo)")
            return demo.workspaceFile;
        const QString ancestor = Test::divergeDemoConflict(demo);
        if (scenario == u"diverged, three ways")
            return demo.workspaceFile;
        if (scenario == u"diverged, the update map names a")
        {
            // A newer map of the demo's series names box2's variant: images updating now load it.
            const QString a = QDir(demo.directory).filePath(QStringLiteral("box2/") + project + u'/' + name);
            const QByteArray map = updateMap(QStringLiteral("update-mt.481"), {{name.chopped(4), Test::readFile(a)}});
            for (const QString &server : {QStringLiteral("box2"), QStringLiteral("box4")})
                Test::writeFile(QDir(demo.directory).filePath(server + u'/' + project + QStringLiteral("/update-mt.481.mcm")), map);
            return demo.workspaceFile;
        }
        if (scenario == u"diverged, the ancestor on no server")
        {
            for (const QString &server : {QStringLiteral("box2"), QStringLiteral("box4")})
                QFile::remove(QDir(demo.directory).filePath(server + u'/' + project + u'/' + ancestor));
            return demo.workspaceFile;
        }
        qFatal("no scenario '%s'", qPrintable(scenario));
    }

private Q_SLOTS:
    void conflict_data()
    {
        QTest::addColumn<QString>("relation");
        QTest::addColumn<QString>("recommended"); // the variant to keep, or none: a person's call
        QTest::addColumn<QString>("headline");    // the start of it
        QTest::addColumn<QString>("comparison");  // the start of it
        QTest::addColumn<QString>("heading");     // what the markers say: who changed it, or where it is
        QTest::addColumn<QStringList>("markers"); // the markers shown, each once, sorted
        QTest::addColumn<QStringList>("updateMap");

        const QStringList notNamed(2, QStringLiteral("not named by any update map"));
        QTest::newRow("b descends from a (the demo)") << "b-descends-from-a"
                                                      << "b"
                                                      << "b (box4) descends from a (box2): it holds a's changes."
                                                      << "a (box2) is the common ancestor (b (box4) descends from it): two-way comparison"
                                                      << "Changed in" << QStringList{QStringLiteral("b")} << notNamed;
        QTest::newRow("diverged, three ways") << "diverged" << QString() << "a (box2) and b (box4) diverged from Collections-ul.986"
                                              << "Three-way comparison with the common ancestor Collections-ul.986 (read from box2)"
                                              << "Changed in" << QStringList{QStringLiteral("a"), QStringLiteral("b")} << notNamed;
        QTest::newRow("diverged, the update map names a")
            << "diverged"
            << "a"
            << "a (box2) and b (box4) diverged from Collections-ul.986"
            << "Three-way comparison with the common ancestor Collections-ul.986 (read from box2)"
            << "Changed in" << QStringList{QStringLiteral("a"), QStringLiteral("b")}
            << QStringList{QStringLiteral("named by update-mt.481.mcm"), QStringLiteral("not named by any update map")};
        QTest::newRow("diverged, the ancestor on no server")
            << "diverged" << QString() << "a (box2) and b (box4) diverged from Collections-ul.986"
            << "Common ancestor Collections-ul.986 is on no server: two-way comparison"
            << "Where" << QStringList{QStringLiteral("in both, different"), QStringLiteral("only in b")} << notNamed;
        QTest::newRow("unrelated") << "unrelated" << QString() << "a (box2) and b (box4) share no ancestor"
                                   << "a (box2) and b (box4) share no ancestor: two-way comparison"
                                   << "Where" << QStringList() << notNamed;
    }

    void conflict()
    {
        QFETCH(QString, relation);
        QFETCH(QString, recommended);
        QFETCH(QString, headline);
        QFETCH(QString, comparison);
        QFETCH(QString, heading);
        QFETCH(QStringList, markers);
        QFETCH(QStringList, updateMap);
        QString project, name;
        const QString workspace = prepareConflict(QString::fromUtf8(QTest::currentDataTag()), project, name);

        const QStringList arguments{QStringLiteral("conflict"), QStringLiteral("-w"), workspace, project, name};
        const Run text = twintrunkctl(arguments);
        const Run json = twintrunkctl(arguments + QStringList{QStringLiteral("--json")});
        QVERIFY2(text.exitCode == 0, text.err.constData());
        const QJsonObject inspection = objectOf(json);
        QVERIFY2(!inspection.isEmpty(), json.err.constData());
        const QStringList cli = linesOf(text);

        Ui::WorkspaceController controller;
        controller.open(workspace); // requests run in order: the inspection comes after
        Ui::ConflictDialog dialog(&controller, project, name);
        dialog.resize(1000, 720);
        dialog.show();
        QTRY_VERIFY_WITH_TIMEOUT(dialog.isReady(), 60000);

        // The decision first: the same headline and recommendation, the recommended button marked.
        const QJsonObject advice = inspection.value(QStringLiteral("advice")).toObject();
        const QString decision =
            advice.value(QStringLiteral("headline")).toString() + QStringLiteral(".\n") + advice.value(QStringLiteral("advice")).toString();
        QVERIFY2(decision.startsWith(headline), qPrintable(decision));
        QCOMPARE(dialog.headlineText(), decision);
        QCOMPARE(cli.value(1) + u'\n' + cli.value(2), decision);
        QCOMPARE(inspection.value(QStringLiteral("relationKind")).toString(), relation);
        QCOMPARE(advice.value(QStringLiteral("recommended")).toString(), recommended);
        for (int index = 0; index < 2; ++index)
        {
            auto *keep = dialog.findChild<QPushButton *>(QStringLiteral("conflictKeep%1").arg(index));
            QVERIFY(keep);
            QCOMPARE(keep->text().contains(QStringLiteral("recommended")), recommended == QChar(char16_t(u'a' + index)));
        }
        QCOMPARE(advice.value(QStringLiteral("keep")).isNull(), recommended.isEmpty());

        // What the code is compared against, and the comparison's columns.
        const QJsonObject compared = inspection.value(QStringLiteral("comparison")).toObject();
        const QString comparisonText = compared.value(QStringLiteral("text")).toString();
        QVERIFY2(comparisonText.startsWith(comparison), qPrintable(comparisonText));
        QCOMPARE(dialog.comparisonText(), comparisonText);
        QVERIFY2(cli.contains(QStringLiteral("  ") + comparisonText), text.out.constData());
        QCOMPARE(dialog.comparisonColumns(), stringsOf(compared.value(QStringLiteral("columns"))));
        QCOMPARE(compared.value(QStringLiteral("threeWay")).toBool(), comparison.startsWith(QStringLiteral("Three-way")));
        QCOMPARE(dialog.comparisonColumns().size(), compared.value(QStringLiteral("threeWay")).toBool() ? 3 : 2);

        // The definitions: each with the same change and marker, in the same order; the JSON's
        // side a, b or both says the same as the marker.
        auto *definitions = dialog.findChild<QTreeWidget *>(QStringLiteral("conflictDefinitions"));
        QVERIFY(definitions);
        QCOMPARE(definitions->headerItem()->text(2), heading);
        const bool againstAncestor = compared.value(QStringLiteral("sides")).toString() == u"changed-since-ancestor";
        QCOMPARE(againstAncestor, heading == u"Changed in");
        const QJsonArray codeDiff = inspection.value(QStringLiteral("codeDiff")).toArray();
        QVERIFY(!codeDiff.isEmpty());
        QCOMPARE(definitions->topLevelItemCount(), int(codeDiff.size()));
        const qsizetype table = cli.indexOf(QRegularExpression(QStringLiteral("^    %1 +Change +Definition$").arg(heading)));
        QVERIFY2(table >= 0, text.out.constData());
        QCOMPARE(cli.value(table - 1),
            QStringLiteral("  code: %1 definition%2").arg(codeDiff.size()).arg(QLatin1String(codeDiff.size() == 1 ? " differs" : "s differ")));
        static const QHash<QString, QString> presence{{QStringLiteral("a"), QStringLiteral("only in a")}, {QStringLiteral("b"), QStringLiteral("only in b")},
            {QStringLiteral("both"), QStringLiteral("in both, different")}};
        QStringList shownMarkers;
        for (int i = 0; i < codeDiff.size(); ++i)
        {
            const QJsonObject entry = codeDiff.at(i).toObject();
            const QTreeWidgetItem *item = definitions->topLevelItem(i);
            const QString key = entry.value(QStringLiteral("definition")).toString();
            const QString change = entry.value(QStringLiteral("change")).toString();
            const QString marker = entry.value(QStringLiteral("marker")).toString();
            const QString side = entry.value(QStringLiteral("side")).toString();
            QCOMPARE(item->text(0), key);
            QCOMPARE(item->text(1), change);
            QCOMPARE(item->text(2), marker);
            QCOMPARE(item->toolTip(2), entry.value(QStringLiteral("explanation")).toString());
            QVERIFY2(presence.contains(side), qPrintable(side));
            QCOMPARE(marker, againstAncestor ? side : presence.value(side));
            QCOMPARE(cli.value(table + 1 + i).split(QRegularExpression(QStringLiteral("\\s{2,}")), Qt::SkipEmptyParts), (QStringList{marker, change, key}));
            if (!shownMarkers.contains(marker))
                shownMarkers.append(marker);
        }
        shownMarkers.sort();
        if (!markers.isEmpty())
            QCOMPARE(shownMarkers, markers);

        // Which variant an updating image loads.
        const QJsonArray variants = inspection.value(QStringLiteral("variants")).toArray();
        QCOMPARE(variants.size(), 2);
        QStringList cliMaps;
        for (const QString &line : cli)
        {
            if (line.startsWith(QStringLiteral("      update map: ")))
                cliMaps.append(line.mid(18));
        }
        QCOMPARE(cliMaps, updateMap);
        for (int i = 0; i < variants.size(); ++i)
        {
            QCOMPARE(variants.at(i).toObject().value(QStringLiteral("updateMapText")).toString(), updateMap.at(i));
            QCOMPARE(dialog.fieldText(8, i), updateMap.at(i));
        }
        QTRY_VERIFY_WITH_TIMEOUT(!controller.isBusy(), 60000);
    }

    void resolution_data()
    {
        QTest::addColumn<bool>("replace");
        QTest::newRow("the other copy stays") << false;
        QTest::newRow("replacing it") << true;
    }

    // Keeping box2's variant of the demo's conflict: the console's confirmation says what
    // `resolve --dry-run` says (its JSON's words), paragraph by paragraph; only the option's name
    // differs (the checkbox's own label in the console, --replace in the CLI); the question last.
    void resolution()
    {
        QFETCH(bool, replace);
        const Demo::DemoWorkspace demo = newDemo(freshFolder(QStringLiteral("resolution")));
        QStringList arguments{QStringLiteral("resolve"), QStringLiteral("-w"), demo.workspaceFile, demo.conflictProject, demo.conflictFileName,
            QStringLiteral("--keep"), QStringLiteral("box2"), QStringLiteral("--dry-run"), QStringLiteral("--json")};
        if (replace)
            arguments.append(QStringLiteral("--replace"));
        const Run json = twintrunkctl(arguments);
        QVERIFY2(json.exitCode == 0, json.err.constData());
        const QStringList words = stringsOf(objectOf(json).value(QStringLiteral("words")));
        QVERIFY2(words.size() >= 3, json.out.constData());

        Ui::WorkspaceController controller;
        controller.open(demo.workspaceFile);
        Ui::ConflictDialog dialog(&controller, demo.conflictProject, demo.conflictFileName);
        dialog.show();
        QTRY_VERIFY_WITH_TIMEOUT(dialog.isReady(), 60000);
        auto *checkbox = dialog.findChild<QCheckBox *>();
        checkbox->setChecked(replace);
        dialog.keepVariant(0);
        QMessageBox *box = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((box = dialog.findChild<QMessageBox *>()), 60000);
        QStringList shown = box->text().split(QStringLiteral("\n\n"));
        const QString question = shown.takeLast();
        QCOMPARE(question, QStringLiteral("Keep box2's variant (%1) of %2?").arg(dialog.fieldText(1, 0).left(8), demo.conflictFileName));
        QStringList expected;
        for (const QString &paragraph : words)
            expected.append(QString(paragraph).replace(QStringLiteral("--replace"), QStringLiteral("“%1”").arg(checkbox->text().remove(u'&'))));
        QCOMPARE(shown, expected);
        QCOMPARE(shown != words, !replace); // the option is named only when it is not chosen
        box->button(QMessageBox::No)->click();
        QTRY_VERIFY_WITH_TIMEOUT(dialog.resultText() == QStringLiteral("Not resolved."), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(!controller.isBusy(), 60000);
    }
};

QTEST_MAIN(TestAgreement)
#include "tst_agreement.moc"
