#include "zipmembers.h"

#include <zip.h>
#include <zlib.h>

#include <string>

#include <QDir>
#include <QFile>
#include <QSet>

#include "textcodec.h"

namespace TwinTrunk::Monticello
{
    namespace
    {
        constexpr qint64 PieceBytes = 64 * 1024;

        struct ZipFileCloser
        {
            void operator()(zip_file_t *file) const { zip_fclose(file); }
        };

        struct ZipErrorHolder
        {
            zip_error_t error;
            ZipErrorHolder() { zip_error_init(&error); }
            ~ZipErrorHolder() { zip_error_fini(&error); }
            ZipErrorHolder(const ZipErrorHolder &) = delete;
            ZipErrorHolder &operator=(const ZipErrorHolder &) = delete;
            QString text() { return QString::fromUtf8(zip_error_strerror(&error)); }
        };

        // Raw inflate (zip members carry no zlib header).
        struct Inflater
        {
            z_stream stream{};
            bool ready = false;
            Inflater() { ready = inflateInit2(&stream, -MAX_WBITS) == Z_OK; }
            ~Inflater()
            {
                if (ready)
                    inflateEnd(&stream);
            }
            Inflater(const Inflater &) = delete;
            Inflater &operator=(const Inflater &) = delete;
        };

        Error archiveError(const QString &where, const QString &message, Error::Kind kind = Error::Kind::Invalid)
        {
            Error error{where, message};
            error.kind = kind;
            return error;
        }

        QString hex32(quint32 value)
        {
            return QStringLiteral("%1").arg(value, 8, 16, QLatin1Char('0'));
        }

        // Why this entry is refused before any of it is read (its name, encryption, method, and its
        // declared size against the limits), or an empty string.
        QString declaredRefusal(const ZipEntry &entry, bool encrypted, zip_int32_t method, const MczLimits &limits, Error::Kind &kind)
        {
            kind = Error::Kind::Invalid;
            if (const QString reason = unsafeMemberNameReason(entry.name); !reason.isEmpty())
                return QStringLiteral("refused: %1").arg(reason);
            if (entry.isDirectory)
                return QString();
            if (encrypted)
                return QStringLiteral("refused: encrypted");
            if (method != ZIP_CM_STORE && method != ZIP_CM_DEFLATE)
                return QStringLiteral("refused: compression method %1 (Monticello writes deflate)").arg(method);
            kind = Error::Kind::TooLarge;
            if (entry.declaredSize > limits.maxMemberBytes)
                return QStringLiteral("refused: inflates to %1 bytes, the limit is %2 bytes").arg(entry.declaredSize).arg(limits.maxMemberBytes);
            if (entry.declaredSize >= limits.ratioCheckFromBytes
                && double(entry.declaredSize) > limits.maxCompressionRatio * double(std::max<qint64>(entry.compressedSize, 1)))
            {
                return QStringLiteral("refused: compression ratio above %1 (%2 bytes from %3): a zip bomb?")
                    .arg(limits.maxCompressionRatio)
                    .arg(entry.declaredSize)
                    .arg(entry.compressedSize);
            }
            return QString();
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

    void ZipMembers::ArchiveCloser::operator()(zip_t *archive) const
    {
        zip_discard(archive);
    }

    ZipMembers::~ZipMembers() = default;
    ZipMembers::ZipMembers(ZipMembers &&) noexcept = default;
    ZipMembers &ZipMembers::operator=(ZipMembers &&) noexcept = default;

    Result<ZipMembers> ZipMembers::openFile(const QString &path, const MczLimits &limits)
    {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return archiveError(path, QStringLiteral("cannot open: %1").arg(file.errorString()), Error::Kind::Io);
        if (file.size() > limits.maxArchiveBytes)
        {
            return archiveError(path, QStringLiteral("file is %1 bytes, the limit is %2 bytes").arg(file.size()).arg(limits.maxArchiveBytes),
                Error::Kind::TooLarge);
        }
        char magic[2] = {0, 0};
        if (file.read(magic, 2) != 2 || magic[0] != 'P' || magic[1] != 'K')
            return archiveError(path, QStringLiteral("not a zip archive (a .mcz must be a zip file)"));
        file.close();

        ZipErrorHolder error;
#if defined(Q_OS_WIN)
        // The wide-character path: an 8-bit one would lose any name outside the ANSI code page.
        const std::wstring widePath = QDir::toNativeSeparators(path).toStdWString();
        zip_source_t *source = zip_source_win32w_create(widePath.c_str(), 0, -1, &error.error);
#else
        const QByteArray nativePath = QFile::encodeName(path);
        zip_source_t *source = zip_source_file_create(nativePath.constData(), 0, -1, &error.error);
#endif
        if (!source)
            return archiveError(path, QStringLiteral("cannot read the archive: %1").arg(error.text()), Error::Kind::Io);
        zip_t *archive = zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error.error);
        if (!archive)
        {
            zip_source_free(source);
            if (zip_error_code_zip(&error.error) == ZIP_ER_EXISTS)
                return archiveError(path, QStringLiteral("refused: a member name occurs twice in the archive"));
            return archiveError(path, QStringLiteral("not a readable zip archive: %1").arg(error.text()));
        }
        return open(archive, path, limits);
    }

