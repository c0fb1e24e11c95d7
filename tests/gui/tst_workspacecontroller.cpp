// The console's worker: one request at a time, each with its own outcome, and opening a workspace
// while work is under way waits for it or cancels it cleanly. These are the probes that crashed the
// old worker (a request run inside another by a local event loop, then a use-after-free of the
// state database), repeated; the suite runs them under AddressSanitizer too.

#include <QDir>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "demo/demoworkspace.h"
#include "mainwindow.h"
#include "settingsdialog.h"
#include "statusmodels.h"
#include "testsupport.h"
#include "workspace/workspace.h"
#include "workspacecontroller.h"

using namespace TwinTrunk;
using Ui::Request;
using Ui::WorkspaceController;

class TestWorkspaceController final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    static constexpr int Rounds = 4;
    static constexpr int Timeout = 120000;

    Demo::DemoWorkspace newDemo(const QString &name)
    {
        Result<Demo::DemoWorkspace> demo = Demo::createDemoWorkspace(m_dir.filePath(name));
        if (!demo)
            qFatal("%s", qPrintable(demo.error().toString()));
        return demo.value();
    }

    // Records, for every request made through it, when it started and ended, to check that no two
    // ever ran at once and that each ended exactly once.
    struct Ledger
    {
        QSet<const Request *> started;
        int running = 0;
        int mostAtOnce = 0;
        int finished = 0;

        Request *track(Request *request)
        {
            QObject::connect(request, &Request::started, request, [this, request] {
                started.insert(request);
                mostAtOnce = std::max(mostAtOnce, ++running);
            });
            QObject::connect(request, &Request::finished, request, [this, request] {
                if (started.contains(request))
                    --running;
                ++finished;
            });
            return request;
        }
    };

    static bool samePath(const QString &a, const QString &b) { return QFileInfo(a).canonicalFilePath() == QFileInfo(b).canonicalFilePath(); }

    static bool over(const QPointer<Request> &request) { return !request || request->isOver(); }

    // What a request told when it ended (the request itself is deleted soon after).
    struct Ended
    {
        std::optional<Request::Outcome> outcome;
        QString error;
    };

    // Records the end of `request`: call it right after asking, before the event loop turns.
    static std::shared_ptr<Ended> watch(Request *request)
    {
        auto ended = std::make_shared<Ended>();
        QObject::connect(request, &Request::finished, request, [ended, request] {
            ended->outcome = request->outcome();
            ended->error = request->errorMessage();
        });
        return ended;
    }

    static Request::Outcome waitFor(const std::shared_ptr<Ended> &ended)
    {
        if (!QTest::qWaitFor([&] { return ended->outcome.has_value(); }, Timeout))
            qFatal("a request did not finish");
        return *ended->outcome;
    }

    static Request::Outcome outcomeOf(Request *request) { return waitFor(watch(request)); }

    static Ui::Refresh refreshOf(WorkspaceController &controller)
    {
        QSignalSpy refreshed(&controller, &WorkspaceController::refreshed);
        Request *refresh = controller.refresh();
        if (outcomeOf(refresh) != Request::Outcome::Succeeded || refreshed.isEmpty())
            qFatal("the refresh failed");
        return refreshed.last().at(0).value<Ui::Refresh>();
    }

    static void waitIdle(WorkspaceController &controller)
    {
        QVERIFY(QTest::qWaitFor([&] { return !controller.isBusy(); }, Timeout));
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    // Without a workspace, a request is refused, told from the event loop, with the reason.
    void aRequestWithoutAWorkspaceIsRefused()
    {
        WorkspaceController controller;
        Request *refresh = controller.refresh();
        QVERIFY(!refresh->isOver()); // told later: whoever asked connects first
        QCOMPARE(outcomeOf(refresh), Request::Outcome::Refused);
        QVERIFY(!controller.isBusy());
    }

    // Requests queue and run one at a time, in order; a second replication is refused while one is
    // queued; a queued request can be withdrawn; a refresh already waiting is not asked twice.
    void requestsRunOneAtATimeInOrder()
    {
        const Demo::DemoWorkspace demo = newDemo(QStringLiteral("order"));
        WorkspaceController controller;
        Ledger ledger;
        QStringList order;
        auto note = [&order](Request *request) {
            connect(request, &Request::started, request, [&order, request] { order.append(request->what()); });
            return request;
        };
        note(ledger.track(controller.open(demo.workspaceFile)));
        const auto plan = watch(note(ledger.track(controller.planSync())));
        const auto sync = watch(note(ledger.track(controller.runScheduledSync())));
        const auto second = watch(ledger.track(controller.runScheduledSync()));
        const auto inspect = watch(note(ledger.track(controller.inspectConflict(demo.conflictProject, demo.conflictFileName))));
        Request *refresh = ledger.track(controller.refresh());
        QCOMPARE(controller.refresh(), refresh); // one waiting refresh serves both
        Request *loading = ledger.track(controller.loadDetails(QStringLiteral("trunk")));
        const auto withdrawn = watch(loading);
        QVERIFY(controller.isBusy());
        controller.cancel(loading);
        QCOMPARE(waitFor(withdrawn), Request::Outcome::Cancelled);

        QCOMPARE(waitFor(second), Request::Outcome::Refused);
        QVERIFY2(second->error.contains(QStringLiteral("already")), qPrintable(second->error));
        QCOMPARE(waitFor(plan), Request::Outcome::Succeeded);
        QCOMPARE(waitFor(sync), Request::Outcome::Succeeded);
        QCOMPARE(waitFor(inspect), Request::Outcome::Succeeded);
        waitIdle(controller);
        QCOMPARE(ledger.mostAtOnce, 1);
        QCOMPARE(order.mid(0, 4),
            QStringList({QStringLiteral("Open %1").arg(QDir::toNativeSeparators(demo.workspaceFile)), QStringLiteral("Replication preview"),
                QStringLiteral("Scheduled replication"), QStringLiteral("Inspect %1").arg(demo.conflictFileName)}));
        QCOMPARE(ledger.running, 0);
    }

    // A refresh, then open of another workspace while it runs: the refresh is abandoned (or had
    // ended), the open runs after it, and what is shown is the new workspace's.
    void refreshThenOpen()
    {
        const Demo::DemoWorkspace first = newDemo(QStringLiteral("refresh-open-a"));
        const Demo::DemoWorkspace second = newDemo(QStringLiteral("refresh-open-b"));
        WorkspaceController controller;
        QCOMPARE(outcomeOf(controller.open(first.workspaceFile)), Request::Outcome::Succeeded);
        for (int round = 0; round < Rounds; ++round)
        {
            const Demo::DemoWorkspace &from = round % 2 == 0 ? first : second;
            const Demo::DemoWorkspace &to = round % 2 == 0 ? second : first;
            QVERIFY(samePath(controller.workspacePath(), from.workspaceFile));
            QPointer<Request> refresh = controller.refresh();
            QTest::qWait(round * 15); // at another point of the refresh each round
            Request *open = controller.open(to.workspaceFile);
            QCOMPARE(outcomeOf(open), Request::Outcome::Succeeded);
            QVERIFY(over(refresh));
            QVERIFY(samePath(controller.workspacePath(), to.workspaceFile));
            waitIdle(controller);
        }
        const Ui::Refresh shown = refreshOf(controller);
        QCOMPARE(shown.status.servers.size(), 2);
    }

    // The same from the window: a refresh under way, and Settings > Save reopens the workspace.
    void refreshThenSettingsSave()
    {
        const Demo::DemoWorkspace demo = newDemo(QStringLiteral("refresh-settings"));
        Ui::MainWindow window;
        window.show();
        window.openWorkspace(demo.workspaceFile);
        QTRY_COMPARE_WITH_TIMEOUT(window.projectsModel()->rowCount(), 3, Timeout);
        for (int round = 0; round < Rounds; ++round)
        {
            window.refresh();
            QTest::qWait(round * 15);
            Ui::SettingsDialog *settings = window.showSettings(demo.workspaceFile);
            settings->findChild<QSpinBox *>(QStringLiteral("settingsJobs"))->setValue(2 + round);
            QVERIFY2(settings->save(), qPrintable(settings->statusText()));
            settings->close();
            QTRY_VERIFY_WITH_TIMEOUT(!window.controller()->isBusy(), Timeout);
            QCOMPARE(window.controller()->jobs(), 2 + round);
            QCOMPARE(window.projectsModel()->rowCount(), 3);
        }
    }

    // A replication, then open while copies are in flight: the copies under way finish, no new one
    // starts, the run says how many it did not start; then the other workspace opens. Every copy
    // made is whole.
    void syncThenOpen()
    {
        for (int round = 0; round < Rounds; ++round)
        {
            const Demo::DemoWorkspace demo = newDemo(QStringLiteral("sync-open-%1").arg(round));
            const Demo::DemoWorkspace other = newDemo(QStringLiteral("sync-open-other-%1").arg(round));
            {
                // One copy at a time, so that the open lands while copies remain to start.
                Workspace workspace = Workspace::load(demo.workspaceFile).value();
                workspace.setJobs(1);
                QVERIFY(workspace.save(demo.workspaceFile, true).ok());
            }
            WorkspaceController controller;
            QCOMPARE(outcomeOf(controller.open(demo.workspaceFile)), Request::Outcome::Succeeded);
            QSignalSpy copies(&controller, &WorkspaceController::copyFinished);
            QPointer<Request> sync = controller.runScheduledSync();
            std::optional<Request::Outcome> syncOutcome;
            Sync::SyncResult result;
            connect(sync, &Request::finished, this, [&, sync] {
                syncOutcome = sync->outcome();
                result = sync->value<Sync::SyncResult>();
            });
            QVERIFY(QTest::qWaitFor([&] { return copies.size() > round % 2; }, Timeout));
            Request *open = controller.open(other.workspaceFile);
            QCOMPARE(outcomeOf(open), Request::Outcome::Succeeded);
            QVERIFY(syncOutcome.has_value());
            QCOMPARE(*syncOutcome, Request::Outcome::Succeeded); // stopped, not cut off: its result stands
            QVERIFY2(result.notStarted > 0, qPrintable(QString::number(result.copied)));
            QCOMPARE(result.failed, 0);
            waitIdle(controller);
            const QDir box2(QDir(demo.directory).filePath(demo.serverNames.at(0)));
            const QDir box4(QDir(demo.directory).filePath(demo.serverNames.at(1)));
            int same = 0;
            for (const QString &project : demo.projects)
            {
                const QDir target(box4.filePath(project));
                QVERIFY(target.entryList({QStringLiteral("*.part"), QStringLiteral(".*.part")}, QDir::Files | QDir::Hidden).isEmpty());
                for (const QString &name : target.entryList({QStringLiteral("*.mcz")}, QDir::Files))
                {
                    if (name != demo.conflictFileName && QFileInfo::exists(box2.filePath(project + u'/' + name)))
                    {
                        QCOMPARE(Test::readFile(target.filePath(name)), Test::readFile(box2.filePath(project + u'/' + name)));
                        ++same;
                    }
                }
            }
            QVERIFY(same > 0);
        }
    }

    // A repoint, then refreshes asked while it runs: the repoint is never cut; the refreshes run
    // after it and show the new primary.
    void repointThenRefresh()
    {
        const Demo::DemoWorkspace demo = newDemo(QStringLiteral("repoint-refresh"));
        WorkspaceController controller;
        QCOMPARE(outcomeOf(controller.open(demo.workspaceFile)), Request::Outcome::Succeeded);
        QCOMPARE(outcomeOf(controller.runScheduledSync()), Request::Outcome::Succeeded); // nothing only on the primary
        for (int round = 0; round < Rounds; ++round)
        {
            const QString target = controller.servers().at(0) == controller.primary() ? controller.servers().at(1) : controller.servers().at(0);
            QPointer<Request> repoint = controller.repoint(target, {});
            Failover::RepointReport report;
            connect(repoint, &Request::finished, this, [&, repoint] { report = repoint->value<Failover::RepointReport>(); });
            QList<std::shared_ptr<Ended>> refreshes;
            for (int i = 0; i < 3; ++i)
            {
                QTest::qWait(i * 10);
                refreshes.append(watch(controller.refresh()));
            }
            for (const auto &refresh : refreshes)
                QCOMPARE(waitFor(refresh), Request::Outcome::Succeeded);
            QVERIFY(over(repoint));
            QStringList checks;
            for (const Failover::Check &check : report.checks)
                checks.append(Failover::outcomeName(check.outcome) + QStringLiteral(": ") + check.title + QStringLiteral(" — ") + check.reason);
            QVERIFY2(report.succeeded, qPrintable(report.summary + u'\n' + checks.join(u'\n')));
            QCOMPARE(controller.primary(), target);
            QCOMPARE(Workspace::load(demo.workspaceFile)->primary().name, target);
            waitIdle(controller);
        }
    }

    // The window closes while a repoint runs: it waits for the repoint's end (never half
    // switched), then goes.
    void closingDuringARepointWaitsForIt()
    {
        const Demo::DemoWorkspace demo = newDemo(QStringLiteral("repoint-close"));
        {
            WorkspaceController controller;
            QCOMPARE(outcomeOf(controller.open(demo.workspaceFile)), Request::Outcome::Succeeded);
            QCOMPARE(outcomeOf(controller.runScheduledSync()), Request::Outcome::Succeeded);
            Request *repoint = controller.repoint(demo.serverNames.at(1), {});
            QSignalSpy started(repoint, &Request::started);
            QVERIFY(started.wait(Timeout)); // a request still queued would be dropped: nobody would see it run
        }
        const Workspace workspace = Workspace::load(demo.workspaceFile).value();
        QCOMPARE(workspace.primary().name, demo.serverNames.at(1));
    }
};

QTEST_MAIN(TestWorkspaceController)
#include "tst_workspacecontroller.moc"
