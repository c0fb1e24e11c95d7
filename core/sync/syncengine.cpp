#include "syncengine.h"

#include "discovery.h"
#include "reconcile.h"
#include "util/logging.h"

namespace TwinTrunk::Sync
{
    using namespace TwinTrunk::Repository;

    namespace
    {
        TwinTrunk::Repository::RepositoryOptions withScratch(TwinTrunk::Repository::RepositoryOptions options, const QString &scratch)
        {
            // Whole-file reads a repository makes on its own (an identity the start of a file did
            // not give) go to the scratch folder too, never to the system's temporary folder.
            options.scratchDirectory = scratch;
            return options;
        }
    }

    SyncEngine::SyncEngine(const Workspace &workspace, State::StateDatabase &state, const EngineOptions &options, QObject *parent)
            : QObject(parent), m_workspace(workspace), m_options(options),
              m_scratch(workspace.scratchPath()), m_context{m_workspace, state, m_options, {}, m_scratch.isValid() ? m_scratch.path() : QString()}
    {
        const TwinTrunk::Repository::RepositoryOptions repositoryOptions = withScratch(options.repository, m_context.scratchPath);
        for (const ServerConfig &server : m_workspace.servers())
        {
            std::shared_ptr<TwinTrunk::Repository::Repository> repository(
                TwinTrunk::Repository::Repository::create(server.name, server.url, m_workspace.credentialsFor(server), repositoryOptions));
            m_context.repositories.insert(server.name, repository.get());
            m_repositories.insert(server.name, std::move(repository));
        }
    }

    SyncEngine::~SyncEngine() = default;

    TwinTrunk::Repository::Repository *SyncEngine::repository(const QString &server) const
    {
        return m_context.repositories.value(server);
    }

    Task<Result<StatusReport>> SyncEngine::status(QStringList requested)
    {
        StatusReport report;
        const QStringList projects = requested.isEmpty() ? m_workspace.projects() : requested;
        for (const QString &project : projects)
        {
            if (Result<void> known = m_workspace.requireProject(project); !known)
                co_return known.error();
        }

        QHash<QString, ServerStatus> servers;
        for (const ServerConfig &config : m_workspace.servers())
            servers.insert(config.name, ServerStatus{config.name, config.url.toDisplayString(QUrl::RemoveUserInfo), config.primary, true, QString()});
        for (const QString &project : projects)
        {
            Result<ProjectSnapshot> snapshot = co_await projectStatus(project, servers, report.warnings);
            if (!snapshot)
                co_return snapshot.error();
            report.projects.append(std::move(snapshot).value());
        }
        for (const ServerConfig &config : m_workspace.servers())
            report.servers.append(servers.value(config.name));
        // When the status holds: after discovery, so no version was first seen after it (an age
        // measured from here is never negative).
        report.at = QDateTime::currentDateTimeUtc();
        // Each direction's backlog, for the history chart: only pairs both listed (lag has no others).
        QList<State::BacklogSample> backlog;
        for (const ProjectSnapshot &project : std::as_const(report.projects))
        {
            for (const Lag &lag : project.lag)
                backlog.append(State::BacklogSample{.at = report.at, .project = project.project, .from = lag.from, .to = lag.to, .versions = lag.versions});
        }
        if (Result<void> recorded = m_context.state.recordBacklog(backlog); !recorded)
            report.warnings.append(recorded.error().toString());
        if (Result<QList<State::LateCommitWatch>> watches = m_context.state.lateCommitWatches(report.at); watches)
            report.lateCommitWatches = watches.value();
        else
            report.warnings.append(watches.error().toString());
        co_return report;
    }

