#pragma once

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QStringList>

#include "state/statedatabase.h"
#include "workspace/workspace.h"

namespace TwinTrunk::Health
{
    // Copies journaled close together are one replication run (the chart marks runs, not copies).
    struct SyncRun
    {
        QDateTime start;
        QDateTime end;
        int copied = 0;
        int failed = 0;
    };

    // What happened to a workspace's servers over a period, from the state database: every probe,
    // each status's backlog per project and direction, replication runs, repoints and conflict
    // decisions. The console's History tab draws it.
    struct History
    {
        QDateTime since;
        QDateTime until;
        QStringList servers; // workspace order
        QHash<QString, QList<State::HealthSample>> samples;
        QList<State::BacklogSample> backlog;
        QList<SyncRun> syncRuns;
        QList<State::JournalEntry> repoints;  // repoints that ran (done or rolled back): never a preflight, a dry run or a refusal
        QList<State::JournalEntry> decisions; // conflicts decided (kept or deferred)
        QStringList notRead;                  // what could not be read: the chart says so, never shows it as quiet
    };

    // At most this many probes of a server are read for a period (7 days of a 10 s watch is 60,480).
    constexpr int MaxSamplesRead = 200000;
    History readHistory(const Workspace &workspace, const State::StateDatabase &state, const QDateTime &since);

    // Fewer samples for a chart, the same picture: per slice of the period its slowest answer and
    // every change between up and down.
    QList<State::HealthSample> thinned(const QList<State::HealthSample> &samples, const QDateTime &since, const QDateTime &until);

    // Whether a journaled repoint ran (done, or rolled back): every preflight of the wizard and
    // every dry run is journaled as a repoint too, but moved nothing.
    bool repointRan(const State::JournalEntry &entry);
    // A journaled repoint in words for a person, from its report's summary, never its raw JSON:
    // "box2 → box4, done: box4 is the primary".
    QString repointWords(const State::JournalEntry &entry);

    // Groups the copies among `journal` into runs: a gap of more than `gapSeconds` starts a new one.
    QList<SyncRun> syncRuns(const QList<State::JournalEntry> &journal, qint64 gapSeconds = 300);
}
