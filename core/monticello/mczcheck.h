#pragma once

#include <QDateTime>
#include <QString>
#include <QStringList>

#include "../util/result.h"
#include "mczlimits.h"

namespace TwinTrunk::Monticello
{
    // What checking a whole .mcz learned: it is sound, and whose version it is.
    struct MczSoundness
    {
        QString name; // the info name of the version
        QString id;
        QString author;
        QDateTime authoredAt; // see VersionRecord::authoredAt
        int members = 0;
        qint64 inflatedBytes = 0;
        QStringList warnings; // e.g. a member whose declared size is wrong but whose CRC matches
    };

    // The check a copy must pass before it counts, at the cost of one streaming pass:
    // - every member inflates and its CRC-32 matches the data actually inflated (ZipMembers), within
    //   the limits;
    // - it is a Monticello version: a `package` member that parses and a `version` member whose
    //   root record gives the name and id (VersionRecordScanner: the ancestry is never parsed, so a
    //   check holds no more than one 64 KB piece and the first kilobytes of the record).
    // An unsound archive is an error of kind Invalid naming the file and the member.
    Result<MczSoundness> checkMczFile(const QString &path, const MczLimits &limits = {});
    Result<MczSoundness> checkMczBytes(const QByteArray &bytes, const QString &where, const MczLimits &limits = {});
}
