#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>

#include "../util/result.h"
#include "mczlimits.h"
#include "zipmembers.h"

namespace TwinTrunk::Monticello
{
    struct MczMember
    {
        QString name;
        QByteArray bytes;
    };

    // A .mcz as a zip: its members, in archive order, read through ZipMembers (libzip for the
    // structure, each member inflated and CRC-checked over its actual data, within the limits, with
    // member names checked), so a hostile archive stays harmless and an old one with wrong declared
    // sizes still reads. Writing is libzip's.
    class MczArchive final
    {
    public:
        // Which members to inflate; the others are only listed.
        enum class Members
        {
            All,
            Metadata, // package, version, dependencies/*: what identity and ancestry need
            MetadataAndSource,
        };

        static Result<MczArchive> readFile(const QString &path, Members members = Members::All, const MczLimits &limits = {});
        static Result<MczArchive> readBytes(const QByteArray &bytes, const QString &where, Members members = Members::All, const MczLimits &limits = {});

        // A zip Monticello reads: deflated members in the given order, each stamped `modified`.
        static Result<QByteArray> write(const QList<MczMember> &members, const QDateTime &modified);

        QStringList memberNames() const;
        const QList<MczMember> &members() const { return m_members; }
        bool hasMember(const QString &name) const;
        // What did not stop the reading but is worth saying (see ZipMembers::warnings).
        const QStringList &warnings() const { return m_warnings; }
        // The member's bytes; empty when absent or not inflated.
        QByteArray member(const QString &name) const;

    private:
        static Result<MczArchive> read(ZipMembers &zip, Members members);

        QList<MczMember> m_members;
        QStringList m_warnings;
    };

}
