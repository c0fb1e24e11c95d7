#include "history.h"

#include <QJsonDocument>
#include <QJsonObject>

#include "sync/copyjob.h"

namespace TwinTrunk::Health
{
    bool repointRan(const State::JournalEntry &entry)
    {
        return entry.operation == u"repoint" && (entry.result == u"ok" || entry.result == u"rolled-back");
    }

    QString repointWords(const State::JournalEntry &entry)
    {
        static const QHash<QString, QString> outcomes{{QStringLiteral("ok"), QStringLiteral("done")},
            {QStringLiteral("rolled-back"), QStringLiteral("rolled back")}, {QStringLiteral("refused"), QStringLiteral("refused")},
            {QStringLiteral("dry-run"), QStringLiteral("checked only (dry run)")}};
        const QString outcome = outcomes.value(entry.result, entry.result);
        // The report as journaled: its summary is the sentence the wizard and twintrunkctl showed.
        const QJsonObject report = QJsonDocument::fromJson(entry.detail.toUtf8()).object();
        const QString summary = report.value(QStringLiteral("summary")).toString();
        QString words = QStringLiteral("%1 → %2, %3").arg(entry.source, entry.target, outcome);
        if (!summary.isEmpty())
            words += QStringLiteral(": ") + summary;
        return words;
    }

    QList<SyncRun> syncRuns(const QList<State::JournalEntry> &journal, qint64 gapSeconds)
    {
        QList<State::JournalEntry> copies = journal;
        copies.removeIf([](const State::JournalEntry &entry) { return entry.operation != u"copy"; });
        std::stable_sort(copies.begin(), copies.end(), [](const auto &a, const auto &b) { return a.at < b.at; });
        QList<SyncRun> runs;
        for (const State::JournalEntry &copy : std::as_const(copies))
        {
            if (runs.isEmpty() || runs.constLast().end.secsTo(copy.at) > gapSeconds)
                runs.append(SyncRun{.start = copy.at, .end = copy.at});
            SyncRun &run = runs.last();
            run.end = copy.at;
            if (copy.result == u"failed" || copy.result == u"damaged")
                ++run.failed;
            else if (Sync::journalsCopyMade(copy)) // not "already present": nothing was copied
                ++run.copied;
        }
        return runs;
    }

    QList<State::HealthSample> thinned(const QList<State::HealthSample> &samples, const QDateTime &since, const QDateTime &until)
    {
        // A chart a few hundred pixels wide: per slice of the period its slowest answer, and every
        // change between up and down (a down period keeps both its ends).
        constexpr int Slices = 1500;
        if (samples.size() <= 2 * Slices)
            return samples;
        const qint64 span = std::max<qint64>(1, since.msecsTo(until));
        QList<State::HealthSample> kept;
        qint64 slice = -1;
        qsizetype slowest = -1;
        for (qsizetype i = 0; i < samples.size(); ++i)
        {
            const State::HealthSample &sample = samples.at(i);
            const qint64 at = std::clamp<qint64>(since.msecsTo(sample.at) * Slices / span, 0, Slices);
            const bool changes = kept.isEmpty() || kept.constLast().up != sample.up || (i + 1 < samples.size() && samples.at(i + 1).up != sample.up);
            if (at != slice || changes)
            {
                kept.append(sample);
                slice = at;
                slowest = sample.up ? kept.size() - 1 : -1;
            }
            else if (sample.up && slowest >= 0 && sample.latencyMs > kept.at(slowest).latencyMs)
            {
                kept[slowest] = sample;
            }
        }
        return kept;
    }

    History readHistory(const Workspace &workspace, const State::StateDatabase &state, const QDateTime &since)
    {
        History history;
        history.since = since;
        history.until = QDateTime::currentDateTimeUtc();
        for (const ServerConfig &server : workspace.servers())
        {
            history.servers.append(server.name);
            Result<QList<State::HealthSample>> samples = state.healthSamplesSince(server.name, since, MaxSamplesRead);
            if (!samples)
            {
                history.notRead.append(samples.error().toString());
                continue;
            }
            // A cut-off read would show the start of the period as quiet: said, never hidden.
            if (samples->size() >= MaxSamplesRead)
                history.notRead.append(QStringLiteral("%1's probes before %2 (more than %3 in the period)")
                                           .arg(server.name, samples->constFirst().at.toLocalTime().toString(Qt::ISODate))
                                           .arg(MaxSamplesRead));
            history.samples.insert(server.name, thinned(samples.value(), since, history.until));
        }
        if (Result<QList<State::BacklogSample>> backlog = state.backlogSince(since); backlog)
            history.backlog = backlog.value();
        else
            history.notRead.append(backlog.error().toString());
        if (Result<QList<State::JournalEntry>> journal = state.journalSince(since); journal)
        {
            history.syncRuns = syncRuns(journal.value());
            for (const State::JournalEntry &entry : journal.value())
            {
                if (repointRan(entry))
                    history.repoints.append(entry);
                else if (entry.operation == u"resolve-decide" || entry.operation == u"resolve-defer")
                    history.decisions.append(entry);
            }
        }
        else
        {
            history.notRead.append(journal.error().toString());
        }
        return history;
    }
}
