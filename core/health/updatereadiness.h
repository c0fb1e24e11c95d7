#pragma once

#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

#include "repository/repository.h"
#include "util/task.h"

namespace TwinTrunk::Health
{
    // One update map checked against one server's listing.
    struct MapCheck
    {
        QString map;         // file name, e.g. update-mt.480.mcm
        int versions = 0;    // how many versions it lists
        QStringList missing; // file names it lists that the server lacks
        QString error;       // the map could not be read or parsed
    };

    // "An image can update from this server right now", checked: Squeak's updater reads the newest
    // update map of its series (update-*, update.spur-*, ...) and loads every version it names by
    // name; a server that lacks one breaks updates for every image pointed at it.
    struct UpdateReadiness
    {
        QString server;
        QString project;
        QList<MapCheck> maps; // the newest map of each series; empty when the project has none
        QString error;        // the check itself failed (no listing)
        bool ready() const;
        QStringList missing() const;
    };

    // The newest map of each series among a listing's file names: by version number within a
    // series, the series being the name before its author ("update", "update.spur").
    QStringList newestUpdateMaps(const QStringList &fileNames);

    // Reads each newest map from `repository` (into `scratchDirectory`, removed afterwards) and
    // checks it against `listed`, the file names the server lists for the project.
    Task<UpdateReadiness> checkUpdateReadiness(Repository::Repository &repository, QString server, QString project, QSet<QString> listed,
        QString scratchDirectory);
}
