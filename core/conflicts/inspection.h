#pragma once

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include "codediff.h"
#include "state/statedatabase.h"
#include "sync/syncmodel.h"
#include "util/task.h"
#include "workspace/workspace.h"

namespace TwinTrunk::Conflicts
{
    // A direct ancestor of a variant, and where it can be found.
    struct AncestorPresence
    {
        QString name; // the info name, e.g. Collections-mt.986
        QString id;
        QHash<QString, bool> onServer; // server -> lists it (with this id, when its id is known)

        // "box2, not on box4": where it is, servers in name order.
        QString whereText() const;
    };

    // One of the versions that share the conflicted name: one id, on one or more servers.
    struct Variant
    {
        QString id;
        QStringList servers;
        QString author;
        QString date; // as the version info has it
        QString time;
        QString message;
        qint64 size = -1;
        QHash<QString, QDateTime> firstSeen; // server -> when it was first seen there
        QList<AncestorPresence> ancestors;
        bool inUpdateMap = false; // the newest update map names this variant (by id)
        QString error;            // it could not be read: the other fields are empty
    };

    // Everything a volunteer needs to decide a duplicate-name conflict.
    struct ConflictInspection
    {
        QString project;
        QString name; // the file name, Collections-mt.987.mcz
        QList<Variant> variants;
        QString updateMap;                // the newest update map that names this version, if any
        QStringList updateMapsNotRead;    // newest maps that could not be read (and why): "named by none" is then not known
        QString relation;                 // "a descends from b", "both descend from X", "no common ancestor"
        QList<DefinitionChange> codeDiff; // from the first variant to the second
        // How variants a (0) and b (1) relate, for a recommendation (Presentation::conflictAdvice).
        enum class Relation
        {
            Unknown,    // a variant could not be read
            ADescendsB, // a has b in its ancestry: a holds b's changes
            BDescendsA,
            Diverged,  // both descend from commonAncestor, each with changes of its own
            Unrelated, // no common ancestor
        } relationKind = Relation::Unknown;
        QString commonAncestor;   // Diverged: the info name both descend from
        QString commonAncestorId; // and its id
        // The code against the common ancestor, as KDiff3 compares three ways: for each entry of
        // codeDiff (in the same order), which variant changed it since the ancestor, with the
        // three sources aligned. The ancestor is the older variant when one descends from the
        // other; empty when no ancestor's code is known.
        QList<ThreeWayChange> threeWay;
        QString ancestorServer; // Diverged: where the common ancestor's code was read (a third column)
        QString comparison;     // one line: what the code is compared against, or why only two ways

        // "a (box2)": the variant's letter and the servers that hold it, as every view names it.
        QString variantLabel(qsizetype index) const;
        QString loserName; // the next free name a losing .mcz variant is republished under
    };

    // Reads what the servers hold under `name` in `project` (listing each server, downloading one
    // copy of each variant into `scratchDirectory`, removed afterwards) and compares the variants.
    // An error when the name is not a conflict (fewer than two ids).
    Task<Result<ConflictInspection>> inspectConflict(const Workspace &workspace, State::StateDatabase &state, QString project, QString name,
        QString scratchDirectory);
    // The same from a snapshot the caller just took (a status of the project): no listing again.
    Task<Result<ConflictInspection>> inspectConflict(const Workspace &workspace, State::StateDatabase &state, Sync::ProjectSnapshot snapshot, QString name,
        QString scratchDirectory);

    // "Collections-mt.987" or "Collections-mt.987.mcz" -> "Collections-mt.987.mcz" (.mcm names stay).
    QString conflictFileName(const QString &name);
}
