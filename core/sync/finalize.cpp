#include "reconcile.h"

#include <QSet>

namespace TwinTrunk::Sync
{
    void finalize(ProjectSnapshot &snapshot, const QList<const ServerListing *> &reachable)
    {
        // Lag per direction: what `from` has that `to` still lacks, and since when.
        for (const ServerListing *from : std::as_const(reachable))
        {
            for (const ServerListing *to : std::as_const(reachable))
            {
                if (from == to)
                    continue;
                Lag lag{from->server, to->server, 0, QDateTime()};
                for (const QString &name : snapshot.missing.value(to->server))
                {
                    const auto found = from->versions.constFind(name);
                    if (found == from->versions.cend())
                        continue;
                    ++lag.versions;
                    const QDateTime &seen = found->firstSeen;
                    if (seen.isValid() && (!lag.oldestFirstSeen.isValid() || seen < lag.oldestFirstSeen))
                        lag.oldestFirstSeen = seen;
                }
                snapshot.lag.append(lag);
            }
        }

        // The same set of (name, id) on every server is what "in sync" means.
        const QSet<QByteArray> distinctDigests(snapshot.digests.cbegin(), snapshot.digests.cend());
        snapshot.inSync = snapshot.unreachable.isEmpty() && snapshot.notChecked.isEmpty() && snapshot.missing.isEmpty() && snapshot.conflicts.isEmpty()
            && snapshot.regressions.isEmpty() && snapshot.unknown.isEmpty() && snapshot.damaged.isEmpty() && distinctDigests.size() == 1;
    }
}
