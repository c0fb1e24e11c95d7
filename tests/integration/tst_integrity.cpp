// End to end integrity: a copy counts only when the target holds the source's exact bytes. Hostile
// servers (FaultServer: a target that flips a byte of what it stores, a source that flips one of
// what it serves), a real nginx serving a folder replica as another user, and killed runs.

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLockFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTemporaryDir>
#include <QTest>

#include "faultserver.h"
#include "monticello/mczarchive.h"
#include "nginxserver.h"
#include "repository/directoryrepository.h"
#include "state/statedatabase.h"
#include "sync/syncengine.h"
#include "testsupport.h"
#include "workspace/workspace.h"

using namespace TwinTrunk;
using namespace TwinTrunk::Sync;

namespace
{
    const QString Project = QStringLiteral("trunk");

    // A workspace file with the given servers (name, url), the first primary.
    QString writeWorkspace(const QString &folder, const QList<std::pair<QString, QUrl>> &servers)
    {
        QJsonArray list;
        for (qsizetype i = 0; i < servers.size(); ++i)
        {
            QJsonObject entry{{QStringLiteral("name"), servers.at(i).first}, {QStringLiteral("url"), servers.at(i).second.toString()}};
            if (i == 0)
                entry.insert(QStringLiteral("primary"), true);
            list.append(entry);
        }
        const QString path = QDir(folder).filePath(QStringLiteral("twintrunk.json"));
        Test::writeFile(path, QJsonDocument(QJsonObject{{QStringLiteral("servers"), list}, {QStringLiteral("projects"), QJsonArray{Project}}}).toJson());
        return path;
    }

    QList<std::pair<QString, QByteArray>> versions(int count, const QString &package = QStringLiteral("Kernel"))
    {
        QList<std::pair<QString, QByteArray>> list;
        for (int i = 1; i <= count; ++i)
            list.append({QStringLiteral("%1-eem.%2.mcz").arg(package).arg(i), Test::makeVersion(package, QStringLiteral("eem"), i)});
        return list;
    }

    void seedFolder(const QString &root, const QList<std::pair<QString, QByteArray>> &files)
    {
        QDir(root).mkpath(Project);
        for (const auto &[name, bytes] : files)
            Test::writeFile(QDir(root).filePath(Project + u'/' + name), bytes);
    }

    EngineOptions quick()
    {
        EngineOptions options;
        options.repository.retryDelayMs = 10;
        options.repository.idleTimeoutMs = 3000;
        return options;
    }

    struct Opened
    {
        Workspace workspace;
        std::unique_ptr<State::StateDatabase> state;
    };

    Opened open(const QString &workspaceFile)
    {
        Result<Workspace> workspace = Workspace::load(workspaceFile);
        if (!workspace)
            qFatal("%s", qPrintable(workspace.error().toString()));
        auto state = State::StateDatabase::open(workspace->stateDatabasePath());
        if (!state)
            qFatal("%s", qPrintable(state.error().toString()));
        return Opened{workspace.value(), std::move(state).value()};
    }

    StatusReport statusOf(SyncEngine &engine)
    {
        Result<StatusReport> report = Test::wait(engine.status());
        if (!report)
            qFatal("status failed: %s", qPrintable(report.error().toString()));
        return report.value();
    }

    QList<State::JournalEntry> copies(const State::StateDatabase &state)
    {
        QList<State::JournalEntry> entries = state.journalSince(QDateTime()).value();
        entries.removeIf([](const State::JournalEntry &entry) { return entry.operation != u"copy"; });
        return entries;
    }
}

