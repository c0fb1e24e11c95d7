#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

#include "testsupport.h"
#include "workspace/workspace.h"

using namespace TwinTrunk;

class TestWorkspace final : public QObject
{
    Q_OBJECT

    static Result<Workspace> parse(const QByteArray &json) { return Workspace::fromJson(QJsonDocument::fromJson(json).object(), QStringLiteral("ws.json")); }

private Q_SLOTS:
    void readsTheDocumentedExample()
    {
        Result<Workspace> workspace = parse("{\"servers\": [{\"name\": \"box2\", \"url\": \"https://source.squeak.org/\", \"primary\": true},\n"
                                            "            {\"name\": \"box4\", \"url\": \"http://box4.squeak.org/\"}], \"projects\": [\"trunk\", \"inbox\", "
                                            "\"treated\"], \"sync\": {\"jobs\": 4, \"every\": \"15m\"},\n"
                                            "            \"repoint\": {\"kept\": \"as is\"}}");
        QVERIFY2(workspace.ok(), qPrintable(workspace.ok() ? QString() : workspace.error().toString()));
        QCOMPARE(workspace->servers().size(), 2);
        QCOMPARE(workspace->primary().name, QStringLiteral("box2"));
        QCOMPARE(workspace->projects(), (QStringList{QStringLiteral("trunk"), QStringLiteral("inbox"), QStringLiteral("treated")}));
        QCOMPARE(workspace->jobs(), 4);
        QCOMPARE(workspace->syncEverySeconds(), 15 * 60);
        QCOMPARE(workspace->toJson().value(QStringLiteral("sync")).toObject().value(QStringLiteral("every")).toString(), QStringLiteral("15m"));
        // Unknown keys survive a round trip.
        QCOMPARE(workspace->toJson().value(QStringLiteral("repoint")).toObject().value(QStringLiteral("kept")).toString(), QStringLiteral("as is"));
    }

