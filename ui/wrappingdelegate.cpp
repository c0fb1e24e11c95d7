#include "wrappingdelegate.h"

#include <QApplication>
#include <QHeaderView>
#include <QTreeView>

namespace TwinTrunk::Ui
{
    WrappingDelegate::WrappingDelegate(QTreeView *view) : QStyledItemDelegate(view), m_view(view)
    {
        view->setItemDelegate(this);
        view->setWordWrap(true);
        view->setUniformRowHeights(false);
        view->setTextElideMode(Qt::ElideNone);
        connect(view->header(), &QHeaderView::sectionResized, view, &QTreeView::doItemsLayout);
    }

    QSize WrappingDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
    {
        QSize size = QStyledItemDelegate::sizeHint(option, index);
        const QString text = index.data(Qt::DisplayRole).toString();
        if (text.isEmpty())
            return size;
        // The width the text gets: its column, less the tree's indentation in the first column
        // and the cell's margins.
        int width = m_view->header()->sectionSize(index.column());
        if (index.column() == 0)
        {
            int depth = 0;
            for (QModelIndex parent = index.parent(); parent.isValid(); parent = parent.parent())
                ++depth;
            width -= m_view->indentation() * (depth + (m_view->rootIsDecorated() ? 1 : 0));
        }
        const QStyle *style = m_view->style() ? m_view->style() : QApplication::style();
        const int margin = style->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, m_view) + 1;
        width -= 2 * margin;
        if (width <= 0)
            return size;
        const QRect needed = option.fontMetrics.boundingRect(QRect(0, 0, width, 1 << 20), Qt::TextWordWrap | Qt::TextWrapAnywhere, text);
        size.setHeight(std::max(size.height(), needed.height() + 2 * margin));
        return size;
    }
}
