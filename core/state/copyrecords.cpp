// The StateDatabase's memory of copies: their bytes (CopyRecord) and the copies under way (CopyIntent).

#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>

#include "sqlvalues.h"
#include "statedatabase.h"

namespace TwinTrunk::State
{
    namespace
    {
        using namespace Qt::StringLiterals;
        const QString CopyColumns = QStringLiteral("server, project, name, size, sha256, uuid, recorded_ms, read_ms, damage, damaged_ms");

        CopyRecord copyFrom(const Row &row)
        {
            return CopyRecord{.server = row.text("server"_L1),
                .project = row.text("project"_L1),
                .name = row.text("name"_L1),
                .size = row.size("size"_L1),
                .sha256 = row.latin1("sha256"_L1),
                .uuid = row.text("uuid"_L1),
                .recordedAt = row.msTime("recorded_ms"_L1),
                .readAt = row.msTime("read_ms"_L1),
                .damage = row.text("damage"_L1),
                .damagedAt = row.msTime("damaged_ms"_L1)};
        }
    }

    Result<void> StateDatabase::recordSoundCopy(const QString &server, const QString &project, const QString &name, qint64 size, const QByteArray &sha256,
        const QString &uuid, const QDateTime &now, Record record)
    {
        // A record without a digest (damage seen before any sound read) takes this one's.
        const QString takeNew = record == Record::Replace ? QStringLiteral("1") : QStringLiteral("copies.sha256 = ''");
        Result<QSqlQuery> done = exec(QStringLiteral("recording the bytes of %1 on %2 %3").arg(name, server, project),
            QStringLiteral("INSERT INTO copies (server, project, name, size, sha256, uuid, recorded_ms, read_ms, damage, damaged_ms) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL) ON CONFLICT (server, project, name) DO UPDATE SET "
                           "size = CASE WHEN %1 THEN excluded.size ELSE copies.size END, "
                           "sha256 = CASE WHEN %1 THEN excluded.sha256 ELSE copies.sha256 END, "
                           "recorded_ms = CASE WHEN %1 THEN excluded.recorded_ms ELSE copies.recorded_ms END, "
                           "uuid = coalesce(excluded.uuid, copies.uuid), read_ms = excluded.read_ms, damage = NULL, damaged_ms = NULL")
                .arg(takeNew),
            {server, project, name, size, QString::fromLatin1(sha256), uuid.isEmpty() ? QVariant() : QVariant(uuid), toMs(now), toMs(now)});
        if (!done)
            return done.error();
        return {};
    }

    Result<void> StateDatabase::recordDamage(const QString &server, const QString &project, const QString &name, const QString &reason, const QDateTime &now,
        const ExpectedBytes &expected)
    {
        Result<QSqlQuery> done = exec(QStringLiteral("recording damage to %1 on %2 %3").arg(name, server, project),
            QStringLiteral("INSERT INTO copies (server, project, name, size, sha256, recorded_ms, damage, damaged_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                           "ON CONFLICT (server, project, name) DO UPDATE SET damage = excluded.damage, damaged_ms = excluded.damaged_ms, "
                           "size = CASE WHEN copies.sha256 = '' THEN excluded.size ELSE copies.size END, "
                           "sha256 = CASE WHEN copies.sha256 = '' THEN excluded.sha256 ELSE copies.sha256 END"),
            {server, project, name, expected.sha256.isEmpty() ? qint64(-1) : expected.size,
                expected.sha256.isEmpty() ? QStringLiteral("") : QString::fromLatin1(expected.sha256), toMs(now), reason, toMs(now)});
        if (!done)
            return done.error();
        return {};
    }

    Result<std::optional<CopyRecord>> StateDatabase::copyRecord(const QString &server, const QString &project, const QString &name) const
    {
        Result<QSqlQuery> query = exec(QStringLiteral("reading the bytes recorded for %1 on %2 %3").arg(name, server, project),
            QStringLiteral("SELECT %1 FROM copies WHERE server = ? AND project = ? AND name = ?").arg(CopyColumns), {server, project, name});
        if (!query)
            return query.error();
        if (!query->next())
            return std::optional<CopyRecord>();
        return std::optional<CopyRecord>(copyFrom(Row(*query)));
    }

