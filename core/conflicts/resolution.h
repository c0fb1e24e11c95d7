#pragma once

#include <functional>

#include <QJsonObject>
#include <QList>
#include <QSet>
#include <QString>

#include "repository/repository.h"
#include "state/statedatabase.h"
#include "sync/syncmodel.h"
#include "util/task.h"
#include "workspace/workspace.h"

namespace TwinTrunk::Conflicts
{
    struct ResolveOptions
    {
        bool replace = false; // replace losing copies under the name where the server permits it
        bool dryRun = false;  // show the steps, change nothing
        QString note;         // why: kept with the decision
    };

    // One step of a resolution, as it went.
    struct ResolutionStep
    {
        QString action; // "decide", "quarantine", "rename", "publish", "replace", "copy", "canonical-elsewhere", "defer"
        QString server; // where, when it is about one server
        QString result; // "planned", "done", "already-done", "refused", "failed"
        QString detail;
    };

    // A losing variant and what becomes of it: its bytes kept in the quarantine, then (a version)
    // published on every server under its new name.
    struct RenamedVariant
    {
        QString id;
        QString server;  // the server that listed it under the name (empty when none does any more)
        QString newName; // "Collections-mt.989.mcz"; empty for an update map (kept in the quarantine only)
    };

    // What a server holds under the name once the resolution is done: what an image updating from
    // it loads by that name.
    struct NameOnServer
    {
        enum class Fate
        {
            Holds,   // it holds the kept variant already
            Copy,    // it lacks the name: the kept variant is copied there
            Replace, // its losing copy is replaced by the kept variant (planned: if the server permits deleting)
            Stays,   // its losing copy stays (replacing was not asked for)
            Refused, // replacing was asked for and the server refused: its losing copy stays
        };
        QString server;
        QString listed; // the id it lists under the name now; empty when it lacks the name
        Fate fate = Fate::Holds;
    };

    struct ResolutionReport
    {
        QString project;
        QString name;
        QString decision; // "keep" or "defer"
        QString keep;     // the server whose variant is canonical
        QList<ResolutionStep> steps;
        bool ok = false;
        QString summary;
        bool dryRun = false;
        bool replace = false;          // replacing the losing copies was asked for
        QString keptId;                // the kept variant's id
        QList<NameOnServer> underName; // each server in the workspace's order, as far as the resolution got
        QList<RenamedVariant> renamed; // each losing variant, as far as the resolution got
        // The names the losing variants are published under ("Collections-mt.989.mcz").
        QStringList newNames() const;
        QJsonObject toJson() const;
    };

    // The next version name of `fileName`'s package and author that no name in `taken` has:
    // one more than the highest number among them ("Collections-mt.987.mcz" -> "Collections-mt.990.mcz").
    QString nextFreeName(const QString &fileName, const QSet<QString> &taken);

    // Carries out decisions on duplicate-name conflicts without losing either variant (see the
    // README): keep SERVER keeps each losing variant's bytes first (the quarantine folder beside the
    // state database, checksummed), publishes it on every server under the next free name with its
    // info name rewritten (its id and ancestry kept), and with `replace` puts the chosen variant in
    // place of the losing copy where a server permits deleting. Every step is journaled; each checks
    // what is already done, so an interrupted resolution resumes where it stopped when run again,
    // and nothing is published twice. An update map in conflict is resolved the same way except
    // that a losing map is kept in the quarantine only, never republished under another name (it
    // would become the newest map of its series, and images would follow it).
    class ConflictResolver final
    {
    public:
        using ProgressLog = std::function<void(const QString &line)>;

        ConflictResolver(const Workspace &workspace, State::StateDatabase &state, ProgressLog log = {});

        Task<ResolutionReport> keep(QString project, QString name, QString server, ResolveOptions options);
        ResolutionReport defer(const QString &project, const QString &name, const QString &note);

        // Where losing variants' original bytes are kept: <workspace>.state.sqlite.quarantine/<project>/.
        QString quarantineFolder() const;

    private:
        struct Servers
        {
            QHash<QString, std::shared_ptr<Repository::Repository>> repositories;
        };
        // A keep decision worked out from a fresh status, before anything changes.
        struct KeepPlan
        {
            QString project;
            QString name;
            QStringList servers; // primary first
            Sync::NameRow row;   // the name across the servers
            QSet<QString> taken; // every name in use in the project
            QList<State::ConflictRename> recorded;
            QString canonicalId;
            QString canonicalHolder;
            QStringList losers;
            bool replace = false;
            bool isUpdateMap = false;
            QString note;
        };

        Result<KeepPlan> planKeep(const Sync::ProjectSnapshot &snapshot, const QString &name, const QString &server, const ResolveOptions &options) const;
        // The server that lists the losing variant `loserId` (empty when none does any more).
        static QString holderOf(const KeepPlan &plan, const QString &loserId);
        // The bytes a rename kept in the quarantine, checked against their recorded SHA-256.
        static Result<QByteArray> keptBytes(const State::ConflictRename &rename);
        Task<bool> keepLoser(ResolutionReport &report, KeepPlan &plan, QString loserId, const Servers &servers, QString scratch, bool dryRun);
        Task<bool> publishRenamed(ResolutionReport &report, const KeepPlan &plan, State::ConflictRename rename, QByteArray original, const Servers &servers,
            QString scratch);
        Task<bool> placeCanonical(ResolutionReport &report, const KeepPlan &plan, const Servers &servers, QString scratch, bool dryRun);
        static QString keepInQuarantine(const QString &path, const QByteArray &bytes);
        void step(ResolutionReport &report, const QString &action, const QString &server, const QString &result, const QString &detail);

        const Workspace &m_workspace;
        State::StateDatabase &m_state;
        ProgressLog m_log;
    };
}
