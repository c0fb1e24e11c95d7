#include "nemesis.h"

#include <QDir>
#include <QFile>
#include <QNetworkReply>

#include <cstdio>

namespace TwinTrunk::Chaos
{
    Nemesis::Nemesis(Cluster &cluster, StorageWatch &watch, const QList<Acknowledged> &acknowledged, quint32 seed, QTextStream &log, QObject *parent)
            : QObject(parent), m_cluster(cluster), m_watch(watch), m_acknowledged(acknowledged), m_random(seed), m_log(log), m_factory(seed ^ 0x5eedu)
    {
        m_timer.setSingleShot(true);
        connect(&m_timer, &QTimer::timeout, this, &Nemesis::tick);
    }

    void Nemesis::note(const QString &line)
    {
        m_log << QDateTime::currentDateTimeUtc().toString(QStringLiteral("HH:mm:ss.zzz")) << u' ' << line << Qt::endl;
    }

    void Nemesis::start()
    {
        startSync();
        m_timer.start(bounded(500, 1500));
    }

    void Nemesis::startSync()
    {
        if (m_sync)
            return;
        m_syncStopping = false;
        m_sync = m_cluster.startCtl({QStringLiteral("sync"), QStringLiteral("--every"), QStringLiteral("2s")}, QStringLiteral("sync"), this);
        connect(m_sync, &QProcess::finished, this, [this](int exitCode, QProcess::ExitStatus status) {
            if (m_syncStopping)
                return;
            // It runs until stopped: ending by itself (a database it refuses, a crash) means no
            // replication from then on, whatever the servers hold.
            const QString why = status == QProcess::CrashExit ? QStringLiteral("crashed") : QStringLiteral("exit %1").arg(exitCode);
            m_counts.unexpectedExits.append(QStringLiteral("twintrunkctl sync --every ended by itself (%1, see sync.log)").arg(why));
            note(m_counts.unexpectedExits.constLast());
            m_sync->deleteLater();
            m_sync = nullptr;
            QTimer::singleShot(1000, this, &Nemesis::startSync);
        });
    }

    void Nemesis::stopSync()
    {
        if (!m_sync)
            return;
        // SIGTERM: the sync ends its cycle's copies cleanly, as systemd would stop it.
        m_syncStopping = true;
        m_sync->terminate();
        if (!m_sync->waitForFinished(30000))
            m_sync->kill();
        m_sync->waitForFinished(5000);
        delete m_sync;
    }

    void Nemesis::tick()
    {
        if (m_healing)
            return;
        const int server = bounded(0, m_cluster.serverCount() - 1);
        // The opening: one of each rare fault early, so that even a short run shows the checker
        // a conflict, a damaged copy and a repoint. Each step waits until it could happen.
        if (m_opening < 3)
        {
            const qsizetype flips = m_flips.size();
            const int partitions = m_counts.partitions;
            if (m_opening == 0)
                partition(server, true);
            else if (m_opening == 1)
                flipByte();
            else
                repoint();
            if (m_counts.partitions > partitions || m_flips.size() > flips || m_repoint)
                ++m_opening;
            m_timer.start(bounded(1000, 2000));
            return;
        }
        // Then a weighted choice; a fault whose process is already faulted is skipped this tick.
        const int pick = bounded(0, 99);
        if (pick < 16)
            crashServer(server);
        else if (pick < 27)
            pauseServer(server);
        else if (pick < 36)
            crashFront();
        else if (pick < 40)
            pauseFront();
        else if (pick < 51)
            killSync();
        else if (pick < 70)
            partition(server, bounded(0, 99) < 60);
        else if (pick < 86)
            repoint();
        else if (pick < 90)
            killRepoint();
        else
            flipByte();
        m_timer.start(bounded(400, 2000));
    }

    void Nemesis::crashServer(int index)
    {
        if (!serverAvailable(index) || spared(index))
            return;
        Cluster::Server &server = m_cluster.server(index);
        if (!server.backend.crash())
        {
            note(QStringLiteral("could not kill %1").arg(server.name));
            return;
        }
        ++m_counts.serverKills;
        m_serverFault[index] = Fault::Crashed;
        const int downMs = bounded(500, 4000);
        note(QStringLiteral("kill -9 %1 (back in %2 ms)").arg(server.name).arg(downMs));
        QTimer::singleShot(downMs, this, [this, index] { bringBackServer(index); });
    }

