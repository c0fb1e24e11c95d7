#include "error.h"

namespace TwinTrunk
{
    QString Error::toString() const
    {
        QString text = where.isEmpty() ? message : where + QStringLiteral(": ") + message;
        if (offset >= 0)
        {
            text += line > 0
                ? QStringLiteral(" (line %1, column %2, offset %3)").arg(line).arg(column).arg(offset)
                : QStringLiteral(" (offset %1)").arg(offset);
        }
        return text;
    }

    Error Error::within(const QString &outer) const
    {
        Error wrapped = *this;
        wrapped.where = where.isEmpty() ? outer : outer + QStringLiteral(": ") + where;
        return wrapped;
    }
}
