#pragma once

#include <functional>

#include <QFileDialog>
#include <QMainWindow>
#include <QMessageBox>
#include <QPointer>

#include "notifications.h"
#include "workspacecontroller.h"

class QSystemTrayIcon;
class QHBoxLayout;
class QLineEdit;
class QMenu;
class QTableView;
class QTabWidget;
class QTimer;
class QFrame;
class QLabel;
class QPushButton;
class QSplitter;

namespace TwinTrunk::Ui
{
    class HistoryView;
    class PrimaryDownBanner;
    class ConflictDialog;
    class CredentialStore;
    class ActivityPanel;
    class ProjectsModel;
    class RepointDialog;
    class DamagedCopiesDialog;
    class SettingsDialog;
    class ReplicateDialog;
    class ReplicationSchedule;
    class ServerCard;
    class ServerGrid;
    class VersionFilterBar;
    class VersionFilterModel;
    class VersionsModel;
    class VersionTimeline;

    // The console's main window: server cards side by side, the projects table, the version diff
    // of the selected project with its filters, and the activity log. Models adapt the snapshots
    // the workspace controller delivers from its worker thread.
    class MainWindow final : public QMainWindow
    {
        Q_OBJECT
        Q_DISABLE_COPY_MOVE(MainWindow)

    public:
        explicit MainWindow(QWidget *parent = nullptr);
        ~MainWindow() override;

        // The workspace to show at start: `path` if given, else the last one, else the demo.
        void openInitialWorkspace(const QString &path = QString());
        void openWorkspace(const QString &path);

        // For tests and the screenshot.
        ProjectsModel *projectsModel() const { return m_projects; }
        VersionFilterModel *versionFilter() const { return m_versionFilter; }
        WorkspaceController *controller() const { return m_controller; }
        ReplicationSchedule *schedule() const { return m_schedule; }
        void selectProject(int row);
        // The activity entries shown (the filter applies) as CSV; an error, or empty.
        QString exportActivity(const QString &path) const;

        // The version table's context menu for a row (for tests; null off the rows).
        QMenu *versionMenu(const QModelIndex &index);
        // The projects table's context menu for a row: Replicate This Project… (null off the rows).
        QMenu *projectMenu(const QModelIndex &index);
        // Where a first start puts the window on a screen with `available` room: most of it, centred.
        static QRect firstStartGeometry(const QRect &available);
        QString versionsCountText() const;
        // The details pane: the timeline of the version selected in the version table.
        VersionTimeline *timeline() const { return m_timeline; }
        // With three or more servers: what each lacks of another's, a click filters the version table.
        ServerGrid *serverGrid() const { return m_grid; }

    public Q_SLOTS:
        void showAbout();
        void refresh();
        void openWorkspaceDialog();
        void openDemo();
        // The repoint wizard, already checking `target` (empty: the server best placed to take over
        // as the last refresh tells, Presentation::bestTakeover; else the first other server).
        RepointDialog *showRepoint(const QString &target = QString());
        // Damaged copies, Verify Now and Repair (Servers > Damaged Copies).
        DamagedCopiesDialog *showDamagedCopies();
        // The replicate preview (planning already under way), of every project or of `project` alone.
        ReplicateDialog *showReplicate(const QString &project = QString());
        // A project's conflicts: it is selected and the version table filtered to them.
        void showConflictsOf(const QString &project);
        // One conflict side by side (also: double-click it in the version table).
        ConflictDialog *showConflict(const QString &project, const QString &name);
        // The workspace file as a form (a new workspace when `path` is empty: its file is asked for at
        // Save); saving opens it.
        SettingsDialog *showSettings(const QString &path);

    protected:
        void closeEvent(QCloseEvent *event) override;

    private:
        void createActions();
        QWidget *createVersionsPanel();
        void showRefresh(const Refresh &refresh);
        void showServerCards(const Refresh &refresh);
        void openVersion(const QModelIndex &index);
        // A click or Enter on a cell of the projects table (the Conflicts cell leads to the conflicts).
        void openProjectCell(const QModelIndex &index);
        void showVersionMenu(const QPoint &at);
        void showVersionsCount();
        void loadCredentials();
        // Follows an open request: the auto refresh starts once it succeeded; a failure is told.
        void watchOpening(Request *opening);
        // A file chosen in a dialog that does not block (open(), not exec()).
        void askForFile(const QString &title, QFileDialog::AcceptMode mode, const QString &suggested, const std::function<void(const QString &)> &chosen);
        void showDetailsRead(const QString &project, const Request &reading);
        void showVerified(const Request &verifying);
        // A message box that does not block.
        void tell(QMessageBox::Icon icon, const QString &title, const QString &text);
        // A desktop notification (through the tray) and the status bar. `action`: where a click on
        // the message leads (and the tray menu's entry for the latest event); none: a click on this
        // message leads nowhere, whatever an earlier one did.
        void notify(const QStringList &messages, const std::optional<Notification> &action = std::nullopt);
        // Opens what a notification leads to: the conflict, or the repoint wizard.
        void actOn(const Notification &event);
        void createTray();
        // The status bar's message, elided with the whole text in its tooltip; after `timeoutMs`
        // (0: never) it gives way to what the last refresh said.
        void showStatus(const QString &text, int timeoutMs = 0);
        NotificationChoices notificationChoices() const;

        WorkspaceController *m_controller;
        ProjectsModel *m_projects;
        VersionsModel *m_versions;
        VersionFilterModel *m_versionFilter;
        CredentialStore *m_credentials;
        QHBoxLayout *m_cardsLayout = nullptr;
        QList<ServerCard *> m_cards;
        PrimaryDownBanner *m_primaryDown = nullptr;
        QSplitter *m_splitter = nullptr;         // the projects table over the tabs
        QSplitter *m_versionsSplitter = nullptr; // the version table over the timeline
        QTableView *m_projectsView = nullptr;
        QTableView *m_versionsView = nullptr;
        VersionFilterBar *m_filterBar = nullptr;
        ServerGrid *m_grid = nullptr;
        QLineEdit *m_search = nullptr;
        QTabWidget *m_tabs = nullptr;
        HistoryView *m_history = nullptr;
        QLabel *m_versionsCount = nullptr;
        QLabel *m_statusLine = nullptr;
        QTimer *m_statusTimeout = nullptr;
        ActivityPanel *m_activity = nullptr;
        VersionTimeline *m_timeline = nullptr;
        QTimer *m_autoRefresh = nullptr;
        ReplicationSchedule *m_schedule = nullptr;
        Refresh m_last;
        bool m_hasLast = false;
        QString m_lastPath;
        QSystemTrayIcon *m_tray = nullptr;
        QAction *m_trayEvent = nullptr;              // the tray menu's entry for the latest actionable event
        std::optional<Notification> m_messageAction; // what a click on the last message does
        std::optional<Notification> m_latestEvent;   // what the tray menu's entry does
        QMenu *m_recentMenu = nullptr;
        int m_selectedProject = 0;
        QPointer<Request> m_loadingDetails;
        QString m_idleMessage = tr("Ready"); // the status line when no request runs: the last refresh's
        QString m_columnsSizedFor;           // the project whose server columns were fitted to their details
        QString m_stateSizedFor;             // the project whose State column was fitted
    };
}
