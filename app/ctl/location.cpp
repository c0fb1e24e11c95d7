#include "location.h"

#include <QDir>
#include <QFileInfo>
#include <QTextStream>

#include "workspace/workspace.h"

namespace TwinTrunk::Ctl
{
    const QCommandLineOption &locationWorkspaceOption()
    {
        static const QCommandLineOption option({QStringLiteral("w"), QStringLiteral("workspace")},
            QStringLiteral("Take the password for the server from this workspace."), QStringLiteral("FILE"));
        return option;
    }

    Result<ProjectLocation> openLocation(const QString &location, const QString &workspacePath)
    {
        const QUrl url = QUrl::fromUserInput(location, QDir::currentPath(), QUrl::AssumeLocalFile);
        if (url.scheme() == u"http" || url.scheme() == u"https")
        {
            QString path = url.path();
            while (path.endsWith(u'/'))
                path.chop(1);
            const qsizetype slash = path.lastIndexOf(u'/');
            const QString project = path.mid(slash + 1);
            if (project.isEmpty())
                return Error{location, QStringLiteral("give a project location such as https://source.squeak.org/trunk")};
            QUrl server = url;
            server.setPath(path.left(slash + 1));
            server.setQuery(QString());
            server.setFragment(QString());
            Repository::Credentials credentials{qEnvironmentVariable("TWINTRUNK_USER"), qEnvironmentVariable("TWINTRUNK_PASSWORD")};
            if (credentials.isEmpty() && !workspacePath.isEmpty())
            {
                Result<Workspace> workspace = Workspace::load(workspacePath);
                if (!workspace)
                    return workspace.error();
                for (const ServerConfig &config : workspace->servers())
                {
                    QString base = config.url.toString();
                    if (!base.endsWith(u'/'))
                        base += u'/';
                    if (server.toString().startsWith(base))
                        credentials = workspace->credentialsFor(config);
                }
            }
            if (!url.userName().isEmpty())
                return Error{location, QStringLiteral("put no user name or password in the URL; use TWINTRUNK_USER and TWINTRUNK_PASSWORD")};
            return ProjectLocation{Repository::Repository::create(server.host(), server, credentials), project};
        }
        if (url.isLocalFile())
        {
            const QFileInfo folder(url.toLocalFile());
            if (!folder.isDir())
                return Error{.where = location,
                    .message = QStringLiteral("no such folder (a project location is a folder or an http(s) URL)"),
                    .kind = Error::Kind::NotFound};
            const QString serverFolder = folder.absoluteDir().absolutePath();
            return ProjectLocation{Repository::Repository::create(QString(), QUrl::fromLocalFile(serverFolder)), folder.fileName()};
        }
        return Error{location, QStringLiteral("unsupported location: use an http(s) URL or a folder")};
    }

    void printWarnings(QTextStream &err, const Repository::Reply &reply)
    {
        for (const QString &warning : reply.warnings())
            err << "warning: " << warning << '\n';
        err.flush();
    }
}
