#include "discovery.h"

namespace TwinTrunk::Sync
{
    using namespace TwinTrunk::Repository;

    namespace
    {
        // How many versions the server listed for the project last time; -1 when unknown (the
        // caller must not trust an empty listing either).
        qsizetype presentCount(const EngineContext &context, const QString &server, const QString &project)
        {
            Result<QList<State::StoredEntry>> stored = context.state.entries(server, project);
            if (!stored)
                return -1;
            return std::count_if(stored->cbegin(), stored->cend(), [](const State::StoredEntry &entry) { return entry.present; });
        }

        // Why a listing cannot be trusted, or an empty string: a listing that suddenly lost most of
        // what it had, or lists nothing where it listed versions, is more likely a broken server (a
        // half-mounted disk, an old backup, a wrong mount) than that many regressions.
        QString suspicion(const EngineContext &context, const QString &server, const QString &project, const Listing &listing, bool gone)
        {
            if (listing.notModified)
                return QString();
            const qsizetype before = presentCount(context, server, project);
            const qsizetype now = listing.entries.size();
            if (now > 0 && before - now >= SuspectShrinkMinimum && now * 2 < before)
                return QStringLiteral("%1 %2: suspect listing: %3 versions, where %4 were listed before").arg(server, project).arg(now).arg(before);
            if (now == 0 && before != 0)
            {
                return QStringLiteral("%1 %2: suspect listing: %3, where %4 versions were listed before")
                    .arg(server, project, gone ? QStringLiteral("the project is gone (404)") : QStringLiteral("empty"),
                        before > 0 ? QString::number(before) : QStringLiteral("(unknown: the state database could not be read)"));
            }
            return QString();
        }

        // One server's listing, recorded in the state database.
        Task<void> listServer(const EngineContext &context, QString server, QString project, QDateTime now, ServerListing &listing, QStringList &warnings,
            std::optional<Error> &stateError)
        {
            // Previous validators, so that an unchanged listing costs a 304.
            Listing previous;
            if (Result<State::ListingRecord> record = context.state.listingRecord(server, project); record)
            {
                previous.etag = record->etag;
                previous.lastModified = record->lastModified;
            }
            std::unique_ptr<ResultReply<Listing>> reply = co_await whenFinished(context.repositories.value(server)->list(project, &previous));
            warnings.append(reply->warnings());
            const bool gone = reply->failed() && reply->error().kind == Error::Kind::NotFound;
            if (reply->failed() && !gone)
            {
                listing.error = reply->error().toString();
                listing.errorKind = reply->error().kind;
                co_return;
            }
            Listing result = gone ? Listing{} : reply->result();
            if (const QString suspect = suspicion(context, server, project, result, gone); !suspect.isEmpty())
            {
                listing.error = suspect;
                listing.suspect = true;
                co_return;
            }
            if (gone) // a project the server does not have yet: sync can fill it
                warnings.append(QStringLiteral("%1 has no project '%2' yet").arg(server, project));
            if (result.notModified)
            {
                // Unchanged since the last listing: what the state database holds still stands.
                Result<QList<State::StoredEntry>> stored = context.state.entries(server, project);
                if (!stored)
                {
                    stateError = stored.error(); // never an empty listing in its place
                    co_return;
                }
                for (const State::StoredEntry &entry : stored.value())
                {
                    if (entry.present)
                        result.entries.append(ListingEntry{entry.name, entry.size, entry.modified});
                }
            }
            if (Result<void> recorded = context.state.recordListing(server, project, result, now); !recorded)
                stateError = recorded.error();
            listing.reachable = true;
        }
    }

    Task<Result<QHash<QString, ServerListing>>> discover(const EngineContext &context, QString project, QStringList &warnings)
    {
        QHash<QString, ServerListing> listings;
        const QDateTime now = QDateTime::currentDateTimeUtc();
        std::optional<Error> stateError;
        for (const ServerConfig &config : context.workspace.servers())
            listings.insert(config.name, ServerListing{config.name, false, QString(), {}, {}, false});
        // Every entry exists before any task runs: the references the tasks hold stay valid.
        std::vector<std::function<Task<void>()>> tasks;
        for (const ServerConfig &config : context.workspace.servers())
        {
            ServerListing &listing = listings[config.name];
            tasks.push_back([&context, server = config.name, project, now, &listing, &warnings, &stateError] {
                return listServer(context, server, project, now, listing, warnings, stateError);
            });
        }
        co_await runBounded(std::move(tasks), context.options.checks);
        if (stateError)
            co_return *stateError;

        // The listing as the state database now knows it: present entries, first-seen times, what
        // this server listed before but no longer does, and the identities remembered for names
        // whose size and date still hold (versions are immutable: a changed one is read again).
        for (ServerListing &listing : listings)
        {
            if (!listing.reachable)
                continue;
            Result<QList<State::KnownVersion>> known = context.state.knownVersions(listing.server, project);
            if (!known)
                co_return known.error();
            for (const State::KnownVersion &version : known.value())
            {
                if (!isVersionFileName(version.name))
                    continue;
                if (!version.present)
                {
                    listing.vanished.insert(version.name);
                    continue;
                }
                listing.versions.insert(version.name,
                    ListedVersion{version.size, version.modified, version.firstSeen, version.identityHolds() ? version.uuid : QString()});
            }
        }
        co_return listings;
    }
}
