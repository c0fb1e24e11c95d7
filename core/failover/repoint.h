#pragma once

#include <functional>

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include "state/statedatabase.h"
#include "workspace/workspace.h"

namespace TwinTrunk::Failover
{
    // One preflight check, as the admin sees it.
    struct Check
    {
        enum class Outcome
        {
            Passed,
            Warning,           // worth reading, does not stop the repoint
            NeedsConfirmation, // stops it unless the admin accepts (--accept-at-risk)
            Failed,            // stops it
        };
        QString id;       // "target", "reachable", "only-on-primary", "conflicts", "update-readiness", ...
        QString title;
        Outcome outcome = Outcome::Passed;
        QString reason;
        QStringList items; // what the reason is about: versions, maps, conflicts
    };

    // One action of a repoint, in the order they run.
    struct ActionStep
    {
        enum class Outcome
        {
            Planned,      // dry run: what would be done
            Done,
            Failed,
            RolledBack,
            RollbackFailed,
            NotRun,       // an earlier step failed
        };
        QString id;          // "front-proxy", "command", "image-snippet"
        QString description;
        Outcome outcome = Outcome::Planned;
        QString output;      // the command's output or what was written
        QString error;
        QString rollback;    // what undoing it did
    };

    struct RepointReport
    {
        QString from;
        QString to;
        bool dryRun = false;
        QDateTime startedAt;
        QList<Check> checks;
        QList<ActionStep> actions;
        Check verification;
        bool verified = false;
        bool rolledBack = false;
        bool succeeded = false; // the new primary is verified (dry run: every check passed)
        QString summary;

        bool preflightPassed(bool acceptAtRisk) const;
        QJsonObject toJson() const;
    };

    QString outcomeName(Check::Outcome outcome);
    QString outcomeName(ActionStep::Outcome outcome);

    struct RepointOptions
    {
        bool dryRun = false;
        bool acceptAtRisk = false;  // go on although versions only the (down) primary had are missing
        int commandTimeoutMs = 120000;
    };

    // Makes another server the primary: preflight, actions, verification, rollback, journal. See
    // the README's runbook. Blocking (an event loop turns during network calls): run it from the
    // CLI's thread or a worker thread.
    class Repoint final
    {
    public:
        using ProgressLog = std::function<void(const QString &line)>;

        Repoint(Workspace &workspace, State::StateDatabase &state, ProgressLog log = {});

        RepointReport preflight(const QString &target, const RepointOptions &options = {});
        // Preflight, then (unless a dry run or a check stops it) the actions, the verification and,
        // if any of them fails, the rollback. On success the workspace file names the new primary
        // and the old primary is watched for late commits.
        RepointReport run(const QString &target, const RepointOptions &options = {});

        // What the front proxy's include file holds when `server` is primary.
        static QByteArray upstreamInclude(const ServerConfig &server, const QDateTime &at);
        // The Smalltalk an image evaluates to follow the move.
        static QString imageSnippet(const ServerConfig &from, const ServerConfig &to, const QStringList &projects, const QDateTime &at);

    private:
        struct Undo
        {
            QString id;
            std::function<QString()> run; // returns an error, empty on success
        };

        void runActions(RepointReport &report, const ServerConfig &from, const ServerConfig &to, const RepointOptions &options, QList<Undo> &undo);
        void verify(RepointReport &report, const ServerConfig &to, const ServerConfig &from);
        void rollback(RepointReport &report, QList<Undo> &undo);
        void finish(RepointReport &report);
        void say(const QString &line) const;
        QString backupFolder() const;

        Workspace &m_workspace;
        State::StateDatabase &m_state;
        ProgressLog m_log;
    };
}
