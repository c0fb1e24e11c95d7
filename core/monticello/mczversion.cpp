#include "mczversion.h"

#include "sexpression.h"
#include "versionname.h"

namespace TwinTrunk::Monticello
{
    namespace
    {
        const QString packageMember = QStringLiteral("package");
        const QString versionMember = QStringLiteral("version");
        const QString sourceMember = QStringLiteral("snapshot/source.st");
        const QString snapshotBinMember = QStringLiteral("snapshot.bin");
        const QString dependencyPrefix = QStringLiteral("dependencies/");

        // A dependency member is named after the required package; its info names the version.
        QString dependencyMemberName(const VersionInfo &dependency)
        {
            const QString package = VersionName::fromFileName(dependency.name()).package();
            return dependencyPrefix + (package.isEmpty() ? dependency.name() : package);
        }
    }

    Result<QString> parsePackageMember(QByteArrayView bytes)
    {
        Result<SExpression> parsed = SExpression::parse(bytes);
        if (!parsed)
            return parsed.error();
        const SExpression &expression = parsed.value();
        const SExpression::Node &root = expression.root();
        if (root.kind == SExpression::Kind::List)
        {
            for (qsizetype i = 0; i + 1 < root.children.size(); i += 2)
            {
                const SExpression::Node &key = expression.node(root.children.at(i));
                const SExpression::Node &value = expression.node(root.children.at(i + 1));
                if (key.kind == SExpression::Kind::Symbol && key.text == u"name" && value.kind != SExpression::Kind::List)
                    return value.text;
            }
        }
        return expression.errorAt(bytes, expression.rootIndex(), QStringLiteral("expected (name 'Package')"));
    }

    QByteArray serializePackageMember(const QString &packageName)
    {
        QByteArray name = packageName.toUtf8();
        return "(name '" + name.replace('\'', QByteArrayLiteral("''")) + "')";
    }

    Result<MczVersion> MczVersion::readFile(const QString &path, MczArchive::Members members, const MczLimits &limits)
    {
        Result<MczArchive> archive = MczArchive::readFile(path, members, limits);
        if (!archive)
            return archive.error();
        return fromArchive(archive.value(), path);
    }

    Result<MczVersion> MczVersion::readBytes(const QByteArray &bytes, const QString &where, MczArchive::Members members, const MczLimits &limits)
    {
        Result<MczArchive> archive = MczArchive::readBytes(bytes, where, members, limits);
        if (!archive)
            return archive.error();
        return fromArchive(archive.value(), where);
    }

    Result<MczVersion> MczVersion::fromArchive(const MczArchive &archive, const QString &where)
    {
        MczVersion version;
        version.m_memberNames = archive.memberNames();
        version.m_warnings = archive.warnings();
        for (const QString &required : {packageMember, versionMember})
        {
            if (!archive.hasMember(required))
                return Error{.where = where, .message = QStringLiteral("not a Monticello version: no '%1' member").arg(required), .kind = Error::Kind::Invalid};
        }

        Result<QString> package = parsePackageMember(archive.member(packageMember));
        if (!package)
            return package.error().within(where + QStringLiteral(": member 'package'"));
        version.m_packageName = package.value();

        Result<VersionInfo> info = VersionInfo::parse(archive.member(versionMember));
        if (!info)
            return info.error().within(where + QStringLiteral(": member 'version'"));
        version.m_info = std::move(info).value();

        for (const MczMember &member : archive.members())
        {
            if (!member.name.startsWith(dependencyPrefix) || member.name.endsWith(u'/'))
                continue;
            Result<VersionInfo> dependency = VersionInfo::parse(member.bytes);
            if (!dependency)
                return dependency.error().within(where + QStringLiteral(": member '%1'").arg(member.name));
            version.m_dependencies.append(std::move(dependency).value());
        }

        version.m_hasSource = archive.hasMember(sourceMember);
        version.m_sourceSt = archive.member(sourceMember);
        version.m_snapshotBin = archive.member(snapshotBinMember);
        return version;
    }

    MczVersion MczVersion::create(const QString &packageName, const VersionInfo &info, const QByteArray &sourceSt, const QList<VersionInfo> &dependencies,
        const QByteArray &snapshotBin)
    {
        MczVersion version;
        version.m_packageName = packageName;
        version.m_info = info;
        version.m_sourceSt = sourceSt;
        version.m_hasSource = true;
        version.m_dependencies = dependencies;
        version.m_snapshotBin = snapshotBin;
        version.m_memberNames = QStringList{packageMember, versionMember, sourceMember};
        if (!snapshotBin.isEmpty())
            version.m_memberNames.append(snapshotBinMember);
        for (const VersionInfo &dependency : dependencies)
            version.m_memberNames.append(dependencyMemberName(dependency));
        return version;
    }

    Result<QByteArray> MczVersion::toBytes() const
    {
        // Monticello's MCMczWriter order: package, version, definitions, dependencies.
        QList<MczMember> members{
            {packageMember, serializePackageMember(m_packageName)},
            {versionMember, m_info.serialize()},
        };
        if (m_hasSource)
            members.append({sourceMember, m_sourceSt});
        if (!m_snapshotBin.isEmpty())
            members.append({snapshotBinMember, m_snapshotBin});
        for (const VersionInfo &dependency : m_dependencies)
            members.append({dependencyMemberName(dependency), dependency.serialize()});
        QDateTime stamp(m_info.root().parsedDate(), m_info.root().parsedTime().isValid() ? m_info.root().parsedTime() : QTime(0, 0));
        return MczArchive::write(members, stamp.isValid() ? stamp : QDateTime::fromSecsSinceEpoch(0));
    }
}
