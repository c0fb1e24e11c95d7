#pragma once

#include <QWidget>

#include "presentation/acrossservers.h"
#include "sync/syncmodel.h"

class QLabel;
class QModelIndex;
class QTableWidget;

namespace TwinTrunk::Ui
{
    // With three or more servers, what each lacks of another's versions in the selected project:
    // a row per server that lacks, a column per server that has, each cell the count reconcile's lag
    // gives (Presentation::lacksCell: the projects table's and twintrunkctl status's count), "—" on
    // the diagonal, "not checked" (coloured) where either server was not listed. Clicking a
    // counted cell asks for the version table to show exactly those versions. Hidden with fewer
    // than three servers: the projects table already says what each of two lacks.
    class ServerGrid final : public QWidget
    {
        Q_OBJECT

    public:
        explicit ServerGrid(QWidget *parent = nullptr);

        void setProject(const Sync::ProjectSnapshot &project);
        void clear();
        // The pair the version table shows, marked as the selected cell (empty: none).
        void showChosen(const QString &lacking, const QString &having);

        // For tests: the table, and the cell of a pair (invalid when either is not a server shown).
        QTableWidget *table() const { return m_table; }
        QModelIndex cellIndex(const QString &lacking, const QString &having) const;
        QString cellText(const QString &lacking, const QString &having) const;

    Q_SIGNALS:
        // A counted cell was clicked (or activated with the keyboard).
        void cellChosen(const QString &lacking, const QString &having);

    protected:
        void changeEvent(QEvent *event) override;

    private:
        void fill();
        void choose(const QModelIndex &index);

        QLabel *m_caption;
        QTableWidget *m_table;
        QString m_project;
        QStringList m_servers;
        QList<QList<Presentation::LacksCell>> m_cells;
        QString m_chosenLacking, m_chosenHaving;
    };
}
