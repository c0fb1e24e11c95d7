#include "scrub.h"

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
    }

    Result<QList<DamagedCopy>> damagedCopies(const State::StateDatabase &state, const QStringList &servers, const QStringList &projects)
    {
        QList<DamagedCopy> result;
        for (const QString &project : projects)
        {
            Result<QList<State::CopyRecord>> damaged = state.damagedCopies(project);
            if (!damaged)
                return damaged.error();
            for (const State::CopyRecord &copy : damaged.value())
            {
                DamagedCopy entry{copy, {}};
                // A sound copy elsewhere: read whole, sound, not damaged since.
                for (const QString &server : servers)
                {
                    if (server == copy.server)
                        continue;
                    Result<std::optional<State::CopyRecord>> other = state.copyRecord(server, project, copy.name);
                    if (other && other.value() && other.value()->hasDigest() && !other.value()->isDamaged())
                        entry.soundOn.append(server);
                }
                std::sort(entry.soundOn.begin(), entry.soundOn.end());
                result.append(entry);
            }
        }
        return result;
    }

    Scrub::Scrub(const EngineContext::Repositories &repositories, State::StateDatabase &state, const QString &scratchFolder, QObject *parent)
            : QObject(parent), m_repositories(repositories), m_state(state), m_scratchFolder(scratchFolder)
    {}

    Task<ScrubResult> Scrub::run(ScrubOptions options)
    {
        ScrubResult result;
        Result<QList<State::VerifyCandidate>> candidates = m_state.leastRecentlyRead(options.projects);
        if (!candidates)
        {
            result.warnings.append(candidates.error().toString());
            co_return result;
        }
        // The ids the copies are listed with, where remembered: a copy must still hold its own.
        QHash<QString, QString> listedIds; // "server\tproject\tname" -> id
        for (const QString &project : options.projects)
        {
            for (auto it = m_repositories.cbegin(); it != m_repositories.cend(); ++it)
            {
                Result<QList<State::KnownVersion>> known = m_state.knownVersions(it.key(), project);
                if (!known)
                {
                    result.warnings.append(known.error().toString());
                    continue;
                }
                for (const State::KnownVersion &version : known.value())
                {
                    if (version.present && !version.uuid.isEmpty() && version.identityHolds())
                        listedIds.insert(it.key() + u'\t' + project + u'\t' + version.name, version.uuid);
                }
            }
        }

        // Within the budget, least recently read first; at least one, so a small budget still moves.
        QList<State::VerifyCandidate> chosen;
        qint64 planned = 0;
        for (const State::VerifyCandidate &candidate : candidates.value())
        {
            if (!m_repositories.contains(candidate.server))
                continue; // a server no longer in the workspace
            // A size neither listed (rounded listings, SqueakSource pages) nor recorded counts as a
            // Kernel-sized version, so a budget still bounds what a nightly run reads.
            constexpr qint64 UnknownSizeEstimate = 1024 * 1024;
            const qint64 size = candidate.knownSize >= 0 ? candidate.knownSize : UnknownSizeEstimate;
            if (options.budgetBytes >= 0 && !chosen.isEmpty() && planned + size > options.budgetBytes)
            {
                ++result.notRead;
                continue;
            }
            planned += size;
            chosen.append(candidate);
        }

        ReadRun run{result, 0, int(chosen.size()), planned};
        std::vector<std::function<Task<void>()>> tasks;
        for (const State::VerifyCandidate &candidate : std::as_const(chosen))
        {
            const QString listedId = listedIds.value(candidate.server + u'\t' + candidate.project + u'\t' + candidate.name);
            tasks.push_back([this, candidate, listedId, &run] { return readOne(candidate, listedId, run); });
        }
        const int started = co_await runBounded(std::move(tasks), std::max(1, options.jobs), options.stopRequested);
        result.notRead += int(chosen.size()) - started;
        finish(result, options);
        co_return result;
    }

    Task<void> Scrub::readOne(State::VerifyCandidate candidate, QString listedId, ReadRun &run)
    {
        std::unique_ptr<ResultReply<FetchedFile>> fetch =
            co_await whenFinished(m_repositories.value(candidate.server)->fetch(candidate.project, candidate.name, m_scratchFolder));
        ScrubFinding finding{candidate.server, candidate.project, candidate.name, ScrubFinding::Kind::Unreadable, QString(), 0};
        if (fetch->failed())
        {
            finding.detail = fetch->error().toString();
        }
        else
        {
            // The archive check is CPU work: on a pool thread, while the other reads go on.
            const FetchedFile fetched = fetch->result();
            auto check = [fetched, name = candidate.name] { return std::optional<Result<CheckedFile>>(checkLocalFile(fetched.path, name, fetched.sha256)); };
            const std::optional<Result<CheckedFile>> checked = co_await inBackground(check);
            finding = judge(candidate, fetched, *checked, listedId);
            QFile::remove(fetched.path);
        }
        ScrubResult &result = run.result;
        result.findings.append(finding);
        result.bytesRead += finding.bytes;
        switch (finding.kind)
        {
        case ScrubFinding::Kind::Sound: ++result.sound; break;
        case ScrubFinding::Kind::Healed: ++result.healed; break;
        case ScrubFinding::Kind::Damaged: ++result.damagedFound; break;
        case ScrubFinding::Kind::Unreadable: ++result.unreadable; break;
        }
        if (finding.kind != ScrubFinding::Kind::Unreadable)
            ++result.read;
        Q_EMIT progressed(++run.done, run.total, result.bytesRead, run.plannedBytes);
    }

    ScrubFinding Scrub::judge(const State::VerifyCandidate &candidate, const FetchedFile &fetched, const Result<CheckedFile> &checked, const QString &listedId)
    {
        ScrubFinding finding{candidate.server, candidate.project, candidate.name, ScrubFinding::Kind::Sound, QString(), fetched.size};
        const QDateTime now = QDateTime::currentDateTimeUtc();
        Result<std::optional<State::CopyRecord>> recorded = m_state.copyRecord(candidate.server, candidate.project, candidate.name);
        if (!recorded)
        {
            finding.kind = ScrubFinding::Kind::Unreadable;
            finding.detail = recorded.error().toString();
            return finding;
        }
        const std::optional<State::CopyRecord> &record = recorded.value();

        QString damage;
        if (!checked && checked.error().kind != Error::Kind::Invalid)
        {
            finding.kind = ScrubFinding::Kind::Unreadable; // a local disk or a limit: nothing learned of the copy
            finding.detail = checked.error().toString();
            return finding;
        }
        if (!checked)
            damage = QStringLiteral("read whole, it is not a sound version (%1)").arg(checked.error().toString());
        else if (!listedId.isEmpty() && checked->identity.id != listedId)
            damage = QStringLiteral("it holds id %1, but is listed with id %2").arg(checked->identity.id, listedId);
        else if (record && record->hasDigest() && (record->sha256 != fetched.sha256 || record->size != fetched.size))
            damage = QStringLiteral("it reads as %1, but %2 were recorded on %3")
                         .arg(digestText(fetched.size, fetched.sha256), digestText(record->size, record->sha256), record->recordedAt.toString(Qt::ISODate));

        if (!damage.isEmpty())
        {
            finding.kind = ScrubFinding::Kind::Damaged;
            finding.detail = damage;
            if (Result<void> marked = m_state.recordDamage(candidate.server, candidate.project, candidate.name, damage, now); !marked)
                finding.detail += QStringLiteral(" (not recorded: %1)").arg(marked.error().toString());
            return finding;
        }
        if (record && record->isDamaged())
        {
            // Sound now: a damage seen in transit, or a copy mended by hand. Said as it is known.
            finding.kind = ScrubFinding::Kind::Healed;
            finding.detail = QStringLiteral("read sound%1; it was marked damaged on %2 (%3)")
                                 .arg(record->hasDigest() ? QStringLiteral(" and as recorded") : QStringLiteral(" (no bytes were recorded to compare with)"),
                                     record->damagedAt.toString(Qt::ISODate), record->damage);
        }
        if (!checked->warnings.isEmpty())
            finding.detail = checked->warnings.join(QStringLiteral("; "));
        if (Result<void> sound =
                m_state.recordSoundCopy(candidate.server, candidate.project, candidate.name, fetched.size, fetched.sha256, checked->identity.id, now);
            !sound)
        {
            finding.kind = ScrubFinding::Kind::Unreadable;
            finding.detail = sound.error().toString();
        }
        return finding;
    }

    void Scrub::finish(ScrubResult &result, const ScrubOptions &options)
    {
        for (const QString &project : options.projects)
        {
            if (Result<State::VerificationCoverage> coverage = m_state.verificationCoverage(project); coverage)
                result.coverage.insert(project, coverage.value());
            else
                result.warnings.append(coverage.error().toString());
            if (Result<QStringList> otherBytes = m_state.otherBytesNames(project); otherBytes)
            {
                for (const QString &name : otherBytes.value())
                    result.otherBytes.append(project + u' ' + name);
            }
        }
        if (Result<QList<DamagedCopy>> damaged = damagedCopies(m_state, m_repositories.keys(), options.projects); damaged)
            result.damaged = damaged.value();
        else
            result.warnings.append(damaged.error().toString());

        // One journal entry per run, with what was found; one per damaged copy found now.
        for (const ScrubFinding &finding : std::as_const(result.findings))
        {
            if (finding.kind != ScrubFinding::Kind::Damaged && finding.kind != ScrubFinding::Kind::Healed)
                continue;
            const Result<qint64> journaled = m_state.appendJournal(State::JournalEntry{.at = QDateTime::currentDateTimeUtc(),
                .operation = QStringLiteral("verify"),
                .project = finding.project,
                .name = finding.name,
                .target = finding.server,
                .result = finding.kind == ScrubFinding::Kind::Damaged ? QStringLiteral("damaged") : QStringLiteral("healed"),
                .detail = finding.detail});
            if (!journaled)
                result.warnings.append(journaled.error().toString());
        }
        const QString summary = QStringLiteral("%1 copies read (%2 bytes): %3 sound, %4 healed, %5 damaged, %6 unreadable; %7 left for the next run")
                                    .arg(result.read)
                                    .arg(result.bytesRead)
                                    .arg(result.sound)
                                    .arg(result.healed)
                                    .arg(result.damagedFound)
                                    .arg(result.unreadable)
                                    .arg(result.notRead);
        const Result<qint64> journaled = m_state.appendJournal(State::JournalEntry{.at = QDateTime::currentDateTimeUtc(),
            .operation = QStringLiteral("verify"),
            .project = options.projects.join(QStringLiteral(" ")),
            .result = result.clean() ? QStringLiteral("ok") : (result.damaged.isEmpty() ? QStringLiteral("partial") : QStringLiteral("damaged")),
            .detail = summary});
        if (!journaled)
            result.warnings.append(journaled.error().toString());
    }
}
