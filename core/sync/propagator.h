#pragma once

#include <functional>

#include <QList>
#include <QStringList>

#include "copyjob.h"
#include "enginecontext.h"
#include "syncmodel.h"
#include "util/task.h"

namespace TwinTrunk::Sync
{
    struct SyncProgress
    {
        int itemsDone = 0;
        int itemsTotal = 0;
        qint64 bytesDone = 0;
        qint64 bytesTotal = 0;
        double bytesPerSecond = 0;
        int etaSeconds = -1;
    };

    struct SyncResult
    {
        int copied = 0;
        int alreadyPresent = 0;
        int failed = 0;
        int notStarted = 0; // left when a stop was requested
        QList<CopyOutcome> failures;
        int damaged = 0;            // of the failed: bytes found wrong on the source or a target
        int interruptedSettled = 0; // copies of a killed run, accounted for in the journal first
        QStringList warnings;       // e.g. a journal entry that could not be written after a verified copy
        QStringList notes;          // e.g. the same version found with other bytes on a target
        bool ok() const { return failed == 0 && notStarted == 0; }
    };

    // Who hears about a propagation as it goes (the engine's signals).
    struct PropagationHooks
    {
        std::function<void(const PlanItem &)> copyStarted;
        std::function<void(const CopyOutcome &)> copyFinished;
        std::function<void(const SyncProgress &)> progressed;
        std::function<bool()> stopRequested; // when it says so, no further copy starts
    };

    // Phase 5, propagate: where copies are made. First the copies a killed run left unjournaled
    // are settled (settleInterruptedCopies), then the plan's items run options.jobs at a time, each
    // a CopyJob: GET -> check whole -> PUT -> read back whole -> journal.
    Task<SyncResult> propagate(const EngineContext &context, QList<PlanItem> items, PropagationHooks hooks);

    // Copies whose intent outlived their run (a kill between the write and the journal entry):
    // each is settled by reading the target's copy, journaled as finished by the interrupted run
    // when it holds exactly the bytes that were being written, as not landed when it is absent. An
    // intent whose target cannot be read now stays for a later run (a warning says so). Returns how
    // many were settled.
    Task<int> settleInterruptedCopies(const EngineContext &context, QStringList &warnings);
}
