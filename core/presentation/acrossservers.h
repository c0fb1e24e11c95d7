#pragma once

#include <QList>
#include <QString>
#include <QStringList>

#include "health/health.h"
#include "presentation/verdict.h"
#include "sync/syncengine.h"
#include "sync/syncmodel.h"

// Between the servers of a workspace, three or more as well as two: what each lacks of another's
// versions (the console's server-by-server grid), and which server is best placed to take over from
// the primary (the banner's, the tray's and the wizard's default). Rules about servers, in core, so
// that twintrunkctl can say the same.
namespace TwinTrunk::Presentation
{
    // One cell of the server-by-server grid of a project: the versions `having` has that `lacking`
    // lacks. The count is reconcile's lag for that direction (Sync::Lag), the very count of the
    // projects table's Lag column and of `twintrunkctl status`. Unknown is never 0: with either
    // server not listed (down, or never listed) the cell is "not checked".
    struct LacksCell
    {
        QString lacking;
        QString having;
        // Good: nothing lacking; Warning: some; Unknown: not checked (or records not read: then
        // `versions` is a lower bound); Note: the diagonal (a server lacks nothing of its own).
        Level level = Level::Unknown;
        bool diagonal = false;
        bool known = false; // `versions` and `names` were counted (both servers listed), and show something
        int versions = 0;
        QStringList names; // the versions, by name, sorted
        QString text;      // "3", "0", "at least 3", "—", "not checked"
        QString detail;    // a sentence for a tooltip: "box3 lacks 3 versions box1 has", "box4 not listed: ..."
    };
    LacksCell lacksCell(const Sync::ProjectSnapshot &project, const QString &lacking, const QString &having);

    // The whole grid of a project: a row per server that lacks, a column per server that has, both
    // in the project's server order.
    QList<QList<LacksCell>> lacksGrid(const Sync::ProjectSnapshot &project);

    // The server best placed to take over from the primary: among the other servers not known to
    // be down (by their health probe, else by the status), the ready to take over first (see
    // takeoverReadiness), then those whose readiness is not known (the primary cannot be listed),
    // then the not ready; among equals, the one lacking the fewest of the primary's versions, then
    // the fewest of what any other server has (reconcile's "missing": with the primary down, the
    // one that holds the most; a server not listed in a project lacks an unknown number, after
    // every count), then the workspace's order. Empty `server` when no other server qualifies.
    struct TakeoverChoice
    {
        QString server;
        Takeover takeover; // its readiness
    };
    TakeoverChoice bestTakeover(const Sync::StatusReport &report, const QList<Health::ServerHealth> &health = {});
}