    void Nemesis::pauseServer(int index)
    {
        if (!serverAvailable(index) || spared(index))
            return;
        Cluster::Server &server = m_cluster.server(index);
        if (!server.backend.pause())
            return;
        ++m_counts.pauses;
        m_serverFault[index] = Fault::Paused;
        const int pausedMs = bounded(500, 3000);
        note(QStringLiteral("SIGSTOP %1 (SIGCONT in %2 ms)").arg(server.name).arg(pausedMs));
        QTimer::singleShot(pausedMs, this, [this, index] { bringBackServer(index); });
    }

    void Nemesis::bringBackServer(int index)
    {
        Cluster::Server &server = m_cluster.server(index);
        const Fault fault = m_serverFault.value(index);
        if (fault == Fault::None)
            return;
        const bool back = fault == Fault::Paused ? server.backend.resume() : server.backend.restart();
        if (!back)
        {
            ++m_counts.restartFailures;
            note(QStringLiteral("%1 did not come back: %2").arg(server.name, server.backend.lastError()));
            QTimer::singleShot(500, this, [this, index] { bringBackServer(index); });
            return;
        }
        m_serverFault[index] = Fault::None;
        note(QStringLiteral("%1 back").arg(server.name));
        checkHealed();
    }

    void Nemesis::crashFront()
    {
        if (m_frontFault != Fault::None || !m_cluster.front().crash())
            return;
        ++m_counts.frontKills;
        m_frontFault = Fault::Crashed;
        const int downMs = bounded(300, 2000);
        note(QStringLiteral("kill -9 the front (back in %1 ms)").arg(downMs));
        QTimer::singleShot(downMs, this, &Nemesis::bringBackFront);
    }

    void Nemesis::pauseFront()
    {
        if (m_frontFault != Fault::None || !m_cluster.front().pause())
            return;
        ++m_counts.frontPauses;
        m_frontFault = Fault::Paused;
        const int pausedMs = bounded(300, 3000);
        note(QStringLiteral("SIGSTOP the front (SIGCONT in %1 ms)").arg(pausedMs));
        QTimer::singleShot(pausedMs, this, &Nemesis::bringBackFront);
    }

    void Nemesis::bringBackFront()
    {
        if (m_frontFault == Fault::None)
            return;
        const bool back = m_frontFault == Fault::Paused ? m_cluster.front().resume() : m_cluster.front().restart();
        if (!back)
        {
            ++m_counts.restartFailures;
            note(QStringLiteral("the front did not come back"));
            QTimer::singleShot(500, this, &Nemesis::bringBackFront);
            return;
        }
        m_frontFault = Fault::None;
        note(QStringLiteral("the front back"));
        checkHealed();
    }

    void Nemesis::killSync()
    {
        if (!m_sync || m_sync->state() != QProcess::Running)
            return;
        ++m_counts.syncKills;
        m_syncStopping = true;
        m_sync->kill(); // SIGKILL: whatever copy is under way stops where it is
        m_sync->waitForFinished(5000);
        delete m_sync;
        const int downMs = bounded(200, 2000);
        note(QStringLiteral("kill -9 twintrunkctl sync --every (restarted in %1 ms)").arg(downMs));
        QTimer::singleShot(downMs, this, [this] {
            startSync();
            checkHealed();
        });
    }

    void Nemesis::partition(int index, bool withConflict)
    {
        if (m_partitioned.contains(index) || spared(index))
            return;
        Cluster::Server &server = m_cluster.server(index);
        if (!server.door.crash())
            return;
        ++m_counts.partitions;
        m_partitioned.insert(index);
        const int partitionMs = bounded(1500, 6000);
        note(QStringLiteral("partition %1 from TwinTrunk (healed in %2 ms)").arg(server.name).arg(partitionMs));
        if (withConflict)
            injectConflict(index);
        QTimer::singleShot(partitionMs, this, [this, index] { healDoor(index); });
    }

