// twintrunkctl: the command-line front end on TwinTrunk's core, for box-admins' shells and cron.

#include <QCoreApplication>
#include <QTextStream>

#include <cstdio>

#include "command.h"
#include "util/platform.h"

namespace TwinTrunk::Ctl
{
    const QList<Command> &commands()
    {
        static const QList<Command> all{
            {QStringLiteral("init"), QStringLiteral("Write a workspace file: servers, projects, the primary"), &runInit},
            {QStringLiteral("status"), QStringLiteral("Where things stand: reachability, missing versions, conflicts, lag, in sync"), &runStatus},
            {QStringLiteral("diff"), QStringLiteral("One row per version name of a project, its state and id on each server"), &runDiff},
            {QStringLiteral("sync"), QStringLiteral("Copy missing versions between the servers, verified, never overwriting"), &runSync},
            {QStringLiteral("verify"), QStringLiteral("Read stored copies whole within a budget: damaged copies found, and where a sound one is"), &runVerify},
            {QStringLiteral("repair"), QStringLiteral("Replace a version's damaged copies with a sound one (the damaged bytes kept)"), &runRepair},
            {QStringLiteral("journal"), QStringLiteral("The operations journal"), &runJournal},
            {QStringLiteral("health"), QStringLiteral("Each server's health: up, latency, last success, error; update readiness"), &runHealth},
            {QStringLiteral("repoint"), QStringLiteral("Make another server the primary: preflight, actions, verification, rollback"), &runRepoint},
            {QStringLiteral("conflicts"), QStringLiteral("Duplicate-name conflicts: one row per conflict with its variants"), &runConflicts},
            {QStringLiteral("conflict"), QStringLiteral("One conflict side by side: variants, ancestry, update map, code differences"), &runConflict},
            {QStringLiteral("resolve"), QStringLiteral("Decide a conflict: keep one variant (the others renamed, never lost), or defer"), &runResolve},
            {QStringLiteral("inspect"), QStringLiteral("Show name, id, author, ancestry and code size of .mcz files"), &runInspect},
            {QStringLiteral("list"), QStringLiteral("List a project's version files on a server or in a folder"), &runList},
            {QStringLiteral("probe"), QStringLiteral("Read a remote version's name and id, transferring as little as possible"), &runProbe},
            {QStringLiteral("get"), QStringLiteral("Download a version, checked, never replacing a file"), &runGet},
            {QStringLiteral("put"), QStringLiteral("Upload a version, only when its name is absent, and verify it"), &runPut},
            {QStringLiteral("demo"), QStringLiteral("Create the demo workspace: two local repositories that diverge"), &runDemo},
        };
        return all;
    }

    namespace
    {
        void printHelp(QTextStream &out)
        {
            out << "Usage: twintrunkctl [--help] [--version] COMMAND [ARGS...]\n\n"
                << "TwinTrunk keeps a pair (or more) of Monticello source servers in step.\n\n"
                << "Commands:\n";
            for (const Command &command : commands())
                out << "  " << command.name.leftJustified(12) << command.summary << '\n';
            out << "\nRun 'twintrunkctl COMMAND --help' for a command's options.\n"
                << "Exit status: 0 success, 1 failure (named on stderr), 2 usage error.\n";
        }
    }
}

int main(int argc, char *argv[])
{
    using namespace TwinTrunk::Ctl;
    TwinTrunk::Platform::cacheLocalTimeZone();
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("twintrunkctl"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TWINTRUNK_VERSION));
    QCoreApplication::setOrganizationName(QStringLiteral("TwinTrunk"));

    QTextStream out(stdout);
    QTextStream err(stderr);
    Console console{out, err};

    const QStringList arguments = QCoreApplication::arguments();
    if (arguments.size() < 2)
    {
        printHelp(err);
        return ExitUsage;
    }
    const QString first = arguments.at(1);
    if (first == u"--help" || first == u"-h" || first == u"help")
    {
        printHelp(out);
        return ExitSuccess;
    }
    if (first == u"--version" || first == u"-v")
    {
        out << "twintrunkctl " << QCoreApplication::applicationVersion() << '\n';
        return ExitSuccess;
    }
    for (const Command &command : commands())
    {
        if (command.name == first)
            return runToCompletion(command.run(arguments.mid(1), console));
    }
    err << "twintrunkctl: unknown command '" << first << "'\n\n";
    printHelp(err);
    return ExitUsage;
}
