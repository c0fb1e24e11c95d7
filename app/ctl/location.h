#pragma once

#include <memory>

#include <QCommandLineOption>

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

    // Credentials come from TWINTRUNK_USER and TWINTRUNK_PASSWORD or, when a workspace file is
    // given, from the workspace server whose URL the location lies under (its own
    // TWINTRUNK_USER_<SERVER>/TWINTRUNK_PASSWORD_<SERVER>, or the file).
    Result<ProjectLocation> openLocation(const QString &location, const QString &workspacePath = QString());

    // The --workspace option of the one-repository commands.
    const QCommandLineOption &locationWorkspaceOption();

    // A reply's warnings on stderr, each on its own line.
    void printWarnings(QTextStream &err, const Repository::Reply &reply);
}
