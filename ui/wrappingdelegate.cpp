#include "wrappingdelegate.h"

#include <cmath>

#include <QApplication>
#include <QHeaderView>
#include <QTextLayout>
#include <QTextOption>
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
        // Measured as the delegate paints it (words first, anywhere when a word is wider than the
        // column), so the estimate is never a line short.
        QTextOption wrap;
        wrap.setWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
        QTextLayout layout(QString(text).replace(u'\n', QChar::LineSeparator), option.font);
        layout.setTextOption(wrap);
        qreal height = 0;
        layout.beginLayout();
        for (QTextLine line = layout.createLine(); line.isValid(); line = layout.createLine())
        {
            line.setLineWidth(width);
            height += line.height();
        }
        layout.endLayout();
        size.setHeight(std::max(size.height(), int(std::ceil(height)) + 2 * margin));
        return size;
    }
}
