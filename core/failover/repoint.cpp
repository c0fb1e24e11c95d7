#include "repoint.h"

#include "util/logging.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcessEnvironment>
#include <QSaveFile>
#include <QSet>
#include <QTemporaryDir>
#include <QTimer>

#include "commandrunner.h"
#include "health/health.h"
#include "health/updatereadiness.h"
#include "presentation/verdict.h"
#include "repository/repository.h"
#include "sync/syncengine.h"
#include "sync/synclock.h"

namespace TwinTrunk::Failover
{
    namespace
    {
        // Writes `bytes` to `path` atomically (a temporary file renamed over it); empty on success.
        QString writeFile(const QString &path, const QByteArray &bytes)
        {
            QSaveFile file(path);
            if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
                return QStringLiteral("%1: cannot write: %2").arg(QDir::toNativeSeparators(path), file.errorString());
            return QString();
        }

        // Puts a file back as it was before a repoint changed it: the old bytes, or no file.
        QString restoreFile(const QString &path, bool existed, const QByteArray &previous)
        {
            if (existed)
                return writeFile(path, previous);
            if (QFile::exists(path) && !QFile::remove(path))
                return QStringLiteral("%1: cannot remove the file the repoint created").arg(QDir::toNativeSeparators(path));
            return QString();
        }

        // The listing as a set a client would see: name, size and date of each version.
        QSet<QString> listingKeys(const Repository::Listing &listing)
        {
            QSet<QString> keys;
            for (const Repository::ListingEntry &entry : listing.entries)
            {
                keys.insert(
                    QStringLiteral("%1\t%2\t%3").arg(entry.fileName).arg(entry.size).arg(entry.modified.isValid() ? entry.modified.toMSecsSinceEpoch() : -1));
            }
            return keys;
        }

        Task<Result<Repository::Listing>> listNow(Repository::Repository &repository, QString project)
        {
            std::unique_ptr<Repository::ResultReply<Repository::Listing>> reply = co_await Repository::whenFinished(repository.list(project));
            if (reply->failed())
                co_return reply->error();
            co_return reply->result();
        }

    }

    QString outcomeName(Check::Outcome outcome)
    {
        switch (outcome)
        {
        case Check::Outcome::Passed: return QStringLiteral("passed");
        case Check::Outcome::Warning: return QStringLiteral("warning");
        case Check::Outcome::NeedsConfirmation: return QStringLiteral("needs-confirmation");
        case Check::Outcome::Failed: return QStringLiteral("failed");
        case Check::Outcome::NotApplicable: return QStringLiteral("not-applicable");
        case Check::Outcome::NotChecked: return QStringLiteral("not-checked");
        }
        return QString();
    }

    QString outcomeName(ActionStep::Outcome outcome)
    {
        switch (outcome)
        {
        case ActionStep::Outcome::Planned: return QStringLiteral("planned");
        case ActionStep::Outcome::Done: return QStringLiteral("done");
        case ActionStep::Outcome::Failed: return QStringLiteral("failed");
        case ActionStep::Outcome::RolledBack: return QStringLiteral("rolled-back");
        case ActionStep::Outcome::RollbackFailed: return QStringLiteral("rollback-failed");
        case ActionStep::Outcome::NotRun: return QStringLiteral("not-run");
        }
        return QString();
    }

    bool RepointReport::preflightPassed(bool acceptAtRisk) const
    {
        return std::none_of(checks.cbegin(), checks.cend(), [acceptAtRisk](const Check &check) {
            return check.outcome == Check::Outcome::Failed || check.outcome == Check::Outcome::NotChecked
                || (check.outcome == Check::Outcome::NeedsConfirmation && !acceptAtRisk);
        });
    }

