// The sync engine against two real nginx servers (and directory repositories): catch-up in both
// directions, conflicts and regressions left alone, idempotent reruns, failures named.

#include <QDir>
#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include "demo/demoworkspace.h"
#include "nginxserver.h"
#include "state/statedatabase.h"
#include "sync/syncengine.h"
#include "testsupport.h"
#include "workspace/workspace.h"

using namespace TwinTrunk;
using namespace TwinTrunk::Sync;

namespace
{
    struct Server
    {
        QString name;
        QUrl url;
        QString root; // where its projects live on disk
        QString user;
        QString password;
    };

    Workspace workspaceFor(const QList<Server> &servers, const QString &project)
    {
        QJsonArray list;
        for (qsizetype i = 0; i < servers.size(); ++i)
        {
            QJsonObject entry{{QStringLiteral("name"), servers.at(i).name}, {QStringLiteral("url"), servers.at(i).url.toString()}};
            if (i == 0)
                entry.insert(QStringLiteral("primary"), true);
            if (!servers.at(i).user.isEmpty())
            {
                entry.insert(QStringLiteral("user"), servers.at(i).user);
                entry.insert(QStringLiteral("password"), servers.at(i).password);
            }
            list.append(entry);
        }
        Result<Workspace> workspace = Workspace::fromJson(QJsonObject{{QStringLiteral("servers"), list}, {QStringLiteral("projects"), QJsonArray{project}}},
            QStringLiteral("test workspace"));
        if (!workspace)
            qFatal("%s", qPrintable(workspace.error().toString()));
        return workspace.value();
    }

    QMap<QString, QByteArray> filesIn(const QString &folder)
    {
        QMap<QString, QByteArray> files;
        for (const QString &name : QDir(folder).entryList(QDir::Files | QDir::Hidden))
            files.insert(name, Test::readFile(QDir(folder).filePath(name)));
        return files;
    }

    EngineOptions quick(int jobs = 4)
    {
        EngineOptions options;
        options.jobs = jobs;
        options.repository.retryDelayMs = 20;
        options.repository.idleTimeoutMs = 5000;
        return options;
    }
}

class TestSyncEngine final : public QObject
{
    Q_OBJECT

    Test::NginxServer m_alpha{QString()}, m_beta{QString()};
    QTemporaryDir m_local;

    QString project() const { return QStringLiteral("sync-") + QString::fromLatin1(QTest::currentTestFunction()); }
    Server alpha() const { return Server{QStringLiteral("alpha"), m_alpha.baseUrl(), m_alpha.rootDirectory(), m_alpha.user(), m_alpha.password()}; }
    Server beta() const { return Server{QStringLiteral("beta"), m_beta.baseUrl(), m_beta.rootDirectory(), m_beta.user(), m_beta.password()}; }
    QString folder(const Server &server) const { return QDir(server.root).filePath(project()); }

    std::unique_ptr<State::StateDatabase> freshState()
    {
        const QString path = m_local.filePath(project() + QStringLiteral(".sqlite"));
        QFile::remove(path);
        auto state = State::StateDatabase::open(path);
        if (!state)
            qFatal("%s", qPrintable(state.error().toString()));
        return std::move(state).value();
    }

    static StatusReport statusOf(SyncEngine &engine)
    {
        Result<StatusReport> report = Test::wait(engine.status());
        if (!report)
            qFatal("status failed: %s", qPrintable(report.error().toString()));
        return report.value();
    }

    static QSet<QString> copiesIn(const QList<PlanItem> &items)
    {
        QSet<QString> copies;
        for (const PlanItem &item : items)
        {
            for (const QString &target : item.targets)
                copies.insert(item.name + u':' + item.source + QStringLiteral("->") + target);
        }
        return copies;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_alpha = Test::fixtureServer(QStringLiteral("alpha"));
        m_beta = Test::fixtureServer(QStringLiteral("beta"));
    }

