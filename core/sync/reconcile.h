#pragma once

#include "syncmodel.h"

namespace TwinTrunk::Sync
{
    // Phase 3, reconcile: from every server's listing (with the ids identity read) and what the
    // state database knows (conflict decisions, damaged copies, copies in flight), what each version
    // name is across the servers: same, missing, conflict, decided, damaged, regression, unknown.
    // A pure function: the same input always gives the same snapshot. It ends with finalize
    // (finalize.cpp): lag per direction and the in-sync verdict.
    ProjectSnapshot reconcile(const ReconcileInput &input);

    // Phase 6, finalize: per ordered pair of reachable servers, how many versions one has that the
    // other lacks and since when (lag); and "in sync" as a checked fact: every server reached,
    // nothing missing, damaged, conflicting, regressed or unread, and the digests of every
    // server's (name, id) set equal.
    void finalize(ProjectSnapshot &snapshot, const QList<const ServerListing *> &reachable);
}
