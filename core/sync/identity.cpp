#include "identity.h"

#include <QSet>

namespace TwinTrunk::Sync
{
    using namespace TwinTrunk::Repository;

    namespace
    {
        // What the state database remembers of a version read on a server; `size` and `modified`
        // are the listing's, so that a changed listing entry is read again.
        State::StoredIdentity storedIdentity(const VersionIdentity &identity, qint64 size, const QDateTime &modified)
        {
            return State::StoredIdentity{identity.id, size, modified, {}, identity.author, identity.authoredAt};
        }

        Task<void> probeOne(const EngineContext &context, QString server, QString project, QString name, ListedVersion &listed, QStringList &warnings)
        {
            std::unique_ptr<ResultReply<VersionIdentity>> reply = co_await whenFinished(context.repositories.value(server)->probe(project, name));
            warnings.append(reply->warnings());
            if (reply->failed())
            {
                warnings.append(reply->error().toString());
                co_return;
            }
            listed.id = reply->result().id;
            if (Result<void> recorded = context.state.recordIdentity(server, project, name, storedIdentity(reply->result(), listed.size, listed.modified));
                !recorded)
                warnings.append(recorded.error().toString());
        }

        struct DetailsRun
        {
            DetailsResult result;
            QSet<QString> silent; // servers that failed to answer: the rest of theirs is not tried
            int total = 0;
            int finished = 0;
            std::function<bool()> stopRequested;
            std::function<void(int, int)> progressed;

            void step()
            {
                ++finished;
                if (progressed)
                    progressed(finished, total);
            }
        };

        Task<void> readOne(const EngineContext &context, QString server, QString project, State::KnownVersion version, DetailsRun &run)
        {
            if (run.silent.contains(server) || (run.stopRequested && run.stopRequested()))
            {
                ++run.result.skipped;
                run.step();
                co_return;
            }
            std::unique_ptr<ResultReply<VersionIdentity>> reply = co_await whenFinished(context.repositories.value(server)->probe(project, version.name));
            run.result.warnings.append(reply->warnings());
            if (reply->failed())
            {
                ++run.result.failed;
                run.result.warnings.append(reply->error().toString());
                const Error::Kind kind = reply->error().kind;
                if (kind != Error::Kind::Invalid && kind != Error::Kind::NotFound && kind != Error::Kind::TooLarge)
                    run.silent.insert(server);
                run.step();
                co_return;
            }
            ++run.result.read;
            if (Result<void> recorded =
                    context.state.recordIdentity(server, project, version.name, storedIdentity(reply->result(), version.size, version.modified));
                !recorded)
                run.result.warnings.append(recorded.error().toString());
            run.step();
        }
    }

    Task<void> identify(const EngineContext &context, QString project, QHash<QString, ServerListing> &listings, QStringList &warnings)
    {
        // Identities matter where a name is on more than one server: that is where a conflict can
        // hide. Each is read once and remembered for as long as the listing's size and date hold.
        QHash<QString, int> holders;
        for (const ServerListing &listing : std::as_const(listings))
        {
            for (auto it = listing.versions.cbegin(); it != listing.versions.cend(); ++it)
                ++holders[it.key()];
        }
        std::vector<std::function<Task<void>()>> tasks;
        for (ServerListing &listing : listings)
        {
            if (!listing.reachable)
                continue;
            for (auto it = listing.versions.begin(); it != listing.versions.end(); ++it)
            {
                if (!it->id.isEmpty() || holders.value(it.key()) < 2)
                    continue; // remembered (and its size and date still hold), or on one server only
                ListedVersion &listed = it.value();
                tasks.push_back([&context, server = listing.server, project, name = it.key(), &listed, &warnings] {
                    return probeOne(context, server, project, name, listed, warnings);
                });
            }
        }
        co_await runBounded(std::move(tasks), context.options.checks);
    }

    Result<ProjectDetails> projectDetails(const Workspace &workspace, const State::StateDatabase &state, const QString &project)
    {
        ProjectDetails details{project, {}};
        for (const ServerConfig &server : workspace.servers())
        {
            Result<QList<State::KnownVersion>> known = state.knownVersions(server.name, project, State::StateDatabase::Authors::Read);
            if (!known)
                return known.error();
            QHash<QString, VersionDetail> &versions = details.servers[server.name];
            versions.reserve(known->size());
            for (const State::KnownVersion &version : known.value())
            {
                if (version.present)
                    versions.insert(version.name, VersionDetail{version.uuid, version.author, version.authoredAt, version.modified});
            }
        }
        return details;
    }

    Task<DetailsResult> readDetails(const EngineContext &context, QString project, std::function<bool()> stopRequested,
        std::function<void(int done, int total)> progressed)
    {
        DetailsRun run;
        run.stopRequested = std::move(stopRequested);
        run.progressed = std::move(progressed);
        std::vector<std::function<Task<void>()>> tasks;
        for (const ServerConfig &server : context.workspace.servers())
        {
            Result<QList<State::KnownVersion>> known = context.state.knownVersions(server.name, project, State::StateDatabase::Authors::Read);
            if (!known)
            {
                run.result.warnings.append(known.error().toString());
                continue;
            }
            for (const State::KnownVersion &version : known.value())
            {
                // Update maps have no author; a remembered identity whose listing entry changed is stale.
                if (!version.present || !version.name.endsWith(QStringLiteral(".mcz")) || (!version.author.isEmpty() && version.identityHolds()))
                    continue;
                tasks.push_back([&context, server = server.name, project, version, &run] { return readOne(context, server, project, version, run); });
            }
        }
        run.total = int(tasks.size());
        co_await runBounded(std::move(tasks), context.options.checks);
        if (run.total > 0)
        {
            // One entry per run in the activity log, with what went wrong.
            const DetailsResult &result = run.result;
            const QString detail = QStringLiteral("%1 read, %2 failed, %3 not tried").arg(result.read).arg(result.failed).arg(result.skipped)
                + (result.warnings.isEmpty() ? QString() : QStringLiteral(": ") + result.warnings.mid(0, 5).join(QStringLiteral("; ")));
            if (const Result<qint64> journaled = context.state.appendJournal(State::JournalEntry{.at = QDateTime::currentDateTimeUtc(),
                    .operation = QStringLiteral("read-details"),
                    .project = project,
                    .result = result.failed + result.skipped > 0 ? QStringLiteral("partial") : QStringLiteral("ok"),
                    .detail = detail});
                !journaled)
                run.result.warnings.append(journaled.error().toString());
        }
        co_return run.result;
    }
}
