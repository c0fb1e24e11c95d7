#include "logging.h"

namespace TwinTrunk::Log
{
    Q_LOGGING_CATEGORY(http, "twintrunk.http", QtWarningMsg)
    Q_LOGGING_CATEGORY(sync, "twintrunk.sync", QtWarningMsg)
    Q_LOGGING_CATEGORY(state, "twintrunk.state", QtWarningMsg)
    Q_LOGGING_CATEGORY(health, "twintrunk.health", QtWarningMsg)
    Q_LOGGING_CATEGORY(failover, "twintrunk.failover", QtWarningMsg)
    Q_LOGGING_CATEGORY(conflicts, "twintrunk.conflicts", QtWarningMsg)
    Q_LOGGING_CATEGORY(console, "twintrunk.console", QtWarningMsg)
}