    // The typed setters (the settings form's): what changed is written in its canonical form, what
    // did not stays as the admin wrote it (a command list stays a list, "24h" stays "24h").
    void settersWriteOnlyWhatChanged()
    {
        Result<Workspace> workspace =
            parse("{\"servers\": [{\"name\": \"a\", \"url\": \"file:///a\", \"primary\": true}, {\"name\": \"b\", \"url\": \"file:///b\"}],"
                  " \"projects\": [\"trunk\"], \"sync\": {\"every\": 900},"
                  " \"repoint\": {\"command\": {\"run\": [\"/bin/move\", \"--to\"], \"rollback\": \"move back\"}, \"watchLateCommits\": \"24h\", \"kept\": 1},"
                  " \"health\": {\"interval\": \"60s\"}}");
        QVERIFY(workspace.ok());
        Workspace edited = workspace.value();
        QCOMPARE(edited.toJson(), workspace->toJson()); // nothing changed: nothing rewritten
        RepointConfig repoint = edited.repoint();
        repoint.rollback.shellLine = QStringLiteral("move back --now");
        repoint.publicUrl = QUrl(QStringLiteral("https://source.example/"));
        edited.setRepoint(repoint);
        edited.setSyncEverySeconds(3600);
        HealthConfig health = edited.health();
        health.intervalSeconds = 120;
        edited.setHealth(health);
        const QJsonObject json = edited.toJson();
        const QJsonObject written = json.value(QStringLiteral("repoint")).toObject();
        QCOMPARE(written.value(QStringLiteral("command")).toObject().value(QStringLiteral("run")).toArray().size(), 2);
        QCOMPARE(written.value(QStringLiteral("command")).toObject().value(QStringLiteral("rollback")).toString(), QStringLiteral("move back --now"));
        QCOMPARE(written.value(QStringLiteral("publicUrl")).toString(), QStringLiteral("https://source.example/"));
        QCOMPARE(written.value(QStringLiteral("watchLateCommits")).toString(), QStringLiteral("24h"));
        QCOMPARE(written.value(QStringLiteral("kept")).toInt(), 1);
        QCOMPARE(json.value(QStringLiteral("sync")).toObject().value(QStringLiteral("every")).toString(), QStringLiteral("1h"));
        QCOMPARE(json.value(QStringLiteral("health")).toObject().value(QStringLiteral("interval")).toString(), QStringLiteral("2m"));
        // And it reads back as set.
        Result<Workspace> reread = Workspace::fromJson(json, QStringLiteral("ws.json"));
        QVERIFY(reread.ok());
        QCOMPARE(reread->repoint(), repoint);
        QCOMPARE(reread->syncEverySeconds(), 3600);
        QCOMPARE(reread->health().intervalSeconds, 120);

        // A setter's value that twintrunkctl would not read is not saved.
        repoint.publicUrl = QUrl(QStringLiteral("ftp://front.example/"));
        edited.setRepoint(repoint);
        QTemporaryDir dir;
        const Result<void> saved = edited.save(dir.filePath(QStringLiteral("ws.json")));
        QVERIFY(!saved.ok());
        QVERIFY2(saved.error().toString().contains(QStringLiteral("repoint.publicUrl")), qPrintable(saved.error().toString()));
        QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("ws.json"))));
    }

    void errorsNameTheField_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("field");
        const QByteArray two = "[{\"name\": \"a\", \"url\": \"file:///a\", \"primary\": true}, {\"name\": \"b\", \"url\": \"file:///b\"}]";
        QTest::newRow("no servers") << QByteArray("{\"projects\": [\"trunk\"]}") << "servers:";
        QTest::newRow("one server") << QByteArray("{\"servers\": [{\"name\": \"a\", \"url\": \"file:///a\", \"primary\": true}], \"projects\": [\"trunk\"]}")
                                    << "servers: name at least two";
        QTest::newRow("no primary") << QByteArray(
            "{\"servers\": [{\"name\": \"a\", \"url\": \"file:///a\"}, {\"name\": \"b\", \"url\": \"file:///b\"}], \"projects\": [\"t\"]}")
                                    << "exactly one server must be primary";
        QTest::newRow("two primaries") << QByteArray("{\"servers\": [{\"name\": \"a\", \"url\": \"file:///a\", \"primary\": true}, {\"name\": \"b\", \"url\": "
                                                     "\"file:///b\", \"primary\": true}], \"projects\": [\"t\"]}")
                                       << "exactly one";
        QTest::newRow("bad url") << QByteArray(
            "{\"servers\": [{\"name\": \"a\", \"url\": \"ftp://x/\", \"primary\": true}, {\"name\": \"b\", \"url\": \"file:///b\"}], \"projects\": [\"t\"]}")
                                 << "servers[0].url";
        QTest::newRow("password in url") << QByteArray("{\"servers\": [{\"name\": \"a\", \"url\": \"http://u:p@x/\", \"primary\": true}, {\"name\": \"b\", "
                                                       "\"url\": \"file:///b\"}], \"projects\": [\"t\"]}")
                                         << "servers[0].url";
        QTest::newRow("duplicate name") << QByteArray(
            "{\"servers\": [{\"name\": \"a\", \"url\": \"file:///a\", \"primary\": true}, {\"name\": \"a\", \"url\": \"file:///b\"}], \"projects\": [\"t\"]}")
                                        << "servers[1].name";
        QTest::newRow("bad name") << QByteArray(
            "{\"servers\": [{\"name\": \"a b\", \"url\": \"file:///a\", \"primary\": true}, {\"name\": \"c\", \"url\": \"file:///b\"}], \"projects\": [\"t\"]}")
                                  << "servers[0].name";
        QTest::newRow("reserved name") << QByteArray("{\"servers\": [{\"name\": \"state\", \"url\": \"file:///a\", \"primary\": true}, {\"name\": \"c\", "
                                                     "\"url\": \"file:///b\"}], \"projects\": [\"t\"]}")
                                       << "reserved";
        QTest::newRow("primary not bool") << QByteArray("{\"servers\": [{\"name\": \"a\", \"url\": \"file:///a\", \"primary\": \"yes\"}, {\"name\": \"c\", "
                                                        "\"url\": \"file:///b\"}], \"projects\": [\"t\"]}")
                                          << "servers[0].primary";
        QTest::newRow("no projects") << QByteArray("{\"servers\": " + two + ", \"projects\": []}") << "projects:";
        QTest::newRow("hostile project") << QByteArray("{\"servers\": " + two + ", \"projects\": [\"../etc\"]}") << "projects[0]";
        QTest::newRow("duplicate project") << QByteArray("{\"servers\": " + two + ", \"projects\": [\"t\", \"t\"]}") << "projects[1]";
        QTest::newRow("jobs") << QByteArray("{\"servers\": " + two + ", \"projects\": [\"t\"], \"sync\": {\"jobs\": 0}}") << "sync.jobs";
        QTest::newRow("every too often") << QByteArray("{\"servers\": " + two + ", \"projects\": [\"t\"], \"sync\": {\"every\": \"10s\"}}") << "sync.every";
        QTest::newRow("every nonsense") << QByteArray("{\"servers\": " + two + ", \"projects\": [\"t\"], \"sync\": {\"every\": \"soon\"}}") << "sync.every";
        QTest::newRow("one slash") << QByteArray("{\"servers\": [{\"name\": \"a\", \"url\": \"http:/box2.example/ss\", \"primary\": true}, {\"name\": \"b\", "
                                                 "\"url\": \"file:///b\"}], \"projects\": [\"t\"]}")
                                   << "servers[0].url: 'http:/box2.example/ss' names no host";
        QTest::newRow("no host") << QByteArray(
            "{\"servers\": [{\"name\": \"a\", \"url\": \"https:///ss\", \"primary\": true}, {\"name\": \"b\", \"url\": \"file:///b\"}], \"projects\": [\"t\"]}")
                                 << "names no host";
        QTest::newRow("same credential variables by case") << QByteArray(
            "{\"servers\": [{\"name\": \"a\", \"url\": \"file:///a\", \"primary\": true}, {\"name\": \"A\", \"url\": \"file:///b\"}], \"projects\": [\"t\"]}")
                                                           << "TWINTRUNK_USER_A";
        QTest::newRow("same credential variables by sign") << QByteArray("{\"servers\": [{\"name\": \"box-4\", \"url\": \"file:///a\", \"primary\": true}, "
                                                                         "{\"name\": \"box_4\", \"url\": \"file:///b\"}], \"projects\": [\"t\"]}")
                                                           << "servers[1].name: 'box-4' and 'box_4' would share";
        QTest::newRow("jobs fraction") << QByteArray("{\"servers\": " + two + ", \"projects\": [\"t\"], \"sync\": {\"jobs\": 1.5}}") << "sync.jobs";
    }

    void errorsNameTheField()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, field);
        Result<Workspace> workspace = parse(json);
        QVERIFY(!workspace.ok());
        QVERIFY2(workspace.error().toString().contains(field), qPrintable(workspace.error().toString()));
        QVERIFY(workspace.error().toString().startsWith(QStringLiteral("ws.json")));
    }

    // A key TwinTrunk does not read is kept as written, and named in a warning, with the key
    // that was probably meant.
    void unknownKeysAreWarnedAboutByName()
    {
        Result<Workspace> workspace =
            parse("{\"servers\": [{\"name\": \"a\", \"url\": \"file:///a\", \"primary\": true, \"user\": \"u\", \"pasword\": \"x\"},"
                  " {\"name\": \"b\", \"url\": \"file:///b\"}], \"projects\": [\"t\"], \"sync\": {\"evrey\": \"5m\"}, \"$schema\": \"x\"}");
        QVERIFY(workspace.ok());
        QCOMPARE(workspace->warnings().size(), 2);
        QVERIFY2(workspace->warnings().contains(QStringLiteral("unknown key 'pasword' in servers[0]: ignored (did you mean 'password'?)")),
            qPrintable(workspace->warnings().join(u'\n')));
        QVERIFY2(workspace->warnings().contains(QStringLiteral("unknown key 'evrey' in sync: ignored (did you mean 'every'?)")),
            qPrintable(workspace->warnings().join(u'\n')));
        QCOMPARE(workspace->servers().first().extra.value(QStringLiteral("pasword")).toString(), QStringLiteral("x"));
    }

    void loadSaveAndCredentials()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("twintrunk.json"));
        Test::writeFile(path,
            "{\"servers\": [{\"name\": \"box-2\", \"url\": \"file:///a\", \"primary\": true, \"user\": \"squeak\", \"password\": \"squeak\"},\n"
            "            {\"name\": \"box4\", \"url\": \"http://127.0.0.1:9/\"}], \"projects\": [\"trunk\"]}");
        QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadOther);
        Result<Workspace> workspace = Workspace::load(path);
        QVERIFY(workspace.ok());
        QCOMPARE(workspace->stateDatabasePath(), path + QStringLiteral(".state.sqlite"));