    QJsonObject RepointReport::toJson() const
    {
        auto checkJson = [](const Check &check) {
            return QJsonObject{{QStringLiteral("id"), check.id}, {QStringLiteral("title"), check.title}, {QStringLiteral("result"), outcomeName(check.outcome)},
                {QStringLiteral("reason"), check.reason}, {QStringLiteral("items"), QJsonArray::fromStringList(check.items)}};
        };
        QJsonArray checkList, actionList;
        for (const Check &check : checks)
            checkList.append(checkJson(check));
        for (const ActionStep &action : actions)
        {
            actionList.append(QJsonObject{{QStringLiteral("id"), action.id}, {QStringLiteral("description"), action.description},
                {QStringLiteral("result"), outcomeName(action.outcome)}, {QStringLiteral("output"), action.output}, {QStringLiteral("error"), action.error},
                {QStringLiteral("rollback"), action.rollback}});
        }
        QJsonObject json{{QStringLiteral("from"), from}, {QStringLiteral("to"), to}, {QStringLiteral("dryRun"), dryRun},
            {QStringLiteral("startedAt"), startedAt.toString(Qt::ISODateWithMs)}, {QStringLiteral("checks"), checkList},
            {QStringLiteral("actions"), actionList}, {QStringLiteral("verified"), verified}, {QStringLiteral("rolledBack"), rolledBack},
            {QStringLiteral("succeeded"), succeeded}, {QStringLiteral("summary"), summary}};
        if (!verification.id.isEmpty())
            json.insert(QStringLiteral("verification"), checkJson(verification));
        return json;
    }

    Repoint::Repoint(Workspace &workspace, State::StateDatabase &state, ProgressLog log) : m_workspace(workspace), m_state(state), m_log(std::move(log))
    {}

    void Repoint::say(const QString &line) const
    {
        qCInfo(Log::failover).noquote() << line;
        if (m_log)
            m_log(line);
    }

    QString Repoint::backupFolder() const
    {
        return m_workspace.stateDatabasePath() + QStringLiteral(".repoint-backups");
    }

    QByteArray Repoint::upstreamInclude(const ServerConfig &server, const QDateTime &at)
    {
        return QStringLiteral("# Written by TwinTrunk at %1: %2 (%3) is the primary.\n"
                              "# Include it inside the upstream block the public server's proxy_pass names.\n"
                              "server %4;\n")
            .arg(at.toUTC().toString(Qt::ISODate), server.name, server.url.toDisplayString(QUrl::RemoveUserInfo), server.upstreamAddress())
            .toUtf8();
    }

    QString Repoint::imageSnippet(const ServerConfig &from, const ServerConfig &to, const QStringList &projects, const QDateTime &at)
    {
        auto quoted = [](QString text) { return QStringLiteral("'%1'").arg(text.replace(u'\'', QStringLiteral("''"))); };
        const QString oldUrl = from.url.toDisplayString(QUrl::RemoveUserInfo);
        const QString newUrl = to.url.toDisplayString(QUrl::RemoveUserInfo);
        QString text;
        text += QStringLiteral("\"TwinTrunk, %1: the primary moved from %2 (%3) to %4 (%5).\n"
                               "Evaluate this in a Squeak image to point its repositories for %6 and its update URL at the new primary.\"\n")
                    .arg(at.toUTC().toString(Qt::ISODate), from.name, oldUrl, to.name, newUrl, projects.join(QStringLiteral(", ")));
        text += QStringLiteral("| oldUrl newUrl |\n");
        text += QStringLiteral("oldUrl := %1.\nnewUrl := %2.\n").arg(quoted(oldUrl), quoted(newUrl));
        text += QStringLiteral("MCRepositoryGroup default repositories do: [:repository |\n"
                               "\t((repository isKindOf: MCHttpRepository) and: [repository location beginsWith: oldUrl]) ifTrue: [\n"
                               "\t\trepository location: newUrl, (repository location allButFirst: oldUrl size)]].\n"
                               "(Smalltalk classNamed: #MCMcmUpdater) ifNotNil: [:updater |\n"
                               "\t(updater respondsTo: #defaultUpdateURL:) ifTrue: [\n"
                               "\t\t(updater defaultUpdateURL beginsWith: oldUrl) ifTrue: [\n"
                               "\t\t\tupdater defaultUpdateURL: newUrl, (updater defaultUpdateURL allButFirst: oldUrl size)]]].\n");
        return text;
    }

