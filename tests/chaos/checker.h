#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include "cluster.h"
#include "nemesis.h"
#include "storagewatch.h"

namespace TwinTrunk::Chaos
{
    // What the fault run proves, each with its evidence. Every check reads the servers' folders
    // itself or TwinTrunk's own output, never TwinTrunk's state as a shortcut.
    struct Verdict
    {
        int acknowledged = 0;
        int lost = 0;          // acknowledged, and on no server with its bytes
        int notReplicated = 0; // acknowledged, missing (or other bytes) on some server
        int overwrites = 0;    // a file replaced or deleted on a server's disk
        int conflictsInjected = 0;
        int conflictsDetected = 0;
        int conflictsResolvedByThemselves = 0;
        int damageInjected = 0;
        int damageDetected = 0;
        int falseDamage = 0;       // reported damaged, though nobody damaged it
        int copiesUnaccounted = 0; // a server holds a version that neither a commit nor the journal put there
        int journalMismatches = 0; // a journaled copy whose bytes on the target are not the ones it recorded
        int filesChecked = 0;      // distinct names on the servers' disks at the end
        int copiesVerified = 0;    // read whole by the final verify
        QString stateIntegrity;    // PRAGMA integrity_check
        QStringList failures;      // each failed check, in words, with the names

        bool passed() const { return failures.isEmpty(); }
    };

    // The final checks, after everything healed and a final sync and verify ran.
    class Checker final
    {
    public:
        Checker(const Cluster &cluster, const StorageWatch &watch);

        Verdict check(const QList<Acknowledged> &acknowledged, const Nemesis &nemesis, const QByteArray &conflictsJson, const QByteArray &verifyJson,
            const QByteArray &journalJson) const;

    private:
        QByteArray shaOn(int server, const QString &name) const;
        void checkAcknowledged(const QList<Acknowledged> &acknowledged, const Nemesis &nemesis, Verdict &verdict) const;
        void checkConvergence(const Nemesis &nemesis, Verdict &verdict) const;
        void checkConflicts(const Nemesis &nemesis, const QByteArray &conflictsJson, const QByteArray &journalJson, Verdict &verdict) const;
        void checkDamage(const Nemesis &nemesis, const QByteArray &verifyJson, Verdict &verdict) const;
        void checkJournal(const QList<Acknowledged> &acknowledged, const Nemesis &nemesis, const QByteArray &journalJson, Verdict &verdict) const;
        void checkState(Verdict &verdict) const;

        const Cluster &m_cluster;
        const StorageWatch &m_watch;
    };

    // JSON lines (twintrunkctl's --json output of a list) as objects.
    QList<QJsonObject> jsonLines(const QByteArray &out);
}
