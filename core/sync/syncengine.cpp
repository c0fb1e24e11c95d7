#include "syncengine.h"

#include <QDateTime>
#include <QElapsedTimer>

#include "taskrunner.h"

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
    }

    SyncEngine::SyncEngine(const Workspace &workspace, State::StateDatabase &state, const EngineOptions &options, QObject *parent)
        : QObject(parent), m_workspace(workspace), m_state(state), m_options(options), m_scratch(workspace.scratchPath())
    {
        // Whole-file reads a repository makes on its own (an identity the start of a file did not
        // give) go to the scratch folder too, never to the system's temporary folder.
        Repository::RepositoryOptions repositoryOptions = options.repository;
        repositoryOptions.scratchDirectory = m_scratch.path();
        for (const ServerConfig &server : workspace.servers())
        {
            m_repositories.insert(server.name,
                std::shared_ptr<Repository::Repository>(Repository::Repository::create(server.name, server.url,
                    workspace.credentialsFor(server), repositoryOptions)));
        }
    }

    SyncEngine::~SyncEngine() = default;

    Repository::Repository *SyncEngine::repository(const QString &server) const
    {
        return m_repositories.value(server).get();
    }

    Result<StatusReport> SyncEngine::status(const QStringList &requested)
    {
        StatusReport report;
        report.at = QDateTime::currentDateTimeUtc();
        const QStringList projects = requested.isEmpty() ? m_workspace.projects() : requested;
        for (const QString &project : projects)
        {
            if (Result<void> known = m_workspace.requireProject(project); !known)
                return known.error();
        }

        QHash<QString, ServerStatus> servers;
        for (const ServerConfig &config : m_workspace.servers())
            servers.insert(config.name, ServerStatus{config.name, config.url.toDisplayString(QUrl::RemoveUserInfo), config.primary, true, QString()});

        for (const QString &project : projects)
        {
            // Phase 1 and 2: discovery, identity.
            Result<QHash<QString, ServerListing>> discovered = discover(project, report.warnings);
            if (!discovered)
                return discovered.error();
            QHash<QString, ServerListing> listings = discovered.value();
            identify(project, listings, report.warnings);

            // Phase 3: reconcile (a pure function) and finalize (lag, digests: in the snapshot).
            ReconcileInput input;
            input.project = project;
            // Decided conflicts: a chosen variant, the others renamed; no longer an open conflict.
            if (Result<QList<State::ConflictDecision>> decisions = m_state.decisions(project); decisions)
            {
                for (const State::ConflictDecision &decision : decisions.value())
                {
                    if (decision.decision == u"keep" && !decision.chosenId.isEmpty())
                        input.decided.insert(decision.name, decision.chosenId);
                }
            }
            else
            {
                report.warnings.append(decisions.error().toString());
            }
            // What is known of the copies' bytes: damaged ones, and the same version with other bytes.
            if (Result<QList<State::CopyRecord>> damaged = m_state.damagedCopies(project); damaged)
            {
                for (const State::CopyRecord &copy : damaged.value())
                    input.damaged[copy.server].insert(copy.name);
            }
            else
            {
                report.warnings.append(damaged.error().toString());
            }
            if (Result<QStringList> otherBytes = m_state.otherBytesNames(project); otherBytes)
                input.otherBytes = QSet<QString>(otherBytes->cbegin(), otherBytes->cend());
            else
                report.warnings.append(otherBytes.error().toString());
            for (const ServerConfig &config : m_workspace.servers())
            {
                const ServerListing &listing = listings.value(config.name);
                if (listing.suspect)
                {
                    // The server answered: it is reachable, this project on it is not checked.
                    report.warnings.append(listing.error);
                }
                else if (!listing.reachable && servers[config.name].reachable)
                {
                    servers[config.name].reachable = false;
                    servers[config.name].error = listing.error;
                }
                if (config.primary)
                    input.listings.prepend(listing);
                else
                    input.listings.append(listing);
            }
            report.projects.append(reconcile(input));
        }
        for (const ServerConfig &config : m_workspace.servers())
            report.servers.append(servers.value(config.name));
        if (Result<QList<State::LateCommitWatch>> watches = m_state.lateCommitWatches(report.at); watches)
            report.lateCommitWatches = watches.value();
        else
            report.warnings.append(watches.error().toString());
        return report;
    }

    QList<PlanItem> SyncEngine::plan(const StatusReport &report, const PlanFilter &filter) const
    {
        QList<PlanItem> items = Sync::plan(report.projects, filter);
        // An unreadable watch list costs only the order of the copies, never a copy.
        Result<QList<State::LateCommitWatch>> watches = m_state.lateCommitWatches(QDateTime::currentDateTimeUtc());
        if (!watches || watches->isEmpty())
            return items;
        auto isLateCommit = [&watches](const PlanItem &item) {
            return std::any_of(watches->cbegin(), watches->cend(), [&item](const State::LateCommitWatch &watch) {
                return item.source == watch.oldPrimary && item.targets.contains(watch.newPrimary);
            });
        };
        std::stable_partition(items.begin(), items.end(), isLateCommit);
        return items;
    }

    qsizetype SyncEngine::presentCount(const QString &server, const QString &project) const
    {
        Result<QList<State::StoredEntry>> stored = m_state.entries(server, project);
        if (!stored)
            return -1; // unknown: the caller must not trust an empty listing either
        return std::count_if(stored->cbegin(), stored->cend(), [](const State::StoredEntry &entry) { return entry.present; });
    }

    Result<QHash<QString, ServerListing>> SyncEngine::discover(const QString &project, QStringList &warnings)
    {
        QHash<QString, ServerListing> listings;
        QList<Task> tasks;
        const QDateTime now = QDateTime::currentDateTimeUtc();
        std::optional<Error> stateError;
        for (const ServerConfig &config : m_workspace.servers())
        {
            const QString server = config.name;
            listings.insert(server, ServerListing{server, false, QString(), {}, {}, false});
            tasks.append([this, server, project, now, &listings, &warnings, &stateError](std::function<void()> done) {
                // Previous validators, so that an unchanged listing costs a 304.
                Listing previous;
                if (Result<State::ListingRecord> record = m_state.listingRecord(server, project); record)
                {
                    previous.etag = record->etag;
                    previous.lastModified = record->lastModified;
                }
                ResultReply<Listing> *reply = m_repositories.value(server)->list(project, &previous);
                connect(reply, &Reply::finished, this, [=, this, &listings, &warnings, &stateError] {
                    reply->deleteLater();
                    warnings.append(reply->warnings());
                    ServerListing &listing = listings[server];
                    Listing result;
                    if (reply->failed() && reply->error().kind != Error::Kind::NotFound)
                    {
                        listing.error = reply->error().toString();
                        return done();
                    }
                    if (!reply->failed())
                        result = reply->result();
                    if (!result.notModified && !result.entries.isEmpty())
                    {
                        // Listing sanity: a listing that suddenly lost most of what it had is more likely a
                        // broken server (a half-mounted disk, an old backup) than that many regressions.
                        const qsizetype before = presentCount(server, project);
                        const qsizetype now = result.entries.size();
                        if (before - now >= SuspectShrinkMinimum && now * 2 < before)
                        {
                            listing.error = QStringLiteral("%1 %2: suspect listing: %3 versions, where %4 were listed before")
                                .arg(server, project).arg(now).arg(before);
                            listing.suspect = true;
                            return done();
                        }
                    }
                    if (!result.notModified && result.entries.isEmpty())
                    {
                        // Listing sanity: a project that lists nothing now but listed versions before is
                        // suspect (a broken listing, a wrong mount), never the news that all were deleted.
                        const qsizetype before = presentCount(server, project);
                        if (before != 0)
                        {
                            listing.error = QStringLiteral("%1 %2: suspect listing: %3, where %4 versions were listed before")
                                .arg(server, project, reply->failed() ? QStringLiteral("the project is gone (404)") : QStringLiteral("empty"),
                                    before > 0 ? QString::number(before) : QStringLiteral("(unknown: the state database could not be read)"));
                            listing.suspect = true;
                            return done();
                        }
                        if (reply->failed()) // a project the server does not have yet: sync can fill it
                            warnings.append(QStringLiteral("%1 has no project '%2' yet").arg(server, project));
                    }
                    if (result.notModified)
                    {
                        // Unchanged since the last listing: what the state database holds still stands.
                        Result<QList<State::StoredEntry>> stored = m_state.entries(server, project);
                        if (!stored)
                        {
                            stateError = stored.error(); // never an empty listing in its place
                            return done();
                        }
                        for (const State::StoredEntry &entry : stored.value())
                        {
                            if (entry.present)
                                result.entries.append(ListingEntry{entry.name, entry.size, entry.modified});
                        }
                    }
                    if (Result<void> recorded = m_state.recordListing(server, project, result, now); !recorded)
                        stateError = recorded.error();
                    listing.reachable = true;
                    done();
                });
            });
        }
        runBounded(tasks, m_options.checks);
        if (stateError)
            return *stateError;

        // The listing as the state database now knows it: present entries, first-seen times, what
        // this server listed before but no longer does, and the identities remembered for names
        // whose size and date still hold (versions are immutable: a changed one is read again).
        for (ServerListing &listing : listings)
        {
            if (!listing.reachable)
                continue;
            Result<QList<State::KnownVersion>> known = m_state.knownVersions(listing.server, project);
            if (!known)
                return known.error();
            for (const State::KnownVersion &version : known.value())
            {
                if (!isVersionFileName(version.name))
                    continue;
                if (!version.present)
                {
                    listing.vanished.insert(version.name);
                    continue;
                }
                listing.versions.insert(version.name, ListedVersion{version.size, version.modified, version.firstSeen,
                    version.identityHolds() ? version.uuid : QString()});
            }
        }
        return listings;
    }

    void SyncEngine::identify(const QString &project, QHash<QString, ServerListing> &listings, QStringList &warnings)
    {
        // Identities matter where a name is on more than one server: that is where a conflict can
        // hide. Each is read once and remembered for as long as the listing's size and date hold.
        QHash<QString, int> holders;
        for (const ServerListing &listing : listings)
        {
            for (auto it = listing.versions.cbegin(); it != listing.versions.cend(); ++it)
                ++holders[it.key()];
        }

        QList<Task> tasks;
        for (ServerListing &listing : listings)
        {
            if (!listing.reachable)
                continue;
            for (auto it = listing.versions.cbegin(); it != listing.versions.cend(); ++it)
            {
                const QString name = it.key();
                if (!it->id.isEmpty())
                    continue; // remembered, and its size and date still hold (see discover)
                if (holders.value(name) < 2)
                    continue;
                const State::StoredEntry entry{name, it->size, it->modified, {}, {}, true};
                const QString server = listing.server;
                tasks.append([this, server, project, name, entry, &listings, &warnings](std::function<void()> done) {
                    ResultReply<VersionIdentity> *reply = m_repositories.value(server)->probe(project, name);
                    connect(reply, &Reply::finished, this, [=, this, &listings, &warnings] {
                        reply->deleteLater();
                        warnings.append(reply->warnings());
                        if (reply->failed())
                        {
                            warnings.append(reply->error().toString());
                            return done();
                        }
                        listings[server].versions[name].id = reply->result().id;
                        if (Result<void> recorded = m_state.recordIdentity(server, project, name,
                                storedIdentity(reply->result(), entry.size, entry.modified)); !recorded)
                            warnings.append(recorded.error().toString());
                        done();
                    });
                });
            }
        }
        runBounded(tasks, m_options.checks);
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

    DetailsResult SyncEngine::readDetails(const QString &project)
    {
        DetailsResult result;
        QSet<QString> silent; // servers that failed to answer: the rest of theirs is not tried
        int total = 0;
        int finished = 0;
        auto step = [this, &total, &finished](const std::function<void()> &done) {
            Q_EMIT detailsProgressed(++finished, total);
            done();
        };
        QList<Task> tasks;
        for (const ServerConfig &server : m_workspace.servers())
        {
            Result<QList<State::KnownVersion>> known = m_state.knownVersions(server.name, project, State::StateDatabase::Authors::Read);
            if (!known)
            {
                result.warnings.append(known.error().toString());
                continue;
            }
            for (const State::KnownVersion &version : known.value())
            {
                // Update maps have no author; a remembered identity whose listing entry changed is stale.
                if (!version.present || !version.name.endsWith(QStringLiteral(".mcz")) || (!version.author.isEmpty() && version.identityHolds()))
                    continue;
                tasks.append([this, server = server.name, project, version, &result, &silent, &step](std::function<void()> done) {
                    if (silent.contains(server) || m_stopRequested)
                    {
                        ++result.skipped;
                        return step(done);
                    }
                    ResultReply<VersionIdentity> *reply = m_repositories.value(server)->probe(project, version.name);
                    connect(reply, &Reply::finished, this, [=, this, &result, &silent, &step] {
                        reply->deleteLater();
                        result.warnings.append(reply->warnings());
                        if (reply->failed())
                        {
                            ++result.failed;
                            result.warnings.append(reply->error().toString());
                            const Error::Kind kind = reply->error().kind;
                            if (kind != Error::Kind::Invalid && kind != Error::Kind::NotFound && kind != Error::Kind::TooLarge)
                                silent.insert(server);
                            return step(done);
                        }
                        ++result.read;
                        if (Result<void> recorded = m_state.recordIdentity(server, project, version.name,
                                storedIdentity(reply->result(), version.size, version.modified)); !recorded)
                            result.warnings.append(recorded.error().toString());
                        step(done);
                    });
                });
            }
        }
        total = int(tasks.size());
        runBounded(tasks, m_options.checks);
        if (total > 0)
        {
            // One entry per run in the activity log, with what went wrong.
            const QString detail = QStringLiteral("%1 read, %2 failed, %3 not tried").arg(result.read).arg(result.failed).arg(result.skipped)
                + (result.warnings.isEmpty() ? QString() : QStringLiteral(": ") + result.warnings.mid(0, 5).join(QStringLiteral("; ")));
            if (const Result<qint64> journaled = m_state.appendJournal(State::JournalEntry{0, QDateTime::currentDateTimeUtc(), QString(),
                    QStringLiteral("read-details"), project, QString(), QString(), QString(),
                    result.failed + result.skipped > 0 ? QStringLiteral("partial") : QStringLiteral("ok"), detail});
                !journaled)
                result.warnings.append(journaled.error().toString());
        }
        return result;
    }

    CopyJob::Repositories SyncEngine::repositoryPointers() const
    {
        CopyJob::Repositories pointers;
        for (auto it = m_repositories.cbegin(); it != m_repositories.cend(); ++it)
            pointers.insert(it.key(), it.value().get());
        return pointers;
    }

    ScrubResult SyncEngine::verify(const ScrubOptions &options)
    {
        if (!m_scratch.isValid())
        {
            ScrubResult result;
            result.warnings.append(QStringLiteral("%1: cannot create a scratch folder for downloads").arg(m_workspace.scratchPath()));
            return result;
        }
        Scrub scrub(repositoryPointers(), m_state, m_scratch.path());
        connect(&scrub, &Scrub::progressed, this, &SyncEngine::verifyProgressed);
        ScrubOptions stoppable = options;
        stoppable.stopRequested = [this, outer = options.stopRequested] { return m_stopRequested || (outer && outer()); };
        return scrub.run(stoppable);
    }

    SyncResult SyncEngine::run(const QList<PlanItem> &items)
    {
        SyncResult result;
        m_progress = SyncProgress{};
        for (const PlanItem &item : items)
        {
            m_progress.itemsTotal += int(item.targets.size());
            m_progress.bytesTotal += std::max<qint64>(item.size, 0) * item.targets.size();
        }
        if (!m_scratch.isValid())
        {
            result.warnings.append(QStringLiteral("%1: cannot create a scratch folder for downloads").arg(m_workspace.scratchPath()));
            result.notStarted = m_progress.itemsTotal;
            return result;
        }

        // A killed run's copies first, so that the journal accounts for every copy.
        InterruptedCopies interrupted(repositoryPointers(), m_state);
        runBounded({[&interrupted](std::function<void()> done) {
                       connect(&interrupted, &InterruptedCopies::finished, &interrupted, done);
                       interrupted.start();
                   }},
            1);
        result.interruptedSettled = interrupted.settled();
        result.warnings.append(interrupted.warnings());

        QElapsedTimer clock;
        clock.start();
        auto record = [&](const CopyOutcome &outcome) {
            switch (outcome.result)
            {
            case CopyOutcome::Result::Copied: ++result.copied; break;
            case CopyOutcome::Result::AlreadyPresent: ++result.alreadyPresent; break;
            case CopyOutcome::Result::Failed:
                ++result.failed;
                if (outcome.errorKind == Error::Kind::Damaged)
                    ++result.damaged;
                result.failures.append(outcome);
                break;
            }
            if (!outcome.note.isEmpty())
                result.notes.append(QStringLiteral("%1 %2: %3").arg(outcome.project, outcome.name, outcome.note));
            ++m_progress.itemsDone;
            m_progress.bytesDone += outcome.bytes;
            const double seconds = std::max<double>(clock.elapsed(), 1) / 1000.0;
            m_progress.bytesPerSecond = double(m_progress.bytesDone) / seconds;
            m_progress.etaSeconds = m_progress.bytesPerSecond > 0
                ? int(double(std::max<qint64>(m_progress.bytesTotal - m_progress.bytesDone, 0)) / m_progress.bytesPerSecond) : -1;
            Q_EMIT copyFinished(outcome);
            Q_EMIT progressed(m_progress);
        };

        const CopyJob::Repositories repositories = repositoryPointers();
        QList<Task> tasks;
        for (const PlanItem &item : items)
        {
            tasks.append([this, item, &repositories, &record, &result](std::function<void()> done) {
                auto *job = new CopyJob(item, repositories, m_state, m_scratch.path(), this);
                connect(job, &CopyJob::targetFinished, this, record);
                connect(job, &CopyJob::finished, this, [job, done, &result] {
                    result.warnings.append(job->warnings());
                    job->deleteLater();
                    done();
                });
                Q_EMIT copyStarted(item);
                job->start();
            });
        }
        const int started = runBounded(tasks, m_options.jobs, [this] { return m_stopRequested; });
        for (qsizetype i = started; i < items.size(); ++i)
            result.notStarted += int(items.at(i).targets.size());
        result.warnings.append(std::exchange(m_warnings, {}));
        return result;
    }
}
