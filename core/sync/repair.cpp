#include "repair.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QScopeGuard>

#include "copyjob.h"
#include "monticello/mczprefixreader.h"
#include "repository/localversion.h"
#include "util/durablefile.h"
#include "util/logging.h"

namespace TwinTrunk::Sync
{
    using namespace TwinTrunk::Repository;

    namespace
    {
        QString digestText(const ContentDigest &digest)
        {
            return QStringLiteral("%1 bytes, SHA-256 %2").arg(digest.size).arg(QString::fromLatin1(digest.sha256));
        }

        // The id at the start of a file, whatever the state of the rest (a damaged copy's id).
        QString idOfPrefix(const QString &path)
        {
            QFile file(path);
            if (!file.open(QIODevice::ReadOnly))
                return QString();
            Monticello::MczPrefixReader reader;
            while (reader.state() == Monticello::MczPrefixReader::State::NeedMore)
            {
                const QByteArray bytes = file.read(64 * 1024);
                if (bytes.isEmpty())
                    reader.finish();
                else
                    reader.feed(bytes);
            }
            return reader.state() == Monticello::MczPrefixReader::State::Found ? reader.id() : QString();
        }
    }

    QJsonObject RepairReport::toJson() const
    {
        QJsonArray list;
        for (const RepairStep &step : steps)
        {
            list.append(QJsonObject{{QStringLiteral("action"), step.action}, {QStringLiteral("server"), step.server}, {QStringLiteral("result"), step.result},
                {QStringLiteral("detail"), step.detail}});
        }
        return QJsonObject{{QStringLiteral("project"), project}, {QStringLiteral("name"), name}, {QStringLiteral("from"), from},
            {QStringLiteral("steps"), list}, {QStringLiteral("ok"), ok}, {QStringLiteral("summary"), summary}};
    }

    Repairer::Repairer(const Workspace &workspace, State::StateDatabase &state, SyncEngine &engine, ProgressLog log)
            : m_workspace(workspace), m_state(state), m_engine(engine), m_log(std::move(log))
    {}

    void Repairer::step(RepairReport &report, const QString &action, const QString &server, const QString &result, const QString &detail)
    {
        report.steps.append(RepairStep{action, server, result, detail});
        qCInfo(Log::sync).noquote() << "repair" << report.project << report.name << action << server << result << detail;
        if (m_log)
            m_log(QStringLiteral("%1%2: %3 (%4)").arg(action, server.isEmpty() ? QString() : u' ' + server, result, detail));
        if (result == u"planned")
            return;
        const Result<qint64> journaled = m_state.appendJournal(State::JournalEntry{.at = QDateTime::currentDateTimeUtc(),
            .operation = QStringLiteral("repair-") + action,
            .project = report.project,
            .name = report.name,
            .source = report.from,
            .target = server,
            .result = result,
            .detail = detail});
        if (!journaled)
            report.steps.last().detail += QStringLiteral(" (not journaled: %1)").arg(journaled.error().toString());
    }

    Result<QStringList> Repairer::targets(const QString &project, const QString &name, const QString &from, const QString &onlyOn) const
    {
        QStringList servers;
        Result<QList<State::CopyRecord>> damaged = m_state.damagedCopies(project);
        if (!damaged)
            return damaged.error();
        for (const State::CopyRecord &copy : damaged.value())
        {
            if (copy.name == name && copy.server != from)
                servers.append(copy.server);
        }
        // A repair that removed a copy and was stopped before it put the sound one back, unless a
        // later copy (a sync's) put it back since.
        Result<QList<State::JournalEntry>> journal = m_state.journalOf(project, name);
        if (!journal)
            return journal.error();
        QHash<QString, bool> removedNotPut;
        for (const State::JournalEntry &entry : journal.value())
        {
            if (entry.operation == u"repair-remove" && entry.result == u"done")
                removedNotPut.insert(entry.target, true);
            else if ((entry.operation == u"repair-put" && entry.result == u"done") || journalsCopyMade(entry))
                removedNotPut.insert(entry.target, false);
        }
        for (auto it = removedNotPut.cbegin(); it != removedNotPut.cend(); ++it)
        {
            if (it.value() && !servers.contains(it.key()) && it.key() != from)
                servers.append(it.key());
        }
        // Only servers of the workspace as it is now (one renamed or removed since is not repaired here).
        servers.removeIf([this](const QString &server) { return m_workspace.server(server) == nullptr; });
        if (!onlyOn.isEmpty())
            servers.removeIf([&onlyOn](const QString &server) { return server != onlyOn; });
        std::sort(servers.begin(), servers.end());
        return servers;
    }

