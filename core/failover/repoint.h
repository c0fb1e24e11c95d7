#pragma once

#include <functional>

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <QHash>
#include <QMap>
#include <QProcessEnvironment>
#include <QSet>

#include "health/health.h"
#include "state/statedatabase.h"
#include "sync/syncengine.h"
#include "sync/synclock.h"
#include "util/task.h"
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
            NotApplicable,     // nothing to check here (no update maps): neither a pass nor a problem
            NotChecked,        // not run, as an earlier check stopped the repoint: not known, never a pass
        };
        QString id; // "target", "reachable", "only-on-primary", "conflicts", "update-readiness", ...
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
            Planned, // dry run: what would be done
            Done,
            Failed,
            RolledBack,
            RollbackFailed,
            NotRun, // an earlier step failed
        };
        QString id; // "front-proxy", "command", "image-snippet"
        QString description;
        Outcome outcome = Outcome::Planned;
        QString output; // the command's output or what was written
        QString error;
        QString rollback; // what undoing it did
    };

    // What only the primary may have that the preflight could not rule out (the only-on-primary
    // check's findings, for the confirmation's first words): with it down, as its last listings
    // tell; up or down, the projects it could not be listed for.
    struct PrimaryRisk
    {
        QStringList atRisk;        // "trunk/X.mcz": its last listing had it, the target lacks it
        QStringList neverListed;   // projects it was never listed for (down): what only it has there is not known
        QDateTime listedAt;        // its oldest last listing of the other projects; invalid when none
        QStringList listingFailed; // projects whose listing failed just now (up): what only it has there is not known
        bool empty() const { return atRisk.isEmpty() && neverListed.isEmpty() && listingFailed.isEmpty(); }
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
        PrimaryRisk primaryRisk; // what only the primary has that is not ruled out (empty when nothing is)

        bool preflightPassed(bool acceptAtRisk) const;
        QJsonObject toJson() const;
    };

    QString outcomeName(Check::Outcome outcome);
    QString outcomeName(ActionStep::Outcome outcome);

    struct RepointOptions
    {
        bool dryRun = false;
        bool acceptAtRisk = false; // go on although versions only the (down) primary had are missing
        // With the primary up and versions only it has: copy them to the target first (verified,
        // as sync does), switch, then copy what reached the old primary during the switch. A
        // planned move while images keep committing, as a switchover waits for its replica.
        bool copyFirst = false;
        int commandTimeoutMs = 120000;
    };

    // Makes another server the primary: preflight, actions, verification, rollback, journal. See
    // docs/runbook.md. Its operations are Tasks (util/task.h); the Repoint must outlive them.
    class Repoint final
    {
    public:
        using ProgressLog = std::function<void(const QString &line)>;

        Repoint(Workspace &workspace, State::StateDatabase &state, ProgressLog log = {});

        // Each check of its own, in the order the admin reads them.
        Task<RepointReport> preflight(QString target, RepointOptions options = {});
        // Preflight, then (unless a dry run or a check stops it) the actions, the verification and,
        // if any of them fails, the rollback. On success the workspace file names the new primary
        // (if it cannot be saved, the switch is rolled back) and the old primary is watched for late
        // commits.
        Task<RepointReport> run(QString target, RepointOptions options = {});

        // What the front proxy's include file holds when `server` is primary.
        static QByteArray upstreamInclude(const ServerConfig &server, const QDateTime &at);
        // The Smalltalk an image evaluates to follow the move.
        static QString imageSnippet(const ServerConfig &from, const ServerConfig &to, const QStringList &projects, const QDateTime &at);

    private:
        struct Undo
        {
            QString id;
            std::function<Task<QString>()> run; // yields an error, empty on success
        };
        // What the servers hold, as the preflight's checks need it.
        struct VersionsAcross
        {
            QHash<QString, QSet<QString>> onTarget; // project -> names the target lists
            QStringList onlyOnPrimary;
            QStringList conflicts;
            QStringList regressions;
            QList<Check> listingChecks;              // a project the target did not list
            QMap<QString, QString> primaryNotListed; // project -> why the primary's listing of it failed
        };
        // A file a repoint replaces: its old bytes, read (and kept) before anything is written.
        struct Previous
        {
            bool existed = false;
            QByteArray bytes;
            QString error;
        };

        Check targetCheck(const ServerConfig &from, const ServerConfig *to, const QString &target) const;
        static Check reachableCheck(const Health::ServerHealth &health, bool &up);
        static Check primaryCheck(const Health::ServerHealth &health, bool &up);
        static VersionsAcross versionsAcross(const Sync::StatusReport &status, const ServerConfig &from, const ServerConfig &to);
        Check onlyOnPrimaryCheck(const VersionsAcross &across, const ServerConfig &from, const ServerConfig &to, bool primaryUp, bool acceptAtRisk,
            bool copyFirst, PrimaryRisk &risk) const;
        // Copies what `from` has and `to` lacks, verified, as the step's outcome (--copy-first),
        // holding the workspace's sync lock as every replication does.
        Task<void> copyMissing(ActionStep &step, ServerConfig from, ServerConfig to);
        Task<Result<std::unique_ptr<Sync::SyncLock>>> waitForSyncLock();
        static QString catchUpDescription(const ServerConfig &from, const ServerConfig &to);
        static constexpr int SyncLockWaitMs = 120000;
        Task<Check> updateReadinessCheck(ServerConfig to, QHash<QString, QSet<QString>> onTarget);
        Check actionsCheck(const ServerConfig &from) const;

        Task<void> runActions(RepointReport &report, ServerConfig from, ServerConfig to, RepointOptions options, QList<Undo> &undo);
        QProcessEnvironment actionEnvironment(const ServerConfig &from, const ServerConfig &to) const;
        ActionStep &beginAction(RepointReport &report, const QString &id, const QString &description, bool dryRun, bool earlierFailed);
        void failAction(ActionStep &step, const QString &error);
        static Previous readPrevious(const QString &path);
        Task<void> switchFrontProxy(ActionStep &step, QString path, ServerConfig to, QDateTime now, QProcessEnvironment environment, int timeoutMs,
            QList<Undo> &undo);
        void writeImageSnippet(ActionStep &step, const QString &path, const ServerConfig &from, const ServerConfig &to, const QDateTime &now,
            QList<Undo> &undo);
        Task<void> verify(RepointReport &report, ServerConfig to, ServerConfig from);
        Task<void> rollback(RepointReport &report, QList<Undo> &undo);
        static void noteFailedRollback(RepointReport &report);
        void finish(RepointReport &report);
        void say(const QString &line) const;
        QString backupFolder() const;

        Workspace &m_workspace;
        State::StateDatabase &m_state;
        ProgressLog m_log;
    };
}