    Result<VersionRecords> StateDatabase::versionRecords(const QString &project, const QString &name) const
    {
        VersionRecords records;
        Result<QSqlQuery> listed = exec(QStringLiteral("reading where %1 %2 was listed").arg(project, name),
            QStringLiteral("SELECT server, size, modified_ms, first_seen_ms, last_seen_ms, present FROM listing_entries WHERE project = ? AND name = ?"),
            {project, name});
        if (!listed)
            return listed.error();
        {
            const Row row(*listed);
            while (listed->next())
            {
                records.listed.insert(row.text("server"_L1),
                    StoredEntry{.name = name,
                        .size = row.size("size"_L1),
                        .modified = row.msTime("modified_ms"_L1),
                        .firstSeen = row.msTime("first_seen_ms"_L1),
                        .lastSeen = row.msTime("last_seen_ms"_L1),
                        .present = row.flag("present"_L1)});
            }
        }
        Result<QSqlQuery> listings = exec(QStringLiteral("reading when %1 was listed").arg(project),
            QStringLiteral("SELECT server, listed_at FROM listings WHERE project = ?"), {project});
        if (!listings)
            return listings.error();
        {
            const Row row(*listings);
            while (listings->next())
                records.projectListedAt.insert(row.text("server"_L1), row.isoTime("listed_at"_L1));
        }
        Result<QSqlQuery> copies = exec(QStringLiteral("reading the bytes recorded for %1 %2").arg(project, name),
            QStringLiteral("SELECT %1 FROM copies WHERE project = ? AND name = ?").arg(CopyColumns), {project, name});
        if (!copies)
            return copies.error();
        {
            const Row row(*copies);
            while (copies->next())
            {
                const CopyRecord copy = copyFrom(row);
                records.copies.insert(copy.server, copy);
            }
        }
        Result<QList<JournalEntry>> journal = journalOf(project, name);
        if (!journal)
            return journal.error();
        records.journal = journal.value();
        return records;
    }

    Result<QList<CopyRecord>> StateDatabase::damagedCopies(const QString &project) const
    {
        // Only copies still listed: a damaged copy that was repaired or removed is history (the journal).
        Result<QSqlQuery> query = exec(QStringLiteral("reading the damaged copies"),
            QStringLiteral("SELECT c.server AS server, c.project AS project, c.name AS name, c.size AS size, c.sha256 AS sha256, c.uuid AS uuid, "
                           "c.recorded_ms AS recorded_ms, c.read_ms AS read_ms, c.damage AS damage, c.damaged_ms AS damaged_ms "
                           "FROM copies c JOIN listing_entries e ON e.server = c.server AND e.project = c.project AND e.name = c.name "
                           "WHERE c.damage IS NOT NULL AND e.present = 1 AND (? = '' OR c.project = ?) ORDER BY c.project, c.name, c.server"),
            {project.isNull() ? QStringLiteral("") : project, project.isNull() ? QStringLiteral("") : project});
        if (!query)
            return query.error();
        const Row row(*query);
        QList<CopyRecord> result;
        while (query->next())
            result.append(copyFrom(row));
        return result;
    }

    Result<QStringList> StateDatabase::otherBytesNames(const QString &project) const
    {
        Result<QSqlQuery> query = exec(QStringLiteral("comparing the bytes of %1 across servers").arg(project),
            QStringLiteral("SELECT DISTINCT a.name FROM copies a JOIN copies b ON b.project = a.project AND b.name = a.name AND b.server > a.server "
                           "WHERE a.project = ? AND a.sha256 <> '' AND b.sha256 <> '' AND a.sha256 <> b.sha256 AND a.uuid = b.uuid "
                           "AND a.damage IS NULL AND b.damage IS NULL ORDER BY a.name"),
            {project});
        if (!query)
            return query.error();
        const Row row(*query);
        QStringList names;
        while (query->next())
            names.append(row.text("name"_L1));
        return names;
    }

    Result<QList<VerifyCandidate>> StateDatabase::leastRecentlyRead(const QStringList &projects) const
    {
        QList<VerifyCandidate> result;
        for (const QString &project : projects)
        {
            Result<QSqlQuery> query = exec(QStringLiteral("reading what %1 has to verify").arg(project),
                QStringLiteral("SELECT e.server AS server, e.name AS name, "
                               "CASE WHEN e.size >= 0 THEN e.size ELSE coalesce(c.size, -1) END AS size, c.read_ms AS read_ms FROM listing_entries e "
                               "LEFT JOIN copies c ON c.server = e.server AND c.project = e.project AND c.name = e.name "
                               "WHERE e.project = ? AND e.present = 1"),
                {project});
            if (!query)
                return query.error();
            const Row row(*query);
            while (query->next())
            {
                result.append(VerifyCandidate{.server = row.text("server"_L1),
                    .project = project,
                    .name = row.text("name"_L1),
                    .knownSize = row.size("size"_L1),
                    .readAt = row.msTime("read_ms"_L1)});
            }
        }
        // Never read first, then the longest unread; ties by project, name and server, so a budget
        // cuts the same way every time.
        std::stable_sort(result.begin(), result.end(), [](const VerifyCandidate &a, const VerifyCandidate &b) {
            const qint64 aRead = a.readAt.isValid() ? a.readAt.toMSecsSinceEpoch() : -1;
            const qint64 bRead = b.readAt.isValid() ? b.readAt.toMSecsSinceEpoch() : -1;
            return std::tie(aRead, a.project, a.name, a.server) < std::tie(bRead, b.project, b.name, b.server);
        });
        return result;
    }

