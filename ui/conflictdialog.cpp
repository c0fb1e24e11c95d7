#include "conflictdialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QTextBrowser>
#include <QTextDocument>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "appearance.h"
#include "presentation/verdict.h"
#include "workspacecontroller.h"

namespace TwinTrunk::Ui
{
    namespace
    {
        QString ancestry(const Conflicts::Variant &variant)
        {
            QStringList lines;
            for (const Conflicts::AncestorPresence &ancestor : variant.ancestors)
                lines.append(QStringLiteral("%1 (%2)").arg(ancestor.name, ancestor.whereText()));
            return lines.join(u'\n');
        }
    }

    ConflictDialog::ConflictDialog(WorkspaceController *controller, const QString &project, const QString &name, QWidget *parent)
            : QDialog(parent), m_controller(controller), m_project(project), m_name(name), m_facts(new QTableWidget(this)),
              m_definitions(new QTreeWidget(this)), m_diff(new QTextBrowser(this)), m_note(new QLineEdit(this)),
              m_replace(new QCheckBox(tr("Also &replace the other copies under this name where a server permits it"), this)), m_headline(new QLabel(this)),
              m_result(new QLabel(this)), m_defer(new QPushButton(tr("&Defer…"), this))
    {
        setWindowTitle(tr("Conflict: %1/%2").arg(project, name));
        resize(1000, 720);
        m_facts->setObjectName(QStringLiteral("conflictFacts"));
        m_facts->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
        m_facts->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
        m_facts->setEditTriggers(QAbstractItemView::NoEditTriggers);
        m_facts->setWordWrap(true);
        m_definitions->setObjectName(QStringLiteral("conflictDefinitions"));
        m_definitions->setHeaderLabels({tr("Definition"), tr("Change")});
        m_definitions->setRootIsDecorated(false);
        m_diff->setObjectName(QStringLiteral("conflictDiff"));
        m_diff->setLineWrapMode(QTextEdit::NoWrap);
        m_note->setPlaceholderText(tr("Why (kept with the decision)"));
        m_note->setObjectName(QStringLiteral("conflictNote"));
        m_result->setWordWrap(true);
        m_result->setObjectName(QStringLiteral("conflictResult"));
        m_result->setText(tr("Reading both variants…"));

        m_headline->setWordWrap(true);
        m_headline->setObjectName(QStringLiteral("conflictHeadline"));
        m_headline->setTextFormat(Qt::RichText);

        auto *layout = new QVBoxLayout(this);
        layout->addWidget(m_headline);
        auto *split = new QSplitter(Qt::Vertical, this);
        split->addWidget(m_facts);
        auto *code = new QSplitter(Qt::Horizontal, split);
        code->addWidget(m_definitions);
        code->addWidget(m_diff);
        code->setStretchFactor(1, 2);
        split->addWidget(code);
        layout->addWidget(split, 1);
        layout->addWidget(m_result);
        auto *decide = new QHBoxLayout;
        decide->addWidget(m_note, 1);
        layout->addLayout(decide);
        layout->addWidget(m_replace);
        auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
        buttons->addButton(m_defer, QDialogButtonBox::ActionRole);
        layout->addWidget(buttons);
        m_defer->setEnabled(false);
        m_defer->setObjectName(QStringLiteral("conflictDefer"));
        m_buttons = buttons;

        connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
        connect(m_defer, &QPushButton::clicked, this, &ConflictDialog::defer);
        // About the workspace open now: when another opens, its questions and answers would mislead.
        connect(controller, &WorkspaceController::workspaceClosing, this, &QDialog::reject);
        connect(m_definitions, &QTreeWidget::currentItemChanged, this, &ConflictDialog::showDiff);
        Request *inspection = controller->inspectConflict(project, name);
        connect(inspection, &Request::finished, this, [this, inspection] { showInspection(*inspection); });
    }

