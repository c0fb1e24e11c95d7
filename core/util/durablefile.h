#pragma once

#include <QByteArray>
#include <QString>

namespace TwinTrunk
{
    // Writes `bytes` to `path` so that they survive a crash or a power cut once this returns: written
    // aside and renamed into place (QSaveFile, which syncs the file before the rename), then the
    // folder synced so that the rename is on disk too. For bytes taken off a server by a decision
    // (the quarantine): they must be safe before the server's copy goes. Returns an error naming the
    // path, or an empty string.
    QString writeDurably(const QString &path, const QByteArray &bytes);
}
