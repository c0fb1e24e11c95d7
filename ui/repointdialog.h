#pragma once

#include <QDialog>
#include <QPointer>

#include "failover/repoint.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTreeWidget;

namespace TwinTrunk::Ui
{
    class Request;
    class WorkspaceController;

    // The repoint wizard: choose the new primary, read the preflight checklist and the actions that
    // will run, confirm, follow the run, and see the verification and any rollback.
    class RepointDialog final : public QDialog
    {
        Q_OBJECT

    public:
        RepointDialog(WorkspaceController *controller, QWidget *parent = nullptr);
        // The server to check as the new primary (a server card's Repoint Here, the primary-down
        // banner); the first other server when not called. Call before runPreflight().
        void setTarget(const QString &server);

        // For tests: the checklist as "outcome: title" lines, and whether the run may start.
        QStringList checklist() const;
        bool canRepoint() const;
        QString resultText() const;

    public Q_SLOTS:
        void runPreflight();
        void confirmAndRepoint();

    Q_SIGNALS:
        // "Replicate now": the versions only the primary has, copied before the repoint.
        void replicateRequested();

    private:
        // What the person chose: at-risk versions accepted, copying first.
        Failover::RepointOptions options() const;
        void showPreflight(const Request &request);
        void repoint();
        void showResult(const Request &request);
        void fillChecks(const Failover::RepointReport &report);

        WorkspaceController *m_controller;
        QLabel *m_primary;
        QComboBox *m_target;
        QTreeWidget *m_checks;
        QCheckBox *m_acceptAtRisk;
        QCheckBox *m_copyFirst; // RepointOptions::copyFirst
        QPlainTextEdit *m_log;
        QLabel *m_result;
        QPushButton *m_check;
        QPushButton *m_repoint;
        QPushButton *m_replicate;
        Failover::RepointReport m_preflight;
        QPointer<Request> m_checking; // the preflight under way
        QPointer<Request> m_running;  // the repoint under way
    };
}