    void Nemesis::healDoor(int index)
    {
        if (!m_partitioned.contains(index))
            return;
        Cluster::Server &server = m_cluster.server(index);
        if (!server.door.restart())
        {
            ++m_counts.restartFailures;
            QTimer::singleShot(500, this, [this, index] { healDoor(index); });
            return;
        }
        m_partitioned.remove(index);
        note(QStringLiteral("partition of %1 healed").arg(server.name));
        checkHealed();
    }

    void Nemesis::injectConflict(int partitioned)
    {
        // The other side: a server that is up, other than the partitioned one.
        QList<int> others;
        for (int index = 0; index < m_cluster.serverCount(); ++index)
        {
            if (index != partitioned && serverAvailable(index))
                others.append(index);
        }
        if (others.isEmpty() || !serverAvailable(partitioned))
            return;
        const int other = others[bounded(0, int(others.size()) - 1)];
        const qint64 number = ++m_conflictNumber;
        struct Pending
        {
            InjectedConflict conflict;
            int answered = 0;
            bool unanswered = false;
        };
        auto pending = std::make_shared<Pending>();
        pending->conflict.serverA = m_cluster.server(partitioned).name;
        pending->conflict.serverB = m_cluster.server(other).name;
        const QByteArray authorization = basicAuthorization(Cluster::username(), Cluster::password());
        for (int side = 0; side < 2; ++side)
        {
            // Two images saving "the next version" of one package, each on its side of the split.
            const BuiltVersion version = m_factory.build(QStringLiteral("ChaosConflict"), QStringLiteral("nemesis"), number, side + 1);
            pending->conflict.name = version.name;
            const int target = side == 0 ? partitioned : other;
            const QString where = m_cluster.server(target).name;
            ++m_conflictCommitsInFlight;
            QNetworkReply *reply = putVersion(m_network, m_cluster.directProjectUrl(target), version.name, version.bytes, authorization);
            connect(reply, &QNetworkReply::finished, this, [this, reply, version, where, side, pending] {
                reply->deleteLater();
                --m_conflictCommitsInFlight;
                const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
                note(QStringLiteral("same name on %1: %2 -> HTTP %3").arg(where, version.name).arg(status));
                if (reply->error() == QNetworkReply::NoError && status >= 200 && status < 300)
                    (side == 0 ? pending->conflict.a : pending->conflict.b) = {version.name, version.id, version.sha256, where,
                        QDateTime::currentDateTimeUtc()};
                else if (status == 0)
                    pending->unanswered = true; // it may have landed all the same
                if (++pending->answered < 2)
                    return;
                const InjectedConflict &conflict = pending->conflict;
                if (pending->unanswered)
                    m_inDoubt.insert(conflict.name);
                else if (!conflict.a.name.isEmpty() && !conflict.b.name.isEmpty())
                    m_conflicts.append(conflict);
                else if (!conflict.a.name.isEmpty())
                    m_sideCommits.append(conflict.a); // one side only: an ordinary version
                else if (!conflict.b.name.isEmpty())
                    m_sideCommits.append(conflict.b);
                checkHealed();
            });
        }
    }

    void Nemesis::repoint()
    {
        if (m_repoint)
            return;
        const int from = m_cluster.primary();
        int target = bounded(0, m_cluster.serverCount() - 2);
        if (target >= from)
            ++target;
        const bool primaryDown = !serverAvailable(from) || m_partitioned.contains(from);
        const QString targetName = m_cluster.server(target).name;
        QStringList arguments{QStringLiteral("repoint"), QStringLiteral("--to"), targetName, QStringLiteral("--yes")};
        // A planned move: the repoint copies what only the primary has while commits continue. The
        // bad day: the primary is gone and commits must go on without what only it had. The
        // preflight probes for itself, and may find the primary back, or down after all.
        arguments << QStringLiteral("--copy-first");
        if (primaryDown)
            arguments << QStringLiteral("--accept-at-risk");
        note(QStringLiteral("repoint %1 -> %2%3").arg(m_cluster.server(from).name, targetName, primaryDown ? QStringLiteral(" (primary down)") : QString()));
        // The target is spared while the repoint runs (its copies take a while under load): a
        // repoint to a server that dies is refused or rolled back, which the short runs would
        // otherwise show every time instead of a switch. Everything else stays fair game,
        // the old primary, the front and the sync included.
        m_repointTarget = target;
        m_repoint = m_cluster.startCtl(arguments, QStringLiteral("repoint"), this);
        connect(m_repoint, &QProcess::finished, this, [this, target, primaryDown](int exitCode, QProcess::ExitStatus status) {
            finishRepoint(status == QProcess::NormalExit ? exitCode : -1, target, primaryDown);
        });
    }

