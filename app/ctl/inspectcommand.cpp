// twintrunkctl inspect FILE... [--json]

#include <QCommandLineParser>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "command.h"
#include "monticello/mczversion.h"

namespace TwinTrunk::Ctl
{
    namespace
    {
        using namespace TwinTrunk::Monticello;

        QJsonObject toJson(const QString &file, const MczVersion &version, qsizetype definitions)
        {
            const VersionRecord &info = version.info().root();
            return QJsonObject{
                {QStringLiteral("file"), file},
                {QStringLiteral("name"), info.name},
                {QStringLiteral("id"), info.id},
                {QStringLiteral("author"), info.author},
                {QStringLiteral("date"), info.date},
                {QStringLiteral("time"), info.time},
                {QStringLiteral("package"), version.packageName()},
                {QStringLiteral("message"), info.message},
                {QStringLiteral("ancestors"), QJsonArray::fromStringList(version.info().ancestorNames())},
                {QStringLiteral("totalAncestors"), version.info().totalAncestorCount()},
                {QStringLiteral("definitions"), definitions},
                {QStringLiteral("members"), QJsonArray::fromStringList(version.memberNames())},
            };
        }

        void printText(QTextStream &out, const QString &file, const MczVersion &version, qsizetype definitions)
        {
            const VersionRecord &info = version.info().root();
            QString message = info.message;
            message.replace(QStringLiteral("\r\n"), QStringLiteral("\n")).replace(u'\r', u'\n');
            message.replace(u'\n', QStringLiteral("\n           "));
            out << file << '\n'
                << "  name     " << info.name << '\n'
                << "  id       " << info.id << '\n'
                << "  author   " << info.author << '\n'
                << "  date     " << info.date << '\n'
                << "  time     " << info.time << '\n'
                << "  package  " << version.packageName() << '\n'
                << "  message  " << message << '\n'
                << "  ancestors " << info.ancestors.size() << " direct, " << version.info().totalAncestorCount() << " in all\n"
                << "  definitions " << definitions << "\n\n";
        }
    }

    Task<int> runInspect(const QStringList &arguments, Console &console)
    {
        QCommandLineParser parser;
        parser.setApplicationDescription(QStringLiteral("Read Monticello versions (.mcz) and print each one's name, id, author, date, time, package, "
                                                        "message, ancestor counts and number of code definitions."));
        parser.addOption({QStringLiteral("json"), QStringLiteral("One JSON object per file and line.")});
        parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("A .mcz file."), QStringLiteral("FILE..."));
        if (const int status = parseCommandLine(parser, arguments, console, QStringLiteral("inspect"), 1, -1); status >= 0)
            co_return status;
        const QStringList files = parser.positionalArguments();

        const bool json = parser.isSet(QStringLiteral("json"));
        int status = ExitSuccess;
        for (const QString &file : files)
        {
            Result<MczVersion> version = MczVersion::readFile(file);
            if (!version)
            {
                status = failWith(console, QStringLiteral("inspect"), version.error());
                continue;
            }
            for (const QString &warning : version->warnings())
                console.err << "warning: " << warning << '\n';
            const qsizetype definitions = version->definitions().size();
            if (json)
                console.out << QJsonDocument(toJson(file, version.value(), definitions)).toJson(QJsonDocument::Compact) << '\n';
            else
                printText(console.out, file, version.value(), definitions);
        }
        co_return status;
    }
}