    Result<ZipMembers> ZipMembers::openBytes(const QByteArray &bytes, const QString &where, const MczLimits &limits)
    {
        if (bytes.size() > limits.maxArchiveBytes)
        {
            return archiveError(where, QStringLiteral("archive is %1 bytes, the limit is %2 bytes").arg(bytes.size()).arg(limits.maxArchiveBytes),
                Error::Kind::TooLarge);
        }
        if (!bytes.startsWith("PK"))
            return archiveError(where, QStringLiteral("not a zip archive (a .mcz must be a zip file)"));
        ZipErrorHolder error;
        zip_source_t *source = zip_source_buffer_create(bytes.constData(), zip_uint64_t(bytes.size()), 0, &error.error);
        if (!source)
            return archiveError(where, QStringLiteral("cannot read the archive: %1").arg(error.text()));
        zip_t *archive = zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error.error);
        if (!archive)
        {
            zip_source_free(source);
            if (zip_error_code_zip(&error.error) == ZIP_ER_EXISTS)
                return archiveError(where, QStringLiteral("refused: a member name occurs twice in the archive"));
            return archiveError(where, QStringLiteral("not a readable zip archive: %1").arg(error.text()));
        }
        Result<ZipMembers> opened = open(archive, where, limits);
        if (!opened)
            return opened;
        ZipMembers members = std::move(opened).value();
        members.m_bytes = bytes; // shared, not copied: libzip reads from this very buffer
        return members;
    }

