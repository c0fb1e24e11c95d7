#pragma once

#include <QProcessEnvironment>
#include <QString>

#include "util/task.h"
#include "workspace/workspace.h"

namespace TwinTrunk::Failover
{
    struct CommandOutcome
    {
        bool ok = false; // started, finished in time, exit status 0
        int exitCode = -1;
        QString output; // stdout and stderr together, the last 8 KB
        QString error;  // why not ok, in words
    };

    // Runs an admin's command (see CommandConfig) with `environment` added to this process's, for
    // at most `timeoutMs`: a command that overruns is stopped with everything it started (its
    // process group on Unix, its process tree on Windows), not only the shell that ran it.
    Task<CommandOutcome> runCommand(CommandConfig command, QProcessEnvironment environment, int timeoutMs);
}
