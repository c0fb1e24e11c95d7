#include "mainwindow.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>

namespace TwinTrunk::Ui
{
    MainWindow::MainWindow(QWidget *parent)
        : QMainWindow(parent)
    {
        setWindowTitle(QApplication::applicationDisplayName());
        setWindowIcon(QIcon(QStringLiteral(":/icons/twintrunk.svg")));
        setMinimumSize(800, 560);

        auto *placeholder = new QLabel(tr("No workspace is open."), this);
        placeholder->setAlignment(Qt::AlignCenter);
        setCentralWidget(placeholder);
        statusBar()->showMessage(tr("Ready"));
        createMenus();

        const QSettings settings;
        if (!restoreGeometry(settings.value(QStringLiteral("mainWindow/geometry")).toByteArray()))
            resize(1024, 700);
    }

    MainWindow::~MainWindow() = default;

    void MainWindow::createMenus()
    {
        QMenu *fileMenu = menuBar()->addMenu(tr("&File"));
        QAction *quit = fileMenu->addAction(tr("&Quit"), this, &QWidget::close);
        quit->setShortcut(QKeySequence::Quit);

        QMenu *helpMenu = menuBar()->addMenu(tr("&Help"));
        QAction *about = helpMenu->addAction(tr("&About TwinTrunk"), this, &MainWindow::showAbout);
        about->setObjectName(QStringLiteral("aboutAction"));
        helpMenu->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
    }

    void MainWindow::showAbout()
    {
        QMessageBox::about(this, tr("About TwinTrunk"),
            tr("<h3>TwinTrunk %1</h3>"
               "<p>An administration console for a pair (or more) of Monticello source servers "
               "that back each other up: which versions each server has, duplicate-name conflicts, "
               "server health, replication and repointing.</p>"
               "<p>Built with Qt %2 and libzip.</p>")
                .arg(QApplication::applicationVersion(), QString::fromLatin1(qVersion())));
    }

    void MainWindow::closeEvent(QCloseEvent *event)
    {
        QSettings settings;
        settings.setValue(QStringLiteral("mainWindow/geometry"), saveGeometry());
        event->accept();
    }
}
