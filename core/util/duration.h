#pragma once

#include <QString>

namespace TwinTrunk
{
    // "90s", "15m", "2h", "1d" (or a bare number of seconds) -> seconds; -1 when not a duration.
    // For the command line (--every) and the workspace file (health interval, late-commit watch).
    qint64 parseDurationSeconds(const QString &text);
}
