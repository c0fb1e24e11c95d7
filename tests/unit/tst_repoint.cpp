// Repoint on directory servers (the demo workspace): the workspace's repoint settings, the
// commands it runs, the preflight's refusals, and a rollback that leaves nothing half-switched.

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include "demo/demoworkspace.h"
#include "failover/commandrunner.h"
#include "failover/repoint.h"
#include "presentation/verdict.h"
#include "sync/syncengine.h"
#include "testsupport.h"

using namespace TwinTrunk;
using namespace TwinTrunk::Failover;

class TestRepoint final : public QObject
{
    Q_OBJECT

    static Result<Workspace> parse(const QByteArray &repoint)
    {
        const QByteArray json = "{\"servers\": [{\"name\": \"a\", \"url\": \"file:///a\", \"primary\": true, \"colour\": \"red\"}, "
                                "{\"name\": \"b\", \"url\": \"http://b.example:8888/\", \"upstream\": \"10.0.0.4:80\"}], "
                                "\"projects\": [\"trunk\"], \"repoint\": "
            + repoint + "}";
        return Workspace::fromJson(QJsonDocument::fromJson(json).object(), QStringLiteral("ws.json"));
    }

    static const Check *findCheck(const RepointReport &report, const QString &id)
    {
        for (const Check &check : report.checks)
        {
            if (check.id == id)
                return &check;
        }
        return nullptr;
    }

    struct Demo
    {
        QTemporaryDir dir;
        TwinTrunk::Demo::DemoWorkspace demo;
        Workspace workspace;
        std::unique_ptr<State::StateDatabase> state;
    };

    // The demo workspace with its divergence copied over (the conflict stays), and `repoint` set.
    static std::unique_ptr<Demo> syncedDemo(const QJsonObject &repoint = {})
    {
        auto result = std::make_unique<Demo>();
        Result<TwinTrunk::Demo::DemoWorkspace> demo = TwinTrunk::Demo::createDemoWorkspace(result->dir.filePath(QStringLiteral("demo")));
        if (!demo)
            qFatal("%s", qPrintable(demo.error().toString()));
        result->demo = demo.value();
        QJsonObject json = QJsonDocument::fromJson(Test::readFile(demo->workspaceFile)).object();
        if (!repoint.isEmpty())
            json.insert(QStringLiteral("repoint"), repoint);
        Test::writeFile(demo->workspaceFile, QJsonDocument(json).toJson());
        result->workspace = Workspace::load(demo->workspaceFile).value();
        result->state = State::StateDatabase::open(result->workspace.stateDatabasePath()).value();
        Sync::SyncEngine engine(result->workspace, *result->state, Sync::EngineOptions{});
        Result<Sync::StatusReport> status = Test::wait(engine.status());
        Test::wait(engine.run(engine.plan(status.value())));
        return result;
    }

private Q_SLOTS:
    void theWorkspaceSaysHowToRepoint()
    {
        Result<Workspace> workspace = parse("{\"publicUrl\": \"https://source.squeak.org/\", "
                                            "\"frontProxy\": {\"upstreamFile\": \"proxy/upstream.conf\", \"reload\": \"systemctl reload nginx\"}, "
                                            "\"command\": {\"run\": [\"/usr/local/bin/move-dns\", \"--to\", \"new\"], \"rollback\": \"move-dns --back\"}, "
                                            "\"imageSnippet\": \"repoint.st\", \"watchLateCommits\": \"2h\"}");
        QVERIFY2(workspace.ok(), qPrintable(workspace.ok() ? QString() : workspace.error().toString()));
        const RepointConfig &config = workspace->repoint();
        QCOMPARE(config.publicUrl, QUrl(QStringLiteral("https://source.squeak.org/")));
        QCOMPARE(config.reload.shellLine, QStringLiteral("systemctl reload nginx"));
        QCOMPARE(config.command.argv, (QStringList{QStringLiteral("/usr/local/bin/move-dns"), QStringLiteral("--to"), QStringLiteral("new")}));
        QCOMPARE(config.rollback.shellLine, QStringLiteral("move-dns --back"));
        QCOMPARE(config.watchLateCommitsSeconds, 7200);
        QCOMPARE(workspace->server(QStringLiteral("a"))->upstreamAddress(), QStringLiteral(":80")); // a file URL has no host: set upstream
        QCOMPARE(workspace->server(QStringLiteral("b"))->upstreamAddress(), QStringLiteral("10.0.0.4:80"));

        // Making b the primary keeps every key the admin wrote, known or not.
        QVERIFY(workspace.value().setPrimary(QStringLiteral("b")));
        QVERIFY(!workspace.value().setPrimary(QStringLiteral("nobody")));
        const QJsonObject json = workspace->toJson();
        const QJsonArray servers = json.value(QStringLiteral("servers")).toArray();
        QCOMPARE(servers.at(0).toObject().value(QStringLiteral("colour")).toString(), QStringLiteral("red"));
        QVERIFY(!servers.at(0).toObject().value(QStringLiteral("primary")).toBool());
        QVERIFY(servers.at(1).toObject().value(QStringLiteral("primary")).toBool());
        QCOMPARE(servers.at(1).toObject().value(QStringLiteral("upstream")).toString(), QStringLiteral("10.0.0.4:80"));
        QCOMPARE(json.value(QStringLiteral("repoint")).toObject().value(QStringLiteral("watchLateCommits")).toString(), QStringLiteral("2h"));
    }