class TestIntegrity final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    // A folder of this test (and data row) of its own.
    QString folderServer(const QString &name) const
    {
        const QString row = QTest::currentDataTag() ? u'-' + QString::fromLatin1(QTest::currentDataTag()).replace(u' ', u'_') : QString();
        return m_dir.filePath(QString::fromLatin1(QTest::currentTestFunction()) + row + u'/' + name);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // An nginx running as nobody must reach its folder under this one.
        QFile::setPermissions(m_dir.path(),
            QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner | QFileDevice::ReadGroup | QFileDevice::ExeGroup | QFileDevice::ReadOther
                | QFileDevice::ExeOther);
    }

    void aTargetThatStoresOtherBytesIsCaught_data()
    {
        QTest::addColumn<bool>("sound");
        QTest::newRow("a byte flipped") << false;
        QTest::newRow("a sound archive with other bytes") << true;
    }

    // A target that stores other bytes than it was sent (damaged, or sound and still not what was
    // sent): every copy fails as damaged on that target, journaled with both digests; status calls
    // the names damaged there, never in sync; a rerun copies nothing over them; and verify, which
    // reads them whole, keeps them damaged (never "healed").
    void aTargetThatStoresOtherBytesIsCaught()
    {
        QFETCH(bool, sound);
        Test::FaultServer target;
        QVERIFY(target.listen());
        Test::FaultServer::Storage storage;
        storage.enabled = true;
        storage.flipOnPut = !sound;
        storage.otherSoundBytesOnPut = sound;
        target.setStorage(storage);
        const QString source = folderServer(QStringLiteral("box2"));
        const auto seeded = versions(3);
        seedFolder(source, seeded);
        Opened opened =
            open(writeWorkspace(folderServer(QString()), {{QStringLiteral("box2"), QUrl::fromLocalFile(source)}, {QStringLiteral("box4"), target.baseUrl()}}));

        SyncEngine engine(opened.workspace, *opened.state, quick());
        const SyncResult result = Test::wait(engine.run(engine.plan(statusOf(engine))));
        QCOMPARE(result.copied, 0);
        QCOMPARE(result.failed, 3);
        QCOMPARE(result.damaged, 3);
        QVERIFY(!result.ok());
        for (const CopyOutcome &failure : result.failures)
        {
            QCOMPARE(failure.errorKind, Error::Kind::Damaged);
            QVERIFY2(failure.error.contains(QStringLiteral("damaged on target")), qPrintable(failure.error));
        }

        // The journal names both digests: what was sent and what the target reads back as.
        const QList<State::JournalEntry> journal = copies(*opened.state);
        QCOMPARE(journal.size(), 3);
        for (const State::JournalEntry &entry : journal)
        {
            QCOMPARE(entry.result, QStringLiteral("damaged"));
            const QByteArray sent =
                QCryptographicHash::hash(Test::readFile(QDir(source).filePath(Project + u'/' + entry.name)), QCryptographicHash::Sha256).toHex();
            const QByteArray stored = QCryptographicHash::hash(target.storedFile(u'/' + Project + u'/' + entry.name), QCryptographicHash::Sha256).toHex();
            QVERIFY(sent != stored);
            QVERIFY2(entry.detail.contains(QString::fromLatin1(sent)) && entry.detail.contains(QString::fromLatin1(stored)), qPrintable(entry.detail));
        }

        // Status: damaged on box4, a state of its own, never in sync; nothing left to copy over it.
        const StatusReport after = statusOf(engine);
        const ProjectSnapshot &snapshot = after.projects.first();
        QVERIFY(!snapshot.inSync);
        QCOMPARE(snapshot.damaged.value(QStringLiteral("box4")).size(), 3);
        for (const NameRow &row : snapshot.rows)
            QCOMPARE(row.state, VersionState::Damaged);
        QVERIFY(engine.plan(after).isEmpty());

        // The CLI says the same and fails for cron.
        const Test::CtlRun status =
            Test::runTwinTrunkCtl({QStringLiteral("status"), QStringLiteral("--check"), QStringLiteral("-w"), opened.workspace.filePath()});
        QCOMPARE(status.exitCode, 1);
        QVERIFY2(status.out.contains("DAMAGED on box4"), status.out.constData());

        const Test::CtlRun verify =
            Test::runTwinTrunkCtl({QStringLiteral("verify"), QStringLiteral("--all"), QStringLiteral("-w"), opened.workspace.filePath()});
        QCOMPARE(verify.exitCode, 1);
        QVERIFY2(verify.out.contains(" 0 healed, 3 damaged now"), verify.out.constData());
        const Test::CtlRun again =
            Test::runTwinTrunkCtl({QStringLiteral("status"), QStringLiteral("--check"), QStringLiteral("-w"), opened.workspace.filePath()});
        QCOMPARE(again.exitCode, 1);
        QVERIFY2(again.out.contains("DAMAGED on box4"), again.out.constData());
    }

    // A stock WebDAV server overwrites a name that appeared between TwinTrunk's check and its
    // upload (an image committing at that moment) and answers 204: the copy fails saying so,
    // never counts as copied. The upload asked not to overwrite (If-None-Match: *).
    void anUploadThatReplacedAFileIsNeverACopy()
    {
        Test::FaultServer target;
        QVERIFY(target.listen());
        Test::FaultServer::Storage storage;
        storage.enabled = true;
        target.setStorage(storage);
        const QString source = folderServer(QStringLiteral("box2"));
        const auto seeded = versions(1);
        seedFolder(source, seeded);
        const QString path = u'/' + Project + u'/' + seeded.first().first;
        target.setRoute(path, Test::FaultServer::Route{.status = 204}, "PUT");
        Opened opened =
            open(writeWorkspace(folderServer(QString()), {{QStringLiteral("box2"), QUrl::fromLocalFile(source)}, {QStringLiteral("box4"), target.baseUrl()}}));

        SyncEngine engine(opened.workspace, *opened.state, quick());
        const SyncResult result = Test::wait(engine.run(engine.plan(statusOf(engine))));
        QCOMPARE(result.copied, 0);
        QCOMPARE(result.failed, 1);
        QVERIFY2(result.failures.first().error.contains(QStringLiteral("204 (replaced)")), qPrintable(result.failures.first().error));
        QCOMPARE(copies(*opened.state).first().result, QStringLiteral("failed"));
        bool askedNotToOverwrite = false;
        for (const Test::FaultServer::Seen &seen : target.requests())
        {
            if (seen.method == "PUT")
                askedNotToOverwrite = seen.headers.value("if-none-match") == "*";
        }
        QVERIFY(askedNotToOverwrite);
    }

    // A source whose bytes change on the way: nothing damaged is written anywhere, the source's
    // copies are recorded as read damaged, and the sync fails.
    void aSourceThatFlipsAByteOnEveryGetCopiesNothing()
    {
        Test::FaultServer source;
        QVERIFY(source.listen());
        source.setStorage({true, false, true});
        for (const auto &[name, bytes] : versions(6))
            source.storeFile(u'/' + Project + u'/' + name, bytes);
        const QString target = folderServer(QStringLiteral("box4"));
        QDir(target).mkpath(Project);
        Opened opened =
            open(writeWorkspace(folderServer(QString()), {{QStringLiteral("box2"), source.baseUrl()}, {QStringLiteral("box4"), QUrl::fromLocalFile(target)}}));

        SyncEngine engine(opened.workspace, *opened.state, quick());
        const SyncResult result = Test::wait(engine.run(engine.plan(statusOf(engine))));
        QCOMPARE(result.copied, 0);
        QCOMPARE(result.failed, 6);
        QCOMPARE(result.damaged, 6);
        QCOMPARE(QDir(QDir(target).filePath(Project)).entryList(QDir::Files | QDir::Hidden), QStringList());
        const StatusReport after = statusOf(engine);
        QCOMPARE(after.projects.first().damaged.value(QStringLiteral("box2")).size(), 6);
        QVERIFY(!after.projects.first().inSync);

        // twintrunkctl sync exits non-zero and says why.
        const Test::CtlRun sync = Test::runTwinTrunkCtl({QStringLiteral("sync"), QStringLiteral("-w"), opened.workspace.filePath()});
        QCOMPARE(sync.exitCode, 1);
        QVERIFY2(sync.err.contains("damaged") || sync.out.contains("damaged"), sync.out.constData());
    }

    // A copy that was sound when first read, found with other bytes later, is damaged even when
    // its archive is still sound (here: the same version re-serialised under the same name).
    void aCopyThatChangesAfterItWasRecordedIsDamaged()
    {
        const QString box2 = folderServer(QStringLiteral("box2")), box4 = folderServer(QStringLiteral("box4"));
        seedFolder(box2, versions(2));
        QDir(box4).mkpath(Project);
        Opened opened = open(writeWorkspace(folderServer(QString()),
            {{QStringLiteral("box2"), QUrl::fromLocalFile(box2)}, {QStringLiteral("box4"), QUrl::fromLocalFile(box4)}}));
        {
            SyncEngine engine(opened.workspace, *opened.state, quick());
            QVERIFY(Test::wait(engine.run(engine.plan(statusOf(engine)))).ok());
            QVERIFY(statusOf(engine).projects.first().inSync);
        }
        // The file on box2 is swapped for other bytes of the same version: a sound archive, the same
        // name and id, its members stamped with another time.
        const QString swapped = QDir(box2).filePath(Project + QStringLiteral("/Kernel-eem.1.mcz"));
        Result<Monticello::MczArchive> archive = Monticello::MczArchive::readBytes(Test::readFile(swapped), swapped);
        QVERIFY(archive.ok());
        Result<QByteArray> rewritten = Monticello::MczArchive::write(archive->members(), QDateTime(QDate(2001, 1, 1), QTime(0, 0), Qt::UTC));
        QVERIFY(rewritten.ok() && rewritten.value() != Test::readFile(swapped));
        QFile::remove(swapped);
        Test::writeFile(swapped, rewritten.value());
        // A third server needs it: the copy reads box2's bytes whole and compares them with the record.
        const QString box6 = folderServer(QStringLiteral("box6"));
        QDir(box6).mkpath(Project);
        QFile::remove(opened.workspace.filePath());
        Opened three = open(writeWorkspace(folderServer(QString()),
            {{QStringLiteral("box2"), QUrl::fromLocalFile(box2)}, {QStringLiteral("box4"), QUrl::fromLocalFile(box4)},
                {QStringLiteral("box6"), QUrl::fromLocalFile(box6)}}));
        opened.state.reset();
        SyncEngine engine(three.workspace, *three.state, quick());
        const SyncResult result = Test::wait(engine.run(engine.plan(statusOf(engine))));
        // Kernel-eem.1 comes from box2 (the primary) and is refused there; Kernel-eem.2 is copied.
        QCOMPARE(result.copied, 1);
        QCOMPARE(result.damaged, 1);
        QVERIFY2(result.failures.first().error.contains(QStringLiteral("were recorded on")), qPrintable(result.failures.first().error));
        QVERIFY(!QFileInfo::exists(QDir(box6).filePath(Project + QStringLiteral("/Kernel-eem.1.mcz"))));
        // Next time the plan takes the sound copy on box4.
        const StatusReport next = statusOf(engine);
        QCOMPARE(next.projects.first().damaged.value(QStringLiteral("box2")), QStringList{QStringLiteral("Kernel-eem.1.mcz")});
        const QList<PlanItem> plan = engine.plan(next);
        QCOMPARE(plan.size(), 1);
        QCOMPARE(plan.first().source, QStringLiteral("box4"));
        QVERIFY(Test::wait(engine.run(plan)).ok());
        QCOMPARE(Test::readFile(QDir(box6).filePath(Project + QStringLiteral("/Kernel-eem.1.mcz"))),
            Test::readFile(QDir(box4).filePath(Project + QStringLiteral("/Kernel-eem.1.mcz"))));
    }

    // A run killed between a copy's write and its journal entry: the next run journals it as
    // finished by the interrupted run (or as not landed), so the journal accounts for every copy.
    void copiesOfAKilledRunAreAccountedFor()
    {
        const QString box2 = folderServer(QStringLiteral("box2")), box4 = folderServer(QStringLiteral("box4"));
        const auto seeded = versions(2);
        seedFolder(box2, seeded);
        seedFolder(box4, {seeded.first()}); // landed, never journaled
        Opened opened = open(writeWorkspace(folderServer(QString()),
            {{QStringLiteral("box2"), QUrl::fromLocalFile(box2)}, {QStringLiteral("box4"), QUrl::fromLocalFile(box4)}}));
        for (const auto &[name, bytes] : seeded)
        {
            const QByteArray sha256 = QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex();
            QVERIFY(opened.state
                        ->addCopyIntent(State::CopyIntent{0, Project, name, QStringLiteral("box2"), QStringLiteral("box4"), qint64(bytes.size()), sha256,
                            QDateTime::currentDateTimeUtc().addSecs(-60), QStringLiteral("killed@host (twintrunkctl)")})
                        .ok());
        }
        SyncEngine engine(opened.workspace, *opened.state, quick());
        const SyncResult result = Test::wait(engine.run(engine.plan(statusOf(engine))));
        QCOMPARE(result.interruptedSettled, 2);
        QCOMPARE(result.copied, 1); // the one that had not landed
        QVERIFY(opened.state->copyIntents()->isEmpty());
        const QList<State::JournalEntry> journal = copies(*opened.state);
        QCOMPARE(journal.size(), 3);
        QCOMPARE(journal.at(0).result, QStringLiteral("copied"));
        QVERIFY2(journal.at(0).detail.contains(QStringLiteral("finished by an interrupted run")), qPrintable(journal.at(0).detail));
        QCOMPARE(journal.at(1).result, QStringLiteral("failed"));
        QVERIFY2(journal.at(1).detail.contains(QStringLiteral("interrupted before it landed")), qPrintable(journal.at(1).detail));
        QCOMPARE(journal.at(2).result, QStringLiteral("copied"));
        QCOMPARE(journal.at(2).name, seeded.at(1).first);
    }

    // A copy whose upload landed but whose read-back failed (the target went away after the PUT;
    // found by the fault run): the failure is journaled at once, and the next run reads the
    // target and journals the copy it finds, so the journal accounts for bytes that are there. A
    // failed upload that never landed adds nothing more.
    void anUploadThatLandedUnconfirmedIsAccountedForNextRun()
    {
        Test::FaultServer target;
        QVERIFY(target.listen());
        Test::FaultServer::Storage storage;
        storage.enabled = true;
        target.setStorage(storage);
        const QString source = folderServer(QStringLiteral("box2"));
        const auto seeded = versions(2);
        seedFolder(source, seeded);
        const QString landed = u'/' + Project + u'/' + seeded.at(0).first;
        const QString refused = u'/' + Project + u'/' + seeded.at(1).first;
        Test::FaultServer::Route unavailable;
        unavailable.status = 502;
        target.setRoute(landed, unavailable, "GET");  // stored, then the read-back fails
        target.setRoute(refused, unavailable, "PUT"); // never stored
        Opened opened =
            open(writeWorkspace(folderServer(QString()), {{QStringLiteral("box2"), QUrl::fromLocalFile(source)}, {QStringLiteral("box4"), target.baseUrl()}}));

        SyncEngine engine(opened.workspace, *opened.state, quick());
        const SyncResult first = Test::wait(engine.run(engine.plan(statusOf(engine))));
        QCOMPARE(first.failed, 2);
        QCOMPARE(target.storedFile(landed), seeded.at(0).second);
        QList<State::JournalEntry> journal = copies(*opened.state);
        QCOMPARE(journal.size(), 2);
        for (const State::JournalEntry &entry : journal)
            QCOMPARE(entry.result, QStringLiteral("failed"));
        QCOMPARE(opened.state->copyIntents()->size(), 2);

        target.clearRoute(landed, "GET");
        target.clearRoute(refused, "PUT");
        const SyncResult next = Test::wait(engine.run(engine.plan(statusOf(engine))));
        QCOMPARE(next.interruptedSettled, 1);
        QVERIFY(opened.state->copyIntents()->isEmpty());
        journal = copies(*opened.state);
        QCOMPARE(journal.size(), 4); // + the landed copy found, + the other copied now; no second failure
        QCOMPARE(journal.at(2).name, seeded.at(0).first);
        QCOMPARE(journal.at(2).result, QStringLiteral("copied"));
        QVERIFY2(journal.at(2).detail.contains(QStringLiteral("the upload whose failure is journaled landed")), qPrintable(journal.at(2).detail));
        QCOMPARE(journal.at(3).name, seeded.at(1).first);
        QCOMPARE(journal.at(3).result, QStringLiteral("copied"));
    }

    // Downloads live in a scratch folder beside the state database; a dead run's folder is
    // removed by the next engine, a live one's never.
    void scratchFoldersOfDeadRunsAreCleaned()
    {
        const QString box2 = folderServer(QStringLiteral("box2")), box4 = folderServer(QStringLiteral("box4"));
        seedFolder(box2, versions(1));
        QDir(box4).mkpath(Project);
        Opened opened = open(writeWorkspace(folderServer(QString()),
            {{QStringLiteral("box2"), QUrl::fromLocalFile(box2)}, {QStringLiteral("box4"), QUrl::fromLocalFile(box4)}}));
        const QDir root(opened.workspace.scratchPath());
        // A run that died: its lock names a process that does not exist.
        QVERIFY(root.mkpath(QStringLiteral("run-dead01")));
        Test::writeFile(root.filePath(QStringLiteral("run-dead01/Kernel-eem.1.mcz.abc123.part")), "partial");
        // As QLockFile writes it: pid, application, host, machine id, boot id.
        Test::writeFile(root.filePath(QStringLiteral("run-dead01/.owner.lock")),
            QByteArray("2147480000\ntwintrunkctl\n") + QSysInfo::machineHostName().toUtf8() + '\n' + QSysInfo::machineUniqueId() + '\n'
                + QSysInfo::bootUniqueId() + '\n');
        // A live one: held by this process.
        QVERIFY(root.mkpath(QStringLiteral("run-live01")));
        QLockFile live(root.filePath(QStringLiteral("run-live01/.owner.lock")));
        QVERIFY(live.tryLock(0));

        {
            SyncEngine engine(opened.workspace, *opened.state, quick());
            QVERIFY(!root.exists(QStringLiteral("run-dead01")));
            QVERIFY(root.exists(QStringLiteral("run-live01")));
            QVERIFY(Test::wait(engine.run(engine.plan(statusOf(engine)))).ok());
        }
        // The engine's own folder goes with it.
        QCOMPARE(root.entryList({QStringLiteral("run-*")}, QDir::Dirs | QDir::NoDotAndDotDot), QStringList{QStringLiteral("run-live01")});
    }

    // A byte flipped on a server's disk is found by verify (with the server that holds a sound
    // copy), and repair replaces the copy after keeping its bytes; a rerun has nothing to do.
    void verifyFindsAFlippedByteAndRepairMendsIt()
    {
        const QString box2 = folderServer(QStringLiteral("box2")), box4 = folderServer(QStringLiteral("box4"));
        seedFolder(box2, versions(3));
        QDir(box4).mkpath(Project);
        const QString workspace =
            writeWorkspace(folderServer(QString()), {{QStringLiteral("box2"), QUrl::fromLocalFile(box2)}, {QStringLiteral("box4"), QUrl::fromLocalFile(box4)}});
        QCOMPARE(Test::runTwinTrunkCtl({QStringLiteral("sync"), QStringLiteral("-w"), workspace}).exitCode, 0);
        const Test::CtlRun clean = Test::runTwinTrunkCtl({QStringLiteral("verify"), QStringLiteral("--all"), QStringLiteral("-w"), workspace});
        QCOMPARE(clean.exitCode, 0);
        QVERIFY2(clean.out.contains("trunk: fully verified"), clean.out.constData());

        const QString damagedPath = QDir(box4).filePath(Project + QStringLiteral("/Kernel-eem.2.mcz"));
        QByteArray bytes = Test::readFile(damagedPath);
        const QByteArray sound = bytes;
        bytes[bytes.size() / 2] = char(bytes[bytes.size() / 2] ^ 0x20);
        QFile::remove(damagedPath);
        Test::writeFile(damagedPath, bytes);

        const Test::CtlRun found =
            Test::runTwinTrunkCtl({QStringLiteral("verify"), QStringLiteral("--all"), QStringLiteral("--json"), QStringLiteral("-w"), workspace});
        QCOMPARE(found.exitCode, 1);
        const QJsonObject report = QJsonDocument::fromJson(found.out).object();
        QCOMPARE(report.value(QStringLiteral("damagedFound")).toInt(), 1);
        const QJsonObject damaged = report.value(QStringLiteral("damaged")).toArray().first().toObject();
        QCOMPARE(damaged.value(QStringLiteral("server")).toString(), QStringLiteral("box4"));
        QCOMPARE(damaged.value(QStringLiteral("name")).toString(), QStringLiteral("Kernel-eem.2.mcz"));
        QCOMPARE(damaged.value(QStringLiteral("soundOn")).toArray(), QJsonArray{QStringLiteral("box2")});
        const Test::CtlRun status = Test::runTwinTrunkCtl({QStringLiteral("status"), QStringLiteral("--check"), QStringLiteral("-w"), workspace});
        QCOMPARE(status.exitCode, 1);
        QVERIFY2(status.out.contains("DAMAGED on box4: Kernel-eem.2.mcz"), status.out.constData());

        // The damaged copy is no source: said so, nothing changed, and cron sees a failure.
        const Test::CtlRun wrongWay = Test::runTwinTrunkCtl({QStringLiteral("repair"), Project, QStringLiteral("Kernel-eem.2.mcz"), QStringLiteral("--from"),
            QStringLiteral("box4"), QStringLiteral("-w"), workspace});
        QCOMPARE(wrongWay.exitCode, 1);
        QVERIFY2(wrongWay.out.contains("on box4 is itself known damaged") || wrongWay.err.contains("on box4 is itself known damaged"),
            wrongWay.out.constData());
        QCOMPARE(Test::readFile(damagedPath), bytes);

        // A dry run changes nothing; the repair keeps the damaged bytes, then replaces the copy.
        QCOMPARE(Test::runTwinTrunkCtl({QStringLiteral("repair"), Project, QStringLiteral("Kernel-eem.2.mcz"), QStringLiteral("--from"), QStringLiteral("box2"),
                                           QStringLiteral("--dry-run"), QStringLiteral("-w"), workspace})
                     .exitCode,
            0);
        QCOMPARE(Test::readFile(damagedPath), bytes);
        const Test::CtlRun repair = Test::runTwinTrunkCtl({QStringLiteral("repair"), Project, QStringLiteral("Kernel-eem.2"), QStringLiteral("--from"),
            QStringLiteral("box2"), QStringLiteral("--json"), QStringLiteral("-w"), workspace});
        QVERIFY2(repair.exitCode == 0, repair.out.constData());
        QCOMPARE(Test::readFile(damagedPath), sound);
        const QStringList kept = QDir(workspace + QStringLiteral(".state.sqlite.quarantine/") + Project).entryList(QDir::Files);
        QCOMPARE(kept.size(), 1);
        QCOMPARE(Test::readFile(workspace + QStringLiteral(".state.sqlite.quarantine/") + Project + u'/' + kept.first()), bytes);
        QCOMPARE(Test::runTwinTrunkCtl({QStringLiteral("status"), QStringLiteral("--check"), QStringLiteral("-w"), workspace}).exitCode, 0);
        QCOMPARE(Test::runTwinTrunkCtl({QStringLiteral("verify"), QStringLiteral("--all"), QStringLiteral("-w"), workspace}).exitCode, 0);

        const Test::CtlRun again = Test::runTwinTrunkCtl({QStringLiteral("repair"), Project, QStringLiteral("Kernel-eem.2.mcz"), QStringLiteral("--from"),
            QStringLiteral("box2"), QStringLiteral("-w"), workspace});
        QCOMPARE(again.exitCode, 0);
        QVERIFY2(again.out.contains("nothing to repair"), again.out.constData());
    }

    // A copy marked damaged that reads sound and as recorded now (the damage was seen in transit,
    // or an admin mended it): the repair reads it again and leaves it alone, deleting nothing.
    void aRepairLeavesACopyThatReadsSoundNow()
    {
        const QString box2 = folderServer(QStringLiteral("box2")), box4 = folderServer(QStringLiteral("box4"));
        const auto seeded = versions(1);
        seedFolder(box2, seeded);
        QDir(box4).mkpath(Project);
        const QString workspace =
            writeWorkspace(folderServer(QString()), {{QStringLiteral("box2"), QUrl::fromLocalFile(box2)}, {QStringLiteral("box4"), QUrl::fromLocalFile(box4)}});
        QCOMPARE(Test::runTwinTrunkCtl({QStringLiteral("sync"), QStringLiteral("-w"), workspace}).exitCode, 0);
        const QString copy = QDir(box4).filePath(Project + u'/' + seeded.first().first);
        {
            Opened opened = open(workspace);
            QVERIFY(
                opened.state
                    ->recordDamage(QStringLiteral("box4"), Project, seeded.first().first, QStringLiteral("seen in transit"), QDateTime::currentDateTimeUtc())
                    .ok());
        }
        const Test::CtlRun repair = Test::runTwinTrunkCtl(
            {QStringLiteral("repair"), Project, seeded.first().first, QStringLiteral("--from"), QStringLiteral("box2"), QStringLiteral("-w"), workspace});
        QVERIFY2(repair.exitCode == 0, repair.out.constData());
        QVERIFY2(repair.out.contains("reads sound now and was left alone"), repair.out.constData());
        QCOMPARE(Test::readFile(copy), seeded.first().second);
        Opened reopened = open(workspace);
        const QList<State::JournalEntry> journal = reopened.state->journalOf(Project, seeded.first().first).value();
        QVERIFY(!journal.isEmpty());
        for (const State::JournalEntry &entry : journal)
            QVERIFY2(entry.operation != u"repair-remove" && entry.operation != u"repair-put", qPrintable(entry.operation));
        QVERIFY(QDir(workspace + QStringLiteral(".state.sqlite.quarantine/") + Project).entryList(QDir::Files).isEmpty());
        QCOMPARE(Test::runTwinTrunkCtl({QStringLiteral("status"), QStringLiteral("--check"), QStringLiteral("-w"), workspace}).exitCode, 0);
    }

    // A repair stopped after the delete (kill -9) resumes: the sound copy is put back.
    void anInterruptedRepairResumes()
    {
        const QString box2 = folderServer(QStringLiteral("box2")), box4 = folderServer(QStringLiteral("box4"));
        const auto seeded = versions(1);
        seedFolder(box2, seeded);
        QDir(box4).mkpath(Project);
        const QString workspace =
            writeWorkspace(folderServer(QString()), {{QStringLiteral("box2"), QUrl::fromLocalFile(box2)}, {QStringLiteral("box4"), QUrl::fromLocalFile(box4)}});
        Opened opened = open(workspace);
        QVERIFY(opened.state
                    ->appendJournal(State::JournalEntry{0, QDateTime(), QString(), QStringLiteral("repair-remove"), Project, seeded.first().first,
                        QStringLiteral("box2"), QStringLiteral("box4"), QStringLiteral("done"), QStringLiteral("killed right after this")})
                    .ok());
        const Test::CtlRun repair = Test::runTwinTrunkCtl(
            {QStringLiteral("repair"), Project, seeded.first().first, QStringLiteral("--from"), QStringLiteral("box2"), QStringLiteral("-w"), workspace});
        QVERIFY2(repair.exitCode == 0, repair.out.constData());
        QCOMPARE(Test::readFile(QDir(box4).filePath(Project + u'/' + seeded.first().first)), seeded.first().second);
    }

    // verify within a budget reads the least recently read copies first: successive runs cover
    // every copy, and the project reads as fully verified once each was read.
    void verifyRollsThroughTheCopiesWithinABudget()
    {
        const QString box2 = folderServer(QStringLiteral("box2")), box4 = folderServer(QStringLiteral("box4"));
        const auto seeded = versions(3);
        seedFolder(box2, seeded);
        seedFolder(box4, seeded);
        Opened opened = open(writeWorkspace(folderServer(QString()),
            {{QStringLiteral("box2"), QUrl::fromLocalFile(box2)}, {QStringLiteral("box4"), QUrl::fromLocalFile(box4)}}));
        SyncEngine engine(opened.workspace, *opened.state, quick());
        statusOf(engine);
        QSet<QString> seen;
        for (int run = 0; run < 6; ++run)
        {
            ScrubOptions options;
            options.projects = {Project};
            options.budgetBytes = 1; // one copy a run
            const ScrubResult result = Test::wait(engine.verify(options));
            QCOMPARE(result.read, 1);
            QCOMPARE(result.notRead, 5);
            const ScrubFinding &finding = result.findings.first();
            QVERIFY2(!seen.contains(finding.server + finding.name), "a copy was read twice before every copy was read once");
            seen.insert(finding.server + finding.name);
            QCOMPARE(result.coverage.value(Project).read, run + 1);
            QCOMPARE(result.coverage.value(Project).fullyVerifiedAt().isValid(), run == 5);
            QTest::qWait(5); // distinct read times
        }
    }

    // A listing without exact sizes (rounded, as nginx's autoindex_exact_size off or Apache give
    // them): a copy never read counts as a Kernel-sized version, so a budget still bounds a run;
    // once read, its recorded size counts.
    void aBudgetHoldsWhenTheListingHasNoSizes()
    {
        Test::FaultServer box4;
        QVERIFY(box4.listen());
        Test::FaultServer::Storage storage;
        storage.enabled = true;
        storage.roundedSizes = true;
        box4.setStorage(storage);
        const auto seeded = versions(6);
        for (const auto &[name, bytes] : seeded)
            box4.storeFile(u'/' + Project + u'/' + name, bytes);
        const QString box2 = folderServer(QStringLiteral("box2"));
        seedFolder(box2, seeded);
        Opened opened =
            open(writeWorkspace(folderServer(QString()), {{QStringLiteral("box2"), QUrl::fromLocalFile(box2)}, {QStringLiteral("box4"), box4.baseUrl()}}));
        SyncEngine engine(opened.workspace, *opened.state, quick());
        statusOf(engine);

        ScrubOptions options;
        options.projects = {Project};
        options.budgetBytes = 3 * 1024 * 1024 / 2; // one and a half Kernel-sized versions
        const ScrubResult first = Test::wait(engine.verify(options));
        // box2's six small copies (sizes known) and one of box4's (unknown: 1 MiB) fit.
        QCOMPARE(first.read, 7);
        QCOMPARE(first.notRead, 5);
        options.budgetBytes = -1;
        QCOMPARE(Test::wait(engine.verify(options)).read, 12);
        // Now every size is known from its read: the small copies all fit.
        options.budgetBytes = 3 * 1024 * 1024 / 2;
        QCOMPARE(Test::wait(engine.verify(options)).read, 12);
    }

    // A server down during verify: its copies are not read, said in a few lines and a count (not
    // one line per copy), they are what the next run reads first, and the run fails for cron.
    void verifyWithAServerDownSaysSoBriefly()
    {
        const QString box2 = folderServer(QStringLiteral("box2")), box4 = folderServer(QStringLiteral("box4"));
        const auto seeded = versions(6);
        seedFolder(box2, seeded);
        seedFolder(box4, seeded);
        const QString workspace =
            writeWorkspace(folderServer(QString()), {{QStringLiteral("box2"), QUrl::fromLocalFile(box2)}, {QStringLiteral("box4"), QUrl::fromLocalFile(box4)}});
        QCOMPARE(Test::runTwinTrunkCtl({QStringLiteral("status"), QStringLiteral("-w"), workspace}).exitCode, 0);
        QVERIFY(QDir().rename(box4, box4 + QStringLiteral(".away")));
        const Test::CtlRun verify = Test::runTwinTrunkCtl({QStringLiteral("verify"), QStringLiteral("--all"), QStringLiteral("-w"), workspace});
        QCOMPARE(verify.exitCode, 1);
        QVERIFY2(verify.out.contains("6 NOT READ"), verify.out.constData());
        QVERIFY2(verify.out.contains("... and 3 more copies on box4 not read"), verify.out.constData());
        QVERIFY2(verify.out.contains("; 6 left for the next run"), verify.out.constData());
        QCOMPARE(verify.out.count("not read: box4") + verify.out.count("unreadable: box4"), 3);
    }

    // A server that refuses deletes keeps its damaged copy: the repair says so and what images
    // loading from it get, keeps the bytes in the quarantine, and fails.
    void aRepairWhereDeletesAreRefusedSaysSo()
    {
        Test::NginxServer nginx(m_dir.filePath(QStringLiteral("nginx-nodelete")));
        QVERIFY2(nginx.start(), qPrintable(nginx.lastError()));
        const auto seeded = versions(1);
        QVERIFY(nginx.seed(Project, seeded));
        const QString box2 = folderServer(QStringLiteral("box2"));
        seedFolder(box2, seeded);
        const QString workspace =
            writeWorkspace(folderServer(QString()), {{QStringLiteral("box2"), QUrl::fromLocalFile(box2)}, {QStringLiteral("box4"), nginx.baseUrl()}});
        qputenv("TWINTRUNK_USER_BOX4", nginx.user().toUtf8());
        qputenv("TWINTRUNK_PASSWORD_BOX4", nginx.password().toUtf8());
        const QString onDisk = QDir(nginx.rootDirectory()).filePath(Project + u'/' + seeded.first().first);
        QByteArray bytes = Test::readFile(onDisk);
        bytes[bytes.size() / 2] = char(bytes[bytes.size() / 2] ^ 0x20);
        QFile file(onDisk);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(bytes) == bytes.size());
        file.close();

        QCOMPARE(Test::runTwinTrunkCtl({QStringLiteral("verify"), QStringLiteral("--all"), QStringLiteral("-w"), workspace}).exitCode, 1);
        const Test::CtlRun repair = Test::runTwinTrunkCtl({QStringLiteral("repair"), Project, seeded.first().first, QStringLiteral("--from"),
            QStringLiteral("box2"), QStringLiteral("--json"), QStringLiteral("-w"), workspace});
        QCOMPARE(repair.exitCode, 1);
        const QJsonObject report = QJsonDocument::fromJson(repair.out).object();
        const QJsonArray steps = report.value(QStringLiteral("steps")).toArray();
        QCOMPARE(steps.last().toObject().value(QStringLiteral("action")).toString(), QStringLiteral("remove"));
        QCOMPARE(steps.last().toObject().value(QStringLiteral("result")).toString(), QStringLiteral("refused"));
        QVERIFY2(steps.last().toObject().value(QStringLiteral("detail")).toString().contains(QStringLiteral("images that load")), repair.out.constData());
        QCOMPARE(Test::readFile(onDisk), bytes); // nothing changed there
        QCOMPARE(QDir(workspace + QStringLiteral(".state.sqlite.quarantine/") + Project).entryList(QDir::Files).size(), 1);
        QVERIFY(nginx.stop());
    }

    // A folder replica is written with the mode any new file there gets (not 0600), so that a
    // web server running as another user serves it: here nginx, running as nobody under root.
    void aFolderReplicaIsServedByNginxAsAnotherUser()
    {
        Test::NginxServer nginx(m_dir.filePath(QStringLiteral("nginx-replica")));
        QVERIFY2(nginx.start(), qPrintable(nginx.lastError()));
        QVERIFY(nginx.createProject(Project));
        const QString box2 = folderServer(QStringLiteral("box2"));
        const auto seeded = versions(1);
        seedFolder(box2, seeded);
        Opened opened = open(writeWorkspace(folderServer(QString()),
            {{QStringLiteral("box2"), QUrl::fromLocalFile(box2)}, {QStringLiteral("replica"), QUrl::fromLocalFile(nginx.rootDirectory())}}));
        SyncEngine engine(opened.workspace, *opened.state, quick());
        QVERIFY(Test::wait(engine.run(engine.plan(statusOf(engine)))).ok());
        const QString written = QDir(nginx.rootDirectory()).filePath(Project + u'/' + seeded.first().first);
        QVERIFY(QFileInfo(written).permissions() & QFileDevice::ReadOther);

        QNetworkAccessManager network;
        QNetworkReply *reply = network.get(QNetworkRequest(nginx.baseUrl().resolved(QUrl(Project + u'/' + seeded.first().first))));
        QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 10000);
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        QCOMPARE(reply->readAll(), seeded.first().second);
        delete reply;
        QVERIFY(nginx.stop());
    }
};

QTEST_GUILESS_MAIN(TestIntegrity)
#include "tst_integrity.moc"
