// The StateDatabase itself (open, create, migrate) and its memory of listings and identities.
// Copies, health, the journal and conflicts have files of their own (copyrecords.cpp, ...).

#include "statedatabase.h"

#include "util/logging.h"

#include "sqlvalues.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QHostInfo>
#include <QLockFile>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

namespace TwinTrunk::State
{
    using namespace Qt::StringLiterals;
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
            {
                // 9: each status's backlog per project and direction, for the history chart.
                QStringLiteral("CREATE TABLE backlog_samples (at_ms INTEGER NOT NULL, project TEXT NOT NULL, from_server TEXT NOT NULL, "
                               "to_server TEXT NOT NULL, versions INTEGER NOT NULL)"),
                QStringLiteral("CREATE INDEX backlog_samples_at ON backlog_samples (at_ms)"),
            },
            {
                // 10: a failed copy whose bytes may have landed (its read-back failed, its answer was
                // lost) keeps its intent, so the next run finds out and journals what it finds.
                QStringLiteral("ALTER TABLE copy_intents ADD COLUMN failure_journaled INTEGER NOT NULL DEFAULT 0"),
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
            return Error{.where = m_path,
                .message = QStringLiteral("%1: busy: another TwinTrunk process is writing the state database; try again when it is done").arg(what),
                .kind = Error::Kind::Busy};
        }
        return Error{.where = m_path, .message = QStringLiteral("%1: %2").arg(what, text), .kind = Error::Kind::Io};
    }

    Result<std::unique_ptr<StateDatabase>> StateDatabase::open(const QString &path, int busyTimeoutMs, EmptyFile emptyFile)
    {
        if (const QFileInfo file(path); emptyFile == EmptyFile::Refuse && file.exists() && file.size() == 0)
        {
            return Error{.where = path,
                .message = QStringLiteral("the state database is empty (0 bytes): what TwinTrunk remembered, the journal included, is gone. "
                                          "Restore it from a backup, or start afresh on purpose (twintrunkctl --new-state)"),
                .kind = Error::Kind::Invalid};
        }
        if (!QFileInfo::exists(path))
        {
            if (Result<void> created = create(path, busyTimeoutMs); !created)
                return created.error();
        }
        return openFile(path, busyTimeoutMs);
    }

    Result<void> StateDatabase::create(const QString &path, int busyTimeoutMs)
    {
        // SQLite creates its file empty and writes the header later: a second process starting at
        // the same moment (`sync --every` and `health --watch` from one unit) would find a 0-byte
        // database and refuse it as lost. So a new database is made whole beside its place and
        // renamed into it, one creator at a time (a rename must never land on a database another
        // process has just put there and begun to write).
        QLockFile creating(path + QStringLiteral(".creating.lock"));
        creating.setStaleLockTime(0); // stale only when its process is gone
        if (!creating.tryLock(busyTimeoutMs))
            return Error{.where = path, .message = QStringLiteral("busy: another TwinTrunk process is creating the state database"), .kind = Error::Kind::Busy};
        if (QFileInfo::exists(path))
            return {}; // made by the process this one waited for
        // Drafts of a process that died while creating one: nobody else creates now.
        const QFileInfo place(path);
        for (const QString &stale : place.dir().entryList({place.fileName() + QStringLiteral(".new-*")}, QDir::Files))
            QFile::remove(place.dir().filePath(stale));

        const QString draft = path + QStringLiteral(".new-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
        auto removeDraft = [&draft] {
            for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm"), QStringLiteral("-journal")})
                QFile::remove(draft + suffix);
        };
        std::optional<Error> failed;
        {
            Result<std::unique_ptr<StateDatabase>> made = openFile(draft, busyTimeoutMs);
            if (!made)
                failed = made.error();
            else
            {
                // Everything in the one file before it moves: its -wal would not follow the rename.
                QSqlQuery checkpoint(made.value()->database());
                if (!checkpoint.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)")) || !checkpoint.next() || checkpoint.value(0).toInt() != 0)
                    failed = made.value()->sqlError(QStringLiteral("creating"), checkpoint.lastError());
            }
        } // the draft is closed here
        if (failed)
        {
            removeDraft();
            return *failed;
        }
        if (!QFile::rename(draft, path))
        {
            removeDraft();
            return Error{.where = path, .message = QStringLiteral("cannot create the state database here"), .kind = Error::Kind::Io};
        }
        return {};
    }

    Result<std::unique_ptr<StateDatabase>> StateDatabase::openFile(const QString &path, int busyTimeoutMs)
    {
        const QString connection = QStringLiteral("twintrunk-state-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connection);
            if (!db.isValid())
            {
                QSqlDatabase::removeDatabase(connection);
                return Error{.where = path,
                    .message = QStringLiteral("the Qt SQLite driver is not available (install libqt6sql6-sqlite)"),
                    .kind = Error::Kind::Io};
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
            return Error{.where = m_path,
                .message = QStringLiteral("written by a newer TwinTrunk (schema %1, this one knows %2): not touched").arg(current).arg(SchemaVersion),
                .kind = Error::Kind::Invalid};
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
        // Prepared once and bound per entry (not exec()): a trunk listing is tens of thousands of rows.
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
        Result<QSqlQuery> query = exec(QStringLiteral("reading the listing of %1 %2").arg(server, project),
            QStringLiteral("SELECT name, size, modified_ms, first_seen_ms, last_seen_ms, present FROM listing_entries WHERE server = ? AND project = ?"),
            {server, project});
        if (!query)
            return query.error();
        const Row row(*query);
        QList<StoredEntry> result;
        while (query->next())
        {
            result.append(StoredEntry{.name = row.text("name"_L1),
                .size = row.size("size"_L1),
                .modified = row.msTime("modified_ms"_L1),
                .firstSeen = row.msTime("first_seen_ms"_L1),
                .lastSeen = row.msTime("last_seen_ms"_L1),
                .present = row.flag("present"_L1)});
        }
        return result;
    }

    Result<QList<KnownVersion>> StateDatabase::knownVersions(const QString &server, const QString &project, Authors authors) const
    {
        const QString authorColumns = authors == Authors::Read ? QStringLiteral("i.author AS author, i.authored_ms AS authored_ms")
                                                               : QStringLiteral("NULL AS author, NULL AS authored_ms");
        Result<QSqlQuery> query = exec(QStringLiteral("reading the versions of %1 %2").arg(server, project),
            QStringLiteral("SELECT e.name AS name, e.size AS size, e.modified_ms AS modified_ms, e.first_seen_ms AS first_seen_ms, e.present AS present, "
                           "i.uuid AS uuid, i.size AS identity_size, i.modified_ms AS identity_modified_ms, %1 "
                           "FROM listing_entries e "
                           "LEFT JOIN identities i ON i.server = e.server AND i.project = e.project AND i.name = e.name "
                           "WHERE e.server = ? AND e.project = ?")
                .arg(authorColumns),
            {server, project});
        if (!query)
            return query.error();
        const Row row(*query);
        QList<KnownVersion> result;
        while (query->next())
        {
            result.append(KnownVersion{.name = row.text("name"_L1),
                .size = row.size("size"_L1),
                .modified = row.msTime("modified_ms"_L1),
                .firstSeen = row.msTime("first_seen_ms"_L1),
                .present = row.flag("present"_L1),
                .uuid = row.text("uuid"_L1),
                .identitySize = row.size("identity_size"_L1),
                .identityModified = row.msTime("identity_modified_ms"_L1),
                .author = row.text("author"_L1),
                .authoredAt = row.msTime("authored_ms"_L1)});
        }
        return result;
    }

    Result<ListingRecord> StateDatabase::listingRecord(const QString &server, const QString &project) const
    {
        Result<QSqlQuery> query = exec(QStringLiteral("reading the listing of %1 %2").arg(server, project),
            QStringLiteral("SELECT etag, last_modified, listed_at, entry_count FROM listings WHERE server = ? AND project = ?"), {server, project});
        if (!query)
            return query.error();
        if (!query->next())
            return ListingRecord{};
        const Row row(*query);
        return ListingRecord{.etag = row.text("etag"_L1),
            .lastModified = row.text("last_modified"_L1),
            .listedAt = row.isoTime("listed_at"_L1),
            .entryCount = row.number("entry_count"_L1)};
    }

    Result<void> StateDatabase::recordIdentity(const QString &server, const QString &project, const QString &name, const StoredIdentity &identity)
    {
        Result<QSqlQuery> done = exec(QStringLiteral("recording the identity of %1 on %2 %3").arg(name, server, project),
            QStringLiteral("INSERT OR REPLACE INTO identities (server, project, name, uuid, size, modified_ms, sha256, probed_at_ms, author, authored_ms) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
            {server, project, name, identity.uuid, sizeValue(identity.size), toMs(identity.modified), QString::fromLatin1(identity.sha256),
                toMs(QDateTime::currentDateTimeUtc()), identity.author.isEmpty() ? QVariant() : QVariant(identity.author), toMs(identity.authoredAt)});
        if (!done)
            return done.error();
        return {};
    }

    Result<QHash<QString, StoredIdentity>> StateDatabase::identities(const QString &server, const QString &project) const
    {
        Result<QSqlQuery> query = exec(QStringLiteral("reading identities of %1 %2").arg(server, project),
            QStringLiteral("SELECT name, uuid, size, modified_ms, sha256, author, authored_ms FROM identities WHERE server = ? AND project = ?"),
            {server, project});
        if (!query)
            return query.error();
        const Row row(*query);
        QHash<QString, StoredIdentity> result;
        while (query->next())
        {
            result.insert(row.text("name"_L1),
                StoredIdentity{.uuid = row.text("uuid"_L1),
                    .size = row.size("size"_L1),
                    .modified = row.msTime("modified_ms"_L1),
                    .sha256 = row.latin1("sha256"_L1),
                    .author = row.text("author"_L1),
                    .authoredAt = row.msTime("authored_ms"_L1)});
        }
        return result;
    }
}
