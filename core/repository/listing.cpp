#include "listing.h"

#include <QRegularExpression>
#include <QSet>
#include <QUrl>

#include "monticello/textcodec.h"

namespace TwinTrunk::Repository
{
    namespace
    {
        bool isSpace(char c)
        {
            return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f';
        }

        // nginx's autoindex line after the link text: "</a>   27-Nov-2026 17:40   14466". Read directly,
        // since listings have tens of thousands of lines; false when the line is not in that form.
        bool readNginxColumns(QByteArrayView tail, ListingEntry &entry)
        {
            static constexpr const char *Months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
            const qsizetype close = tail.indexOf("</a>");
            if (close < 0)
                return false;
            qsizetype pos = close + 4;
            while (pos < tail.size() && tail[pos] == ' ')
                ++pos;
            if (tail.size() < pos + 17 || tail[pos + 2] != '-' || tail[pos + 6] != '-' || tail[pos + 11] != ' ' || tail[pos + 14] != ':')
                return false;
            auto digits = [&tail](qsizetype from, int count, int &value) {
                value = 0;
                for (qsizetype i = from; i < from + count; ++i)
                {
                    if (tail[i] < '0' || tail[i] > '9')
                        return false;
                    value = value * 10 + (tail[i] - '0');
                }
                return true;
            };
            int day, year, hour, minute, month = 0;
            if (!digits(pos, 2, day) || !digits(pos + 7, 4, year) || !digits(pos + 12, 2, hour) || !digits(pos + 15, 2, minute))
                return false;
            for (int m = 0; m < 12; ++m)
            {
                if (tail.sliced(pos + 3, 3) == QByteArrayView(Months[m], 3))
                    month = m + 1;
            }
            if (month == 0)
                return false;
            entry.modified = QDateTime(QDate(year, month, day), QTime(hour, minute), Qt::UTC);
            pos += 17;
            while (pos < tail.size() && tail[pos] == ' ')
                ++pos;
            qint64 size = 0;
            qsizetype start = pos;
            while (pos < tail.size() && tail[pos] >= '0' && tail[pos] <= '9' && pos - start < 18)
                size = size * 10 + (tail[pos++] - '0');
            if (pos > start && (pos == tail.size() || tail[pos] == '\r' || tail[pos] == '\n' || tail[pos] == ' ' || tail[pos] == '<'))
                entry.size = size;
            return true;
        }

        // The size and date that nginx ("<a ...>X</a>   27-Nov-2026 17:40   14466") and Apache
        // ("<td>2026-11-27 17:40</td><td>14466</td>") print after a link. Apache's rounded sizes
        // ("14K") are not exact and are left out.
        void readColumns(QByteArrayView tail, ListingEntry &entry)
        {
            static const QRegularExpression nginxDate(QStringLiteral("(\\d{2})-([A-Za-z]{3})-(\\d{4}) (\\d{2}):(\\d{2})"));
            static const QRegularExpression isoDate(QStringLiteral("(\\d{4})-(\\d{2})-(\\d{2}) (\\d{2}):(\\d{2})"));
            static const QRegularExpression exactSize(QStringLiteral("^(?:\\s|<[^>]*>)*(\\d+)(?=\\s|<|$)"));
            static const QStringList months{QStringLiteral("Jan"), QStringLiteral("Feb"), QStringLiteral("Mar"), QStringLiteral("Apr"), QStringLiteral("May"),
                QStringLiteral("Jun"), QStringLiteral("Jul"), QStringLiteral("Aug"), QStringLiteral("Sep"), QStringLiteral("Oct"), QStringLiteral("Nov"),
                QStringLiteral("Dec")};

            const QString text = QString::fromLatin1(tail.first(std::min<qsizetype>(tail.size(), 400)));
            qsizetype dateEnd = -1;
            if (const auto match = nginxDate.match(text); match.hasMatch())
            {
                const int month = months.indexOf(match.captured(2)) + 1;
                entry.modified = QDateTime(QDate(match.captured(3).toInt(), month, match.captured(1).toInt()),
                    QTime(match.captured(4).toInt(), match.captured(5).toInt()), Qt::UTC);
                dateEnd = match.capturedEnd(0);
            }
            else if (const auto iso = isoDate.match(text); iso.hasMatch())
            {
                entry.modified = QDateTime(QDate(iso.captured(1).toInt(), iso.captured(2).toInt(), iso.captured(3).toInt()),
                    QTime(iso.captured(4).toInt(), iso.captured(5).toInt()), Qt::UTC);
                dateEnd = iso.capturedEnd(0);
            }
            if (!entry.modified.isValid())
                entry.modified = QDateTime();
            if (dateEnd >= 0)
            {
                if (const auto size = exactSize.match(text.mid(dateEnd)); size.hasMatch())
                    entry.size = size.captured(1).toLongLong();
            }
        }
    }