    void ConflictDialog::showInspection(const Request &request)
    {
        if (!request.succeeded())
        {
            m_result->setText(tr("<b>Could not be compared:</b> %1").arg(request.errorMessage().toHtmlEscaped()));
            return;
        }
        m_inspection = request.value<Conflicts::ConflictInspection>();
        const Conflicts::ConflictInspection &inspection = m_inspection;
        const QStringList fields{tr("Servers"), tr("Id"), tr("Author"), tr("Date"), tr("Message"), tr("Size"), tr("First seen"), tr("Ancestors"),
            tr("Update map")};
        m_facts->setRowCount(int(fields.size()));
        m_facts->setColumnCount(int(inspection.variants.size()));
        m_facts->setVerticalHeaderLabels(fields);
        QStringList headers;
        for (qsizetype column = 0; column < inspection.variants.size(); ++column)
        {
            const Conflicts::Variant &variant = inspection.variants.at(column);
            headers.append(tr("%1 — %2").arg(QChar(char16_t(u'a' + column))).arg(variant.servers.join(QStringLiteral(", "))));
            QStringList firstSeen;
            for (auto it = variant.firstSeen.cbegin(); it != variant.firstSeen.cend(); ++it)
                firstSeen.append(QStringLiteral("%1: %2").arg(it.key(), Presentation::localTime(it.value())));
            const QStringList values{variant.servers.join(QStringLiteral(", ")), variant.id, variant.author,
                QStringLiteral("%1 %2").arg(variant.date, variant.time), QString(variant.message).replace(u'\r', u'\n'),
                variant.size >= 0 ? QLocale().formattedDataSize(variant.size) : QString(), firstSeen.join(u'\n'), ancestry(variant),
                variant.inUpdateMap                          ? tr("named by %1").arg(inspection.updateMap)
                    : inspection.updateMapsNotRead.isEmpty() ? tr("not named by any update map")
                                                             : tr("not known: %1").arg(inspection.updateMapsNotRead.join(QStringLiteral("; ")))};
            for (int row = 0; row < values.size(); ++row)
                m_facts->setItem(row, int(column), new QTableWidgetItem(variant.error.isEmpty() || row < 2 ? values.at(row) : variant.error));
        }
        m_facts->setHorizontalHeaderLabels(headers);
        // What differs between the variants stands out.
        for (int row = 0; row < m_facts->rowCount(); ++row)
        {
            bool differs = false;
            for (int column = 1; column < m_facts->columnCount(); ++column)
                differs = differs || m_facts->item(row, column)->text() != m_facts->item(row, 0)->text();
            const Marking differsMark = marking(Mark::Differs, palette());
            for (int column = 0; differs && column < m_facts->columnCount(); ++column)
            {
                m_facts->item(row, column)->setBackground(differsMark.background);
                m_facts->item(row, column)->setForeground(differsMark.foreground);
            }
        }

        m_definitions->clear();
        for (const Conflicts::DefinitionChange &change : inspection.codeDiff)
            new QTreeWidgetItem(m_definitions, {change.key, Conflicts::changeKindName(change.kind)});
        m_definitions->resizeColumnToContents(0);
        if (m_definitions->topLevelItemCount() > 0)
            m_definitions->setCurrentItem(m_definitions->topLevelItem(0));

        // The decision first: how they relate, what to keep and what that costs.
        const Presentation::ConflictAdvice advice = Presentation::conflictAdvice(inspection);
        m_headline->setText(
            advice.headline.isEmpty() ? QString() : QStringLiteral("<b>%1.</b><br>%2").arg(advice.headline.toHtmlEscaped(), advice.advice.toHtmlEscaped()));

        // The decision buttons, one per variant.
        for (QPushButton *button : std::as_const(m_keep))
            delete button;
        m_keep.clear();
        for (qsizetype index = 0; index < inspection.variants.size(); ++index)
        {
            const Conflicts::Variant &variant = inspection.variants.at(index);
            const QString recommended = index == advice.recommended ? tr(", recommended") : QString();
            auto *button = new QPushButton(tr("Keep %1 (%2%3)").arg(QChar(char16_t(u'a' + index))).arg(variant.servers.constFirst(), recommended), this);
            button->setObjectName(QStringLiteral("conflictKeep%1").arg(index));
            button->setToolTip(tr("Make this variant canonical; the others are kept and republished under a new name"));
            m_buttons->addButton(button, QDialogButtonBox::ActionRole);
            connect(button, &QPushButton::clicked, this, [this, index] { keepVariant(int(index)); });
            m_keep.append(button);
        }
        m_defer->setEnabled(true);
        m_result->setText(tr("Decide below, or defer with a note."));
    }

    QString ConflictDialog::headlineText() const
    {
        QTextDocument document;
        document.setHtml(m_headline->text());
        return document.toPlainText();
    }

    void ConflictDialog::showDiff()
    {
        const int index = m_definitions->indexOfTopLevelItem(m_definitions->currentItem());
        if (index < 0 || index >= m_inspection.codeDiff.size())
            return;
        const Conflicts::DefinitionChange &change = m_inspection.codeDiff.at(index);
        auto marked = [this](Mark mark, const QString &text) {
            const Marking colours = marking(mark, palette());
            return QStringLiteral("<span style='background:%1;color:%2'>%3</span>\n").arg(colours.background.name(), colours.foreground.name(), text);
        };
        QString html = QStringLiteral("<pre style='margin:0'>");
        for (const Conflicts::DiffLine &line : change.lines)
        {
            const QString text = line.text.toHtmlEscaped();
            switch (line.kind)
            {
            case Conflicts::DiffLine::Kind::Added: html += marked(Mark::Added, QStringLiteral("+ ") + text); break;
            case Conflicts::DiffLine::Kind::Removed: html += marked(Mark::Removed, QStringLiteral("- ") + text); break;
            case Conflicts::DiffLine::Kind::Same: html += QStringLiteral("  %1\n").arg(text); break;
            }
        }
        m_diff->setHtml(html + QStringLiteral("</pre>"));
    }

