#include "conflictdialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QTableWidget>
#include <QTextBrowser>
#include <QTextDocument>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "appearance.h"
#include "presentation/resolutionwords.h"
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

        // One cell of the code comparison: a line (none where this side has no line here) and
        // the tint that says what happened to it.
        struct CodeCell
        {
            std::optional<QString> text;
            std::optional<Mark> tint;
        };

        // The code in columns as an HTML table: long lines wrap inside their column (the columns
        // share the width), so no text is cut off; tints come from the palette's markings.
        QString codeTable(const QStringList &headers, const QList<QList<CodeCell>> &rows, const QPalette &palette)
        {
            const QString header = palette.color(QPalette::AlternateBase).name();
            QString html = QStringLiteral("<table width='100%' cellspacing='0' cellpadding='2'><tr>");
            for (const QString &label : headers)
                html += QStringLiteral("<th align='left' style='background:%1'>%2</th>").arg(header, label.toHtmlEscaped());
            html += QStringLiteral("</tr>");
            for (const QList<CodeCell> &row : rows)
            {
                html += QStringLiteral("<tr>");
                for (const CodeCell &cell : row)
                {
                    QString style = QStringLiteral("white-space:pre-wrap");
                    if (cell.tint)
                    {
                        const Marking colours = marking(*cell.tint, palette);
                        style += QStringLiteral(";background:%1;color:%2").arg(colours.background.name(), colours.foreground.name());
                    }
                    // A blank keeps its row's height, so the columns stay aligned.
                    const QString text = cell.text.value_or(QString()).toHtmlEscaped();
                    html += QStringLiteral("<td style='%1'>%2</td>").arg(style, text.isEmpty() ? QStringLiteral("&nbsp;") : text);
                }
                html += QStringLiteral("</tr>");
            }
            return html + QStringLiteral("</table>");
        }

        // a | b: what a has and b lacks tinted on the left, what b has instead on the right.
        QList<QList<CodeCell>> twoWayRows(const QList<Conflicts::DiffLine> &lines)
        {
            QList<QList<CodeCell>> rows;
            for (const Conflicts::SideBySideRow &row : Conflicts::sideBySide(lines))
            {
                const bool same = row.kind == Conflicts::SideBySideRow::Kind::Same;
                rows.append({CodeCell{row.left, same || !row.left ? std::nullopt : std::optional(Mark::Removed)},
                    CodeCell{row.right, same || !row.right ? std::nullopt : std::optional(Mark::Added)}});
            }
            return rows;
        }

        // Who changed it | ancestor | a | b: the ancestor's lines a side replaced tinted as removed,
        // that side's lines as added; where both changed, both sides' lines as differing.
        QList<QList<CodeCell>> threeWayRows(const QList<Conflicts::ThreeWayRow> &lines)
        {
            using Conflicts::ChangedIn;
            QList<QList<CodeCell>> rows;
            for (const Conflicts::ThreeWayRow &row : lines)
            {
                const bool changed = row.changedIn != ChangedIn::Neither;
                const Mark sideMark = row.changedIn == ChangedIn::Both ? Mark::Differs : Mark::Added;
                auto tintIf = [](bool tinted, Mark mark) { return tinted ? std::optional(mark) : std::nullopt; };
                rows.append(
                    {CodeCell{Conflicts::changedInText(row.changedIn), std::nullopt}, CodeCell{row.ancestor, tintIf(changed && row.ancestor, Mark::Removed)},
                        CodeCell{row.a, tintIf(row.a && (row.changedIn == ChangedIn::A || row.changedIn == ChangedIn::Both), sideMark)},
                        CodeCell{row.b, tintIf(row.b && (row.changedIn == ChangedIn::B || row.changedIn == ChangedIn::Both), sideMark)}});
            }
            return rows;
        }
    }

    ConflictDialog::ConflictDialog(WorkspaceController *controller, const QString &project, const QString &name, QWidget *parent)
            : QDialog(parent), m_controller(controller), m_project(project), m_name(name), m_facts(new QTableWidget(this)),
              m_definitions(new QTreeWidget(this)), m_diff(new QTextBrowser(this)), m_comparison(new QLabel(this)), m_code(new QSplitter(Qt::Horizontal, this)),
              m_note(new QLineEdit(this)), m_replace(new QCheckBox(tr("Also &replace the other copies under this name where a server permits it"), this)),
              m_headline(new QLabel(this)), m_result(new QLabel(this)), m_defer(new QPushButton(tr("&Defer…"), this))
    {
        setWindowTitle(tr("Conflict: %1/%2").arg(project, name));
        resize(1000, 720);
        m_facts->setObjectName(QStringLiteral("conflictFacts"));
        m_facts->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
        m_facts->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
        m_facts->setEditTriggers(QAbstractItemView::NoEditTriggers);
        m_facts->setWordWrap(true);
        m_definitions->setObjectName(QStringLiteral("conflictDefinitions"));
        m_definitions->setHeaderLabels({tr("Definition"), tr("Change"), tr("Where")});
        m_definitions->setRootIsDecorated(false);
        // Keys are never elided: each column is as wide as its longest entry, the list scrolls.
        m_definitions->setTextElideMode(Qt::ElideNone);
        m_definitions->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
        m_definitions->header()->setStretchLastSection(false);
        m_diff->setObjectName(QStringLiteral("conflictDiff"));
        // The table's columns share the width and wrap their long lines.
        m_diff->setLineWrapMode(QTextEdit::WidgetWidth);
        m_diff->document()->setDefaultFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
        m_comparison->setObjectName(QStringLiteral("conflictComparison"));
        m_comparison->setWordWrap(true);
        m_comparison->setTextFormat(Qt::PlainText);
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
        auto *comparison = new QWidget(m_code);
        auto *comparisonLayout = new QVBoxLayout(comparison);
        comparisonLayout->setContentsMargins(0, 0, 0, 0);
        comparisonLayout->addWidget(m_comparison);
        comparisonLayout->addWidget(m_diff, 1);
        m_code->addWidget(m_definitions);
        m_code->addWidget(comparison);
        m_code->setStretchFactor(1, 2);
        split->addWidget(m_code);
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
        // Every sentence, marker and label as `twintrunkctl conflict` prints it.
        m_view = Presentation::conflictView(m_inspection);
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
            headers.append(inspection.variantLabel(column));
            QStringList firstSeen;
            for (auto it = variant.firstSeen.cbegin(); it != variant.firstSeen.cend(); ++it)
                firstSeen.append(QStringLiteral("%1: %2").arg(it.key(), Presentation::localTime(it.value())));
            const QStringList values{variant.servers.join(QStringLiteral(", ")), variant.id, variant.author,
                QStringLiteral("%1 %2").arg(variant.date, variant.time), QString(variant.message).replace(u'\r', u'\n'),
                variant.size >= 0 ? QLocale().formattedDataSize(variant.size) : QString(), firstSeen.join(u'\n'), ancestry(variant),
                m_view.updateMap.value(column)};
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

        m_comparison->setText(m_view.comparison);
        showDefinitions();

        // The decision first: how they relate, what to keep and what that costs.
        const Presentation::ConflictAdvice &advice = m_view.advice;
        m_headline->setText(m_view.decision.size() < 2
                ? QString()
                : QStringLiteral("<b>%1</b><br>%2").arg(m_view.decision.at(0).toHtmlEscaped(), m_view.decision.at(1).toHtmlEscaped()));

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

    void ConflictDialog::showDefinitions()
    {
        // Against a known ancestor: who changed it; else: where it is.
        m_definitions->headerItem()->setText(2, m_view.markerHeading);
        m_definitions->clear();
        for (const Presentation::ConflictDefinition &definition : std::as_const(m_view.definitions))
        {
            auto *item = new QTreeWidgetItem(m_definitions, {definition.key, definition.change, definition.marker});
            item->setToolTip(0, definition.key);
            item->setToolTip(2, definition.explanation);
        }
        // The list as wide as its content (and the scroll bar a long list gets), the code taking the rest.
        const int listWidth = m_definitions->header()->length() + m_definitions->frameWidth() * 2 + m_definitions->verticalScrollBar()->sizeHint().width();
        m_code->setSizes({listWidth, std::max(m_code->width() - listWidth, listWidth)});
        if (m_definitions->topLevelItemCount() > 0)
            m_definitions->setCurrentItem(m_definitions->topLevelItem(0));
    }

    void ConflictDialog::showDiff()
    {
        const int index = m_definitions->indexOfTopLevelItem(m_definitions->currentItem());
        if (index < 0 || index >= m_inspection.codeDiff.size())
            return;
        const Conflicts::DefinitionChange &change = m_inspection.codeDiff.at(index);
        m_columns = m_view.columns;
        QString html;
        if (change.kind == Conflicts::DefinitionChange::Kind::Changed && change.categoryBefore != change.categoryAfter)
        {
            html += QStringLiteral("<p>%1</p>").arg(tr("Category: %1 in a, %2 in b").arg(change.categoryBefore, change.categoryAfter).toHtmlEscaped());
        }
        if (m_view.threeWay)
        {
            QStringList headers = m_columns;
            headers.prepend(tr("Changed in"));
            html += codeTable(headers, threeWayRows(m_inspection.threeWay.at(index).rows), palette());
        }
        else
        {
            html += codeTable(m_columns, twoWayRows(change.lines), palette());
        }
        m_diff->setHtml(html);
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
        // In plain words, as `twintrunkctl resolve --dry-run` says it: what images will load first,
        // then what becomes of the other variants; the option by the name it has here.
        const QString replaceControl = QStringLiteral("“%1”").arg(QString(m_replace->text()).remove(u'&'));
        QStringList paragraphs = Presentation::resolutionWords(report, replaceControl);
        paragraphs.append(Presentation::resolutionQuestion(report));
        delete m_confirmation;
        m_confirmation = new QMessageBox(QMessageBox::Question, tr("Resolve %1").arg(report.name), paragraphs.join(QStringLiteral("\n\n")),
            QMessageBox::Yes | QMessageBox::No, this);
        m_confirmation->setObjectName(QStringLiteral("conflictConfirmation"));
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
        else if (!report.ok)
            m_result->setText(tr("<b>Stopped:</b> %1").arg(report.summary.toHtmlEscaped()));
        else
        {
            // What images load now under the name, server by server, as `twintrunkctl resolve` says it
            // after a run: a server that keeps its own copy is named, not hidden behind "Done".
            QStringList paragraphs{tr("<b>Done:</b> %1").arg(report.summary.toHtmlEscaped())};
            if (report.decision == u"keep")
            {
                const QString replaceControl = QStringLiteral("“%1”").arg(QString(m_replace->text()).remove(u'&'));
                for (const QString &words : Presentation::resolutionWords(report, replaceControl))
                    paragraphs.append(words.toHtmlEscaped());
            }
            m_result->setText(paragraphs.join(QStringLiteral("<br>")));
        }
    }

    QStringList ConflictDialog::changedDefinitions() const
    {
        QStringList keys;
        for (int i = 0; i < m_definitions->topLevelItemCount(); ++i)
            keys.append(m_definitions->topLevelItem(i)->text(1) + u' ' + m_definitions->topLevelItem(i)->text(0));
        return keys;
    }

    QStringList ConflictDialog::definitionMarkers() const
    {
        QStringList markers;
        for (int i = 0; i < m_definitions->topLevelItemCount(); ++i)
            markers.append(m_definitions->topLevelItem(i)->text(2));
        return markers;
    }

    QString ConflictDialog::comparisonText() const
    {
        return m_comparison->text();
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
