#pragma once

#include <QStringList>

#include "repository.h"
#include "util/result.h"

namespace TwinTrunk::Repository
{
    // A local version file, checked as a copy must be before it is uploaded or counted:
    // - a .mcz must be a sound Monticello archive (Monticello::checkMczFile: every member's CRC-32
    //   over the data actually inflated, a package and a version record); its file name is the one
    //   its info name gives, and when `fileName` is given it must be that one ("wrong name inside");
    // - a .mcm must be a readable update map; its name is `fileName` (required) and its identity
    //   is "sha256:<hex>" of its bytes, since update maps carry no id.
    // `knownSha256` (hex), when the caller hashed the bytes as they arrived, saves a second read.
    // A file that fails is an error of kind Invalid (damaged or not a version), Io or TooLarge.
    Result<CheckedFile> checkLocalFile(const QString &path, const QString &fileName = QString(), const QByteArray &knownSha256 = QByteArray());

    // Incremental SHA-256 of a file, hex, and its size.
    Result<ContentDigest> digestOfFile(const QString &path);

    // How an upload's read-back is judged, the same for every kind of repository:
    // - after a write, the copy must read back as exactly the bytes sent; otherwise this error,
    //   of kind Damaged, naming both digests;
    Error damagedOnTarget(const QString &where, const CheckedFile &sent, const ContentDigest &readBack);
    // - a name already there with our id but other bytes (`theirs`: its copy checked whole) is the
    //   same version serialised otherwise when sound (AlreadyPresent, sameBytes false), and a
    //   damaged copy (an error of kind Damaged) when not.
    Result<UploadResult> judgeCopyThere(const QString &where, const CheckedFile &ours, const Result<CheckedFile> &theirs, const ContentDigest &readBack);

    // True for an identity made from an update map's bytes rather than a version's UUID.
    bool isContentIdentity(const QString &id);
}
