// The fault run: real nginx trunk servers behind a front, committers saving versions as fast as
// the servers answer, `twintrunkctl sync --every` and `health --watch` running, and a seeded
// nemesis crashing, pausing and partitioning them and repointing the front, with the same name
// committed on both sides of a partition and bytes flipped on a disk. Then everything is healed,
// a final sync and verify run, and an independent checker reads the servers' folders. See
// docs/tests.md ("The fault run").
//
//   twintrunk_chaos [--seconds N | --minutes N] [--seed S] [--servers 2|3] [--committers N] [--keep DIR]

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>

#include <cstdio>

#include "checker.h"
#include "cluster.h"
#include "committers.h"
#include "nemesis.h"
#include "storagewatch.h"

using namespace TwinTrunk::Chaos;

namespace
{
    struct Settings
    {
        int seconds = 60;
        quint32 seed = 0;
        int servers = 2;
        int committers = 4;
        QString keep; // keep the run's folder here (the servers' files, logs, state)
        bool sabotage = false;
        QString twintrunkctl;
    };

    class ChaosRun final : public QObject
    {
    public:
        ChaosRun(const Settings &settings, const QString &directory, QTextStream &log)
                : m_settings(settings), m_log(log), m_cluster(directory, settings.twintrunkctl, settings.servers)
        {}

        // Exit code of the run: 0 when every check passed.
        void start()
        {
            QString error;
            if (!m_cluster.start(&error))
            {
                finish(QStringLiteral("setting up: %1").arg(error));
                return;
            }
            QHash<QString, QString> roots;
            for (int index = 0; index < m_cluster.serverCount(); ++index)
                roots.insert(m_cluster.server(index).name, m_cluster.server(index).backend.rootDirectory());
            m_watch = new StorageWatch(roots, this);
            m_committers = new Committers(m_cluster.frontProjectUrl(), basicAuthorization(Cluster::username(), Cluster::password()), m_settings.committers,
                m_settings.seed, QStringLiteral("Chaos"), this);
            m_nemesis = new Nemesis(m_cluster, *m_watch, m_committers->acknowledged(), m_settings.seed, m_log, this);
            m_health =
                m_cluster.startCtl({QStringLiteral("health"), QStringLiteral("--watch"), QStringLiteral("--no-readiness")}, QStringLiteral("health"), this);
            connect(m_health, &QProcess::finished, this, [this] {
                if (!m_stoppingHealth)
                    m_unexpected.append(QStringLiteral("twintrunkctl health --watch ended by itself (see health.log)"));
            });
            m_elapsed.start();
            m_watch->start(300);
            m_committers->start();
            m_nemesis->start();
            QTimer::singleShot(m_settings.seconds * 1000, this, &ChaosRun::heal);
            std::printf("chaos: seed %u, %d servers, %d committers, %d s of faults; logs in %s\n", m_settings.seed, m_settings.servers, m_settings.committers,
                m_settings.seconds, qPrintable(QDir::toNativeSeparators(QFileInfo(m_cluster.workspaceFile()).path())));
            std::fflush(stdout);
        }

        int exitCode() const { return m_exitCode; }

    private:
        void heal()
        {
            m_faultSeconds = m_elapsed.elapsed() / 1000.0;
            connect(m_committers, &Committers::finished, this, [this] {
                m_committersDone = true;
                finalCheckWhenQuiet();
            });
            connect(m_nemesis, &Nemesis::healed, this, [this] {
                m_healed = true;
                finalCheckWhenQuiet();
            });
            m_committers->stop();
            if (m_settings.sabotage)
                m_nemesis->sabotage();
            m_nemesis->healAll();
        }

