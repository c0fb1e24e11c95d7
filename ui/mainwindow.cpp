#include "mainwindow.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QScreen>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QSystemTrayIcon>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

#include "activitypanel.h"
#include "appearance.h"
#include "conflictdialog.h"
#include "credentialsdialog.h"
#include "credentialstore.h"
#include "damagedcopiesdialog.h"
#include "demo/demoworkspace.h"
#include "historyview.h"
#include "notifications.h"
#include "offthread.h"
#include "presentation/acrossservers.h"
#include "presentation/verdict.h"
#include "primarydownbanner.h"
#include "replicatedialog.h"
#include "replicationschedule.h"
#include "repointdialog.h"
#include "servercard.h"
#include "servergrid.h"
#include "settingsdialog.h"
#include "statusmodels.h"
#include "versionfilterbar.h"
#include "versiontimeline.h"

namespace TwinTrunk::Ui
{
    namespace
    {
        const QString LastWorkspaceKey = QStringLiteral("workspace/last");
        const QString GeometryKey = QStringLiteral("mainWindow/geometry");
        const QString SplitterKey = QStringLiteral("mainWindow/splitter");
        const QString VersionsSplitterKey = QStringLiteral("mainWindow/versionsSplitter");
        const QString RecentWorkspacesKey = QStringLiteral("workspace/recent");
        constexpr int AutoRefreshMs = 5 * 60 * 1000;

        // The status bar's message: elided to the room it has, never drawn over the schedule
        // beside it, the whole text in its tooltip (QStatusBar's own message is neither).
        class StatusLine final : public QLabel
        {
        public:
            explicit StatusLine(QWidget *parent) : QLabel(parent)
            {
                setObjectName(QStringLiteral("statusLine"));
                setMinimumWidth(40);
                setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
            }

            void say(const QString &text)
            {
                setToolTip(text);
                elide();
            }

        protected:
            void resizeEvent(QResizeEvent *event) override
            {
                QLabel::resizeEvent(event);
                elide();
            }

        private:
            void elide() { setText(fontMetrics().elidedText(toolTip(), Qt::ElideRight, contentsRect().width())); }
        };

        QTableView *tableView(QAbstractItemModel *model, QWidget *parent, const QString &name)

