// Health: error classes, back-off, latency percentiles, update-map choice, and the monitor
// itself on directory servers (a project folder that disappears is a server that is down).

#include <QDir>
#include <QJsonDocument>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include "demo/demoworkspace.h"
#include "failover/repoint.h"
#include "health/health.h"
#include "health/history.h"
#include "health/updatereadiness.h"
#include "testsupport.h"

using namespace TwinTrunk;
using namespace TwinTrunk::Health;

class TestHealth final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void errorClassesAreWordsAnAdminActsOn()
    {
        QCOMPARE(errorClass(Error::Kind::Dns), QStringLiteral("dns"));
        QCOMPARE(errorClass(Error::Kind::Refused), QStringLiteral("refused"));
        QCOMPARE(errorClass(Error::Kind::Tls), QStringLiteral("tls"));
        QCOMPARE(errorClass(Error::Kind::Timeout), QStringLiteral("timeout"));
        QCOMPARE(errorClass(Error::Kind::Unauthorized), QStringLiteral("auth"));
        QCOMPARE(errorClass(Error::Kind::Forbidden), QStringLiteral("auth"));
        QCOMPARE(errorClass(Error::Kind::ServerError), QStringLiteral("server"));
        QCOMPARE(errorClass(Error::Kind::NotFound), QStringLiteral("missing"));
    }

    void backOffGrowsWhileDownAndResetsOnSuccess()
    {
        const HealthConfig config{60, 900};
        QCOMPARE(nextProbeDelaySeconds(config, 0), 60);
        QList<qint64> delays;
        for (int failures = 1; failures <= 9; ++failures)
            delays.append(nextProbeDelaySeconds(config, failures));
        QCOMPARE(delays, (QList<qint64>{7, 14, 28, 56, 112, 224, 448, 896, 900}));
        QCOMPARE(nextProbeDelaySeconds(config, 1000), 900); // never beyond the maximum, never overflowing
        QCOMPARE(nextProbeDelaySeconds(HealthConfig{1, 1}, 5), 1);
    }

    void latencyPercentilesCountOnlyAnsweredProbes()
    {
        QList<State::HealthSample> samples;
        for (int latency = 1; latency <= 100; ++latency)
            samples.append(State::HealthSample{QStringLiteral("box2"), QDateTime(), true, latency, 200, QString(), QString()});
        samples.append(State::HealthSample{QStringLiteral("box2"), QDateTime(), false, -1, 0, QStringLiteral("down"), QStringLiteral("refused")});
        const LatencyStats stats = latencyStats(samples);
        QCOMPARE(stats.samples, 100);
        QCOMPARE(stats.p50, 50);
        QCOMPARE(stats.p95, 95);
        QCOMPARE(latencyStats({}).p50, -1);
    }

    void theNewestMapOfEachSeriesIsChecked()
    {
        const QStringList names{QStringLiteral("update-mt.480.mcm"), QStringLiteral("update-eem.512.mcm"), QStringLiteral("update-mt.99.mcm"),
            QStringLiteral("update.spur-ul.12.mcm"), QStringLiteral("update.spur-ul.9.mcm"), QStringLiteral("Kernel-eem.1000.mcz")};
        QCOMPARE(newestUpdateMaps(names), (QStringList{QStringLiteral("update-eem.512.mcm"), QStringLiteral("update.spur-ul.12.mcm")}));
        QVERIFY(newestUpdateMaps({QStringLiteral("Kernel-eem.1.mcz")}).isEmpty());
    }

    void updateReadinessNamesWhatIsMissing()
    {
        QTemporaryDir dir;
        Result<Demo::DemoWorkspace> demo = Demo::createDemoWorkspace(dir.filePath(QStringLiteral("demo")));
        QVERIFY(demo.ok());
        const QString project = demo->updateMap.section(u'/', 0, 0);
        const QString map = demo->updateMap.section(u'/', 1);
        std::unique_ptr<Repository::Repository> box4 =
            Repository::Repository::create(QStringLiteral("box4"), QUrl::fromLocalFile(QDir(demo->directory).filePath(QStringLiteral("box4"))));
        const QStringList files = QDir(QDir(demo->directory).filePath(QStringLiteral("box4/") + project)).entryList(QDir::Files);
        QSet<QString> listed(files.cbegin(), files.cend());

        const UpdateReadiness ready = Test::wait(checkUpdateReadiness(*box4, QStringLiteral("box4"), project, listed, dir.path()));
        QVERIFY2(ready.ready(), qPrintable(ready.maps.isEmpty() ? QStringLiteral("no maps") : ready.maps.first().error));
        QCOMPARE(ready.maps.size(), 1);
        QCOMPARE(ready.maps.first().map, map);
        QVERIFY(ready.maps.first().versions > 0);

        // A listing without one of the mapped versions: that version is named.
        QString dropped;
        for (const QString &name : files)
        {
            if (name.endsWith(QStringLiteral(".mcz")) && dropped.isEmpty())
            {
                listed.remove(name);
                const UpdateReadiness check = Test::wait(checkUpdateReadiness(*box4, QStringLiteral("box4"), project, listed, dir.path()));
                if (!check.ready())
                {
                    dropped = name;
                    QCOMPARE(check.missing(), QStringList{name});
                }
                listed.insert(name);
            }
        }
        QVERIFY2(!dropped.isEmpty(), "no version of the map was found in the listing");
        QVERIFY(QDir(dir.path()).entryList(QDir::Files).isEmpty()); // downloaded maps are removed
    }

    void theMonitorRecordsSamplesAndCountsFailures()
    {
        QTemporaryDir dir;
        Result<Demo::DemoWorkspace> demo = Demo::createDemoWorkspace(dir.filePath(QStringLiteral("demo")));
        QVERIFY(demo.ok());
        Result<Workspace> workspace = Workspace::load(demo->workspaceFile);
        QVERIFY(workspace.ok());
        Result<std::unique_ptr<State::StateDatabase>> state = State::StateDatabase::open(workspace->stateDatabasePath());
        QVERIFY(state.ok());

        HealthMonitor monitor(workspace.value(), *state.value());
        QList<ServerHealth> first = Test::wait(monitor.probeAll());
        QCOMPARE(first.size(), 2);
        for (const ServerHealth &health : first)
        {
            QVERIFY(health.probed && health.up);
            QVERIFY(health.latencyMs >= 0);
            QVERIFY(health.lastSuccess.isValid());
        }
        const QDateTime lastUp = first.at(1).lastSuccess;

        // box4's first project folder goes away (a failed mount): box4 is down, with a reason.
        const QString projectFolder = QDir(demo->directory).filePath(QStringLiteral("box4/") + workspace->projects().constFirst());
        QVERIFY(QDir().rename(projectFolder, projectFolder + QStringLiteral(".away")));
        for (int round = 1; round <= 2; ++round)
        {
            const ServerHealth box4 = Test::wait(monitor.probeAll()).at(1);
            QCOMPARE(box4.name, QStringLiteral("box4"));
            QVERIFY(!box4.up);
            QCOMPARE(box4.errorClass, QStringLiteral("missing"));
            QCOMPARE(box4.consecutiveFailures, round);
            QCOMPARE(box4.lastSuccess, lastUp);
        }
        QVERIFY(QDir().rename(projectFolder + QStringLiteral(".away"), projectFolder));
        const ServerHealth back = Test::wait(monitor.probeAll()).at(1);
        QVERIFY(back.up);
        QCOMPARE(back.consecutiveFailures, 0);

        // Every probe is kept, and a new monitor (another run) starts from that history.
        Result<QList<State::HealthSample>> samples = state.value()->healthSamples(QStringLiteral("box4"), 10);
        QVERIFY(samples.ok());
        QCOMPARE(samples->size(), 4);
        QCOMPARE(samples->at(1).errorClass, QStringLiteral("missing"));
        HealthMonitor again(workspace.value(), *state.value());
        QCOMPARE(again.current().at(1).history.size(), 4);
        QCOMPARE(again.current().at(1).lastSuccess, back.lastSuccess);
    }

    // Copies journaled close together are one replication run; a gap starts the next.
    void copiesCloseTogetherAreOneRun()
    {
        const QDateTime t0 = QDateTime::currentDateTimeUtc();
        auto copy = [](const QDateTime &at, const QString &result) {
            return State::JournalEntry{.at = at, .operation = QStringLiteral("copy"), .result = result};
        };
        const QList<State::JournalEntry> journal{copy(t0.addSecs(2), QStringLiteral("ok")), copy(t0, QStringLiteral("ok")),
            State::JournalEntry{.at = t0.addSecs(3), .operation = QStringLiteral("repoint"), .result = QStringLiteral("done")},
            copy(t0.addSecs(60), QStringLiteral("failed")), copy(t0.addSecs(3600), QStringLiteral("damaged"))};
        const QList<SyncRun> runs = syncRuns(journal);
        QCOMPARE(runs.size(), 2);
        QCOMPARE(runs.at(0).start, t0);
        QCOMPARE(runs.at(0).end, t0.addSecs(60));
        QCOMPARE(runs.at(0).copied, 2);
        QCOMPARE(runs.at(0).failed, 1);
        QCOMPARE(runs.at(1).failed, 1);
        QCOMPARE(runs.at(1).copied, 0);
    }

    // Every wizard preflight and dry run is journaled as a repoint: History counts and marks only
    // the repoints that ran (done or rolled back), each told by its report's summary, not its JSON.
    void historyCountsOnlyRepointsThatRan()
    {
        QTemporaryDir dir;
        const Demo::DemoWorkspace demo = Demo::createDemoWorkspace(dir.filePath(QStringLiteral("demo"))).value();
        const Workspace workspace = Workspace::load(demo.workspaceFile).value();
        auto state = State::StateDatabase::open(workspace.stateDatabasePath()).value();
        const QDateTime t0 = QDateTime::currentDateTimeUtc().addSecs(-600);
        const QList<std::pair<QString, QString>> runs{{QStringLiteral("dry-run"), QStringLiteral("dry run: Every check passed. The actions above would run.")},
            {QStringLiteral("refused"), QStringLiteral("The preflight stops this repoint (The new primary answers). Nothing was changed.")},
            {QStringLiteral("ok"), QStringLiteral("box4 is the primary")},
            {QStringLiteral("rolled-back"), QStringLiteral("an action failed; rolled back, box2 is still the primary")}};
        for (qsizetype i = 0; i < runs.size(); ++i)
        {
            Failover::RepointReport report;
            report.from = QStringLiteral("box2");
            report.to = QStringLiteral("box4");
            report.summary = runs.at(i).second;
            QVERIFY(state->appendJournal(State::JournalEntry{.at = t0.addSecs(i * 60),
                .operation = QStringLiteral("repoint"),
                .source = report.from,
                .target = report.to,
                .result = runs.at(i).first,
                .detail = QString::fromUtf8(QJsonDocument(report.toJson()).toJson(QJsonDocument::Compact))}));
        }
        const History history = readHistory(workspace, *state, t0.addSecs(-60));
        QCOMPARE(history.repoints.size(), 2);
        QCOMPARE(history.repoints.at(0).result, QStringLiteral("ok"));
        QCOMPARE(history.repoints.at(1).result, QStringLiteral("rolled-back"));
        QCOMPARE(repointWords(history.repoints.at(0)), QStringLiteral("box2 → box4, done: box4 is the primary"));
        QCOMPARE(repointWords(history.repoints.at(1)), QStringLiteral("box2 → box4, rolled back: an action failed; rolled back, box2 is still the primary"));
        QVERIFY(!repointWords(history.repoints.at(1)).contains(u'{'));
    }

    // A week of 10-second probes thinned for a chart keeps its shape: every change between up
    // and down (both ends of a down period) and each slice's slowest answer.
    void thinningKeepsEveryOutageAndTheSlowestAnswers()
    {
        const QDateTime since = QDateTime::currentDateTimeUtc().addDays(-7);
        QList<State::HealthSample> samples;
        for (int i = 0; i < 60480; ++i)
        {
            const bool down = i >= 30000 && i < 30006; // one minute down
            samples.append(
                State::HealthSample{.server = QStringLiteral("a"), .at = since.addSecs(10 * i), .up = !down, .latencyMs = down ? -1 : (i == 12345 ? 900 : 20)});
        }
        const QList<State::HealthSample> kept = thinned(samples, since, since.addSecs(10 * 60480));
        QVERIFY2(kept.size() < 4000, qPrintable(QString::number(kept.size())));
        QCOMPARE(std::count_if(kept.cbegin(), kept.cend(), [](const State::HealthSample &sample) { return !sample.up; }), 2);
        QVERIFY(std::any_of(kept.cbegin(), kept.cend(), [](const State::HealthSample &sample) { return sample.latencyMs == 900; }));
        QCOMPARE(thinned(samples.mid(0, 100), since, since.addDays(7)).size(), 100); // few: untouched
    }
};

QTEST_GUILESS_MAIN(TestHealth)
#include "tst_health.moc"
