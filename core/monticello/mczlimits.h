#pragma once

#include <QtGlobal>

namespace TwinTrunk::Monticello
{
    // Bounds on what a .mcz may make us inflate, applied to the sizes actually inflated (and to the
    // declared ones too, which refuses a bomb before any work). Real versions are far below every one of them
    // (Squeak trunk's Kernel: a 900 KB file, 5 members, a 464 KB version member).
    struct MczLimits
    {
        qint64 maxArchiveBytes = 256 * 1024 * 1024;
        qint64 maxEntries = 4096;
        qint64 maxMemberBytes = 64 * 1024 * 1024;
        qint64 maxTotalBytes = 256 * 1024 * 1024;
        // Inflated/compressed, for members big enough for the ratio to mean something.
        double maxCompressionRatio = 200.0;
        qint64 ratioCheckFromBytes = 1024 * 1024;
    };

}
