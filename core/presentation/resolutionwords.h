#pragma once

#include <QString>
#include <QStringList>

#include "conflicts/resolution.h"

// A decision on a duplicate-name conflict in plain words for a person: the console's confirmation
// and `twintrunkctl resolve --dry-run` say the same sentences, made here from the resolution's plan.
namespace TwinTrunk::Presentation
{
    // An id as a person compares it: its first 8 hex digits ("edefe0cf" for a UUID, the digest's
    // first 8 for an update map's "sha256:..." id).
    QString shortId(const QString &id);

    // A keep decision from its report (a dry run's plan, or the run as it went), one paragraph
    // each: first what an image updating from each server loads under the name afterwards, then
    // what becomes of each other variant (its bytes kept, the new name it is published under),
    // then what is deleted. Short ids only, and no step's internal name. `replaceControl` is the
    // option that replaces the other copies as the person knows it: "--replace" in twintrunkctl,
    // the checkbox's own label in the console.
    QStringList resolutionWords(const Conflicts::ResolutionReport &report, const QString &replaceControl);

    // The question a confirmation ends with: "Keep box2's variant (edefe0cf) of Collections-mt.987.mcz?"
    QString resolutionQuestion(const Conflicts::ResolutionReport &report);
}
