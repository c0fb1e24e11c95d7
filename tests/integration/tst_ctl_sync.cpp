// twintrunkctl init | status | diff | sync | journal as a box-admin runs them, against real nginx:
// including kill -9 in the middle of a sync, and a clean stop of sync --every on SIGTERM.

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLockFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "monticello/mczversion.h"
#include "nginxserver.h"
#include "testsupport.h"

using Run = TwinTrunk::Test::CtlRun;

namespace
{
    Run twintrunkctl(const QStringList &arguments)
    {
        return TwinTrunk::Test::runTwinTrunkCtl(arguments);
    }

    QList<QJsonObject> events(const QByteArray &ndjson)
    {
        QList<QJsonObject> objects;
        for (const QByteArray &line : ndjson.split('\n'))
        {
            if (!line.trimmed().isEmpty())
                objects.append(QJsonDocument::fromJson(line).object());
        }
        return objects;
    }
}

class TestCtlSync final : public QObject
{
    Q_OBJECT

    TwinTrunk::Test::NginxServer m_alpha{QString()}, m_beta{QString()};
    QTemporaryDir m_local;

    QString project() const { return QStringLiteral("ctlsync-") + QString::fromLatin1(QTest::currentTestFunction()); }
    QString workspace() const { return m_local.filePath(project() + QStringLiteral(".json")); }
    QString folder(const TwinTrunk::Test::NginxServer &server) const { return QDir(server.rootDirectory()).filePath(project()); }

    // A workspace naming alpha (primary) and beta, written by twintrunkctl init itself.
    void init()
    {
        const Run run = twintrunkctl({QStringLiteral("init"), QStringLiteral("-w"), workspace(), QStringLiteral("--server"),
            QStringLiteral("alpha=") + m_alpha.baseUrl().toString(), QStringLiteral("--server"), QStringLiteral("beta=") + m_beta.baseUrl().toString(),
            QStringLiteral("--project"), project(), QStringLiteral("--primary"), QStringLiteral("alpha"), QStringLiteral("--jobs"), QStringLiteral("1")});
        QCOMPARE(run.exitCode, 0);
        // Passwords for writes come from the environment of each run.
        qputenv("TWINTRUNK_USER_BETA", m_beta.user().toUtf8());
        qputenv("TWINTRUNK_PASSWORD_BETA", m_beta.password().toUtf8());
        qputenv("TWINTRUNK_USER_ALPHA", m_alpha.user().toUtf8());
        qputenv("TWINTRUNK_PASSWORD_ALPHA", m_alpha.password().toUtf8());
    }

    void seedAlpha(int count, int extraKilobytes = 0)
    {
        QList<std::pair<QString, QByteArray>> versions;
        for (int i = 1; i <= count; ++i)
        {
            QByteArray bytes = TwinTrunk::Test::makeVersion(QStringLiteral("Ctl"), QStringLiteral("x"), i);
            if (extraKilobytes > 0)
            {
                // Bigger versions make a copy last long enough to be interrupted in the middle.
                const QByteArray padding(extraKilobytes * 1024, char('a' + i % 26));
                auto version = TwinTrunk::Monticello::MczVersion::readBytes(bytes, QStringLiteral("seed"));
                auto padded = TwinTrunk::Monticello::MczVersion::create(version->packageName(), version->info(), version->sourceSt(), {}, padding);
                bytes = padded.toBytes().value();
            }
            versions.append({QStringLiteral("Ctl-x.%1.mcz").arg(i), bytes});
        }
        QVERIFY(m_alpha.seed(project(), versions));
        QVERIFY(m_beta.createProject(project()));
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_alpha = TwinTrunk::Test::fixtureServer(QStringLiteral("alpha"));
        m_beta = TwinTrunk::Test::fixtureServer(QStringLiteral("beta"));
    }

