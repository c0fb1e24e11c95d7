#pragma once

#include <QString>
#include <QStringList>
#include <QTextStream>

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
        // Runs the command; arguments start with the command's name (QCommandLineParser style).
        int (*run)(const QStringList &arguments, Console &console);
    };

    // Every command, in the order `twintrunkctl --help` lists them.
    const QList<Command> &commands();

    int runInspect(const QStringList &arguments, Console &console);
    int runDemo(const QStringList &arguments, Console &console);
    int runList(const QStringList &arguments, Console &console);
    int runProbe(const QStringList &arguments, Console &console);
    int runPut(const QStringList &arguments, Console &console);
    int runGet(const QStringList &arguments, Console &console);
}
