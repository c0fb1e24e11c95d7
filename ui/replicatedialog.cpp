#include "replicatedialog.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include "presentation/verdict.h"
#include "workspacecontroller.h"

namespace TwinTrunk::Ui
{
    ReplicateDialog::ReplicateDialog(WorkspaceController *controller, int jobs, QWidget *parent)
            : QDialog(parent), m_controller(controller), m_jobs(jobs), m_plan(new QTableWidget(this)), m_summaryLabel(new QLabel(this)),
              m_progress(new QProgressBar(this)), m_rate(new QLabel(this)), m_result(new QLabel(this)), m_start(new QPushButton(tr("&Replicate"), this)),
              m_cancel(new QPushButton(tr("C&ancel copies"), this))
    {
        setWindowTitle(tr("Replicate missing versions"));
        resize(760, 520);
        m_plan->setObjectName(QStringLiteral("replicatePlan"));
        m_plan->setColumnCount(5);
        m_plan->setHorizontalHeaderLabels({tr("Project"), tr("Version"), tr("From"), tr("To"), tr("Size")});
        m_plan->horizontalHeader()->setStretchLastSection(true);
        m_plan->verticalHeader()->hide();
        m_plan->setEditTriggers(QAbstractItemView::NoEditTriggers);
        m_plan->setSelectionBehavior(QAbstractItemView::SelectRows);
        m_summaryLabel->setText(tr("Listing the servers to make the plan…"));
        m_summaryLabel->setWordWrap(true);
        m_progress->setVisible(false);
        m_result->setWordWrap(true);
        m_result->setObjectName(QStringLiteral("replicateResult"));
        m_start->setEnabled(false);
        m_start->setToolTip(tr("Copy each version to each server that lacks it: raw bytes, verified before and after, never overwriting"));
        m_cancel->setVisible(false);

        auto *layout = new QVBoxLayout(this);
        layout->addWidget(m_summaryLabel);
        layout->addWidget(m_plan, 1);
        layout->addWidget(m_progress);
        layout->addWidget(m_rate);
        layout->addWidget(m_result);
        auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
        buttons->addButton(m_start, QDialogButtonBox::ActionRole);
        buttons->addButton(m_cancel, QDialogButtonBox::ActionRole);
        layout->addWidget(buttons);

        connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
        connect(m_start, &QPushButton::clicked, this, &ReplicateDialog::start);
        // About the workspace open now: when another opens, its questions and answers would mislead.
        connect(controller, &WorkspaceController::workspaceClosing, this, &QDialog::reject);
        connect(m_cancel, &QPushButton::clicked, this, &ReplicateDialog::cancel);
        connect(controller, &WorkspaceController::syncProgressed, this, &ReplicateDialog::showProgress);
        Request *plan = controller->planSync();
        connect(plan, &Request::finished, this, [this, plan] { showPlan(*plan); });
    }

    void ReplicateDialog::showPlan(const Request &request)
    {
        if (!request.succeeded())
        {
            m_summaryLabel->setText(tr("<b>No plan:</b> %1").arg(request.errorMessage().toHtmlEscaped()));
            return;
        }
        const auto plan = request.value<SyncPlan>();
        m_items = plan.items;
        m_summary = Sync::summarize(plan.items, m_jobs);
        m_plan->setRowCount(0);
        for (const Sync::PlanItem &item : plan.items)
        {
            for (const QString &target : item.targets)
            {
                const int row = m_plan->rowCount();
                m_plan->insertRow(row);
                const QStringList cells{item.project, item.name, item.source, target, item.size >= 0 ? QLocale().formattedDataSize(item.size) : tr("unknown")};
                for (int column = 0; column < cells.size(); ++column)
                    m_plan->setItem(row, column, new QTableWidgetItem(cells.at(column)));
            }
        }
        m_plan->resizeColumnsToContents();
        QString text;
        if (!plan.notChecked.isEmpty())
        {
            // What was not reached cannot be planned for: never read as "every server has every version".
            text = tr("<b>Not planned:</b> %1. ").arg(plan.notChecked.join(QStringLiteral("; ")).toHtmlEscaped());
            text += m_summary.copies == 0 ? tr("Among the servers that answered there is nothing to copy.") : tr("Among the servers that answered: ");
        }
        else if (m_summary.copies == 0)
            text = tr("Nothing to copy: every server has every version another server has.");
        if (m_summary.copies > 0)
        {
            QString size = QLocale().formattedDataSize(m_summary.bytes);
            if (m_summary.unknownSizes == m_summary.copies)
                size = tr("size unknown");
            else if (m_summary.unknownSizes > 0)
                size = tr("%1 and %n of unknown size", nullptr, m_summary.unknownSizes).arg(size);
            text += tr("%1, %2, about %3 s at 2 MB/s per transfer, %4 at a time.")
                        .arg(Presentation::counted(m_summary.copies, tr("copy"), tr("copies")), size)
                        .arg(m_summary.estimatedSeconds)
                        .arg(m_jobs);
        }
        if (plan.conflicts > 0)
            text += plan.conflicts == 1 ? tr(" 1 duplicate-name conflict is left alone: a person decides it.")
                                        : tr(" %1 duplicate-name conflicts are left alone: a person decides them.").arg(plan.conflicts);
        m_summaryLabel->setText(text);
        m_start->setEnabled(m_summary.copies > 0);
    }