    QString unsafeFileNameReason(const QString &name)
    {
        if (name.isEmpty())
            return QStringLiteral("empty name");
        if (name == u"." || name == u".." || name.contains(QStringLiteral("..")))
            return QStringLiteral("'..' in the name");
        if (name.contains(u'/') || name.contains(u'\\'))
            return QStringLiteral("a path, not a file name");
        if (name.contains(u':'))
            return QStringLiteral("a URL or drive, not a file name");
        if (Monticello::hasControlCharacter(name))
            return QStringLiteral("control character in the name");
        if (name.toUtf8().size() > 255)
            return QStringLiteral("longer than 255 bytes");
        if (name.compare(QStringLiteral(".mcz"), Qt::CaseInsensitive) == 0 || name.compare(QStringLiteral(".mcm"), Qt::CaseInsensitive) == 0)
            return QStringLiteral("no version name before the extension");
        return QString();
    }

    bool isVersionFileName(const QString &name)
    {
        return name.endsWith(QStringLiteral(".mcz")) || name.endsWith(QStringLiteral(".mcm"));
    }

    Result<Listing> parseHtmlListing(QByteArrayView html, const QString &where, const ListingLimits &limits)
    {
        if (html.size() > limits.maxBytes)
        {
            return Error{.where = where,
                .message = QStringLiteral("listing is %1 bytes, the limit is %2 bytes").arg(html.size()).arg(limits.maxBytes),
                .kind = Error::Kind::TooLarge};
        }

        Listing listing;
        QSet<QString> seen;
        const qsizetype size = html.size();
        qsizetype pos = 0;
        while (pos < size)
        {
            // The next "<a" or "<A" followed by a space (not <abbr>, <address>, ...).
            qsizetype anchor = -1;
            for (qsizetype i = pos; i + 2 < size; ++i)
            {
                if (html[i] == '<' && (html[i + 1] == 'a' || html[i + 1] == 'A') && isSpace(html[i + 2]))
                {
                    anchor = i;
                    break;
                }
            }
            if (anchor < 0)
                break;
            const qsizetype open = html.sliced(anchor).indexOf('"');
            if (open < 0)
                break;
            const qsizetype start = anchor + open + 1;
            const qsizetype close = html.sliced(start).indexOf('"');
            if (close < 0)
                break;
            const QByteArrayView href = html.sliced(start, close);
            pos = start + close + 1;

            const QString name = QUrl::fromPercentEncoding(href.toByteArray());
            if (!isVersionFileName(name))
                continue; // sort links, parent directory, other files
            if (const QString reason = unsafeFileNameReason(name); !reason.isEmpty())
            {
                listing.warnings.append(
                    QStringLiteral("%1: dropped listing entry '%2': %3")
                        .arg(where, QString(name.left(80)).replace(QRegularExpression(QStringLiteral("[\\x00-\\x1f\\x7f]")), QStringLiteral("?")), reason));
                continue;
            }
            if (seen.contains(name))
            {
                listing.warnings.append(QStringLiteral("%1: '%2' is listed twice; the first is kept").arg(where, name));
                continue;
            }
            if (listing.entries.size() >= limits.maxEntries)
            {
                return Error{.where = where,
                    .message = QStringLiteral("listing has more than %1 entries, the limit").arg(limits.maxEntries),
                    .kind = Error::Kind::TooLarge};
            }
            seen.insert(name);

            ListingEntry entry{name, -1, QDateTime()};
            const qsizetype nextAnchor = html.sliced(pos).indexOf("<a ");
            const qsizetype tailEnd = nextAnchor < 0 ? size : pos + nextAnchor;
            const QByteArrayView tail = html.sliced(pos, std::min<qsizetype>(tailEnd - pos, 400));
            if (!readNginxColumns(tail, entry))
                readColumns(tail, entry);
            listing.entries.append(entry);
        }
        return listing;
    }
}
