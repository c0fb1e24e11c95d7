#pragma once

#include <QHash>
#include <QString>

#include "repository/repository.h"
#include "state/statedatabase.h"
#include "workspace/workspace.h"

namespace TwinTrunk::Sync
{
    struct EngineOptions
    {
        int jobs = 4;   // concurrent copies
        int checks = 8; // concurrent listings and probes
        Repository::RepositoryOptions repository;
    };

    // What every phase of the engine works with (docs/architecture.md: discovery -> identity ->
    // reconcile -> plan -> propagate -> finalize): the workspace, the state database, the servers'
    // repositories and where downloads wait. Owned by the SyncEngine; the phases borrow it.
    struct EngineContext
    {
        using Repositories = QHash<QString, Repository::Repository *>; // server name -> its repository

        const Workspace &workspace;
        State::StateDatabase &state;
        const EngineOptions &options;
        Repositories repositories;
        QString scratchPath; // empty when no scratch folder could be made
    };
}
