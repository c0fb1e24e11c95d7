#include "reconcile.h"

#include <algorithm>
#include <memory>
#include <vector>

#include <QCryptographicHash>

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

    namespace
    {
        // One name across the reachable servers: where it is, with which id, what is missing or
        // damaged, and its state. Feeds each server's digest of (name, id) pairs on the way.
        NameRow classify(const QString &name, const QList<const ServerListing *> &reachable, const ReconcileInput &input,
            std::vector<std::unique_ptr<QCryptographicHash>> &digests)
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

            // Precedence: what needs a person first, then what is not known yet (a copy under way,
            // an id not read: a damaged copy's row must not plan copies from a source whose id is
            // unknown), then what a copy would settle. A damaged copy is counted whatever the state.
            if (!row.vanishedFrom.isEmpty())
                row.state = VersionState::Regression;
            else if (idsDiffer)
                row.state = row.canonicalId.isEmpty() ? VersionState::Conflict : VersionState::Decided;
            else if (input.inFlight.contains(name))
                row.state = VersionState::InFlight;
            else if (identityUnknown && row.uuids.size() > 1)
                row.state = VersionState::Unknown;
            else if (!row.damagedOn.isEmpty())
                row.state = VersionState::Damaged;
            else if (!row.missingOn.isEmpty())
                row.state = VersionState::Missing;
            else
                row.state = identityUnknown ? VersionState::Unknown : VersionState::Same;
            return row;
        }
    }

    ProjectSnapshot reconcile(const ReconcileInput &input)
    {
        ProjectSnapshot snapshot;
        snapshot.project = input.project;
        snapshot.notChecked = input.notChecked;

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
            NameRow row = classify(name, reachable, input, digests);
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

        finalize(snapshot, reachable);
        return snapshot;
    }
}
