#pragma once

#include <QList>
#include <QWidget>

#include "state/statedatabase.h"

class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

namespace TwinTrunk::Ui
{
    class JournalModel;

    // The Activity tab: the operations journal, newest first (twintrunkctl's runs from cron
    // included), with a filter over every column and an export of the entries shown as CSV.
    class ActivityPanel final : public QWidget
    {
        Q_OBJECT
        Q_DISABLE_COPY_MOVE(ActivityPanel)

    public:
        explicit ActivityPanel(QWidget *parent = nullptr);

        // The journal after a refresh of `workspace`. When, Operation, Version, Where and Result fit
        // their content once per workspace (a width the person chose stays); Detail takes the rest.
        void setEntries(const QList<State::JournalEntry> &entries, const QString &workspace);
        // Only the entries that mention `text` (a version's Show Its Activity).
        void filterFor(const QString &text);
        // The entries shown (the filter applies) as CSV, each cell whole; an error, or empty.
        QString exportCsv(const QString &path) const;

    private:
        JournalModel *m_journal;
        QSortFilterProxyModel *m_filtered;
        QLineEdit *m_filter;
        QTableView *m_view;
        QString m_sizedFor; // the workspace whose columns were fitted
    };
}
