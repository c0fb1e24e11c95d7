#pragma once

#include <QHash>
#include <QStringList>

#include "enginecontext.h"
#include "syncmodel.h"
#include "util/task.h"

namespace TwinTrunk::Sync
{
    // A listing with fewer than half the versions the server listed before, and at least this many
    // fewer, is suspect: the project on that server is left unreconciled, with a warning, instead
    // of turning every missing version into a regression.
    constexpr qsizetype SuspectShrinkMinimum = 10;

    // Phase 1, discovery: every server's listing of `project`, in parallel (options.checks at a
    // time), recorded in the state database (an unchanged listing costs a 304 where the server
    // gives validators), then read back as the database knows it: present versions with their
    // first-seen times, what a server listed before and no longer does, and the identities
    // remembered for names whose listing entry still holds. A server that did not answer, or whose
    // listing is suspect (empty, gone or shrunk), is not reachable for this project, with why.
    Task<Result<QHash<QString, ServerListing>>> discover(const EngineContext &context, QString project, QStringList &warnings);
}