    Task<RepointReport> Repoint::run(QString target, RepointOptions options)
    {
        RepointReport report = co_await preflight(target, options);
        const ServerConfig *to = m_workspace.server(target);
        if (!report.preflightPassed(options.acceptAtRisk) || !to)
        {
            // The wizard's footer, word for word.
            report.summary = Presentation::preflightSummary(report, options.acceptAtRisk);
            finish(report);
            co_return report;
        }
        const ServerConfig from = m_workspace.primary();
        const ServerConfig toServer = *to;
        // --copy-first with the primary up: what only it has is copied now, and what reaches it
        // during the switch afterwards. With the primary down there is nothing to copy from.
        const bool primaryUp = std::any_of(report.checks.cbegin(), report.checks.cend(),
            [](const Check &check) { return check.id == u"primary" && check.outcome == Check::Outcome::Passed; });
        const bool copying = options.copyFirst && primaryUp;
        if (copying)
        {
            ActionStep &step = beginAction(report, QStringLiteral("copy-first"),
                QStringLiteral("copy what only %1 has to %2, each copy read back and compared").arg(from.name, toServer.name), options.dryRun, false);
            if (step.outcome == ActionStep::Outcome::Done)
                co_await copyMissing(step, from, toServer);
        }
        QList<Undo> undo;
        co_await runActions(report, from, toServer, options, undo);
        if (copying && options.dryRun)
            beginAction(report, QStringLiteral("catch-up"), catchUpDescription(from, toServer), true, false);
        if (options.dryRun)
        {
            report.succeeded = true;
            // "The actions above" only when there are some: with none configured, nothing but
            // TwinTrunk's idea of the primary would change, and the actions check says so.
            report.summary = QStringLiteral("dry run: %1").arg(Presentation::preflightSummary(report, options.acceptAtRisk));
            if (!report.actions.isEmpty())
                report.summary += QStringLiteral(" The actions above would run.");
            finish(report);
            co_return report;
        }
        const bool actionsDone =
            std::all_of(report.actions.cbegin(), report.actions.cend(), [](const ActionStep &step) { return step.outcome == ActionStep::Outcome::Done; });
        if (actionsDone)
            co_await verify(report, toServer, from);
        if (!actionsDone || !report.verified)
        {
            co_await rollback(report, undo);
            const bool copyFailed = copying && report.actions.first().outcome == ActionStep::Outcome::Failed;
            report.summary = actionsDone
                ? QStringLiteral("verification failed: %1; rolled back, %2 is still the primary").arg(report.verification.reason, from.name)
                : copyFailed
                ? QStringLiteral("copying first failed, so nothing was switched: %1 is still the primary (the verified copies made stay)").arg(from.name)
                : QStringLiteral("an action failed; rolled back, %1 is still the primary").arg(from.name);
            noteFailedRollback(report);
            finish(report);
            co_return report;
        }

        // The switch is verified; the workspace must say so too, or the switch is undone: a
        // half-switched pair (clients on the new primary, TwinTrunk replicating as if the old one
        // were) would be worse than either.
        m_workspace.setPrimary(toServer.name);
        if (Result<void> saved = m_workspace.save(m_workspace.filePath(), true); !saved)
        {
            m_workspace.setPrimary(from.name);
            co_await rollback(report, undo);
            report.summary = QStringLiteral("the switch was verified, but the workspace file could not be saved (%1): rolled back, %2 is still the primary")
                                 .arg(saved.error().toString(), from.name);
            noteFailedRollback(report);
            finish(report);
            co_return report;
        }
        report.succeeded = true;
        report.summary = QStringLiteral("%1 is the primary").arg(toServer.name);
        if (copying)
        {
            // Commits that reached the old primary between the first copy and the switch.
            ActionStep &step = beginAction(report, QStringLiteral("catch-up"), catchUpDescription(from, toServer), false, false);
            co_await copyMissing(step, from, toServer);
            if (step.outcome != ActionStep::Outcome::Done)
                report.summary +=
                    QStringLiteral("; some versions that reached %1 during the switch are not copied yet (%2): sync copies them").arg(from.name, step.error);
        }
        const QDateTime now = QDateTime::currentDateTimeUtc();
        if (m_workspace.repoint().watchLateCommitsSeconds > 0)
        {
            const State::LateCommitWatch watch{from.name, toServer.name, now, now.addSecs(m_workspace.repoint().watchLateCommitsSeconds)};
            if (Result<void> added = m_state.addLateCommitWatch(watch); added)
                report.summary +=
                    QStringLiteral("; late commits on %1 go to %2 first until %3").arg(from.name, toServer.name, Presentation::localTime(watch.until));
            else
                report.summary += QStringLiteral("; the late-commit watch could not be recorded: %1").arg(added.error().toString());
        }
        finish(report);
        co_return report;
    }