    void repointErrorsNameTheField_data()
    {
        QTest::addColumn<QByteArray>("repoint");
        QTest::addColumn<QString>("field");
        QTest::newRow("not an object") << QByteArray("[]") << "repoint: must be an object";
        QTest::newRow("public url") << QByteArray("{\"publicUrl\": \"ftp://x/\"}") << "repoint.publicUrl";
        QTest::newRow("no include") << QByteArray("{\"frontProxy\": {\"reload\": \"x\"}}") << "repoint.frontProxy.upstreamFile";
        QTest::newRow("no reload") << QByteArray("{\"frontProxy\": {\"upstreamFile\": \"u.conf\"}}") << "repoint.frontProxy.reload";
        QTest::newRow("reload type") << QByteArray("{\"frontProxy\": {\"upstreamFile\": \"u.conf\", \"reload\": 3}}") << "repoint.frontProxy.reload";
        QTest::newRow("argv type") << QByteArray("{\"command\": {\"run\": [\"x\", 1]}}") << "repoint.command.run";
        QTest::newRow("no run") << QByteArray("{\"command\": {\"rollback\": \"x\"}}") << "repoint.command.run";
        QTest::newRow("watch") << QByteArray("{\"watchLateCommits\": \"soon\"}") << "repoint.watchLateCommits";
    }

    void repointErrorsNameTheField()
    {
        QFETCH(QByteArray, repoint);
        QFETCH(QString, field);
        Result<Workspace> workspace = parse(repoint);
        QVERIFY(!workspace.ok());
        QVERIFY2(workspace.error().message.contains(field), qPrintable(workspace.error().toString()));
    }

    void commandsRunWithTheirEnvironmentAndFailClearly()
    {
        QProcessEnvironment environment;
        environment.insert(QStringLiteral("NEW_PRIMARY"), QStringLiteral("box4"));
        CommandOutcome shell = Test::wait(runCommand(CommandConfig{QStringLiteral("echo to $NEW_PRIMARY"), {}}, environment, 10000));
        QVERIFY2(shell.ok, qPrintable(shell.error));
        QCOMPARE(shell.output, QStringLiteral("to box4"));

        // A list runs without a shell: nothing in it is expanded.
        CommandOutcome argv = Test::wait(runCommand(CommandConfig{QString(), {QStringLiteral("echo"), QStringLiteral("$NEW_PRIMARY")}}, environment, 10000));
        QVERIFY(argv.ok);
        QCOMPARE(argv.output, QStringLiteral("$NEW_PRIMARY"));

        CommandOutcome failed = Test::wait(runCommand(CommandConfig{QStringLiteral("echo broken >&2; exit 4"), {}}, environment, 10000));
        QVERIFY(!failed.ok);
        QCOMPARE(failed.exitCode, 4);
        QCOMPARE(failed.output, QStringLiteral("broken"));
        QVERIFY(failed.error.contains(QStringLiteral("exited with status 4")));

        CommandOutcome missing =
            Test::wait(runCommand(CommandConfig{QString(), {QStringLiteral("/nonexistent/twintrunk-no-such-program")}}, environment, 10000));
        QVERIFY(!missing.ok);
        QVERIFY(missing.error.contains(QStringLiteral("could not start")));

        CommandOutcome slow = Test::wait(runCommand(CommandConfig{QStringLiteral("sleep 20"), {}}, environment, 300));
        QVERIFY(!slow.ok);
        QVERIFY(slow.error.contains(QStringLiteral("did not finish")));
    }