#if defined(Q_OS_UNIX)
        QCOMPARE(workspace->warnings().size(), 1);
        QVERIFY(workspace->warnings().first().contains(QStringLiteral("chmod 600")));
#endif
        QCOMPARE(workspace->credentialsFor(*workspace->server(QStringLiteral("box-2"))).password, QStringLiteral("squeak"));
        qputenv("TWINTRUNK_PASSWORD_BOX_2", "from-environment");
        QCOMPARE(workspace->credentialsFor(*workspace->server(QStringLiteral("box-2"))).password, QStringLiteral("from-environment"));
        qunsetenv("TWINTRUNK_PASSWORD_BOX_2");
        QVERIFY(workspace->credentialsFor(*workspace->server(QStringLiteral("box4"))).isEmpty());

        QVERIFY(!workspace->save(path).ok()); // never replaced without being asked
        QVERIFY(workspace->save(path, true).ok());
        QVERIFY(Workspace::load(path).ok());
        QCOMPARE(Workspace::load(dir.filePath(QStringLiteral("missing.json"))).error().kind, Error::Kind::NotFound);
        Test::writeFile(dir.filePath(QStringLiteral("broken.json")), "{ not json");
        QVERIFY(Workspace::load(dir.filePath(QStringLiteral("broken.json"))).error().message.contains(QStringLiteral("not valid JSON")));
    }

    void sessionCredentialsComeFirstAndAreNeverSaved()
    {
        Result<Workspace> workspace = parse("{\"servers\": [{\"name\": \"box2\", \"url\": \"http://a/\", \"primary\": true, \"user\": \"file\", "
                                            "\"password\": \"from-file\"}, {\"name\": \"box4\", \"url\": \"http://b/\"}], \"projects\": [\"trunk\"]}");
        QVERIFY(workspace.ok());
        const ServerConfig box2 = *workspace->server(QStringLiteral("box2"));
        QCOMPARE(workspace->credentialsFor(box2).password, QStringLiteral("from-file"));
        workspace.value().setSessionCredentials(QStringLiteral("box2"), {QStringLiteral("keychain"), QStringLiteral("from-keychain")});
        QCOMPARE(workspace->credentialsFor(box2).password, QStringLiteral("from-keychain"));
        QVERIFY(!QJsonDocument(workspace->toJson()).toJson().contains("from-keychain"));
        workspace.value().setSessionCredentials(QStringLiteral("box2"), {});
        QCOMPARE(workspace->credentialsFor(box2).user, QStringLiteral("file"));
    }
};

QTEST_GUILESS_MAIN(TestWorkspace)
#include "tst_workspace.moc"
