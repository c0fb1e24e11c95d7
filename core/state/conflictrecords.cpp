// The StateDatabase's memory of conflicts: the decisions people made and the new names losers got.

#include <QSqlQuery>

#include "sqlvalues.h"
#include "statedatabase.h"

namespace TwinTrunk::State
{
    using namespace Qt::StringLiterals;

    Result<void> StateDatabase::recordDecision(const ConflictDecision &decision)
    {
        const QString what = QStringLiteral("recording the decision on %1 %2").arg(decision.project, decision.name);
        const QDateTime at = decision.decidedAt.isValid() ? decision.decidedAt : QDateTime::currentDateTimeUtc();
        // The conflict became visible when a second server listed the name (kept on later updates).
        Result<QSqlQuery> seen =
            exec(what, QStringLiteral("SELECT first_seen_ms FROM listing_entries WHERE project = ? AND name = ? ORDER BY first_seen_ms LIMIT 1 OFFSET 1"),
                {decision.project, decision.name});
        if (!seen)
            return seen.error();
        const QDateTime firstSeen = seen->next() ? Row(*seen).msTime("first_seen_ms"_L1) : QDateTime();
        Result<QSqlQuery> done = exec(what,
            QStringLiteral("INSERT INTO conflicts (project, name, first_seen, decision, chosen_server, chosen_id, decided_by, decided_at, note, "
                           "replace_losers, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (project, name) DO UPDATE SET "
                           "decision = excluded.decision, chosen_server = excluded.chosen_server, chosen_id = excluded.chosen_id, "
                           "decided_by = excluded.decided_by, decided_at = excluded.decided_at, note = excluded.note, "
                           "replace_losers = excluded.replace_losers, status = excluded.status"),
            {decision.project, decision.name, iso(firstSeen.isValid() && firstSeen <= at ? firstSeen : at), decision.decision, decision.chosenServer,
                decision.chosenId, decision.decidedBy.isEmpty() ? currentActor() : decision.decidedBy, iso(at), decision.note, decision.replace ? 1 : 0,
                decision.status});
        if (!done)
            return done.error();
        return {};
    }

    Result<QList<ConflictDecision>> StateDatabase::decisions(const QString &project) const
    {
        const QString filter = project.isNull() ? QStringLiteral("") : project; // '' matches every project
        Result<QSqlQuery> query = exec(QStringLiteral("reading the conflict decisions"),
            QStringLiteral("SELECT project, name, decision, chosen_server, chosen_id, decided_by, decided_at, note, replace_losers, status, first_seen "
                           "FROM conflicts WHERE decision IS NOT NULL AND (? = '' OR project = ?) ORDER BY project, name"),
            {filter, filter});
        if (!query)
            return query.error();
        const Row row(*query);
        QList<ConflictDecision> result;
        while (query->next())
        {
            result.append(ConflictDecision{.project = row.text("project"_L1),
                .name = row.text("name"_L1),
                .decision = row.text("decision"_L1),
                .chosenServer = row.text("chosen_server"_L1),
                .chosenId = row.text("chosen_id"_L1),
                .decidedBy = row.text("decided_by"_L1),
                .decidedAt = row.isoTime("decided_at"_L1),
                .note = row.text("note"_L1),
                .replace = row.flag("replace_losers"_L1),
                .status = row.text("status"_L1),
                .firstSeen = row.isoTime("first_seen"_L1)});
        }
        return result;
    }

    Result<void> StateDatabase::recordRename(const ConflictRename &rename)
    {
        Result<QSqlQuery> done = exec(QStringLiteral("recording the new name of %1 %2").arg(rename.project, rename.name),
            QStringLiteral("INSERT INTO conflict_renames (project, name, loser_id, new_name, quarantine_path, sha256) VALUES (?, ?, ?, ?, ?, ?)"),
            {rename.project, rename.name, rename.loserId, rename.newName, rename.quarantinePath, QString::fromLatin1(rename.sha256)});
        if (!done)
            return done.error();
        return {};
    }

    Result<QList<ConflictRename>> StateDatabase::renames(const QString &project, const QString &name) const
    {
        Result<QSqlQuery> query = exec(QStringLiteral("reading the new names of %1 %2").arg(project, name),
            QStringLiteral("SELECT loser_id, new_name, quarantine_path, sha256 FROM conflict_renames WHERE project = ? AND name = ? ORDER BY new_name"),
            {project, name});
        if (!query)
            return query.error();
        const Row row(*query);
        QList<ConflictRename> result;
        while (query->next())
        {
            result.append(ConflictRename{.project = project,
                .name = name,
                .loserId = row.text("loser_id"_L1),
                .newName = row.text("new_name"_L1),
                .quarantinePath = row.text("quarantine_path"_L1),
                .sha256 = row.latin1("sha256"_L1)});
        }
        return result;
    }
}