    Task<RepairReport> Repairer::repair(QString project, QString name, QString from, bool dryRun, QString onlyOn)
    {
        RepairReport report{project, name, from, {}, false, QString()};
        auto stop = [&report](const QString &why) {
            report.summary = why;
            return report;
        };
        if (const Result<void> known = m_workspace.requireProject(project); !known)
            co_return stop(known.error().toString());
        TwinTrunk::Repository::Repository *source = m_engine.repository(from);
        if (!source)
            co_return stop(QStringLiteral("there is no server '%1' in the workspace").arg(from));
        // A damaged copy is no source: said first, whatever else is damaged.
        if (Result<std::optional<State::CopyRecord>> own = m_state.copyRecord(from, project, name); !own)
            co_return stop(own.error().toString());
        else if (own.value() && own.value()->isDamaged())
            co_return stop(QStringLiteral("the copy of %1 %2 on %3 is itself known damaged (%4): repair from a server whose copy is sound "
                                          "(twintrunkctl verify %1 reads the copies and says where)")
                               .arg(project, name, from, own.value()->damage));
        Result<QStringList> damagedOn = targets(project, name, from, onlyOn);
        if (!damagedOn)
            co_return stop(damagedOn.error().toString());
        if (damagedOn->isEmpty())
        {
            report.ok = true;
            co_return stop(QStringLiteral("nothing to repair: no damaged copy of %1 %2 is known on a server other than %3 "
                                          "(twintrunkctl verify %1 reads the copies)")
                               .arg(project, name, from));
        }

        if (m_engine.scratchPath().isEmpty())
            co_return stop(QStringLiteral("%1: cannot create a scratch folder for downloads: nothing changed").arg(m_workspace.scratchPath()));

        // 1. The sound copy: read whole, checked, and the bytes recorded for it.
        std::unique_ptr<ResultReply<FetchedFile>> fetched = co_await whenFinished(source->fetch(project, name, m_engine.scratchPath()));
        if (fetched->failed())
        {
            step(report, QStringLiteral("check-source"), from, QStringLiteral("failed"), fetched->error().toString());
            co_return stop(QStringLiteral("the copy on %1 cannot be read: nothing changed").arg(from));
        }
        const QString path = fetched->result().path;
        auto removeScratch = qScopeGuard([&path] { QFile::remove(path); });
        Result<CheckedFile> sound = checkLocalFile(path, name, fetched->result().sha256);
        Result<std::optional<State::CopyRecord>> record = m_state.copyRecord(from, project, name);
        QString unsound;
        if (!sound)
            unsound = sound.error().toString();
        else if (!record)
            unsound = record.error().toString();
        else if (record.value() && record.value()->hasDigest()
            && (record.value()->sha256 != sound->digest.sha256 || record.value()->size != sound->digest.size))
            unsound = QStringLiteral("it reads as %1, not as the %2 recorded")
                          .arg(digestText(sound->digest), digestText({record.value()->size, record.value()->sha256}));
        if (!unsound.isEmpty())
        {
            step(report, QStringLiteral("check-source"), from, QStringLiteral("refused"), unsound);
            co_return stop(QStringLiteral("the copy on %1 is not sound, so it cannot repair others: nothing changed").arg(from));
        }
        step(report, QStringLiteral("check-source"), from, dryRun ? QStringLiteral("planned") : QStringLiteral("done"),
            QStringLiteral("sound: %1, id %2").arg(digestText(sound->digest), sound->identity.id));

        // 2. Each damaged copy: kept, removed where permitted, replaced and read back.
        QStringList refused, failed, soundAfter;
        for (const QString &server : damagedOn.value())
        {
            if (!m_engine.repository(server))
            {
                failed.append(server);
                step(report, QStringLiteral("quarantine"), server, QStringLiteral("failed"), QStringLiteral("no longer in the workspace"));
                continue;
            }
            const Quarantined quarantined = co_await quarantine(report, server, sound.value(), dryRun);
            if (quarantined == Quarantined::SoundAfter)
            {
                soundAfter.append(server);
                continue;
            }
            bool done = quarantined == Quarantined::Kept;
            if (done)
                done = co_await replace(report, server, sound.value(), dryRun);
            if (!done)
                (report.steps.last().result == u"refused" ? refused : failed).append(server);
        }
        QStringList replaced = damagedOn.value();
        replaced.removeIf([&](const QString &server) { return soundAfter.contains(server) || failed.contains(server) || refused.contains(server); });
        report.ok = failed.isEmpty() && refused.isEmpty();
        const QString alreadySound =
            soundAfter.isEmpty() ? QString() : QStringLiteral("; on %1 it reads sound now and was left alone").arg(soundAfter.join(QStringLiteral(", ")));
        if (dryRun && failed.isEmpty() && refused.isEmpty())
            report.summary =
                (replaced.isEmpty()
                        ? QStringLiteral("dry run: nothing to replace")
                        : QStringLiteral("dry run: would replace the damaged copies on %1 with %2's").arg(replaced.join(QStringLiteral(", ")), from))
                + alreadySound + QStringLiteral("; nothing changed");
        else if (report.ok)
            report.summary =
                (replaced.isEmpty() ? QStringLiteral("nothing replaced")
                                    : QStringLiteral("repaired %1 on %2 from %3; the damaged bytes are in %4")
                                          .arg(name, replaced.join(QStringLiteral(", ")), from, QDir::toNativeSeparators(m_workspace.quarantinePath())))
                + alreadySound;
        else if (dryRun)
            report.summary =
                QStringLiteral("dry run: the repair would stop on %1 (see the steps); nothing changed").arg((failed + refused).join(QStringLiteral(", ")));
        else
            report.summary =
                QStringLiteral("not repaired on %1%2; run it again once the cause is mended")
                    .arg((failed + refused).join(QStringLiteral(", ")),
                        refused.isEmpty() ? QString() : QStringLiteral(" (%1 does not permit deleting: see the step)").arg(refused.join(QStringLiteral(", "))));
        co_return report;
    }

