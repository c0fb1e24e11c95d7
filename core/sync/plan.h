#pragma once

#include "state/statedatabase.h"
#include "syncmodel.h"

namespace TwinTrunk::Sync
{
    struct PlanFilter
    {
        QString project; // empty: all
        QString from;    // empty: any source
        QString to;      // empty: every target
    };

    // Copies only: never a delete, never an overwrite; conflicts, regressions, unknown and
    // in-flight names are left alone. The source is the first server (primary first) that has it
    // and whose copy is not known damaged; for a decided conflict, the first that has the chosen
    // variant, copied only where the name is absent. A damaged copy is replaced only by a repair.
    QList<PlanItem> plan(const QList<ProjectSnapshot> &snapshots, const PlanFilter &filter = {});

    // What a plan amounts to, for a dry run and the console's preview.
    struct PlanSummary
    {
        int copies = 0;       // one per target of each item
        qint64 bytes = 0;     // listed sizes (unknown sizes count 0)
        int unknownSizes = 0; // copies whose size the listing did not give
        qint64 estimatedSeconds = 0;
    };
    // The estimate assumes 2 MB/s per transfer with `jobs` transfers at a time: a rough guide for a
    // person deciding whether to start now, never a promise.
    PlanSummary summarize(const QList<PlanItem> &items, int jobs);

    // After a repoint, late commits on the old primary go to the new primary first, while its watch
    // lasts (see State::LateCommitWatch): the plan's order, stable otherwise.
    QList<PlanItem> lateCommitsFirst(QList<PlanItem> items, const QList<State::LateCommitWatch> &watches);
}