        void finalCheckWhenQuiet()
        {
            if (!m_committersDone || !m_healed)
                return;
            m_nemesis->stopSync();
            m_stoppingHealth = true;
            m_health->terminate();
            m_health->waitForFinished(10000);
            // A final sync (twice: a conflict or damage keeps it from exiting 0, and the second
            // pass shows nothing is left to copy), a full verify, and what the checker reads.
            for (int pass = 1; pass <= 2; ++pass)
            {
                const Cluster::CtlOutcome sync = m_cluster.runCtl({QStringLiteral("sync")}, 600000);
                m_log << "final sync " << pass << ": exit " << sync.exitCode << "\n" << sync.out << sync.err << Qt::endl;
            }
            if (m_settings.sabotage)
                forgetACopy();
            const Cluster::CtlOutcome verify = m_cluster.runCtl({QStringLiteral("verify"), QStringLiteral("--all"), QStringLiteral("--json")}, 600000);
            const Cluster::CtlOutcome conflicts = m_cluster.runCtl({QStringLiteral("conflicts"), QStringLiteral("--json")}, 600000);
            const Cluster::CtlOutcome journal = m_cluster.runCtl({QStringLiteral("journal"), QStringLiteral("--json")}, 600000);
            m_log << "verify: exit " << verify.exitCode << "\n" << verify.out << verify.err << Qt::endl;
            m_log << "conflicts: exit " << conflicts.exitCode << "\n" << conflicts.out << conflicts.err << Qt::endl;
            m_log << "journal: exit " << journal.exitCode << "\n" << journal.out << journal.err << Qt::endl;
            for (const Cluster::CtlOutcome *outcome : {&verify, &conflicts, &journal})
            {
                if (outcome->exitCode < 0)
                    m_unexpected.append(QStringLiteral("a final twintrunkctl command crashed or timed out: %1").arg(QString::fromUtf8(outcome->err)));
            }
            m_watch->stop();
            m_watch->scan();

            QList<Acknowledged> acknowledged = m_committers->acknowledged();
            acknowledged += m_nemesis->sideCommits();
            Verdict verdict = Checker(m_cluster, *m_watch).check(acknowledged, *m_nemesis, conflicts.out, verify.out, journal.out);
            verdict.failures += m_nemesis->counts().unexpectedExits;
            verdict.failures += m_unexpected;
            requireEachFault(verdict);
            report(verdict);
            finish(verdict.passed() ? QString() : verdict.failures.join(u'\n'));
        }

        // A run long enough for the opening (see Nemesis::tick) must have shown the checker each
        // rare fault; otherwise its "0 missed" says nothing.
        void requireEachFault(Verdict &verdict) const
        {
            if (m_settings.seconds < 45)
                return;
            const FaultCounts &faults = m_nemesis->counts();
            if (verdict.conflictsInjected == 0)
                verdict.failures.append(QStringLiteral("no conflict was injected: the run shows nothing about conflicts"));
            if (verdict.damageInjected == 0)
                verdict.failures.append(QStringLiteral("no byte was flipped: the run shows nothing about damage"));
            if (faults.repointsDone + faults.repointsRefused + faults.repointKills == 0)
                verdict.failures.append(QStringLiteral("no repoint was tried"));
        }

        // For --sabotage: the journal entries of one acknowledged version's copies deleted, after
        // the final sync, as a lost write to the state database would.
        void forgetACopy()
        {
            if (m_committers->acknowledged().size() < 4)
                return;
            const QString name = m_committers->acknowledged().at(3).name;
            const QString connection = QStringLiteral("chaos-sabotage");
            {
                QSqlDatabase database = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connection);
                database.setDatabaseName(m_cluster.stateDatabase());
                if (database.open())
                {
                    QSqlQuery query(database);
                    query.prepare(QStringLiteral("DELETE FROM journal WHERE operation = 'copy' AND name = ?"));
                    query.addBindValue(name);
                    query.exec();
                }
            }
            QSqlDatabase::removeDatabase(connection);
            m_log << "sabotage: the journal's copies of " << name << " deleted" << Qt::endl;
        }