    void catchesUpBothWaysAndAgreesWithItsDryRun()
    {
        QList<std::pair<QString, QByteArray>> onAlpha, onBeta;
        for (int i = 1; i <= 5; ++i)
            onAlpha.append({QStringLiteral("Kernel-eem.%1.mcz").arg(i), Test::makeVersion(QStringLiteral("Kernel"), QStringLiteral("eem"), i)});
        for (int i = 1; i <= 3; ++i)
            onBeta.append({QStringLiteral("Tools-mt.%1.mcz").arg(i), Test::makeVersion(QStringLiteral("Tools"), QStringLiteral("mt"), i)});
        const QByteArray shared = Test::makeVersion(QStringLiteral("System"), QStringLiteral("dtl"), 9);
        onAlpha.append({QStringLiteral("System-dtl.9.mcz"), shared});
        onBeta.append({QStringLiteral("System-dtl.9.mcz"), shared});
        onAlpha.append({QStringLiteral("update-mt.1.mcm"),
            "(name 'update-mt.1' repository ('http://source.squeak.org/trunk') dependency ('Kernel' 'Kernel-eem.5' '91164aff-84e5-4794-96dd-9c44819a988e'))"});
        QVERIFY(m_alpha.seed(project(), onAlpha));
        QVERIFY(m_beta.seed(project(), onBeta));

        const Workspace workspace = workspaceFor({alpha(), beta()}, project());
        auto state = freshState();
        SyncEngine engine(workspace, *state, quick());
        const StatusReport before = statusOf(engine);
        const ProjectSnapshot &snapshot = before.projects.first();
        QVERIFY(!snapshot.inSync);
        QCOMPARE(snapshot.missing.value(QStringLiteral("beta")).size(), 6);
        QCOMPARE(snapshot.missing.value(QStringLiteral("alpha")).size(), 3);
        QVERIFY(snapshot.conflicts.isEmpty());

        // The dry run's plan is what the run then does, copy for copy.
        const QList<PlanItem> items = plan(before.projects);
        QSet<QString> done;
        connect(&engine, &SyncEngine::copyFinished, this,
            [&](const CopyOutcome &outcome) { done.insert(outcome.name + u':' + outcome.source + QStringLiteral("->") + outcome.target); });
        const SyncResult result = Test::wait(engine.run(items));
        QVERIFY2(result.ok(), qPrintable(result.failures.isEmpty() ? QString() : result.failures.first().error));
        QCOMPARE(result.copied, 9);
        QCOMPARE(done, copiesIn(items));

        // Raw bytes: every copy is byte-for-byte the original.
        const auto alphaFiles = filesIn(folder(alpha())), betaFiles = filesIn(folder(beta()));
        QCOMPARE(alphaFiles, betaFiles);
        QCOMPARE(alphaFiles.size(), 10);

        const StatusReport after = statusOf(engine);
        QVERIFY(after.projects.first().inSync);
        QVERIFY(plan(after.projects).isEmpty());

        // Idempotent: a rerun has nothing to do and changes nothing.
        const SyncResult again = Test::wait(engine.run(plan(statusOf(engine).projects)));
        QCOMPARE(again.copied, 0);
        QCOMPARE(filesIn(folder(beta())), betaFiles);

        // Every copy is in the journal, after its verification.
        Result<QList<State::JournalEntry>> journal = state->journalSince(QDateTime());
        QVERIFY(journal.ok());
        QCOMPARE(journal->size(), 9);
        QCOMPARE(journal->first().result, QStringLiteral("copied"));
    }

    void conflictsAreDetectedAndLeftAlone()
    {
        QVERIFY(m_alpha.seed(project(),
            {{QStringLiteral("Split-x.1.mcz"), Test::makeVersion(QStringLiteral("Split"), QStringLiteral("x"), 1, 0)},
                {QStringLiteral("Split-x.2.mcz"), Test::makeVersion(QStringLiteral("Split"), QStringLiteral("x"), 2, 0)}}));
        QVERIFY(m_beta.seed(project(), {{QStringLiteral("Split-x.1.mcz"), Test::makeVersion(QStringLiteral("Split"), QStringLiteral("x"), 1, 1)}}));
        const auto alphaBefore = filesIn(folder(alpha())), betaBefore = filesIn(folder(beta()));

        auto state = freshState();
        SyncEngine engine(workspaceFor({alpha(), beta()}, project()), *state, quick());
        const StatusReport report = statusOf(engine);
        QCOMPARE(report.projects.first().conflicts, QStringList{QStringLiteral("Split-x.1.mcz")});
        const SyncResult result = Test::wait(engine.run(plan(report.projects)));
        QCOMPARE(result.copied, 1); // Split-x.2 only
        QCOMPARE(filesIn(folder(alpha())), alphaBefore);
        QCOMPARE(filesIn(folder(beta())).value(QStringLiteral("Split-x.1.mcz")), betaBefore.value(QStringLiteral("Split-x.1.mcz")));
        QCOMPARE(statusOf(engine).projects.first().conflicts, QStringList{QStringLiteral("Split-x.1.mcz")});
        QVERIFY(!statusOf(engine).projects.first().inSync);
    }