    void theIncludeAndTheSnippetSayWhatTheyAreFor()
    {
        ServerConfig from{QStringLiteral("box2"), QUrl(QStringLiteral("https://source.squeak.org/")), true, {}, {}, {}, {}};
        ServerConfig to{QStringLiteral("box4"), QUrl(QStringLiteral("http://box4.squeak.org:8888/")), false, {}, {}, {}, {}};
        const QDateTime at(QDate(2026, 11, 27), QTime(12, 0), Qt::UTC);
        const QByteArray include = Repoint::upstreamInclude(to, at);
        QVERIFY(include.contains("\nserver box4.squeak.org:8888;\n"));
        QVERIFY(include.startsWith("# Written by TwinTrunk at 2026-11-27T12:00:00Z: box4"));

        from.url = QUrl(QStringLiteral("http://example.org/o'brien/"));
        const QString snippet = Repoint::imageSnippet(from, to, {QStringLiteral("trunk")}, at);
        QVERIFY(snippet.contains(QStringLiteral("newUrl := 'http://box4.squeak.org:8888/'.")));
        QVERIFY(snippet.contains(QStringLiteral("oldUrl := 'http://example.org/o''brien/'."))); // a quote in Smalltalk is doubled
        QVERIFY(snippet.contains(QStringLiteral("defaultUpdateURL:")));
    }

    void preflightChecksTheTarget()
    {
        auto demo = syncedDemo();
        Repoint repoint(demo->workspace, *demo->state);
        QCOMPARE(Test::wait(repoint.preflight(QStringLiteral("nobody"))).checks.first().outcome, Check::Outcome::Failed);
        QCOMPARE(Test::wait(repoint.preflight(QStringLiteral("box2"))).checks.first().reason, QStringLiteral("box2 is the primary already"));

        RepointReport ready = Test::wait(repoint.preflight(QStringLiteral("box4")));
        QVERIFY(ready.preflightPassed(false));
        QCOMPARE(findCheck(ready, QStringLiteral("conflicts"))->outcome, Check::Outcome::Warning); // the demo's conflict
        QCOMPARE(findCheck(ready, QStringLiteral("conflicts"))->items, QStringList{demo->demo.conflictProject + u'/' + demo->demo.conflictFileName});
        QCOMPARE(findCheck(ready, QStringLiteral("update-readiness"))->outcome, Check::Outcome::Passed);
        QCOMPARE(findCheck(ready, QStringLiteral("actions"))->outcome, Check::Outcome::Warning); // the demo moves nothing

        // A version box4's update map names is taken out of box4 (kept aside, not lost).
        const QString project = demo->demo.updateMap.section(u'/', 0, 0);
        const QByteArray map = Test::readFile(QDir(demo->demo.directory).filePath(QStringLiteral("box4/") + demo->demo.updateMap));
        const QString mapped = QString::fromUtf8(map.mid(map.indexOf("dependency ('")).split('\'').at(3)) + QStringLiteral(".mcz");
        const QString path = QDir(demo->demo.directory).filePath(QStringLiteral("box4/%1/%2").arg(project, mapped));
        QVERIFY2(QDir().rename(path, demo->dir.filePath(mapped)), qPrintable(path));
        RepointReport notReady = Test::wait(repoint.preflight(QStringLiteral("box4")));
        QVERIFY(!notReady.preflightPassed(true));
        const Check *readiness = findCheck(notReady, QStringLiteral("update-readiness"));
        QCOMPARE(readiness->outcome, Check::Outcome::Failed);
        QVERIFY2(readiness->items.join(u'\n').contains(mapped), qPrintable(readiness->items.join(u'\n')));
        QCOMPARE(findCheck(notReady, QStringLiteral("only-on-primary"))->outcome, Check::Outcome::Failed);
    }