    Result<ZipMembers> ZipMembers::open(zip_t *archive, const QString &where, const MczLimits &limits)
    {
        ZipMembers members;
        members.m_archive.reset(archive);
        members.m_where = where;
        members.m_limits = limits;

        const zip_int64_t count = zip_get_num_entries(archive, 0);
        if (count < 0 || count > limits.maxEntries)
            return archiveError(where, QStringLiteral("archive has %1 entries, the limit is %2").arg(count).arg(limits.maxEntries), Error::Kind::TooLarge);

        QSet<QString> seen;
        qint64 declaredTotal = 0;
        members.m_entries.reserve(count);
        for (zip_int64_t index = 0; index < count; ++index)
        {
            zip_stat_t stat;
            zip_stat_init(&stat);
            // Raw name bytes: libzip's encoding guess would turn control bytes into CP437 glyphs
            // and hide exactly what the name check must see.
            if (zip_stat_index(archive, zip_uint64_t(index), ZIP_FL_ENC_RAW, &stat) != 0)
                return archiveError(where, QStringLiteral("entry %1 is unreadable: %2").arg(index).arg(QString::fromUtf8(zip_strerror(archive))));
            ZipEntry entry;
            entry.name = decodeText(QByteArrayView(stat.name, qsizetype(qstrlen(stat.name))));
            entry.isDirectory = entry.name.endsWith(u'/');
            entry.deflated = stat.comp_method == ZIP_CM_DEFLATE;
            entry.declaredSize = qint64(std::min<zip_uint64_t>(stat.size, zip_uint64_t(INT64_MAX)));
            entry.compressedSize = qint64(std::min<zip_uint64_t>(stat.comp_size, zip_uint64_t(INT64_MAX)));
            entry.crc32 = stat.crc;
            const QString entryWhere = where + QStringLiteral(": member '%1'").arg(entry.name.left(200));
            Error::Kind kind = Error::Kind::Invalid;
            if (const QString refusal = declaredRefusal(entry, stat.encryption_method != ZIP_EM_NONE, stat.comp_method, limits, kind); !refusal.isEmpty())
                return archiveError(entryWhere, refusal, kind);
            if (seen.contains(entry.name))
                return archiveError(entryWhere, QStringLiteral("refused: the name occurs twice in the archive"));
            seen.insert(entry.name);
            declaredTotal += entry.isDirectory ? 0 : entry.declaredSize;
            if (declaredTotal > limits.maxTotalBytes)
                return archiveError(where, QStringLiteral("refused: members inflate to more than %1 bytes in total").arg(limits.maxTotalBytes),
                    Error::Kind::TooLarge);
            members.m_entries.append(entry);
        }
        return members;
    }

    QString ZipMembers::memberWhere(qsizetype index) const
    {
        return m_where + QStringLiteral(": member '%1'").arg(m_entries.at(index).name.left(200));
    }

