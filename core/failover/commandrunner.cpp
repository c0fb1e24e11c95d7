#include "commandrunner.h"

#include <QProcess>

namespace TwinTrunk::Failover
{
    CommandOutcome runCommand(const CommandConfig &command, const QProcessEnvironment &environment, int timeoutMs)
    {
        CommandOutcome outcome;
        QProcess process;
        QProcessEnvironment merged = QProcessEnvironment::systemEnvironment();
        for (const QString &key : environment.keys())
            merged.insert(key, environment.value(key));
        process.setProcessEnvironment(merged);
        process.setProcessChannelMode(QProcess::MergedChannels);
        if (!command.shellLine.isEmpty())
        {
#if defined(Q_OS_WIN)
            process.setProgram(QStringLiteral("cmd.exe"));
            process.setNativeArguments(QStringLiteral("/d /s /c \"%1\"").arg(command.shellLine));
#else
            process.setProgram(QStringLiteral("/bin/sh"));
            process.setArguments({QStringLiteral("-c"), command.shellLine});
#endif
        }
        else
        {
            process.setProgram(command.argv.constFirst());
            process.setArguments(command.argv.mid(1));
        }
        process.start();
        if (!process.waitForStarted(10000))
        {
            outcome.error = QStringLiteral("could not start '%1': %2").arg(command.display(), process.errorString());
            return outcome;
        }
        const bool finished = process.waitForFinished(timeoutMs);
        if (!finished)
        {
            process.kill();
            process.waitForFinished(5000);
        }
        outcome.output = QString::fromLocal8Bit(process.readAll().right(8192)).trimmed();
        if (!finished)
        {
            outcome.error = QStringLiteral("'%1' did not finish within %2 s and was stopped").arg(command.display()).arg(timeoutMs / 1000);
            return outcome;
        }
        if (process.exitStatus() != QProcess::NormalExit)
        {
            outcome.error = QStringLiteral("'%1' crashed").arg(command.display());
            return outcome;
        }
        outcome.exitCode = process.exitCode();
        outcome.ok = outcome.exitCode == 0;
        if (!outcome.ok)
            outcome.error = QStringLiteral("'%1' exited with status %2").arg(command.display()).arg(outcome.exitCode);
        return outcome;
    }
}
