// The StateDatabase's journal (what each operation did, by whom) and the late-commit watches a
// repoint leaves behind.

#include <QSqlQuery>

#include "sqlvalues.h"
#include "statedatabase.h"

namespace TwinTrunk::State
{
    using namespace Qt::StringLiterals;

    Result<qint64> StateDatabase::appendJournal(const JournalEntry &entry)
    {
        Result<QSqlQuery> done = exec(QStringLiteral("writing the journal"),
            QStringLiteral("INSERT INTO journal (at, who, operation, project, name, source, target, result, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
            {iso(entry.at.isValid() ? entry.at : QDateTime::currentDateTimeUtc()), entry.who.isEmpty() ? currentActor() : entry.who, entry.operation,
                entry.project, entry.name, entry.source, entry.target, entry.result, entry.detail});
        if (!done)
            return done.error();
        return done->lastInsertId().toLongLong();
    }

    namespace
    {
        JournalEntry journalEntry(const Row &row)
        {
            return JournalEntry{.id = row.number("id"_L1),
                .at = row.isoTime("at"_L1),
                .who = row.text("who"_L1),
                .operation = row.text("operation"_L1),
                .project = row.text("project"_L1),
                .name = row.text("name"_L1),
                .source = row.text("source"_L1),
                .target = row.text("target"_L1),
                .result = row.text("result"_L1),
                .detail = row.text("detail"_L1)};
        }
        const QString JournalColumns = QStringLiteral("id, at, who, operation, project, name, source, target, result, detail");
    }

    Result<QList<JournalEntry>> StateDatabase::journalSince(const QDateTime &since, int limit) const
    {
        // The newest `limit` entries: a console shows what happened last, not the oldest of a month.
        Result<QSqlQuery> query = exec(QStringLiteral("reading the journal"),
            QStringLiteral("SELECT %1 FROM (SELECT %1 FROM journal WHERE at >= ? ORDER BY id DESC LIMIT ?) ORDER BY id").arg(JournalColumns),
            {since.isValid() ? iso(since) : QStringLiteral("0"), limit}); // not a null QString: NULL compares to nothing
        if (!query)
            return query.error();
        const Row row(*query);
        QList<JournalEntry> result;
        while (query->next())
            result.append(journalEntry(row));
        return result;
    }

    Result<QList<JournalEntry>> StateDatabase::journalOf(const QString &project, const QString &name) const
    {
        Result<QSqlQuery> query = exec(QStringLiteral("reading the journal of %1 %2").arg(project, name),
            QStringLiteral("SELECT %1 FROM journal WHERE project = ? AND name = ? ORDER BY id").arg(JournalColumns), {project, name});
        if (!query)
            return query.error();
        const Row row(*query);
        QList<JournalEntry> result;
        while (query->next())
            result.append(journalEntry(row));
        return result;
    }

    Result<void> StateDatabase::addLateCommitWatch(const LateCommitWatch &watch)
    {
        Result<QSqlQuery> done = exec(QStringLiteral("recording the watch on %1").arg(watch.oldPrimary),
            QStringLiteral("INSERT INTO late_commit_watches (old_primary, new_primary, started_at, until) VALUES (?, ?, ?, ?)"),
            {watch.oldPrimary, watch.newPrimary, iso(watch.startedAt), iso(watch.until)});
        if (!done)
            return done.error();
        return {};
    }

    Result<QList<LateCommitWatch>> StateDatabase::lateCommitWatches(const QDateTime &activeAt) const
    {
        Result<QSqlQuery> query = exec(QStringLiteral("reading the late-commit watches"),
            QStringLiteral("SELECT old_primary, new_primary, started_at, until FROM late_commit_watches WHERE started_at <= ? AND until > ? ORDER BY id"),
            {iso(activeAt), iso(activeAt)});
        if (!query)
            return query.error();
        const Row row(*query);
        QList<LateCommitWatch> result;
        while (query->next())
        {
            result.append(LateCommitWatch{.oldPrimary = row.text("old_primary"_L1),
                .newPrimary = row.text("new_primary"_L1),
                .startedAt = row.isoTime("started_at"_L1),
                .until = row.isoTime("until"_L1)});
        }
        return result;
    }
}
