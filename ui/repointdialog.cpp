#include "repointdialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalBlocker>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "appearance.h"
#include "presentation/verdict.h"
#include "workspacecontroller.h"
#include "wrappingdelegate.h"

namespace TwinTrunk::Ui
{
    namespace
    {
        QColor colour(Failover::Check::Outcome outcome, const QPalette &palette)
        {
            switch (outcome)
            {
            case Failover::Check::Outcome::Passed: return toneColour(Tone::Good, palette);
            case Failover::Check::Outcome::Warning: return toneColour(Tone::Warning, palette);
            case Failover::Check::Outcome::NotApplicable: return palette.color(QPalette::PlaceholderText);
            case Failover::Check::Outcome::NotChecked: return toneColour(Tone::Warning, palette); // not known
            default: return toneColour(Tone::Bad, palette);
            }
        }
    }

    RepointDialog::RepointDialog(WorkspaceController *controller, QWidget *parent)
            : QDialog(parent), m_controller(controller), m_primary(new QLabel(this)), m_target(new QComboBox(this)), m_checks(new QTreeWidget(this)),
              m_acceptAtRisk(new QCheckBox(tr("Go on although the versions listed as at risk are not on the new primary yet"), this)),
              m_copyFirst(
                  new QCheckBox(tr("Copy &first: copy what only the current primary has to the new one, switch, then copy what arrived meanwhile"), this)),
              m_log(new QPlainTextEdit(this)), m_result(new QLabel(this)), m_check(new QPushButton(tr("&Check again"), this)),
              m_repoint(new QPushButton(tr("&Repoint now…"), this)), m_replicate(new QPushButton(tr("Replicate &now…"), this))
    {
        setWindowTitle(tr("Repoint: make another server the primary"));
        resize(820, 600);
        for (const QString &server : controller->servers())
        {
            if (server != controller->primary())
                m_target->addItem(server);
        }
        m_target->setObjectName(QStringLiteral("repointTarget"));
        m_checks->setObjectName(QStringLiteral("repointChecks"));
        m_checks->setHeaderLabels({tr("Check"), tr("Result"), tr("Why")});
        m_checks->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
        m_checks->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
        m_checks->header()->setStretchLastSection(true);
        new WrappingDelegate(m_checks); // a reason is read whole, never cut off
        m_replicate->setObjectName(QStringLiteral("repointReplicate"));
        m_replicate->setToolTip(tr("Copy what only the current primary has to the servers that lack it, then check again"));
        m_replicate->setVisible(false);
        connect(m_replicate, &QPushButton::clicked, this, &RepointDialog::replicateRequested);
        // After any replication the answer may have changed.
        connect(controller, &WorkspaceController::syncFinished, this, [this] {
            if (!m_running && m_check->isEnabled())
                runPreflight();
        });
        m_acceptAtRisk->setObjectName(QStringLiteral("repointAcceptAtRisk"));
        m_acceptAtRisk->setVisible(false);
        // A planned move while images keep committing: the primary always has something new.
        m_copyFirst->setObjectName(QStringLiteral("repointCopyFirst"));
        m_copyFirst->setVisible(false);
        m_log->setReadOnly(true);
        m_log->setMaximumBlockCount(2000);
        m_log->setPlaceholderText(tr("What the repoint does appears here."));
        m_log->setVisible(false); // until a repoint runs: the checks get the room
        m_result->setWordWrap(true);
        m_result->setObjectName(QStringLiteral("repointResult"));
        m_repoint->setObjectName(QStringLiteral("repointNow"));
        m_repoint->setEnabled(false);

        auto *layout = new QVBoxLayout(this);
        auto *form = new QFormLayout;
        m_primary->setObjectName(QStringLiteral("repointPrimary"));
        m_primary->setText(QStringLiteral("<b>%1</b>").arg(controller->primary().toHtmlEscaped()));
        form->addRow(tr("Current primary:"), m_primary);
        form->addRow(tr("New &primary:"), m_target);
        layout->addLayout(form);
        layout->addWidget(new QLabel(tr("Preflight and the actions that will run:"), this));
        layout->addWidget(m_checks, 3);
        layout->addWidget(m_acceptAtRisk);
        layout->addWidget(m_copyFirst);
        layout->addWidget(m_log, 1);
        layout->addWidget(m_result);
        auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
        buttons->addButton(m_check, QDialogButtonBox::ActionRole);
        buttons->addButton(m_replicate, QDialogButtonBox::ActionRole);
        buttons->addButton(m_repoint, QDialogButtonBox::ActionRole);
        layout->addWidget(buttons);

        connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
        connect(m_check, &QPushButton::clicked, this, &RepointDialog::runPreflight);
        connect(m_repoint, &QPushButton::clicked, this, &RepointDialog::confirmAndRepoint);
        // About the workspace open now: when another opens, its questions and answers would mislead.
        connect(controller, &WorkspaceController::workspaceClosing, this, &QDialog::reject);
        connect(m_target, &QComboBox::currentIndexChanged, this, &RepointDialog::runPreflight);
        connect(m_acceptAtRisk, &QCheckBox::toggled, this, &RepointDialog::runPreflight);
        connect(m_copyFirst, &QCheckBox::toggled, this, &RepointDialog::runPreflight);
    }

