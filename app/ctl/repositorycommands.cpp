// twintrunkctl list | probe | put | get: one repository, one project, one version at a time.

#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

#include "command.h"
#include "location.h"
#include "monticello/mczversion.h"
#include "monticello/versionname.h"
#include "repository/listing.h"
#include "util/platform.h"

namespace TwinTrunk::Ctl
{
    namespace
    {
        using namespace TwinTrunk::Repository;

    }

    Task<int> runList(const QStringList &arguments, Console &console)
    {
        QCommandLineParser parser;
        parser.setApplicationDescription(QStringLiteral("List a project's version files (.mcz and .mcm), newest first."));
        parser.addOption(jsonOption());
        parser.addOption(locationWorkspaceOption());
        parser.addPositionalArgument(QStringLiteral("LOCATION"), QStringLiteral("An http(s) project URL or a project folder."));
        if (const int status = parseCommandLine(parser, arguments, console, QStringLiteral("list"), 1, 1); status >= 0)
            co_return status;

        Result<ProjectLocation> location = openLocation(parser.positionalArguments().at(0), parser.value(locationWorkspaceOption()));
        if (!location)
            co_return failWith(console, QStringLiteral("list"), location.error());
        std::unique_ptr<ResultReply<Listing>> reply = co_await whenFinished(location->repository->list(location->project));
        printWarnings(console.err, *reply);
        if (reply->failed())
            co_return failWith(console, QStringLiteral("list"), reply->error());

        const bool json = parser.isSet(jsonOption());
        for (const ListingEntry &entry : reply->result().entries)
        {
            if (json)
            {
                QJsonObject object{{QStringLiteral("name"), entry.fileName}};
                if (entry.size >= 0)
                    object.insert(QStringLiteral("size"), entry.size);
                if (entry.modified.isValid())
                    object.insert(QStringLiteral("modified"), entry.modified.toString(Qt::ISODate));
                console.out << QJsonDocument(object).toJson(QJsonDocument::Compact) << '\n';
            }
            else
            {
                console.out << entry.fileName;
                if (entry.size >= 0)
                    console.out << '\t' << entry.size;
                if (entry.modified.isValid())
                    console.out << '\t' << entry.modified.toString(Qt::ISODate);
                console.out << '\n';
            }
        }
        co_return ExitSuccess;
    }

    Task<int> runProbe(const QStringList &arguments, Console &console)
    {
        QCommandLineParser parser;
        parser.setApplicationDescription(QStringLiteral("Learn a version's name and id from its repository while transferring as little of it as possible."));
        parser.addOption(jsonOption());
        parser.addOption(locationWorkspaceOption());
        parser.addPositionalArgument(QStringLiteral("LOCATION"), QStringLiteral("An http(s) project URL or a project folder."));
        parser.addPositionalArgument(QStringLiteral("NAME"), QStringLiteral("The file name as listed, e.g. Kernel-eem.1234.mcz."));
        if (const int status = parseCommandLine(parser, arguments, console, QStringLiteral("probe"), 2, 2); status >= 0)
            co_return status;

        Result<ProjectLocation> location = openLocation(parser.positionalArguments().at(0), parser.value(locationWorkspaceOption()));
        if (!location)
            co_return failWith(console, QStringLiteral("probe"), location.error());
        std::unique_ptr<ResultReply<VersionIdentity>> reply =
            co_await whenFinished(location->repository->probe(location->project, parser.positionalArguments().at(1)));
        printWarnings(console.err, *reply);
        if (reply->failed())
            co_return failWith(console, QStringLiteral("probe"), reply->error());

        const VersionIdentity &identity = reply->result();
        // The name inside must give the file name: a version listed under another name is refused
        // by every copy and check ("wrong name inside"), so say so now.
        QString nameWarning;
        const QString requested = parser.positionalArguments().at(1);
        if (requested.endsWith(QStringLiteral(".mcz")) && !identity.name.isEmpty() && Monticello::VersionName::fileNameForInfoName(identity.name) != requested)
        {
            nameWarning = QStringLiteral("the version inside is named '%1', so its file name would be '%2', not '%3': copies and checks refuse it")
                              .arg(identity.name, Monticello::VersionName::fileNameForInfoName(identity.name), requested);
            console.err << "warning: " << nameWarning << '\n';
        }
        if (parser.isSet(jsonOption()))
        {
            QJsonObject object{{QStringLiteral("name"), identity.name}, {QStringLiteral("fileName"), identity.fileName}, {QStringLiteral("id"), identity.id},
                {QStringLiteral("bytesTransferred"), reply->bytesTransferred()}};
            if (!nameWarning.isEmpty())
                object.insert(QStringLiteral("warning"), nameWarning);
            if (identity.fileSize >= 0)
                object.insert(QStringLiteral("fileSize"), identity.fileSize);
            console.out << QJsonDocument(object).toJson(QJsonDocument::Compact) << '\n';
        }
        else
        {
            console.out << "name              " << identity.name << '\n'
                        << "id                " << identity.id << '\n'
                        << "bytes transferred " << reply->bytesTransferred();
            if (identity.fileSize >= 0)
                console.out << " of " << identity.fileSize;
            console.out << '\n';
        }
        co_return ExitSuccess;
    }