    Task<Repairer::Quarantined> Repairer::quarantine(RepairReport &report, QString server, CheckedFile sound, bool dryRun)
    {
        TwinTrunk::Repository::Repository *repository = m_engine.repository(server);
        std::unique_ptr<ResultReply<FetchedFile>> fetched = co_await whenFinished(repository->fetch(report.project, report.name, m_engine.scratchPath()));
        if (fetched->failed() && fetched->error().kind == Error::Kind::NotFound)
        {
            step(report, QStringLiteral("quarantine"), server, QStringLiteral("already-done"), QStringLiteral("the copy is gone: a repair removed it"));
            co_return Quarantined::Kept;
        }
        if (fetched->failed())
        {
            step(report, QStringLiteral("quarantine"), server, QStringLiteral("failed"), fetched->error().toString());
            co_return Quarantined::Stopped;
        }
        const QString path = fetched->result().path;
        auto removeScratch = qScopeGuard([&path] { QFile::remove(path); });
        // A copy that holds another version is a duplicate-name conflict: a person decides that.
        if (const QString id = idOfPrefix(path); !id.isEmpty() && id != sound.identity.id)
        {
            step(report, QStringLiteral("quarantine"), server, QStringLiteral("refused"),
                QStringLiteral("the copy holds id %1, the sound one %2: a duplicate-name conflict, not damage (twintrunkctl conflict)")
                    .arg(id, sound.identity.id));
            co_return Quarantined::Stopped;
        }
        const QByteArray sha256 = fetched->result().sha256;
        // Damage may have been seen in transit, or an admin mended the file since: what counts is
        // what it holds now. Sound and as recorded for that copy (or the sound copy's very bytes):
        // left alone, never deleted.
        if (Result<CheckedFile> theirs = checkLocalFile(path, report.name, sha256); theirs)
        {
            Result<std::optional<State::CopyRecord>> recorded = m_state.copyRecord(server, report.project, report.name);
            const bool asRecorded = recorded && recorded.value() && recorded.value()->hasDigest() && recorded.value()->sha256 == sha256
                && recorded.value()->size == fetched->result().size;
            if (theirs->digest == sound.digest || asRecorded)
            {
                QString unrecorded;
                if (!dryRun)
                {
                    if (Result<void> recordedSound = m_state.recordSoundCopy(server, report.project, report.name, theirs->digest.size, sha256,
                            theirs->identity.id, QDateTime::currentDateTimeUtc());
                        !recordedSound)
                        unrecorded = QStringLiteral(" (not recorded: %1)").arg(recordedSound.error().toString());
                }
                step(report, QStringLiteral("quarantine"), server, dryRun ? QStringLiteral("planned") : QStringLiteral("not-needed"),
                    QStringLiteral("read again, it is sound (%1): left as it is%2").arg(digestText(theirs->digest), unrecorded));
                co_return Quarantined::SoundAfter;
            }
        }
        const QString kept =
            QDir(m_workspace.quarantinePath())
                .filePath(QStringLiteral("%1/%2.%3.%4.damaged").arg(report.project, report.name, server, QString::fromLatin1(sha256.left(12))));
        if (dryRun)
        {
            step(report, QStringLiteral("quarantine"), server, QStringLiteral("planned"),
                QStringLiteral("keep its %1 as %2").arg(digestText({fetched->result().size, sha256}), QDir::toNativeSeparators(kept)));
            co_return Quarantined::Kept;
        }
        if (QFileInfo::exists(kept))
        {
            Result<ContentDigest> there = digestOfFile(kept);
            if (there && there->sha256 == sha256)
            {
                step(report, QStringLiteral("quarantine"), server, QStringLiteral("already-done"), QDir::toNativeSeparators(kept));
                co_return Quarantined::Kept;
            }
        }
        // On disk for good (synced, and its folder) before the server's copy may go.
        QFile scratch(path);
        const QByteArray damagedBytes = scratch.open(QIODevice::ReadOnly) ? scratch.readAll() : QByteArray();
        const QString error = damagedBytes.size() == fetched->result().size ? writeDurably(kept, damagedBytes)
                                                                            : QStringLiteral("cannot read %1 back").arg(QDir::toNativeSeparators(path));
        if (!error.isEmpty())
        {
            step(report, QStringLiteral("quarantine"), server, QStringLiteral("failed"), error);
            co_return Quarantined::Stopped;
        }
        Result<ContentDigest> written = digestOfFile(kept);
        if (!written || written->sha256 != sha256)
        {
            step(report, QStringLiteral("quarantine"), server, QStringLiteral("failed"),
                QStringLiteral("%1 does not read back as written").arg(QDir::toNativeSeparators(kept)));
            co_return Quarantined::Stopped;
        }
        step(report, QStringLiteral("quarantine"), server, QStringLiteral("done"),
            QStringLiteral("%1 kept as %2").arg(digestText(written.value()), QDir::toNativeSeparators(kept)));
        co_return Quarantined::Kept;
    }

