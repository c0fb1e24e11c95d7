#include "propagator.h"

#include <QElapsedTimer>
#include <QSet>
#include <QTimer>

namespace TwinTrunk::Sync
{
    using namespace TwinTrunk::Repository;

    namespace
    {
        // One CopyJob, awaited. It starts from the event loop, after this coroutine waits for its
        // end, so that even a job that ends at once (a server gone from the workspace) is heard.
        Task<void> copy(const EngineContext &context, PlanItem item, const std::function<void(const CopyOutcome &)> &onTarget, QStringList &warnings)
        {
            std::unique_ptr<CopyJob> job = std::make_unique<CopyJob>(item, context.repositories, context.state, context.scratchPath);
            QObject::connect(job.get(), &CopyJob::targetFinished, job.get(), onTarget);
            QTimer::singleShot(0, job.get(), &CopyJob::start);
            co_await signalled(job.get(), &CopyJob::finished);
            warnings.append(job->warnings());
        }
    }

    Task<SyncResult> propagate(const EngineContext &context, QList<PlanItem> items, PropagationHooks hooks)
    {
        SyncResult result;
        SyncProgress progress;
        for (const PlanItem &item : items)
        {
            progress.itemsTotal += int(item.targets.size());
            progress.bytesTotal += std::max<qint64>(item.size, 0) * item.targets.size();
        }
        if (context.scratchPath.isEmpty())
        {
            result.warnings.append(QStringLiteral("%1: cannot create a scratch folder for downloads").arg(context.workspace.scratchPath()));
            result.notStarted = progress.itemsTotal;
            co_return result;
        }

        // A killed run's copies first, so that the journal accounts for every copy.
        result.interruptedSettled = co_await settleInterruptedCopies(context, result.warnings);

        QElapsedTimer clock;
        clock.start();
        const std::function<void(const CopyOutcome &)> onTarget = [&](const CopyOutcome &outcome) {
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
            ++progress.itemsDone;
            progress.bytesDone += outcome.bytes;
            const double seconds = std::max<double>(double(clock.elapsed()), 1) / 1000.0;
            progress.bytesPerSecond = double(progress.bytesDone) / seconds;
            progress.etaSeconds =
                progress.bytesPerSecond > 0 ? int(double(std::max<qint64>(progress.bytesTotal - progress.bytesDone, 0)) / progress.bytesPerSecond) : -1;
            if (hooks.copyFinished)
                hooks.copyFinished(outcome);
            if (hooks.progressed)
                hooks.progressed(progress);
        };

        std::vector<std::function<Task<void>()>> tasks;
        for (const PlanItem &item : std::as_const(items))
        {
            tasks.push_back([&context, item, &hooks, &onTarget, &result] {
                if (hooks.copyStarted)
                    hooks.copyStarted(item);
                return copy(context, item, onTarget, result.warnings);
            });
        }
        const int started = co_await runBounded(std::move(tasks), context.options.jobs, hooks.stopRequested);
        for (qsizetype i = started; i < items.size(); ++i)
            result.notStarted += int(items.at(i).targets.size());
        co_return result;
    }

    Task<int> settleInterruptedCopies(const EngineContext &context, QStringList &warnings)
    {
        Result<QList<State::CopyIntent>> intents = context.state.copyIntents();
        if (!intents)
        {
            warnings.append(intents.error().toString());
            co_return 0;
        }
        int settled = 0;
        QSet<QString> unreachable; // a target that did not answer is not asked again this run
        for (const State::CopyIntent &intent : intents.value())
        {
            if (unreachable.contains(intent.target))
                continue;
            const QString started =
                QStringLiteral("started %1 by %2")
                    .arg(intent.startedAt.isValid() ? intent.startedAt.toString(Qt::ISODate) : QStringLiteral("an unknown time"), intent.who);
            auto journal = [&](const QString &result, const QString &detail) {
                const Result<qint64> done = context.state.finishCopyIntent(intent.id,
                    State::JournalEntry{.at = QDateTime::currentDateTimeUtc(),
                        .operation = QStringLiteral("copy"),
                        .project = intent.project,
                        .name = intent.name,
                        .source = intent.source,
                        .target = intent.target,
                        .result = result,
                        .detail = detail});
                if (!done)
                    warnings.append(done.error().toString());
                else
                    ++settled;
            };
            TwinTrunk::Repository::Repository *target = context.repositories.value(intent.target);
            if (!target)
            {
                journal(QStringLiteral("failed"), QStringLiteral("interrupted (%1); %2 is no longer in the workspace").arg(started, intent.target));
                continue;
            }
            std::unique_ptr<ResultReply<ContentDigest>> reply = co_await whenFinished(target->digest(intent.project, intent.name));
            if (reply->failed() && reply->error().kind == Error::Kind::NotFound && intent.failureJournaled)
            {
                // Its failure is in the journal already, and nothing landed: nothing to add.
                if (Result<void> dropped = context.state.dropCopyIntent(intent.id); !dropped)
                    warnings.append(dropped.error().toString());
            }
            else if (reply->failed() && reply->error().kind == Error::Kind::NotFound)
            {
                journal(QStringLiteral("failed"), QStringLiteral("interrupted before it landed (%1)").arg(started));
            }
            else if (reply->failed())
            {
                unreachable.insert(intent.target);
                warnings.append(QStringLiteral("a copy of %1 to %2 was interrupted (%3) and cannot be checked now, so it is checked on the next run: %4")
                                    .arg(intent.name, intent.target, started, reply->error().toString()));
            }
            else if (reply->result() == ContentDigest{intent.size, intent.sha256})
            {
                if (Result<void> recorded = context.state.recordSoundCopy(intent.target, intent.project, intent.name, intent.size, intent.sha256, QString(),
                        QDateTime::currentDateTimeUtc(), State::StateDatabase::Record::Replace);
                    !recorded)
                    warnings.append(recorded.error().toString());
                const QString how = intent.failureJournaled ? QStringLiteral("found present: the upload whose failure is journaled landed (%1)")
                                                            : QStringLiteral("found present: finished by an interrupted run (%1)");
                journal(QStringLiteral("copied"), QStringLiteral("%1; read back as %2").arg(how.arg(started), digestText(intent.size, intent.sha256)));
            }
            else
            {
                journal(QStringLiteral("failed"),
                    QStringLiteral("interrupted (%1); %2 now holds %3, not the %4 being written: "
                                   "twintrunkctl verify tells whether that copy is sound")
                        .arg(started, intent.target, digestText(reply->result().size, reply->result().sha256), digestText(intent.size, intent.sha256)));
            }
        }
        co_return settled;
    }
}
