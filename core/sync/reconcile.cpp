#include <QCryptographicHash>

#include "syncmodel.h"

namespace TwinTrunk::Sync
{
    QString stateName(VersionState state)
    {
        switch (state)
        {
        case VersionState::Same: return QStringLiteral("same");
        case VersionState::Missing: return QStringLiteral("missing");
        case VersionState::Conflict: return QStringLiteral("conflict");
        case VersionState::Regression: return QStringLiteral("regression");
        case VersionState::InFlight: return QStringLiteral("in-flight");
        case VersionState::Unknown: return QStringLiteral("unknown");
        }
        return QString();
    }

    ProjectSnapshot reconcile(const ReconcileInput &input)
    {
        ProjectSnapshot snapshot;
        snapshot.project = input.project;

        QSet<QString> names;
        for (const ServerListing &listing : input.listings)
        {
            snapshot.servers.append(listing.server);
            if (!listing.reachable)
            {
                snapshot.unreachable.insert(listing.server, listing.error);
                continue;
            }
            snapshot.counts.insert(listing.server, int(listing.present.size()));
            for (auto it = listing.present.cbegin(); it != listing.present.cend(); ++it)
                names.insert(it.key());
            for (const QString &name : listing.vanished)
                names.insert(name);
        }
        QStringList sorted(names.cbegin(), names.cend());
        sorted.sort();

        for (const QString &name : sorted)
        {
            NameRow row;
            row.name = name;
            QSet<QString> ids;
            bool identityUnknown = false;
            for (const ServerListing &listing : input.listings)
            {
                if (!listing.reachable)
                    continue;
                if (listing.present.contains(name))
                {
                    const QString id = listing.identities.value(name);
                    row.uuids.insert(listing.server, id);
                    if (id.isEmpty())
                        identityUnknown = true;
                    else
                        ids.insert(id);
                    if (row.size < 0)
                        row.size = listing.present.value(name);
                }
                else if (listing.vanished.contains(name))
                {
                    row.vanishedFrom.append(listing.server);
                }
                else
                {
                    row.missingOn.append(listing.server);
                }
            }

            // Precedence: what needs a person first, then what a copy would settle.
            if (!row.vanishedFrom.isEmpty())
                row.state = VersionState::Regression;
            else if (ids.size() > 1)
                row.state = VersionState::Conflict;
            else if (input.inFlight.contains(name))
                row.state = VersionState::InFlight;
            else if (identityUnknown && row.uuids.size() > 1)
                row.state = VersionState::Unknown;
            else if (!row.missingOn.isEmpty())
                row.state = VersionState::Missing;
            else
                row.state = identityUnknown ? VersionState::Unknown : VersionState::Same;

            switch (row.state)
            {
            case VersionState::Regression: snapshot.regressions.append(name); break;
            case VersionState::Conflict: snapshot.conflicts.append(name); break;
            case VersionState::Unknown: snapshot.unknown.append(name); break;
            default: break;
            }
            if (row.state == VersionState::Missing || row.state == VersionState::InFlight)
            {
                for (const QString &server : row.missingOn)
                    snapshot.missing[server].append(name);
            }
            snapshot.rows.append(row);
        }

        // Lag per direction: what `from` has that `to` still lacks, and since when.
        for (const ServerListing &from : input.listings)
        {
            for (const ServerListing &to : input.listings)
            {
                if (from.server == to.server || !from.reachable || !to.reachable)
                    continue;
                Lag lag{from.server, to.server, 0, QDateTime()};
                for (const QString &name : snapshot.missing.value(to.server))
                {
                    if (!from.present.contains(name))
                        continue;
                    ++lag.versions;
                    const QDateTime seen = from.firstSeen.value(name);
                    if (seen.isValid() && (!lag.oldestFirstSeen.isValid() || seen < lag.oldestFirstSeen))
                        lag.oldestFirstSeen = seen;
                }
                snapshot.lag.append(lag);
            }
        }

        // Digests: the same set of (name, id) on every server is what "in sync" means.
        for (const ServerListing &listing : input.listings)
        {
            if (!listing.reachable)
                continue;
            QStringList pairs;
            for (auto it = listing.present.cbegin(); it != listing.present.cend(); ++it)
                pairs.append(it.key() + u'\t' + listing.identities.value(it.key(), QStringLiteral("?")));
            pairs.sort();
            snapshot.digests.insert(listing.server, QCryptographicHash::hash(pairs.join(u'\n').toUtf8(), QCryptographicHash::Sha256).toHex());
        }
        const QSet<QByteArray> distinctDigests(snapshot.digests.cbegin(), snapshot.digests.cend());
        snapshot.inSync = snapshot.unreachable.isEmpty() && snapshot.missing.isEmpty() && snapshot.conflicts.isEmpty()
            && snapshot.regressions.isEmpty() && snapshot.unknown.isEmpty() && distinctDigests.size() == 1;
        return snapshot;
    }

    QList<PlanItem> plan(const QList<ProjectSnapshot> &snapshots, const PlanFilter &filter)
    {
        QList<PlanItem> items;
        for (const ProjectSnapshot &snapshot : snapshots)
        {
            if (!filter.project.isEmpty() && snapshot.project != filter.project)
                continue;
            for (const NameRow &row : snapshot.rows)
            {
                if (row.state != VersionState::Missing)
                    continue;
                PlanItem item{snapshot.project, row.name, QString(), {}, row.size, QString()};
                for (const QString &server : snapshot.servers)
                {
                    if (row.uuids.contains(server) && (filter.from.isEmpty() || filter.from == server))
                    {
                        item.source = server;
                        item.id = row.uuids.value(server);
                        break;
                    }
                }
                if (item.source.isEmpty())
                    continue;
                for (const QString &target : row.missingOn)
                {
                    if (filter.to.isEmpty() || filter.to == target)
                        item.targets.append(target);
                }
                if (!item.targets.isEmpty())
                    items.append(item);
            }
        }
        return items;
    }
}
