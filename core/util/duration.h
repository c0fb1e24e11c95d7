#pragma once

#include <QString>

namespace TwinTrunk
{
    // "90s", "15m", "2h", "1d" (or a bare number of seconds) -> seconds; -1 when not a duration.
    // For the command line (--every) and the workspace file (health interval, late-commit watch).
    qint64 parseDurationSeconds(const QString &text);
    // The other way: 86400 -> "1d", 900 -> "15m", 90 -> "90s" (the largest unit that divides it).
    QString formatDurationSeconds(qint64 seconds);

    // "500M", "2G", "64K", "1.5G" (binary units, an optional B or iB) or a bare number of bytes -> bytes;
    // -1 when not a size. For budgets (twintrunkctl verify --budget).
    qint64 parseByteSize(const QString &text);
}