    Result<qint64> ZipMembers::read(qsizetype index, const Sink &sink)
    {
        const ZipEntry &entry = m_entries.at(index);
        const QString where = memberWhere(index);
        if (entry.isDirectory)
            return qint64(0);
        // The compressed bytes as stored: the inflating and the CRC are ours (see the class comment).
        std::unique_ptr<zip_file_t, ZipFileCloser> file(zip_fopen_index(m_archive.get(), zip_uint64_t(index), ZIP_FL_COMPRESSED));
        if (!file)
            return archiveError(where, QStringLiteral("cannot read: %1").arg(QString::fromUtf8(zip_strerror(m_archive.get()))));

        Inflater inflater;
        if (entry.deflated && !inflater.ready)
            return archiveError(where, QStringLiteral("cannot start inflating"), Error::Kind::Other);
        QByteArray input(PieceBytes, Qt::Uninitialized);
        QByteArray output(entry.deflated ? PieceBytes : 0, Qt::Uninitialized);
        uLong crc = crc32(0L, Z_NULL, 0);
        qint64 inflated = 0;
        qint64 trailing = 0; // compressed bytes after the end of the deflate stream
        bool streamEnded = !entry.deflated;
        bool sinkStopped = false;

        // Counts a piece of inflated data against the limits, checksums it and passes it on.
        auto take = [&](const char *data, qint64 size) -> std::optional<Error> {
            inflated += size;
            m_totalInflated += size;
            if (inflated > m_limits.maxMemberBytes)
                return archiveError(where, QStringLiteral("refused: inflates to more than %1 bytes, the limit is %1 bytes").arg(m_limits.maxMemberBytes),
                    Error::Kind::TooLarge);
            if (inflated >= m_limits.ratioCheckFromBytes && double(inflated) > m_limits.maxCompressionRatio * double(std::max<qint64>(entry.compressedSize, 1)))
            {
                return archiveError(where,
                    QStringLiteral("refused: compression ratio above %1 (%2 bytes and more from %3): a zip bomb?")
                        .arg(m_limits.maxCompressionRatio)
                        .arg(inflated)
                        .arg(entry.compressedSize),
                    Error::Kind::TooLarge);
            }
            if (m_totalInflated > m_limits.maxTotalBytes)
                return archiveError(m_where, QStringLiteral("refused: members inflate to more than %1 bytes in total").arg(m_limits.maxTotalBytes),
                    Error::Kind::TooLarge);
            crc = crc32(crc, reinterpret_cast<const Bytef *>(data), uInt(size));
            if (sink && !sink(QByteArrayView(data, size)))
                sinkStopped = true;
            return std::nullopt;
        };

        // Inflates the input given so far. zlib may hold output back when the output buffer fills,
        // so it is called again while the buffer comes back full, and once more after the input
        // ends; Z_BUF_ERROR means it can do nothing more without input.
        z_stream &stream = inflater.stream;
        auto pump = [&]() -> std::optional<Error> {
            while (!streamEnded && !sinkStopped)
            {
                stream.next_out = reinterpret_cast<Bytef *>(output.data());
                stream.avail_out = uInt(output.size());
                const int status = inflate(&stream, Z_NO_FLUSH);
                if (status == Z_BUF_ERROR)
                    return std::nullopt; // no progress possible: more input is needed
                if (status != Z_OK && status != Z_STREAM_END)
                {
                    return archiveError(where,
                        QStringLiteral("corrupt data: the deflated data is invalid (zlib: %1)").arg(QString::fromLatin1(stream.msg ? stream.msg : "error")));
                }
                if (std::optional<Error> error = take(output.constData(), qint64(output.size()) - stream.avail_out))
                    return error;
                streamEnded = status == Z_STREAM_END;
                if (stream.avail_in == 0 && stream.avail_out > 0)
                    return std::nullopt; // all input taken, nothing held back
            }
            return std::nullopt;
        };

        while (!sinkStopped)
        {
            const zip_int64_t got = zip_fread(file.get(), input.data(), zip_uint64_t(input.size()));
            if (got < 0)
                return archiveError(where, QStringLiteral("corrupt data: %1").arg(QString::fromUtf8(zip_file_strerror(file.get()))));
            if (got == 0)
                break;
            if (!entry.deflated)
            {
                if (std::optional<Error> error = take(input.constData(), got))
                    return *error;
                continue;
            }
            if (streamEnded)
            {
                trailing += got; // bytes after the end of the deflate stream
                continue;
            }
            stream.next_in = reinterpret_cast<Bytef *>(input.data());
            stream.avail_in = uInt(got);
            if (std::optional<Error> error = pump())
                return *error;
            if (streamEnded)
                trailing += stream.avail_in;
        }
        if (entry.deflated && !sinkStopped)
        {
            stream.next_in = nullptr;
            stream.avail_in = 0;
            if (std::optional<Error> error = pump()) // what zlib held back when the input ended
                return *error;
        }
        if (sinkStopped)
            return inflated;
        if (!streamEnded)
            return archiveError(where, QStringLiteral("corrupt data: the deflated data ends early (%1 bytes inflated)").arg(inflated));
        if (quint32(crc) != entry.crc32)
        {
            return archiveError(where,
                QStringLiteral("corrupt data: failed its CRC-32 check (the archive says %1, the data inflated gives %2)")
                    .arg(hex32(entry.crc32), hex32(quint32(crc))));
        }
        if (trailing > 0)
            m_warnings.append(QStringLiteral("%1: %2 bytes follow the end of its compressed data (not read)").arg(where).arg(trailing));
        if (inflated != entry.declaredSize)
        {
            m_warnings.append(QStringLiteral("%1: declares %2 bytes but holds %3 (its CRC-32 matches the data: read as Info-ZIP and Monticello read it)")
                                  .arg(where)
                                  .arg(entry.declaredSize)
                                  .arg(inflated));
        }
        return inflated;
    }

    Result<QByteArray> ZipMembers::readAll(qsizetype index)
    {
        QByteArray bytes;
        bytes.reserve(qsizetype(std::min<qint64>(m_entries.at(index).declaredSize, m_limits.maxMemberBytes)));
        Result<qint64> read = this->read(index, [&bytes](QByteArrayView piece) {
            bytes.append(piece.data(), piece.size());
            return true;
        });
        if (!read)
            return read.error();
        return bytes;
    }
}