    Failover::RepointOptions RepointDialog::options() const
    {
        Failover::RepointOptions options;
        options.acceptAtRisk = m_acceptAtRisk->isChecked();
        options.copyFirst = m_copyFirst->isChecked();
        return options;
    }

    void RepointDialog::setTarget(const QString &server)
    {
        const QSignalBlocker blocker(m_target);
        if (const int index = m_target->findText(server); index >= 0)
            m_target->setCurrentIndex(index);
    }

    void RepointDialog::runPreflight()
    {
        if (m_running || m_target->currentText().isEmpty())
            return;
        m_repoint->setEnabled(false);
        m_check->setEnabled(false);
        m_checks->clear();
        m_result->setText(tr("Checking %1…").arg(m_target->currentText()));
        // An answer for another target or choice would mislead: the old preflight goes, and is no
        // longer the one awaited before it tells it was cancelled.
        QPointer<Request> previous = std::exchange(m_checking, nullptr);
        m_controller->cancel(previous);
        m_checking = m_controller->repointPreflight(m_target->currentText(), options());
        connect(m_checking, &Request::finished, this, [this, request = m_checking] {
            if (request == m_checking)
                showPreflight(*request);
        });
    }

    void RepointDialog::fillChecks(const Failover::RepointReport &report)
    {
        m_checks->clear();
        auto addCheck = [this](const Failover::Check &check) {
            auto *item = new QTreeWidgetItem(m_checks, {check.title, Presentation::checkOutcomeText(check.outcome), check.reason});
            item->setForeground(1, colour(check.outcome, palette()));
            item->setToolTip(2, check.reason);
            for (const QString &entry : check.items)
                new QTreeWidgetItem(item, {QString(), QString(), entry});
        };
        for (const Failover::Check &check : report.checks)
            addCheck(check);
        for (const Failover::ActionStep &action : report.actions)
        {
            auto *item = new QTreeWidgetItem(m_checks, {tr("Action: %1").arg(action.id), Failover::outcomeName(action.outcome), action.description});
            if (!action.error.isEmpty())
                new QTreeWidgetItem(item, {QString(), tr("error"), action.error});
            if (!action.rollback.isEmpty())
                new QTreeWidgetItem(item, {QString(), tr("rollback"), action.rollback});
        }
        if (!report.verification.id.isEmpty())
            addCheck(report.verification);
        m_checks->expandAll();
    }

    void RepointDialog::showPreflight(const Request &request)
    {
        if (m_running)
            return;
        m_check->setEnabled(true);
        if (!request.succeeded())
        {
            m_result->setText(tr("<b>No preflight:</b> %1").arg(request.errorMessage().toHtmlEscaped()));
            return;
        }
        const auto report = request.value<Failover::RepointReport>();
        m_preflight = report;
        fillChecks(report);
        const bool needsConfirmation = std::any_of(report.checks.cbegin(), report.checks.cend(),
            [](const Failover::Check &check) { return check.outcome == Failover::Check::Outcome::NeedsConfirmation; });
        m_acceptAtRisk->setVisible(needsConfirmation || m_acceptAtRisk->isChecked());
        // What is accepted, as it is: a list of versions at risk, or, for a primary never listed,
        // no list at all (what only it has is not known).
        const Failover::PrimaryRisk &risk = report.primaryRisk;
        if (!risk.neverListed.isEmpty())
            m_acceptAtRisk->setText(risk.atRisk.isEmpty()
                    ? tr("Go on although what only %1 has is not known (it was never listed)").arg(report.from)
                    : tr("Go on although the versions listed as at risk are not on %1 yet, and what only %2 has in %3 is not known")
                          .arg(report.to, report.from, risk.neverListed.join(QStringLiteral(", "))));
        else if (!risk.atRisk.isEmpty())
            m_acceptAtRisk->setText(tr("Go on although the versions listed as at risk are not on %1 yet").arg(report.to));
        else if (!risk.listingFailed.isEmpty())
            m_acceptAtRisk->setText(tr("Go on although what only %1 has in %2 is not known (listing it there failed)")
                                        .arg(report.from, risk.listingFailed.join(QStringLiteral(", "))));
        const bool passed = report.preflightPassed(m_acceptAtRisk->isChecked());
        m_repoint->setEnabled(passed);
        // What only a reachable primary has can be copied now, from here, or by the repoint itself.
        const bool onlyOnPrimary = std::any_of(report.checks.cbegin(), report.checks.cend(), [](const Failover::Check &check) {
            return check.id == u"only-on-primary" && check.outcome == Failover::Check::Outcome::Failed && !check.items.isEmpty();
        });
        m_replicate->setVisible(onlyOnPrimary);
        m_copyFirst->setVisible(onlyOnPrimary || m_copyFirst->isChecked());
        // The same sentence as twintrunkctl repoint --dry-run; what stops it in bold.
        const QString summary = Presentation::preflightSummary(report, m_acceptAtRisk->isChecked()).toHtmlEscaped();
        m_result->setText(passed ? summary : QStringLiteral("<b>%1</b>").arg(summary));
    }

