#include "copyjob.h"

#include <QFile>

#include "repository/localversion.h"
#include "util/background.h"

namespace TwinTrunk::Sync
{
    using namespace TwinTrunk::Repository;

    namespace
    {
        QString digestText(qint64 size, const QByteArray &sha256)
        {
            return QStringLiteral("%1 bytes, SHA-256 %2").arg(size).arg(QString::fromLatin1(sha256));
        }

        QString when(const QDateTime &time)
        {
            return time.isValid() ? time.toString(Qt::ISODate) : QStringLiteral("an unknown time");
        }

        State::JournalEntry copyEntry(const CopyOutcome &outcome, const QString &detail)
        {
            return State::JournalEntry{0, QDateTime::currentDateTimeUtc(), QString(), QStringLiteral("copy"), outcome.project, outcome.name,
                outcome.source, outcome.target, journalResult(outcome), detail};
        }
    }

    QString journalResult(const CopyOutcome &outcome)
    {
        switch (outcome.result)
        {
        case CopyOutcome::Result::Copied: return QStringLiteral("ok");
        case CopyOutcome::Result::AlreadyPresent: return QStringLiteral("already-present");
        case CopyOutcome::Result::Failed: break;
        }
        return outcome.errorKind == Error::Kind::Damaged ? QStringLiteral("damaged") : QStringLiteral("failed");
    }

    CopyJob::CopyJob(const PlanItem &item, const Repositories &repositories, State::StateDatabase &state, const QString &scratchFolder,
        QObject *parent)
        : QObject(parent), m_item(item), m_repositories(repositories), m_state(state), m_scratchFolder(scratchFolder), m_pendingTargets(item.targets)
    {
    }

    CopyJob::~CopyJob()
    {
        if (m_checked)
            QFile::remove(m_checked->path);
    }

    CopyOutcome CopyJob::outcomeFor(const QString &target) const
    {
        CopyOutcome outcome;
        outcome.project = m_item.project;
        outcome.name = m_item.name;
        outcome.source = m_item.source;
        outcome.target = target;
        return outcome;
    }

    CopyOutcome CopyJob::failure(const QString &target, const Error &error) const
    {
        CopyOutcome outcome = outcomeFor(target);
        outcome.result = CopyOutcome::Result::Failed;
        outcome.error = error.toString();
        outcome.errorKind = error.kind;
        return outcome;
    }

    void CopyJob::warnIfFailed(const Result<void> &written)
    {
        if (!written)
            m_warnings.append(written.error().toString());
    }

    void CopyJob::start()
    {
        Repository::Repository *source = m_repositories.value(m_item.source);
        if (!source)
            return failAll(Error{m_item.source, QStringLiteral("no such server in the workspace")});
        ResultReply<FetchedFile> *fetch = source->fetch(m_item.project, m_item.name, m_scratchFolder);
        connect(fetch, &Reply::finished, this, [this, fetch] { onFetched(fetch); });
    }

    void CopyJob::onFetched(ResultReply<FetchedFile> *reply)
    {
        reply->deleteLater();
        if (reply->failed())
            return failAll(reply->error());
        // Checking the archive whole is CPU work: on a pool thread, so that this thread's other
        // copies keep moving their bytes meanwhile.
        const FetchedFile fetched = reply->result();
        runInBackground(
            this, [fetched, name = m_item.name] { return std::optional<Result<CheckedFile>>(checkLocalFile(fetched.path, name, fetched.sha256)); },
            [this, fetched](const std::optional<Result<CheckedFile>> &checked) {
                if (std::optional<Error> damaged = judgeSource(fetched, *checked))
                {
                    QFile::remove(fetched.path);
                    warnIfFailed(m_state.recordDamage(m_item.source, m_item.project, m_item.name, damaged->message, QDateTime::currentDateTimeUtc()));
                    return failAll(*damaged);
                }
                nextTarget();
            });
    }

