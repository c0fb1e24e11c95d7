#pragma once

#include <QDialog>
#include <QPointer>

#include "sync/repair.h"
#include "sync/scrub.h"

class QLabel;
class QMessageBox;
class QPushButton;
class QTableWidget;

namespace TwinTrunk::Ui
{
    class Request;
    class WorkspaceController;

    // Damaged copies: each with why, since when, and where a sound copy is; Verify Now reads copies
    // whole (the least recently read first, within a budget, as twintrunkctl verify does); Repair
    // replaces the selected copy with a sound one after a confirmation in plain words (the damaged
    // bytes kept in the quarantine, see Sync::Repairer). The list follows every refresh.
    class DamagedCopiesDialog final : public QDialog
    {
        Q_OBJECT

    public:
        // How much Verify Now reads: the CLI's default budget.
        static constexpr qint64 VerifyBudgetBytes = qint64(1024) * 1024 * 1024;

        DamagedCopiesDialog(WorkspaceController *controller, const QList<Sync::DamagedCopy> &damaged, QWidget *parent = nullptr);

        void setDamaged(const QList<Sync::DamagedCopy> &damaged);

        // For tests.
        int rowCount() const;
        QString statusText() const;
        // The confirmation of the last Repair asked (null before one was asked).
        QMessageBox *confirmation() const { return m_confirmation; }

    public Q_SLOTS:
        void verifyNow();
        // Asks, then repairs the selected copy from its first sound server.
        void repairSelected();

    private:
        void showVerified(const Request &request);
        void showRepaired(const Request &request);
        void updateButtons();

        WorkspaceController *m_controller;
        QList<Sync::DamagedCopy> m_damaged;
        QTableWidget *m_table;
        QLabel *m_status;
        QPushButton *m_verify;
        QPushButton *m_repair;
        QPointer<QMessageBox> m_confirmation;
        QPointer<Request> m_working; // this dialog's verification or repair, while it is not over
    };
}
