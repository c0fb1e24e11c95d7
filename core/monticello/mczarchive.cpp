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
    }

    Result<MczArchive> MczArchive::readFile(const QString &path, Members members, const MczLimits &limits)
    {
        Result<ZipMembers> zip = ZipMembers::openFile(path, limits);
        if (!zip)
            return zip.error();
        return read(zip.value(), members);
    }

    Result<MczArchive> MczArchive::readBytes(const QByteArray &bytes, const QString &where, Members members, const MczLimits &limits)
    {
        Result<ZipMembers> zip = ZipMembers::openBytes(bytes, where, limits);
        if (!zip)
            return zip.error();
        return read(zip.value(), members);
    }

    Result<MczArchive> MczArchive::read(ZipMembers &zip, Members members)
    {
        MczArchive result;
        const QList<ZipEntry> &entries = zip.entries();
        for (qsizetype index = 0; index < entries.size(); ++index)
        {
            const ZipEntry &entry = entries.at(index);
            if (entry.isDirectory)
                continue; // a directory entry carries no data
            MczMember member{entry.name, {}};
            if (wantsMember(entry.name, members))
            {
                Result<QByteArray> bytes = zip.readAll(index);
                if (!bytes)
                    return bytes.error();
                member.bytes = std::move(bytes).value();
            }
            result.m_members.append(std::move(member));
        }
        result.m_warnings = zip.warnings();
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
