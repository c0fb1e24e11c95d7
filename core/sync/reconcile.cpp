#include <QCryptographicHash>

#include <algorithm>
#include <memory>
#include <vector>

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
        case VersionState::Decided: return QStringLiteral("decided");
        case VersionState::Damaged: return QStringLiteral("damaged");
        case VersionState::InFlight: return QStringLiteral("in-flight");
        case VersionState::Unknown: return QStringLiteral("unknown");
        }
        return QString();
    }

    ProjectSnapshot reconcile(const ReconcileInput &input)
    {
        ProjectSnapshot snapshot;
        snapshot.project = input.project;

        // Every name any reachable server lists or listed, sorted once: tens of thousands per project.
        QList<const ServerListing *> reachable;
        QStringList sorted;
        for (const ServerListing &listing : input.listings)
        {
            snapshot.servers.append(listing.server);
            if (!listing.reachable)
            {
                snapshot.unreachable.insert(listing.server, listing.error);
                continue;
            }
            reachable.append(&listing);
            snapshot.counts.insert(listing.server, int(listing.versions.size()));
            for (auto it = listing.versions.keyBegin(); it != listing.versions.keyEnd(); ++it)
                sorted.append(*it);
            for (const QString &name : listing.vanished)
                sorted.append(name);
        }
        std::sort(sorted.begin(), sorted.end());
        sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
        snapshot.rows.reserve(sorted.size());

        // The digest of each server's (name, id) pairs, fed in name order as the rows are made.
        std::vector<std::unique_ptr<QCryptographicHash>> digests;
        for (qsizetype i = 0; i < reachable.size(); ++i)
            digests.push_back(std::make_unique<QCryptographicHash>(QCryptographicHash::Sha256));

        for (const QString &name : std::as_const(sorted))
        {
            NameRow row;
            row.name = name;
            row.canonicalId = input.decided.value(name);
            QString firstId;
            bool idsDiffer = false;
            bool identityUnknown = false;
            for (qsizetype i = 0; i < reachable.size(); ++i)
            {
                const ServerListing &listing = *reachable.at(i);
                const auto found = listing.versions.constFind(name);
                if (found != listing.versions.cend())
                {
                    const QString &id = found->id;
                    row.uuids.insert(listing.server, id);
                    if (id.isEmpty())
                        identityUnknown = true;
                    else if (firstId.isEmpty())
                        firstId = id;
                    else if (id != firstId)
                        idsDiffer = true;
                    if (row.size < 0)
                        row.size = found->size;
                    if (const auto damaged = input.damaged.constFind(listing.server); damaged != input.damaged.cend() && damaged->contains(name))
                        row.damagedOn.append(listing.server);
                    // A decided conflict counts as its chosen variant everywhere: servers that keep a losing
                    // copy under the name (a server that never reuses names) are in sync all the same.
                    const QString &digestId = row.canonicalId.isEmpty() ? id : row.canonicalId;
                    const QByteArray pair = (name + u'\t' + (digestId.isEmpty() ? QStringLiteral("?") : digestId) + u'\n').toUtf8();
                    digests[i]->addData(pair);
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
            else if (idsDiffer)
                row.state = row.canonicalId.isEmpty() ? VersionState::Conflict : VersionState::Decided;
            else if (!row.damagedOn.isEmpty())
                row.state = VersionState::Damaged;
            else if (input.inFlight.contains(name))
                row.state = VersionState::InFlight;
            else if (identityUnknown && row.uuids.size() > 1)
                row.state = VersionState::Unknown;
            else if (!row.missingOn.isEmpty())
                row.state = VersionState::Missing;
            else
                row.state = identityUnknown ? VersionState::Unknown : VersionState::Same;

            row.otherBytes = input.otherBytes.contains(name);
            if (row.otherBytes)
                snapshot.otherBytes.append(name);
            for (const QString &server : std::as_const(row.damagedOn))
                snapshot.damaged[server].append(name);
            switch (row.state)
            {
            case VersionState::Regression: snapshot.regressions.append(name); break;
            case VersionState::Conflict: snapshot.conflicts.append(name); break;
            case VersionState::Decided: snapshot.decided.append(name); break;
            case VersionState::Unknown: snapshot.unknown.append(name); break;
            default: break;
            }
            if (row.state == VersionState::Missing || row.state == VersionState::InFlight || row.state == VersionState::Decided
                || row.state == VersionState::Damaged)
            {
                for (const QString &server : std::as_const(row.missingOn))
                    snapshot.missing[server].append(name);
            }
            snapshot.rows.append(std::move(row));
        }
        for (qsizetype i = 0; i < reachable.size(); ++i)
            snapshot.digests.insert(reachable.at(i)->server, digests[i]->result().toHex());

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
        snapshot.inSync = snapshot.unreachable.isEmpty() && snapshot.missing.isEmpty() && snapshot.conflicts.isEmpty()
            && snapshot.regressions.isEmpty() && snapshot.unknown.isEmpty() && snapshot.damaged.isEmpty() && distinctDigests.size() == 1;
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
                const bool copyable = row.state == VersionState::Missing
                    || ((row.state == VersionState::Decided || row.state == VersionState::Damaged) && !row.missingOn.isEmpty());
                if (!copyable)
                    continue;
                PlanItem item{snapshot.project, row.name, QString(), {}, row.size, QString()};
                for (const QString &server : snapshot.servers)
                {
                    const bool holds = row.uuids.contains(server) && (row.canonicalId.isEmpty() || row.uuids.value(server) == row.canonicalId)
                        && !row.damagedOn.contains(server);
                    if (holds && (filter.from.isEmpty() || filter.from == server))
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

    PlanSummary summarize(const QList<PlanItem> &items, int jobs)
    {
        PlanSummary summary;
        for (const PlanItem &item : items)
        {
            summary.copies += int(item.targets.size());
            summary.bytes += std::max<qint64>(item.size, 0) * item.targets.size();
        }
        const qint64 perSecond = qint64(2 * 1024 * 1024) * std::max(1, jobs);
        summary.estimatedSeconds = summary.copies == 0 ? 0 : summary.bytes / perSecond + 1;
        return summary;
    }
}
