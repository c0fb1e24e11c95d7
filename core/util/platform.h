#pragma once

class QFile;

namespace TwinTrunk::Platform
{
    // Flushes a written file's data to stable storage (fsync / FlushFileBuffers), so that a
    // rename that follows cannot expose a file whose contents a crash would lose.
    bool syncToDisk(QFile &file);
}
