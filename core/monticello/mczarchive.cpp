#include "mczarchive.h"

#include <memory>

#include <zip.h>

#include <QFile>
#include <QSet>

#include "textcodec.h"

namespace TwinTrunk::Monticello
{
    namespace
    {
        struct ZipArchiveCloser
        {
            void operator()(zip_t *archive) const { zip_discard(archive); }
        };
        struct ZipFileCloser
        {
            void operator()(zip_file_t *file) const { zip_fclose(file); }
        };
        struct ZipErrorHolder
        {
            zip_error_t error;
            ZipErrorHolder() { zip_error_init(&error); }
            ~ZipErrorHolder() { zip_error_fini(&error); }
            QString text() { return QString::fromUtf8(zip_error_strerror(&error)); }
        };

        bool wantsMember(const QString &name, MczArchive::Members members)
        {
            if (members == MczArchive::Members::All)
                return true;
            if (name == u"package" || name == u"version" || name.startsWith(u"dependencies/"))
                return true;
            return members == MczArchive::Members::MetadataAndSource && name == u"snapshot/source.st";
        }

        Error archiveError(const QString &where, const QString &message, Error::Kind kind = Error::Kind::Invalid)
        {
            Error error{where, message};
            error.kind = kind;
            return error;
        }
    }

    QString unsafeMemberNameReason(const QString &name)
    {
        if (name.isEmpty())
            return QStringLiteral("empty member name");
        if (name.startsWith(u'/'))
            return QStringLiteral("absolute path");
        if (name.contains(u'\\'))
            return QStringLiteral("backslash in the name");
        if (name.contains(u':'))
            return QStringLiteral("drive letter or colon in the name");
        if (hasControlCharacter(name))
            return QStringLiteral("control character in the name");
        const QStringList parts = name.split(u'/');
        for (qsizetype i = 0; i < parts.size(); ++i)
        {
            if (parts.at(i) == u"..")
                return QStringLiteral("'..' in the path");
            // "dir/" (a directory entry) ends in an empty part; an empty part elsewhere is not a path.
            if ((parts.at(i).isEmpty() || parts.at(i) == u".") && !(i == parts.size() - 1 && i > 0))
                return QStringLiteral("empty or '.' path component");
        }
        return QString();
    }

    Result<MczArchive> MczArchive::readFile(const QString &path, Members members, const MczLimits &limits)
    {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return archiveError(path, QStringLiteral("cannot open: %1").arg(file.errorString()), Error::Kind::Io);
        if (file.size() > limits.maxArchiveBytes)
        {
            return archiveError(path, QStringLiteral("file is %1 bytes, the limit is %2 bytes")
                .arg(file.size()).arg(limits.maxArchiveBytes), Error::Kind::TooLarge);
        }
        const QByteArray bytes = file.readAll();
        if (bytes.size() != file.size())
            return archiveError(path, QStringLiteral("read error: %1").arg(file.errorString()), Error::Kind::Io);
        return readBytes(bytes, path, members, limits);
    }

    Result<MczArchive> MczArchive::readBytes(const QByteArray &bytes, const QString &where, Members members,
        const MczLimits &limits)
    {
        if (bytes.size() > limits.maxArchiveBytes)
        {
            return archiveError(where, QStringLiteral("archive is %1 bytes, the limit is %2 bytes")
                .arg(bytes.size()).arg(limits.maxArchiveBytes), Error::Kind::TooLarge);
        }
        if (!bytes.startsWith("PK"))
            return archiveError(where, QStringLiteral("not a zip archive (a .mcz must be a zip file)"));

        ZipErrorHolder error;
        zip_source_t *source = zip_source_buffer_create(bytes.constData(), zip_uint64_t(bytes.size()), 0, &error.error);
        if (!source)
            return archiveError(where, QStringLiteral("cannot read the archive: %1").arg(error.text()));
        std::unique_ptr<zip_t, ZipArchiveCloser> archive(zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error.error));
        if (!archive)
        {
            zip_source_free(source);
            if (zip_error_code_zip(&error.error) == ZIP_ER_EXISTS)
                return archiveError(where, QStringLiteral("refused: a member name occurs twice in the archive"));
            return archiveError(where, QStringLiteral("not a readable zip archive: %1").arg(error.text()));
        }