        void report(const Verdict &verdict)
        {
            const FaultCounts &faults = m_nemesis->counts();
            QTextStream out(stdout);
            out << "chaos: seed " << m_settings.seed << ", " << m_settings.servers << " servers, " << m_settings.committers << " committers\n"
                << "  duration            " << QString::number(m_faultSeconds, 'f', 0) << " s of faults, "
                << QString::number(m_elapsed.elapsed() / 1000.0, 'f', 0) << " s in all\n"
                << "  commits             " << verdict.acknowledged << " acknowledged and checked: " << m_committers->acknowledged().size()
                << " through the front of " << m_committers->attempts() << " attempted (" << m_committers->unacknowledged()
                << " refused or unanswered: in doubt, allowed), " << faults.lateCommits << " late ones to an old primary, "
                << verdict.acknowledged - m_committers->acknowledged().size() - faults.lateCommits << " one-sided\n"
                << "  lost                " << verdict.lost << " (must be 0)\n"
                << "  not replicated      " << verdict.notReplicated << " (must be 0)\n"
                << "  all files           " << verdict.filesChecked << " names on the disks compared across servers; " << verdict.copiesVerified
                << " copies read whole by the final verify; " << m_nemesis->inDoubt().size() << " conflict names in doubt (left out)\n"
                << "  overwritten/deleted " << verdict.overwrites << " (must be 0; " << m_watch->seen().size() << " files watched in " << m_watch->scans()
                << " passes)\n"
                << "  conflicts           " << verdict.conflictsInjected << " injected, " << verdict.conflictsDetected << " detected, "
                << verdict.conflictsResolvedByThemselves << " resolved by themselves (must be 0)\n"
                << "  damaged copies      " << verdict.damageInjected << " injected, " << verdict.damageDetected << " detected, " << verdict.falseDamage
                << " false alarms (must be 0)\n"
                << "  journal             " << verdict.journalMismatches << " copies with other bytes, " << verdict.copiesUnaccounted
                << " unaccounted (must be 0)\n"
                << "  state database      PRAGMA integrity_check: " << verdict.stateIntegrity << "\n"
                << "  faults              " << faults.serverKills << " server kills, " << faults.frontKills << " front kills, " << faults.syncKills
                << " sync kills, " << faults.repointKills << " repoint kills, " << faults.pauses << " server pauses, " << faults.frontPauses
                << " front pauses, " << faults.partitions << " partitions\n"
                << "  repoints            " << faults.repointsDone << " done (" << faults.repointsWithPrimaryDown << " with the primary down), "
                << faults.repointsRefused << " refused or rolled back by their own checks\n";
            if (faults.restartFailures > 0)
                out << "  restarts retried    " << faults.restartFailures << "\n";
            out.flush();
        }

        void finish(const QString &failure)
        {
            if (!failure.isEmpty())
            {
                std::fprintf(stderr, "chaos: FAILED (seed %u, replay with --seed %u --seconds %d --servers %d --committers %d)\n%s\n", m_settings.seed,
                    m_settings.seed, m_settings.seconds, m_settings.servers, m_settings.committers, qPrintable(failure));
                m_exitCode = 1;
            }
            else
            {
                std::printf("chaos: PASSED\n");
                m_exitCode = 0;
            }
            m_cluster.stopAll();
            QCoreApplication::exit(m_exitCode);
        }

