#include "localversion.h"

#include <QFile>
#include <QFileInfo>

#include "listing.h"
#include "monticello/mczcheck.h"
#include "monticello/updatemap.h"
#include "monticello/versionname.h"
#include "util/sha256.h"

namespace TwinTrunk::Repository
{
    namespace
    {
        constexpr qint64 MaxUpdateMapBytes = 16 * 1024 * 1024;

        Error invalid(const QString &where, const QString &message)
        {
            return Error{.where = where, .message = message, .kind = Error::Kind::Invalid};
        }

        Result<CheckedFile> checkUpdateMap(const QString &path, const QString &fileName)
        {
            if (fileName.isEmpty())
                return invalid(path, QStringLiteral("an update map's name is its file name: give it"));
            QFile file(path);
            if (!file.open(QIODevice::ReadOnly))
                return Error{.where = path, .message = QStringLiteral("cannot read: %1").arg(file.errorString()), .kind = Error::Kind::Io};
            if (file.size() > MaxUpdateMapBytes)
                return Error{.where = path,
                    .message = QStringLiteral("an update map of %1 bytes is over the limit").arg(file.size()),
                    .kind = Error::Kind::TooLarge};
            const QByteArray bytes = file.readAll();
            Result<Monticello::UpdateMap> map = Monticello::UpdateMap::parse(bytes);
            if (!map)
                return map.error().within(path);
            const QByteArray sha256 = Sha256::hex(bytes);
            CheckedFile checked;
            checked.path = path;
            // An update map has no author or date of its own; its identity is its bytes.
            checked.identity = VersionIdentity{fileName, fileName.chopped(4), QStringLiteral("sha256:") + QString::fromLatin1(sha256), qint64(bytes.size()),
                QString(), QDateTime()};
            checked.digest = ContentDigest{qint64(bytes.size()), sha256};
            return checked;
        }
    }

    bool isContentIdentity(const QString &id)
    {
        return id.startsWith(QStringLiteral("sha256:"));
    }

    Result<CheckedFile> checkLocalFile(const QString &path, const QString &fileName, const QByteArray &knownSha256)
    {
        if (!fileName.isEmpty())
        {
            if (const QString reason = unsafeFileNameReason(fileName); !reason.isEmpty())
                return invalid(path, QStringLiteral("refused file name '%1': %2").arg(fileName.left(80), reason));
        }
        if (fileName.endsWith(QStringLiteral(".mcm")))
            return checkUpdateMap(path, fileName);

        Result<Monticello::MczSoundness> sound = Monticello::checkMczFile(path);
        if (!sound)
            return sound.error();
        CheckedFile checked;
        checked.path = path;
        checked.warnings = sound->warnings;
        VersionIdentity &identity = checked.identity;
        identity.name = sound->name;
        identity.id = sound->id;
        identity.author = sound->author;
        identity.authoredAt = sound->authoredAt;
        identity.fileName = Monticello::VersionName::fileNameForInfoName(identity.name);
        identity.fileSize = QFileInfo(path).size();
        if (const QString reason = unsafeFileNameReason(identity.fileName); !reason.isEmpty())
            return invalid(path, QStringLiteral("the version's name '%1' cannot be a file name on a server: %2").arg(identity.name.left(80), reason));
        if (!fileName.isEmpty() && fileName != identity.fileName)
            return invalid(path, QStringLiteral("wrong name inside: listed as '%1', the file holds '%2'").arg(fileName, identity.name));
        if (!knownSha256.isEmpty())
        {
            checked.digest = ContentDigest{identity.fileSize, knownSha256};
            return checked;
        }
        Result<ContentDigest> digest = digestOfFile(path);
        if (!digest)
            return digest.error();
        checked.digest = digest.value();
        return checked;
    }

    Error damagedOnTarget(const QString &where, const CheckedFile &sent, const ContentDigest &readBack)
    {
        return Error{.where = where,
            .message = QStringLiteral("%1: damaged on target: it reads back as %2 bytes with SHA-256 %3, but %4 bytes with SHA-256 %5 were sent")
                           .arg(sent.identity.fileName)
                           .arg(readBack.size)
                           .arg(QString::fromLatin1(readBack.sha256))
                           .arg(sent.digest.size)
                           .arg(QString::fromLatin1(sent.digest.sha256)),
            .kind = Error::Kind::Damaged};
    }

    Result<UploadResult> judgeCopyThere(const QString &where, const CheckedFile &ours, const Result<CheckedFile> &theirs, const ContentDigest &readBack)
    {
        if (!theirs)
        {
            // Only a copy whose archive is unsound is damaged; a local disk or a size limit says
            // nothing about it.
            if (theirs.error().kind != Error::Kind::Invalid)
                return theirs.error();
            return Error{.where = where,
                .message = QStringLiteral("%1 is there with the same id, but that copy is damaged: %2").arg(ours.identity.fileName, theirs.error().toString()),
                .kind = Error::Kind::Damaged};
        }
        if (theirs->identity.id != ours.identity.id)
        {
            return Error{.where = where,
                .message = QStringLiteral("%1 changed while it was read: id %2, ours %3").arg(ours.identity.fileName, theirs->identity.id, ours.identity.id),
                .kind = Error::Kind::Conflict};
        }
        return UploadResult{UploadResult::Outcome::AlreadyPresent, theirs->identity, readBack, readBack == ours.digest};
    }

    Result<ContentDigest> digestOfFile(const QString &path)
    {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return Error{.where = path, .message = QStringLiteral("cannot read: %1").arg(file.errorString()), .kind = Error::Kind::Io};
        Sha256 hash;
        QByteArray buffer(256 * 1024, Qt::Uninitialized);
        qint64 size = 0;
        while (true)
        {
            const qint64 got = file.read(buffer.data(), buffer.size());
            if (got < 0)
                return Error{.where = path, .message = QStringLiteral("read error: %1").arg(file.errorString()), .kind = Error::Kind::Io};
            if (got == 0)
                break;
            hash.addData(QByteArrayView(buffer.constData(), got));
            size += got;
        }
        return ContentDigest{size, hash.hexResult()};
    }
}
