#pragma once

#include <QDateTime>
#include <QVariant>

// How the state database stores values, for the files that implement StateDatabase.
namespace TwinTrunk::State
{
    // Times in listing_entries, identities and copies: milliseconds since the epoch, NULL when unknown.
    inline QVariant toMs(const QDateTime &time)
    {
        return time.isValid() ? QVariant(time.toMSecsSinceEpoch()) : QVariant();
    }

    inline QDateTime fromMs(const QVariant &value)
    {
        return value.isNull() ? QDateTime() : QDateTime::fromMSecsSinceEpoch(value.toLongLong(), Qt::UTC);
    }

    // A size column: NULL when unknown (-1).
    inline QVariant sizeValue(qint64 size)
    {
        return size >= 0 ? QVariant(size) : QVariant();
    }

    inline qint64 fromSize(const QVariant &value)
    {
        return value.isNull() ? -1 : value.toLongLong();
    }
}
