#pragma once

#include <QString>
#include <QStringList>

#include "util/result.h"

namespace TwinTrunk::Demo
{
    // What createDemoWorkspace made, for printing and for tests.
    struct DemoWorkspace
    {
        QString directory;
        QString workspaceFile;       // twintrunk.json: two file:// servers, three projects
        QStringList serverNames;     // "box2" (primary), "box4"
        QStringList projects;        // "trunk", "inbox", "treated"
        QString conflictProject;     // where the duplicate-name conflict is
        QString conflictFileName;    // the same name, a different id on each server
        QStringList onlyOnPrimary;   // "trunk/Kernel-eem.1452.mcz": not yet copied to box4
        QStringList onlyOnSecondary; // committed to box4 while box2 was down
        QString updateMap;           // "trunk/update-mt.480.mcm"
        int versionCount = 0;        // distinct (name, id) pairs written
    };

    // Writes the demo: a folder `box2` and a folder `box4`, each a directory repository server
    // with projects trunk, inbox and treated holding a few hundred realistic versions; some are
    // only on one side, one name is a duplicate-name conflict, trunk has an update map. Plus the
    // workspace file naming both. An existing demo folder (it has a .twintrunk-demo marker) is
    // reused as it is; a non-empty folder without the marker is refused, never overwritten.
    Result<DemoWorkspace> createDemoWorkspace(const QString &directory);

    // Where the demo lives by default: the per-user application data folder.
    QString defaultDemoDirectory();
}