    Task<int> runPut(const QStringList &arguments, Console &console)
    {
        QCommandLineParser parser;
        parser.setApplicationDescription(QStringLiteral("Upload a version under the file name its info name gives, only when that name is absent. "
                                                        "Credentials: TWINTRUNK_USER and TWINTRUNK_PASSWORD, or the server's in --workspace."));
        parser.addOption(locationWorkspaceOption());
        parser.addPositionalArgument(QStringLiteral("LOCATION"), QStringLiteral("An http(s) project URL or a project folder."));
        parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("A .mcz file."));
        if (const int status = parseCommandLine(parser, arguments, console, QStringLiteral("put"), 2, 2); status >= 0)
            co_return status;

        Result<ProjectLocation> location = openLocation(parser.positionalArguments().at(0), parser.value(locationWorkspaceOption()));
        if (!location)
            co_return failWith(console, QStringLiteral("put"), location.error());
        std::unique_ptr<ResultReply<UploadResult>> reply =
            co_await whenFinished(location->repository->uploadFile(location->project, parser.positionalArguments().at(1)));
        printWarnings(console.err, *reply);
        if (reply->failed())
            co_return failWith(console, QStringLiteral("put"), reply->error());
        const UploadResult &result = reply->result();
        if (result.outcome == UploadResult::Outcome::AlreadyPresent)
        {
            console.err << "twintrunkctl put: " << location->repository->describe() << ' ' << location->project << ": " << result.identity.fileName
                        << " is already there (same id " << result.identity.id << "): nothing uploaded\n";
            co_return ExitFailure;
        }
        console.out << "uploaded " << result.identity.fileName << " (id " << result.identity.id << ") to " << location->repository->describe() << ' '
                    << location->project << ", verified\n";
        co_return ExitSuccess;
    }

    Task<int> runGet(const QStringList &arguments, Console &console)
    {
        QCommandLineParser parser;
        parser.setApplicationDescription(
            QStringLiteral("Download a version into a folder, checking that it is a readable version with the name it is listed under. "
                           "An existing file is never replaced."));
        parser.addOption(locationWorkspaceOption());
        parser.addPositionalArgument(QStringLiteral("LOCATION"), QStringLiteral("An http(s) project URL or a project folder."));
        parser.addPositionalArgument(QStringLiteral("NAME"), QStringLiteral("The file name as listed."));
        parser.addPositionalArgument(QStringLiteral("DIR"), QStringLiteral("The folder to put it in."));
        if (const int status = parseCommandLine(parser, arguments, console, QStringLiteral("get"), 3, 3); status >= 0)
            co_return status;

        const QString name = parser.positionalArguments().at(1);
        const QDir directory(parser.positionalArguments().at(2));
        if (!directory.exists())
            co_return failWith(console, QStringLiteral("get"), Error{directory.path(), QStringLiteral("no such folder")});
        const QString target = directory.filePath(name);
        if (const QString reason = unsafeFileNameReason(name); !reason.isEmpty())
            co_return failWith(console, QStringLiteral("get"), Error{name, QStringLiteral("refused: %1").arg(reason)});
        if (QFileInfo::exists(target))
            co_return failWith(console, QStringLiteral("get"), Error{target, QStringLiteral("exists: not replaced")});

        Result<ProjectLocation> location = openLocation(parser.positionalArguments().at(0), parser.value(locationWorkspaceOption()));
        if (!location)
            co_return failWith(console, QStringLiteral("get"), location.error());
        std::unique_ptr<ResultReply<FetchedFile>> reply = co_await whenFinished(location->repository->fetch(location->project, name, directory.path()));
        printWarnings(console.err, *reply);
        if (reply->failed())
            co_return failWith(console, QStringLiteral("get"), reply->error());

        const QString temporary = reply->result().path;
        const QString where = location->repository->describe() + u' ' + location->project + QStringLiteral(": ") + name;
        if (name.endsWith(QStringLiteral(".mcz")))
        {
            Result<Monticello::MczVersion> version = Monticello::MczVersion::readFile(temporary, Monticello::MczArchive::Members::Metadata);
            std::optional<Error> problem;
            if (!version)
                problem = version.error().within(where);
            else if (Monticello::VersionName::fileNameForInfoName(version->info().name()) != name)
                problem = Error{.where = where,
                    .message = QStringLiteral("wrong name inside: the file holds '%1'").arg(version->info().name()),
                    .kind = Error::Kind::Invalid};
            if (problem)
            {
                QFile::remove(temporary);
                co_return failWith(console, QStringLiteral("get"), *problem);
            }
        }
        if (!Platform::renameNoReplace(temporary, target))
        {
            QFile::remove(temporary);
            co_return failWith(console, QStringLiteral("get"), Error{target, QStringLiteral("cannot move the download into place (does it exist now?)")});
        }
        console.out << "downloaded " << name << " (" << reply->result().size << " bytes, sha256 " << reply->result().sha256 << ") to "
                    << QDir::toNativeSeparators(target) << '\n';
        co_return ExitSuccess;
    }
}