    void RepointDialog::confirmAndRepoint()
    {
        // The copies (Copy First) are verified copies, never undone; the actions are what moves
        // images, and what a failure undoes.
        QStringList steps, copies;
        for (const Failover::ActionStep &action : m_preflight.actions)
        {
            const bool copy = action.id == u"copy-first" || action.id == u"catch-up";
            (copy ? copies : steps).append(QStringLiteral("• ") + action.description);
        }
        const QString target = m_target->currentText(), primary = m_controller->primary();
        // What images will do first, as it will be: without actions nothing moves the public URL.
        QString text = steps.isEmpty() ? tr("Make %1 TwinTrunk's primary instead of %2?\n\nNo repoint actions are configured: images keep loading and "
                                            "committing wherever their URL points now (%2, unless someone moves it). Only TwinTrunk's idea of the primary "
                                            "changes: replication and late-commit watching follow %1.")
                                             .arg(target, primary)
                                       : tr("Make %1 the primary instead of %2?\n\nImages that use the public URL will then load updates from %1 and "
                                            "save their commits to %1.\n\nThese actions run, in order, and are undone if one fails or the "
                                            "public URL is not seen serving %1:\n%3")
                                             .arg(target, primary, steps.join(u'\n'));
        if (!copies.isEmpty())
            text += tr("\n\nCopies, each read back and compared, kept whatever happens after:\n%1").arg(copies.join(u'\n'));
        // The risk accepted comes first, in plain words: what may be missing from the new primary.
        if (const QString risk = Presentation::repointRisk(m_preflight, QDateTime::currentDateTimeUtc()); options().acceptAtRisk && !risk.isEmpty())
            text = risk + QStringLiteral("\n\n") + text;
        auto *question = new QMessageBox(QMessageBox::Question, tr("Repoint"), text, QMessageBox::Yes | QMessageBox::No, this);
        question->setObjectName(QStringLiteral("repointConfirmation"));
        question->setDefaultButton(QMessageBox::No);
        question->setAttribute(Qt::WA_DeleteOnClose);
        connect(question, &QMessageBox::finished, this, [this](int answer) {
            if (answer == QMessageBox::Yes)
                repoint();
        });
        question->open();
    }

    void RepointDialog::repoint()
    {
        m_controller->cancel(m_checking);
        m_repoint->setEnabled(false);
        m_check->setEnabled(false);
        m_target->setEnabled(false);
        m_acceptAtRisk->setEnabled(false);
        m_copyFirst->setEnabled(false);
        m_log->clear();
        m_log->setVisible(true);
        m_result->setText(tr("Repointing to %1…").arg(m_target->currentText()));
        m_running = m_controller->repoint(m_target->currentText(), options());
        connect(m_running, &Request::message, m_log, &QPlainTextEdit::appendPlainText);
        connect(m_running, &Request::finished, this, [this, request = m_running] { showResult(*request); });
    }

    void RepointDialog::showResult(const Request &request)
    {
        m_check->setEnabled(false);
        if (!request.succeeded())
        {
            m_result->setText(tr("<b>Not done:</b> %1").arg(request.errorMessage().toHtmlEscaped()));
            return;
        }
        const auto report = request.value<Failover::RepointReport>();
        fillChecks(report);
        m_replicate->setVisible(false);
        if (report.succeeded)
            m_primary->setText(tr("<b>%1</b> (was %2)").arg(m_target->currentText().toHtmlEscaped(), report.from.toHtmlEscaped()));
        m_result->setText(
            report.succeeded ? tr("<b>Done:</b> %1").arg(report.summary.toHtmlEscaped()) : tr("<b>Not done:</b> %1").arg(report.summary.toHtmlEscaped()));
    }

    QStringList RepointDialog::checklist() const
    {
        QStringList lines;
        for (int i = 0; i < m_checks->topLevelItemCount(); ++i)
            lines.append(m_checks->topLevelItem(i)->text(1) + QStringLiteral(": ") + m_checks->topLevelItem(i)->text(0));
        return lines;
    }

    bool RepointDialog::canRepoint() const
    {
        return m_repoint->isEnabled();
    }

    QString RepointDialog::resultText() const
    {
        return m_result->text();
    }
}
