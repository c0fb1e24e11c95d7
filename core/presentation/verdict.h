#pragma once

#include <QDateTime>
#include <QString>
#include <QStringList>

#include "sync/syncmodel.h"

// What both front ends say about the state of things, in one place, so that twintrunkctl and the
// console can never disagree (as Unison's uicommon serves its text and GTK front ends).
namespace TwinTrunk::Presentation
{
    // How a state reads at a glance: the console colours by it, the CLI's words follow it.
    enum class Level
    {
        Good,    // checked and fine
        Note,    // fine, with something worth knowing
        Warning, // behind or incomplete: a copy or a read will settle it
        Bad,     // a person must look: damage, a conflict, a regression
        Unknown, // not checked: never read as "all clear"
    };

    // "good", "note", "warning", "bad", "unknown": for --json.
    QString levelName(Level level);

    struct Verdict
    {
        Level level = Level::Unknown;
        QString headline;   // "In sync", "Not checked: box4 unreachable", "Damaged copies: 2 on box4"
        QStringList problems; // every problem of the project, most urgent first (the headline is the first)
    };

    // A project's verdict. "In sync" only when the snapshot says it is the checked fact; a server
    // that was not reached makes the project "not checked", whatever the others say.
    Verdict projectVerdict(const Sync::ProjectSnapshot &project);

    // "45 s", "12 min", "3 h", "2 d": how long ago `since` was; empty when unknown.
    QString age(const QDateTime &since, const QDateTime &now);
}
