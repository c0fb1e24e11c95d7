#include "damagedcopiesdialog.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include "presentation/verdict.h"
#include "workspacecontroller.h"

namespace TwinTrunk::Ui
{
    DamagedCopiesDialog::DamagedCopiesDialog(WorkspaceController *controller, const QList<Sync::DamagedCopy> &damaged, QWidget *parent)
            : QDialog(parent), m_controller(controller), m_table(new QTableWidget(this)), m_status(new QLabel(this)),
              m_verify(new QPushButton(tr("&Verify Now"), this)), m_repair(new QPushButton(tr("&Repair…"), this))
    {
        setWindowTitle(tr("Damaged Copies"));
        resize(820, 420);
        m_table->setObjectName(QStringLiteral("damagedTable"));
        m_table->setColumnCount(5);
        m_table->setHorizontalHeaderLabels({tr("Server"), tr("Project"), tr("Version"), tr("Sound copy on"), tr("Why")});
        m_table->horizontalHeader()->setStretchLastSection(true);
        m_table->verticalHeader()->hide();
        m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
        m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
        m_table->setSelectionMode(QAbstractItemView::SingleSelection);
        m_table->setWordWrap(false);
        m_status->setObjectName(QStringLiteral("damagedStatus"));
        m_status->setWordWrap(true);
        m_verify->setToolTip(tr("Read up to 1 GB of copies whole, the least recently read first: each archive checked and compared "
                                "with the bytes recorded for it (twintrunkctl verify)"));
        m_repair->setToolTip(tr("Replace the selected damaged copy with a sound one; its bytes are kept in the quarantine first"));

        auto *layout = new QVBoxLayout(this);
        auto *intro = new QLabel(tr("A copy is damaged when its archive is unsound (a member fails its CRC-32 check) or its bytes differ from "
                                    "those recorded when it was first read or written. Nothing replaces a damaged copy by itself."),
            this);
        intro->setWordWrap(true);
        layout->addWidget(intro);
        layout->addWidget(m_table, 1);
        layout->addWidget(m_status);
        auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
        buttons->addButton(m_verify, QDialogButtonBox::ActionRole);
        buttons->addButton(m_repair, QDialogButtonBox::ActionRole);
        layout->addWidget(buttons);

        connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
        connect(m_verify, &QPushButton::clicked, this, &DamagedCopiesDialog::verifyNow);
        // About the workspace open now: when another opens, its questions and answers would mislead.
        connect(controller, &WorkspaceController::workspaceClosing, this, &QDialog::reject);
        connect(m_repair, &QPushButton::clicked, this, &DamagedCopiesDialog::repairSelected);
        connect(m_table, &QTableWidget::itemSelectionChanged, this, &DamagedCopiesDialog::updateButtons);
        connect(controller, &WorkspaceController::refreshed, this, [this](const Refresh &refresh) { setDamaged(refresh.damaged); });
        connect(controller, &WorkspaceController::verifyProgressed, this, [this](int done, int total, qint64 bytesDone, qint64) {
            m_status->setText(tr("Verifying: %1 of %2 copies read (%3)").arg(done).arg(total).arg(QLocale().formattedDataSize(bytesDone)));
        });
        setDamaged(damaged);
    }

    void DamagedCopiesDialog::setDamaged(const QList<Sync::DamagedCopy> &damaged)
    {
        m_damaged = damaged;
        m_table->setRowCount(int(damaged.size()));
        for (int row = 0; row < damaged.size(); ++row)
        {
            const Sync::DamagedCopy &copy = damaged.at(row);
            const QStringList cells{copy.copy.server, copy.copy.project, copy.copy.name,
                copy.soundOn.isEmpty() ? tr("none known yet") : copy.soundOn.join(QStringLiteral(", ")), copy.copy.damage};
            for (int column = 0; column < cells.size(); ++column)
            {
                auto *item = new QTableWidgetItem(cells.at(column));
                item->setToolTip(column == 4 ? copy.copy.damage : cells.at(column));
                m_table->setItem(row, column, item);
            }
        }
        m_table->resizeColumnsToContents();
        if (damaged.isEmpty() && m_status->text().isEmpty()) // a result shown stays
            m_status->setText(tr("No damaged copy is known. Copies not read whole for a while may still be: Verify Now reads them."));
        updateButtons();
    }

