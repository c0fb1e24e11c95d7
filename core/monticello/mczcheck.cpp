#include "mczcheck.h"

#include "mczversion.h"
#include "versionrecordscanner.h"
#include "zipmembers.h"

namespace TwinTrunk::Monticello
{
    namespace
    {
        Error invalid(const QString &where, const QString &message)
        {
            return Error{.where = where, .message = message, .kind = Error::Kind::Invalid};
        }

        Result<MczSoundness> check(ZipMembers &zip)
        {
            MczSoundness soundness;
            VersionRecordScanner scanner;
            bool hasPackage = false;
            bool hasVersion = false;
            const QList<ZipEntry> &entries = zip.entries();
            for (qsizetype index = 0; index < entries.size(); ++index)
            {
                const ZipEntry &entry = entries.at(index);
                if (entry.isDirectory)
                    continue;
                ++soundness.members;
                const QString where = zip.where() + QStringLiteral(": member '%1'").arg(entry.name.left(200));
                Result<qint64> inflated = 0;
                if (entry.name == u"package")
                {
                    hasPackage = true;
                    Result<QByteArray> bytes = zip.readAll(index);
                    if (!bytes)
                        return bytes.error();
                    if (Result<QString> package = parsePackageMember(bytes.value()); !package)
                        return package.error().within(where);
                    inflated = bytes->size();
                }
                else if (entry.name == u"version")
                {
                    hasVersion = true;
                    // The root record's fields come first; the rest is only checksummed.
                    inflated = zip.read(index, [&scanner](QByteArrayView piece) {
                        if (scanner.state() == VersionRecordScanner::State::NeedMore)
                            scanner.feed(piece);
                        return true;
                    });
                    if (inflated && scanner.finish() != VersionRecordScanner::State::Found)
                        return invalid(where, scanner.error());
                }
                else
                {
                    inflated = zip.read(index, {});
                }
                if (!inflated)
                    return inflated.error();
                soundness.inflatedBytes += inflated.value();
            }
            for (const auto &[present, member] : {std::pair{hasPackage, "package"}, std::pair{hasVersion, "version"}})
            {
                if (!present)
                    return invalid(zip.where(), QStringLiteral("not a Monticello version: no '%1' member").arg(QLatin1String(member)));
            }
            soundness.name = scanner.name();
            soundness.id = scanner.id();
            soundness.author = scanner.author();
            soundness.authoredAt = scanner.authoredAt();
            soundness.warnings = zip.warnings();
            return soundness;
        }
    }

    Result<MczSoundness> checkMczFile(const QString &path, const MczLimits &limits)
    {
        Result<ZipMembers> zip = ZipMembers::openFile(path, limits);
        if (!zip)
            return zip.error();
        return check(zip.value());
    }

    Result<MczSoundness> checkMczBytes(const QByteArray &bytes, const QString &where, const MczLimits &limits)
    {
        Result<ZipMembers> zip = ZipMembers::openBytes(bytes, where, limits);
        if (!zip)
            return zip.error();
        return check(zip.value());
    }
}
