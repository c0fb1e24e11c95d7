#pragma once

#include <QLoggingCategory>

// One logging category per area, for finding out what a long-running `twintrunkctl sync --every`
// under systemd (or the console) is doing without a debugger:
//   QT_LOGGING_RULES="twintrunk.*=true" twintrunkctl sync --every 15m   everything
//   QT_LOGGING_RULES="twintrunk.sync.info=true"     each copy, each repair step
//   QT_LOGGING_RULES="twintrunk.http.debug=true"    every request with its status, size and time
// Only warnings show by default (info: what was done; debug: how). Nothing logged carries a password: URLs are logged without their
// user info, and credentials never.
namespace TwinTrunk::Log
{
    Q_DECLARE_LOGGING_CATEGORY(http)      // twintrunk.http: requests, retries, redirects
    Q_DECLARE_LOGGING_CATEGORY(sync)      // twintrunk.sync: phases, plans, copies
    Q_DECLARE_LOGGING_CATEGORY(state)     // twintrunk.state: the state database
    Q_DECLARE_LOGGING_CATEGORY(health)    // twintrunk.health: probes
    Q_DECLARE_LOGGING_CATEGORY(failover)  // twintrunk.failover: repoint steps and commands
    Q_DECLARE_LOGGING_CATEGORY(conflicts) // twintrunk.conflicts: inspections and resolutions
    Q_DECLARE_LOGGING_CATEGORY(console)   // twintrunk.console: the console's requests to its worker
}
