#include "error.h"

namespace TwinTrunk
{
    QString Error::toString() const
    {
        QString text = where.isEmpty() ? message : where + QStringLiteral(": ") + message;
        if (offset >= 0)
        {
            text +=
                line > 0 ? QStringLiteral(" (line %1, column %2, offset %3)").arg(line).arg(column).arg(offset) : QStringLiteral(" (offset %1)").arg(offset);
        }
        return text;
    }

    bool Error::isTransient() const
    {
        switch (kind)
        {
        case Kind::Dns:
        case Kind::Refused:
        case Kind::Timeout:
        case Kind::ServerError:
        case Kind::Truncated: return true;
        default: return false;
        }
    }

    QString Error::kindName(Kind kind)
    {
        switch (kind)
        {
        case Kind::Other: return QStringLiteral("error");
        case Kind::Invalid: return QStringLiteral("invalid");
        case Kind::Io: return QStringLiteral("io");
        case Kind::Dns: return QStringLiteral("dns");
        case Kind::Refused: return QStringLiteral("refused");
        case Kind::Timeout: return QStringLiteral("timeout");
        case Kind::Tls: return QStringLiteral("tls");
        case Kind::Unauthorized: return QStringLiteral("unauthorized");
        case Kind::Forbidden: return QStringLiteral("forbidden");
        case Kind::NotFound: return QStringLiteral("not-found");
        case Kind::Conflict: return QStringLiteral("conflict");
        case Kind::ServerError: return QStringLiteral("server-error");
        case Kind::HttpError: return QStringLiteral("http-error");
        case Kind::Truncated: return QStringLiteral("truncated");
        case Kind::TooLarge: return QStringLiteral("too-large");
        case Kind::Unsafe: return QStringLiteral("unsafe");
        case Kind::Cancelled: return QStringLiteral("cancelled");
        case Kind::Busy: return QStringLiteral("busy");
        case Kind::Damaged: return QStringLiteral("damaged");
        }
        return QString();
    }

    Error Error::within(const QString &outer) const
    {
        Error wrapped = *this;
        wrapped.where = where.isEmpty() ? outer : outer + QStringLiteral(": ") + where;
        return wrapped;
    }
}