    Result<VerificationCoverage> StateDatabase::verificationCoverage(const QString &project) const
    {
        Result<QSqlQuery> query = exec(QStringLiteral("reading when %1 was last verified").arg(project),
            QStringLiteral("SELECT count(*) AS listed, count(c.read_ms) AS read, min(c.read_ms) AS oldest_read FROM listing_entries e "
                           "LEFT JOIN copies c ON c.server = e.server AND c.project = e.project AND c.name = e.name AND c.damage IS NULL "
                           "WHERE e.project = ? AND e.present = 1"),
            {project});
        if (!query)
            return query.error();
        if (!query->next())
            return VerificationCoverage{};
        const Row row(*query);
        return VerificationCoverage{.listed = row.number("listed"_L1), .read = row.number("read"_L1), .oldestRead = row.msTime("oldest_read"_L1)};
    }

    Result<qint64> StateDatabase::addCopyIntent(const CopyIntent &intent)
    {
        Result<QSqlQuery> query = exec(QStringLiteral("recording the copy of %1 to %2").arg(intent.name, intent.target),
            QStringLiteral("INSERT INTO copy_intents (project, name, source, target, size, sha256, started_ms, who) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
            {intent.project, intent.name, intent.source, intent.target, intent.size, QString::fromLatin1(intent.sha256),
                toMs(intent.startedAt.isValid() ? intent.startedAt : QDateTime::currentDateTimeUtc()), intent.who.isEmpty() ? currentActor() : intent.who});
        if (!query)
            return query.error();
        return query->lastInsertId().toLongLong();
    }

    Result<QList<CopyIntent>> StateDatabase::copyIntents() const
    {
        Result<QSqlQuery> query = exec(QStringLiteral("reading the copies under way"),
            QStringLiteral("SELECT id, project, name, source, target, size, sha256, started_ms, who, failure_journaled FROM copy_intents ORDER BY id"));
        if (!query)
            return query.error();
        const Row row(*query);
        QList<CopyIntent> result;
        while (query->next())
        {
            result.append(CopyIntent{.id = row.number("id"_L1),
                .project = row.text("project"_L1),
                .name = row.text("name"_L1),
                .source = row.text("source"_L1),
                .target = row.text("target"_L1),
                .size = row.size("size"_L1),
                .sha256 = row.latin1("sha256"_L1),
                .startedAt = row.msTime("started_ms"_L1),
                .who = row.text("who"_L1),
                .failureJournaled = row.number("failure_journaled"_L1) != 0});
        }
        return result;
    }

    // A copy's journal entry and the end (or keeping) of its intent, in one transaction: a crash
    // between them must not leave a copy journaled twice or an intent with no entry.
    Result<qint64> StateDatabase::journalWithIntent(qint64 intentId, const JournalEntry &entry, const QString &what, const QString &intentSql)
    {
        QSqlQuery transaction(database());
        if (!transaction.exec(QStringLiteral("BEGIN IMMEDIATE")))
            return sqlError(QStringLiteral("writing the journal"), transaction.lastError());
        Result<qint64> journaled = appendJournal(entry);
        Result<QSqlQuery> changed = journaled ? exec(what, intentSql, {intentId}) : Result<QSqlQuery>(journaled.error());
        if (!changed || !transaction.exec(QStringLiteral("COMMIT")))
        {
            const Error error = changed ? sqlError(QStringLiteral("writing the journal"), transaction.lastError()) : changed.error();
            QSqlQuery(database()).exec(QStringLiteral("ROLLBACK"));
            return error;
        }
        return journaled;
    }

    Result<qint64> StateDatabase::finishCopyIntent(qint64 intentId, const JournalEntry &entry)
    {
        return journalWithIntent(intentId, entry, QStringLiteral("ending a copy under way"), QStringLiteral("DELETE FROM copy_intents WHERE id = ?"));
    }

    Result<qint64> StateDatabase::failCopyIntent(qint64 intentId, const JournalEntry &entry)
    {
        return journalWithIntent(intentId, entry, QStringLiteral("keeping a failed copy to check"),
            QStringLiteral("UPDATE copy_intents SET failure_journaled = 1 WHERE id = ?"));
    }

    Result<void> StateDatabase::dropCopyIntent(qint64 intentId)
    {
        Result<QSqlQuery> dropped = exec(QStringLiteral("ending a copy under way"), QStringLiteral("DELETE FROM copy_intents WHERE id = ?"), {intentId});
        if (!dropped)
            return dropped.error();
        return {};
    }
}