    // A fresh workspace whose primary is down and was never listed: what only it has is unknown,
    // so that check does not pass; going on needs the at-risk acceptance. Without update maps,
    // "images can update" is not applicable, not passed.
    void anUnknownPrimaryIsNeverAllClear()
    {
        QTemporaryDir dir;
        const TwinTrunk::Demo::DemoWorkspace demo = TwinTrunk::Demo::createDemoWorkspace(dir.filePath(QStringLiteral("demo"))).value();
        for (const QString &server : demo.serverNames)
            QVERIFY(QFile::remove(QDir(demo.directory).filePath(server + u'/' + demo.updateMap)));
        const QDir box2(QDir(demo.directory).filePath(demo.serverNames.at(0)));
        QVERIFY(QDir().rename(box2.path(), box2.path() + QStringLiteral(".down"))); // down from the start
        Workspace workspace = Workspace::load(demo.workspaceFile).value();
        auto state = State::StateDatabase::open(workspace.stateDatabasePath()).value();
        Repoint repoint(workspace, *state);

        const RepointReport report = Test::wait(repoint.preflight(QStringLiteral("box4")));
        const Check *onlyOnPrimary = findCheck(report, QStringLiteral("only-on-primary"));
        QCOMPARE(onlyOnPrimary->outcome, Check::Outcome::NeedsConfirmation);
        QVERIFY2(onlyOnPrimary->reason.contains(QStringLiteral("never listed")) && onlyOnPrimary->reason.contains(QStringLiteral("unknown")),
            qPrintable(onlyOnPrimary->reason));
        QVERIFY(!report.preflightPassed(false));
        QCOMPARE(findCheck(report, QStringLiteral("update-readiness"))->outcome, Check::Outcome::NotApplicable);
        // For the confirmation's first words: no list, every project not known.
        QCOMPARE(report.primaryRisk.neverListed, workspace.projects());
        QVERIFY(report.primaryRisk.atRisk.isEmpty() && !report.primaryRisk.listedAt.isValid());

        RepointOptions atRisk;
        atRisk.acceptAtRisk = true;
        const RepointReport accepted = Test::wait(repoint.preflight(QStringLiteral("box4"), atRisk));
        QCOMPARE(findCheck(accepted, QStringLiteral("only-on-primary"))->outcome, Check::Outcome::Warning);
        QVERIFY(accepted.preflightPassed(true));
    }

    // The new primary down: the preflight stops there, and still lists what it could not check,
    // as not known; an at-risk acceptance cannot turn those into a pass.
    void aStoppedPreflightListsWhatItDidNotCheck()
    {
        QTemporaryDir dir;
        const TwinTrunk::Demo::DemoWorkspace demo = TwinTrunk::Demo::createDemoWorkspace(dir.filePath(QStringLiteral("demo"))).value();
        const QDir box4(QDir(demo.directory).filePath(demo.serverNames.at(1)));
        QVERIFY(QDir().rename(box4.path(), box4.path() + QStringLiteral(".down")));
        Workspace workspace = Workspace::load(demo.workspaceFile).value();
        auto state = State::StateDatabase::open(workspace.stateDatabasePath()).value();
        Repoint repoint(workspace, *state);

        RepointOptions atRisk;
        atRisk.acceptAtRisk = true;
        const RepointReport report = Test::wait(repoint.preflight(QStringLiteral("box4"), atRisk));
        QCOMPARE(findCheck(report, QStringLiteral("reachable"))->outcome, Check::Outcome::Failed);
        for (const QString &id : {QStringLiteral("only-on-primary"), QStringLiteral("conflicts"), QStringLiteral("update-readiness")})
        {
            const Check *check = findCheck(report, id);
            QVERIFY2(check, qPrintable(id));
            QCOMPARE(check->outcome, Check::Outcome::NotChecked);
            QCOMPARE(check->reason, QStringLiteral("not known: box4 does not answer"));
        }
        QVERIFY(!report.preflightPassed(true));
        QStringList jsonResults;
        for (const QJsonValue &check : report.toJson().value(QStringLiteral("checks")).toArray())
            jsonResults.append(check[QStringLiteral("id")].toString() + u'=' + check[QStringLiteral("result")].toString());
        QVERIFY2(jsonResults.contains(QStringLiteral("only-on-primary=not-checked")), qPrintable(jsonResults.join(u' ')));
    }

