#include "localversion.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>

#include "listing.h"
#include "monticello/mczversion.h"
#include "monticello/versionname.h"

namespace TwinTrunk::Repository
{
    Result<VersionIdentity> identifyLocalVersion(const QString &path)
    {
        Result<Monticello::MczVersion> version = Monticello::MczVersion::readFile(path, Monticello::MczArchive::Members::Metadata);
        if (!version)
            return version.error();
        VersionIdentity identity;
        identity.name = version->info().name();
        identity.id = version->info().id();
        identity.fileName = Monticello::VersionName::fileNameForInfoName(identity.name);
        identity.fileSize = QFileInfo(path).size();
        if (const QString reason = unsafeFileNameReason(identity.fileName); !reason.isEmpty())
        {
            return Error{path, QStringLiteral("the version's name '%1' cannot be a file name on a server: %2").arg(identity.name.left(80), reason),
                -1, 0, 0, Error::Kind::Invalid};
        }
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
