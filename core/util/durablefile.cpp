#include "durablefile.h"

#include <QDir>
#include <QFileInfo>
#include <QSaveFile>

#include "platform.h"

namespace TwinTrunk
{
    QString writeDurably(const QString &path, const QByteArray &bytes)
    {
        const QString folder = QFileInfo(path).absolutePath();
        if (!QDir().mkpath(folder))
            return QStringLiteral("%1: cannot create the folder").arg(QDir::toNativeSeparators(folder));
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
            return QStringLiteral("%1: cannot write: %2").arg(QDir::toNativeSeparators(path), file.errorString());
        if (!Platform::syncDirectory(folder))
            return QStringLiteral("%1: written, but its folder could not be synced to disk").arg(QDir::toNativeSeparators(path));
        return QString();
    }
}
