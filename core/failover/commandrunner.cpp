#include "commandrunner.h"

#include <QProcess>
#include <QTimer>

#include "util/platform.h"

namespace TwinTrunk::Failover
{
    Task<CommandOutcome> runCommand(CommandConfig command, QProcessEnvironment environment, int timeoutMs)
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
        // Its own process group, so that a timeout stops what the shell started too.
        Platform::startInOwnProcessGroup(process);

        bool timedOut = false;
        bool failedToStart = false;
        QTimer deadline;
        deadline.setSingleShot(true);
        auto watch = [&](std::function<void()> done) {
            QObject::connect(&process, &QProcess::finished, &process, [done] { done(); });
            QObject::connect(&process, &QProcess::errorOccurred, &process, [&failedToStart, done](QProcess::ProcessError error) {
                if (error == QProcess::FailedToStart)
                {
                    failedToStart = true;
                    done();
                }
            });
            QObject::connect(&deadline, &QTimer::timeout, &process, [&process, &timedOut] {
                timedOut = true;
                Platform::killProcessGroup(process); // the finished signal follows
            });
            deadline.start(timeoutMs);
            process.start();
        };
        co_await whenCalled(watch);
        deadline.stop();
        if (failedToStart)
        {
            outcome.error = QStringLiteral("could not start '%1': %2").arg(command.display(), process.errorString());
            co_return outcome;
        }
        outcome.output = QString::fromLocal8Bit(process.readAll().right(8192)).trimmed();
        if (timedOut)
        {
            outcome.error =
                QStringLiteral("'%1' did not finish within %2 s and was stopped, with what it started").arg(command.display()).arg(timeoutMs / 1000);
            co_return outcome;
        }
        if (process.exitStatus() != QProcess::NormalExit)
        {
            outcome.error = QStringLiteral("'%1' crashed").arg(command.display());
            co_return outcome;
        }
        outcome.exitCode = process.exitCode();
        outcome.ok = outcome.exitCode == 0;
        if (!outcome.ok)
            outcome.error = QStringLiteral("'%1' exited with status %2").arg(command.display()).arg(outcome.exitCode);
        co_return outcome;
    }
}
