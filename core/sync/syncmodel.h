#pragma once

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QVarLengthArray>

#include <utility>

#include "util/error.h"

namespace TwinTrunk::Sync
{
    // What one version name looks like across the servers.
    enum class VersionState
    {
        Same,       // on every reachable server, the same id everywhere
        Missing,    // absent from at least one reachable server: a copy is due
        Conflict,   // the same name with different ids: never copied over, a person decides
        Regression, // a server no longer lists what it listed before: an alarm, never a deletion
        Decided,    // a conflict a person decided: the canonical variant is elsewhere, nothing is copied over
        Damaged,    // a server's copy is known damaged (other bytes than recorded, or unsound): never "in sync"
        InFlight,   // being copied right now
        Unknown,    // its identity could not be read everywhere (a probe failed)
    };
    QString stateName(VersionState state);

    // One version a server lists now.
    struct ListedVersion
    {
        qint64 size = -1;    // -1 when the listing gives none
        QDateTime modified;  // the date in the listing, when it gives one
        QDateTime firstSeen; // when this server was first seen with it
        QString id;          // uuid (or "sha256:..." for update maps); empty while unread
    };

    // One server's view of one project, as discovery and identity left it.
    struct ServerListing
    {
        QString server;
        bool reachable = false;
        QString error;                              // why not, when not reachable
        QHash<QString, ListedVersion> versions;     // name -> what it lists now
        QSet<QString> vanished;                     // listed before, absent now
        bool suspect = false;                       // it answered, but its listing cannot be trusted (see error)
        Error::Kind errorKind = Error::Kind::Other; // what kind of trouble, when not reachable
    };

    // Server -> id of one version name: a short flat list for the few servers of a workspace, since a
    // hash per row of a 30,000-row project costs more than its lookups save.
    class ServerIds
    {
    public:
        void insert(const QString &server, const QString &id) { m_entries.append({server, id}); }
        bool contains(const QString &server) const { return find(server) != nullptr; }
        QString value(const QString &server) const
        {
            const auto *entry = find(server);
            return entry ? entry->second : QString();
        }
        qsizetype size() const { return m_entries.size(); }

    private:
        const std::pair<QString, QString> *find(const QString &server) const
        {
            for (const auto &entry : m_entries)
            {
                if (entry.first == server)
                    return &entry;
            }
            return nullptr;
        }
        QVarLengthArray<std::pair<QString, QString>, 2> m_entries;
    };

    struct NameRow
    {
        QString name;
        VersionState state = VersionState::Same;
        ServerIds uuids;          // server -> uuid (empty while unread), absent when not on that server
        QStringList missingOn;    // reachable servers that lack it
        QStringList vanishedFrom; // servers that listed it before and no longer do
        qint64 size = -1;
        QString canonicalId;     // a decided conflict: the id a person chose
        QStringList damagedOn;   // servers whose copy is known damaged
        bool otherBytes = false; // sound copies with the same id but other bytes: a note, not an alarm
    };

    struct Lag
    {
        QString from;
        QString to;
        int versions = 0;
        // Since when the oldest missing version has been on `from`: the date its listing gives
        // (when the version appeared there), or when TwinTrunk first listed it there if the
        // listing gives none, or a later one (a clock ahead).
        QDateTime oldestSince;
        bool sinceFromListing = false; // oldestSince is the listing's own date
        QStringList names;             // which versions, sorted by name (`versions` of them): the server-by-server grid's filter
    };

    // A project across all servers: the result of reconcile(), read by status, diff and plan.
    struct ProjectSnapshot
    {
        QString project;
        QStringList servers;                 // primary first
        QList<NameRow> rows;                 // sorted by name
        QHash<QString, int> counts;          // server -> versions listed
        QHash<QString, QStringList> missing; // server -> names it lacks
        QStringList conflicts;               // open: nobody decided yet
        QStringList decided;                 // conflicts a person decided (see NameRow::canonicalId)
        QStringList regressions;
        QStringList unknown;
        QHash<QString, QStringList> damaged; // server -> names whose copy there is damaged
        QStringList otherBytes;              // the same version with other bytes on some server (a note)
        QHash<QString, QString> unreachable; // server -> error
        QStringList notChecked;              // what could not be read (the state database's records): not "none"
        QHash<QString, QByteArray> digests;  // server -> SHA-256 over its sorted (name, id) pairs
        QList<Lag> lag;                      // one per ordered pair of reachable servers
        bool inSync = false;                 // a checked fact: all reachable, nothing missing, damaged or odd, digests equal
    };

    struct ReconcileInput
    {
        QString project;
        QList<ServerListing> listings; // primary first
        QSet<QString> inFlight;
        QHash<QString, QString> decided;         // name -> the id a person chose for a conflict (conflict decisions)
        QHash<QString, QSet<QString>> damaged{}; // server -> names whose copy there is known damaged
        QSet<QString> otherBytes{};              // names held with the same id and other, sound bytes
        QStringList notChecked{};                // records that could not be read: the verdict cannot be "in sync"
    };

    // One planned copy: from a server that has the version to each that lacks it.
    struct PlanItem
    {
        QString project;
        QString name;
        QString source;
        QStringList targets;
        qint64 size = -1;
        QString id; // the identity the copy must carry, when known
    };
}
