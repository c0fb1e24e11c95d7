#pragma once

#include <memory>

#include "repository/repository.h"
#include "util/result.h"

namespace TwinTrunk::Ctl
{
    // A project location given on the command line: an http(s) URL "<server>/<project>" or a
    // folder "<server folder>/<project>".
    struct ProjectLocation
    {
        std::unique_ptr<Repository::Repository> repository;
        QString project;
    };

    // Credentials come from TWINTRUNK_USER and TWINTRUNK_PASSWORD.
    Result<ProjectLocation> openLocation(const QString &location);

    // A reply's warnings on stderr, each on its own line.
    void printWarnings(QTextStream &err, const Repository::Reply &reply);
}