    int DamagedCopiesDialog::rowCount() const
    {
        return m_table->rowCount();
    }

    QString DamagedCopiesDialog::statusText() const
    {
        return m_status->text();
    }

    void DamagedCopiesDialog::updateButtons()
    {
        const int row = m_table->currentRow();
        const bool idle = !m_working;
        m_verify->setEnabled(idle);
        m_repair->setEnabled(idle && row >= 0 && row < m_damaged.size() && !m_damaged.at(row).soundOn.isEmpty());
    }

    void DamagedCopiesDialog::verifyNow()
    {
        m_status->setText(tr("Verifying: listing the servers…"));
        m_working = m_controller->verify(VerifyBudgetBytes);
        connect(m_working, &Request::finished, this, [this, request = m_working] { showVerified(*request); });
        updateButtons();
    }

    void DamagedCopiesDialog::repairSelected()
    {
        const int row = m_table->currentRow();
        if (row < 0 || row >= m_damaged.size() || m_damaged.at(row).soundOn.isEmpty())
            return;
        const Sync::DamagedCopy copy = m_damaged.at(row);
        const QString from = copy.soundOn.first();
        delete m_confirmation;
        m_confirmation = new QMessageBox(QMessageBox::Question, tr("Repair %1").arg(copy.copy.name),
            tr("Replace the damaged copy of %1 on %2 with the sound copy on %3?").arg(copy.copy.name, copy.copy.server, from), QMessageBox::NoButton, this);
        m_confirmation->setInformativeText(
            tr("Images that load %1 from %2 get the sound version afterwards. The damaged bytes are kept in the quarantine folder "
               "first, and the new copy is read back whole. %2 must permit deleting the old copy; if it refuses, nothing is replaced "
               "and the result says so.")
                .arg(copy.copy.name, copy.copy.server));
        QPushButton *yes = m_confirmation->addButton(tr("Replace the Copy"), QMessageBox::AcceptRole);
        QPushButton *no = m_confirmation->addButton(tr("Leave It"), QMessageBox::RejectRole);
        m_confirmation->setDefaultButton(no);
        connect(m_confirmation, &QMessageBox::buttonClicked, this, [this, yes, copy, from](QAbstractButton *clicked) {
            if (clicked != yes)
                return;
            m_status->setText(tr("Repairing %1 on %2…").arg(copy.copy.name, copy.copy.server));
            // Only the copy the person confirmed: another damaged copy of the version is another question.
            m_working = m_controller->repair(copy.copy.project, copy.copy.name, from, copy.copy.server, false);
            connect(m_working, &Request::message, m_status, &QLabel::setText);
            connect(m_working, &Request::finished, this, [this, request = m_working] { showRepaired(*request); });
            updateButtons();
        });
        m_confirmation->open();
    }

    void DamagedCopiesDialog::showVerified(const Request &request)
    {
        m_working.clear();
        updateButtons();
        if (!request.succeeded())
            return m_status->setText(tr("Not verified: %1").arg(request.errorMessage()));
        const auto result = request.value<Sync::ScrubResult>();
        QString text = tr("Read %1 whole: ").arg(Presentation::counted(result.read, tr("copy"), tr("copies")))
            + tr("%1 sound, %2 healed, %3 damaged now").arg(result.sound).arg(result.healed).arg(result.damagedFound);
        if (result.unreadable > 0)
            text += tr("; %n could not be read (a server did not answer)", nullptr, result.unreadable);
        if (result.notRead > 0)
            text += tr("; %n left for the next run", nullptr, result.notRead);
        m_status->setText(text + u'.');
    }

    void DamagedCopiesDialog::showRepaired(const Request &request)
    {
        m_working.clear();
        updateButtons();
        if (!request.succeeded())
            return m_status->setText(tr("Not repaired: %1").arg(request.errorMessage()));
        const auto report = request.value<Sync::RepairReport>();
        if (report.ok)
            return m_status->setText(tr("Repaired: %1").arg(report.summary));
        // The step that stopped it says why, and what images loading from that server get.
        const QString why = report.steps.isEmpty() ? QString() : report.steps.last().detail;
        m_status->setText(tr("Not repaired: %1").arg(report.summary) + (why.isEmpty() ? QString() : QStringLiteral("\n") + why));
    }
}
