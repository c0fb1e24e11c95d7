#include "replicatedialog.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include "appearance.h"
#include "presentation/verdict.h"
#include "workspacecontroller.h"

namespace TwinTrunk::Ui
{
    namespace
    {
        constexpr int StatusColumn = 5;
    }

    ReplicateDialog::ReplicateDialog(WorkspaceController *controller, int jobs, const QString &project, QWidget *parent)
            : QDialog(parent), m_controller(controller), m_jobs(jobs), m_project(project), m_plan(new QTableWidget(this)), m_summaryLabel(new QLabel(this)),
              m_progress(new QProgressBar(this)), m_rate(new QLabel(this)), m_result(new QLabel(this)), m_start(new QPushButton(tr("&Replicate"), this)),
              m_cancel(new QPushButton(tr("C&ancel copies"), this))
    {
        setWindowTitle(project.isEmpty() ? tr("Replicate missing versions") : tr("Replicate the missing versions of %1").arg(project));
        resize(760, 520);
        m_plan->setObjectName(QStringLiteral("replicatePlan"));
        m_plan->setColumnCount(StatusColumn + 1);
        m_plan->setHorizontalHeaderLabels({tr("Project"), tr("Version"), tr("From"), tr("To"), tr("Size"), tr("Status")});
        // The version's name takes what the dialog's width leaves; the status says the rest.
        m_plan->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
        m_plan->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
        m_plan->horizontalHeader()->setSectionResizeMode(StatusColumn, QHeaderView::Interactive);
        m_plan->horizontalHeader()->setStretchLastSection(true);
        m_plan->verticalHeader()->hide();
        m_plan->setEditTriggers(QAbstractItemView::NoEditTriggers);
        m_plan->setSelectionBehavior(QAbstractItemView::SelectRows);
        m_summaryLabel->setObjectName(QStringLiteral("replicateSummary"));
        m_summaryLabel->setText(
            project.isEmpty() ? tr("Listing the servers to make the plan…") : tr("Listing %1 on the servers to make the plan…").arg(project));
        m_summaryLabel->setWordWrap(true);
        m_progress->setVisible(false);
        m_result->setWordWrap(true);
        m_result->setObjectName(QStringLiteral("replicateResult"));
        m_start->setEnabled(false);
        m_start->setToolTip(tr("Copy each version to each server that lacks it: raw bytes, verified before and after, never overwriting"));
        m_cancel->setVisible(false);
        m_cancel->setObjectName(QStringLiteral("cancelCopies"));

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
        // Copies start only by a click on Replicate: Enter (in the plan, say) closes, as Close is
        // the default; QDialog would otherwise make the first button after the focus the default.
        m_start->setAutoDefault(false);
        m_cancel->setAutoDefault(false);
        buttons->button(QDialogButtonBox::Close)->setDefault(true);

        connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
        connect(m_start, &QPushButton::clicked, this, &ReplicateDialog::start);
        // About the workspace open now: when another opens, its questions and answers would mislead.
        connect(controller, &WorkspaceController::workspaceClosing, this, &QDialog::reject);
        connect(m_cancel, &QPushButton::clicked, this, &ReplicateDialog::cancel);
        connect(controller, &WorkspaceController::syncProgressed, this, &ReplicateDialog::showProgress);
        connect(controller, &WorkspaceController::copyStarted, this, &ReplicateDialog::showCopyStarted);
        connect(controller, &WorkspaceController::copyFinished, this, &ReplicateDialog::showCopyFinished);
        Request *plan = controller->planSync(project);
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
        m_rows.clear();
        for (const Sync::PlanItem &item : plan.items)
        {
            for (const QString &target : item.targets)
            {
                const int row = m_plan->rowCount();
                m_plan->insertRow(row);
                m_rows.insert(item.project + u'\t' + item.name + u'\t' + target, row);
                const QStringList cells{item.project, item.name, item.source, target,
                    item.size >= 0 ? QLocale().formattedDataSize(item.size) : tr("size unknown"), QString()};
                for (int column = 0; column < cells.size(); ++column)
                    m_plan->setItem(row, column, new QTableWidgetItem(cells.at(column)));
            }
        }
        QString text;
        if (!plan.notChecked.isEmpty())
        {
            // What was not reached cannot be planned for: never read as "every server has every version".
            text = tr("<b>Not planned:</b> %1. ").arg(plan.notChecked.join(QStringLiteral("; ")).toHtmlEscaped());
            text += m_summary.copies == 0 ? tr("Among the servers that answered there is nothing to copy.") : tr("Among the servers that answered: ");
        }
        else if (m_summary.copies == 0 && (plan.regressions > 0 || plan.damaged > 0))
            text = tr("Nothing to copy, but not in step:"); // what is wrong follows; never "every server has every version"
        else if (m_summary.copies == 0)
            text = m_project.isEmpty() ? tr("Nothing to copy: every server has every version another server has.")
                                       : tr("Nothing to copy in %1: every server has every version of it another server has.").arg(m_project);
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
        if (plan.regressions > 0)
            text += tr(" %1 no longer listed by a server that had them: replication does not put them back (see the version table's Regressions).")
                        .arg(Presentation::counted(plan.regressions, tr("version"), tr("versions")));
        if (plan.damaged > 0)
            text += tr(" %1 left as they are: Verify's repair mends them from a sound copy.")
                        .arg(Presentation::counted(plan.damaged, tr("damaged copy"), tr("damaged copies")));
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
        for (int row = 0; row < m_plan->rowCount(); ++row)
            setRowStatus(row, tr("queued"));
        m_start->setEnabled(false);
        // While copies run, Enter does nothing: Close (reject) would stop the run.
        if (auto *close = findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Close))
        {
            close->setDefault(false);
            close->setAutoDefault(false);
        }
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
        m_progress->setFormat(tr("%1 of %2").arg(progress.itemsDone).arg(Presentation::counted(progress.itemsTotal, tr("copy"), tr("copies"))));
        if (m_cancel->isEnabled())
        {
            // A total that misses the versions of unknown size is no total: never "8 KiB of 0 bytes".
            const QString done = QLocale().formattedDataSize(progress.bytesDone);
            const QString amount = m_summary.unknownSizes > 0 || progress.bytesTotal <= 0
                ? tr("%1 copied (total size unknown)").arg(done)
                : tr("%1 of %2").arg(done, QLocale().formattedDataSize(progress.bytesTotal));
            const QString left =
                m_summary.unknownSizes == 0 && progress.etaSeconds >= 0 ? tr(" · %1 left").arg(Presentation::duration(progress.etaSeconds)) : QString();
            m_rate->setText(tr("%1 · %2/s%3").arg(amount, QLocale().formattedDataSize(qint64(progress.bytesPerSecond)), left));
        }
    }

    int ReplicateDialog::rowOf(const QString &project, const QString &name, const QString &target) const
    {
        // By key, not by scanning: a first replication of a big project has tens of thousands of rows.
        return m_rows.value(project + u'\t' + name + u'\t' + target, -1);
    }

    void ReplicateDialog::setRowStatus(int row, const QString &text, const QString &why, bool failed)
    {
        if (row < 0)
            return;
        QTableWidgetItem *cell = m_plan->item(row, StatusColumn);
        cell->setText(why.isEmpty() ? text : QStringLiteral("%1: %2").arg(text, why));
        cell->setToolTip(why);
        if (failed)
            cell->setForeground(toneColour(Tone::Bad, palette()));
    }

    void ReplicateDialog::showCopyStarted(const Sync::PlanItem &item)
    {
        if (!m_run || !m_run->isRunning())
            return; // another run's copy (the schedule's)
        for (const QString &target : item.targets)
            setRowStatus(rowOf(item.project, item.name, target), tr("copying"));
    }

    void ReplicateDialog::showCopyFinished(const Sync::CopyOutcome &outcome)
    {
        if (!m_run || !m_run->isRunning())
            return;
        const int row = rowOf(outcome.project, outcome.name, outcome.target);
        switch (outcome.result)
        {
        case Sync::CopyOutcome::Result::Copied: setRowStatus(row, tr("verified"), outcome.note); break;
        case Sync::CopyOutcome::Result::AlreadyPresent: setRowStatus(row, tr("already there"), outcome.note); break;
        case Sync::CopyOutcome::Result::Failed: setRowStatus(row, tr("failed"), outcome.error, true); break;
        }
    }

    QString ReplicateDialog::rowStatus(const QString &name, const QString &target) const
    {
        for (int row = 0; row < m_plan->rowCount(); ++row)
        {
            if (m_plan->item(row, 1)->text() == name && m_plan->item(row, 3)->text() == target)
                return m_plan->item(row, StatusColumn)->text();
        }
        return QString();
    }

    void ReplicateDialog::showResult(const Request &request)
    {
        m_cancel->setVisible(false);
        findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Close)->setDefault(true); // nothing runs: Enter closes again
        // What never started says so, row by row: stopped (a cancel, a refusal), or left out of
        // the run's own plan, made afresh when it began (the version arrived meanwhile, or changed).
        const bool ranWhole = request.succeeded() && request.value<Sync::SyncResult>().notStarted == 0;
        for (int row = 0; row < m_plan->rowCount(); ++row)
        {
            if (m_plan->item(row, StatusColumn)->text() == tr("queued"))
                setRowStatus(row, ranWhole ? tr("not copied: the run's fresh plan left it out (there already, or changed since)") : tr("not started"));
        }
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
        QString text = Presentation::syncOutcome(result) + u'.';
        for (const Sync::CopyOutcome &failure : result.failures)
            text += QStringLiteral("\n• %1/%2 %3 → %4: %5").arg(failure.project, failure.name, failure.source, failure.target, failure.error);
        m_result->setText(text);
    }

    QString ReplicateDialog::summaryText() const
    {
        return m_summaryLabel->text();
    }

    QString ReplicateDialog::progressText() const
    {
        return m_progress->text();
    }

    QStringList ReplicateDialog::plannedProjects() const
    {
        QStringList projects;
        for (int row = 0; row < m_plan->rowCount(); ++row)
        {
            if (!projects.contains(m_plan->item(row, 0)->text()))
                projects.append(m_plan->item(row, 0)->text());
        }
        return projects;
    }

    QString ReplicateDialog::resultText() const
    {
        return m_result->text();
    }
}
