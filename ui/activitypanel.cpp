#include "activitypanel.h"

#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include "statusmodels.h"

namespace TwinTrunk::Ui
{
    ActivityPanel::ActivityPanel(QWidget *parent)
            : QWidget(parent), m_journal(new JournalModel(this)), m_filtered(new QSortFilterProxyModel(this)), m_filter(new QLineEdit(this)),
              m_view(new QTableView(this))
    {
        auto *layout = new QVBoxLayout(this);
        auto *bar = new QHBoxLayout;
        m_filter->setObjectName(QStringLiteral("activityFilter"));
        m_filter->setPlaceholderText(tr("Filter: operation, version, server, result…"));
        m_filter->setClearButtonEnabled(true);
        auto *exportButton = new QPushButton(tr("&Export…"), this);
        exportButton->setToolTip(tr("Save the entries shown as CSV"));
        bar->addWidget(m_filter, 1);
        bar->addWidget(exportButton);
        layout->addLayout(bar);
        m_filtered->setSourceModel(m_journal);
        m_filtered->setFilterKeyColumn(-1);
        m_filtered->setFilterCaseSensitivity(Qt::CaseInsensitive);
        // As the window's other tables: whole rows, a fixed row height, the last column stretched.
        m_view->setObjectName(QStringLiteral("journalView"));
        m_view->setModel(m_filtered);
        m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
        m_view->setSelectionMode(QAbstractItemView::SingleSelection);
        m_view->setAlternatingRowColors(true);
        m_view->verticalHeader()->hide();
        m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
        m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
        m_view->horizontalHeader()->setStretchLastSection(true);
        m_view->setWordWrap(false);
        layout->addWidget(m_view);
        connect(m_filter, &QLineEdit::textChanged, m_filtered, &QSortFilterProxyModel::setFilterFixedString);
        connect(exportButton, &QPushButton::clicked, this, [this] {
            auto *dialog = new QFileDialog(this, tr("Export the Activity"), QString(), tr("CSV (*.csv)"));
            dialog->setAcceptMode(QFileDialog::AcceptSave);
            dialog->setDefaultSuffix(QStringLiteral("csv"));
            dialog->selectFile(QStringLiteral("twintrunk-activity.csv"));
            dialog->setAttribute(Qt::WA_DeleteOnClose);
            connect(dialog, &QFileDialog::fileSelected, this, [this](const QString &path) {
                if (const QString error = exportCsv(path); !error.isEmpty())
                {
                    auto *box = new QMessageBox(QMessageBox::Warning, tr("Export"), error, QMessageBox::Ok, this);
                    box->setAttribute(Qt::WA_DeleteOnClose);
                    box->open();
                }
            });
            dialog->open();
        });
    }

    void ActivityPanel::setEntries(const QList<State::JournalEntry> &entries, const QString &workspace)
    {
        m_journal->setEntries(entries);
        if (m_sizedFor == workspace || entries.isEmpty())
            return;
        m_sizedFor = workspace;
        for (int column = 0; column < m_journal->columnCount() - 1; ++column)
            m_view->resizeColumnToContents(column);
    }

    void ActivityPanel::filterFor(const QString &text)
    {
        m_filter->setText(text);
    }

    QString ActivityPanel::exportCsv(const QString &path) const
    {
        auto field = [](QString text) {
            text.replace(u'"', QStringLiteral("\"\""));
            return QStringLiteral("\"%1\"").arg(text);
        };
        QStringList lines;
        QStringList header;
        for (int column = 0; column < m_filtered->columnCount(); ++column)
            header.append(field(m_filtered->headerData(column, Qt::Horizontal, Qt::DisplayRole).toString()));
        lines.append(header.join(u','));
        for (int row = 0; row < m_filtered->rowCount(); ++row)
        {
            QStringList cells;
            for (int column = 0; column < m_filtered->columnCount(); ++column)
                cells.append(field(m_filtered->index(row, column).data(Qt::ToolTipRole).toString()));
            lines.append(cells.join(u','));
        }
        QSaveFile file(path);
        const QByteArray bytes = (lines.join(QStringLiteral("\r\n")) + QStringLiteral("\r\n")).toUtf8();
        if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
            return tr("%1: cannot write: %2").arg(QDir::toNativeSeparators(path), file.errorString());
        return QString();
    }
}
