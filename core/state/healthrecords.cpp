// The StateDatabase's memory of server health: every probe (HealthSample) and each status's
// backlog per project and direction (BacklogSample), for the cards and the History tab.

#include "sqlvalues.h"
#include "statedatabase.h"

namespace TwinTrunk::State
{
    namespace
    {
        using namespace Qt::StringLiterals;

        // The samples a query newest first yields, oldest first (as plots draw them).
        QList<HealthSample> healthSamplesFrom(QSqlQuery &query, const QString &server)
        {
            const Row row(query);
            QList<HealthSample> samples;
            while (query.next())
            {
                samples.prepend(HealthSample{.server = server,
                    .at = row.isoTime("at"_L1),
                    .up = row.flag("up"_L1),
                    .latencyMs = row.size("latency_ms"_L1),
                    .httpStatus = int(row.number("status"_L1)),
                    .error = row.text("error"_L1),
                    .errorClass = row.text("error_class"_L1)});
            }
            return samples;
        }
    }

    Result<void> StateDatabase::recordHealthSample(const HealthSample &sample)
    {
        Result<QSqlQuery> done = exec(QStringLiteral("recording a health sample of %1").arg(sample.server),
            QStringLiteral("INSERT INTO health_samples (server, at, up, latency_ms, status, error, error_class) VALUES (?, ?, ?, ?, ?, ?, ?)"),
            {sample.server, iso(sample.at), sample.up ? 1 : 0, sample.latencyMs >= 0 ? QVariant(sample.latencyMs) : QVariant(),
                sample.httpStatus > 0 ? QVariant(sample.httpStatus) : QVariant(), sample.error, sample.errorClass});
        if (!done)
            return done.error();
        return {};
    }

    Result<QList<HealthSample>> StateDatabase::healthSamples(const QString &server, int limit) const
    {
        Result<QSqlQuery> query = exec(QStringLiteral("reading the health samples of %1").arg(server),
            QStringLiteral("SELECT at, up, latency_ms, status, error, error_class FROM health_samples WHERE server = ? ORDER BY at DESC, rowid DESC LIMIT ?"),
            {server, limit});
        if (!query)
            return query.error();
        return healthSamplesFrom(*query, server);
    }

    Result<QList<HealthSample>> StateDatabase::healthSamplesSince(const QString &server, const QDateTime &since, int limit) const
    {
        Result<QSqlQuery> query = exec(QStringLiteral("reading the health samples of %1").arg(server),
            QStringLiteral("SELECT at, up, latency_ms, status, error, error_class FROM health_samples WHERE server = ? AND at >= ? "
                           "ORDER BY at DESC, rowid DESC LIMIT ?"),
            {server, iso(since), limit});
        if (!query)
            return query.error();
        return healthSamplesFrom(*query, server);
    }

    Result<void> StateDatabase::recordBacklog(const QList<BacklogSample> &samples, int keepDays)
    {
        if (samples.isEmpty())
            return {};
        for (const BacklogSample &sample : samples)
        {
            Result<QSqlQuery> done = exec(QStringLiteral("recording the backlog of %1").arg(sample.project),
                QStringLiteral("INSERT INTO backlog_samples (at_ms, project, from_server, to_server, versions) VALUES (?, ?, ?, ?, ?)"),
                {toMs(sample.at), sample.project, sample.from, sample.to, sample.versions});
            if (!done)
                return done.error();
        }
        Result<QSqlQuery> pruned = exec(QStringLiteral("removing old backlog samples"), QStringLiteral("DELETE FROM backlog_samples WHERE at_ms < ?"),
            {toMs(samples.constFirst().at.addDays(-keepDays))});
        if (!pruned)
            return pruned.error();
        return {};
    }

    Result<QList<BacklogSample>> StateDatabase::backlogSince(const QDateTime &since) const
    {
        Result<QSqlQuery> query = exec(QStringLiteral("reading the backlog history"),
            QStringLiteral("SELECT at_ms, project, from_server, to_server, versions FROM backlog_samples WHERE at_ms >= ? ORDER BY at_ms, rowid"),
            {toMs(since)});
        if (!query)
            return query.error();
        const Row row(*query);
        QList<BacklogSample> result;
        while (query->next())
        {
            result.append(BacklogSample{.at = row.msTime("at_ms"_L1),
                .project = row.text("project"_L1),
                .from = row.text("from_server"_L1),
                .to = row.text("to_server"_L1),
                .versions = int(row.number("versions"_L1))});
        }
        return result;
    }

    Result<HealthHistory> StateDatabase::healthHistory(const QString &server) const
    {
        const QString what = QStringLiteral("reading the health of %1").arg(server);
        HealthHistory history;
        Result<QSqlQuery> success = exec(what, QStringLiteral("SELECT max(at) AS at FROM health_samples WHERE server = ? AND up = 1"), {server});
        if (!success)
            return success.error();
        if (success->next())
            history.lastSuccess = Row(*success).isoTime("at"_L1);
        // Since when the server has been in its current state: the newest sample of the other state.
        Result<QSqlQuery> newest = exec(what, QStringLiteral("SELECT up FROM health_samples WHERE server = ? ORDER BY at DESC, rowid DESC LIMIT 1"), {server});
        if (!newest)
            return newest.error();
        if (!newest->next())
            return history;
        const bool up = Row(*newest).flag("up"_L1);
        Result<QSqlQuery> since = exec(what,
            QStringLiteral("SELECT min(at) AS at FROM health_samples WHERE server = ? AND at > "
                           "coalesce((SELECT max(at) FROM health_samples WHERE server = ? AND up = ?), '')"),
            {server, server, up ? 0 : 1});
        if (!since)
            return since.error();
        if (since->next())
            history.stateSince = Row(*since).isoTime("at"_L1);
        return history;
    }
}