    Task<Result<ProjectSnapshot>> SyncEngine::projectStatus(QString project, QHash<QString, ServerStatus> &servers, QStringList &warnings)
    {
        State::StateDatabase &state = m_context.state;
        // Phases 1 and 2: discovery, identity.
        Result<QHash<QString, ServerListing>> discovered = co_await discover(m_context, project, warnings);
        if (!discovered)
            co_return discovered.error();
        QHash<QString, ServerListing> listings = std::move(discovered).value();
        co_await identify(m_context, project, listings, warnings);

        // Phase 3: reconcile (a pure function), with what the state database knows besides.
        ReconcileInput input;
        input.project = project;
        // Decided conflicts: a chosen variant, the others renamed; no longer an open conflict.
        if (Result<QList<State::ConflictDecision>> decisions = state.decisions(project); decisions)
        {
            for (const State::ConflictDecision &decision : decisions.value())
            {
                if (decision.decision == u"keep" && !decision.chosenId.isEmpty())
                    input.decided.insert(decision.name, decision.chosenId);
            }
        }
        else
        {
            warnings.append(decisions.error().toString());
            input.notChecked.append(tr("the conflict decisions: %1").arg(decisions.error().toString()));
        }
        // What is known of the copies' bytes: damaged ones, and the same version with other bytes.
        if (Result<QList<State::CopyRecord>> damaged = state.damagedCopies(project); damaged)
        {
            for (const State::CopyRecord &copy : damaged.value())
                input.damaged[copy.server].insert(copy.name);
        }
        else
        {
            warnings.append(damaged.error().toString());
            input.notChecked.append(tr("the damaged copies: %1").arg(damaged.error().toString()));
        }
        if (Result<QStringList> otherBytes = state.otherBytesNames(project); otherBytes)
            input.otherBytes = QSet<QString>(otherBytes->cbegin(), otherBytes->cend());
        else
            warnings.append(otherBytes.error().toString()); // a note at most: the verdict does not hang on it
        for (const ServerConfig &config : m_workspace.servers())
        {
            const ServerListing &listing = listings.value(config.name);
            if (listing.suspect)
            {
                // The server answered: it is reachable, this project on it is not checked.
                warnings.append(listing.error);
            }
            else if (!listing.reachable && servers[config.name].reachable)
            {
                servers[config.name].reachable = false;
                servers[config.name].error = listing.error;
                servers[config.name].errorKind = listing.errorKind;
            }
            if (config.primary)
                input.listings.prepend(listing);
            else
                input.listings.append(listing);
        }
        ProjectSnapshot snapshot = reconcile(input);
        if (Log::sync().isDebugEnabled())
        {
            QStringList lacking;
            for (auto it = snapshot.missing.cbegin(); it != snapshot.missing.cend(); ++it)
                lacking.append(QStringLiteral("%1 lacks %2").arg(it.key()).arg(it.value().size()));
            qCDebug(Log::sync).noquote() << project << (snapshot.inSync ? "in sync;" : "not in sync;") << lacking.join(QStringLiteral(", ")) << "; conflicts"
                                         << snapshot.conflicts.size() << "; unreachable" << snapshot.unreachable.keys().join(u',');
        }
        co_return snapshot;
    }

    QList<PlanItem> SyncEngine::plan(const StatusReport &report, const PlanFilter &filter) const
    {
        QList<PlanItem> items = Sync::plan(report.projects, filter);
        // An unreadable watch list costs only the order of the copies, never a copy.
        Result<QList<State::LateCommitWatch>> watches = m_context.state.lateCommitWatches(QDateTime::currentDateTimeUtc());
        if (!watches || watches->isEmpty())
            return items;
        return lateCommitsFirst(std::move(items), watches.value());
    }

    Task<SyncResult> SyncEngine::run(QList<PlanItem> items)
    {
        PropagationHooks hooks;
        hooks.copyStarted = [this](const PlanItem &item) { Q_EMIT copyStarted(item); };
        hooks.copyFinished = [this](const CopyOutcome &outcome) {
            qCInfo(Log::sync).noquote() << "copy" << outcome.project << outcome.name << outcome.source << "->" << outcome.target << journalResult(outcome)
                                        << outcome.error;
            Q_EMIT copyFinished(outcome);
        };
        hooks.progressed = [this](const SyncProgress &progress) { Q_EMIT progressed(progress); };
        hooks.stopRequested = [this] { return m_stopRequested; };
        co_return co_await propagate(m_context, std::move(items), std::move(hooks));
    }

    Task<DetailsResult> SyncEngine::readDetails(QString project)
    {
        const std::function<bool()> stopRequested = [this] { return m_stopRequested; };
        const std::function<void(int, int)> progressed = [this](int done, int total) { Q_EMIT detailsProgressed(done, total); };
        co_return co_await Sync::readDetails(m_context, project, stopRequested, progressed);
    }

    Task<ScrubResult> SyncEngine::verify(ScrubOptions options)
    {
        if (m_context.scratchPath.isEmpty())
        {
            ScrubResult result;
            result.warnings.append(QStringLiteral("%1: cannot create a scratch folder for downloads").arg(m_workspace.scratchPath()));
            co_return result;
        }
        Scrub scrub(m_context.repositories, m_context.state, m_context.scratchPath);
        connect(&scrub, &Scrub::progressed, this, &SyncEngine::verifyProgressed);
        options.stopRequested = [this, outer = options.stopRequested] { return m_stopRequested || (outer && outer()); };
        co_return co_await scrub.run(std::move(options));
    }
}
