#include "repair.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QScopeGuard>
#include <QJsonArray>

#include "monticello/mczprefixreader.h"
#include "repository/localversion.h"

namespace TwinTrunk::Sync
{
    using namespace TwinTrunk::Repository;

    namespace
    {
        template<typename T>
        std::unique_ptr<ResultReply<T>> waited(ResultReply<T> *reply)
        {
            waitForFinished(reply);
            return std::unique_ptr<ResultReply<T>>(reply);
        }

        // Whether a server's answer to a DELETE is its policy (403, 405): a wrong password (401)
        // is not, and stops the repair to be run again.
        bool refusesToDelete(const Error &error)
        {
            return error.kind == Error::Kind::Forbidden || error.kind == Error::Kind::HttpError;
        }

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
            list.append(QJsonObject{{QStringLiteral("action"), step.action}, {QStringLiteral("server"), step.server},
                {QStringLiteral("result"), step.result}, {QStringLiteral("detail"), step.detail}});
        }
        return QJsonObject{{QStringLiteral("project"), project}, {QStringLiteral("name"), name}, {QStringLiteral("from"), from},
            {QStringLiteral("steps"), list}, {QStringLiteral("ok"), ok}, {QStringLiteral("summary"), summary}};
    }

    Repairer::Repairer(const Workspace &workspace, State::StateDatabase &state, SyncEngine &engine, ProgressLog log)
        : m_workspace(workspace), m_state(state), m_engine(engine), m_log(std::move(log))
    {
    }

    void Repairer::step(RepairReport &report, const QString &action, const QString &server, const QString &result, const QString &detail)
    {
        report.steps.append(RepairStep{action, server, result, detail});
        if (m_log)
            m_log(QStringLiteral("%1%2: %3 (%4)").arg(action, server.isEmpty() ? QString() : u' ' + server, result, detail));
        if (result == u"planned")
            return;
        const Result<qint64> journaled = m_state.appendJournal(State::JournalEntry{0, QDateTime::currentDateTimeUtc(), QString(),
            QStringLiteral("repair-") + action, report.project, report.name, report.from, server, result, detail});
        if (!journaled)
            report.steps.last().detail += QStringLiteral(" (not journaled: %1)").arg(journaled.error().toString());
    }

    Result<QStringList> Repairer::targets(const QString &project, const QString &name, const QString &from) const
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
        // A repair that removed a copy and was stopped before it put the sound one back.
        Result<QList<State::JournalEntry>> journal = m_state.journalSince(QDateTime());
        if (!journal)
            return journal.error();
        QHash<QString, bool> removedNotPut;
        for (const State::JournalEntry &entry : journal.value())
        {
            if (entry.project != project || entry.name != name || entry.result != u"done")
                continue;
            if (entry.operation == u"repair-remove")
                removedNotPut.insert(entry.target, true);
            else if (entry.operation == u"repair-put")
                removedNotPut.insert(entry.target, false);
        }
        for (auto it = removedNotPut.cbegin(); it != removedNotPut.cend(); ++it)
        {
            if (it.value() && !servers.contains(it.key()) && it.key() != from)
                servers.append(it.key());
        }
        std::sort(servers.begin(), servers.end());
        return servers;
    }

    RepairReport Repairer::repair(const QString &project, const QString &name, const QString &from, bool dryRun)
    {
        RepairReport report{project, name, from, {}, false, QString()};
        auto stop = [&report](const QString &why) {
            report.summary = why;
            return report;
        };
        if (const Result<void> known = m_workspace.requireProject(project); !known)
            return stop(known.error().toString());
        Repository::Repository *source = m_engine.repository(from);
        if (!source)
            return stop(QStringLiteral("there is no server '%1' in the workspace").arg(from));
        Result<QStringList> damagedOn = targets(project, name, from);
        if (!damagedOn)
            return stop(damagedOn.error().toString());
        if (damagedOn->isEmpty())
        {
            report.ok = true;
            return stop(QStringLiteral("nothing to repair: no damaged copy of %1 %2 is known on a server other than %3 "
                                       "(twintrunkctl verify %1 reads the copies)").arg(project, name, from));
        }

        // 1. The sound copy: read whole, checked, and the bytes recorded for it.
        auto fetched = waited(source->fetch(project, name, m_engine.scratchPath()));
        if (fetched->failed())
        {
            step(report, QStringLiteral("check-source"), from, QStringLiteral("failed"), fetched->error().toString());
            return stop(QStringLiteral("the copy on %1 cannot be read: nothing changed").arg(from));
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
        else if (record.value() && record.value()->hasDigest() && (record.value()->sha256 != sound->digest.sha256 || record.value()->size != sound->digest.size))
            unsound = QStringLiteral("it reads as %1, not as the %2 recorded").arg(digestText(sound->digest), digestText({record.value()->size, record.value()->sha256}));
        if (!unsound.isEmpty())
        {
            step(report, QStringLiteral("check-source"), from, QStringLiteral("refused"), unsound);
            return stop(QStringLiteral("the copy on %1 is not sound, so it cannot repair others: nothing changed").arg(from));
        }
        step(report, QStringLiteral("check-source"), from, dryRun ? QStringLiteral("planned") : QStringLiteral("done"),
            QStringLiteral("sound: %1, id %2").arg(digestText(sound->digest), sound->identity.id));

        // 2. Each damaged copy: kept, removed where permitted, replaced and read back.
        QStringList refused, failed;
        for (const QString &server : damagedOn.value())
        {
            if (!m_engine.repository(server))
            {
                failed.append(server);
                step(report, QStringLiteral("quarantine"), server, QStringLiteral("failed"), QStringLiteral("no longer in the workspace"));
                continue;
            }
            if (!quarantine(report, server, sound.value(), dryRun) || !replace(report, server, sound.value(), dryRun))
                (report.steps.last().result == u"refused" ? refused : failed).append(server);
        }
        report.ok = failed.isEmpty() && refused.isEmpty();
        if (dryRun)
            report.summary = QStringLiteral("dry run: would replace the damaged copies on %1 with %2's; nothing changed")
                                 .arg(damagedOn->join(QStringLiteral(", ")), from);
        else if (report.ok)
            report.summary = QStringLiteral("repaired %1 on %2 from %3; the damaged bytes are in %4")
                                 .arg(name, damagedOn->join(QStringLiteral(", ")), from, QDir::toNativeSeparators(m_workspace.quarantinePath()));
        else
            report.summary = QStringLiteral("not repaired on %1%2; run it again once the cause is mended")
                                 .arg((failed + refused).join(QStringLiteral(", ")),
                                     refused.isEmpty() ? QString() : QStringLiteral(" (%1 does not permit deleting: see the step)").arg(refused.join(QStringLiteral(", "))));
        return report;
    }

    bool Repairer::quarantine(RepairReport &report, const QString &server, const CheckedFile &sound, bool dryRun)
    {
        Repository::Repository *repository = m_engine.repository(server);
        auto fetched = waited(repository->fetch(report.project, report.name, m_engine.scratchPath()));
        if (fetched->failed() && fetched->error().kind == Error::Kind::NotFound)
        {
            step(report, QStringLiteral("quarantine"), server, QStringLiteral("already-done"), QStringLiteral("the copy is gone: a repair removed it"));
            return true;
        }
        if (fetched->failed())
        {
            step(report, QStringLiteral("quarantine"), server, QStringLiteral("failed"), fetched->error().toString());
            return false;
        }
        const QString path = fetched->result().path;
        auto removeScratch = qScopeGuard([&path] { QFile::remove(path); });
        // A copy that holds another version is a duplicate-name conflict: a person decides that.
        if (const QString id = idOfPrefix(path); !id.isEmpty() && id != sound.identity.id)
        {
            step(report, QStringLiteral("quarantine"), server, QStringLiteral("refused"),
                QStringLiteral("the copy holds id %1, the sound one %2: a duplicate-name conflict, not damage (twintrunkctl conflict)").arg(id, sound.identity.id));
            return false;
        }
        const QByteArray sha256 = fetched->result().sha256;
        const QString kept = QDir(m_workspace.quarantinePath())
                                 .filePath(QStringLiteral("%1/%2.%3.%4.damaged").arg(report.project, report.name, server, QString::fromLatin1(sha256.left(12))));
        if (dryRun)
        {
            step(report, QStringLiteral("quarantine"), server, QStringLiteral("planned"),
                QStringLiteral("keep its %1 as %2").arg(digestText({fetched->result().size, sha256}), QDir::toNativeSeparators(kept)));
            return true;
        }
        if (QFileInfo::exists(kept))
        {
            Result<ContentDigest> there = digestOfFile(kept);
            if (there && there->sha256 == sha256)
            {
                step(report, QStringLiteral("quarantine"), server, QStringLiteral("already-done"), QDir::toNativeSeparators(kept));
                return true;
            }
        }
        QDir().mkpath(QFileInfo(kept).absolutePath());
        QFile::remove(kept); // a partial one from an interrupted repair: its digest did not match
        if (!QFile::copy(path, kept))
        {
            step(report, QStringLiteral("quarantine"), server, QStringLiteral("failed"), QStringLiteral("cannot write %1").arg(QDir::toNativeSeparators(kept)));
            return false;
        }
        Result<ContentDigest> written = digestOfFile(kept);
        if (!written || written->sha256 != sha256)
        {
            step(report, QStringLiteral("quarantine"), server, QStringLiteral("failed"), QStringLiteral("%1 does not read back as written").arg(QDir::toNativeSeparators(kept)));
            return false;
        }
        step(report, QStringLiteral("quarantine"), server, QStringLiteral("done"),
            QStringLiteral("%1 kept as %2").arg(digestText(written.value()), QDir::toNativeSeparators(kept)));
        return true;
    }

    bool Repairer::replace(RepairReport &report, const QString &server, const CheckedFile &sound, bool dryRun)
    {
        Repository::Repository *repository = m_engine.repository(server);
        if (dryRun)
        {
            step(report, QStringLiteral("remove"), server, QStringLiteral("planned"), QStringLiteral("delete the damaged copy (where %1 permits it)").arg(server));
            step(report, QStringLiteral("put"), server, QStringLiteral("planned"), QStringLiteral("upload the sound copy and read it back whole"));
            return true;
        }
        auto removed = waited(repository->remove(report.project, report.name));
        if (removed->failed() && removed->error().kind == Error::Kind::NotFound)
        {
            step(report, QStringLiteral("remove"), server, QStringLiteral("already-done"), QStringLiteral("not there"));
        }
        else if (removed->failed() && refusesToDelete(removed->error()))
        {
            step(report, QStringLiteral("remove"), server, QStringLiteral("refused"),
                QStringLiteral("%1 does not permit deleting (%2): the damaged copy stays there, and images that load %3 from %1 get its damaged "
                               "bytes, which Monticello refuses to load; they load it from another server, or an admin of %1 replaces the file "
                               "by hand with the quarantined sound copy")
                    .arg(server, removed->error().message, report.name));
            return false;
        }
        else if (removed->failed())
        {
            step(report, QStringLiteral("remove"), server, QStringLiteral("failed"), removed->error().toString());
            return false;
        }
        else
        {
            step(report, QStringLiteral("remove"), server, QStringLiteral("done"), QStringLiteral("the damaged copy is deleted; its bytes are in the quarantine"));
        }

        auto uploaded = waited(repository->upload(report.project, sound));
        if (uploaded->failed())
        {
            step(report, QStringLiteral("put"), server, QStringLiteral("failed"), uploaded->error().toString());
            return false;
        }
        const UploadResult &result = uploaded->result();
        if (!result.sameBytes)
        {
            step(report, QStringLiteral("put"), server, QStringLiteral("failed"),
                QStringLiteral("%1 holds %2 now, not the sound copy: someone else wrote it meanwhile").arg(server, digestText(result.digest)));
            return false;
        }
        QString detail = QStringLiteral("read back as %1").arg(digestText(result.digest));
        if (Result<void> recorded = m_state.recordSoundCopy(server, report.project, report.name, result.digest.size, result.digest.sha256,
                result.identity.id, QDateTime::currentDateTimeUtc(), State::StateDatabase::Record::Replace);
            !recorded)
            detail += QStringLiteral(" (not recorded: %1)").arg(recorded.error().toString());
        step(report, QStringLiteral("put"), server, QStringLiteral("done"), detail);
        return true;
    }
}
