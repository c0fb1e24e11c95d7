#include "history.h"

namespace TwinTrunk::Health
{
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
            else
                ++run.copied;
        }
        return runs;
    }

    History readHistory(const Workspace &workspace, const State::StateDatabase &state, const QDateTime &since)
    {
        History history;
        history.since = since;
        history.until = QDateTime::currentDateTimeUtc();
        for (const ServerConfig &server : workspace.servers())
        {
            history.servers.append(server.name);
            if (Result<QList<State::HealthSample>> samples = state.healthSamplesSince(server.name, since); samples)
                history.samples.insert(server.name, samples.value());
            else
                history.notRead.append(samples.error().toString());
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
                if (entry.operation == u"repoint")
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
