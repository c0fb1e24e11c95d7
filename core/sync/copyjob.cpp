#include "copyjob.h"

#include <QFile>

#include "repository/localversion.h"
#include "util/background.h"

namespace TwinTrunk::Sync
{
    using namespace TwinTrunk::Repository;

    namespace
    {
        // A failed upload whose bytes may have landed all the same: the connection was reset or
        // timed out (perhaps after sending; a refused connection is not told apart from a reset,
        // and costs only a check next run), a proxy answered 5xx, or the read-back failed. Not an
        // HTTP refusal (401, 403, 409: nothing written) nor damage (read back, and known wrong).
        bool outcomeUnknown(Error::Kind kind)
        {
            switch (kind)
            {
            case Error::Kind::Refused:
            case Error::Kind::Timeout:
            case Error::Kind::ServerError:
            case Error::Kind::HttpError:
            case Error::Kind::Truncated:
            case Error::Kind::Cancelled:
            case Error::Kind::NotFound:
            case Error::Kind::Io:
            case Error::Kind::Other: return true;
            default: return false;
            }
        }

        QString when(const QDateTime &time)
        {
            return time.isValid() ? time.toString(Qt::ISODate) : QStringLiteral("an unknown time");
        }

        State::JournalEntry copyEntry(const CopyOutcome &outcome, const QString &detail)
        {
            return State::JournalEntry{.at = QDateTime::currentDateTimeUtc(),
                .operation = QStringLiteral("copy"),
                .project = outcome.project,
                .name = outcome.name,
                .source = outcome.source,
                .target = outcome.target,
                .result = journalResult(outcome),
                .detail = detail};
        }
    }

    QString digestText(qint64 size, const QByteArray &sha256)
    {
        return QStringLiteral("%1 bytes, SHA-256 %2").arg(size).arg(QString::fromLatin1(sha256));
    }

    QString journalResult(const CopyOutcome &outcome)
    {
        switch (outcome.result)
        {
        case CopyOutcome::Result::Copied: return QStringLiteral("copied");
        case CopyOutcome::Result::AlreadyPresent: return QStringLiteral("already-present");
        case CopyOutcome::Result::Failed: break;
        }
        return outcome.errorKind == Error::Kind::Damaged ? QStringLiteral("damaged") : QStringLiteral("failed");
    }

    bool journalsCopyMade(const State::JournalEntry &entry)
    {
        // "ok" is what copies were journaled as before they and the CLI shared one vocabulary.
        return entry.operation == u"copy" && (entry.result == u"copied" || entry.result == u"ok");
    }

    CopyJob::CopyJob(const PlanItem &item, const EngineContext::Repositories &repositories, State::StateDatabase &state, const QString &scratchFolder,
        QObject *parent)
            : QObject(parent), m_item(item), m_repositories(repositories), m_state(state), m_scratchFolder(scratchFolder), m_pendingTargets(item.targets)
    {}

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
        TwinTrunk::Repository::Repository *source = m_repositories.value(m_item.source);
        if (!source)
            return failAll(Error{m_item.source, QStringLiteral("no such server in the workspace")});
        ResultReply<FetchedFile> *fetch = source->fetch(m_item.project, m_item.name, m_scratchFolder);
        fetch->setParent(this); // a job deleted mid-copy takes its request with it
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
                    // Only what the bytes themselves say is damage; a full disk or a size limit is not the copy's fault.
                    if (damaged->kind == Error::Kind::Damaged)
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
            return Error{.where = where, .message = QStringLiteral("%1: damaged on %2: %3").arg(m_item.name, m_item.source, why), .kind = Error::Kind::Damaged};
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
        warnIfFailed(
            m_state.recordSoundCopy(m_item.source, m_item.project, m_item.name, checked->digest.size, checked->digest.sha256, checked->identity.id, now));
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
        TwinTrunk::Repository::Repository *repository = m_repositories.value(target);
        if (!repository)
        {
            return finishTarget(target, 0, failure(target, Error{target, QStringLiteral("no such server in the workspace")}));
        }
        // Recorded before the write: a run killed before its journal entry leaves this behind,
        // and the next run settles it (settleInterruptedCopies, propagator.h).
        qint64 intentId = 0;
        if (Result<qint64> intent = m_state.addCopyIntent(State::CopyIntent{0, m_item.project, m_item.name, m_item.source, target, m_checked->digest.size,
                m_checked->digest.sha256, QDateTime::currentDateTimeUtc(), QString()});
            intent)
            intentId = intent.value();
        else
            m_warnings.append(intent.error().toString());
        ResultReply<UploadResult> *upload = repository->upload(m_item.project, *m_checked);
        upload->setParent(this);
        connect(upload, &Reply::finished, this, [this, target, intentId, upload] { onUploaded(target, intentId, upload); });
    }

    void CopyJob::onUploaded(const QString &target, qint64 intentId, ResultReply<UploadResult> *reply)
    {
        reply->deleteLater();
        if (reply->failed())
        {
            const Error &error = reply->error();
            // What was sent is what the copy should hold: verify compares with it from now on.
            if (error.kind == Error::Kind::Damaged)
                warnIfFailed(m_state.recordDamage(target, m_item.project, m_item.name, error.message, QDateTime::currentDateTimeUtc(),
                    State::ExpectedBytes{m_checked->digest.size, m_checked->digest.sha256}));
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
        warnIfFailed(m_state.recordSoundCopy(target, m_item.project, m_item.name, uploaded.digest.size, uploaded.digest.sha256, uploaded.identity.id, now,
            written ? State::StateDatabase::Record::Replace : State::StateDatabase::Record::KeepRecorded));
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
        // Journaled only now: after the target was read back (or the copy failed). A failed upload
        // may still have landed (the read-back failed, the answer was lost): its intent stays, so
        // the next run reads the target and journals the copy it finds there.
        const bool mayHaveLanded = outcome.result == CopyOutcome::Result::Failed && outcomeUnknown(outcome.errorKind);
        const Result<qint64> journaled = intentId <= 0 ? m_state.appendJournal(entry)
            : mayHaveLanded                            ? m_state.failCopyIntent(intentId, entry)
                                                       : m_state.finishCopyIntent(intentId, entry);
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
}
