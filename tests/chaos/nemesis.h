#pragma once

#include <QHash>
#include <QList>
#include <QNetworkAccessManager>
#include <QObject>
#include <QPointer>
#include <QProcess>
#include <QRandomGenerator>
#include <QSet>
#include <QStringList>
#include <QTextStream>
#include <QTimer>

#include "cluster.h"
#include "committers.h"
#include "storagewatch.h"

namespace TwinTrunk::Chaos
{
    // A duplicate name the nemesis made: one variant committed on each side of a partition.
    struct InjectedConflict
    {
        QString name;
        QString serverA, serverB;
        Acknowledged a, b;
    };

    // A byte the nemesis flipped in a stored file, on a server's disk.
    struct FlippedByte
    {
        QString server;
        QString name;
        qint64 offset = 0;
    };

    struct FaultCounts
    {
        int serverKills = 0;
        int frontKills = 0;
        int syncKills = 0;
        int pauses = 0;
        int partitions = 0;
        int repointsDone = 0;
        int repointsWithPrimaryDown = 0;
        int repointsRefused = 0; // the preflight stopped it, or it rolled back: counted, not a failure
        int lateCommits = 0;     // acknowledged by an old primary through its own URL after a repoint
        int repointKills = 0;    // a repoint killed (-9) in the middle
        int frontPauses = 0;
        int restartFailures = 0;     // a process that would not come back: the run's own failure
        QStringList unexpectedExits; // `sync --every` ending by itself: a failure of the run
    };

    // The faults, chosen by a seeded generator so that a failing run can be replayed: crashes
    // (SIGKILL) and restarts of the servers, the front and the sync process; pauses (SIGSTOP);
    // partitions of a server from TwinTrunk, with the same name committed on each side; repoints
    // while commits continue; flipped bytes on a server's disk. One fault at a time per process.
    class Nemesis final : public QObject
    {
        Q_OBJECT

    public:
        Nemesis(Cluster &cluster, StorageWatch &watch, const QList<Acknowledged> &acknowledged, quint32 seed, QTextStream &log, QObject *parent = nullptr);

        void start();
        // No new faults; every process is brought back (resumed, restarted, partitions healed);
        // healed() once no repoint or conflict commit is running any more.
        void healAll();
        // What TwinTrunk must never do, done behind its back, so that the checker is seen to catch it
        // (--sabotage): an acknowledged version deleted from every server, and another replaced.
        void sabotage();
        // Stops `sync --every` as systemd would (SIGTERM), for the final checks.
        void stopSync();

        const FaultCounts &counts() const { return m_counts; }
        const QList<InjectedConflict> &conflicts() const { return m_conflicts; }
        const QList<FlippedByte> &flips() const { return m_flips; }
        // Names whose commit on one side of a partition got no answer: either variant may be
        // anywhere, and TwinTrunk may rightly call the name a conflict. Left out of the checks.
        const QSet<QString> &inDoubt() const { return m_inDoubt; }
        // Versions committed directly to one server: one side of a conflict whose other side failed,
        // and late commits to an old primary. Ordinary acknowledged versions: they must reach
        // every server.
        QList<Acknowledged> sideCommits() const;

    Q_SIGNALS:
        void healed();

    private:
        enum class Fault
        {
            None,
            Crashed,
            Paused,
        };

        void tick();
        void crashServer(int index);
        void pauseServer(int index);
        void crashFront();
        void pauseFront();
        void killRepoint();
        void killSync();
        void partition(int index, bool withConflict);
        void repoint();
        void flipByte();
        void injectConflict(int partitioned);

        void startSync();
        void bringBackServer(int index);
        void bringBackFront();
        void healDoor(int index);
        void finishRepoint(int exitCode, int target, bool primaryWasDown);
        // Images still pointed at the old primary commit to it for a few seconds after a repoint.
        void commitLate(int oldPrimary);
        void checkHealed();
        bool serverAvailable(int index) const { return m_serverFault.value(index) == Fault::None; }
        bool spared(int index) const { return index == m_repointTarget; }
        int bounded(int low, int high) { return int(m_random.bounded(low, high + 1)); }
        void note(const QString &line);

        Cluster &m_cluster;
        StorageWatch &m_watch;
        const QList<Acknowledged> &m_acknowledged;
        QRandomGenerator m_random;
        QTextStream &m_log;
        VersionFactory m_factory;
        QNetworkAccessManager m_network;
        QTimer m_timer;
        QHash<int, Fault> m_serverFault;
        QSet<int> m_partitioned;
        Fault m_frontFault = Fault::None;
        int m_opening = 0; // the next step of the opening (see tick())
        QSet<QString> m_inDoubt;
        QPointer<QProcess> m_sync;
        bool m_syncStopping = false; // the nemesis or stopSync() ends it, not a failure
        QPointer<QProcess> m_repoint;
        int m_repointTarget = -1; // spared while its repoint runs (see repoint())
        bool m_repointKilled = false;
        int m_conflictCommitsInFlight = 0;
        bool m_healing = false; // from healAll() until healed()
        int m_conflictNumber = 0;
        FaultCounts m_counts;
        QList<InjectedConflict> m_conflicts;
        QList<FlippedByte> m_flips;
        QList<Acknowledged> m_sideCommits;
        QList<Committers *> m_lateCommitters;
        int m_lateCommittersRunning = 0;
    };
}