        const zip_int64_t entries = zip_get_num_entries(archive.get(), 0);
        if (entries < 0 || entries > limits.maxEntries)
        {
            return archiveError(where, QStringLiteral("archive has %1 entries, the limit is %2")
                .arg(entries).arg(limits.maxEntries), Error::Kind::TooLarge);
        }

        MczArchive result;
        QSet<QString> seen;
        qint64 totalInflated = 0;
        for (zip_int64_t index = 0; index < entries; ++index)
        {
            zip_stat_t stat;
            zip_stat_init(&stat);
            // Raw name bytes: libzip's encoding guess would turn control bytes into CP437 glyphs
            // and hide exactly what the name check must see.
            if (zip_stat_index(archive.get(), zip_uint64_t(index), ZIP_FL_ENC_RAW, &stat) != 0)
            {
                return archiveError(where, QStringLiteral("entry %1 is unreadable: %2")
                    .arg(index).arg(QString::fromUtf8(zip_strerror(archive.get()))));
            }
            const QString name = decodeText(QByteArrayView(stat.name, qsizetype(qstrlen(stat.name))));
            const QString memberWhere = where + QStringLiteral(": member '%1'").arg(name.left(200));
            if (const QString reason = unsafeMemberNameReason(name); !reason.isEmpty())
                return archiveError(memberWhere, QStringLiteral("refused: %1").arg(reason));
            if (seen.contains(name))
                return archiveError(memberWhere, QStringLiteral("refused: the name occurs twice in the archive"));
            seen.insert(name);
            if (name.endsWith(u'/'))
                continue; // a directory entry carries no data

            if (stat.encryption_method != ZIP_EM_NONE)
                return archiveError(memberWhere, QStringLiteral("refused: encrypted"));
            if (stat.comp_method != ZIP_CM_STORE && stat.comp_method != ZIP_CM_DEFLATE)
            {
                return archiveError(memberWhere, QStringLiteral("refused: compression method %1 (Monticello writes deflate)")
                    .arg(stat.comp_method));
            }
            const qint64 declared = qint64(std::min<zip_uint64_t>(stat.size, zip_uint64_t(INT64_MAX)));
            if (declared > limits.maxMemberBytes)
            {
                return archiveError(memberWhere, QStringLiteral("refused: inflates to %1 bytes, the limit is %2 bytes")
                    .arg(declared).arg(limits.maxMemberBytes), Error::Kind::TooLarge);
            }
            if (declared >= limits.ratioCheckFromBytes
                && double(declared) > limits.maxCompressionRatio * double(std::max<zip_uint64_t>(stat.comp_size, 1)))
            {
                return archiveError(memberWhere, QStringLiteral("refused: compression ratio above %1 (%2 bytes from %3): a zip bomb?")
                    .arg(limits.maxCompressionRatio).arg(declared).arg(stat.comp_size), Error::Kind::TooLarge);
            }
            totalInflated += declared;
            if (totalInflated > limits.maxTotalBytes)
            {
                return archiveError(where, QStringLiteral("refused: members inflate to more than %1 bytes in total")
                    .arg(limits.maxTotalBytes), Error::Kind::TooLarge);
            }

            MczMember member{name, {}};
            if (wantsMember(name, members))
            {
                std::unique_ptr<zip_file_t, ZipFileCloser> file(zip_fopen_index(archive.get(), zip_uint64_t(index), 0));
                if (!file)
                {
                    return archiveError(memberWhere, QStringLiteral("cannot inflate: %1")
                        .arg(QString::fromUtf8(zip_strerror(archive.get()))));
                }
                // Read no more than declared: libzip checks the CRC when the member is read to its
                // declared end, so a member that lies about its size fails instead of growing.
                member.bytes.resize(declared);
                qint64 filled = 0;
                while (filled < declared)
                {
                    const zip_int64_t got = zip_fread(file.get(), member.bytes.data() + filled, zip_uint64_t(declared - filled));
                    if (got < 0)
                    {
                        return archiveError(memberWhere, QStringLiteral("corrupt data: %1")
                            .arg(QString::fromUtf8(zip_file_strerror(file.get()))));
                    }
                    if (got == 0)
                        break;
                    filled += got;
                }
                if (filled != declared)
                {
                    return archiveError(memberWhere, QStringLiteral("truncated: %1 of %2 bytes")
                        .arg(filled).arg(declared));
                }
                char probe;
                if (zip_fread(file.get(), &probe, 1) != 0)
                    return archiveError(memberWhere, QStringLiteral("corrupt data: longer than its declared size or failed its CRC check"));
            }
            result.m_members.append(std::move(member));
        }
        return result;
    }

    Result<QByteArray> MczArchive::write(const QList<MczMember> &members, const QDateTime &modified)
    {
        ZipErrorHolder error;
        zip_source_t *buffer = zip_source_buffer_create(nullptr, 0, 0, &error.error);
        if (!buffer)
            return Error{QStringLiteral("writing a .mcz"), error.text()};
        zip_t *archive = zip_open_from_source(buffer, ZIP_TRUNCATE, &error.error);
        if (!archive)
        {
            zip_source_free(buffer);
            return Error{QStringLiteral("writing a .mcz"), error.text()};
        }
        zip_source_keep(buffer); // the in-memory zip must survive zip_close() so we can read it back
        std::unique_ptr<zip_source_t, decltype(&zip_source_free)> bufferOwner(buffer, &zip_source_free);

        auto fail = [&](const QString &what) {
            const QString reason = QString::fromUtf8(zip_strerror(archive));
            zip_discard(archive);
            return Error{QStringLiteral("writing a .mcz"), what + QStringLiteral(": ") + reason};
        };

        const time_t stamp = modified.isValid() ? time_t(modified.toSecsSinceEpoch()) : time_t(0);
        QSet<QString> names;
        for (const MczMember &member : members)
        {
            if (const QString reason = unsafeMemberNameReason(member.name); !reason.isEmpty() || names.contains(member.name))
            {
                zip_discard(archive);
                return Error{QStringLiteral("writing a .mcz"),
                    QStringLiteral("member '%1' refused: %2").arg(member.name, reason.isEmpty() ? QStringLiteral("duplicate") : reason)};
            }
            names.insert(member.name);
            zip_source_t *data = zip_source_buffer(archive, member.bytes.constData(), zip_uint64_t(member.bytes.size()), 0);
            if (!data)
                return fail(member.name);
            const QByteArray name = member.name.toUtf8();
            const zip_int64_t index = zip_file_add(archive, name.constData(), data, ZIP_FL_ENC_GUESS);
            if (index < 0)
            {
                zip_source_free(data);
                return fail(member.name);
            }
            if (zip_set_file_compression(archive, zip_uint64_t(index), ZIP_CM_DEFLATE, 0) != 0
                || zip_file_set_mtime(archive, zip_uint64_t(index), stamp, 0) != 0)
                return fail(member.name);
        }
        if (zip_close(archive) != 0)
            return fail(QStringLiteral("closing"));

        if (zip_source_open(buffer) != 0)
            return Error{QStringLiteral("writing a .mcz"), QStringLiteral("cannot read back the archive")};
        QByteArray bytes;
        char chunk[65536];
        zip_int64_t got = 0;
        while ((got = zip_source_read(buffer, chunk, sizeof chunk)) > 0)
            bytes.append(chunk, got);
        zip_source_close(buffer);
        if (got < 0)
            return Error{QStringLiteral("writing a .mcz"), QStringLiteral("cannot read back the archive")};
        return bytes;
    }

    QStringList MczArchive::memberNames() const
    {
        QStringList names;
        for (const MczMember &member : m_members)
            names.append(member.name);
        return names;
    }

    bool MczArchive::hasMember(const QString &name) const
    {
        for (const MczMember &member : m_members)
        {
            if (member.name == name)
                return true;
        }
        return false;
    }

    QByteArray MczArchive::member(const QString &name) const
    {
        for (const MczMember &member : m_members)
        {
            if (member.name == name)
                return member.bytes;
        }
        return QByteArray();
    }
}
