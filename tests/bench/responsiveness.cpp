// twintrunk_responsiveness WORKSPACE [--replicate]: opens WORKSPACE in the console (offscreen) and
// prints the longest event-loop stall (the longest gap between 2 ms timer ticks) while it loads and
// shows the workspace, and with --replicate while it copies every missing version through the
// Replicate dialog. A benchmark, not a test: it prints figures (target: under 50 ms) and never fails
// on time.

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QTimer>

#include "mainwindow.h"
#include "replicatedialog.h"
#include "statusmodels.h"

namespace
{
    // The longest gap between ticks of a 2 ms timer while `until` is false.
    struct StallMeter
    {
        QElapsedTimer clock;
        qint64 last = 0;
        qint64 longest = 0;
        QTimer timer;

        StallMeter()
        {
            timer.setInterval(2);
            QObject::connect(&timer, &QTimer::timeout, [this] {
                const qint64 now = clock.elapsed();
                longest = std::max(longest, now - last);
                last = now;
            });
        }

        void start()
        {
            clock.start();
            last = 0;
            longest = 0;
            timer.start();
        }

        template<typename Done>
        qint64 runUntil(Done done, int timeoutMs)
        {
            start();
            QElapsedTimer limit;
            limit.start();
            while (!done() && limit.elapsed() < timeoutMs)
                QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
            timer.stop();
            return longest;
        }
    };
}

int main(int argc, char *argv[])
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("TwinTrunkBench"));
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("WORKSPACE"), QStringLiteral("The workspace to open."));
    parser.addOption({QStringLiteral("replicate"), QStringLiteral("Also replicate everything missing through the console.")});
    parser.process(app);
    if (parser.positionalArguments().size() != 1)
        parser.showHelp(2);

    TwinTrunk::Ui::MainWindow window;
    window.resize(1100, 720);
    window.show();
    int detailsShown = 0; // the version table's per-server details, loaded after each selection
    QObject::connect(window.controller(), &TwinTrunk::Ui::WorkspaceController::detailsLoaded, [&] { ++detailsShown; });
    StallMeter meter;
    QElapsedTimer wall;
    wall.start();
    window.openWorkspace(parser.positionalArguments().first());
    const qint64 loading = meter.runUntil([&] { return window.projectsModel()->rowCount() > 0 && !window.controller()->isBusy(); }, 600000);
    const qint64 loaded = wall.elapsed();
    int rows = 0;
    for (int row = 0; row < window.projectsModel()->rowCount(); ++row)
        rows = std::max(rows, int(window.projectsModel()->project(row)->rows.size()));
    // Showing the biggest project's version table happens on the UI thread: it is part of the
    // figure, with the per-server details that follow each selection from the worker.
    const int projects = window.projectsModel()->rowCount();
    meter.runUntil([&] { return detailsShown >= 1; }, 600000); // those of the refresh's own selection
    detailsShown = 0;
    meter.start();
    for (int row = 0; row < projects; ++row)
    {
        window.selectProject(row);
        QCoreApplication::processEvents();
    }
    meter.timer.stop();
    const qint64 selecting = meter.longest;
    const qint64 showing = std::max(selecting, meter.runUntil([&] { return detailsShown >= projects; }, 600000));
    printf("loading: %lld ms; longest event-loop stall %lld ms; showing the version tables (up to %d rows): longest stall %lld ms\n", loaded, loading, rows,
        showing);

    if (parser.isSet(QStringLiteral("replicate")))
    {
        TwinTrunk::Ui::ReplicateDialog *replicate = window.showReplicate();
        meter.runUntil([&] { return replicate->canStart(); }, 600000);
        const int copies = replicate->plannedCopies();
        wall.restart();
        replicate->start();
        const qint64 syncing = meter.runUntil([&] { return !replicate->resultText().isEmpty() && !window.controller()->isBusy(); }, 600000);
        printf("replicating %d copies: %lld ms; longest event-loop stall %lld ms\n", copies, wall.elapsed(), syncing);
        printf("%s\n", qPrintable(replicate->resultText().section(u'\n', 0, 0)));
    }
    return 0;
}
