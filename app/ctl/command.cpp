#include "command.h"

namespace TwinTrunk::Ctl
{
    int parseCommandLine(QCommandLineParser &parser, const QStringList &arguments, Console &console, const QString &command,
        int minPositional, int maxPositional)
    {
        parser.addHelpOption();
        if (!parser.parse(arguments))
        {
            console.err << "twintrunkctl " << command << ": " << parser.errorText() << '\n';
            return ExitUsage;
        }
        if (parser.isSet(QStringLiteral("help")))
        {
            console.out << parser.helpText();
            return ExitSuccess;
        }
        const qsizetype given = parser.positionalArguments().size();
        if (given < minPositional || (maxPositional >= 0 && given > maxPositional))
        {
            console.err << "twintrunkctl " << command << ": wrong number of arguments\n\n" << parser.helpText();
            return ExitUsage;
        }
        return -1;
    }

    const QCommandLineOption &jsonOption()
    {
        static const QCommandLineOption option(QStringLiteral("json"), QStringLiteral("Print JSON."));
        return option;
    }

    int failWith(Console &console, const QString &command, const Error &error)
    {
        console.err << "twintrunkctl " << command << ": " << error.toString() << '\n';
        return ExitFailure;
    }
}