    void statusDiffSyncJournal()
    {
        init();
        seedAlpha(3);
        const Run status = twintrunkctl({QStringLiteral("status"), QStringLiteral("--json"), QStringLiteral("-w"), workspace()});
        QCOMPARE(status.exitCode, 0);
        const QJsonObject report = QJsonDocument::fromJson(status.out).object();
        QCOMPARE(report.value(QStringLiteral("servers")).toArray().size(), 2);
        const QJsonObject project = report.value(QStringLiteral("projects")).toArray().first().toObject();
        for (const QString &key : {QStringLiteral("name"), QStringLiteral("counts"), QStringLiteral("missing"), QStringLiteral("conflicts"),
                 QStringLiteral("regressions"), QStringLiteral("inSync")})
            QVERIFY2(project.contains(key), qPrintable(key));
        QCOMPARE(project.value(QStringLiteral("missing")).toObject().value(QStringLiteral("beta")).toArray().size(), 3);
        QVERIFY(!project.value(QStringLiteral("inSync")).toBool());
        QCOMPARE(twintrunkctl({QStringLiteral("status"), QStringLiteral("--check"), QStringLiteral("-w"), workspace()}).exitCode, 1);

        const Run diff = twintrunkctl(
            {QStringLiteral("diff"), project.value(QStringLiteral("name")).toString(), QStringLiteral("--json"), QStringLiteral("-w"), workspace()});
        QCOMPARE(diff.exitCode, 0);
        const QList<QJsonObject> rows = events(diff.out);
        QCOMPARE(rows.size(), 3);
        QCOMPARE(rows.first().value(QStringLiteral("state")).toString(), QStringLiteral("missing"));
        QVERIFY(rows.first().value(QStringLiteral("beta")).isNull());
        QVERIFY(rows.first().contains(QStringLiteral("alpha")));

        const Run dry = twintrunkctl({QStringLiteral("sync"), QStringLiteral("--dry-run"), QStringLiteral("--json"), QStringLiteral("-w"), workspace()});
        QCOMPARE(dry.exitCode, 0);
        QCOMPARE(events(dry.out).first().value(QStringLiteral("copies")).toInt(), 3);
        QVERIFY(QDir(folder(m_beta)).isEmpty());

        const Run sync = twintrunkctl({QStringLiteral("sync"), QStringLiteral("--json"), QStringLiteral("-w"), workspace()});
        QCOMPARE(sync.exitCode, 0);
        const QJsonObject summary = events(sync.out).last();
        QCOMPARE(summary.value(QStringLiteral("event")).toString(), QStringLiteral("summary"));
        QCOMPARE(summary.value(QStringLiteral("copied")).toInt(), 3);
        QCOMPARE(twintrunkctl({QStringLiteral("status"), QStringLiteral("--check"), QStringLiteral("-w"), workspace()}).exitCode, 0);

        const Run journal = twintrunkctl(
            {QStringLiteral("journal"), QStringLiteral("--json"), QStringLiteral("--since"), QStringLiteral("1h"), QStringLiteral("-w"), workspace()});
        QCOMPARE(journal.exitCode, 0);
        QCOMPARE(events(journal.out).size(), 3);

        // The console's author and date columns, from the shell: the copies made them known.
        const Run details = twintrunkctl({QStringLiteral("diff"), project.value(QStringLiteral("name")).toString(), QStringLiteral("--read-details"),
            QStringLiteral("--json"), QStringLiteral("-w"), workspace()});
        QCOMPARE(details.exitCode, 0);
        const QList<QJsonObject> detailed = events(details.out);
        QCOMPARE(detailed.size(), 3);
        for (const QJsonObject &row : detailed)
        {
            const QJsonObject authors = row.value(QStringLiteral("authors")).toObject();
            for (const QString &server : {QStringLiteral("alpha"), QStringLiteral("beta")})
            {
                QVERIFY2(!authors.value(server).toObject().value(QStringLiteral("author")).toString().isEmpty(), QJsonDocument(row).toJson().constData());
                QVERIFY(QDateTime::fromString(authors.value(server).toObject().value(QStringLiteral("written")).toString(), Qt::ISODate).isValid());
            }
        }
    }

    void killMinusNineMidRunThenRerun()
    {
        init();
        const int total = 24;
        seedAlpha(total, 600);
        QProcess sync;
        sync.start(qEnvironmentVariable("TWINTRUNKCTL"),
            {QStringLiteral("sync"), QStringLiteral("--json"), QStringLiteral("--jobs"), QStringLiteral("2"), QStringLiteral("-w"), workspace()});
        QVERIFY(sync.waitForStarted());
        // Kill it without warning once a few copies are done and others are under way.
        QByteArray output;
        QTRY_VERIFY_WITH_TIMEOUT((output += sync.readAllStandardOutput(), output.count("\"event\":\"copy\"") >= 3), 60000);
        sync.kill();
        QVERIFY(sync.waitForFinished(10000));
        output += sync.readAllStandardOutput();
        const int copiedBefore = int(output.count("\"result\":\"copied\""));
        qInfo("killed after %d of %d copies", copiedBefore, total);
        QVERIFY2(copiedBefore < total, "the sync finished before it could be killed: the test would prove nothing");

        // Nothing partial on the server: every file there is whole and byte-exact.
        const QStringList landed = QDir(folder(m_beta)).entryList(QDir::Files | QDir::Hidden);
        QVERIFY(landed.size() >= copiedBefore);
        for (const QString &name : landed)
            QCOMPARE(TwinTrunk::Test::readFile(QDir(folder(m_beta)).filePath(name)), TwinTrunk::Test::readFile(QDir(folder(m_alpha)).filePath(name)));

        // The rerun copies only what is still missing: verified copies are not made again.
        const Run rerun = twintrunkctl({QStringLiteral("sync"), QStringLiteral("--json"), QStringLiteral("-w"), workspace()});
        QCOMPARE(rerun.exitCode, 0);
        const QJsonObject summary = events(rerun.out).last();
        QCOMPARE(summary.value(QStringLiteral("copied")).toInt() + summary.value(QStringLiteral("alreadyPresent")).toInt(), total - int(landed.size()));
        QCOMPARE(QDir(folder(m_beta)).entryList(QDir::Files | QDir::Hidden).size(), total);
        QCOMPARE(twintrunkctl({QStringLiteral("status"), QStringLiteral("--check"), QStringLiteral("-w"), workspace()}).exitCode, 0);

        // The journal accounts for every copy: each version that landed on beta has a "copied" (or
        // "already-present") entry, including those the killed run wrote but never journaled.
        const Run journal = twintrunkctl({QStringLiteral("journal"), QStringLiteral("--json"), QStringLiteral("-w"), workspace()});
        QSet<QString> accounted;
        for (const QJsonObject &entry : events(journal.out))
        {
            const QString result = entry.value(QStringLiteral("result")).toString();
            if (entry.value(QStringLiteral("operation")).toString() == u"copy" && (result == u"copied" || result == u"already-present"))
                accounted.insert(entry.value(QStringLiteral("name")).toString());
        }
        QCOMPARE(accounted.size(), total);
        // And the killed run's downloads are gone: its scratch folder was removed by the rerun.
        QCOMPARE(QDir(workspace() + QStringLiteral(".scratch")).entryList({QStringLiteral("run-*")}, QDir::Dirs | QDir::NoDotAndDotDot), QStringList());
    }

