#pragma once

#include <QDialog>

#include "workspace/workspace.h"

class QButtonGroup;
class QLabel;
class QLineEdit;
class QListWidget;
class QSpinBox;
class QTableWidget;

namespace TwinTrunk::Ui
{
    class DurationEdit;

    // The workspace file as a form: servers (name, URL, upstream, primary), projects, concurrent
    // copies, the schedule, the health interval and the repoint actions. The form edits a Workspace
    // through its typed setters; saving checks it exactly as twintrunkctl reads it (errors name the
    // field) and writes the file atomically, keeping what the form does not show as it was. A file
    // that does not load is shown with its error and never replaced.
    class SettingsDialog final : public QDialog
    {
        Q_OBJECT

    public:
        // `path`: the workspace file; it need not exist yet. Empty: a new workspace, whose file is
        // asked for last, when the servers and projects are filled in and Save is pressed.
        SettingsDialog(const QString &path, QWidget *parent = nullptr);

        QString statusText() const;

    public Q_SLOTS:
        // Checks and writes the file; true when it was written. A new workspace without a file yet:
        // checks the form, then asks where to save it (false until the file is chosen).
        bool save();

    Q_SIGNALS:
        void saved(const QString &path);

    private:
        // `origin`: the server's index in the workspace as read, -1 for a new row.
        void addServerRow(const ServerConfig &server, int origin);
        // Lists the first project on the row's server as it stands in the form, and says what answered.
        void testConnection(int row);
        // The workspace the form describes, or the first field that is not valid.
        Result<Workspace> formWorkspace() const;
        // The projects as listed, in order, without empty rows.
        QStringList projectNames() const;
        // A new workspace's file, asked for once the form is valid; saving follows the choice.
        void askForFile();

        QString m_path;
        Workspace m_loaded;       // as read (empty for a new file)
        QString m_loadError;      // the file exists and does not load
        QByteArray m_loadedBytes; // the file as the form read it: saving over another program's change is refused
        QTableWidget *m_servers;
        QListWidget *m_projects;
        QSpinBox *m_jobs;
        DurationEdit *m_syncEvery;
        DurationEdit *m_healthInterval;
        QLineEdit *m_publicUrl;
        QLineEdit *m_upstreamFile;
        QLineEdit *m_reload;
        QLineEdit *m_command;
        QLineEdit *m_rollback;
        QLineEdit *m_snippet;
        DurationEdit *m_watch;
        QLabel *m_status;
        QButtonGroup *m_primaryChoice; // exactly one server is the primary
    };
}
