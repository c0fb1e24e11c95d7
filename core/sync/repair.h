#pragma once

#include <functional>

#include <QJsonObject>
#include <QList>
#include <QString>

#include "state/statedatabase.h"
#include "syncengine.h"
#include "workspace/workspace.h"

namespace TwinTrunk::Sync
{
    // One step of a repair, as it went.
    struct RepairStep
    {
        QString action; // "check-source", "quarantine", "remove", "put"
        QString server;
        QString result; // "planned", "done", "already-done", "refused", "failed"
        QString detail;
    };

    struct RepairReport
    {
        QString project;
        QString name;
        QString from;
        QList<RepairStep> steps;
        bool ok = false;
        QString summary;
        QJsonObject toJson() const;
    };

    // Replaces damaged copies of one version with a sound one, by an explicit decision (`twintrunkctl
    // repair`, the console): never by itself, since it deletes a file on a server.
    // 1. The copy on `from` is read whole: it must be sound, hold the name, and be the bytes recorded
    //    for it. Otherwise nothing is done.
    // 2. For each server with a damaged copy of the name (or a repair of it under way): its bytes go
    //    to the quarantine folder first, checksummed (a copy holding another id is a conflict, not
    //    damage, and is left alone); then it is deleted where the server permits it (a server that
    //    refuses keeps it, and the report says what images loading from it get); then the sound copy
    //    is uploaded and read back whole.
    // Every step is journaled ("repair-..."), and each checks what is already done, so a repair that
    // was interrupted resumes when run again.
    class Repairer final
    {
    public:
        using ProgressLog = std::function<void(const QString &line)>;

        Repairer(const Workspace &workspace, State::StateDatabase &state, SyncEngine &engine, ProgressLog log = {});

        // Replaces the damaged copies of a version with the sound one on `from`: on every server
        // that holds one, or only on `onlyOn` when given (the copy a person chose).
        Task<RepairReport> repair(QString project, QString name, QString from, bool dryRun, QString onlyOn = {});

    private:
        void step(RepairReport &report, const QString &action, const QString &server, const QString &result, const QString &detail);
        // Servers whose copy is damaged, and those a repair removed the copy from without putting one back.
        Result<QStringList> targets(const QString &project, const QString &name, const QString &from, const QString &onlyOn) const;
        enum class Quarantined
        {
            Kept,       // the damaged bytes are in the quarantine (or the copy is already gone)
            SoundAfter, // read again, the copy is sound (a damage seen in transit, or mended): left alone
            Stopped,    // the repair of this copy stops here
        };
        // Reads the copy again; when it is still damaged, keeps its bytes in the quarantine.
        Task<Quarantined> quarantine(RepairReport &report, QString server, Repository::CheckedFile sound, bool dryRun);
        Task<bool> replace(RepairReport &report, QString server, Repository::CheckedFile sound, bool dryRun);

        const Workspace &m_workspace;
        State::StateDatabase &m_state;
        SyncEngine &m_engine;
        ProgressLog m_log;
    };
}