    // The console's author and date columns: status reads only shared names; readDetails reads
    // the rest once (a damaged file is named and skipped), and a second call has nothing to read.
    void readsEveryVersionsAuthorAndDateOnce()
    {
        QList<std::pair<QString, QByteArray>> onAlpha;
        for (int i = 1; i <= 4; ++i)
            onAlpha.append({QStringLiteral("Detail-eem.%1.mcz").arg(i), Test::makeVersion(QStringLiteral("Detail"), QStringLiteral("eem"), i)});
        onAlpha.append({QStringLiteral("Detail-eem.5.mcz"), QByteArray("PK\x03\x04 not really a version")});
        const QByteArray shared = Test::makeVersion(QStringLiteral("Detail"), QStringLiteral("mt"), 9);
        onAlpha.append({QStringLiteral("Detail-mt.9.mcz"), shared});
        QVERIFY(m_alpha.seed(project(), onAlpha));
        QVERIFY(m_beta.seed(project(), {{QStringLiteral("Detail-mt.9.mcz"), shared}}));

        auto state = freshState();
        const Workspace workspace = workspaceFor({alpha(), beta()}, project());
        SyncEngine engine(workspace, *state, quick());
        statusOf(engine);
        Result<ProjectDetails> before = projectDetails(workspace, *state, project());
        QVERIFY(before.ok());
        const VersionDetail sharedOnBeta = before->servers.value(QStringLiteral("beta")).value(QStringLiteral("Detail-mt.9.mcz"));
        QCOMPARE(sharedOnBeta.author, QStringLiteral("mt")); // read by status: the name is on both
        QCOMPARE(sharedOnBeta.authoredAt, QDateTime(QDate(2026, 4, 1), QTime(10, 9), Qt::UTC));
        QVERIFY(before->servers.value(QStringLiteral("alpha")).value(QStringLiteral("Detail-eem.1.mcz")).author.isEmpty());
        QVERIFY(before->servers.value(QStringLiteral("alpha")).value(QStringLiteral("Detail-eem.1.mcz")).listedModified.isValid());

        int lastDone = 0, lastTotal = 0;
        connect(&engine, &SyncEngine::detailsProgressed, this, [&](int done, int total) {
            lastDone = done;
            lastTotal = total;
        });
        const DetailsResult read = Test::wait(engine.readDetails(project()));
        QCOMPARE(read.read, 4);
        QCOMPARE(read.failed, 1);
        QCOMPARE(lastTotal, 5);
        QCOMPARE(lastDone, 5);
        QVERIFY2(read.warnings.join(u'\n').contains(QStringLiteral("Detail-eem.5.mcz")), qPrintable(read.warnings.join(u'\n')));

        Result<ProjectDetails> after = projectDetails(workspace, *state, project());
        QVERIFY(after.ok());
        for (int i = 1; i <= 4; ++i)
        {
            const VersionDetail detail = after->servers.value(QStringLiteral("alpha")).value(QStringLiteral("Detail-eem.%1.mcz").arg(i));
            QCOMPARE(detail.author, QStringLiteral("eem"));
            QCOMPARE(detail.authoredAt, QDateTime(QDate(2026, 4, 1), QTime(10, 0), Qt::UTC).addSecs(i * 60));
            QVERIFY(!detail.id.isEmpty());
        }
        QCOMPARE(Test::wait(engine.readDetails(project())).read, 0); // remembered; only the damaged one is tried again
    }

    void aVanishedVersionIsAnAlarmNotADeletion()
    {
        const QList<std::pair<QString, QByteArray>> versions{
            {QStringLiteral("Gone-x.1.mcz"), Test::makeVersion(QStringLiteral("Gone"), QStringLiteral("x"), 1)},
            {QStringLiteral("Gone-x.2.mcz"), Test::makeVersion(QStringLiteral("Gone"), QStringLiteral("x"), 2)}};
        QVERIFY(m_alpha.seed(project(), versions));
        QVERIFY(m_beta.seed(project(), versions));
        auto state = freshState();
        SyncEngine engine(workspaceFor({alpha(), beta()}, project()), *state, quick());
        QVERIFY(statusOf(engine).projects.first().inSync);

        // beta restored from an old backup: the version is gone from its listing.
        QVERIFY(QFile::remove(QDir(folder(beta())).filePath(QStringLiteral("Gone-x.1.mcz"))));
        const StatusReport report = statusOf(engine);
        QCOMPARE(report.projects.first().regressions, QStringList{QStringLiteral("Gone-x.1.mcz")});
        QVERIFY(plan(report.projects).isEmpty()); // not silently copied back: a person looks first
        QVERIFY(QFile::exists(QDir(folder(alpha())).filePath(QStringLiteral("Gone-x.1.mcz"))));
    }