    // The primary up, but its listing of one project failed (a file where the project's folder
    // was): what only it has there is unknown, never "nothing only the current primary has".
    // Going on needs the at-risk acceptance, the confirmation names the project, and --copy-first
    // says it cannot copy what it cannot list.
    void aPrimaryUpWithAFailedListingIsNeverAllClear()
    {
        auto demo = syncedDemo();
        const QString project = QStringLiteral("inbox");
        QVERIFY(demo->workspace.projects().contains(project));
        const QString folder = QDir(demo->demo.directory).filePath(QStringLiteral("box2/") + project);
        QVERIFY(QDir().rename(folder, demo->dir.filePath(QStringLiteral("inbox.aside"))));
        Test::writeFile(folder, "not a folder\n");
        Repoint repoint(demo->workspace, *demo->state);

        const RepointReport report = Test::wait(repoint.preflight(QStringLiteral("box4")));
        QCOMPARE(findCheck(report, QStringLiteral("primary"))->outcome, Check::Outcome::Passed);
        const Check *onlyOnPrimary = findCheck(report, QStringLiteral("only-on-primary"));
        QCOMPARE(onlyOnPrimary->outcome, Check::Outcome::NeedsConfirmation);
        QVERIFY2(onlyOnPrimary->reason.startsWith(QStringLiteral("box2's listing of inbox failed: what only it has there is unknown (")),
            qPrintable(onlyOnPrimary->reason));
        QVERIFY2(onlyOnPrimary->reason.contains(QStringLiteral("not a folder")), qPrintable(onlyOnPrimary->reason));
        QVERIFY(!report.preflightPassed(false));
        QCOMPARE(report.primaryRisk.listingFailed, QStringList{project});
        QVERIFY(!report.primaryRisk.empty());
        const QString risk = Presentation::repointRisk(report, QDateTime::currentDateTimeUtc());
        QVERIFY2(risk.contains(QStringLiteral("What only box2 has in inbox is not known")), qPrintable(risk));

        RepointOptions copyFirst;
        copyFirst.copyFirst = true;
        const RepointReport copying = Test::wait(repoint.preflight(QStringLiteral("box4"), copyFirst));
        const Check *copied = findCheck(copying, QStringLiteral("only-on-primary"));
        QCOMPARE(copied->outcome, Check::Outcome::NeedsConfirmation);
        QVERIFY2(copied->reason.contains(QStringLiteral("cannot copy what it cannot list")), qPrintable(copied->reason));

        copyFirst.acceptAtRisk = true;
        const RepointReport accepted = Test::wait(repoint.preflight(QStringLiteral("box4"), copyFirst));
        QCOMPARE(findCheck(accepted, QStringLiteral("only-on-primary"))->outcome, Check::Outcome::Warning);
        QVERIFY(accepted.preflightPassed(true));

        // The conflicts check says what it does not know and what it found, a sentence each.
        const Check *conflicts = findCheck(report, QStringLiteral("conflicts"));
        QCOMPARE(conflicts->outcome, Check::Outcome::Warning);
        QCOMPARE(conflicts->reason,
            QStringLiteral("not known where a server was not listed (box2 in inbox). Among what was listed, 1 open: "
                           "images may load either variant; see 'twintrunkctl conflicts'."));
    }

