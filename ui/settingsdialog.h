#pragma once

#include <QDialog>
#include <QJsonObject>

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;
class QTableWidget;

namespace TwinTrunk::Ui
{
    // The workspace file as a form: servers (name, URL, upstream, primary), projects, concurrent
    // copies, the health interval and the repoint actions. Saving checks it exactly as twintrunkctl
    // reads it (errors name the field) and writes the file atomically; keys the form does not show
    // are kept as they were.
    class SettingsDialog final : public QDialog
    {
        Q_OBJECT

    public:
        // `path`: the workspace file; it need not exist yet (a new workspace).
        SettingsDialog(const QString &path, QWidget *parent = nullptr);

        // The JSON the form describes, and the file written; for tests.
        QJsonObject formJson() const;
        QString statusText() const;

    public Q_SLOTS:
        // Checks and writes the file; true when it was written.
        bool save();

    Q_SIGNALS:
        void saved(const QString &path);

    private:
        void addServerRow(const QJsonObject &server);

        QString m_path;
        QJsonObject m_original;
        QTableWidget *m_servers;
        QPlainTextEdit *m_projects;
        QSpinBox *m_jobs;
        QLineEdit *m_syncEvery;
        QLineEdit *m_healthInterval;
        QLineEdit *m_publicUrl;
        QLineEdit *m_upstreamFile;
        QLineEdit *m_reload;
        QLineEdit *m_command;
        QLineEdit *m_rollback;
        QLineEdit *m_snippet;
        QLineEdit *m_watch;
        QLabel *m_status;
    };
}
