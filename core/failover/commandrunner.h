#pragma once

#include <QProcessEnvironment>
#include <QString>

#include "workspace/workspace.h"

namespace TwinTrunk::Failover
{
    struct CommandOutcome
    {
        bool ok = false;   // started, finished in time, exit status 0
        int exitCode = -1;
        QString output;    // stdout and stderr together, the last 8 KB
        QString error;     // why not ok, in words
    };

    // Runs an admin's command (see CommandConfig) with `environment` added to this process's, and
    // waits for it at most `timeoutMs`; a command that overruns is killed.
    CommandOutcome runCommand(const CommandConfig &command, const QProcessEnvironment &environment, int timeoutMs);
}
