// The one place for calls Qt does not wrap; each is guarded per platform.

#include "platform.h"

#include <QFile>

#if defined(Q_OS_WIN)
#include <io.h>
#include <windows.h>
#else
#include <unistd.h>
#endif

namespace TwinTrunk::Platform
{
    bool syncToDisk(QFile &file)
    {
        if (!file.flush())
            return false;
        const int descriptor = file.handle();
        if (descriptor < 0)
            return false;
#if defined(Q_OS_WIN)
        return FlushFileBuffers(reinterpret_cast<HANDLE>(_get_osfhandle(descriptor))) != 0;
#else
        return ::fsync(descriptor) == 0;
#endif
    }
}
