#pragma once

#include <QDialog>

#include "failover/repoint.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTreeWidget;

namespace TwinTrunk::Ui
{
    class WorkspaceController;

    // The repoint wizard: choose the new primary, read the preflight checklist and the actions that
    // will run, confirm, follow the run, and see the verification and any rollback.
    class RepointDialog final : public QDialog
    {
        Q_OBJECT

    public:
        RepointDialog(WorkspaceController *controller, QWidget *parent = nullptr);

        // For tests: the checklist as "outcome: title" lines, and whether the run may start.
        QStringList checklist() const;
        bool canRepoint() const;
        QString resultText() const;

    public Q_SLOTS:
        void runPreflight();
        void confirmAndRepoint();

    private:
        void showPreflight(const Failover::RepointReport &report);
        void showResult(const Failover::RepointReport &report);
        void fillChecks(const Failover::RepointReport &report);

        WorkspaceController *m_controller;
        QComboBox *m_target;
        QTreeWidget *m_checks;
        QCheckBox *m_acceptAtRisk;
        QPlainTextEdit *m_log;
        QLabel *m_result;
        QPushButton *m_check;
        QPushButton *m_repoint;
        Failover::RepointReport m_preflight;
        bool m_running = false;
    };
}
