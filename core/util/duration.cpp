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
}
