#pragma once

#include <QDateTime>
#include <QLatin1StringView>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QStringList>
#include <QVariant>

#include <iterator>

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

    // Times in the journal, health samples, watches and conflicts: ISO 8601 text in UTC.
    inline QString iso(const QDateTime &time)
    {
        return time.isValid() ? time.toUTC().toString(Qt::ISODateWithMs) : QString();
    }

    // Reads what iso() writes, "2026-11-27T18:54:38.189Z", without Qt's general parser (tens of
    // thousands of rows per status); anything else goes to QDateTime::fromString.
    inline QDateTime fromIso(const QVariant &value)
    {
        const QString text = value.toString();
        if (text.isEmpty())
            return QDateTime();
        static constexpr int Digits[] = {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22};
        bool fast = text.size() == 24 && text.at(4) == u'-' && text.at(7) == u'-' && text.at(10) == u'T' && text.at(13) == u':' && text.at(16) == u':'
            && text.at(19) == u'.' && text.at(23) == u'Z';
        for (int i = 0; fast && i < int(std::size(Digits)); ++i)
            fast = text.at(Digits[i]).isDigit();
        if (!fast)
            return QDateTime::fromString(text, Qt::ISODateWithMs).toUTC();
        auto number = [&text](int from, int length) {
            int result = 0;
            for (int i = from; i < from + length; ++i)
                result = result * 10 + (text.at(i).unicode() - u'0');
            return result;
        };
        return QDateTime(QDate(number(0, 4), number(5, 2), number(8, 2)), QTime(number(11, 2), number(14, 2), number(17, 2), number(20, 3)), Qt::UTC);
    }

    // A result row's columns by name, so that a SELECT and the code that reads it cannot fall out
    // of step: the names are looked up in the query's record once, then a row's value is a short
    // scan of a handful of names (no allocation).
    class Row final
    {
    public:
        explicit Row(const QSqlQuery &query) : m_query(query)
        {
            const QSqlRecord record = query.record();
            for (int i = 0; i < record.count(); ++i)
                m_names.append(record.fieldName(i));
        }

        QVariant value(QLatin1StringView column) const
        {
            for (qsizetype i = 0; i < m_names.size(); ++i)
            {
                if (m_names.at(i) == column)
                    return m_query.value(int(i));
            }
            Q_ASSERT_X(false, "State::Row", "no such column in the query");
            return QVariant();
        }
        QString text(QLatin1StringView column) const { return value(column).toString(); }
        QByteArray latin1(QLatin1StringView column) const { return value(column).toString().toLatin1(); }
        qint64 number(QLatin1StringView column) const { return value(column).toLongLong(); }
        qint64 size(QLatin1StringView column) const { return fromSize(value(column)); }
        bool flag(QLatin1StringView column) const { return value(column).toBool(); }
        QDateTime msTime(QLatin1StringView column) const { return fromMs(value(column)); }
        QDateTime isoTime(QLatin1StringView column) const { return fromIso(value(column)); }

    private:
        const QSqlQuery &m_query;
        QStringList m_names;
    };
}