        {
            auto *view = new QTableView(parent);
            view->setObjectName(name);
            view->setModel(model);
            view->setSelectionBehavior(QAbstractItemView::SelectRows);
            view->setSelectionMode(QAbstractItemView::SingleSelection);
            view->setAlternatingRowColors(true);
            view->verticalHeader()->hide();
            view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 6);
            view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed); // tens of thousands of rows scroll without measuring each
            view->horizontalHeader()->setStretchLastSection(true);
            view->setWordWrap(false);
            return view;
        }
    }

    MainWindow::MainWindow(QWidget *parent)
            : QMainWindow(parent), m_controller(new WorkspaceController(this)), m_projects(new ProjectsModel(this)), m_versions(new VersionsModel(this)),
              m_versionFilter(new VersionFilterModel(this)), m_credentials(new CredentialStore(this))
    {
        setWindowTitle(QApplication::applicationDisplayName());
        setWindowIcon(QIcon(QStringLiteral(":/icons/twintrunk.svg")));
        setMinimumSize(800, 560);
        m_versionFilter->setSourceModel(m_versions);

        auto *central = new QWidget(this);
        auto *layout = new QVBoxLayout(central);
        // The primary down is the bad day this console is for: it says so above everything else.
        m_primaryDown = new PrimaryDownBanner(central);
        connect(m_primaryDown, &PrimaryDownBanner::repointRequested, this, [this](const QString &server) { showRepoint(server); });
        layout->addWidget(m_primaryDown);

        auto *cards = new QWidget(central);
        m_cardsLayout = new QHBoxLayout(cards);
        m_cardsLayout->setContentsMargins(0, 0, 0, 0);
        auto *noWorkspace = new QLabel(tr("No workspace is open."), cards);
        noWorkspace->setObjectName(QStringLiteral("noWorkspace"));
        m_cardsLayout->addWidget(noWorkspace);
        m_cardsLayout->addStretch();
        layout->addWidget(cards);

        auto *splitter = new QSplitter(Qt::Vertical, central);
        m_splitter = splitter;
        splitter->setObjectName(QStringLiteral("mainSplitter"));
        m_projectsView = tableView(m_projects, splitter, QStringLiteral("projectsView"));
        // The state first, where it is never cut off; room for a few projects whatever the splitter.
        m_projectsView->horizontalHeader()->moveSection(ProjectsModel::Verdict, 1);
        const int projectsHeader = m_projectsView->horizontalHeader()->sizeHint().height() + m_projectsView->horizontalScrollBar()->sizeHint().height();
        const int projectRow = m_projectsView->verticalHeader()->defaultSectionSize();
        m_projectsView->setMinimumHeight(projectsHeader + 2 * projectRow);
        splitter->addWidget(m_projectsView);
        m_tabs = new QTabWidget(splitter);
        m_tabs->addTab(createVersionsPanel(), tr("&Versions"));
        m_activity = new ActivityPanel(m_tabs);
        m_tabs->addTab(m_activity, tr("&Activity"));
        m_history = new HistoryView(m_controller, m_tabs);
        m_history->setObjectName(QStringLiteral("historyView"));
        m_tabs->addTab(m_history, tr("&History"));
        splitter->addWidget(m_tabs);
        splitter->setStretchFactor(1, 3);
        // The version table gets the room: the projects table starts at four rows (trunk, inbox,
        // treated and one more), which at 1024x768 with the primary-down banner leaves the version
        // table rows to read rather than two.
        splitter->setSizes({projectsHeader + 4 * projectRow, 4000});
        layout->addWidget(splitter, 1);
        setCentralWidget(central);

        connect(m_projectsView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) { selectProject(current.row()); });
        // A project's Conflicts cell leads to its conflicts; its context menu replicates it alone.
        connect(m_projectsView, &QTableView::clicked, this, &MainWindow::openProjectCell);
        connect(m_projectsView, &QTableView::activated, this, &MainWindow::openProjectCell);
        m_projectsView->setContextMenuPolicy(Qt::CustomContextMenu);
        connect(m_projectsView, &QWidget::customContextMenuRequested, this, [this](const QPoint &at) {
            if (QMenu *menu = projectMenu(m_projectsView->indexAt(at)))
                menu->popup(m_projectsView->viewport()->mapToGlobal(at));
        });
        connect(m_controller, &WorkspaceController::refreshed, this, &MainWindow::showRefresh);
        connect(m_controller, &WorkspaceController::refreshFailed, this,
            [this](const QString &message) { showStatus(tr("Not refreshed; what is shown may be out of date: %1").arg(message)); });
        connect(m_controller, &WorkspaceController::requestStarted, this, [this](const Request *request) { showStatus(tr("%1…").arg(request->what())); });
        connect(m_controller, &WorkspaceController::busyChanged, this, [this](bool busy) {
            // A "working…" line must not outlive the work: back to what the last refresh said.
            if (!busy && m_statusLine->toolTip().endsWith(u'…'))
                showStatus(m_idleMessage);
        });
        connect(m_controller, &WorkspaceController::opened, this, [this](const QString &path) {
            setWindowTitle(tr("%1 — %2").arg(QFileInfo(path).fileName(), QApplication::applicationDisplayName()));
            QSettings settings;
            settings.setValue(LastWorkspaceKey, path);
            QStringList recent = settings.value(RecentWorkspacesKey).toStringList();
            recent.removeAll(path);
            recent.prepend(path);
            settings.setValue(RecentWorkspacesKey, recent.mid(0, 8));
            loadCredentials();
        });

        auto *statusLine = new StatusLine(statusBar());
        m_statusLine = statusLine;
        statusBar()->addWidget(statusLine, 1);
        m_statusTimeout = new QTimer(this);
        m_statusTimeout->setSingleShot(true);
        connect(m_statusTimeout, &QTimer::timeout, this, [this] { showStatus(m_idleMessage); });
        m_schedule = new ReplicationSchedule(m_controller, this);
        auto *scheduleLabel = new QLabel(this);
        scheduleLabel->setObjectName(QStringLiteral("scheduleLabel"));
        scheduleLabel->setToolTip(tr("The workspace's replication schedule (Workspace Settings: Replicate every); "
                                     "Servers > Replicate on Schedule pauses it"));
        statusBar()->addPermanentWidget(scheduleLabel);
        connect(m_schedule, &ReplicationSchedule::changed, scheduleLabel, [this, scheduleLabel] { scheduleLabel->setText(m_schedule->describe()); });
        scheduleLabel->setText(m_schedule->describe());
        connect(m_controller, &WorkspaceController::opened, m_schedule, [this] { m_schedule->setInterval(m_controller->syncEverySeconds()); });

        m_autoRefresh = new QTimer(this);
        m_autoRefresh->setInterval(AutoRefreshMs);
        connect(m_autoRefresh, &QTimer::timeout, this, &MainWindow::refresh);

        createActions();
        createTray();
        // The version table follows a replication copy by copy, and shows what is known per server.
        connect(m_controller, &WorkspaceController::syncStarted, m_versions, &VersionsModel::clearLiveCopies);
        connect(m_controller, &WorkspaceController::copyStarted, m_versions, &VersionsModel::copyStarted);
        connect(m_controller, &WorkspaceController::copyFinished, m_versions, &VersionsModel::copyFinished);
        connect(m_controller, &WorkspaceController::detailsLoaded, this, [this](const Sync::ProjectDetails &details) {
            m_versions->setDetails(details);
            if (details.project == m_versions->project() && details.project != m_columnsSizedFor)
            {
                // Once per project (and after a reading), not at every refresh: a width the person
                // chose stays.
                m_columnsSizedFor = details.project;
                for (int column = 2; column < m_versions->columnCount() - 1; ++column) // the last one stretches
                    m_versionsView->resizeColumnToContents(column);
            }
        });
        connect(m_controller, &WorkspaceController::detailsProgressed, this,
            [this](int done, int total) { showStatus(tr("Reading authors and dates: %1 of %2").arg(done).arg(total)); });
        connect(m_controller, &WorkspaceController::verifyProgressed, this, [this](int done, int total, qint64 bytesDone, qint64) {
            showStatus(tr("Verifying copies: %1 of %2 read (%3)").arg(done).arg(total).arg(QLocale().formattedDataSize(bytesDone)));
        });
        connect(m_controller, &WorkspaceController::syncFinished, this, [this](const Sync::SyncResult &result) {
            if (result.failed > 0 && notificationChoices().syncFailed)
                notify({tr("Replication: %1 failed; see the activity log").arg(Presentation::counted(result.failed, tr("copy"), tr("copies")))});
        });
        showStatus(tr("Ready"));
        const QSettings settings;
        if (!restoreGeometry(settings.value(GeometryKey).toByteArray()))
        {
            // A first start: most of the screen, centred on it.
            const QRect placed = firstStartGeometry(screen()->availableGeometry());
            resize(placed.size());
            move(placed.topLeft());
        }
        // Where the person left the splitters (else the version table gets the room, above).
        m_splitter->restoreState(settings.value(SplitterKey).toByteArray());
        m_versionsSplitter->restoreState(settings.value(VersionsSplitterKey).toByteArray());
    }

    QRect MainWindow::firstStartGeometry(const QRect &available)
    {
        // About four fifths of the screen each way, capped on a large one; on a small one (1024x768)
        // nearly all of it, but never beyond it.
        const int width = std::min({available.width() * 95 / 100, std::max(available.width() * 78 / 100, 960), 1920});
        const int height = std::min({available.height() * 92 / 100, std::max(available.height() * 80 / 100, 700), 1200});
        return QRect(available.x() + (available.width() - width) / 2, available.y() + (available.height() - height) / 2, width, height);
    }

    MainWindow::~MainWindow() = default;

    QWidget *MainWindow::createVersionsPanel()
    {
        auto *panel = new QWidget(this);
        auto *layout = new QVBoxLayout(panel);
        auto *bar = new QHBoxLayout;
        m_filterBar = new VersionFilterBar(
            m_versionFilter, [this] { return m_projects->project(m_selectedProject); }, panel);
        m_search = new QLineEdit(panel);
        m_search->setObjectName(QStringLiteral("versionSearch"));
        m_search->setPlaceholderText(tr("Search names…"));
        m_search->setClearButtonEnabled(true);
        auto *readDetails = new QPushButton(tr("Read Authors && &Dates"), panel);
        readDetails->setObjectName(QStringLiteral("readDetailsButton"));
        readDetails->setToolTip(tr("Read the id, author and date of every version of this project on each server "
                                   "(a few kilobytes each, remembered; the refresh reads only names on several servers)"));
        connect(readDetails, &QPushButton::clicked, this, [this, readDetails] {
            const Sync::ProjectSnapshot *project = m_projects->project(m_selectedProject);
            if (!project)
                return;
            readDetails->setEnabled(false);
            const QString name = project->project;
            Request *reading = m_controller->readDetails(name);
            connect(reading, &Request::finished, this, [this, readDetails, reading, name] {
                readDetails->setEnabled(true);
                showDetailsRead(name, *reading);
            });
        });
        bar->addWidget(m_filterBar);
        bar->addWidget(m_search, 1);
        bar->addWidget(readDetails);
        layout->addLayout(bar);
        // Three or more servers: who lacks what of whose, a cell's click filters the table below.
        m_grid = new ServerGrid(panel);
        connect(m_grid, &ServerGrid::cellChosen, this, [this](const QString &lacking, const QString &having) {
            m_filterBar->showLacking(lacking, having);
            m_tabs->setCurrentIndex(0);
        });
        connect(m_filterBar, &VersionFilterBar::applied, m_grid, [this] {
            const QStringList pair = m_filterBar->pair();
            m_grid->showChosen(pair.value(0), pair.value(1)); // the cell in effect, if any
        });
        layout->addWidget(m_grid);
        m_versionsView = tableView(m_versionFilter, panel, QStringLiteral("versionsView"));
        // Rows come sorted by name: no sort until the person clicks a header (sorting 30,000 rows
        // on every refresh would stall the window), and column widths from a sample of rows.
        m_versionsView->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
        m_versionsView->setSortingEnabled(true);
        m_versionsView->horizontalHeader()->setResizeContentsPrecision(200);
        // The selected version's timeline under the table: a few lines to start with, whatever
        // the window's height (only the table stretches); the handle gives it more.
        auto *details = new QSplitter(Qt::Vertical, panel);
        m_versionsSplitter = details;
        details->setObjectName(QStringLiteral("versionsSplitter"));
        details->addWidget(m_versionsView);
        m_timeline = new VersionTimeline(m_controller, details);
        m_timeline->setObjectName(QStringLiteral("versionTimeline"));
        details->addWidget(m_timeline);
        details->setStretchFactor(0, 1);
        details->setStretchFactor(1, 0);
        details->setCollapsible(0, false);
        details->setSizes({4000, m_timeline->sizeHint().height()});
        layout->addWidget(details, 1);
        connect(m_versionsView->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex &current) {
            const Sync::ProjectSnapshot *project = m_projects->project(m_selectedProject);
            m_timeline->showVersion(project ? project->project : QString(), current.isValid() ? current.siblingAtColumn(0).data().toString() : QString());
        });
        // How many rows show, and when none do, why (never an empty table that says nothing).
        m_versionsCount = new QLabel(panel);
        m_versionsCount->setObjectName(QStringLiteral("versionsCount"));
        layout->addWidget(m_versionsCount);
        connect(m_versionFilter, &QAbstractItemModel::modelReset, this, &MainWindow::showVersionsCount);
        connect(m_versionFilter, &QAbstractItemModel::layoutChanged, this, &MainWindow::showVersionsCount);
        connect(m_versionFilter, &QAbstractItemModel::rowsInserted, this, &MainWindow::showVersionsCount);
        connect(m_versionFilter, &QAbstractItemModel::rowsRemoved, this, &MainWindow::showVersionsCount);
        // Enter opens a conflict as a double-click does (both are "activated").
        connect(m_versionsView, &QTableView::activated, this, &MainWindow::openVersion);
        m_versionsView->setToolTip(tr("Double-click a conflict (or press Enter) to compare its variants and decide; right-click for more"));
        m_versionsView->setContextMenuPolicy(Qt::CustomContextMenu);
        connect(m_versionsView, &QWidget::customContextMenuRequested, this, &MainWindow::showVersionMenu);
        connect(m_search, &QLineEdit::textChanged, m_versionFilter, &VersionFilterModel::setSearchText);
        return panel;
    }

    void MainWindow::openVersion(const QModelIndex &index)
    {
        const auto state = Sync::VersionState(index.data(VersionsModel::StateRole).toInt());
        const Sync::ProjectSnapshot *project = m_projects->project(m_selectedProject);
        if (project && (state == Sync::VersionState::Conflict || state == Sync::VersionState::Decided))
            showConflict(project->project, index.siblingAtColumn(0).data().toString());
    }

    void MainWindow::openProjectCell(const QModelIndex &index)
    {
        // The Conflicts cell of a project with any: its conflicts in the version table.
        const Sync::ProjectSnapshot *project = m_projects->project(index.row());
        if (index.column() != ProjectsModel::Conflicts || !project || (project->conflicts.isEmpty() && project->decided.isEmpty()))
            return;
        showConflictsOf(project->project);
    }

    void MainWindow::showConflictsOf(const QString &project)
    {
        for (int row = 0; row < m_projects->rowCount(); ++row)
        {
            if (m_projects->project(row)->project == project)
                selectProject(row);
        }
        m_filterBar->showConflicts();
        m_tabs->setCurrentIndex(0);
    }

    QMenu *MainWindow::projectMenu(const QModelIndex &index)
    {
        const Sync::ProjectSnapshot *project = m_projects->project(index.row());
        if (!index.isValid() || !project)
            return nullptr;
        auto *menu = new QMenu(this);
        menu->setAttribute(Qt::WA_DeleteOnClose);
        // By name, not the index: a refresh may reset the model while the menu is open.
        const QString name = project->project;
        QAction *replicate = menu->addAction(tr("Replicate This Project…"), this, [this, name] { showReplicate(name); });
        replicate->setToolTip(tr("Copy the versions of %1 a server lacks from one that has it: a preview first, then the run").arg(name));
        if (!project->conflicts.isEmpty() || !project->decided.isEmpty())
            menu->addAction(tr("Show Its Conflicts"), this, [this, name] { showConflictsOf(name); });
        return menu;
    }

    QMenu *MainWindow::versionMenu(const QModelIndex &index)
    {
        const Sync::ProjectSnapshot *project = m_projects->project(m_selectedProject);
        if (!index.isValid() || !project)
            return nullptr;
        const QString name = index.siblingAtColumn(0).data().toString();
        auto *menu = new QMenu(this);
        menu->setAttribute(Qt::WA_DeleteOnClose);
        const auto state = Sync::VersionState(index.data(VersionsModel::StateRole).toInt());
        // Names, not the index: a refresh may reset the model while the menu is open.
        if (state == Sync::VersionState::Conflict || state == Sync::VersionState::Decided)
            menu->addAction(tr("Compare and Decide…"), this, [this, projectName = project->project, name] { showConflict(projectName, name); });
        menu->addAction(tr("Copy Name"), this, [name] { QGuiApplication::clipboard()->setText(name); });
        for (const Sync::NameRow &row : project->rows)
        {
            if (row.name != name)
                continue;
            for (const QString &server : project->servers)
            {
                if (const QString id = row.uuids.value(server); !id.isEmpty())
                    menu->addAction(tr("Copy Id on %1").arg(server), this, [id] { QGuiApplication::clipboard()->setText(id); });
            }
        }
        menu->addAction(tr("Show Its Activity"), this, [this, name] {
            m_activity->filterFor(name);
            m_tabs->setCurrentIndex(1);
        });
        return menu;
    }

    void MainWindow::showVersionMenu(const QPoint &at)
    {
        if (QMenu *menu = versionMenu(m_versionsView->indexAt(at)))
            menu->popup(m_versionsView->viewport()->mapToGlobal(at));
    }

    QString MainWindow::versionsCountText() const
    {
        return m_versionsCount->text();
    }

    void MainWindow::showVersionsCount()
    {
        const int shown = m_versionFilter->rowCount(), all = m_versions->rowCount();
        const QString search = m_search->text().trimmed();
        // A server not listed: what it has or lacks is not in the table, whatever the filter.
        QString unknown;
        if (const Sync::ProjectSnapshot *project = m_projects->project(m_selectedProject); project && !project->unreachable.isEmpty())
        {
            const QStringList servers = project->unreachable.keys();
            unknown = servers.size() == 1 ? tr(" %1 was not listed: what it holds is not known.").arg(servers.first())
                                          : tr(" %1 were not listed: what they hold is not known.").arg(servers.join(QStringLiteral(", ")));
        }
        auto say = [this, &unknown](const QString &text) { m_versionsCount->setText(text + unknown); };
        if (all == 0)
            say(tr("No versions listed in this project."));
        else if (shown == 0 && !search.isEmpty())
            say(tr("No versions match '%1' here (%2 in all).").arg(search).arg(all));
        else if (shown == 0 && !m_filterBar->pair().isEmpty()) // a grid cell's pair
            say(tr("No versions match '%1' here (%2 in all).").arg(m_filterBar->label()).arg(all));
        else if (shown == 0)
            say(tr("None of the %1 shows with this filter.").arg(Presentation::counted(all, tr("version"), tr("versions"))));
        else if (shown == all)
            say(Presentation::counted(all, tr("version"), tr("versions")) + u'.');
        else
            say(tr("%1 of %2 shown.").arg(shown).arg(Presentation::counted(all, tr("version"), tr("versions"))));
    }

    QString MainWindow::exportActivity(const QString &path) const
    {
        return m_activity->exportCsv(path);
    }

    void MainWindow::createActions()
    {
        QMenu *fileMenu = menuBar()->addMenu(tr("&File"));
        QAction *open = fileMenu->addAction(tr("&Open Workspace…"), this, &MainWindow::openWorkspaceDialog);
        open->setShortcut(QKeySequence::Open);
        QAction *demo = fileMenu->addAction(tr("Open the &Demo Workspace"), this, &MainWindow::openDemo);
        m_recentMenu = fileMenu->addMenu(tr("Open &Recent"));
        connect(m_recentMenu, &QMenu::aboutToShow, this, [this] {
            m_recentMenu->clear();
            for (const QString &path : QSettings().value(RecentWorkspacesKey).toStringList())
                m_recentMenu->addAction(QDir::toNativeSeparators(path), this, [this, path] { openWorkspace(path); });
            m_recentMenu->setEnabled(!m_recentMenu->isEmpty());
        });
        fileMenu->addSeparator();
        // The servers and projects first, the file last (the form asks for it at Save).
        QAction *create = fileMenu->addAction(tr("&New Workspace…"), this, [this] { showSettings(QString()); });
        create->setObjectName(QStringLiteral("newWorkspaceAction"));
        create->setShortcut(QKeySequence::New);
        QAction *settings = fileMenu->addAction(tr("Workspace &Settings…"), this, [this] {
            if (!m_controller->workspacePath().isEmpty())
                showSettings(m_controller->workspacePath());
        });
        settings->setObjectName(QStringLiteral("settingsAction"));
        settings->setShortcut(QKeySequence::Preferences);
        fileMenu->addSeparator();
        QAction *quit = fileMenu->addAction(tr("&Quit"), this, &QWidget::close);
        quit->setShortcut(QKeySequence::Quit);

        QMenu *viewMenu = menuBar()->addMenu(tr("&View"));
        QAction *refreshAction = viewMenu->addAction(tr("&Refresh"), this, &MainWindow::refresh);
        refreshAction->setObjectName(QStringLiteral("refreshAction"));
        refreshAction->setShortcut(QKeySequence::Refresh);
        refreshAction->setToolTip(tr("List every server again, read new ids, check health (F5)"));
        QAction *search = viewMenu->addAction(tr("&Find Version"), this, [this] {
            m_tabs->setCurrentIndex(0);
            m_search->setFocus();
            m_search->selectAll();
        });
        search->setShortcut(QKeySequence::Find);

        QMenu *notify = viewMenu->addMenu(tr("&Notifications"));
        const std::initializer_list<std::pair<QString, QString>> kinds{{QStringLiteral("serverDown"), tr("When a server goes &down")},
            {QStringLiteral("newConflict"), tr("On a new &conflict")}, {QStringLiteral("newRegression"), tr("On a new &regression")},
            {QStringLiteral("syncFailed"), tr("When replication &fails")}, {QStringLiteral("damaged"), tr("On a &damaged copy")}};
        for (const auto &[key, text] : kinds)
        {
            QAction *toggle = notify->addAction(text);
            toggle->setCheckable(true);
            toggle->setChecked(QSettings().value(QStringLiteral("notify/") + key, true).toBool());
            connect(toggle, &QAction::toggled, this, [key](bool on) { QSettings().setValue(QStringLiteral("notify/") + key, on); });
        }

        QMenu *appearance = viewMenu->addMenu(tr("&Appearance"));
        auto *appearances = new QActionGroup(appearance);
        for (const auto &[choice, text] : std::initializer_list<std::pair<Appearance, QString>>{{Appearance::System, tr("As the &System")},
                 {Appearance::Light, tr("&Light")}, {Appearance::Dark, tr("&Dark")}})
        {
            QAction *action = appearance->addAction(text);
            action->setObjectName(QStringLiteral("appearance%1").arg(int(choice)));
            action->setCheckable(true);
            action->setChecked(choice == savedAppearance());
            appearances->addAction(action);
            connect(action, &QAction::triggered, this, [choice] {
                saveAppearance(choice);
                applyAppearance(choice);
            });
        }

        QMenu *serversMenu = menuBar()->addMenu(tr("&Servers"));
        QAction *replicate = serversMenu->addAction(tr("Re&plicate…"), this, [this] { showReplicate(); });
        replicate->setObjectName(QStringLiteral("replicateAction"));
        replicate->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
        replicate->setToolTip(tr("Copy every version a server lacks from one that has it: a preview first, then the run"));
        QAction *onSchedule = serversMenu->addAction(tr("Replicate on &Schedule"));
        onSchedule->setObjectName(QStringLiteral("scheduleAction"));
        onSchedule->setCheckable(true);
        onSchedule->setChecked(false);
        onSchedule->setEnabled(false);
        onSchedule->setToolTip(tr("Replicate every interval set in the workspace while this window is open; untick to pause"));
        connect(onSchedule, &QAction::toggled, m_schedule, [this](bool on) { m_schedule->setPaused(!on); });
        // Ticked only when a schedule exists and runs: without one there is nothing on schedule.
        connect(m_schedule, &ReplicationSchedule::changed, onSchedule, [this, onSchedule] {
            const QSignalBlocker quiet(onSchedule);
            onSchedule->setEnabled(m_schedule->interval() > 0);
            onSchedule->setChecked(m_schedule->interval() > 0 && !m_schedule->paused());
        });
        QAction *passwords = serversMenu->addAction(tr("&Passwords…"), this, [this] {
            if (m_controller->servers().isEmpty())
                return;
            auto *dialog = new CredentialsDialog(m_controller, m_credentials, this);
            dialog->setAttribute(Qt::WA_DeleteOnClose);
            dialog->show();
        });
        passwords->setObjectName(QStringLiteral("passwordsAction"));
        serversMenu->addSeparator();
        QAction *verify = serversMenu->addAction(tr("&Verify Copies"), this, [this] {
            if (m_controller->servers().isEmpty())
                return;
            Request *verifying = m_controller->verify(DamagedCopiesDialog::VerifyBudgetBytes);
            connect(verifying, &Request::finished, this, [this, verifying] { showVerified(*verifying); });
        });
        verify->setObjectName(QStringLiteral("verifyAction"));
        verify->setToolTip(tr("Read up to 1 GB of copies whole, the least recently read first (twintrunkctl verify)"));
        QAction *damaged = serversMenu->addAction(tr("&Damaged Copies…"), this, &MainWindow::showDamagedCopies);
        damaged->setObjectName(QStringLiteral("damagedAction"));
        damaged->setToolTip(tr("Copies whose bytes are wrong, where a sound copy is, and their repair"));
        serversMenu->addSeparator();
        QAction *repoint = serversMenu->addAction(tr("&Repoint…"), this, [this] { showRepoint(); });
        repoint->setObjectName(QStringLiteral("repointAction"));
        repoint->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P));
        repoint->setToolTip(tr("Make another server the primary: preflight, actions, verification, rollback"));

        QMenu *helpMenu = menuBar()->addMenu(tr("&Help"));
        QAction *about = helpMenu->addAction(tr("&About TwinTrunk"), this, &MainWindow::showAbout);
        about->setObjectName(QStringLiteral("aboutAction"));
        helpMenu->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);

        QToolBar *toolbar = addToolBar(tr("Main"));
        toolbar->setObjectName(QStringLiteral("mainToolBar"));
        toolbar->setToolButtonStyle(Qt::ToolButtonTextOnly);
        toolbar->addAction(open);
        toolbar->addAction(demo);
        toolbar->addAction(refreshAction);
        toolbar->addAction(replicate);
        toolbar->addAction(repoint);
    }

    SettingsDialog *MainWindow::showSettings(const QString &path)
    {
        auto *dialog = new SettingsDialog(path, this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(dialog, &SettingsDialog::saved, this, &MainWindow::openWorkspace);
        dialog->show();
        return dialog;
    }

    void MainWindow::loadCredentials()
    {
        // Passwords saved in the OS keychain for these servers' URLs, for this session's writes.
        for (const QString &server : m_controller->servers())
        {
            // By URL, not by name: an answer that comes after another workspace opened goes to no other server.
            const QUrl url = m_controller->serverUrl(server);
            m_credentials->read(url, this, [this, url](const Repository::Credentials &credentials, const QString &error) {
                if (!error.isEmpty()) // in words: the keychain's own (often a D-Bus message) is in Servers > Passwords' tooltip
                    showStatus(tr("Passwords: no OS keychain is available on this machine; writes use "
                                  "TWINTRUNK_PASSWORD_<SERVER>, the workspace file, or Servers > Passwords for this session"));
                else if (!credentials.isEmpty())
                    m_controller->setCredentials(url, credentials);
            });
        }
    }

    ConflictDialog *MainWindow::showConflict(const QString &project, const QString &name)
    {
        auto *dialog = new ConflictDialog(m_controller, project, name, this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->show();
        return dialog;
    }

    ReplicateDialog *MainWindow::showReplicate(const QString &project)
    {
        if (m_controller->servers().isEmpty())
            return nullptr;
        auto *dialog = new ReplicateDialog(m_controller, m_controller->jobs(), project, this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->show();
        return dialog;
    }

    DamagedCopiesDialog *MainWindow::showDamagedCopies()
    {
        if (m_controller->servers().isEmpty())
            return nullptr;
        auto *dialog = new DamagedCopiesDialog(m_controller, m_hasLast ? m_last.damaged : QList<Sync::DamagedCopy>(), this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->show();
        return dialog;
    }

    RepointDialog *MainWindow::showRepoint(const QString &target)
    {
        if (m_controller->servers().isEmpty())
            return nullptr;
        auto *dialog = new RepointDialog(m_controller, this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        // Unnamed (the menu, the tray): the server best placed to take over, as the banner offers it.
        const bool known = m_hasLast && m_lastPath == m_controller->workspacePath();
        const QString chosen = !target.isEmpty() ? target : known ? Presentation::bestTakeover(m_last.status, m_last.health).server : QString();
        if (!chosen.isEmpty())
            dialog->setTarget(chosen);
        connect(dialog, &RepointDialog::replicateRequested, this, [this] { showReplicate(); });
        dialog->show();
        dialog->runPreflight();
        return dialog;
    }

    void MainWindow::openInitialWorkspace(const QString &path)
    {
        if (!path.isEmpty())
            return openWorkspace(path);
        const QString last = QSettings().value(LastWorkspaceKey).toString();
        if (!last.isEmpty() && QFileInfo::exists(last))
            return openWorkspace(last);
        openDemo();
    }

    void MainWindow::openWorkspace(const QString &path)
    {
        watchOpening(m_controller->open(QFileInfo(path).absoluteFilePath()));
    }

    void MainWindow::openWorkspaceDialog()
    {
        askForFile(tr("Open Workspace"), QFileDialog::AcceptOpen, QString(), [this](const QString &path) { openWorkspace(path); });
    }

    void MainWindow::openDemo()
    {
        // The embedded default: two local repositories that diverge, with a conflict; no network.
        watchOpening(m_controller->openDemo(Demo::defaultDemoDirectory()));
    }

    void MainWindow::watchOpening(Request *opening)
    {
        showStatus(tr("%1…").arg(opening->what()));
        connect(opening, &Request::finished, this, [this, opening] {
            if (opening->succeeded())
                return m_autoRefresh->start();
            if (opening->outcome() != Request::Outcome::Cancelled)
                showStatus(tr("%1: not opened: %2").arg(opening->what(), opening->errorMessage()));
        });
    }

    void MainWindow::askForFile(const QString &title, QFileDialog::AcceptMode mode, const QString &suggested,
        const std::function<void(const QString &)> &chosen)
    {
        auto *dialog = new QFileDialog(this, title, QString(), tr("TwinTrunk workspaces (*.json)"));
        dialog->setAcceptMode(mode);
        dialog->setFileMode(mode == QFileDialog::AcceptOpen ? QFileDialog::ExistingFile : QFileDialog::AnyFile);
        dialog->setDefaultSuffix(QStringLiteral("json"));
        if (!suggested.isEmpty())
            dialog->selectFile(suggested);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(dialog, &QFileDialog::fileSelected, this, chosen);
        dialog->open();
    }

    void MainWindow::showDetailsRead(const QString &project, const Request &reading)
    {
        if (!reading.succeeded())
            return showStatus(tr("%1: authors and dates not read: %2").arg(project, reading.errorMessage()));
        const auto result = reading.value<Sync::DetailsResult>();
        m_columnsSizedFor.clear(); // the columns fit what was read
        QString message = tr("%1: read the author and date of %2").arg(project, Presentation::counted(result.read, tr("version"), tr("versions")));
        if (result.failed > 0 || result.skipped > 0)
            message += tr("; %1 could not be read, %2 not tried. First: %3").arg(result.failed).arg(result.skipped).arg(result.warnings.value(0));
        showStatus(message);
    }

    void MainWindow::showVerified(const Request &verifying)
    {
        if (!verifying.succeeded())
            return showStatus(tr("Not verified: %1").arg(verifying.errorMessage()));
        const auto result = verifying.value<Sync::ScrubResult>();
        showStatus(tr("Verified: %1 copies read whole, %2 damaged now, %3 healed, %4 left for the next run")
                       .arg(result.read)
                       .arg(result.damagedFound)
                       .arg(result.healed)
                       .arg(result.notRead),
            30000);
    }

    void MainWindow::refresh()
    {
        if (!m_controller->workspacePath().isEmpty())
            m_controller->refresh();
    }

    void MainWindow::showStatus(const QString &text, int timeoutMs)
    {
        static_cast<StatusLine *>(m_statusLine)->say(text);
        // A passing message (a notification) gives way to what the last refresh said.
        if (timeoutMs > 0)
            m_statusTimeout->start(timeoutMs);
        else
            m_statusTimeout->stop();
    }

    void MainWindow::createTray()
    {
        // The overall state at a glance, and notifications, while the window is elsewhere. Made
        // even where no tray shows (its menu and actions still follow the events), shown where one does.
        m_tray = new QSystemTrayIcon(windowIcon(), this);
        m_tray->setToolTip(QApplication::applicationDisplayName());
        auto *menu = new QMenu(this);
        m_trayEvent = menu->addAction(QString(), this, [this] {
            if (m_latestEvent)
                actOn(*m_latestEvent);
        });
        m_trayEvent->setObjectName(QStringLiteral("trayEventAction"));
        m_trayEvent->setVisible(false);
        menu->addAction(tr("Show TwinTrunk"), this, [this] {
            showNormal();
            raise();
            activateWindow();
        });
        m_tray->setContextMenu(menu);
        connect(m_tray, &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason reason) {
            if (reason == QSystemTrayIcon::Context)
                return; // the menu opens
            showNormal();
            raise();
            activateWindow();
        });
        // A message has no buttons (QSystemTrayIcon has none per message): a click on it is its action.
        connect(m_tray, &QSystemTrayIcon::messageClicked, this, [this] {
            showNormal();
            raise();
            activateWindow();
            if (m_messageAction)
                actOn(*m_messageAction);
        });
        if (QSystemTrayIcon::isSystemTrayAvailable())
            m_tray->show();
    }

    void MainWindow::actOn(const Notification &event)
    {
        if (event.action == Notification::Action::OpenConflict)
            showConflict(event.project, event.name);
        else if (event.action == Notification::Action::Repoint)
            showRepoint(); // the server best placed to take over, as the banner offers it
    }

    void MainWindow::notify(const QStringList &messages, const std::optional<Notification> &action)
    {
        if (messages.isEmpty())
            return;
        m_messageAction = action;
        if (action)
        {
            m_latestEvent = action;
            m_trayEvent->setText(action->action == Notification::Action::Repoint ? tr("Repoint (%1 is down)…").arg(action->server)
                                                                                 : tr("Open Conflict %1/%2…").arg(action->project, action->name));
            m_trayEvent->setVisible(true);
        }
        if (m_tray->isVisible())
            m_tray->showMessage(QApplication::applicationDisplayName(), messages.join(u'\n'), QSystemTrayIcon::Warning);
        showStatus(messages.join(QStringLiteral(" · ")), 30000);
    }

    NotificationChoices MainWindow::notificationChoices() const
    {
        const QSettings settings;
        return NotificationChoices{settings.value(QStringLiteral("notify/serverDown"), true).toBool(),
            settings.value(QStringLiteral("notify/newConflict"), true).toBool(), settings.value(QStringLiteral("notify/newRegression"), true).toBool(),
            settings.value(QStringLiteral("notify/syncFailed"), true).toBool(), settings.value(QStringLiteral("notify/damaged"), true).toBool()};
    }

    void MainWindow::showRefresh(const Refresh &refresh)
    {
        const bool sameWorkspace = m_hasLast && m_lastPath == m_controller->workspacePath();
        // Conflicts announced in an earlier session are not "new" when the console starts again.
        QSettings settings;
        const QString toldKey =
            QStringLiteral("announcedConflicts/") + QString::fromLatin1(m_controller->workspacePath().toUtf8().toBase64(QByteArray::Base64UrlEncoding));
        const QStringList told = settings.value(toldKey).toStringList();
        const QList<Notification> events =
            notificationEvents(sameWorkspace ? &m_last : nullptr, refresh, notificationChoices(), QSet<QString>(told.cbegin(), told.cend()));
        // Told stays told while it may still be open: a conflict leaves the list only when its
        // project was listed everywhere and it is no longer there (a server down hides it, not ends it).
        QSet<QString> stillTold = openConflicts(refresh);
        QSet<QString> fullyListed;
        for (const Sync::ProjectSnapshot &project : refresh.status.projects)
        {
            if (project.unreachable.isEmpty())
                fullyListed.insert(project.project);
        }
        for (const QString &name : told)
        {
            if (!fullyListed.contains(name.section(u'/', 0, 0)))
                stillTold.insert(name);
        }
        settings.setValue(toldKey, QStringList(stillTold.cbegin(), stillTold.cend()));
        releaseOffThread(std::exchange(m_last, refresh));
        m_hasLast = true;
        m_lastPath = m_controller->workspacePath();
        m_tray->setToolTip(overallState(refresh));
        showServerCards(refresh);
        m_primaryDown->showRefresh(refresh);

        m_projects->setProjects(refresh.status.projects, refresh.status.at, refresh.journal, refresh.coverage);
        m_versions->setDamaged(refresh.damaged);
        m_projectsView->resizeColumnsToContents();
        m_activity->setEntries(refresh.journal, m_controller->workspacePath());

        // The filter offers "missing on X" for each server of this workspace.
        QStringList servers;
        for (const Sync::ServerStatus &server : refresh.status.servers)
            servers.append(server.name);
        m_filterBar->setServers(servers);
        selectProject(std::clamp(m_selectedProject, 0, int(refresh.status.projects.size()) - 1));

        int conflicts = 0;
        bool allListed = true;
        for (const Sync::ProjectSnapshot &project : refresh.status.projects)
        {
            conflicts += int(project.conflicts.size());
            allListed = allListed && project.unreachable.isEmpty();
        }
        m_idleMessage = tr("Updated %1 · %2%3")
                            .arg(Presentation::localTime(refresh.status.at), Presentation::counted(conflicts, tr("open conflict"), tr("open conflicts")),
                                allListed ? QString() : tr(" known (a server was not listed)"));
        showStatus(m_idleMessage);
        QStringList messages;
        for (const Notification &event : events)
            messages.append(event.text);
        notify(messages, actionableEvent(events));
    }

    void MainWindow::showServerCards(const Refresh &refresh)
    {
        // One card per server in workspace order (a repoint moves the "primary" mark, not the
        // cards), rebuilt when the servers change.
        if (m_cards.size() != refresh.health.size())
        {
            while (QLayoutItem *item = m_cardsLayout->takeAt(0))
            {
                delete item->widget();
                delete item;
            }
            m_cards.clear();
            for (qsizetype i = 0; i < refresh.health.size(); ++i)
            {
                auto *card = new ServerCard(m_cardsLayout->parentWidget());
                connect(card, &ServerCard::probeRequested, this, &MainWindow::refresh);
                connect(card, &ServerCard::repointRequested, this, [this](const QString &server) { showRepoint(server); });
                m_cardsLayout->addWidget(card);
                m_cards.append(card);
            }
            m_cardsLayout->addStretch();
        }

        // A down server is probed again sooner, backing off as the health monitor does; the
        // cards count down to it.
        qint64 nextSeconds = AutoRefreshMs / 1000;
        for (const Health::ServerHealth &health : refresh.health)
        {
            if (health.probed && !health.up)
                nextSeconds = std::min(nextSeconds, Health::nextProbeDelaySeconds(m_controller->healthConfig(), health.consecutiveFailures));
        }
        if (m_autoRefresh->isActive())
            m_autoRefresh->start(int(nextSeconds * 1000));
        const QDateTime nextProbe = m_autoRefresh->isActive() ? QDateTime::currentDateTimeUtc().addSecs(nextSeconds) : QDateTime();

        for (qsizetype i = 0; i < refresh.health.size(); ++i)
        {
            const Health::ServerHealth &health = refresh.health.at(i);
            bool reachable = true;
            QString error;
            for (const Sync::ServerStatus &server : refresh.status.servers)
            {
                if (server.name == health.name)
                {
                    reachable = server.reachable;
                    error = server.error;
                }
            }
            m_cards.at(i)->setHealth(health, reachable, error, Presentation::takeoverReadiness(refresh.status, health.name));
            m_cards.at(i)->setNextProbe(nextProbe);
        }
    }

    void MainWindow::selectProject(int row)
    {
        const Sync::ProjectSnapshot *project = m_projects->project(row);
        if (!project)
            return;
        m_selectedProject = row;
        m_versions->setProject(*project);
        m_grid->setProject(*project);
        m_filterBar->projectChanged();          // a grid cell's versions are this project's
        m_controller->cancel(m_loadingDetails); // another project's details would arrive for nothing
        m_loadingDetails = m_controller->loadDetails(project->project);
        if (m_projectsView->currentIndex().row() != row)
            m_projectsView->selectRow(row);
        m_versionsView->resizeColumnToContents(0);
        // The state ("box2 unreachable", "copy failed → box4") whole, once per project: a width
        // the person chose stays through the refreshes.
        if (m_stateSizedFor != project->project)
        {
            m_stateSizedFor = project->project;
            m_versionsView->resizeColumnToContents(1);
        }
    }

    void MainWindow::showAbout()
    {
        tell(QMessageBox::NoIcon, tr("About TwinTrunk"),
            tr("<h3>TwinTrunk %1</h3>"
               "<p>An administration console for a pair (or more) of Monticello source servers "
               "that back each other up: which versions each server has, duplicate-name conflicts, "
               "server health, replication and repointing.</p>"
               "<p>Built with Qt %2 and libzip.</p>")
                .arg(QApplication::applicationVersion(), QString::fromLatin1(qVersion())));
    }

    void MainWindow::tell(QMessageBox::Icon icon, const QString &title, const QString &text)
    {
        auto *box = new QMessageBox(icon, title, text, QMessageBox::Ok, this);
        if (icon == QMessageBox::NoIcon)
            box->setIconPixmap(windowIcon().pixmap(64, 64));
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
    }

    void MainWindow::closeEvent(QCloseEvent *event)
    {
        QSettings settings;
        settings.setValue(GeometryKey, saveGeometry());
        settings.setValue(SplitterKey, m_splitter->saveState());
        settings.setValue(VersionsSplitterKey, m_versionsSplitter->saveState());
        event->accept();
    }
}
