#include "servergrid.h"

#include <QEvent>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

#include "appearance.h"

namespace TwinTrunk::Ui
{
    ServerGrid::ServerGrid(QWidget *parent) : QWidget(parent), m_caption(new QLabel(this)), m_table(new QTableWidget(this))
    {
        setObjectName(QStringLiteral("serverGridPanel"));
        m_caption->setObjectName(QStringLiteral("serverGridCaption"));
        m_caption->setWordWrap(true);
        m_table->setObjectName(QStringLiteral("serverGrid"));
        m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
        m_table->setSelectionMode(QAbstractItemView::SingleSelection);
        m_table->setSelectionBehavior(QAbstractItemView::SelectItems);
        m_table->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
        m_table->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
        m_table->setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);
        m_table->setSizePolicy(QSizePolicy::Maximum, QSizePolicy::Fixed);
        m_table->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
        m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
        m_table->setToolTip(tr("A row's server lacks the versions its column's server has; click a count to show those versions"));
        auto *layout = new QVBoxLayout(this);
        layout->setContentsMargins(0, 0, 0, 0);
        layout->addWidget(m_caption);
        layout->addWidget(m_table);
        connect(m_table, &QAbstractItemView::clicked, this, &ServerGrid::choose);
        connect(m_table, &QAbstractItemView::activated, this, &ServerGrid::choose);
        hide();
    }

    void ServerGrid::setProject(const Sync::ProjectSnapshot &project)
    {
        // Two servers: the projects table says what each lacks of the other already.
        if (project.servers.size() < 3)
            return clear();
        m_project = project.project;
        m_servers = project.servers;
        m_cells = Presentation::lacksGrid(project); // core's count, never worked out here
        fill();
        show();
    }

    void ServerGrid::clear()
    {
        m_project.clear();
        m_servers.clear();
        m_cells.clear();
        m_table->clear();
        m_table->setRowCount(0);
        m_table->setColumnCount(0);
        hide();
    }

    void ServerGrid::fill()
    {
        m_caption->setText(tr("<b>%1</b>: what each server lacks (a row) of the versions another has (a column). "
                              "Click a count to show those versions.")
                               .arg(m_project.toHtmlEscaped()));
        m_table->clear();
        m_table->setRowCount(int(m_servers.size()));
        m_table->setColumnCount(int(m_servers.size()));
        QStringList lacks, has;
        for (const QString &server : std::as_const(m_servers))
        {
            lacks.append(tr("%1 lacks").arg(server));
            has.append(tr("%1 has").arg(server));
        }
        m_table->setVerticalHeaderLabels(lacks);
        m_table->setHorizontalHeaderLabels(has);
        const QPalette colours = palette();
        for (qsizetype row = 0; row < m_cells.size(); ++row)
        {
            for (qsizetype column = 0; column < m_cells.at(row).size(); ++column)
            {
                const Presentation::LacksCell &cell = m_cells.at(row).at(column);
                auto *item = new QTableWidgetItem(cell.text);
                item->setTextAlignment(Qt::AlignCenter);
                item->setToolTip(cell.diagonal || cell.detail.isEmpty() ? QString() : cell.detail + (cell.known ? tr("; click to show them") : QString()));
                // Only a counted cell leads somewhere.
                item->setFlags(cell.known ? Qt::ItemIsEnabled | Qt::ItemIsSelectable : Qt::ItemIsEnabled);
                QFont font = item->font();
                switch (cell.level)
                {
                case Presentation::Level::Good: item->setForeground(toneColour(Tone::Good, colours)); break;
                case Presentation::Level::Warning: font.setBold(true); break;
                case Presentation::Level::Unknown:
                    // Not checked is never a quiet 0: in the colour the other "not checked" cells have.
                    item->setForeground(toneColour(Tone::Warning, colours));
                    font.setItalic(true);
                    break;
                case Presentation::Level::Note: item->setForeground(colours.color(QPalette::Disabled, QPalette::Text)); break;
                case Presentation::Level::Bad: item->setForeground(toneColour(Tone::Bad, colours)); break;
                }
                item->setFont(font);
                m_table->setItem(int(row), int(column), item);
            }
        }
        showChosen(m_chosenLacking, m_chosenHaving); // through a refresh too
        m_table->updateGeometry();
    }

    void ServerGrid::showChosen(const QString &lacking, const QString &having)
    {
        m_chosenLacking = lacking;
        m_chosenHaving = having;
        if (const QModelIndex cell = cellIndex(lacking, having); cell.isValid())
            m_table->setCurrentIndex(cell);
        else
            m_table->clearSelection();
    }

    void ServerGrid::choose(const QModelIndex &index)
    {
        if (!index.isValid() || index.row() >= m_cells.size() || index.column() >= m_cells.at(index.row()).size())
            return;
        const Presentation::LacksCell &cell = m_cells.at(index.row()).at(index.column());
        if (cell.known && !cell.diagonal)
            Q_EMIT cellChosen(cell.lacking, cell.having);
    }

    QModelIndex ServerGrid::cellIndex(const QString &lacking, const QString &having) const
    {
        const qsizetype row = m_servers.indexOf(lacking), column = m_servers.indexOf(having);
        return row < 0 || column < 0 ? QModelIndex() : m_table->model()->index(int(row), int(column));
    }

    QString ServerGrid::cellText(const QString &lacking, const QString &having) const
    {
        return cellIndex(lacking, having).data().toString();
    }

    void ServerGrid::changeEvent(QEvent *event)
    {
        QWidget::changeEvent(event);
        // The tones follow the appearance (a dark palette has lighter ones).
        if (event->type() == QEvent::PaletteChange && !m_cells.isEmpty())
            fill();
    }
}
