#pragma once

#include <memory>

#include <QCommandLineParser>
#include <QDateTime>
#include <QString>
#include <QStringList>
#include <QTextStream>

#include "state/statedatabase.h"
#include "util/error.h"
#include "util/task.h"
#include "workspace/workspace.h"

namespace TwinTrunk::Ctl
{
    // Exit statuses every twintrunkctl command uses.
    enum ExitStatus
    {
        ExitSuccess = 0,
        ExitFailure = 1, // something named on stderr failed
        ExitUsage = 2,   // the command line was wrong
    };

    struct Console
    {
        QTextStream &out;
        QTextStream &err;
    };

    struct Command
    {
        QString name;
        QString summary;
        // The command as a task on the application's event loop (see runToCompletion); arguments
        // start with the command's name (QCommandLineParser style).
        Task<int> (*run)(const QStringList &arguments, Console &console);
    };

    // Parses a command's arguments with --help handled and the positional count checked
    // (maxPositional -1: no upper bound). Returns -1 to go on, or the exit status to return.
    int parseCommandLine(QCommandLineParser &parser, const QStringList &arguments, Console &console, const QString &command, int minPositional,
        int maxPositional);

    // The --json option every command that prints results has.
    const QCommandLineOption &jsonOption();

    // --workspace FILE (-w), default ./twintrunk.json: every command that works on a workspace.
    const QCommandLineOption &workspaceOption();
    // Adds --workspace and --new-state (a state database of 0 bytes is refused without it: see
    // State::StateDatabase::EmptyFile).
    void addWorkspaceOptions(QCommandLineParser &parser);

    struct OpenedWorkspace
    {
        Workspace workspace;
        std::unique_ptr<State::StateDatabase> state;
    };
    // Loads the --workspace file (its warnings go to stderr) and opens its state database.
    Result<OpenedWorkspace> openWorkspace(const QCommandLineParser &parser, Console &console);

    // Names a failure on stderr as "twintrunkctl COMMAND: where: what" and returns ExitFailure.
    int failWith(Console &console, const QString &command, const Error &error);

    // Runs `task` on the application's own event loop (QCoreApplication::exec) until it has
    // finished, and returns its exit status. The only event loop a command runs.
    int runToCompletion(Task<int> task);

    // Every command, in the order `twintrunkctl --help` lists them.
    const QList<Command> &commands();

    Task<int> runInspect(const QStringList &arguments, Console &console);
    Task<int> runDemo(const QStringList &arguments, Console &console);
    Task<int> runList(const QStringList &arguments, Console &console);
    Task<int> runProbe(const QStringList &arguments, Console &console);
    Task<int> runPut(const QStringList &arguments, Console &console);
    Task<int> runGet(const QStringList &arguments, Console &console);
    Task<int> runInit(const QStringList &arguments, Console &console);
    Task<int> runStatus(const QStringList &arguments, Console &console);
    Task<int> runDiff(const QStringList &arguments, Console &console);
    Task<int> runSync(const QStringList &arguments, Console &console);
    Task<int> runVerify(const QStringList &arguments, Console &console);
    Task<int> runRepair(const QStringList &arguments, Console &console);
    Task<int> runJournal(const QStringList &arguments, Console &console);
    Task<int> runHealth(const QStringList &arguments, Console &console);
    Task<int> runRepoint(const QStringList &arguments, Console &console);
    Task<int> runConflicts(const QStringList &arguments, Console &console);
    Task<int> runConflict(const QStringList &arguments, Console &console);
    Task<int> runResolve(const QStringList &arguments, Console &console);
}