    std::optional<Error> CopyJob::judgeSource(const FetchedFile &fetched, const Result<CheckedFile> &checked)
    {
        const QString where = QStringLiteral("%1 %2").arg(m_item.source, m_item.project);
        auto damaged = [&](const QString &why) {
            return Error{where, QStringLiteral("%1: damaged on %2: %3").arg(m_item.name, m_item.source, why), -1, 0, 0, Error::Kind::Damaged};
        };
        if (!checked)
        {
            if (checked.error().kind != Error::Kind::Invalid)
                return checked.error(); // not the copy's fault: a local disk, a limit
            return damaged(QStringLiteral("read whole, it is not a sound version (%1)").arg(checked.error().toString()));
        }
        if (!m_item.id.isEmpty() && checked->identity.id != m_item.id)
            return damaged(QStringLiteral("it holds id %1, but was listed with id %2").arg(checked->identity.id, m_item.id));

        // Versions never change: a copy whose bytes differ from those recorded for it is damaged,
        // even when its archive is sound.
        const QDateTime now = QDateTime::currentDateTimeUtc();
        Result<std::optional<State::CopyRecord>> recorded = m_state.copyRecord(m_item.source, m_item.project, m_item.name);
        if (!recorded)
            m_warnings.append(recorded.error().toString());
        else if (recorded.value() && recorded.value()->hasDigest()
            && (recorded.value()->sha256 != fetched.sha256 || recorded.value()->size != checked->digest.size))
        {
            const State::CopyRecord &record = *recorded.value();
            return damaged(QStringLiteral("it reads as %1, but %2 were recorded on %3")
                               .arg(digestText(checked->digest.size, fetched.sha256), digestText(record.size, record.sha256), when(record.recordedAt)));
        }
        warnIfFailed(m_state.recordSoundCopy(m_item.source, m_item.project, m_item.name, checked->digest.size, checked->digest.sha256,
            checked->identity.id, now));
        // The source's identity is now known too: the next status need not probe it.
        const VersionIdentity &identity = checked->identity;
        warnIfFailed(m_state.recordIdentity(m_item.source, m_item.project, m_item.name,
            State::StoredIdentity{identity.id, checked->digest.size, QDateTime(), {}, identity.author, identity.authoredAt}));
        m_checked = checked.value();
        return std::nullopt;
    }

    void CopyJob::nextTarget()
    {
        if (m_pendingTargets.isEmpty())
            return end();
        const QString target = m_pendingTargets.takeFirst();
        Repository::Repository *repository = m_repositories.value(target);
        if (!repository)
        {
            return finishTarget(target, 0, failure(target, Error{target, QStringLiteral("no such server in the workspace")}));
        }
        // Recorded before the write: a run killed before its journal entry leaves this behind,
        // and the next run settles it (InterruptedCopies).
        qint64 intentId = 0;
        if (Result<qint64> intent = m_state.addCopyIntent(State::CopyIntent{0, m_item.project, m_item.name, m_item.source, target,
                m_checked->digest.size, m_checked->digest.sha256, QDateTime::currentDateTimeUtc(), QString()});
            intent)
            intentId = intent.value();
        else
            m_warnings.append(intent.error().toString());
        ResultReply<UploadResult> *upload = repository->upload(m_item.project, *m_checked);
        connect(upload, &Reply::finished, this, [this, target, intentId, upload] { onUploaded(target, intentId, upload); });
    }

    void CopyJob::onUploaded(const QString &target, qint64 intentId, ResultReply<UploadResult> *reply)
    {
        reply->deleteLater();
        if (reply->failed())
        {
            const Error &error = reply->error();
            if (error.kind == Error::Kind::Damaged)
                warnIfFailed(m_state.recordDamage(target, m_item.project, m_item.name, error.message, QDateTime::currentDateTimeUtc()));
            return finishTarget(target, intentId, failure(target, error));
        }
        finishTarget(target, intentId, settleTarget(target, reply->result()));
    }

    CopyOutcome CopyJob::settleTarget(const QString &target, const UploadResult &uploaded)
    {
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const bool written = uploaded.outcome == UploadResult::Outcome::Uploaded;
        CopyOutcome outcome = outcomeFor(target);
        outcome.result = written ? CopyOutcome::Result::Copied : CopyOutcome::Result::AlreadyPresent;
        outcome.bytes = written ? uploaded.digest.size : 0;
        if (!written)
        {
            // Found there: it must be the copy recorded for that server, if one was.
            Result<std::optional<State::CopyRecord>> recorded = m_state.copyRecord(target, m_item.project, m_item.name);
            if (!recorded)
                m_warnings.append(recorded.error().toString());
            else if (recorded.value() && recorded.value()->hasDigest()
                && (recorded.value()->sha256 != uploaded.digest.sha256 || recorded.value()->size != uploaded.digest.size))
            {
                const State::CopyRecord &record = *recorded.value();
                outcome.result = CopyOutcome::Result::Failed;
                outcome.errorKind = Error::Kind::Damaged;
                outcome.error = QStringLiteral("%1 %2: %3: damaged on %1: it reads as %4, but %5 were recorded on %6")
                                    .arg(target, m_item.project, m_item.name, digestText(uploaded.digest.size, uploaded.digest.sha256),
                                        digestText(record.size, record.sha256), when(record.recordedAt));
                warnIfFailed(m_state.recordDamage(target, m_item.project, m_item.name, outcome.error, now));
                return outcome;
            }
            if (!uploaded.sameBytes)
                outcome.note = QStringLiteral("same version, other bytes on %1 (as Monticello's copyAllFrom: writes it): %2")
                                   .arg(target, digestText(uploaded.digest.size, uploaded.digest.sha256));
        }
        warnIfFailed(m_state.recordSoundCopy(target, m_item.project, m_item.name, uploaded.digest.size, uploaded.digest.sha256,
            uploaded.identity.id, now, written ? State::StateDatabase::Record::Replace : State::StateDatabase::Record::KeepRecorded));
        warnIfFailed(m_state.recordIdentity(target, m_item.project, m_item.name,
            State::StoredIdentity{uploaded.identity.id, uploaded.digest.size, QDateTime(), {}, uploaded.identity.author, uploaded.identity.authoredAt}));
        return outcome;
    }

