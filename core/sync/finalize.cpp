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
                Lag lag{from->server, to->server, 0, QDateTime(), false, QStringList()};
                for (const QString &name : snapshot.missing.value(to->server))
                {
                    const auto found = from->versions.constFind(name);
                    if (found == from->versions.cend())
                        continue;
                    ++lag.versions;
                    lag.names.append(name);
                    // A version TwinTrunk first listed today may have been on `from` for a week.
                    const bool listingDate = found->modified.isValid() && (!found->firstSeen.isValid() || found->modified < found->firstSeen);
                    const QDateTime &since = listingDate ? found->modified : found->firstSeen;
                    if (since.isValid() && (!lag.oldestSince.isValid() || since < lag.oldestSince))
                    {
                        lag.oldestSince = since;
                        lag.sinceFromListing = listingDate;
                    }
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
