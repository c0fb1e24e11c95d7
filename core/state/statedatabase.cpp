#include "statedatabase.h"

#include "util/logging.h"

#include "sqlvalues.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QHostInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

namespace TwinTrunk::State
{
    namespace
    {
        // SQL for an ISO 8601 text column (as schema 2 wrote them) in milliseconds since the epoch, or NULL.
        QString isoToMsSql(const QString &column)
        {
            return QStringLiteral("CAST(ROUND((julianday(NULLIF(%1, '')) - 2440587.5) * 86400000.0) AS INTEGER)").arg(column);
        }

        // Each step takes the schema from version N-1 to N. Never edit a released step: add one.
        const QList<QStringList> migrations{
            {
                QStringLiteral("CREATE TABLE listing_entries (server TEXT NOT NULL, project TEXT NOT NULL, name TEXT NOT NULL, "
                               "size INTEGER, modified TEXT, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, "
                               "present INTEGER NOT NULL DEFAULT 1, PRIMARY KEY (server, project, name))"),
                QStringLiteral("CREATE TABLE listings (server TEXT NOT NULL, project TEXT NOT NULL, etag TEXT, last_modified TEXT, "
                               "listed_at TEXT, entry_count INTEGER, PRIMARY KEY (server, project))"),
                QStringLiteral("CREATE TABLE identities (server TEXT NOT NULL, project TEXT NOT NULL, name TEXT NOT NULL, "
                               "uuid TEXT NOT NULL, size INTEGER, modified TEXT, sha256 TEXT, probed_at TEXT NOT NULL, "
                               "PRIMARY KEY (server, project, name))"),
                QStringLiteral("CREATE TABLE conflicts (project TEXT NOT NULL, name TEXT NOT NULL, first_seen TEXT NOT NULL, "
                               "decision TEXT, chosen_server TEXT, decided_by TEXT, decided_at TEXT, note TEXT, "
                               "PRIMARY KEY (project, name))"),
                QStringLiteral("CREATE TABLE journal (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, who TEXT NOT NULL, "
                               "operation TEXT NOT NULL, project TEXT, name TEXT, source TEXT, target TEXT, result TEXT NOT NULL, detail TEXT)"),
                QStringLiteral("CREATE INDEX journal_at ON journal (at)"),
                QStringLiteral("CREATE TABLE health_samples (server TEXT NOT NULL, at TEXT NOT NULL, up INTEGER NOT NULL, "
                               "latency_ms INTEGER, status INTEGER, error TEXT)"),
                QStringLiteral("CREATE INDEX health_samples_at ON health_samples (server, at)"),
            },
            {
                // 2: the digest of the last listing, so that an unchanged one costs no rewrite.
                QStringLiteral("ALTER TABLE listings ADD COLUMN digest TEXT"),
            },
            {
                // 3: a status reads every row of these two tables for each server and project. Without
                // a rowid, each is one b-tree keyed by (server, project, name), so the join finds an
                // identity in one search instead of two; times as milliseconds since the epoch (UTC)
                // cost no text conversion. The ISO texts of schema 2 are converted, not dropped.
                QStringLiteral("CREATE TABLE listing_entries_3 (server TEXT NOT NULL, project TEXT NOT NULL, name TEXT NOT NULL, "
                               "size INTEGER, modified_ms INTEGER, first_seen_ms INTEGER NOT NULL, last_seen_ms INTEGER NOT NULL, "
                               "present INTEGER NOT NULL DEFAULT 1, PRIMARY KEY (server, project, name)) WITHOUT ROWID"),
                QStringLiteral("INSERT INTO listing_entries_3 SELECT server, project, name, size, %1, %2, %3, present FROM listing_entries")
                    .arg(isoToMsSql(QStringLiteral("modified")), isoToMsSql(QStringLiteral("first_seen")), isoToMsSql(QStringLiteral("last_seen"))),
                QStringLiteral("DROP TABLE listing_entries"),
                QStringLiteral("ALTER TABLE listing_entries_3 RENAME TO listing_entries"),
                QStringLiteral("CREATE TABLE identities_3 (server TEXT NOT NULL, project TEXT NOT NULL, name TEXT NOT NULL, "
                               "uuid TEXT NOT NULL, size INTEGER, modified_ms INTEGER, sha256 TEXT, probed_at_ms INTEGER NOT NULL, "
                               "PRIMARY KEY (server, project, name)) WITHOUT ROWID"),
                QStringLiteral("INSERT INTO identities_3 SELECT server, project, name, uuid, size, %1, sha256, %2 FROM identities")
                    .arg(isoToMsSql(QStringLiteral("modified")), isoToMsSql(QStringLiteral("probed_at"))),
                QStringLiteral("DROP TABLE identities"),
                QStringLiteral("ALTER TABLE identities_3 RENAME TO identities"),
            },
            {
                // 4: health samples say what kind of failure it was (the GUI colours by it); a repoint
                // leaves a watch on the old primary so that late commits reach the new one first.
                QStringLiteral("ALTER TABLE health_samples ADD COLUMN error_class TEXT"),
                QStringLiteral("CREATE TABLE late_commit_watches (id INTEGER PRIMARY KEY AUTOINCREMENT, old_primary TEXT NOT NULL, "
                               "new_primary TEXT NOT NULL, started_at TEXT NOT NULL, until TEXT NOT NULL)"),
            },
            {
                // 5: conflict resolutions: the variant kept (by id), whether losing copies are replaced,
                // how far it got; and each losing variant's new name and kept bytes, recorded before it
                // is published so that a rerun never publishes it twice.
                QStringLiteral("ALTER TABLE conflicts ADD COLUMN chosen_id TEXT"),
                QStringLiteral("ALTER TABLE conflicts ADD COLUMN replace_losers INTEGER NOT NULL DEFAULT 0"),
                QStringLiteral("ALTER TABLE conflicts ADD COLUMN status TEXT"),
                QStringLiteral("CREATE TABLE conflict_renames (project TEXT NOT NULL, name TEXT NOT NULL, loser_id TEXT NOT NULL, "
                               "new_name TEXT NOT NULL, quarantine_path TEXT NOT NULL, sha256 TEXT NOT NULL, "
                               "PRIMARY KEY (project, name, loser_id))"),
            },
            {
                // 6: who wrote a version and when, as its info says: the console shows them per server.
                QStringLiteral("ALTER TABLE identities ADD COLUMN author TEXT"),
                QStringLiteral("ALTER TABLE identities ADD COLUMN authored_ms INTEGER"),
            },
            {
                // 7: the bytes of each copy (see CopyRecord): a copy counts only when its bytes are known
                // and sound; and copies under way, so that a killed run's copies are accounted for.
                QStringLiteral("CREATE TABLE copies (server TEXT NOT NULL, project TEXT NOT NULL, name TEXT NOT NULL, size INTEGER NOT NULL, "
                               "sha256 TEXT NOT NULL, uuid TEXT, recorded_ms INTEGER NOT NULL, read_ms INTEGER, damage TEXT, damaged_ms INTEGER, "
                               "PRIMARY KEY (server, project, name)) WITHOUT ROWID"),
                QStringLiteral("CREATE TABLE copy_intents (id INTEGER PRIMARY KEY AUTOINCREMENT, project TEXT NOT NULL, name TEXT NOT NULL, "
                               "source TEXT NOT NULL, target TEXT NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL, started_ms INTEGER NOT NULL, "
                               "who TEXT NOT NULL)"),
            },
            {
                // 8: a version's own journal (a repair resumes from it) without reading the whole journal.
                QStringLiteral("CREATE INDEX journal_version ON journal (project, name)"),
            },
        };

