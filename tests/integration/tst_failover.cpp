// Failover as box-admins would live it, with real nginx: a front proxy (the public URL) and two
// backends. A client commits through the front; the primary goes down; twintrunkctl repoint moves
// the front to the other backend; commits continue; the old primary comes back with a late commit,
// which reaches the new primary first; a repoint whose reload fails is rolled back; the preflight
// refuses while the primary is up and has versions the target lacks.

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include "nginxserver.h"
#include "testsupport.h"

using TwinTrunk::Test::CtlRun;
using TwinTrunk::Test::NginxServer;

namespace
{
    const QString Project = QStringLiteral("trunk");

    QJsonObject lastJsonLine(const QByteArray &out)
    {
        const QList<QByteArray> lines = out.trimmed().split('\n');
        return QJsonDocument::fromJson(lines.constLast()).object();
    }

    QJsonObject check(const QJsonObject &report, const QString &id)
    {
        for (const QJsonValue &value : report.value(QStringLiteral("checks")).toArray())
        {
            if (value.toObject().value(QStringLiteral("id")).toString() == id)
                return value.toObject();
        }
        return {};
    }

    QString address(const NginxServer &server)
    {
        return QStringLiteral("127.0.0.1:%1").arg(server.port());
    }
}

class TestFailover final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    NginxServer m_alpha{QString()}, m_beta{QString()}, m_front{QString()};

    QString workspace() const { return m_dir.filePath(QStringLiteral("twintrunk.json")); }
    QString local(const QString &name) const { return m_dir.filePath(name); }

    CtlRun twintrunkctl(QStringList arguments) const
    {
        arguments.insert(1, QStringLiteral("-w"));
        arguments.insert(2, workspace());
        return TwinTrunk::Test::runTwinTrunkCtl(arguments);
    }

    // A client (an image) saving a version through the public URL.
    CtlRun commitThroughFront(const QString &fileName)
    {
        const QByteArray bytes = TwinTrunk::Test::makeVersion(QStringLiteral("Fail"), QStringLiteral("over"), fileName.section(u'.', 1, 1).toLongLong());
        TwinTrunk::Test::writeFile(local(fileName), bytes);
        return TwinTrunk::Test::runTwinTrunkCtl({QStringLiteral("put"), m_front.baseUrl().toString() + Project, local(fileName)}, QStringLiteral("squeak"),
            QStringLiteral("squeak"));
    }

    bool onServer(const NginxServer &server, const QString &fileName) const
    {
        return QFile::exists(QDir(server.rootDirectory()).filePath(Project + u'/' + fileName));
    }

    // The reload a front host runs after the include changed: like `nginx -t && nginx -s reload`,
    // it refuses (exit 1) an include naming `refusedAddress`.
    QString reloadCommand(const QString &refusedAddress = QString()) const
    {
        QString command = QStringLiteral("kill -HUP $(cat '%1')").arg(m_front.pidFile());
        if (!refusedAddress.isEmpty())
            command =
                QStringLiteral("if grep -q '%1' '%2'; then echo 'nginx: test failed' >&2; exit 1; fi; %3").arg(refusedAddress, m_front.upstreamFile(), command);
        return command;
    }

    void writeWorkspace(const QString &primary, const QString &reload)
    {
        const QJsonObject json{{QStringLiteral("servers"),
                                   QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("alpha")},
                                                  {QStringLiteral("url"), m_alpha.baseUrl().toString()}, {QStringLiteral("primary"), primary == u"alpha"}},
                                       QJsonObject{{QStringLiteral("name"), QStringLiteral("beta")}, {QStringLiteral("url"), m_beta.baseUrl().toString()},
                                           {QStringLiteral("primary"), primary == u"beta"}}}},
            {QStringLiteral("projects"), QJsonArray{Project}}, {QStringLiteral("sync"), QJsonObject{{QStringLiteral("jobs"), 1}}},
            {QStringLiteral("repoint"),
                QJsonObject{{QStringLiteral("publicUrl"), m_front.baseUrl().toString()},
                    {QStringLiteral("frontProxy"), QJsonObject{{QStringLiteral("upstreamFile"), m_front.upstreamFile()}, {QStringLiteral("reload"), reload}}},
                    {QStringLiteral("command"),
                        QJsonObject{{QStringLiteral("run"),
                                        QJsonArray{QStringLiteral("sh"), QStringLiteral("-c"),
                                            QStringLiteral("echo \"$OLD_PRIMARY -> $NEW_PRIMARY\" >> '%1'").arg(local(QStringLiteral("moves.log")))}},
                            {QStringLiteral("rollback"), QStringLiteral("echo \"back to $OLD_PRIMARY\" >> '%1'").arg(local(QStringLiteral("rollbacks.log")))}}},
                    {QStringLiteral("imageSnippet"), QStringLiteral("repoint.st")}, {QStringLiteral("verifyTimeout"), QStringLiteral("20s")},
                    {QStringLiteral("watchLateCommits"), QStringLiteral("1h")}}}};
        TwinTrunk::Test::writeFile(workspace(), QJsonDocument(json).toJson());
    }

    QString primaryInWorkspace() const
    {
        const QJsonObject json = QJsonDocument::fromJson(TwinTrunk::Test::readFile(workspace())).object();
        for (const QJsonValue &server : json.value(QStringLiteral("servers")).toArray())
        {
            if (server.toObject().value(QStringLiteral("primary")).toBool())
                return server.toObject().value(QStringLiteral("name")).toString();
        }
        return QString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // nginx runs as nobody when the tests run as root: it must be able to reach its folders.
        QFile::setPermissions(m_dir.path(),
            QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner | QFileDevice::ReadGroup | QFileDevice::ExeGroup | QFileDevice::ReadOther
                | QFileDevice::ExeOther);
        m_alpha = NginxServer(local(QStringLiteral("alpha")));
        m_beta = NginxServer(local(QStringLiteral("beta")));
        m_front = NginxServer(local(QStringLiteral("front")));
        QVERIFY2(m_alpha.start(), qPrintable(m_alpha.lastError()));
        QVERIFY2(m_beta.start(), qPrintable(m_beta.lastError()));
        QVERIFY(m_alpha.createProject(Project));
        QVERIFY(m_beta.createProject(Project));
        NginxServer::Options front;
        front.proxyTo = address(m_alpha);
        QVERIFY2(m_front.start(front), qPrintable(m_front.lastError()));
        writeWorkspace(QStringLiteral("alpha"), reloadCommand());
        qputenv("TWINTRUNK_USER_ALPHA", "squeak");
        qputenv("TWINTRUNK_PASSWORD_ALPHA", "squeak");
        qputenv("TWINTRUNK_USER_BETA", "squeak");
        qputenv("TWINTRUNK_PASSWORD_BETA", "squeak");
    }

    void cleanupTestCase()
    {
        m_front.stop();
        m_alpha.stop();
        m_beta.stop();
    }

    void clientCommitsThroughTheFrontToThePrimary()
    {
        const CtlRun put = commitThroughFront(QStringLiteral("Fail-over.1.mcz"));
        QVERIFY2(put.exitCode == 0, put.err.constData());
        QVERIFY(onServer(m_alpha, QStringLiteral("Fail-over.1.mcz")));
        QVERIFY(!onServer(m_beta, QStringLiteral("Fail-over.1.mcz")));
        const CtlRun sync = twintrunkctl({QStringLiteral("sync")});
        QVERIFY2(sync.exitCode == 0, sync.err.constData());
        QVERIFY(onServer(m_beta, QStringLiteral("Fail-over.1.mcz")));

        const CtlRun health = twintrunkctl({QStringLiteral("health"), QStringLiteral("--json")});
        QVERIFY2(health.exitCode == 0, health.err.constData());
        const QList<QByteArray> lines = health.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 2);
        for (const QByteArray &line : lines)
        {
            const QJsonObject server = QJsonDocument::fromJson(line).object();
            QVERIFY(server.value(QStringLiteral("up")).toBool());
            QVERIFY(server.value(QStringLiteral("latencyMs")).toInt(-1) >= 0);
            QVERIFY(!server.value(QStringLiteral("lastSuccess")).toString().isEmpty());
            QVERIFY(server.value(QStringLiteral("error")).isNull());
        }
    }

    void preflightRefusesWhileThePrimaryHasVersionsTheTargetLacks()
    {
        const CtlRun put = commitThroughFront(QStringLiteral("Fail-over.2.mcz"));
        QVERIFY2(put.exitCode == 0, put.err.constData());
        const QByteArray upstreamBefore = TwinTrunk::Test::readFile(m_front.upstreamFile());

        const CtlRun dryRun =
            twintrunkctl({QStringLiteral("repoint"), QStringLiteral("--to"), QStringLiteral("beta"), QStringLiteral("--dry-run"), QStringLiteral("--json")});
        QCOMPARE(dryRun.exitCode, 1);
        const QJsonObject onlyOnPrimary = check(lastJsonLine(dryRun.out), QStringLiteral("only-on-primary"));
        QCOMPARE(onlyOnPrimary.value(QStringLiteral("result")).toString(), QStringLiteral("failed"));
        QCOMPARE(onlyOnPrimary.value(QStringLiteral("items")).toArray(), QJsonArray{QJsonValue(Project + QStringLiteral("/Fail-over.2.mcz"))});

        const CtlRun real = twintrunkctl({QStringLiteral("repoint"), QStringLiteral("--to"), QStringLiteral("beta"), QStringLiteral("--yes")});
        QCOMPARE(real.exitCode, 1);
        QVERIFY(real.out.contains("copy them first"));
        QCOMPARE(TwinTrunk::Test::readFile(m_front.upstreamFile()), upstreamBefore);
        QCOMPARE(primaryInWorkspace(), QStringLiteral("alpha"));
        QVERIFY(!QFile::exists(local(QStringLiteral("moves.log"))));

        const CtlRun sync = twintrunkctl({QStringLiteral("sync")});
        QVERIFY2(sync.exitCode == 0, sync.err.constData());
        const CtlRun ready = twintrunkctl({QStringLiteral("repoint"), QStringLiteral("--to"), QStringLiteral("beta"), QStringLiteral("--dry-run")});
        QVERIFY2(ready.exitCode == 0, ready.out.constData());
    }

    void repointWhenThePrimaryIsDownAndCommitsContinue()
    {
        // A version that reached alpha and that beta never got: at risk once alpha is down.
        QVERIFY(m_alpha.seed(Project, {{QStringLiteral("Fail-over.3.mcz"), TwinTrunk::Test::makeVersion(QStringLiteral("Fail"), QStringLiteral("over"), 3)}}));
        QCOMPARE(twintrunkctl({QStringLiteral("status")}).exitCode, 0);
        QVERIFY(m_alpha.stop());
        QVERIFY(commitThroughFront(QStringLiteral("Fail-over.4.mcz")).exitCode != 0); // the front has nowhere to go

        const CtlRun refused =
            twintrunkctl({QStringLiteral("repoint"), QStringLiteral("--to"), QStringLiteral("beta"), QStringLiteral("--yes"), QStringLiteral("--json")});
        QCOMPARE(refused.exitCode, 1);
        const QJsonObject atRisk = check(lastJsonLine(refused.out), QStringLiteral("only-on-primary"));
        QCOMPARE(atRisk.value(QStringLiteral("result")).toString(), QStringLiteral("needs-confirmation"));
        QCOMPARE(atRisk.value(QStringLiteral("items")).toArray(), QJsonArray{QJsonValue(Project + QStringLiteral("/Fail-over.3.mcz"))});
        QCOMPARE(primaryInWorkspace(), QStringLiteral("alpha"));

        const CtlRun repoint = twintrunkctl({QStringLiteral("repoint"), QStringLiteral("--to"), QStringLiteral("beta"), QStringLiteral("--yes"),
            QStringLiteral("--accept-at-risk"), QStringLiteral("--json")});
        QVERIFY2(repoint.exitCode == 0, repoint.out.constData());
        const QJsonObject report = lastJsonLine(repoint.out);
        QVERIFY(report.value(QStringLiteral("verified")).toBool());
        QCOMPARE(report.value(QStringLiteral("verification")).toObject().value(QStringLiteral("result")).toString(), QStringLiteral("passed"));
        for (const QJsonValue &action : report.value(QStringLiteral("actions")).toArray())
        {
            QCOMPARE(action.toObject().value(QStringLiteral("result")).toString(), QStringLiteral("done"));
            // Nothing to copy from a primary that is down, and nobody asked to.
            QVERIFY(!action.toObject().value(QStringLiteral("id")).toString().contains(QStringLiteral("copy")));
        }
        QVERIFY(TwinTrunk::Test::readFile(m_front.upstreamFile()).contains(QByteArray("server " + address(m_beta).toUtf8() + ';')));
        QCOMPARE(primaryInWorkspace(), QStringLiteral("beta"));
        QCOMPARE(TwinTrunk::Test::readFile(local(QStringLiteral("moves.log"))), QByteArray("alpha -> beta\n"));
        const QByteArray snippet = TwinTrunk::Test::readFile(local(QStringLiteral("repoint.st")));
        QVERIFY(snippet.contains(m_beta.baseUrl().toString().toUtf8()));
        QVERIFY(snippet.contains("MCRepositoryGroup default repositories"));

        const CtlRun put = commitThroughFront(QStringLiteral("Fail-over.4.mcz"));
        QVERIFY2(put.exitCode == 0, put.err.constData());
        QVERIFY(onServer(m_beta, QStringLiteral("Fail-over.4.mcz")));

        const CtlRun journal = twintrunkctl({QStringLiteral("journal"), QStringLiteral("--json")});
        QVERIFY(journal.out.contains("\"operation\":\"repoint\""));
        QVERIFY(journal.out.contains("\"result\":\"ok\""));
    }

    void lateCommitOnTheOldPrimaryReachesTheNewOneFirst()
    {
        // Alpha comes back holding a commit beta never saw (Fail-over.3) plus one made while it was
        // cut off from the front (Fail-over.5); beta has Fail-over.4, which alpha lacks.
        QVERIFY(m_alpha.seed(Project, {{QStringLiteral("Fail-over.5.mcz"), TwinTrunk::Test::makeVersion(QStringLiteral("Fail"), QStringLiteral("over"), 5)}}));
        QVERIFY(m_alpha.restart());
        const CtlRun status = twintrunkctl({QStringLiteral("status"), QStringLiteral("--json")});
        const QJsonArray watches = lastJsonLine(status.out).value(QStringLiteral("lateCommitWatches")).toArray();
        QCOMPARE(watches.size(), 1);
        QCOMPARE(watches.first().toObject().value(QStringLiteral("oldPrimary")).toString(), QStringLiteral("alpha"));
        QCOMPARE(watches.first().toObject().value(QStringLiteral("newPrimary")).toString(), QStringLiteral("beta"));

        const CtlRun sync = twintrunkctl({QStringLiteral("sync"), QStringLiteral("--json")});
        QVERIFY2(sync.exitCode == 0, sync.err.constData());
        QStringList copies;
        for (const QByteArray &line : sync.out.split('\n'))
        {
            const QJsonObject event = QJsonDocument::fromJson(line).object();
            if (event.value(QStringLiteral("event")).toString() == u"copy" && event.value(QStringLiteral("result")).toString() == u"copied")
                copies.append(event.value(QStringLiteral("source")).toString() + u'>' + event.value(QStringLiteral("name")).toString());
        }
        QCOMPARE(copies,
            (QStringList{QStringLiteral("alpha>Fail-over.3.mcz"), QStringLiteral("alpha>Fail-over.5.mcz"), QStringLiteral("beta>Fail-over.4.mcz")}));
        for (const QString &name : {QStringLiteral("Fail-over.3.mcz"), QStringLiteral("Fail-over.4.mcz"), QStringLiteral("Fail-over.5.mcz")})
        {
            QVERIFY2(onServer(m_alpha, name), qPrintable(name));
            QVERIFY2(onServer(m_beta, name), qPrintable(name));
        }
    }

    void aFailedReloadIsRolledBack()
    {
        const QByteArray upstreamBefore = TwinTrunk::Test::readFile(m_front.upstreamFile());
        const QByteArray snippetBefore = TwinTrunk::Test::readFile(local(QStringLiteral("repoint.st")));
        writeWorkspace(QStringLiteral("beta"), reloadCommand(address(m_alpha)));

        const CtlRun repoint =
            twintrunkctl({QStringLiteral("repoint"), QStringLiteral("--to"), QStringLiteral("alpha"), QStringLiteral("--yes"), QStringLiteral("--json")});
        QCOMPARE(repoint.exitCode, 1);
        const QJsonObject report = lastJsonLine(repoint.out);
        QVERIFY(report.value(QStringLiteral("rolledBack")).toBool());
        const QJsonArray actions = report.value(QStringLiteral("actions")).toArray();
        QCOMPARE(actions.size(), 3);
        QCOMPARE(actions.at(0).toObject().value(QStringLiteral("result")).toString(), QStringLiteral("rolled-back"));
        QVERIFY(actions.at(0).toObject().value(QStringLiteral("error")).toString().contains(QStringLiteral("exited with status 1")));
        QCOMPARE(actions.at(1).toObject().value(QStringLiteral("result")).toString(), QStringLiteral("not-run"));
        QCOMPARE(actions.at(2).toObject().value(QStringLiteral("result")).toString(), QStringLiteral("not-run"));

        // Nothing half-switched: the include, the snippet and the workspace are as before, and the
        // front still serves beta.
        QCOMPARE(TwinTrunk::Test::readFile(m_front.upstreamFile()), upstreamBefore);
        QCOMPARE(TwinTrunk::Test::readFile(local(QStringLiteral("repoint.st"))), snippetBefore);
        QCOMPARE(primaryInWorkspace(), QStringLiteral("beta"));
        const CtlRun put = commitThroughFront(QStringLiteral("Fail-over.6.mcz"));
        QVERIFY2(put.exitCode == 0, put.err.constData());
        QVERIFY(onServer(m_beta, QStringLiteral("Fail-over.6.mcz")));
        QVERIFY(!onServer(m_alpha, QStringLiteral("Fail-over.6.mcz")));
        QVERIFY(QDir(m_dir.path()).entryList({QStringLiteral("*.repoint-backups")}, QDir::Dirs).size() == 1);

        const CtlRun journal = twintrunkctl({QStringLiteral("journal"), QStringLiteral("--json")});
        QVERIFY(journal.out.contains("\"result\":\"rolled-back\""));
    }

    void aFailedCommandRunsItsRollback()
    {
        // The command moves something outside (DNS, another box) and fails halfway: its rollback
        // runs, and the include written before it is restored too.
        writeWorkspace(QStringLiteral("beta"), reloadCommand());
        QJsonObject json = QJsonDocument::fromJson(TwinTrunk::Test::readFile(workspace())).object();
        QJsonObject repoint = json.value(QStringLiteral("repoint")).toObject();
        QJsonObject command = repoint.value(QStringLiteral("command")).toObject();
        command.insert(QStringLiteral("run"), QStringLiteral("echo moving; exit 3"));
        repoint.insert(QStringLiteral("command"), command);
        json.insert(QStringLiteral("repoint"), repoint);
        TwinTrunk::Test::writeFile(workspace(), QJsonDocument(json).toJson());
        const QByteArray upstreamBefore = TwinTrunk::Test::readFile(m_front.upstreamFile());
        const CtlRun sync = twintrunkctl({QStringLiteral("sync")}); // alpha lacks Fail-over.6: the preflight would stop first
        QVERIFY2(sync.exitCode == 0, sync.err.constData());

        const CtlRun run = twintrunkctl({QStringLiteral("repoint"), QStringLiteral("--to"), QStringLiteral("alpha"), QStringLiteral("--yes")});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.out.contains("exited with status 3"), run.out.constData());
        QVERIFY(run.out.contains("| moving"));
        QCOMPARE(TwinTrunk::Test::readFile(local(QStringLiteral("rollbacks.log"))), QByteArray("back to beta\n"));
        QCOMPARE(TwinTrunk::Test::readFile(m_front.upstreamFile()), upstreamBefore);
        QCOMPARE(primaryInWorkspace(), QStringLiteral("beta"));
    }

    // A planned move while images commit: with --copy-first the preflight lets versions only on
    // the (up) primary through as a warning, and the repoint copies them, verified, before the
    // switch; without it the same preflight stops (preflightRefuses... above).
    void aPlannedMoveCopiesWhatOnlyThePrimaryHasFirst()
    {
        // The primary is whichever the workspace names now (earlier tests moved it). The commit
        // goes to it directly: right after a reload, the front's old workers may still serve.
        const bool alphaIsPrimary = primaryInWorkspace() != u"beta";
        const NginxServer &primary = alphaIsPrimary ? m_alpha : m_beta;
        const NginxServer &target = alphaIsPrimary ? m_beta : m_alpha;
        const QString targetName = alphaIsPrimary ? QStringLiteral("beta") : QStringLiteral("alpha");
        writeWorkspace(alphaIsPrimary ? QStringLiteral("alpha") : QStringLiteral("beta"), reloadCommand());
        const QString file = local(QStringLiteral("Fail-over.7.mcz"));
        TwinTrunk::Test::writeFile(file, TwinTrunk::Test::makeVersion(QStringLiteral("Fail"), QStringLiteral("over"), 7));
        const CtlRun put = TwinTrunk::Test::runTwinTrunkCtl({QStringLiteral("put"), primary.baseUrl().toString() + Project, file}, QStringLiteral("squeak"),
            QStringLiteral("squeak"));
        QVERIFY2(put.exitCode == 0, put.err.constData());
        QVERIFY(!onServer(target, QStringLiteral("Fail-over.7.mcz")));

        const CtlRun dryRun = twintrunkctl({QStringLiteral("repoint"), QStringLiteral("--to"), targetName, QStringLiteral("--dry-run"),
            QStringLiteral("--copy-first"), QStringLiteral("--json")});
        const QJsonObject planned = lastJsonLine(dryRun.out);
        const QJsonObject onlyOnPrimary = check(planned, QStringLiteral("only-on-primary"));
        QCOMPARE(onlyOnPrimary.value(QStringLiteral("result")).toString(), QStringLiteral("warning"));
        QVERIFY(onlyOnPrimary.value(QStringLiteral("reason")).toString().contains(QStringLiteral("the repoint copies them first")));
        QCOMPARE(planned.value(QStringLiteral("actions")).toArray().first().toObject().value(QStringLiteral("id")).toString(), QStringLiteral("copy-first"));
        QCOMPARE(planned.value(QStringLiteral("actions")).toArray().last().toObject().value(QStringLiteral("id")).toString(), QStringLiteral("catch-up"));
        QVERIFY(!onServer(target, QStringLiteral("Fail-over.7.mcz"))); // a dry run copies nothing

        const CtlRun run = twintrunkctl(
            {QStringLiteral("repoint"), QStringLiteral("--to"), targetName, QStringLiteral("--yes"), QStringLiteral("--copy-first"), QStringLiteral("--json")});
        QVERIFY2(run.exitCode == 0, run.out.constData());
        const QJsonArray actions = lastJsonLine(run.out).value(QStringLiteral("actions")).toArray();
        QCOMPARE(actions.first().toObject().value(QStringLiteral("id")).toString(), QStringLiteral("copy-first"));
        QCOMPARE(actions.first().toObject().value(QStringLiteral("output")).toString(), QStringLiteral("1 copied and verified, 0 already there"));
        QCOMPARE(actions.last().toObject().value(QStringLiteral("id")).toString(), QStringLiteral("catch-up"));
        for (const QJsonValue &action : actions)
            QCOMPARE(action.toObject().value(QStringLiteral("result")).toString(), QStringLiteral("done"));
        QCOMPARE(TwinTrunk::Test::readFile(QDir(target.rootDirectory()).filePath(Project + QStringLiteral("/Fail-over.7.mcz"))),
            TwinTrunk::Test::readFile(QDir(primary.rootDirectory()).filePath(Project + QStringLiteral("/Fail-over.7.mcz"))));
        QCOMPARE(primaryInWorkspace(), targetName);
        const CtlRun journal = twintrunkctl({QStringLiteral("journal"), QStringLiteral("--json")});
        QVERIFY(journal.out.contains("\"name\":\"Fail-over.7.mcz\",\"operation\":\"copy\""));
    }
};

QTEST_GUILESS_MAIN(TestFailover)
#include "tst_failover.moc"