    QList<Acknowledged> Nemesis::sideCommits() const
    {
        QList<Acknowledged> all = m_sideCommits;
        for (const Committers *late : m_lateCommitters)
            all += late->acknowledged();
        return all;
    }

    void Nemesis::commitLate(int oldPrimary)
    {
        // Through the old primary's own URL, as an image that was never repointed saves.
        auto *late = new Committers(m_cluster.directProjectUrl(oldPrimary), basicAuthorization(Cluster::username(), Cluster::password()), 1,
            quint32(m_random.generate()), QStringLiteral("ChaosLate%1x").arg(m_lateCommitters.size()), this);
        m_lateCommitters.append(late);
        ++m_lateCommittersRunning;
        connect(late, &Committers::finished, this, [this, late] {
            --m_lateCommittersRunning;
            m_counts.lateCommits += int(late->acknowledged().size());
            checkHealed();
        });
        late->start();
        QTimer::singleShot(bounded(1000, 4000), late, &Committers::stop);
        note(QStringLiteral("late commits to %1 through its own URL").arg(m_cluster.server(oldPrimary).name));
    }

    void Nemesis::killRepoint()
    {
        if (!m_repoint || m_repoint->state() != QProcess::Running)
            return;
        // Wherever it was (copying, the front rewritten, the workspace saved or not), it stops
        // there; TwinTrunk's idea of the primary is what the workspace file says afterwards.
        ++m_counts.repointKills;
        m_repointKilled = true;
        note(QStringLiteral("kill -9 the repoint in flight"));
        m_repoint->kill();
    }

    void Nemesis::finishRepoint(int exitCode, int target, bool primaryWasDown)
    {
        const int oldPrimary = m_cluster.primary();
        m_repoint->deleteLater();
        const bool killed = std::exchange(m_repointKilled, false);
        m_repoint = nullptr;
        m_repointTarget = -1;
        if (exitCode == 0)
        {
            m_cluster.setPrimary(target);
            ++m_counts.repointsDone;
            if (primaryWasDown)
                ++m_counts.repointsWithPrimaryDown;
            note(QStringLiteral("repoint done: %1 is the primary").arg(m_cluster.server(target).name));
            if (!m_healing)
                commitLate(oldPrimary);
        }
        else if (exitCode == -1 && !killed)
        {
            m_counts.unexpectedExits.append(QStringLiteral("twintrunkctl repoint crashed (see repoint.log)"));
            m_cluster.setPrimary(m_cluster.primaryInWorkspace());
        }
        else if (exitCode == -1)
        {
            m_cluster.setPrimary(m_cluster.primaryInWorkspace());
            note(QStringLiteral("after the killed repoint, the workspace names %1").arg(m_cluster.server(m_cluster.primary()).name));
        }
        else
        {
            // Refused by its preflight (versions only on the primary, the target unreachable) or
            // rolled back (the front's reload failed while it was down): both are its job.
            ++m_counts.repointsRefused;
            note(QStringLiteral("repoint to %1 did not happen (exit %2, see repoint.log)").arg(m_cluster.server(target).name).arg(exitCode));
        }
        checkHealed();
    }