    void aListingThatEmptiesIsSuspectNotAMassDeletion()
    {
        QList<std::pair<QString, QByteArray>> versions;
        for (int i = 1; i <= 4; ++i)
            versions.append({QStringLiteral("Empty-x.%1.mcz").arg(i), Test::makeVersion(QStringLiteral("Empty"), QStringLiteral("x"), i)});
        QVERIFY(m_alpha.seed(project(), versions));
        QVERIFY(m_beta.seed(project(), versions));
        auto state = freshState();
        SyncEngine engine(workspaceFor({alpha(), beta()}, project()), *state, quick());
        QVERIFY(statusOf(engine).projects.first().inSync);

        // beta's project comes back empty (a wrong mount), then is gone altogether (404).
        for (const auto &[name, bytes] : versions)
            QVERIFY(QFile::remove(QDir(folder(beta())).filePath(name)));
        for (int round = 0; round < 2; ++round)
        {
            const StatusReport report = statusOf(engine);
            const ProjectSnapshot &snapshot = report.projects.first();
            QVERIFY(snapshot.regressions.isEmpty());
            QVERIFY(snapshot.unreachable.value(QStringLiteral("beta")).contains(QStringLiteral("suspect listing")));
            for (const ServerStatus &server : report.servers)
                QVERIFY2(server.reachable, qPrintable(server.name)); // it answered: reachable, the project unchecked
            QVERIFY(report.warnings.join(u'\n').contains(QStringLiteral("suspect listing")));
            QVERIFY(!snapshot.inSync);
            QVERIFY(plan(report.projects).isEmpty());
            QVERIFY(QDir(folder(beta())).removeRecursively());
        }
    }

    void aListingThatSuddenlyShrinksIsSuspect()
    {
        QList<std::pair<QString, QByteArray>> versions;
        for (int i = 1; i <= 30; ++i)
            versions.append({QStringLiteral("Shrink-x.%1.mcz").arg(i), Test::makeVersion(QStringLiteral("Shrink"), QStringLiteral("x"), i)});
        QVERIFY(m_alpha.seed(project(), versions));
        QVERIFY(m_beta.seed(project(), versions));
        auto state = freshState();
        SyncEngine engine(workspaceFor({alpha(), beta()}, project()), *state, quick());
        QVERIFY(statusOf(engine).projects.first().inSync);

        // Twenty of beta's thirty versions vanish at once: the listing is suspect, not 20 regressions.
        for (int i = 1; i <= 20; ++i)
            QVERIFY(QFile::remove(QDir(folder(beta())).filePath(versions.at(i - 1).first)));
        const StatusReport report = statusOf(engine);
        const ProjectSnapshot &snapshot = report.projects.first();
        QVERIFY(snapshot.regressions.isEmpty());
        QVERIFY(snapshot.unreachable.value(QStringLiteral("beta")).contains(QStringLiteral("suspect listing: 10 versions, where 30")));
        QVERIFY(plan(report.projects).isEmpty());

        // One more loss after they come back is a regression again: small losses are named one by one.
        QVERIFY(m_beta.seed(project(), versions.mid(0, 20)));
        QVERIFY(QFile::remove(QDir(folder(beta())).filePath(versions.at(29).first)));
        QCOMPARE(statusOf(engine).projects.first().regressions, QStringList{versions.at(29).first});
    }

