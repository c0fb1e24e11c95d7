#include <QDir>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include "state/statedatabase.h"

#include <array>
#include <latch>
#include <thread>
#include <vector>

using namespace TwinTrunk;
using namespace TwinTrunk::State;

class TestStateDatabase final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    std::unique_ptr<StateDatabase> open(int busyMs = 10000)
    {
        Result<std::unique_ptr<StateDatabase>> state = StateDatabase::open(m_dir.filePath(QStringLiteral("state.sqlite")), busyMs);
        if (!state)
            qFatal("%s", qPrintable(state.error().toString()));
        return std::move(state).value();
    }

private Q_SLOTS:
    void migratesOnceAndKeepsItsVersion()
    {
        auto state = open();
        QCOMPARE(state->schemaVersion(), StateDatabase::SchemaVersion);
        auto again = open();
        QCOMPARE(again->schemaVersion(), StateDatabase::SchemaVersion);
    }

    void refusesADatabaseFromTheFuture()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("future.sqlite"));
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("future"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery(db).exec(QStringLiteral("PRAGMA user_version = 99"));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("future"));
        Result<std::unique_ptr<StateDatabase>> state = StateDatabase::open(path);
        QVERIFY(!state.ok());
        QVERIFY(state.error().message.contains(QStringLiteral("newer TwinTrunk")));
    }

    // Schema 3 stores times as milliseconds: a database written by schema 2 (ISO texts) keeps every
    // listing entry and identity, with the same times.
    void migratesSchemaTwoTimesToMilliseconds()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("v2.sqlite"));
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("v2"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery query(db);
            for (const char *statement : {"CREATE TABLE listing_entries (server TEXT NOT NULL, project TEXT NOT NULL, name TEXT NOT NULL, size INTEGER, "
                                          "modified TEXT, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, present INTEGER NOT NULL DEFAULT 1, "
                                          "PRIMARY KEY (server, project, name))",
                     "CREATE TABLE listings (server TEXT NOT NULL, project TEXT NOT NULL, etag TEXT, last_modified TEXT, "
                     "listed_at TEXT, entry_count INTEGER, digest TEXT, PRIMARY KEY (server, project))",
                     "CREATE TABLE identities (server TEXT NOT NULL, project TEXT NOT NULL, name TEXT NOT NULL, uuid TEXT NOT NULL, "
                     "size INTEGER, modified TEXT, sha256 TEXT, probed_at TEXT NOT NULL, PRIMARY KEY (server, project, name))",
                     "CREATE TABLE conflicts (project TEXT NOT NULL, name TEXT NOT NULL, first_seen TEXT NOT NULL, decision TEXT, "
                     "chosen_server TEXT, decided_by TEXT, decided_at TEXT, note TEXT, PRIMARY KEY (project, name))",
                     "CREATE TABLE journal (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, who TEXT NOT NULL, "
                     "operation TEXT NOT NULL, project TEXT, name TEXT, source TEXT, target TEXT, result TEXT NOT NULL, detail TEXT)",
                     "CREATE TABLE health_samples (server TEXT NOT NULL, at TEXT NOT NULL, up INTEGER NOT NULL, latency_ms INTEGER, "
                     "status INTEGER, error TEXT)",
                     "INSERT INTO listing_entries VALUES ('box2', 'trunk', 'A-a.1.mcz', 10, '2026-01-02T03:04:05.000Z', "
                     "'2026-11-27T18:54:38.189Z', '2026-11-27T19:00:00.001Z', 1)",
                     "INSERT INTO listing_entries VALUES ('box2', 'trunk', 'B-b.1.mcz', NULL, '', '2026-11-27T18:54:38.189Z', "
                     "'2026-11-27T18:54:38.189Z', 0)",
                     "INSERT INTO identities VALUES ('box2', 'trunk', 'A-a.1.mcz', 'uuid-a', 10, '2026-01-02T03:04:05.000Z', NULL, "
                     "'2026-11-27T18:55:00.500Z')",
                     "PRAGMA user_version = 2"})
                QVERIFY2(query.exec(QString::fromLatin1(statement)), qPrintable(query.lastError().text()));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("v2"));

        Result<std::unique_ptr<StateDatabase>> state = StateDatabase::open(path);
        QVERIFY2(state.ok(), qPrintable(state.ok() ? QString() : state.error().toString()));
        QCOMPARE((*state)->schemaVersion(), StateDatabase::SchemaVersion);
        const Result<QList<KnownVersion>> known = (*state)->knownVersions(QStringLiteral("box2"), QStringLiteral("trunk"));
        QVERIFY(known.ok());
        QCOMPARE(known->size(), 2);
        for (const KnownVersion &version : known.value())
        {
            QCOMPARE(version.firstSeen, QDateTime(QDate(2026, 11, 27), QTime(18, 54, 38, 189), Qt::UTC));
            if (version.name == u"A-a.1.mcz")
            {
                QVERIFY(version.present);
                QCOMPARE(version.size, 10);
                QCOMPARE(version.modified, QDateTime(QDate(2026, 1, 2), QTime(3, 4, 5), Qt::UTC));
                QCOMPARE(version.uuid, QStringLiteral("uuid-a"));
                QCOMPARE(version.identityModified, version.modified);
            }
            else
            {
                QVERIFY(!version.present);
                QCOMPARE(version.size, -1);
                QVERIFY(!version.modified.isValid());
                QVERIFY(version.uuid.isEmpty());
            }
        }
        const auto entries = (*state)->entries(QStringLiteral("box2"), QStringLiteral("trunk"));
        QVERIFY(entries.ok());
        const auto a = std::find_if(entries->cbegin(), entries->cend(), [](const StoredEntry &entry) { return entry.name == u"A-a.1.mcz"; });
        QVERIFY(a != entries->cend());
        QCOMPARE(a->lastSeen, QDateTime(QDate(2026, 11, 27), QTime(19, 0, 0, 1), Qt::UTC));
    }

    void listingsKeepFirstSeenAndMarkRegressions()
    {
        auto state = open();
        const QDateTime first(QDate(2026, 1, 1), QTime(10, 0), Qt::UTC), second = first.addSecs(3600);
        Repository::Listing listing;
        listing.entries = {{QStringLiteral("A-a.1.mcz"), 10, first}, {QStringLiteral("B-b.1.mcz"), 20, first}};
        listing.etag = QStringLiteral("\"e1\"");
        QVERIFY(state->recordListing(QStringLiteral("box2"), QStringLiteral("trunk"), listing, first).ok());
        listing.entries = {{QStringLiteral("A-a.1.mcz"), 10, first}, {QStringLiteral("C-c.1.mcz"), 30, second}};
        QVERIFY(state->recordListing(QStringLiteral("box2"), QStringLiteral("trunk"), listing, second).ok());

        Result<QList<StoredEntry>> entries = state->entries(QStringLiteral("box2"), QStringLiteral("trunk"));
        QVERIFY(entries.ok());
        QCOMPARE(entries->size(), 3); // nothing is deleted
        for (const StoredEntry &entry : entries.value())
        {
            if (entry.name == u"A-a.1.mcz")
            {
                QCOMPARE(entry.firstSeen, first);
                QCOMPARE(entry.lastSeen, second);
                QVERIFY(entry.present);
            }
            else if (entry.name == u"B-b.1.mcz")
                QVERIFY(!entry.present); // listed before, not now: a regression
            else
                QCOMPARE(entry.firstSeen, second);
        }
        QCOMPARE(state->listingRecord(QStringLiteral("box2"), QStringLiteral("trunk"))->etag, QStringLiteral("\"e1\""));
    }

    // A conflict's first sighting is when a second server listed the name, not when it was decided.
    void aDecisionKeepsWhenTheConflictWasFirstSeen()
    {
        auto state = open();
        const QDateTime first(QDate(2026, 1, 1), QTime(10, 0), Qt::UTC), second = first.addSecs(3600), decided = first.addDays(3);
        Repository::Listing listing;
        listing.entries = {{QStringLiteral("A-a.1.mcz"), 10, first}};
        QVERIFY(state->recordListing(QStringLiteral("box2"), QStringLiteral("trunk"), listing, first).ok());
        QVERIFY(state->recordListing(QStringLiteral("box4"), QStringLiteral("trunk"), listing, second).ok());
        ConflictDecision decision;
        decision.project = QStringLiteral("trunk");
        decision.name = QStringLiteral("A-a.1.mcz");
        decision.decision = QStringLiteral("defer");
        decision.decidedAt = decided;
        QVERIFY(state->recordDecision(decision).ok());
        decision.decidedAt = decided.addDays(1); // decided again: the first sighting stays
        QVERIFY(state->recordDecision(decision).ok());
        const QList<ConflictDecision> decisions = state->decisions().value();
        QCOMPARE(decisions.size(), 1);
        QCOMPARE(decisions.first().firstSeen, second);
        QCOMPARE(decisions.first().decidedAt, decided.addDays(1));
    }

    void identitiesAndJournal()
    {
        auto state = open();
        QVERIFY(state
                    ->recordIdentity(QStringLiteral("box4"), QStringLiteral("trunk"), QStringLiteral("A-a.1.mcz"),
                        StoredIdentity{QStringLiteral("91164aff-84e5-4794-96dd-9c44819a988e"), 10, QDateTime(), "abc", QStringLiteral("eem"),
                            QDateTime(QDate(2021, 2, 1), QTime(17, 38, 31), Qt::UTC)})
                    .ok());
        const StoredIdentity stored = state->identities(QStringLiteral("box4"), QStringLiteral("trunk"))->value(QStringLiteral("A-a.1.mcz"));
        QCOMPARE(stored.uuid, QStringLiteral("91164aff-84e5-4794-96dd-9c44819a988e"));
        QCOMPARE(stored.author, QStringLiteral("eem"));
        QCOMPARE(stored.authoredAt, QDateTime(QDate(2021, 2, 1), QTime(17, 38, 31), Qt::UTC));

        const QDateTime before = QDateTime::currentDateTimeUtc().addSecs(-1);
        Result<qint64> id = state->appendJournal(JournalEntry{0, {}, QString(), QStringLiteral("copy"), QStringLiteral("trunk"), QStringLiteral("A-a.1.mcz"),
            QStringLiteral("box2"), QStringLiteral("box4"), QStringLiteral("ok"), QString()});
        QVERIFY(id.ok());
        Result<QList<JournalEntry>> all = state->journalSince(QDateTime());
        QVERIFY(all.ok());
        QVERIFY(!all->isEmpty());
        QVERIFY(!all->last().who.isEmpty());
        QCOMPARE(state->journalSince(before)->last().id, id.value());
        QVERIFY(state->journalSince(QDateTime::currentDateTimeUtc().addSecs(60))->isEmpty());
    }

    // A 0-byte file is more likely a state database whose contents were lost than a new one:
    // refused, and changed in nothing, unless the caller starts afresh on purpose.
    void anEmptyFileIsRefusedUnlessAskedToStartAfresh()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("empty.sqlite"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        Result<std::unique_ptr<StateDatabase>> refused = StateDatabase::open(path);
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().message.contains(QStringLiteral("empty (0 bytes)")), qPrintable(refused.error().toString()));
        QCOMPARE(QFileInfo(path).size(), 0);
        Result<std::unique_ptr<StateDatabase>> afresh = StateDatabase::open(path, 10000, StateDatabase::EmptyFile::StartAfresh);
        QVERIFY(afresh.ok());
        QCOMPARE(afresh.value()->schemaVersion(), StateDatabase::SchemaVersion);
    }

    // Processes started together on a new workspace (`sync --every` and `health --watch` of one
    // unit; found by the fault run) all open the one database: none may see it half-created
    // (0 bytes) and refuse it as lost, and no draft is left beside it.
    void processesStartingTogetherAllOpenANewDatabase()
    {
        constexpr int Openers = 6;
        for (int round = 0; round < 4; ++round)
        {
            QTemporaryDir dir;
            const QString path = dir.filePath(QStringLiteral("state.sqlite"));
            std::latch start(Openers);
            std::array<QString, Openers> errors;
            std::vector<std::thread> openers;
            for (int opener = 0; opener < Openers; ++opener)
            {
                openers.emplace_back([&, opener] {
                    start.arrive_and_wait();
                    // Staggered, as processes start: each lands at another moment of the creation.
                    std::this_thread::sleep_for(std::chrono::microseconds(opener * 400));
                    Result<std::unique_ptr<StateDatabase>> state = StateDatabase::open(path);
                    if (!state)
                        errors[opener] = state.error().toString();
                    else if (state.value()->schemaVersion() != StateDatabase::SchemaVersion)
                        errors[opener] = QStringLiteral("schema %1").arg(state.value()->schemaVersion());
                    // What each wrote must survive the others' starts: none replaced the database.
                    else if (Result<qint64> written = state.value()->appendJournal(
                                 JournalEntry{.operation = QStringLiteral("opener %1").arg(opener), .result = QStringLiteral("ok")});
                             !written)
                        errors[opener] = written.error().toString();
                });
            }
            for (std::thread &opener : openers)
                opener.join();
            for (const QString &error : errors)
                QVERIFY2(error.isEmpty(), qPrintable(QStringLiteral("round %1: %2").arg(round).arg(error)));
            Result<std::unique_ptr<StateDatabase>> after = StateDatabase::open(path);
            QVERIFY(after.ok());
            QCOMPARE(after.value()->journalSince(QDateTime::currentDateTimeUtc().addSecs(-600))->size(), Openers);
            const QStringList left = QDir(dir.path()).entryList(QDir::Files);
            QVERIFY2(left.filter(QStringLiteral(".new-")).isEmpty(), qPrintable(left.join(u' ')));
            QVERIFY2(left.filter(QStringLiteral(".creating.lock")).isEmpty(), qPrintable(left.join(u' ')));
        }
    }

    // The bytes of copies: the first sound read is the record; damage is marked and cleared by
    // a sound read; only listed copies count; "fully verified" needs every listed copy read.
    void copyRecordsDamageAndVerification()
    {
        QTemporaryDir dir;
        auto state = StateDatabase::open(dir.filePath(QStringLiteral("copies.sqlite"))).value();
        const QDateTime t0 = QDateTime::currentDateTimeUtc().addSecs(-100), t1 = t0.addSecs(50);
        Repository::Listing listing;
        listing.entries = {{QStringLiteral("A-x.1.mcz"), 10, t0}, {QStringLiteral("A-x.2.mcz"), 20, t0}};
        QVERIFY(state->recordListing(QStringLiteral("box2"), QStringLiteral("trunk"), listing, t0).ok());
        QVERIFY(!state->verificationCoverage(QStringLiteral("trunk")).value().fullyVerifiedAt().isValid());

        QVERIFY(state->recordSoundCopy(QStringLiteral("box2"), QStringLiteral("trunk"), QStringLiteral("A-x.1.mcz"), 10, "aa", QStringLiteral("id1"), t0).ok());
        // A later sound read keeps the recorded digest (the caller compared) and moves the read time.
        QVERIFY(state->recordSoundCopy(QStringLiteral("box2"), QStringLiteral("trunk"), QStringLiteral("A-x.1.mcz"), 10, "bb", QStringLiteral("id1"), t1).ok());
        std::optional<CopyRecord> record = state->copyRecord(QStringLiteral("box2"), QStringLiteral("trunk"), QStringLiteral("A-x.1.mcz")).value();
        QVERIFY(record.has_value());
        QCOMPARE(record->sha256, QByteArray("aa"));
        QCOMPARE(record->readAt, t1);
        // Replace: TwinTrunk wrote these very bytes.
        QVERIFY(state
                    ->recordSoundCopy(QStringLiteral("box2"), QStringLiteral("trunk"), QStringLiteral("A-x.1.mcz"), 11, "cc", QString(), t1,
                        StateDatabase::Record::Replace)
                    .ok());
        record = state->copyRecord(QStringLiteral("box2"), QStringLiteral("trunk"), QStringLiteral("A-x.1.mcz")).value();
        QCOMPARE(record->sha256, QByteArray("cc"));
        QCOMPARE(record->uuid, QStringLiteral("id1")); // kept when not given

        QVERIFY(state->recordDamage(QStringLiteral("box2"), QStringLiteral("trunk"), QStringLiteral("A-x.2.mcz"), QStringLiteral("CRC"), t1).ok());
        QCOMPARE(state->damagedCopies().value().size(), 1);
        QCOMPARE(state->damagedCopies(QStringLiteral("other")).value().size(), 0);
        record = state->copyRecord(QStringLiteral("box2"), QStringLiteral("trunk"), QStringLiteral("A-x.2.mcz")).value();
        QVERIFY(record->isDamaged() && !record->hasDigest());
        // Damaged copies are never read as verified; the never-read come first in the rolling order.
        QVERIFY(!state->verificationCoverage(QStringLiteral("trunk")).value().fullyVerifiedAt().isValid());
        const QList<VerifyCandidate> order = state->leastRecentlyRead({QStringLiteral("trunk")}).value();
        QCOMPARE(order.size(), 2);
        QCOMPARE(order.first().name, QStringLiteral("A-x.2.mcz"));

        QVERIFY(
            state
                ->recordSoundCopy(QStringLiteral("box2"), QStringLiteral("trunk"), QStringLiteral("A-x.2.mcz"), 20, "dd", QStringLiteral("id2"), t0.addSecs(10))
                .ok());
        QVERIFY(state->damagedCopies().value().isEmpty());
        QCOMPARE(state->verificationCoverage(QStringLiteral("trunk")).value().fullyVerifiedAt(), t0.addSecs(10));
        QCOMPARE(state->verificationCoverage(QStringLiteral("trunk")).value().listed, 2);

        // A copy no longer listed is not a damaged copy anyone can mend.
        QVERIFY(state->recordDamage(QStringLiteral("box2"), QStringLiteral("trunk"), QStringLiteral("Gone-x.1.mcz"), QStringLiteral("CRC"), t1).ok());
        QVERIFY(state->damagedCopies().value().isEmpty());
    }

    // A copy under way: its journal entry and the end of its intent happen together.
    void copyIntentsEndWithTheirJournalEntry()
    {
        QTemporaryDir dir;
        auto state = StateDatabase::open(dir.filePath(QStringLiteral("intents.sqlite"))).value();
        const qint64 id = state
                              ->addCopyIntent(CopyIntent{0, QStringLiteral("trunk"), QStringLiteral("A-x.1.mcz"), QStringLiteral("box2"),
                                  QStringLiteral("box4"), 10, "aa", QDateTime::currentDateTimeUtc(), QString()})
                              .value();
        QCOMPARE(state->copyIntents().value().size(), 1);
        QVERIFY(state->copyIntents().value().first().who.contains(QStringLiteral("@")));
        QVERIFY(state
                    ->finishCopyIntent(id,
                        JournalEntry{0, QDateTime(), QString(), QStringLiteral("copy"), QStringLiteral("trunk"), QStringLiteral("A-x.1.mcz"),
                            QStringLiteral("box2"), QStringLiteral("box4"), QStringLiteral("ok"), QString()})
                    .ok());
        QVERIFY(state->copyIntents().value().isEmpty());
        QCOMPARE(state->journalSince(QDateTime()).value().size(), 1);
    }

    void aSecondWriterGetsAClearBusyError()
    {
        auto state = open(300);
        // Another process holds the write lock (a raw connection in a transaction stands in for it).
        QSqlDatabase other = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("other-writer"));
        other.setDatabaseName(state->path());
        QVERIFY(other.open());
        QSqlQuery lock(other);
        QVERIFY(lock.exec(QStringLiteral("BEGIN IMMEDIATE")));

        Repository::Listing listing;
        listing.entries = {{QStringLiteral("A-a.1.mcz"), 10, QDateTime()}};
        Result<void> recorded = state->recordListing(QStringLiteral("box2"), QStringLiteral("inbox"), listing, QDateTime::currentDateTimeUtc());
        QVERIFY(!recorded.ok());
        QCOMPARE(recorded.error().kind, Error::Kind::Busy);
        QVERIFY(recorded.error().message.contains(QStringLiteral("busy")));

        QVERIFY(lock.exec(QStringLiteral("ROLLBACK")));
        QVERIFY(state->recordListing(QStringLiteral("box2"), QStringLiteral("inbox"), listing, QDateTime::currentDateTimeUtc()).ok());
        lock.finish();
        other.close();
        other = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("other-writer"));
    }

    // Each status's backlog is kept for the history chart, and what is older than the kept
    // period goes; health samples are read by period, oldest first.
    void backlogAndHealthAreReadByPeriod()
    {
        auto state = open();
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QVERIFY(state
                    ->recordBacklog({BacklogSample{.at = now.addDays(-40),
                        .project = QStringLiteral("trunk"),
                        .from = QStringLiteral("a"),
                        .to = QStringLiteral("b"),
                        .versions = 9}})
                    .ok());
        QVERIFY(state
                    ->recordBacklog({BacklogSample{.at = now.addDays(-2),
                                         .project = QStringLiteral("trunk"),
                                         .from = QStringLiteral("a"),
                                         .to = QStringLiteral("b"),
                                         .versions = 3},
                        BacklogSample{.at = now.addDays(-2),
                            .project = QStringLiteral("trunk"),
                            .from = QStringLiteral("b"),
                            .to = QStringLiteral("a"),
                            .versions = 0}})
                    .ok());
        QVERIFY(state
                    ->recordBacklog(
                        {BacklogSample{.at = now, .project = QStringLiteral("trunk"), .from = QStringLiteral("a"), .to = QStringLiteral("b"), .versions = 1}})
                    .ok());
        const QList<BacklogSample> week = state->backlogSince(now.addDays(-7)).value();
        QCOMPARE(week.size(), 3);
        QCOMPARE(week.first().versions, 3);
        QCOMPARE(week.last().versions, 1);
        QCOMPARE(week.last().at, now);
        QCOMPARE(state->backlogSince(now.addDays(-100)).value().size(), 3); // the 40-day-old sample was pruned

        for (int minutes : {90, 30, 10})
            QVERIFY(state
                        ->recordHealthSample(
                            HealthSample{.server = QStringLiteral("a"), .at = now.addSecs(-60 * minutes), .up = minutes != 30, .latencyMs = minutes})
                        .ok());
        const QList<HealthSample> hour = state->healthSamplesSince(QStringLiteral("a"), now.addSecs(-3600)).value();
        QCOMPARE(hour.size(), 2);
        QCOMPARE(hour.first().up, false);
        QCOMPARE(hour.last().latencyMs, 10);
    }
};

QTEST_GUILESS_MAIN(TestStateDatabase)
#include "tst_statedatabase.moc"