        // Names, sizes and dates of a listing: equal digests, equal listings. By name, since a
        // listing rebuilt from this database (after a 304) comes in another order.
        QByteArray listingDigest(const Repository::Listing &listing)
        {
            QList<Repository::ListingEntry> entries = listing.entries;
            std::sort(entries.begin(), entries.end(), [](const auto &a, const auto &b) { return a.fileName < b.fileName; });
            QCryptographicHash hash(QCryptographicHash::Sha256);
            for (const Repository::ListingEntry &entry : entries)
            {
                hash.addData(entry.fileName.toUtf8());
                hash.addData(QByteArrayView("\t"));
                hash.addData(QByteArray::number(entry.size));
                hash.addData(QByteArrayView("\t"));
                hash.addData(QByteArray::number(entry.modified.isValid() ? entry.modified.toMSecsSinceEpoch() : -1));
                hash.addData(QByteArrayView("\n"));
            }
            return hash.result().toHex();
        }

        QString iso(const QDateTime &time)
        {
            return time.isValid() ? time.toUTC().toString(Qt::ISODateWithMs) : QString();
        }

        // Reads what iso() writes, "2026-11-27T18:54:38.189Z", without Qt's general parser (tens of
        // thousands of rows per status); anything else goes to QDateTime::fromString.
        QDateTime fromIso(const QVariant &value)
        {
            const QString text = value.toString();
            if (text.isEmpty())
                return QDateTime();
            static constexpr int Digits[] = {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22};
            bool fast = text.size() == 24 && text.at(4) == u'-' && text.at(7) == u'-' && text.at(10) == u'T' && text.at(13) == u':' && text.at(16) == u':'
                && text.at(19) == u'.' && text.at(23) == u'Z';
            for (int i = 0; fast && i < int(std::size(Digits)); ++i)
                fast = text.at(Digits[i]).isDigit();
            if (!fast)
                return QDateTime::fromString(text, Qt::ISODateWithMs).toUTC();
            auto number = [&text](int from, int length) {
                int result = 0;
                for (int i = from; i < from + length; ++i)
                    result = result * 10 + (text.at(i).unicode() - u'0');
                return result;
            };
            return QDateTime(QDate(number(0, 4), number(5, 2), number(8, 2)), QTime(number(11, 2), number(14, 2), number(17, 2), number(20, 3)), Qt::UTC);
        }
    }