    Task<bool> Repairer::replace(RepairReport &report, QString server, CheckedFile sound, bool dryRun)
    {
        TwinTrunk::Repository::Repository *repository = m_engine.repository(server);
        if (dryRun)
        {
            step(report, QStringLiteral("remove"), server, QStringLiteral("planned"),
                QStringLiteral("delete the damaged copy (where %1 permits it)").arg(server));
            step(report, QStringLiteral("put"), server, QStringLiteral("planned"), QStringLiteral("upload the sound copy and read it back whole"));
            co_return true;
        }
        std::unique_ptr<ResultReply<bool>> removed = co_await whenFinished(repository->remove(report.project, report.name));
        if (removed->failed() && removed->error().kind == Error::Kind::NotFound)
        {
            step(report, QStringLiteral("remove"), server, QStringLiteral("already-done"), QStringLiteral("not there"));
        }
        else if (removed->failed() && serverRefusesDeletes(removed->error()))
        {
            step(report, QStringLiteral("remove"), server, QStringLiteral("refused"),
                QStringLiteral("%1 does not permit deleting (%2): the damaged copy stays there, and images that load %3 from %1 get its damaged "
                               "bytes, which Monticello refuses to load; they load it from another server, or an admin of %1 replaces the file "
                               "by hand with the quarantined sound copy")
                    .arg(server, removed->error().message, report.name));
            co_return false;
        }
        else if (removed->failed())
        {
            step(report, QStringLiteral("remove"), server, QStringLiteral("failed"), removed->error().toString());
            co_return false;
        }
        else
        {
            step(report, QStringLiteral("remove"), server, QStringLiteral("done"),
                QStringLiteral("the damaged copy is deleted; its bytes are in the quarantine"));
        }

        std::unique_ptr<ResultReply<UploadResult>> uploaded = co_await whenFinished(repository->upload(report.project, sound));
        if (uploaded->failed())
        {
            step(report, QStringLiteral("put"), server, QStringLiteral("failed"), uploaded->error().toString());
            co_return false;
        }
        const UploadResult &result = uploaded->result();
        if (!result.sameBytes)
        {
            step(report, QStringLiteral("put"), server, QStringLiteral("failed"),
                QStringLiteral("%1 holds %2 now, not the sound copy: someone else wrote it meanwhile").arg(server, digestText(result.digest)));
            co_return false;
        }
        QString detail = QStringLiteral("read back as %1").arg(digestText(result.digest));
        if (Result<void> recorded = m_state.recordSoundCopy(server, report.project, report.name, result.digest.size, result.digest.sha256, result.identity.id,
                QDateTime::currentDateTimeUtc(), State::StateDatabase::Record::Replace);
            !recorded)
            detail += QStringLiteral(" (not recorded: %1)").arg(recorded.error().toString());
        step(report, QStringLiteral("put"), server, QStringLiteral("done"), detail);
        co_return true;
    }
}