    void Nemesis::flipByte()
    {
        // A file every server holds and the watch has read (rot after replication): the scrub
        // must find it. One flip per file, so each is reported on its own.
        const QString project = Cluster::project();
        QList<const Acknowledged *> candidates;
        for (const Acknowledged &version : m_acknowledged)
        {
            bool everywhere = true;
            for (int index = 0; index < m_cluster.serverCount() && everywhere; ++index)
                everywhere = m_watch.holds(m_cluster.server(index).name, project + u'/' + version.name);
            bool flipped = false;
            for (const FlippedByte &flip : std::as_const(m_flips))
                flipped = flipped || flip.name == version.name;
            if (everywhere && !flipped)
                candidates.append(&version);
        }
        if (candidates.isEmpty())
            return;
        const Acknowledged &version = *candidates[bounded(0, int(candidates.size()) - 1)];
        const int index = bounded(0, m_cluster.serverCount() - 1);
        const QString path = QDir(m_cluster.projectFolder(index)).filePath(version.name);
        // The watch looks at it first: a replacement by the product since its last pass must not be
        // taken for the nemesis's own change below.
        m_watch.recheck(m_cluster.server(index).name, path);
        QFile file(path);
        if (!file.open(QIODevice::ReadWrite) || file.size() < 64)
            return;
        // Inside the archive, past the first local header: where rot would hide in content.
        const qint64 offset = bounded(40, int(file.size()) - 24);
        file.seek(offset);
        char byte = 0;
        file.getChar(&byte);
        file.seek(offset);
        file.putChar(char(byte ^ 0x20));
        file.close();
        m_watch.acceptChange(m_cluster.server(index).name, path);
        m_flips.append({m_cluster.server(index).name, version.name, offset});
        note(QStringLiteral("flipped byte %1 of %2 on %3's disk").arg(offset).arg(version.name, m_cluster.server(index).name));
    }

    void Nemesis::sabotage()
    {
        if (m_acknowledged.size() < 2)
            return;
        const Acknowledged &gone = m_acknowledged.at(0);
        for (int index = 0; index < m_cluster.serverCount(); ++index)
            QFile::remove(QDir(m_cluster.projectFolder(index)).filePath(gone.name));
        // Replaced as a careless rsync would: other bytes written beside it, renamed over it.
        const Acknowledged &replaced = m_acknowledged.at(1);
        const QString path = QDir(m_cluster.projectFolder(0)).filePath(replaced.name);
        QFile other(path + QStringLiteral(".tmp"));
        if (other.open(QIODevice::WriteOnly))
        {
            other.write(m_factory.build(QStringLiteral("Sabotage"), QStringLiteral("x"), 1).bytes);
            other.close();
            std::rename(QFile::encodeName(other.fileName()).constData(), QFile::encodeName(path).constData());
        }
        // Rot nobody was told about: a byte flipped in place where the file is.
        const Acknowledged &rotten = m_acknowledged.at(2);
        for (int index = m_cluster.serverCount() - 1; index >= 0; --index)
        {
            QFile file(QDir(m_cluster.projectFolder(index)).filePath(rotten.name));
            if (file.open(QIODevice::ReadWrite) && file.size() > 100)
            {
                file.seek(file.size() / 2);
                char byte = 0;
                file.getChar(&byte);
                file.seek(file.size() / 2);
                file.putChar(char(byte ^ 0x20));
                break;
            }
        }
        note(QStringLiteral("sabotage: %1 deleted everywhere, %2 replaced on %3, a byte of %4 flipped unannounced")
                 .arg(gone.name, replaced.name, m_cluster.server(0).name, rotten.name));
    }

    void Nemesis::healAll()
    {
        m_healing = true;
        m_timer.stop();
        note(QStringLiteral("healing everything"));
        for (int index = 0; index < m_cluster.serverCount(); ++index)
        {
            bringBackServer(index);
            healDoor(index);
        }
        bringBackFront();
        startSync();
        checkHealed();
    }

    void Nemesis::checkHealed()
    {
        if (!m_healing)
            return;
        const bool serversBack = std::all_of(m_serverFault.cbegin(), m_serverFault.cend(), [](Fault fault) { return fault == Fault::None; });
        if (serversBack && m_partitioned.isEmpty() && m_frontFault == Fault::None && m_sync && !m_repoint && m_conflictCommitsInFlight == 0
            && m_lateCommittersRunning == 0)
        {
            m_healing = false; // once
            Q_EMIT healed();
        }
    }
}
