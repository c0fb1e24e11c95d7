#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>

#include "../util/result.h"

namespace TwinTrunk::Monticello
{
    // Bounds on what a .mcz may make us inflate. Real versions are far below every one of them
    // (Squeak trunk's Kernel: a 900 KB file, 5 members, a 464 KB version member).
    struct MczLimits
    {
        qint64 maxArchiveBytes = 256 * 1024 * 1024;
        qint64 maxEntries = 4096;
        qint64 maxMemberBytes = 64 * 1024 * 1024;
        qint64 maxTotalBytes = 256 * 1024 * 1024;
        // Inflated/compressed, for members big enough for the ratio to mean something.
        double maxCompressionRatio = 200.0;
        qint64 ratioCheckFromBytes = 1024 * 1024;
    };

    struct MczMember
    {
        QString name;
        QByteArray bytes;
    };

    // A .mcz as a zip: its members, in archive order. Reading is libzip's; this class adds the
    // limits and the checks of member names (no absolute paths, no '..', no backslashes, no
    // drive letters, no control characters, no duplicates) that keep a hostile archive harmless.
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
        static Result<MczArchive> readBytes(const QByteArray &bytes, const QString &where,
            Members members = Members::All, const MczLimits &limits = {});

        // A zip Monticello reads: deflated members in the given order, each stamped `modified`.
        static Result<QByteArray> write(const QList<MczMember> &members, const QDateTime &modified);

        QStringList memberNames() const;
        const QList<MczMember> &members() const { return m_members; }
        bool hasMember(const QString &name) const;
        // The member's bytes; empty when absent or not inflated.
        QByteArray member(const QString &name) const;

    private:
        QList<MczMember> m_members;
    };

    // Why a member name is refused, or an empty string when it is acceptable.
    QString unsafeMemberNameReason(const QString &name);
}