    QString Repoint::catchUpDescription(const ServerConfig &from, const ServerConfig &to)
    {
        return QStringLiteral("copy what reached %1 during the switch to %2").arg(from.name, to.name);
    }

    Task<Result<std::unique_ptr<Sync::SyncLock>>> Repoint::waitForSyncLock()
    {
        // One replication at a time per workspace: a sync cycle under way (cron, the console's
        // schedule) finishes its copies first. Its journal and ours must not cross.
        QElapsedTimer waited;
        waited.start();
        Result<std::unique_ptr<Sync::SyncLock>> lock = Sync::SyncLock::acquire(m_workspace.filePath());
        while (!lock && lock.error().kind == Error::Kind::Busy && waited.elapsed() < SyncLockWaitMs)
        {
            auto pause = [](std::function<void()> done) { QTimer::singleShot(500, std::move(done)); };
            co_await whenCalled(pause);
            lock = Sync::SyncLock::acquire(m_workspace.filePath());
        }
        co_return lock;
    }

    Task<void> Repoint::copyMissing(ActionStep &step, ServerConfig from, ServerConfig to)
    {
        say(QStringLiteral("waiting for any replication under way to finish"));
        Result<std::unique_ptr<Sync::SyncLock>> lock = co_await waitForSyncLock();
        if (!lock)
        {
            failAction(step, lock.error().toString());
            co_return;
        }
        Sync::EngineOptions engineOptions;
        engineOptions.jobs = m_workspace.jobs();
        Sync::SyncEngine engine(m_workspace, m_state, engineOptions);
        const Result<Sync::StatusReport> status = co_await engine.status();
        if (!status)
        {
            failAction(step, status.error().toString());
            co_return;
        }
        const Sync::PlanFilter filter{QString(), from.name, to.name};
        const QList<Sync::PlanItem> items = engine.plan(status.value(), filter);
        const Sync::SyncResult result = co_await engine.run(items);
        step.output = QStringLiteral("%1 copied and verified, %2 already there").arg(result.copied).arg(result.alreadyPresent);
        // A project the primary could not be listed for is not copied: say so, never skip it silently.
        QStringList unlisted;
        for (const Sync::ProjectSnapshot &project : status->projects)
        {
            if (project.unreachable.contains(from.name))
                unlisted.append(project.project);
        }
        if (!unlisted.isEmpty())
            step.output += QStringLiteral("; not copied, as %1 could not be listed there: %2").arg(from.name, unlisted.join(QStringLiteral(", ")));
        if (!result.ok())
        {
            QStringList why;
            for (const Sync::CopyOutcome &failure : result.failures.mid(0, 3))
                why.append(QStringLiteral("%1: %2").arg(failure.name, failure.error));
            failAction(step, QStringLiteral("%1 copies failed (%2)").arg(result.failed + result.notStarted).arg(why.join(QStringLiteral("; "))));
        }
    }

    void Repoint::noteFailedRollback(RepointReport &report)
    {
        if (std::any_of(report.actions.cbegin(), report.actions.cend(),
                [](const ActionStep &step) { return step.outcome == ActionStep::Outcome::RollbackFailed; }))
            report.summary += QStringLiteral(" - BUT a rollback step failed: see the actions and fix it by hand");
    }