    void ConflictDialog::setDeciding(bool deciding)
    {
        // While a decision is worked out, asked or applied, nothing that would change it can be touched.
        for (QPushButton *button : std::as_const(m_keep))
            button->setEnabled(!deciding);
        m_defer->setEnabled(!deciding);
        m_replace->setEnabled(!deciding);
        m_note->setReadOnly(deciding);
    }

    void ConflictDialog::keepVariant(int index)
    {
        if (index < 0 || index >= m_inspection.variants.size() || m_dryRun)
            return;
        // The choice as it is now: the confirmation shows it, and Yes applies exactly it.
        m_pendingKeep = m_inspection.variants.at(index).servers.constFirst();
        m_pendingOptions = Conflicts::ResolveOptions{.replace = m_replace->isChecked(), .dryRun = true, .note = m_note->text()};
        setDeciding(true);
        m_result->setText(tr("Working out the steps…"));
        m_dryRun = m_controller->resolveConflict(m_project, m_name, m_pendingKeep, m_pendingOptions);
        connect(m_dryRun, &Request::finished, this, [this, dryRun = m_dryRun] {
            if (dryRun == m_dryRun)
                confirmResolution(*dryRun);
        });
    }

    void ConflictDialog::defer()
    {
        if (m_note->text().trimmed().isEmpty())
        {
            m_result->setText(tr("A deferral needs a note saying why: write it in the box below."));
            m_note->setFocus();
            return;
        }
        setDeciding(true);
        Request *deferral = m_controller->deferConflict(m_project, m_name, m_note->text());
        connect(deferral, &Request::finished, this, [this, deferral] { showResolution(*deferral); });
    }

    void ConflictDialog::confirmResolution(const Request &request)
    {
        m_dryRun.clear();
        if (!request.succeeded())
        {
            setDeciding(false);
            m_result->setText(tr("<b>Failed:</b> %1").arg(request.errorMessage().toHtmlEscaped()));
            return;
        }
        const auto report = request.value<Conflicts::ResolutionReport>();
        if (!report.ok)
        {
            setDeciding(false);
            m_result->setText(tr("<b>Cannot be done:</b> %1").arg(report.summary.toHtmlEscaped()));
            return;
        }
        QStringList steps;
        for (const Conflicts::ResolutionStep &step : report.steps)
            steps.append(QStringLiteral("• %1%2: %3").arg(step.action, step.server.isEmpty() ? QString() : u' ' + step.server, step.detail));
        delete m_confirmation;
        m_confirmation = new QMessageBox(QMessageBox::Question, tr("Resolve %1").arg(report.name),
            tr("Keep %1's variant of %2? Nothing is deleted that is not kept first. These steps run:\n\n%3").arg(report.keep, report.name, steps.join(u'\n')),
            QMessageBox::Yes | QMessageBox::No, this);
        m_confirmation->setDefaultButton(QMessageBox::No);
        m_confirmation->setAttribute(Qt::WA_DeleteOnClose);
        connect(m_confirmation, &QMessageBox::finished, this, [this](int answer) {
            if (answer == QMessageBox::Yes)
                return resolve();
            setDeciding(false);
            m_result->setText(tr("Not resolved."));
        });
        m_confirmation->open();
    }

    void ConflictDialog::resolve()
    {
        m_result->setText(tr("Resolving…"));
        Conflicts::ResolveOptions options = m_pendingOptions; // what was confirmed, not what the form says now
        options.dryRun = false;
        Request *resolution = m_controller->resolveConflict(m_project, m_name, m_pendingKeep, options);
        connect(resolution, &Request::message, m_result, &QLabel::setText);
        connect(resolution, &Request::finished, this, [this, resolution] { showResolution(*resolution); });
    }

    void ConflictDialog::showResolution(const Request &request)
    {
        const auto report = request.value<Conflicts::ResolutionReport>();
        const bool done = request.succeeded() && report.ok;
        setDeciding(done); // decided: nothing more to choose; stopped: it can be tried again
        if (!request.succeeded())
            m_result->setText(tr("<b>Failed:</b> %1").arg(request.errorMessage().toHtmlEscaped()));
        else
            m_result->setText(
                report.ok ? tr("<b>Done:</b> %1").arg(report.summary.toHtmlEscaped()) : tr("<b>Stopped:</b> %1").arg(report.summary.toHtmlEscaped()));
    }

    QStringList ConflictDialog::changedDefinitions() const
    {
        QStringList keys;
        for (int i = 0; i < m_definitions->topLevelItemCount(); ++i)
            keys.append(m_definitions->topLevelItem(i)->text(1) + u' ' + m_definitions->topLevelItem(i)->text(0));
        return keys;
    }

    QString ConflictDialog::fieldText(int row, int variant) const
    {
        const QTableWidgetItem *item = m_facts->item(row, variant);
        return item ? item->text() : QString();
    }

    QString ConflictDialog::resultText() const
    {
        return m_result->text();
    }
}
