#pragma once

#include <functional>

#include <QHash>
#include <QObject>
#include <QStringList>

#include "enginecontext.h"
#include "repository/repository.h"
#include "state/statedatabase.h"
#include "syncmodel.h"

namespace TwinTrunk::Sync
{
    // How one copy of one version to one target ended.
    struct CopyOutcome
    {
        QString project;
        QString name;
        QString source;
        QString target;
        enum class Result
        {
            Copied,         // uploaded, then read back whole: the target holds the source's exact bytes
            AlreadyPresent, // the target had it with the same identity and a sound copy meanwhile
            Failed,         // see error and errorKind (Damaged: the bytes were wrong somewhere)
        } result = Result::Failed;
        QString error;
        Error::Kind errorKind = Error::Kind::Other;
        qint64 bytes = 0;
        QString note; // worth telling without being a failure (same version, other bytes)
    };

    // The propagate phase for one planned item (architecture.md): an asynchronous job that
    // 1. GETs the version from the source into the scratch folder, hashing it as it arrives;
    // 2. checks it whole (checkLocalFile: every member's CRC-32 over the data inflated, the name
    //    and id it must have) and against the digest recorded for the source's copy: a copy that
    //    fails is damaged on the source, recorded so, and copied nowhere;
    // 3. for each target in turn: records the intent, uploads (which reads the target's copy back
    //    whole), records the target's digest or its damage, and journals the outcome together
    //    with the end of the intent.
    // It reports each target through targetFinished and ends with finished; the propagator
    // (propagator.h) deletes it.
    class CopyJob final : public QObject
    {
        Q_OBJECT
        Q_DISABLE_COPY_MOVE(CopyJob)

    public:
        CopyJob(const PlanItem &item, const EngineContext::Repositories &repositories, State::StateDatabase &state, const QString &scratchFolder,
            QObject *parent = nullptr);
        ~CopyJob() override;

        void start();
        const PlanItem &item() const { return m_item; }
        // Things that did not fail the copy but were not done (a state database write).
        const QStringList &warnings() const { return m_warnings; }

    Q_SIGNALS:
        void targetFinished(const TwinTrunk::Sync::CopyOutcome &outcome);
        void finished();

    private:
        void onFetched(Repository::ResultReply<Repository::FetchedFile> *reply);
        // The source's copy, read whole and checked: sound, and the bytes recorded for it (when any)?
        std::optional<Error> judgeSource(const Repository::FetchedFile &fetched, const Result<Repository::CheckedFile> &checked);
        void nextTarget();
        void onUploaded(const QString &target, qint64 intentId, Repository::ResultReply<Repository::UploadResult> *reply);
        // The target's copy against the digest recorded for it: a sound copy never changes.
        CopyOutcome settleTarget(const QString &target, const Repository::UploadResult &uploaded);
        void finishTarget(const QString &target, qint64 intentId, CopyOutcome outcome);
        void failAll(const Error &error);
        CopyOutcome outcomeFor(const QString &target) const;
        CopyOutcome failure(const QString &target, const Error &error) const;
        void end();
        void warnIfFailed(const Result<void> &written);

        const PlanItem m_item;
        const EngineContext::Repositories m_repositories;
        State::StateDatabase &m_state;
        const QString m_scratchFolder;
        QStringList m_pendingTargets;
        std::optional<Repository::CheckedFile> m_checked;
        QStringList m_warnings;
        bool m_ended = false;
    };

    // The journal's words for how a copy ended.
    // A copy's result as the journal and the CLI's JSON name it: copied, already-present, failed, damaged.
    QString journalResult(const CopyOutcome &outcome);
    // The journal entry tells of a copy made (or found made by an interrupted run).
    bool journalsCopyMade(const State::JournalEntry &entry);
    // "123 bytes, SHA-256 ab12...": how journal entries and reports name a copy's bytes.
    QString digestText(qint64 size, const QByteArray &sha256);
}