        Settings m_settings;
        QTextStream &m_log;
        Cluster m_cluster;
        StorageWatch *m_watch = nullptr;
        Committers *m_committers = nullptr;
        Nemesis *m_nemesis = nullptr;
        QProcess *m_health = nullptr;
        bool m_stoppingHealth = false;
        QStringList m_unexpected; // processes that ended by themselves, final commands that crashed
        QElapsedTimer m_elapsed;
        double m_faultSeconds = 0;
        bool m_committersDone = false;
        bool m_healed = false;
        int m_exitCode = 1;
    };
}

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("TwinTrunk's fault run: commits, crashes, pauses, partitions, repoints, flipped bytes."));
    parser.addHelpOption();
    const QCommandLineOption seconds(QStringLiteral("seconds"), QStringLiteral("Seconds of faults (default 60)."), QStringLiteral("N"));
    const QCommandLineOption minutes(QStringLiteral("minutes"), QStringLiteral("Minutes of faults."), QStringLiteral("N"));
    const QCommandLineOption seed(QStringLiteral("seed"), QStringLiteral("The nemesis's seed (default: from the clock; printed)."), QStringLiteral("S"));
    const QCommandLineOption servers(QStringLiteral("servers"), QStringLiteral("Trunk servers: 2 or 3 (default 2)."), QStringLiteral("N"));
    const QCommandLineOption committers(QStringLiteral("committers"), QStringLiteral("Committing clients (default 4)."), QStringLiteral("N"));
    const QCommandLineOption keep(QStringLiteral("keep"), QStringLiteral("Run in DIR and keep it (default: a temporary folder, kept on failure)."),
        QStringLiteral("DIR"));
    const QCommandLineOption ctl(QStringLiteral("twintrunkctl"), QStringLiteral("The twintrunkctl to run (default: $TWINTRUNKCTL)."), QStringLiteral("PATH"));
    const QCommandLineOption sabotage(QStringLiteral("sabotage"),
        QStringLiteral("Also delete and replace versions behind TwinTrunk's back at the end: the checker must fail the run (its own test)."));
    parser.addOptions({seconds, minutes, seed, servers, committers, keep, ctl, sabotage});
    parser.process(app);

    Settings settings;
    if (parser.isSet(seconds))
        settings.seconds = parser.value(seconds).toInt();
    if (parser.isSet(minutes))
        settings.seconds = parser.value(minutes).toInt() * 60;
    settings.seed = parser.isSet(seed) ? parser.value(seed).toUInt() : quint32(QDateTime::currentMSecsSinceEpoch() % 1000000007);
    if (parser.isSet(servers))
        settings.servers = parser.value(servers).toInt();
    if (parser.isSet(committers))
        settings.committers = parser.value(committers).toInt();
    settings.sabotage = parser.isSet(sabotage);
    settings.twintrunkctl = parser.isSet(ctl) ? parser.value(ctl) : qEnvironmentVariable("TWINTRUNKCTL");
    if (settings.seconds <= 0 || settings.servers < 2 || settings.servers > 3 || settings.committers < 1 || settings.twintrunkctl.isEmpty())
    {
        std::fprintf(stderr, "chaos: need --seconds > 0, --servers 2 or 3, --committers >= 1 and twintrunkctl (--twintrunkctl or $TWINTRUNKCTL)\n");
        return 2;
    }

    QTemporaryDir temporary;
    QString directory = parser.value(keep);
    if (directory.isEmpty())
        directory = temporary.path();
    else
        QDir().mkpath(directory);
    QFile logFile(QDir(directory).filePath(QStringLiteral("nemesis.log")));
    if (!logFile.open(QIODevice::WriteOnly | QIODevice::Truncate))
    {
        std::fprintf(stderr, "chaos: cannot write %s\n", qPrintable(logFile.fileName()));
        return 1;
    }
    QTextStream log(&logFile);
    ChaosRun run(settings, directory, log);
    QTimer::singleShot(0, &run, &ChaosRun::start);
    app.exec();
    log.flush();
    if (run.exitCode() != 0 && !parser.isSet(keep) && !settings.sabotage)
    {
        temporary.setAutoRemove(false);
        std::fprintf(stderr, "chaos: the run's folder is kept for reading: %s (nemesis.log, sync.log, repoint.log, the servers' files)\n",
            qPrintable(QDir::toNativeSeparators(directory)));
    }
    return run.exitCode();
}
