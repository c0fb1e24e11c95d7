#pragma once

#include <QDialog>
#include <QHash>
#include <QPointer>

#include "sync/syncengine.h"

class QLabel;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace TwinTrunk::Ui
{
    class Request;
    class WorkspaceController;

    // Replicate: the plan first (what goes where, bytes, an estimate), nothing copied until the
    // person starts it; then the run with progress, rate and time left, cancellable (copies under
    // way finish, no new one starts); then what was copied and what failed, each failure named.
    // Of every project, or of one (the projects table's Replicate This Project). Close is the
    // default button: Enter never starts copies.
    class ReplicateDialog final : public QDialog
    {
        Q_OBJECT

    public:
        ReplicateDialog(WorkspaceController *controller, int jobs, const QString &project = QString(), QWidget *parent = nullptr);

        // For tests.
        QString project() const { return m_project; }
        int plannedCopies() const { return m_summary.copies; }
        // The plan's summary as shown ("Not planned: ...", "3 copies, ..."), and the progress bar's text.
        QString summaryText() const;
        QString progressText() const;
        // The projects of the plan's rows.
        QStringList plannedProjects() const;
        bool canStart() const;
        QString resultText() const;
        // The Status cell of the copy of `name` to `target` ("queued", "copying", "verified", ...).
        QString rowStatus(const QString &name, const QString &target) const;

    public Q_SLOTS:
        void start();
        void cancel();
        void reject() override;

    private:
        void showPlan(const Request &request);
        void showProgress(const Sync::SyncProgress &progress);
        void showResult(const Request &request);
        void showCopyStarted(const Sync::PlanItem &item);
        void showCopyFinished(const Sync::CopyOutcome &outcome);
        // The plan table's row of one copy, or -1.
        int rowOf(const QString &project, const QString &name, const QString &target) const;
        void setRowStatus(int row, const QString &text, const QString &why = QString(), bool failed = false);

        WorkspaceController *m_controller;
        int m_jobs;
        QString m_project; // empty: every project
        QList<Sync::PlanItem> m_items;
        Sync::PlanSummary m_summary;
        QTableWidget *m_plan;
        QHash<QString, int> m_rows; // "project\tname\ttarget" -> its row
        QLabel *m_summaryLabel;
        QProgressBar *m_progress;
        QLabel *m_rate;
        QLabel *m_result;
        QPushButton *m_start;
        QPushButton *m_cancel;
        QPointer<Request> m_run; // the replication this dialog started, while it is not over
    };
}