    QString currentActor()
    {
        QString user = qEnvironmentVariable("USER");
        for (const char *variable : {"LOGNAME", "USERNAME"})
        {
            if (user.isEmpty())
                user = qEnvironmentVariable(variable);
        }
        if (user.isEmpty())
            user = QDir::home().dirName();
        return QStringLiteral("%1@%2 (%3)")
            .arg(user.isEmpty() ? QStringLiteral("unknown") : user, QHostInfo::localHostName(), QCoreApplication::applicationName());
    }

    StateDatabase::StateDatabase(const QString &path, const QString &connection) : m_path(path), m_connection(connection)
    {}

    StateDatabase::~StateDatabase()
    {
        {
            QSqlDatabase db = QSqlDatabase::database(m_connection, false);
            if (db.isOpen())
                db.close();
        }
        QSqlDatabase::removeDatabase(m_connection);
    }

    QSqlDatabase StateDatabase::database() const
    {
        return QSqlDatabase::database(m_connection, false);
    }

    Result<QSqlQuery> StateDatabase::exec(const QString &what, const QString &sql, const QVariantList &values) const
    {
        QSqlQuery query(database());
        query.setForwardOnly(true); // read once, front to back: Qt need not keep the rows
        query.prepare(sql);
        for (const QVariant &value : values)
            query.addBindValue(value);
        if (!query.exec())
            return sqlError(what, query.lastError());
        return query;
    }

    Error StateDatabase::sqlError(const QString &what, const QSqlError &error) const
    {
        const QString text = error.text();
        // SQLite's result code, as Qt's driver gives it: the primary code is the low byte of an
        // extended one (SQLITE_BUSY_SNAPSHOT is 517). SQLITE_BUSY (5), SQLITE_LOCKED (6).
        bool isNumber = false;
        const int code = error.nativeErrorCode().toInt(&isNumber);
        const bool busy = isNumber && ((code & 0xff) == 5 || (code & 0xff) == 6);
        if (busy)
        {
            qCInfo(Log::state).noquote() << m_path << what << "busy:" << text;
            return Error{m_path, QStringLiteral("%1: busy: another TwinTrunk process is writing the state database; try again when it is done").arg(what), -1,
                0, 0, Error::Kind::Busy};
        }
        return Error{m_path, QStringLiteral("%1: %2").arg(what, text), -1, 0, 0, Error::Kind::Io};
    }

    Result<std::unique_ptr<StateDatabase>> StateDatabase::open(const QString &path, int busyTimeoutMs, EmptyFile emptyFile)
    {
        if (const QFileInfo file(path); emptyFile == EmptyFile::Refuse && file.exists() && file.size() == 0)
        {
            return Error{path,
                QStringLiteral("the state database is empty (0 bytes): what TwinTrunk remembered, the journal included, is gone. "
                               "Restore it from a backup, or start afresh on purpose (twintrunkctl --new-state)"),
                -1, 0, 0, Error::Kind::Invalid};
        }
        const QString connection = QStringLiteral("twintrunk-state-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connection);
            if (!db.isValid())
            {
                QSqlDatabase::removeDatabase(connection);
                return Error{path, QStringLiteral("the Qt SQLite driver is not available (install libqt6sql6-sqlite)"), -1, 0, 0, Error::Kind::Io};
            }
            db.setDatabaseName(path);
            db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(busyTimeoutMs));
        }
        std::unique_ptr<StateDatabase> state(new StateDatabase(path, connection));
        QSqlDatabase db = state->database();
        if (!db.open())
            return state->sqlError(QStringLiteral("cannot open"), db.lastError());

