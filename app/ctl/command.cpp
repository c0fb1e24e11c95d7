#include "command.h"

#include <QCoreApplication>

namespace TwinTrunk::Ctl
{
    namespace
    {
        // QCommandLineParser names the program from the process arguments (a full path); a
        // command's help should read "Usage: twintrunkctl sync [options]".
        QString commandHelp(const QCommandLineParser &parser, const QString &command)
        {
            QString text = parser.helpText();
            const qsizetype end = text.indexOf(u'\n');
            const QString usage = text.left(end);
            const qsizetype options = usage.indexOf(QStringLiteral(" ["));
            return QStringLiteral("Usage: twintrunkctl ") + command + (options >= 0 ? usage.mid(options) : QString()) + text.mid(end);
        }
    }

    int parseCommandLine(QCommandLineParser &parser, const QStringList &arguments, Console &console, const QString &command, int minPositional,
        int maxPositional)
    {
        parser.addHelpOption();
        if (!parser.parse(arguments))
        {
            console.err << "twintrunkctl " << command << ": " << parser.errorText() << '\n';
            return ExitUsage;
        }
        if (parser.isSet(QStringLiteral("help")))
        {
            console.out << commandHelp(parser, command);
            return ExitSuccess;
        }
        const qsizetype given = parser.positionalArguments().size();
        if (given < minPositional || (maxPositional >= 0 && given > maxPositional))
        {
            console.err << "twintrunkctl " << command << ": wrong number of arguments\n\n" << commandHelp(parser, command);
            return ExitUsage;
        }
        return -1;
    }

    const QCommandLineOption &jsonOption()
    {
        static const QCommandLineOption option(QStringLiteral("json"), QStringLiteral("Print JSON."));
        return option;
    }

    int runToCompletion(Task<int> task)
    {
        TaskRunner runner;
        runner.start(std::move(task), [](int status) { QCoreApplication::exit(status); });
        return QCoreApplication::exec();
    }

    int failWith(Console &console, const QString &command, const Error &error)
    {
        console.err << "twintrunkctl " << command << ": " << error.toString() << '\n';
        return ExitFailure;
    }

    const QCommandLineOption &workspaceOption()
    {
        static const QCommandLineOption option({QStringLiteral("w"), QStringLiteral("workspace")},
            QStringLiteral("The workspace file (default: ./twintrunk.json)."), QStringLiteral("FILE"), QStringLiteral("twintrunk.json"));
        return option;
    }

    namespace
    {
        const QCommandLineOption &newStateOption()
        {
            static const QCommandLineOption option(QStringLiteral("new-state"),
                QStringLiteral("Start afresh when the state database is an empty (0-byte) file, instead of refusing: the journal and "
                               "everything remembered are gone then."));
            return option;
        }
    }

    void addWorkspaceOptions(QCommandLineParser &parser)
    {
        parser.addOption(workspaceOption());
        parser.addOption(newStateOption());
    }

    Result<OpenedWorkspace> openWorkspace(const QCommandLineParser &parser, Console &console)
    {
        Result<Workspace> workspace = Workspace::load(parser.value(workspaceOption()));
        if (!workspace)
            return workspace.error();
        for (const QString &warning : workspace->warnings())
            console.err << "warning: " << warning << '\n';
        const auto emptyFile = parser.isSet(newStateOption()) ? State::StateDatabase::EmptyFile::StartAfresh : State::StateDatabase::EmptyFile::Refuse;
        Result<std::unique_ptr<State::StateDatabase>> state = State::StateDatabase::open(workspace->stateDatabasePath(), 10000, emptyFile);
        if (!state)
            return state.error();
        return OpenedWorkspace{std::move(workspace).value(), std::move(state).value()};
    }
}
