#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include "../util/result.h"
#include "mczarchive.h"
#include "sourcedefinitions.h"
#include "versioninfo.h"

namespace TwinTrunk::Monticello
{
    // A Monticello version read from a .mcz: the package it belongs to, its version info with the
    // whole ancestry, the versions it requires, and its code. Errors name the file and member.
    class MczVersion final
    {
    public:
        static Result<MczVersion> readFile(const QString &path, MczArchive::Members members = MczArchive::Members::MetadataAndSource,
            const MczLimits &limits = {});
        static Result<MczVersion> readBytes(const QByteArray &bytes, const QString &where, MczArchive::Members members = MczArchive::Members::MetadataAndSource,
            const MczLimits &limits = {});
        static Result<MczVersion> fromArchive(const MczArchive &archive, const QString &where);

        // A new version: package, version info, source.st and dependencies, written in the order
        // Monticello writes them. `snapshotBin` is copied through when given (TwinTrunk never
        // produces DataStream snapshots itself; Monticello loads from source.st without one).
        static MczVersion create(const QString &packageName, const VersionInfo &info, const QByteArray &sourceSt, const QList<VersionInfo> &dependencies = {},
            const QByteArray &snapshotBin = {});

        Result<QByteArray> toBytes() const;

        QString packageName() const { return m_packageName; }
        const VersionInfo &info() const { return m_info; }
        VersionInfo &info() { return m_info; }
        const QList<VersionInfo> &dependencies() const { return m_dependencies; }
        QByteArray sourceSt() const { return m_sourceSt; }
        bool hasSource() const { return m_hasSource; }
        QStringList memberNames() const { return m_memberNames; }
        // What did not stop the reading but is worth saying (a member's wrong declared size).
        const QStringList &warnings() const { return m_warnings; }
        SourceDefinitions definitions() const { return SourceDefinitions::parse(m_sourceSt); }

    private:
        QString m_packageName;
        VersionInfo m_info;
        QList<VersionInfo> m_dependencies;
        QByteArray m_sourceSt;
        bool m_hasSource = false;
        QByteArray m_snapshotBin;
        QStringList m_memberNames;
        QStringList m_warnings;
    };

    // The `package` member: (name 'Kernel').
    Result<QString> parsePackageMember(QByteArrayView bytes);
    QByteArray serializePackageMember(const QString &packageName);
}