    QProcessEnvironment Repoint::actionEnvironment(const ServerConfig &from, const ServerConfig &to) const
    {
        QProcessEnvironment environment;
        environment.insert(QStringLiteral("OLD_PRIMARY"), from.name);
        environment.insert(QStringLiteral("NEW_PRIMARY"), to.name);
        environment.insert(QStringLiteral("OLD_PRIMARY_URL"), from.url.toDisplayString(QUrl::RemoveUserInfo));
        environment.insert(QStringLiteral("NEW_PRIMARY_URL"), to.url.toDisplayString(QUrl::RemoveUserInfo));
        environment.insert(QStringLiteral("TWINTRUNK_WORKSPACE"), m_workspace.filePath());
        return environment;
    }

    ActionStep &Repoint::beginAction(RepointReport &report, const QString &id, const QString &description, bool dryRun, bool earlierFailed)
    {
        report.actions.append(ActionStep{id, description,
            dryRun              ? ActionStep::Outcome::Planned
                : earlierFailed ? ActionStep::Outcome::NotRun
                                : ActionStep::Outcome::Done,
            QString(), QString(), QString()});
        if (!dryRun && !earlierFailed)
            say(QStringLiteral("action: %1").arg(description));
        return report.actions.last();
    }

    void Repoint::failAction(ActionStep &step, const QString &error)
    {
        step.outcome = ActionStep::Outcome::Failed;
        step.error = error;
        say(QStringLiteral("  failed: %1").arg(error));
    }

    Repoint::Previous Repoint::readPrevious(const QString &path)
    {
        Previous previous;
        QFile file(path);
        previous.existed = file.exists();
        if (previous.existed)
        {
            if (file.open(QIODevice::ReadOnly))
                previous.bytes = file.readAll();
            else
                previous.error = QStringLiteral("%1: cannot read: %2").arg(QDir::toNativeSeparators(path), file.errorString());
        }
        return previous;
    }

    Task<void> Repoint::runActions(RepointReport &report, ServerConfig from, ServerConfig to, RepointOptions options, QList<Undo> &undo)
    {
        const RepointConfig &config = m_workspace.repoint();
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const QProcessEnvironment environment = actionEnvironment(from, to);
        auto failed = [&report] {
            return std::any_of(report.actions.cbegin(), report.actions.cend(),
                [](const ActionStep &step) { return step.outcome == ActionStep::Outcome::Failed; });
        };
        if (!config.upstreamFile.isEmpty())
        {
            const QString path = m_workspace.resolvePath(config.upstreamFile);
            ActionStep &step = beginAction(report, QStringLiteral("front-proxy"),
                QStringLiteral("write 'server %1;' to %2, then run '%3'").arg(to.upstreamAddress(), QDir::toNativeSeparators(path), config.reload.display()),
                options.dryRun, failed());
            if (step.outcome == ActionStep::Outcome::Done)
                co_await switchFrontProxy(step, path, to, now, environment, options.commandTimeoutMs, undo);
        }
        if (!config.command.isEmpty())
        {
            ActionStep &step =
                beginAction(report, QStringLiteral("command"), QStringLiteral("run '%1'").arg(config.command.display()), options.dryRun, failed());
            if (step.outcome == ActionStep::Outcome::Done)
            {
                // Registered before it runs: a command that fails halfway may need its rollback too.
                if (!config.rollback.isEmpty())
                    undo.append(Undo{step.id, [rollback = config.rollback, environment, timeout = options.commandTimeoutMs]() -> Task<QString> {
                                         const CommandOutcome outcome = co_await runCommand(rollback, environment, timeout);
                                         co_return outcome.ok ? QString()
                                                              : outcome.error + (outcome.output.isEmpty() ? QString() : QStringLiteral(": ") + outcome.output);
                                     }});
                const CommandOutcome outcome = co_await runCommand(config.command, environment, options.commandTimeoutMs);
                step.output = outcome.output;
                if (!outcome.ok)
                    failAction(step, outcome.error);
            }
        }
        if (!config.imageSnippet.isEmpty())
        {
            const QString path = m_workspace.resolvePath(config.imageSnippet);
            ActionStep &step = beginAction(report, QStringLiteral("image-snippet"),
                QStringLiteral("write the Smalltalk that points images at %1 to %2").arg(to.name, QDir::toNativeSeparators(path)), options.dryRun, failed());
            if (step.outcome == ActionStep::Outcome::Done)
                writeImageSnippet(step, path, from, to, now, undo);
        }
    }

