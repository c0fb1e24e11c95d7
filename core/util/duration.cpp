#include "duration.h"

#include <QRegularExpression>

namespace TwinTrunk
{
    qint64 parseDurationSeconds(const QString &text)
    {
        static const QRegularExpression pattern(QStringLiteral("^(\\d{1,9})\\s*([smhd]?)$"));
        const auto match = pattern.match(text.trimmed());
        if (!match.hasMatch())
            return -1;
        const qint64 value = match.captured(1).toLongLong();
        const QString unit = match.captured(2);
        return value * (unit == u"m" ? 60 : unit == u"h" ? 3600 : unit == u"d" ? 86400 : 1);
    }

    QString formatDurationSeconds(qint64 seconds)
    {
        for (const auto &[unit, size] : {std::pair{u'd', qint64(86400)}, std::pair{u'h', qint64(3600)}, std::pair{u'm', qint64(60)}})
        {
            if (seconds > 0 && seconds % size == 0)
                return QString::number(seconds / size) + QChar(unit);
        }
        return QString::number(seconds) + u's';
    }

    qint64 parseByteSize(const QString &text)
    {
        static const QRegularExpression pattern(QStringLiteral("^(\\d{1,12}(?:\\.\\d{1,3})?)\\s*([kKmMgGtT]?)(?:i?[bB])?$"));
        const auto match = pattern.match(text.trimmed());
        if (!match.hasMatch())
            return -1;
        const double value = match.captured(1).toDouble();
        const QChar unit = match.captured(2).isEmpty() ? QChar() : match.captured(2).at(0).toUpper();
        const double scale = unit == u'K' ? 1024.0 : unit == u'M' ? 1048576.0 : unit == u'G' ? 1073741824.0 : unit == u'T' ? 1099511627776.0 : 1.0;
        return qint64(value * scale);
    }
}
