// twintrunkctl demo [DIR] [--json]

#include <QCommandLineParser>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "command.h"
#include "demo/demoworkspace.h"
#include "monticello/mczversion.h"

namespace TwinTrunk::Ctl
{
    namespace
    {
        using namespace TwinTrunk::Monticello;

        QJsonObject toJson(const Demo::DemoWorkspace &demo)
        {
            return QJsonObject{
                {QStringLiteral("directory"), demo.directory},
                {QStringLiteral("workspace"), demo.workspaceFile},
                {QStringLiteral("servers"), QJsonArray::fromStringList(demo.serverNames)},
                {QStringLiteral("projects"), QJsonArray::fromStringList(demo.projects)},
                {QStringLiteral("versions"), demo.versionCount},
                {QStringLiteral("conflict"), QString(demo.conflictProject + u'/' + demo.conflictFileName)},
                {QStringLiteral("onlyOnPrimary"), QJsonArray::fromStringList(demo.onlyOnPrimary)},
                {QStringLiteral("onlyOnSecondary"), QJsonArray::fromStringList(demo.onlyOnSecondary)},
                {QStringLiteral("updateMap"), demo.updateMap},
            };
        }

        // The two variants of the demo's duplicate-name conflict, read back from disk side by side.
        void printConflict(QTextStream &out, QTextStream &err, const Demo::DemoWorkspace &demo)
        {
            QList<MczVersion> variants;
            for (const QString &server : demo.serverNames)
            {
                const QString path = QDir(demo.directory).filePath(server + u'/' + demo.conflictProject + u'/' + demo.conflictFileName);
                Result<MczVersion> version = MczVersion::readFile(path);
                if (!version)
                {
                    err << "twintrunkctl demo: " << version.error().toString() << '\n';
                    return;
                }
                variants.append(version.value());
            }
            out << "\nDuplicate-name conflict " << demo.conflictProject << '/' << demo.conflictFileName << ": the same name, different versions\n";
            for (qsizetype i = 0; i < variants.size(); ++i)
            {
                const VersionRecord &info = variants.at(i).info().root();
                out << "  " << demo.serverNames.at(i).leftJustified(6) << " id " << info.id << "  " << info.date << ' ' << info.time << "  "
                    << variants.at(i).definitions().size() << " definitions\n";
            }
        }
    }

    Task<int> runDemo(const QStringList &arguments, Console &console)
    {
        QCommandLineParser parser;
        parser.setApplicationDescription(QStringLiteral("Create the demo workspace: two local directory repositories (box2, the primary, and box4) with "
                                                        "projects trunk, inbox and treated, versions missing on each side, a duplicate-name conflict and "
                                                        "an update map. An existing demo folder is described and left unchanged."));
        parser.addOption({QStringLiteral("json"), QStringLiteral("Print what was created as one JSON object.")});
        parser.addPositionalArgument(QStringLiteral("DIR"),
            QStringLiteral("Where to create it (default: %1).").arg(QDir::toNativeSeparators(Demo::defaultDemoDirectory())), QStringLiteral("[DIR]"));
        if (const int status = parseCommandLine(parser, arguments, console, QStringLiteral("demo"), 0, 1); status >= 0)
            co_return status;

        const QString directory = parser.positionalArguments().value(0, Demo::defaultDemoDirectory());
        Result<Demo::DemoWorkspace> demo = Demo::createDemoWorkspace(directory);
        if (!demo)
            co_return failWith(console, QStringLiteral("demo"), demo.error());

        if (parser.isSet(QStringLiteral("json")))
        {
            console.out << QJsonDocument(toJson(demo.value())).toJson(QJsonDocument::Compact) << '\n';
            co_return ExitSuccess;
        }
        console.out << "TwinTrunk demo workspace: " << QDir::toNativeSeparators(demo->workspaceFile) << '\n'
                    << "  servers   " << demo->serverNames.join(QStringLiteral(", ")) << " (local directory repositories; " << demo->serverNames.value(0)
                    << " is the primary)\n"
                    << "  projects  " << demo->projects.join(QStringLiteral(", ")) << '\n'
                    << "  versions  " << demo->versionCount << '\n'
                    << "  update map " << demo->updateMap << '\n'
                    << "  only on " << demo->serverNames.value(0) << ": " << demo->onlyOnPrimary.join(QStringLiteral(" ")) << '\n'
                    << "  only on " << demo->serverNames.value(1) << ": " << demo->onlyOnSecondary.join(QStringLiteral(" ")) << '\n';
        printConflict(console.out, console.err, demo.value());
        console.out << "\nLook closer: twintrunkctl inspect "
                    << QDir::toNativeSeparators(
                           QDir(demo->directory).filePath(demo->serverNames.value(0) + u'/' + demo->conflictProject + u'/' + demo->conflictFileName))
                    << '\n';
        co_return ExitSuccess;
    }
}