    // A dry run with no repoint actions does not announce that "the actions above" would run.
    void aDryRunWithoutActionsDoesNotPromiseThem()
    {
        auto demo = syncedDemo();
        Repoint repoint(demo->workspace, *demo->state);
        RepointOptions options;
        options.dryRun = true;
        options.copyFirst = true; // a copy first is an action, planned
        const RepointReport withCopy = Test::wait(repoint.run(QStringLiteral("box4"), options));
        QVERIFY2(withCopy.succeeded && !withCopy.actions.isEmpty(), qPrintable(withCopy.summary));
        QVERIFY2(withCopy.summary.endsWith(QStringLiteral(" The actions above would run.")), qPrintable(withCopy.summary));

        options.copyFirst = false; // and the demo configures none
        const RepointReport report = Test::wait(repoint.run(QStringLiteral("box4"), options));
        QVERIFY2(report.succeeded, qPrintable(report.summary));
        QVERIFY(report.actions.isEmpty());
        QVERIFY2(report.summary.startsWith(QStringLiteral("dry run: Ready to repoint")) && !report.summary.contains(QStringLiteral("actions above")),
            qPrintable(report.summary));
    }

    // The down primary's last listing says how old it is, in local time and as an age; so does an
    // at-risk list. The oldest of its projects' listings is the one named. Even with every version
    // of it on the target it is a warning, not a pass: what reached the primary since is unknown.
    void aDownPrimarysLastListingSaysHowOldItIs()
    {
        auto demo = syncedDemo();
        QDateTime oldest;
        for (const QString &project : demo->workspace.projects())
        {
            const QDateTime listed = demo->state->listingRecord(QStringLiteral("box2"), project)->listedAt;
            QVERIFY(listed.isValid());
            if (!oldest.isValid() || listed < oldest)
                oldest = listed;
        }
        const QDir box2(QDir(demo->demo.directory).filePath(QStringLiteral("box2")));
        QVERIFY(QDir().rename(box2.path(), box2.path() + QStringLiteral(".down")));
        Repoint repoint(demo->workspace, *demo->state);
        // The local time's form depends on whether it is today: read it either side of the run,
        // and accept any age (a loaded CI machine can take minutes).
        const QString localBefore = Presentation::localTime(oldest);
        const RepointReport report = Test::wait(repoint.preflight(QStringLiteral("box4")));
        const QString localAfter = Presentation::localTime(oldest);
        const Check *onlyOnPrimary = findCheck(report, QStringLiteral("only-on-primary"));
        QCOMPARE(onlyOnPrimary->outcome, Check::Outcome::Warning);
        QVERIFY(report.preflightPassed(false));
        const QRegularExpression warned(QStringLiteral("^box2 is down; box4 has every version box2's last listing \\((.+), (\\d+ \\S+) ago\\) had; "
                                                       "what reached box2 after it is not known$"));
        const QRegularExpressionMatch match = warned.match(onlyOnPrimary->reason);
        QVERIFY2(match.hasMatch(), qPrintable(onlyOnPrimary->reason));
        QVERIFY2(match.captured(1) == localBefore || match.captured(1) == localAfter, qPrintable(match.captured(1)));
        QCOMPARE(report.primaryRisk.listedAt, oldest);
        QVERIFY(report.primaryRisk.empty());

        // A version only box2's last listing had: at risk, with the same listing named.
        const QString project = demo->workspace.projects().first();
        QString name;
        for (const State::KnownVersion &version : demo->state->knownVersions(QStringLiteral("box4"), project).value())
        {
            if (name.isEmpty() && version.present && version.name.endsWith(QStringLiteral(".mcz")) && version.name != demo->demo.conflictFileName)
                name = version.name;
        }
        QVERIFY(!name.isEmpty());
        QVERIFY(QFile::remove(QDir(demo->demo.directory).filePath(QStringLiteral("box4/%1/%2").arg(project, name))));
        RepointOptions atRisk;
        atRisk.acceptAtRisk = true;
        const QString riskyBefore = Presentation::localTime(oldest);
        const RepointReport risky = Test::wait(repoint.preflight(QStringLiteral("box4"), atRisk));
        const Check *risk = findCheck(risky, QStringLiteral("only-on-primary"));
        QCOMPARE(risk->outcome, Check::Outcome::Warning);
        QVERIFY2((risk->reason.startsWith(QStringLiteral("box2 is down, and its last listing (%1, ").arg(riskyBefore))
                     || risk->reason.startsWith(QStringLiteral("box2 is down, and its last listing (%1, ").arg(Presentation::localTime(oldest))))
                && risk->reason.contains(QStringLiteral(" ago) had 1 version box4 lacks (%1/%2)").arg(project, name)),
            qPrintable(risk->reason));
        QCOMPARE(risky.primaryRisk.atRisk, QStringList{project + u'/' + name});
        QVERIFY(Presentation::repointRisk(risky, QDateTime::currentDateTimeUtc()).startsWith(QStringLiteral("At risk: box4 lacks 1 version box2's")));
    }

