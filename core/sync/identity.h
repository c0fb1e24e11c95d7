#pragma once

#include <functional>

#include <QDateTime>
#include <QHash>
#include <QStringList>

#include "enginecontext.h"
#include "syncmodel.h"
#include "util/task.h"

namespace TwinTrunk::Sync
{
    // Phase 2, identity: the id of each version whose name is on more than one server (where a
    // conflict can hide) and not remembered yet, read with the smallest transfer the repository
    // can make (a probe) and remembered in the state database for as long as the listing's size and
    // date hold. Fills the ids into `listings`; what could not be read is in `warnings`.
    Task<void> identify(const EngineContext &context, QString project, QHash<QString, ServerListing> &listings, QStringList &warnings);

    // What is known of one version on one server: its id, and who wrote it when as its info says
    // (empty until read), and the date of the server's listing entry.
    struct VersionDetail
    {
        QString id;
        QString author;
        QDateTime authoredAt; // see Monticello::VersionRecord::authoredAt
        QDateTime listedModified;
    };

    // A project's versions per server: server -> name -> detail (for the console's columns).
    struct ProjectDetails
    {
        QString project;
        QHash<QString, QHash<QString, VersionDetail>> servers;
    };

    // What the state database knows of each version of `project` on each server, without a
    // request: as the last status left it. A plain read: no engine (and none of its repositories
    // or scratch folder) is needed, so the console can call it on every project it shows.
    Result<ProjectDetails> projectDetails(const Workspace &workspace, const State::StateDatabase &state, const QString &project);

    struct DetailsResult
    {
        int read = 0;    // versions whose info was read now
        int failed = 0;  // could not be read (see warnings)
        int skipped = 0; // not tried: their server failed to answer, or a stop was requested
        QStringList warnings;
    };

    // Reads the id, author and date of every version of `project` on each server that is not known
    // yet (a status reads only the names on several servers), a few kilobytes each, remembered in
    // the state database, and journals the run. Works from the last listing (run a status first).
    // A server that stops answering is not asked for the rest of its versions.
    Task<DetailsResult> readDetails(const EngineContext &context, QString project, std::function<bool()> stopRequested,
        std::function<void(int done, int total)> progressed);
}