    Task<void> Repoint::switchFrontProxy(ActionStep &step, QString path, ServerConfig to, QDateTime now, QProcessEnvironment environment, int timeoutMs,
        QList<Undo> &undo)
    {
        const RepointConfig &config = m_workspace.repoint();
        const Previous previous = readPrevious(path);
        QString error = previous.error;
        if (error.isEmpty() && previous.existed)
        {
            // The old include is kept beside the state database before it is replaced.
            QDir().mkpath(backupFolder());
            const QString backup =
                QDir(backupFolder()).filePath(QStringLiteral("%1-%2").arg(now.toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'")), QFileInfo(path).fileName()));
            error = writeFile(backup, previous.bytes);
            if (error.isEmpty())
                step.output = QStringLiteral("previous file kept as %1\n").arg(QDir::toNativeSeparators(backup));
        }
        if (error.isEmpty())
            error = writeFile(path, upstreamInclude(to, now));
        if (!error.isEmpty())
        {
            failAction(step, error);
            co_return;
        }
        // Undone with the same environment the forward reload had.
        undo.append(Undo{step.id, [path, previous, reload = config.reload, environment, timeoutMs]() -> Task<QString> {
                             QString problem = restoreFile(path, previous.existed, previous.bytes);
                             const CommandOutcome reloaded = co_await runCommand(reload, environment, timeoutMs);
                             if (!reloaded.ok)
                                 problem += (problem.isEmpty() ? QString() : QStringLiteral("; ")) + reloaded.error;
                             co_return problem;
                         }});
        const CommandOutcome reloaded = co_await runCommand(config.reload, environment, timeoutMs);
        step.output += reloaded.output;
        if (!reloaded.ok)
            failAction(step, reloaded.error);
    }

    void Repoint::writeImageSnippet(ActionStep &step, const QString &path, const ServerConfig &from, const ServerConfig &to, const QDateTime &now,
        QList<Undo> &undo)
    {
        const Previous previous = readPrevious(path);
        const QString snippet = imageSnippet(from, to, m_workspace.projects(), now);
        QString error = previous.error;
        if (error.isEmpty())
            error = writeFile(path, snippet.toUtf8());
        if (!error.isEmpty())
            return failAction(step, error);
        step.output = snippet;
        undo.append(Undo{step.id, [path, previous]() -> Task<QString> { co_return restoreFile(path, previous.existed, previous.bytes); }});
    }

    Task<void> Repoint::verify(RepointReport &report, ServerConfig to, ServerConfig from)
    {
        Check &check = report.verification;
        check.id = QStringLiteral("verify");
        check.title = QStringLiteral("Clients see the new primary");
        const QString project = m_workspace.projects().constFirst();
        std::unique_ptr<Repository::Repository> target =
            Repository::Repository::create(to.name, to.url, m_workspace.credentialsFor(to), Repository::RepositoryOptions{});
        const QUrl publicUrl = m_workspace.repoint().publicUrl;
        if (publicUrl.isEmpty())
        {
            const Result<Repository::Listing> listing = co_await listNow(*target, project);
            report.verified = listing.ok();
            check.outcome = listing ? Check::Outcome::Warning : Check::Outcome::Failed;
            check.reason = listing ? QStringLiteral("no public URL configured: %1 lists %2 versions of %3, which is all that can be checked")
                                         .arg(to.name)
                                         .arg(listing->entries.size())
                                         .arg(project)
                                   : listing.error().toString();
            co_return;
        }

        say(QStringLiteral("verifying %1 against %2").arg(publicUrl.toDisplayString(), to.name));
        Repository::RepositoryOptions quick;
        quick.retries = 0;
        std::unique_ptr<Repository::Repository> front = Repository::Repository::create(QStringLiteral("public"), publicUrl, {}, quick);
        std::unique_ptr<Repository::Repository> old = Repository::Repository::create(from.name, from.url, m_workspace.credentialsFor(from), quick);
        QElapsedTimer clock;
        clock.start();
        const qint64 deadline = m_workspace.repoint().verifyTimeoutSeconds * 1000;
        int attempts = 0;
        for (;;)
        {
            ++attempts;
            const Result<Repository::Listing> seen = co_await listNow(*front, project);
            const Result<Repository::Listing> expected = co_await listNow(*target, project);
            if (seen && expected && listingKeys(seen.value()) == listingKeys(expected.value()))
            {
                const Result<Repository::Listing> before = co_await listNow(*old, project);
                const bool indistinguishable = before && listingKeys(before.value()) == listingKeys(expected.value());
                report.verified = true;
                check.outcome = Check::Outcome::Passed;
                check.reason = QStringLiteral("%1 lists exactly what %2 lists for %3 (%4 versions)")
                                   .arg(publicUrl.toDisplayString(), to.name, project)
                                   .arg(expected->entries.size());
                if (indistinguishable)
                    check.reason += QStringLiteral("; %1 lists the same, so the listings alone cannot tell the two apart").arg(from.name);
                co_return;
            }
            if (clock.elapsed() >= deadline)
            {
                check.outcome = Check::Outcome::Failed;
                if (!seen)
                {
                    check.reason = QStringLiteral("the public URL does not answer: %1").arg(seen.error().toString());
                }
                else if (!expected)
                {
                    check.reason = QStringLiteral("%1 does not answer: %2").arg(to.name, expected.error().toString());
                }
                else
                {
                    const Result<Repository::Listing> before = co_await listNow(*old, project);
                    const bool stillOld = before && listingKeys(before.value()) == listingKeys(seen.value());
                    check.reason = stillOld ? QStringLiteral("%1 still lists what %2 lists").arg(publicUrl.toDisplayString(), from.name)
                                            : QStringLiteral("%1 lists neither what %2 nor what %3 lists").arg(publicUrl.toDisplayString(), to.name, from.name);
                }
                check.reason += QStringLiteral(" (%1 attempts in %2 s)").arg(attempts).arg(clock.elapsed() / 1000);
                co_return;
            }
            co_await delayFor(500);
        }
    }

    Task<void> Repoint::rollback(RepointReport &report, QList<Undo> &undo)
    {
        report.rolledBack = true;
        while (!undo.isEmpty())
        {
            const Undo step = undo.takeLast();
            say(QStringLiteral("rolling back: %1").arg(step.id));
            const QString error = co_await step.run();
            for (ActionStep &action : report.actions)
            {
                if (action.id != step.id)
                    continue;
                action.rollback = error.isEmpty() ? QStringLiteral("undone") : error;
                action.outcome = error.isEmpty() ? ActionStep::Outcome::RolledBack : ActionStep::Outcome::RollbackFailed;
            }
        }
    }

    void Repoint::finish(RepointReport &report)
    {
        const QString result = report.dryRun ? (report.succeeded ? QStringLiteral("dry-run") : QStringLiteral("refused"))
            : report.succeeded               ? QStringLiteral("ok")
            : report.rolledBack              ? QStringLiteral("rolled-back")
                                             : QStringLiteral("refused");
        State::JournalEntry entry;
        entry.operation = QStringLiteral("repoint");
        entry.source = report.from;
        entry.target = report.to;
        entry.result = result;
        entry.detail = QString::fromUtf8(QJsonDocument(report.toJson()).toJson(QJsonDocument::Compact));
        if (Result<qint64> written = m_state.appendJournal(entry); !written)
            report.summary += QStringLiteral(" (not journaled: %1)").arg(written.error().toString());
    }
}
