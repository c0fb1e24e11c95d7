#include "localversion.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>

#include "listing.h"
#include "monticello/mczversion.h"
#include "monticello/updatemap.h"
#include "monticello/versionname.h"

namespace TwinTrunk::Repository
{
    namespace
    {
        constexpr qint64 MaxUpdateMapBytes = 16 * 1024 * 1024;

        Error invalid(const QString &where, const QString &message)
        {
            return Error{where, message, -1, 0, 0, Error::Kind::Invalid};
        }

        Result<VersionIdentity> identifyUpdateMap(const QString &path, const QString &fileName)
        {
            if (fileName.isEmpty())
                return invalid(path, QStringLiteral("an update map's name is its file name: give it"));
            QFile file(path);
            if (!file.open(QIODevice::ReadOnly))
                return Error{path, QStringLiteral("cannot read: %1").arg(file.errorString()), -1, 0, 0, Error::Kind::Io};
            if (file.size() > MaxUpdateMapBytes)
                return Error{path, QStringLiteral("an update map of %1 bytes is over the limit").arg(file.size()), -1, 0, 0, Error::Kind::TooLarge};
            const QByteArray bytes = file.readAll();
            Result<Monticello::UpdateMap> map = Monticello::UpdateMap::parse(bytes);
            if (!map)
                return map.error().within(path);
            const QString name = fileName.chopped(4); // without ".mcm"
            return VersionIdentity{fileName, name, QStringLiteral("sha256:") + QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex()),
                qint64(bytes.size()), QString(), QDateTime()}; // an update map has no author or date of its own
        }
    }

    bool isContentIdentity(const QString &id)
    {
        return id.startsWith(QStringLiteral("sha256:"));
    }

    Result<VersionIdentity> identifyLocalFile(const QString &path, const QString &fileName)
    {
        if (!fileName.isEmpty())
        {
            if (const QString reason = unsafeFileNameReason(fileName); !reason.isEmpty())
                return invalid(path, QStringLiteral("refused file name '%1': %2").arg(fileName.left(80), reason));
        }
        if (fileName.endsWith(QStringLiteral(".mcm")))
            return identifyUpdateMap(path, fileName);

        Result<Monticello::MczVersion> version = Monticello::MczVersion::readFile(path, Monticello::MczArchive::Members::Metadata);
        if (!version)
            return version.error();
        VersionIdentity identity;
        identity.name = version->info().name();
        identity.id = version->info().id();
        identity.author = version->info().author();
        identity.authoredAt = version->info().root().authoredAt();
        identity.fileName = Monticello::VersionName::fileNameForInfoName(identity.name);
        identity.fileSize = QFileInfo(path).size();
        if (const QString reason = unsafeFileNameReason(identity.fileName); !reason.isEmpty())
            return invalid(path, QStringLiteral("the version's name '%1' cannot be a file name on a server: %2").arg(identity.name.left(80), reason));
        if (!fileName.isEmpty() && fileName != identity.fileName)
            return invalid(path, QStringLiteral("wrong name inside: listed as '%1', the file holds '%2'").arg(fileName, identity.name));
        return identity;
    }

    Result<QByteArray> sha256OfFile(const QString &path)
    {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return Error{path, QStringLiteral("cannot read: %1").arg(file.errorString()), -1, 0, 0, Error::Kind::Io};
        QCryptographicHash hash(QCryptographicHash::Sha256);
        if (!hash.addData(&file))
            return Error{path, QStringLiteral("read error: %1").arg(file.errorString()), -1, 0, 0, Error::Kind::Io};
        return hash.result().toHex();
    }
}
