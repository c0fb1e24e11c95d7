#pragma once

#include <QStyledItemDelegate>

class QTreeView;

namespace TwinTrunk::Ui
{
    // Wraps a cell's text within its column's width and makes its row as tall as that takes
    // (QTreeView's own word wrap measures the text unbroken, so a long reason was cut off with
    // "..."). For trees whose every word must be read: the repoint checks, the conflict view.
    class WrappingDelegate final : public QStyledItemDelegate
    {
    public:
        // Installs itself on `view`, which must not use uniform row heights; rows are measured
        // again whenever a column's width changes.
        explicit WrappingDelegate(QTreeView *view);

        QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

    private:
        QTreeView *m_view;
    };
}