    void wrongCredentialsFailEveryCopyAndWriteNothing()
    {
        QVERIFY(m_alpha.seed(project(),
            {{QStringLiteral("Auth-x.1.mcz"), Test::makeVersion(QStringLiteral("Auth"), QStringLiteral("x"), 1)},
                {QStringLiteral("Auth-x.2.mcz"), Test::makeVersion(QStringLiteral("Auth"), QStringLiteral("x"), 2)}}));
        QVERIFY(m_beta.createProject(project()));
        Server wrong = beta();
        wrong.password = QStringLiteral("not-the-password");
        auto state = freshState();
        SyncEngine engine(workspaceFor({alpha(), wrong}, project()), *state, quick());
        const SyncResult result = Test::wait(engine.run(plan(statusOf(engine).projects)));
        QCOMPARE(result.failed, 2);
        QVERIFY(!result.ok());
        for (const CopyOutcome &failure : result.failures)
        {
            QVERIFY(failure.error.contains(QStringLiteral("401")));
            QVERIFY(!failure.error.contains(QStringLiteral("not-the-password")));
        }
        QVERIFY(filesIn(folder(beta())).isEmpty());
        QCOMPARE(state->journalSince(QDateTime())->first().result, QStringLiteral("failed"));
    }

    void aServerGoingDownMidRunLeavesNothingHalfDoneAndARerunConverges()
    {
        Test::NginxServer target(QDir(qEnvironmentVariable("TWINTRUNK_TEST_SERVERS")).filePath(QStringLiteral("downtarget")));
        QVERIFY2(target.start(), qPrintable(target.lastError()));
        QList<std::pair<QString, QByteArray>> versions;
        for (int i = 1; i <= 12; ++i)
            versions.append({QStringLiteral("Down-x.%1.mcz").arg(i), Test::makeVersion(QStringLiteral("Down"), QStringLiteral("x"), i)});
        QVERIFY(m_alpha.seed(project(), versions));
        QVERIFY(target.createProject(project()));
        const Server down{QStringLiteral("down"), target.baseUrl(), target.rootDirectory(), target.user(), target.password()};

        auto state = freshState();
        EngineOptions options = quick(1);
        options.repository.retries = 0;
        SyncEngine engine(workspaceFor({alpha(), down}, project()), *state, options);
        int finished = 0;
        connect(&engine, &SyncEngine::copyFinished, this, [&](const CopyOutcome &) {
            if (++finished == 3)
                QVERIFY(target.stop());
        });
        const SyncResult result = Test::wait(engine.run(plan(statusOf(engine).projects)));
        QVERIFY(result.failed > 0);
        QVERIFY(result.copied >= 3);
        QVERIFY(result.failures.first().error.contains(QStringLiteral("down")));

        // Whatever reached the target is complete and byte-exact; nothing half-written is visible.
        const QString targetFolder = QDir(target.rootDirectory()).filePath(project());
        const auto landed = filesIn(targetFolder);
        QCOMPARE(landed.size(), result.copied);
        for (auto it = landed.cbegin(); it != landed.cend(); ++it)
            QCOMPARE(it.value(), Test::readFile(QDir(folder(alpha())).filePath(it.key())));

        // Back up: a rerun copies only what is still missing and ends in sync.
        QVERIFY(target.restart());
        const SyncResult rerun = Test::wait(engine.run(plan(statusOf(engine).projects)));
        QVERIFY(rerun.ok());
        QCOMPARE(rerun.copied, 12 - result.copied);
        QVERIFY(statusOf(engine).projects.first().inSync);
        QVERIFY(target.stop());
    }

    void directoryRepositoriesToo()
    {
        QTemporaryDir dir;
        Result<Demo::DemoWorkspace> demo = Demo::createDemoWorkspace(dir.path());
        QVERIFY(demo.ok());
        Result<Workspace> workspace = Workspace::load(demo->workspaceFile);
        QVERIFY(workspace.ok());
        auto state = State::StateDatabase::open(workspace->stateDatabasePath());
        QVERIFY(state.ok());
        SyncEngine engine(workspace.value(), *state.value(), quick());
        const StatusReport report = statusOf(engine);
        const SyncResult result = Test::wait(engine.run(plan(report.projects)));
        QVERIFY(result.ok());
        QCOMPARE(result.copied, int(demo->onlyOnPrimary.size() + demo->onlyOnSecondary.size()));
        const StatusReport after = statusOf(engine);
        for (const ProjectSnapshot &project : after.projects)
        {
            if (project.project == demo->conflictProject)
            {
                QCOMPARE(project.conflicts, QStringList{demo->conflictFileName});
                QVERIFY(!project.inSync);
            }
            else
            {
                QVERIFY2(project.inSync, qPrintable(project.project));
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestSyncEngine)
#include "tst_syncengine.moc"