    void ReplicateDialog::reject()
    {
        // However it closes (Close, Esc, the title bar): no new copy starts; those under way finish.
        if (m_run)
            cancel();
        QDialog::reject();
    }

    bool ReplicateDialog::canStart() const
    {
        return m_start->isEnabled();
    }

    void ReplicateDialog::start()
    {
        m_start->setEnabled(false);
        m_cancel->setEnabled(true);
        m_cancel->setVisible(true);
        m_progress->setVisible(true);
        m_progress->setRange(0, m_summary.copies);
        m_progress->setValue(0);
        m_rate->setText(m_controller->isBusy() ? tr("Waiting for the work under way to finish…") : QString());
        m_run = m_controller->runSync(m_items);
        connect(m_run, &Request::finished, this, [this, run = m_run] { showResult(*run); });
    }

    void ReplicateDialog::cancel()
    {
        m_cancel->setEnabled(false);
        m_rate->setText(tr("Stopping: the copies under way finish, no new one starts…"));
        m_controller->cancel(m_run);
    }

    void ReplicateDialog::showProgress(const Sync::SyncProgress &progress)
    {
        if (!m_run || !m_run->isRunning())
            return; // another run (the schedule's), or this one not begun
        m_progress->setRange(0, std::max(1, progress.itemsTotal));
        m_progress->setValue(progress.itemsDone);
        m_progress->setFormat(tr("%1 of %2 copies").arg(progress.itemsDone).arg(progress.itemsTotal));
        if (m_cancel->isEnabled())
        {
            m_rate->setText(tr("%1 of %2 · %3/s · %4 left")
                                .arg(QLocale().formattedDataSize(progress.bytesDone), QLocale().formattedDataSize(progress.bytesTotal),
                                    QLocale().formattedDataSize(qint64(progress.bytesPerSecond)),
                                    progress.etaSeconds >= 0 ? tr("%n s", nullptr, progress.etaSeconds) : tr("unknown time")));
        }
    }

    void ReplicateDialog::showResult(const Request &request)
    {
        m_cancel->setVisible(false);
        if (!request.succeeded())
        {
            // Refused or failed before any copy (another process holds the workspace): nothing ran.
            m_progress->setVisible(false);
            m_rate->clear();
            m_result->setText(tr("Not replicated: %1").arg(request.errorMessage()));
            m_start->setEnabled(!m_items.isEmpty());
            return;
        }
        const auto result = request.value<Sync::SyncResult>();
        QString text = tr("Copied and verified: %1. Already there: %2. Failed: %3.").arg(result.copied).arg(result.alreadyPresent).arg(result.failed);
        if (result.notStarted > 0)
            text += tr(" Not started (cancelled): %1.").arg(result.notStarted);
        for (const Sync::CopyOutcome &failure : result.failures)
            text += QStringLiteral("\n• %1/%2 %3 → %4: %5").arg(failure.project, failure.name, failure.source, failure.target, failure.error);
        m_result->setText(text);
    }

    QString ReplicateDialog::resultText() const
    {
        return m_result->text();
    }
}
