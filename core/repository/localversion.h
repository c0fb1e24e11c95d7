#pragma once

#include "repository.h"
#include "util/result.h"

namespace TwinTrunk::Repository
{
    // Who a local version file is, checked as an upload or a copy needs it:
    // - a .mcz must be a readable Monticello version; its file name is the one its info name
    //   gives, and when `fileName` is given it must be that one ("wrong name inside" otherwise);
    // - a .mcm must be a readable update map; its name is `fileName` (required) and its identity
    //   is "sha256:<hex>" of its bytes, since update maps carry no id.
    Result<VersionIdentity> identifyLocalFile(const QString &path, const QString &fileName = QString());

    // Incremental SHA-256 of a file, hex.
    Result<QByteArray> sha256OfFile(const QString &path);

    // True for an identity made from an update map's bytes rather than a version's UUID.
    bool isContentIdentity(const QString &id);
}