        QSqlQuery query(db);
        // WAL: readers never block the writer; FULL: a journaled copy survives a power cut.
        for (const QString &pragma :
            {QStringLiteral("PRAGMA journal_mode=WAL"), QStringLiteral("PRAGMA synchronous=FULL"), QStringLiteral("PRAGMA foreign_keys=ON")})
        {
            if (!query.exec(pragma))
                return state->sqlError(pragma, query.lastError());
        }
        if (Result<void> migrated = state->migrate(); !migrated)
            return migrated.error();
        return state;
    }

    int StateDatabase::schemaVersion() const
    {
        QSqlQuery query(database());
        if (!query.exec(QStringLiteral("PRAGMA user_version")) || !query.next())
            return -1;
        return query.value(0).toInt();
    }

    Result<void> StateDatabase::migrate()
    {
        QSqlDatabase db = database();
        const int current = schemaVersion();
        if (current > SchemaVersion)
        {
            return Error{m_path, QStringLiteral("written by a newer TwinTrunk (schema %1, this one knows %2): not touched").arg(current).arg(SchemaVersion), -1,
                0, 0, Error::Kind::Invalid};
        }
        for (int version = current + 1; version <= SchemaVersion; ++version)
        {
            // BEGIN IMMEDIATE takes the write lock now, so two first runs do not both migrate.
            QSqlQuery query(db);
            if (!query.exec(QStringLiteral("BEGIN IMMEDIATE")))
                return sqlError(QStringLiteral("migrating"), query.lastError());
            if (schemaVersion() >= version)
            {
                query.exec(QStringLiteral("COMMIT"));
                continue;
            }
            qCInfo(Log::state).noquote() << m_path << "migrating to schema" << version;
            for (const QString &statement : migrations.at(version - 1))
            {
                if (!query.exec(statement))
                {
                    const Error error = sqlError(QStringLiteral("migrating to schema %1").arg(version), query.lastError());
                    query.exec(QStringLiteral("ROLLBACK"));
                    return error;
                }
            }
            if (!query.exec(QStringLiteral("PRAGMA user_version = %1").arg(version)) || !query.exec(QStringLiteral("COMMIT")))
            {
                const Error error = sqlError(QStringLiteral("migrating to schema %1").arg(version), query.lastError());
                query.exec(QStringLiteral("ROLLBACK"));
                return error;
            }
        }
        return {};
    }

    Result<void> StateDatabase::recordListing(const QString &server, const QString &project, const Repository::Listing &listing, const QDateTime &now)
    {
        QSqlDatabase db = database();
        QSqlQuery query(db);
        if (!query.exec(QStringLiteral("BEGIN IMMEDIATE")))
            return sqlError(QStringLiteral("recording the listing of %1 %2").arg(server, project), query.lastError());
        auto fail = [&](const QSqlQuery &failed) {
            const Error error = sqlError(QStringLiteral("recording the listing of %1 %2").arg(server, project), failed.lastError());
            QSqlQuery(db).exec(QStringLiteral("ROLLBACK"));
            return error;
        };

        const QString stamp = iso(now);
        const QString digest = QString::fromLatin1(listingDigest(listing));
        {
            // The same names, sizes and dates as last time: only the time of the listing changes.
            QSqlQuery same(db);
            same.prepare(QStringLiteral("UPDATE listings SET listed_at = ?, etag = ?, last_modified = ? "
                                        "WHERE server = ? AND project = ? AND digest = ?"));
            same.addBindValue(stamp);
            same.addBindValue(listing.etag);
            same.addBindValue(listing.lastModified);
            same.addBindValue(server);
            same.addBindValue(project);
            same.addBindValue(digest);
            if (!same.exec())
                return fail(same);
            if (same.numRowsAffected() == 1)
            {
                if (!query.exec(QStringLiteral("COMMIT")))
                    return fail(query);
                return {};
            }
        }
        if (!listing.notModified)
        {
            // Everything this server listed before is absent until this listing names it again.
            QSqlQuery absent(db);
            absent.prepare(QStringLiteral("UPDATE listing_entries SET present = 0 WHERE server = ? AND project = ?"));
            absent.addBindValue(server);
            absent.addBindValue(project);
            if (!absent.exec())
                return fail(absent);
        }
        QSqlQuery upsert(db);
        upsert.prepare(QStringLiteral("INSERT INTO listing_entries (server, project, name, size, modified_ms, first_seen_ms, last_seen_ms, present) "
                                      "VALUES (?, ?, ?, ?, ?, ?, ?, 1) "
                                      "ON CONFLICT (server, project, name) DO UPDATE SET size = excluded.size, modified_ms = excluded.modified_ms, "
                                      "last_seen_ms = excluded.last_seen_ms, present = 1"));
        const QVariant nowMs = toMs(now);
        for (const Repository::ListingEntry &entry : listing.entries)
        {
            upsert.addBindValue(server);
            upsert.addBindValue(project);
            upsert.addBindValue(entry.fileName);
            upsert.addBindValue(entry.size >= 0 ? QVariant(entry.size) : QVariant());
            upsert.addBindValue(toMs(entry.modified));
            upsert.addBindValue(nowMs);
            upsert.addBindValue(nowMs);
            if (!upsert.exec())
                return fail(upsert);
        }
        QSqlQuery record(db);
        record.prepare(QStringLiteral("INSERT OR REPLACE INTO listings (server, project, etag, last_modified, listed_at, entry_count, digest) "
                                      "VALUES (?, ?, ?, ?, ?, ?, ?)"));
        record.addBindValue(server);
        record.addBindValue(project);
        record.addBindValue(listing.etag);
        record.addBindValue(listing.lastModified);
        record.addBindValue(stamp);
        record.addBindValue(qint64(listing.entries.size()));
        record.addBindValue(digest);
        if (!record.exec())
            return fail(record);
        if (!query.exec(QStringLiteral("COMMIT")))
            return fail(query);
        return {};
    }

    Result<QList<StoredEntry>> StateDatabase::entries(const QString &server, const QString &project) const
    {
        QSqlQuery query(database());
        query.setForwardOnly(true); // read once, front to back: Qt need not keep the rows
        query.prepare(QStringLiteral("SELECT name, size, modified_ms, first_seen_ms, last_seen_ms, present FROM listing_entries "
                                     "WHERE server = ? AND project = ?"));
        query.addBindValue(server);
        query.addBindValue(project);
        if (!query.exec())
            return sqlError(QStringLiteral("reading the listing of %1 %2").arg(server, project), query.lastError());
        QList<StoredEntry> result;
        while (query.next())
        {
            result.append(StoredEntry{query.value(0).toString(), query.value(1).isNull() ? -1 : query.value(1).toLongLong(), fromMs(query.value(2)),
                fromMs(query.value(3)), fromMs(query.value(4)), query.value(5).toBool()});
        }
        return result;
    }

    Result<QList<KnownVersion>> StateDatabase::knownVersions(const QString &server, const QString &project, Authors authors) const
    {
        QSqlQuery query(database());
        query.setForwardOnly(true);
        query.prepare(QStringLiteral("SELECT e.name, e.size, e.modified_ms, e.first_seen_ms, e.present, i.uuid, i.size, i.modified_ms, %1 "
                                     "FROM listing_entries e "
                                     "LEFT JOIN identities i ON i.server = e.server AND i.project = e.project AND i.name = e.name "
                                     "WHERE e.server = ? AND e.project = ?")
                          .arg(authors == Authors::Read ? QStringLiteral("i.author, i.authored_ms") : QStringLiteral("NULL, NULL")));
        query.addBindValue(server);
        query.addBindValue(project);
        if (!query.exec())
            return sqlError(QStringLiteral("reading the versions of %1 %2").arg(server, project), query.lastError());
        QList<KnownVersion> result;
        while (query.next())
        {
            result.append(KnownVersion{query.value(0).toString(), query.value(1).isNull() ? -1 : query.value(1).toLongLong(), fromMs(query.value(2)),
                fromMs(query.value(3)), query.value(4).toBool(), query.value(5).toString(), query.value(6).isNull() ? -1 : query.value(6).toLongLong(),
                fromMs(query.value(7)), query.value(8).toString(), fromMs(query.value(9))});
        }
        return result;
    }

    Result<ListingRecord> StateDatabase::listingRecord(const QString &server, const QString &project) const
    {
        QSqlQuery query(database());
        query.setForwardOnly(true); // read once, front to back: Qt need not keep the rows
        query.prepare(QStringLiteral("SELECT etag, last_modified, listed_at, entry_count FROM listings WHERE server = ? AND project = ?"));
        query.addBindValue(server);
        query.addBindValue(project);
        if (!query.exec())
            return sqlError(QStringLiteral("reading the listing of %1 %2").arg(server, project), query.lastError());
        if (!query.next())
            return ListingRecord{};
        return ListingRecord{query.value(0).toString(), query.value(1).toString(), fromIso(query.value(2)), query.value(3).toLongLong()};
    }

    Result<void> StateDatabase::recordIdentity(const QString &server, const QString &project, const QString &name, const StoredIdentity &identity)
    {
        QSqlQuery query(database());
        query.prepare(QStringLiteral("INSERT OR REPLACE INTO identities (server, project, name, uuid, size, modified_ms, sha256, probed_at_ms, "
                                     "author, authored_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
        query.addBindValue(server);
        query.addBindValue(project);
        query.addBindValue(name);
        query.addBindValue(identity.uuid);
        query.addBindValue(identity.size >= 0 ? QVariant(identity.size) : QVariant());
        query.addBindValue(toMs(identity.modified));
        query.addBindValue(QString::fromLatin1(identity.sha256));
        query.addBindValue(toMs(QDateTime::currentDateTimeUtc()));
        query.addBindValue(identity.author.isEmpty() ? QVariant() : QVariant(identity.author));
        query.addBindValue(toMs(identity.authoredAt));
        if (!query.exec())
            return sqlError(QStringLiteral("recording the identity of %1 on %2 %3").arg(name, server, project), query.lastError());
        return {};
    }

    Result<QHash<QString, StoredIdentity>> StateDatabase::identities(const QString &server, const QString &project) const
    {
        QSqlQuery query(database());
        query.setForwardOnly(true); // read once, front to back: Qt need not keep the rows
        query.prepare(QStringLiteral("SELECT name, uuid, size, modified_ms, sha256, author, authored_ms FROM identities WHERE server = ? AND project = ?"));
        query.addBindValue(server);
        query.addBindValue(project);
        if (!query.exec())
            return sqlError(QStringLiteral("reading identities of %1 %2").arg(server, project), query.lastError());
        QHash<QString, StoredIdentity> result;
        while (query.next())
        {
            result.insert(query.value(0).toString(),
                StoredIdentity{query.value(1).toString(), query.value(2).isNull() ? -1 : query.value(2).toLongLong(), fromMs(query.value(3)),
                    query.value(4).toString().toLatin1(), query.value(5).toString(), fromMs(query.value(6))});
        }
        return result;
    }

    Result<qint64> StateDatabase::appendJournal(const JournalEntry &entry)
    {
        QSqlQuery query(database());
        query.prepare(QStringLiteral("INSERT INTO journal (at, who, operation, project, name, source, target, result, detail) "
                                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
        query.addBindValue(iso(entry.at.isValid() ? entry.at : QDateTime::currentDateTimeUtc()));
        query.addBindValue(entry.who.isEmpty() ? currentActor() : entry.who);
        query.addBindValue(entry.operation);
        query.addBindValue(entry.project);
        query.addBindValue(entry.name);
        query.addBindValue(entry.source);
        query.addBindValue(entry.target);
        query.addBindValue(entry.result);
        query.addBindValue(entry.detail);
        if (!query.exec())
            return sqlError(QStringLiteral("writing the journal"), query.lastError());
        return query.lastInsertId().toLongLong();
    }

    Result<qint64> StateDatabase::finishCopyIntent(qint64 intentId, const JournalEntry &entry)
    {
        QSqlQuery transaction(database());
        if (!transaction.exec(QStringLiteral("BEGIN IMMEDIATE")))
            return sqlError(QStringLiteral("writing the journal"), transaction.lastError());
        Result<qint64> journaled = appendJournal(entry);
        Result<QSqlQuery> ended = journaled
            ? exec(QStringLiteral("ending a copy under way"), QStringLiteral("DELETE FROM copy_intents WHERE id = ?"), {intentId})
            : Result<QSqlQuery>(journaled.error());
        if (!ended || !transaction.exec(QStringLiteral("COMMIT")))
        {
            const Error error = ended ? sqlError(QStringLiteral("writing the journal"), transaction.lastError()) : ended.error();
            QSqlQuery(database()).exec(QStringLiteral("ROLLBACK"));
            return error;
        }
        return journaled;
    }

    namespace
    {
        JournalEntry journalEntry(const QSqlQuery &query)
        {
            return JournalEntry{.id = query.value(0).toLongLong(),
                .at = fromIso(query.value(1)),
                .who = query.value(2).toString(),
                .operation = query.value(3).toString(),
                .project = query.value(4).toString(),
                .name = query.value(5).toString(),
                .source = query.value(6).toString(),
                .target = query.value(7).toString(),
                .result = query.value(8).toString(),
                .detail = query.value(9).toString()};
        }
        const QString JournalColumns = QStringLiteral("id, at, who, operation, project, name, source, target, result, detail");
    }

    Result<QList<JournalEntry>> StateDatabase::journalSince(const QDateTime &since, int limit) const
    {
        QSqlQuery query(database());
        query.setForwardOnly(true); // read once, front to back: Qt need not keep the rows
        // The newest `limit` entries: a console shows what happened last, not the oldest of a month.
        query.prepare(QStringLiteral("SELECT %1 FROM (SELECT %1 FROM journal WHERE at >= ? ORDER BY id DESC LIMIT ?) ORDER BY id").arg(JournalColumns));
        query.addBindValue(since.isValid() ? iso(since) : QStringLiteral("0")); // not a null QString: NULL compares to nothing
        query.addBindValue(limit);
        if (!query.exec())
            return sqlError(QStringLiteral("reading the journal"), query.lastError());
        QList<JournalEntry> result;
        while (query.next())
            result.append(journalEntry(query));
        return result;
    }

    Result<QList<JournalEntry>> StateDatabase::journalOf(const QString &project, const QString &name) const
    {
        QSqlQuery query(database());
        query.setForwardOnly(true);
        query.prepare(QStringLiteral("SELECT %1 FROM journal WHERE project = ? AND name = ? ORDER BY id").arg(JournalColumns));
        query.addBindValue(project);
        query.addBindValue(name);
        if (!query.exec())
            return sqlError(QStringLiteral("reading the journal of %1 %2").arg(project, name), query.lastError());
        QList<JournalEntry> result;
        while (query.next())
            result.append(journalEntry(query));
        return result;
    }

    Result<void> StateDatabase::recordHealthSample(const HealthSample &sample)
    {
        QSqlQuery query(database());
        query.prepare(QStringLiteral("INSERT INTO health_samples (server, at, up, latency_ms, status, error, error_class) "
                                     "VALUES (?, ?, ?, ?, ?, ?, ?)"));
        query.addBindValue(sample.server);
        query.addBindValue(iso(sample.at));
        query.addBindValue(sample.up ? 1 : 0);
        query.addBindValue(sample.latencyMs >= 0 ? QVariant(sample.latencyMs) : QVariant());
        query.addBindValue(sample.httpStatus > 0 ? QVariant(sample.httpStatus) : QVariant());
        query.addBindValue(sample.error);
        query.addBindValue(sample.errorClass);
        if (!query.exec())
            return sqlError(QStringLiteral("recording a health sample of %1").arg(sample.server), query.lastError());
        return {};
    }

    Result<QList<HealthSample>> StateDatabase::healthSamples(const QString &server, int limit) const
    {
        QSqlQuery query(database());
        query.setForwardOnly(true);
        query.prepare(QStringLiteral("SELECT at, up, latency_ms, status, error, error_class FROM health_samples WHERE server = ? "
                                     "ORDER BY at DESC, rowid DESC LIMIT ?"));
        query.addBindValue(server);
        query.addBindValue(limit);
        if (!query.exec())
            return sqlError(QStringLiteral("reading the health samples of %1").arg(server), query.lastError());
        QList<HealthSample> result;
        while (query.next())
        {
            result.prepend(HealthSample{server, fromIso(query.value(0)), query.value(1).toBool(), query.value(2).isNull() ? -1 : query.value(2).toLongLong(),
                query.value(3).toInt(), query.value(4).toString(), query.value(5).toString()});
        }
        return result;
    }

    Result<HealthHistory> StateDatabase::healthHistory(const QString &server) const
    {
        QSqlQuery query(database());
        HealthHistory history;
        query.prepare(QStringLiteral("SELECT max(at) FROM health_samples WHERE server = ? AND up = 1"));
        query.addBindValue(server);
        if (!query.exec() || !query.next())
            return sqlError(QStringLiteral("reading the health of %1").arg(server), query.lastError());
        history.lastSuccess = fromIso(query.value(0));
        // Since when the server has been in its current state: the newest sample of the other state.
        query.prepare(QStringLiteral("SELECT up, at FROM health_samples WHERE server = ? ORDER BY at DESC, rowid DESC LIMIT 1"));
        query.addBindValue(server);
        if (!query.exec())
            return sqlError(QStringLiteral("reading the health of %1").arg(server), query.lastError());
        if (!query.next())
            return history;
        const bool up = query.value(0).toBool();
        query.prepare(QStringLiteral("SELECT min(at) FROM health_samples WHERE server = ? AND at > "
                                     "coalesce((SELECT max(at) FROM health_samples WHERE server = ? AND up = ?), '')"));
        query.addBindValue(server);
        query.addBindValue(server);
        query.addBindValue(up ? 0 : 1);
        if (!query.exec() || !query.next())
            return sqlError(QStringLiteral("reading the health of %1").arg(server), query.lastError());
        history.stateSince = fromIso(query.value(0));
        return history;
    }

    Result<void> StateDatabase::addLateCommitWatch(const LateCommitWatch &watch)
    {
        QSqlQuery query(database());
        query.prepare(QStringLiteral("INSERT INTO late_commit_watches (old_primary, new_primary, started_at, until) VALUES (?, ?, ?, ?)"));
        query.addBindValue(watch.oldPrimary);
        query.addBindValue(watch.newPrimary);
        query.addBindValue(iso(watch.startedAt));
        query.addBindValue(iso(watch.until));
        if (!query.exec())
            return sqlError(QStringLiteral("recording the watch on %1").arg(watch.oldPrimary), query.lastError());
        return {};
    }

    Result<QList<LateCommitWatch>> StateDatabase::lateCommitWatches(const QDateTime &activeAt) const
    {
        QSqlQuery query(database());
        query.setForwardOnly(true);
        query.prepare(QStringLiteral("SELECT old_primary, new_primary, started_at, until FROM late_commit_watches "
                                     "WHERE started_at <= ? AND until > ? ORDER BY id"));
        query.addBindValue(iso(activeAt));
        query.addBindValue(iso(activeAt));
        if (!query.exec())
            return sqlError(QStringLiteral("reading the late-commit watches"), query.lastError());
        QList<LateCommitWatch> result;
        while (query.next())
            result.append(LateCommitWatch{query.value(0).toString(), query.value(1).toString(), fromIso(query.value(2)), fromIso(query.value(3))});
        return result;
    }

    Result<void> StateDatabase::recordDecision(const ConflictDecision &decision)
    {
        QSqlQuery query(database());
        query.prepare(QStringLiteral(
            "INSERT INTO conflicts (project, name, first_seen, decision, chosen_server, chosen_id, decided_by, decided_at, note, replace_losers, status) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (project, name) DO UPDATE SET decision = excluded.decision, "
            "chosen_server = excluded.chosen_server, chosen_id = excluded.chosen_id, decided_by = excluded.decided_by, "
            "decided_at = excluded.decided_at, note = excluded.note, replace_losers = excluded.replace_losers, status = excluded.status"));
        const QDateTime at = decision.decidedAt.isValid() ? decision.decidedAt : QDateTime::currentDateTimeUtc();
        // The conflict became visible when a second server listed the name (kept on later updates).
        QSqlQuery seen(database());
        seen.prepare(QStringLiteral("SELECT first_seen_ms FROM listing_entries WHERE project = ? AND name = ? ORDER BY first_seen_ms LIMIT 1 OFFSET 1"));
        seen.addBindValue(decision.project);
        seen.addBindValue(decision.name);
        if (!seen.exec())
            return sqlError(QStringLiteral("reading when %1 %2 was first seen").arg(decision.project, decision.name), seen.lastError());
        const QDateTime firstSeen = seen.next() ? fromMs(seen.value(0)) : QDateTime();
        query.addBindValue(decision.project);
        query.addBindValue(decision.name);
        query.addBindValue(iso(firstSeen.isValid() && firstSeen <= at ? firstSeen : at));
        query.addBindValue(decision.decision);
        query.addBindValue(decision.chosenServer);
        query.addBindValue(decision.chosenId);
        query.addBindValue(decision.decidedBy.isEmpty() ? currentActor() : decision.decidedBy);
        query.addBindValue(iso(at));
        query.addBindValue(decision.note);
        query.addBindValue(decision.replace ? 1 : 0);
        query.addBindValue(decision.status);
        if (!query.exec())
            return sqlError(QStringLiteral("recording the decision on %1 %2").arg(decision.project, decision.name), query.lastError());
        return {};
    }

    Result<QList<ConflictDecision>> StateDatabase::decisions(const QString &project) const
    {
        QSqlQuery query(database());
        query.setForwardOnly(true);
        query.prepare(QStringLiteral("SELECT project, name, decision, chosen_server, chosen_id, decided_by, decided_at, note, replace_losers, status, "
                                     "first_seen FROM conflicts WHERE decision IS NOT NULL AND (? = '' OR project = ?) ORDER BY project, name"));
        query.addBindValue(project.isNull() ? QStringLiteral("") : project);
        query.addBindValue(project.isNull() ? QStringLiteral("") : project);
        if (!query.exec())
            return sqlError(QStringLiteral("reading the conflict decisions"), query.lastError());
        QList<ConflictDecision> result;
        while (query.next())
        {
            result.append(ConflictDecision{.project = query.value(0).toString(),
                .name = query.value(1).toString(),
                .decision = query.value(2).toString(),
                .chosenServer = query.value(3).toString(),
                .chosenId = query.value(4).toString(),
                .decidedBy = query.value(5).toString(),
                .decidedAt = fromIso(query.value(6)),
                .note = query.value(7).toString(),
                .replace = query.value(8).toBool(),
                .status = query.value(9).toString(),
                .firstSeen = fromIso(query.value(10))});
        }
        return result;
    }

    Result<void> StateDatabase::recordRename(const ConflictRename &rename)
    {
        QSqlQuery query(database());
        query.prepare(QStringLiteral("INSERT INTO conflict_renames (project, name, loser_id, new_name, quarantine_path, sha256) VALUES (?, ?, ?, ?, ?, ?)"));
        query.addBindValue(rename.project);
        query.addBindValue(rename.name);
        query.addBindValue(rename.loserId);
        query.addBindValue(rename.newName);
        query.addBindValue(rename.quarantinePath);
        query.addBindValue(QString::fromLatin1(rename.sha256));
        if (!query.exec())
            return sqlError(QStringLiteral("recording the new name of %1 %2").arg(rename.project, rename.name), query.lastError());
        return {};
    }

    Result<QList<ConflictRename>> StateDatabase::renames(const QString &project, const QString &name) const
    {
        QSqlQuery query(database());
        query.setForwardOnly(true);
        query.prepare(
            QStringLiteral("SELECT loser_id, new_name, quarantine_path, sha256 FROM conflict_renames WHERE project = ? AND name = ? ORDER BY new_name"));
        query.addBindValue(project);
        query.addBindValue(name);
        if (!query.exec())
            return sqlError(QStringLiteral("reading the new names of %1 %2").arg(project, name), query.lastError());
        QList<ConflictRename> result;
        while (query.next())
        {
            result.append(ConflictRename{project, name, query.value(0).toString(), query.value(1).toString(), query.value(2).toString(),
                query.value(3).toString().toLatin1()});
        }
        return result;
    }
}
