#pragma once

#include <functional>

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QObject>
#include <QStringList>

#include "enginecontext.h"
#include "repository/repository.h"
#include "state/statedatabase.h"
#include "util/task.h"

namespace TwinTrunk::Sync
{
    struct ScrubOptions
    {
        QStringList projects;                // the projects whose copies are read
        qint64 budgetBytes = -1;             // stop starting reads once this much was planned; -1: every copy
        int jobs = 2;                        // reads at a time
        std::function<bool()> stopRequested; // when it says so, no further read starts
    };

    // What one whole read of one copy found.
    struct ScrubFinding
    {
        QString server;
        QString project;
        QString name;
        enum class Kind
        {
            Sound,      // sound, and the bytes recorded for it (now recorded when there were none)
            Healed,     // known damaged before, read sound and as recorded now (a passing fault)
            Damaged,    // unsound, or other bytes than recorded, or another id than listed
            Unreadable, // not read (the server did not answer): nothing learned
        } kind = Kind::Sound;
        QString detail;
        qint64 bytes = 0;
    };

    // A damaged copy and where a sound copy of the same version is (servers whose copy was read
    // whole, found sound and not damaged since): what a repair would take.
    struct DamagedCopy
    {
        State::CopyRecord copy;
        QStringList soundOn;
    };

    // Every damaged copy still listed in the projects, with the servers that hold a sound copy of
    // it: what status, verify and the console show, and what a repair would take.
    Result<QList<DamagedCopy>> damagedCopies(const State::StateDatabase &state, const QStringList &servers, const QStringList &projects);

    struct ScrubResult
    {
        int read = 0;
        qint64 bytesRead = 0;
        int sound = 0;
        int healed = 0;
        int damagedFound = 0;
        int unreadable = 0;
        int notRead = 0;                                      // left for the next run by the budget
        QList<ScrubFinding> findings;                         // every copy read, or not read for a reason
        QList<DamagedCopy> damaged;                           // every damaged copy known in the projects, found now or before
        QHash<QString, State::VerificationCoverage> coverage; // project -> how much of it was read, since when
        QStringList otherBytes;                               // "project name": the same version with other bytes (a note)
        QStringList warnings;
        // Nothing damaged, found now or known before, nothing left unread for a failure, and nothing
        // the state database could not tell (a warning): only then is a verification "ok".
        bool clean() const { return damaged.isEmpty() && damagedFound == 0 && unreadable == 0 && warnings.isEmpty(); }
    };

    // The scrub (architecture.md, 7; `twintrunkctl verify`, like a ZFS scrub or rclone check
    // --download): reads listed copies whole, least recently read first, within a byte budget, so
    // that a nightly run covers the whole trunk over a few nights and resumes where the last one
    // stopped. Each read checks the archive whole (every member's CRC-32, the name and the id it is
    // listed with) and compares its bytes with those recorded for that copy: damage is recorded,
    // and a copy found sound again is cleared. Reads the state database's last listing: run a
    // status first.
    class Scrub final : public QObject
    {
        Q_OBJECT
        Q_DISABLE_COPY_MOVE(Scrub)

    public:
        Scrub(const EngineContext::Repositories &repositories, State::StateDatabase &state, const QString &scratchFolder, QObject *parent = nullptr);

        Task<ScrubResult> run(ScrubOptions options);

    Q_SIGNALS:
        void progressed(int done, int total, qint64 bytesDone, qint64 bytesTotal);

    private:
        struct ReadRun
        {
            ScrubResult &result;
            int done = 0;
            int total = 0;
            qint64 plannedBytes = 0;
        };
        Task<void> readOne(State::VerifyCandidate candidate, QString listedId, ReadRun &run);
        ScrubFinding judge(const State::VerifyCandidate &candidate, const Repository::FetchedFile &fetched, const Result<Repository::CheckedFile> &checked,
            const QString &listedId);
        void finish(ScrubResult &result, const ScrubOptions &options);

        const EngineContext::Repositories m_repositories;
        State::StateDatabase &m_state;
        const QString m_scratchFolder;
    };
}
