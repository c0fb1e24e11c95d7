#pragma once

#include "repository.h"
#include "util/result.h"

namespace TwinTrunk::Repository
{
    // Checks that a local file is a readable Monticello version and learns the file name its
    // info name gives, its id and its size: what an upload needs before it touches a server.
    Result<VersionIdentity> identifyLocalVersion(const QString &path);

    // Incremental SHA-256 of a file, hex.
    Result<QByteArray> sha256OfFile(const QString &path);
}