    void CopyJob::finishTarget(const QString &target, qint64 intentId, CopyOutcome outcome)
    {
        Q_UNUSED(target);
        QString detail = outcome.error;
        if (outcome.result == CopyOutcome::Result::Copied)
            detail = QStringLiteral("verified: read back as %1").arg(digestText(m_checked->digest.size, m_checked->digest.sha256));
        else if (!outcome.note.isEmpty())
            detail = outcome.note;
        const State::JournalEntry entry = copyEntry(outcome, detail);
        // Journaled only now: after the target was read back (or the copy failed).
        const Result<qint64> journaled = intentId > 0 ? m_state.finishCopyIntent(intentId, entry) : m_state.appendJournal(entry);
        if (!journaled)
            m_warnings.append(journaled.error().toString());
        Q_EMIT targetFinished(outcome);
        nextTarget();
    }

    void CopyJob::failAll(const Error &error)
    {
        const QStringList targets = std::exchange(m_pendingTargets, {});
        for (const QString &target : targets)
        {
            const CopyOutcome outcome = failure(target, error);
            if (const Result<qint64> journaled = m_state.appendJournal(copyEntry(outcome, outcome.error)); !journaled)
                m_warnings.append(journaled.error().toString());
            Q_EMIT targetFinished(outcome);
        }
        end();
    }

    void CopyJob::end()
    {
        if (m_ended)
            return;
        m_ended = true;
        if (m_checked)
        {
            QFile::remove(m_checked->path);
            m_checked.reset();
        }
        Q_EMIT finished();
    }

    InterruptedCopies::InterruptedCopies(const CopyJob::Repositories &repositories, State::StateDatabase &state, QObject *parent)
        : QObject(parent), m_repositories(repositories), m_state(state)
    {
    }

    void InterruptedCopies::start()
    {
        Result<QList<State::CopyIntent>> intents = m_state.copyIntents();
        if (!intents)
            m_warnings.append(intents.error().toString());
        else
            m_intents = intents.value();
        next();
    }

    void InterruptedCopies::next()
    {
        if (m_intents.isEmpty())
            return Q_EMIT finished();
        const State::CopyIntent intent = m_intents.takeFirst();
        const QString started = QStringLiteral("started %1 by %2").arg(when(intent.startedAt), intent.who);
        auto journal = [this, intent](const QString &result, const QString &detail) {
            const Result<qint64> done = m_state.finishCopyIntent(intent.id, State::JournalEntry{0, QDateTime::currentDateTimeUtc(), QString(),
                QStringLiteral("copy"), intent.project, intent.name, intent.source, intent.target, result, detail});
            if (!done)
                m_warnings.append(done.error().toString());
            else
                ++m_settled;
        };
        Repository::Repository *target = m_repositories.value(intent.target);
        if (!target)
        {
            journal(QStringLiteral("failed"), QStringLiteral("interrupted (%1); %2 is no longer in the workspace").arg(started, intent.target));
            return next();
        }
        ResultReply<ContentDigest> *reply = target->digest(intent.project, intent.name);
        connect(reply, &Reply::finished, this, [this, reply, intent, started, journal] {
            reply->deleteLater();
            if (reply->failed() && reply->error().kind == Error::Kind::NotFound)
            {
                journal(QStringLiteral("failed"), QStringLiteral("interrupted before it landed (%1)").arg(started));
            }
            else if (reply->failed())
            {
                m_warnings.append(QStringLiteral("a copy of %1 to %2 was interrupted (%3) and cannot be checked now, so it is checked on the next run: %4")
                                      .arg(intent.name, intent.target, started, reply->error().toString()));
            }
            else if (reply->result() == ContentDigest{intent.size, intent.sha256})
            {
                if (Result<void> recorded = m_state.recordSoundCopy(intent.target, intent.project, intent.name, intent.size, intent.sha256, QString(),
                        QDateTime::currentDateTimeUtc(), State::StateDatabase::Record::Replace);
                    !recorded)
                    m_warnings.append(recorded.error().toString());
                journal(QStringLiteral("ok"), QStringLiteral("found present: finished by an interrupted run (%1); read back as %2")
                                                  .arg(started, digestText(intent.size, intent.sha256)));
            }
            else
            {
                journal(QStringLiteral("failed"), QStringLiteral("interrupted (%1); %2 now holds %3, not the %4 being written: "
                                                                 "twintrunkctl verify tells whether that copy is sound")
                                                      .arg(started, intent.target, digestText(reply->result().size, reply->result().sha256),
                                                          digestText(intent.size, intent.sha256)));
            }
            next();
        });
    }
}
