#include "updatereadiness.h"

#include <QHash>

#include "monticello/updatemap.h"
#include "monticello/versionname.h"

namespace TwinTrunk::Health
{
    bool UpdateReadiness::ready() const
    {
        if (!error.isEmpty())
            return false;
        return std::all_of(maps.cbegin(), maps.cend(), [](const MapCheck &check) { return check.error.isEmpty() && check.missing.isEmpty(); });
    }

    QStringList UpdateReadiness::missing() const
    {
        QStringList names;
        for (const MapCheck &check : maps)
            names.append(check.missing);
        names.removeDuplicates();
        return names;
    }

    QStringList newestUpdateMaps(const QStringList &fileNames)
    {
        QHash<QString, Monticello::VersionName> newest; // series -> newest map
        for (const QString &fileName : fileNames)
        {
            if (!fileName.endsWith(QStringLiteral(".mcm")))
                continue;
            const Monticello::VersionName name = Monticello::VersionName::fromFileName(fileName);
            const QString series = name.packageAndBranch();
            auto found = newest.find(series);
            if (found == newest.end())
                newest.insert(series, name);
            else if (name.number() > found->number() || (name.number() == found->number() && fileName > found->fileName()))
                *found = name;
        }
        QStringList result;
        for (const Monticello::VersionName &name : std::as_const(newest))
            result.append(name.fileName());
        result.sort();
        return result;
    }

    Task<UpdateReadiness> checkUpdateReadiness(Repository::Repository &repository, QString server, QString project, QSet<QString> listed,
        QString scratchDirectory)
    {
        UpdateReadiness readiness{server, project, {}, QString()};
        for (const QString &mapName : newestUpdateMaps(QStringList(listed.cbegin(), listed.cend())))
        {
            MapCheck check{mapName, 0, {}, QString()};
            Result<QByteArray> bytes = co_await Repository::fetchBytes(repository, project, mapName, scratchDirectory);
            if (!bytes)
            {
                check.error = bytes.error().toString();
                readiness.maps.append(check);
                continue;
            }
            Result<Monticello::UpdateMap> map = Monticello::UpdateMap::parse(bytes.value());
            if (!map)
            {
                check.error = map.error().within(QStringLiteral("%1 %2 %3").arg(server, project, mapName)).toString();
                readiness.maps.append(check);
                continue;
            }
            for (const Monticello::UpdateMap::Dependency &dependency : map->dependencies())
            {
                ++check.versions;
                const QString fileName = Monticello::VersionName::fileNameForInfoName(dependency.versionName);
                if (!listed.contains(fileName))
                    check.missing.append(fileName);
            }
            readiness.maps.append(check);
        }
        co_return readiness;
    }
}