    void aFailedVerificationUndoesEveryAction()
    {
        // Nothing listens on the public URL: the check fails after the actions, and all are undone.
        auto demo = syncedDemo(QJsonObject{{QStringLiteral("publicUrl"), QStringLiteral("http://127.0.0.1:9/")},
            {QStringLiteral("command"),
                QJsonObject{{QStringLiteral("run"), QStringLiteral("echo moved > moved.txt")},
                    {QStringLiteral("rollback"), QStringLiteral("rm moved.txt; echo undone > undone.txt")}}},
            {QStringLiteral("imageSnippet"), QStringLiteral("announce.st")}, {QStringLiteral("verifyTimeout"), QStringLiteral("1s")}});
        const QString snippet = QDir(demo->demo.directory).filePath(QStringLiteral("announce.st"));
        Test::writeFile(snippet, "the last announcement\n");
        const QByteArray workspaceBefore = Test::readFile(demo->demo.workspaceFile);

        // Commands run in the test's working folder: make it the demo's.
        const QString cwd = QDir::currentPath();
        QDir::setCurrent(demo->demo.directory);
        Repoint repoint(demo->workspace, *demo->state);
        const RepointReport report = Test::wait(repoint.run(QStringLiteral("box4")));
        QDir::setCurrent(cwd);

        QVERIFY(!report.succeeded);
        QVERIFY(report.rolledBack);
        QCOMPARE(report.verification.outcome, Check::Outcome::Failed);
        QVERIFY2(report.verification.reason.contains(QStringLiteral("public URL does not answer")), qPrintable(report.verification.reason));
        QCOMPARE(report.actions.size(), 2);
        for (const ActionStep &action : report.actions)
            QCOMPARE(outcomeName(action.outcome), QStringLiteral("rolled-back"));
        QCOMPARE(Test::readFile(snippet), QByteArray("the last announcement\n"));
        QVERIFY(!QFile::exists(QDir(demo->demo.directory).filePath(QStringLiteral("moved.txt"))));
        QVERIFY(QFile::exists(QDir(demo->demo.directory).filePath(QStringLiteral("undone.txt"))));
        QCOMPARE(Test::readFile(demo->demo.workspaceFile), workspaceBefore);
        QCOMPARE(demo->state->lateCommitWatches(QDateTime::currentDateTimeUtc())->size(), 0);
        const QList<State::JournalEntry> journal = demo->state->journalSince(QDateTime()).value();
        QCOMPARE(journal.constLast().operation, QStringLiteral("repoint"));
        QCOMPARE(journal.constLast().result, QStringLiteral("rolled-back"));
    }

    void aRepointWithoutAPublicUrlMovesTheWorkspaceAndWatchesTheOldPrimary()
    {
        auto demo = syncedDemo(QJsonObject{{QStringLiteral("imageSnippet"), QStringLiteral("announce.st")}});
        Repoint repoint(demo->workspace, *demo->state);
        const RepointReport report = Test::wait(repoint.run(QStringLiteral("box4")));
        QVERIFY2(report.succeeded, qPrintable(report.summary));
        QCOMPARE(report.verification.outcome, Check::Outcome::Warning); // checked on box4 itself, and says so
        QCOMPARE(Workspace::load(demo->demo.workspaceFile)->primary().name, QStringLiteral("box4"));
        const QList<State::LateCommitWatch> watches = demo->state->lateCommitWatches(QDateTime::currentDateTimeUtc()).value();
        QCOMPARE(watches.size(), 1);
        QCOMPARE(watches.first().oldPrimary, QStringLiteral("box2"));
        QCOMPARE(watches.first().newPrimary, QStringLiteral("box4"));
        QVERIFY(Test::readFile(QDir(demo->demo.directory).filePath(QStringLiteral("announce.st"))).contains("box4"));
    }
};

QTEST_GUILESS_MAIN(TestRepoint)
#include "tst_repoint.moc"