    void everyStopsCleanlyOnSigterm()
    {
        init();
        seedAlpha(2);
        QProcess sync;
        sync.start(qEnvironmentVariable("TWINTRUNKCTL"),
            {QStringLiteral("sync"), QStringLiteral("--every"), QStringLiteral("1s"), QStringLiteral("--json"), QStringLiteral("-w"), workspace()});
        QVERIFY(sync.waitForStarted());
        QByteArray output;
        // Two cycles: the first copies, the second finds nothing to do (an unchanged state).
        QTRY_VERIFY_WITH_TIMEOUT((output += sync.readAllStandardOutput(), output.count("\"event\":\"summary\"") >= 2), 30000);
        sync.terminate();
        QVERIFY(sync.waitForFinished(15000));
        QCOMPARE(sync.exitStatus(), QProcess::NormalExit);
        QCOMPARE(sync.exitCode(), 0);
        QCOMPARE(QDir(folder(m_beta)).entryList(QDir::Files).size(), 2);
    }

    void oneSyncAtATime()
    {
        init();
        seedAlpha(1);
        QLockFile held(workspace() + QStringLiteral(".sync.lock"));
        QVERIFY(held.tryLock(0));
        const Run second = twintrunkctl({QStringLiteral("sync"), QStringLiteral("-w"), workspace()});
        QCOMPARE(second.exitCode, 1);
        QVERIFY(second.err.contains("busy: another sync is running"));
        QVERIFY(QDir(folder(m_beta)).isEmpty());
    }

    // `sync --every` holds the lock for a cycle only: while another run holds it (a repoint's
    // copies, the console's Replicate), a cycle is skipped and said, and the next one copies.
    void syncEveryStandsAsideWhileAnotherRunHoldsTheLock()
    {
        init();
        seedAlpha(1);
        auto held = std::make_unique<QLockFile>(workspace() + QStringLiteral(".sync.lock"));
        QVERIFY(held->tryLock(0));
        QProcess sync;
        sync.start(qEnvironmentVariable("TWINTRUNKCTL"),
            {QStringLiteral("sync"), QStringLiteral("--every"), QStringLiteral("1s"), QStringLiteral("-w"), workspace()});
        QVERIFY(sync.waitForStarted());
        QByteArray err;
        QTRY_VERIFY_WITH_TIMEOUT((err += sync.readAllStandardError(), err.contains("cycle skipped: busy: another sync is running")), 30000);
        QVERIFY(QDir(folder(m_beta)).isEmpty());
        QCOMPARE(sync.state(), QProcess::Running);
        held.reset(); // the other run ends
        QTRY_COMPARE_WITH_TIMEOUT(QDir(folder(m_beta)).entryList(QDir::Files).size(), 1, 30000);
        sync.terminate();
        QVERIFY(sync.waitForFinished(15000));
        QCOMPARE(sync.exitCode(), 0);
    }

    void badWorkspacesAreNamed()
    {
        const QString path = m_local.filePath(QStringLiteral("bad.json"));
        TwinTrunk::Test::writeFile(path, "{\"servers\": [], \"projects\": []}");
        const Run run = twintrunkctl({QStringLiteral("status"), QStringLiteral("-w"), path});
        QCOMPARE(run.exitCode, 1);
        QVERIFY(run.err.contains("servers"));
        QVERIFY(run.err.contains(path.toUtf8()));
        QCOMPARE(twintrunkctl({QStringLiteral("init"), QStringLiteral("-w"), path, QStringLiteral("--server"), QStringLiteral("nonsense")}).exitCode, 2);
        QCOMPARE(twintrunkctl({QStringLiteral("sync"), QStringLiteral("--every"), QStringLiteral("soon"), QStringLiteral("-w"), path}).exitCode, 1);
    }
};

QTEST_GUILESS_MAIN(TestCtlSync)
#include "tst_ctl_sync.moc"
