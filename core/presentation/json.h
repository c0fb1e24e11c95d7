#pragma once

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>

#include "health/health.h"
#include "health/updatereadiness.h"
#include "presentation/verdict.h"
#include "sync/plan.h"
#include "sync/scrub.h"
#include "sync/syncengine.h"

// The JSON of each result, in one place: `twintrunkctl --json` prints it, and anything else that
// shows a result as JSON (a test, a future console export) gets the same keys. Unknown is null,
// never an empty list or a zero: a server that was not reached lacks "null" versions, not none.
namespace TwinTrunk::Presentation
{
    // An ISO 8601 UTC time, or null when unknown.
    QJsonValue timeJson(const QDateTime &at);
    QJsonObject verdictJson(const Verdict &verdict);
    QJsonObject projectJson(const Sync::ProjectSnapshot &project, const QDateTime &now);
    // `twintrunkctl status --json`: servers, projects (each with its verdict), the late-commit
    // watches, and the overall verdict.
    QJsonObject statusJson(const Sync::StatusReport &report);
    // The plan of a sync ("event": "plan"), then one "copy" event per copy as it ends. `notChecked`:
    // what the plan could not cover (Presentation::notPlanned); with any, "complete" is false and
    // 0 copies is not "nothing to copy".
    QJsonObject planJson(const QList<Sync::PlanItem> &items, int jobs, const QStringList &notChecked);
    QJsonObject copyJson(const Sync::CopyOutcome &outcome);
    QJsonObject progressJson(const Sync::SyncProgress &progress);
    // The last event of a sync: what was copied, what failed, what could not be checked. With
    // anything not checked, "conflictsLeft" is null (not known) and "conflictsLeftAtLeast" counts
    // those among what was listed.
    QJsonObject syncSummaryJson(const Sync::SyncResult &result, const QStringList &notChecked, int conflictsLeft);
    QString findingName(Sync::ScrubFinding::Kind kind);
    QJsonObject scrubJson(const Sync::ScrubResult &result, const QDateTime &now);
    QJsonObject healthJson(const Health::ServerHealth &health);
    QJsonArray readinessJson(const QList<Health::UpdateReadiness> &list);
}
