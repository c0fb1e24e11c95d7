#include "versioninfo.h"

#include <QHash>
#include <QRegularExpression>
#include <QSet>

namespace TwinTrunk::Monticello
{
    bool isMonticelloId(const QString &id)
    {
        static const QRegularExpression pattern(QStringLiteral("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"));
        return pattern.match(id).hasMatch();
    }

    QDate VersionRecord::parsedDate() const
    {
        static const QRegularExpression squeak(QStringLiteral("^(\\d{1,2})\\s+([A-Za-z]+)\\s+(\\d{4})$"));
        static const QRegularExpression iso(QStringLiteral("^(\\d{4})-(\\d{1,2})-(\\d{1,2})$"));
        static const QRegularExpression us(QStringLiteral("^(\\d{1,2})/(\\d{1,2})/(\\d{4})$"));
        static const QStringList months = {QStringLiteral("jan"), QStringLiteral("feb"), QStringLiteral("mar"), QStringLiteral("apr"), QStringLiteral("may"),
            QStringLiteral("jun"), QStringLiteral("jul"), QStringLiteral("aug"), QStringLiteral("sep"), QStringLiteral("oct"), QStringLiteral("nov"),
            QStringLiteral("dec")};

        const QString text = date.trimmed();
        if (const auto match = squeak.match(text); match.hasMatch())
        {
            const int month = months.indexOf(match.captured(2).left(3).toLower()) + 1;
            return month > 0 ? QDate(match.captured(3).toInt(), month, match.captured(1).toInt()) : QDate();
        }
        if (const auto match = iso.match(text); match.hasMatch())
            return QDate(match.captured(1).toInt(), match.captured(2).toInt(), match.captured(3).toInt());
        if (const auto match = us.match(text); match.hasMatch())
            return QDate(match.captured(3).toInt(), match.captured(1).toInt(), match.captured(2).toInt());
        return QDate();
    }

    QTime VersionRecord::parsedTime() const
    {
        static const QRegularExpression pattern(QStringLiteral("^(\\d{1,2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d+))?)?\\s*([aApP][mM])?$"));
        const auto match = pattern.match(time.trimmed());
        if (!match.hasMatch())
            return QTime();
        int hour = match.captured(1).toInt();
        const QString meridiem = match.captured(5).toLower();
        if (!meridiem.isEmpty())
        {
            if (hour < 1 || hour > 12)
                return QTime();
            hour = (hour % 12) + (meridiem == u"pm" ? 12 : 0);
        }
        const int milliseconds = match.captured(4).isEmpty() ? 0 : QString(match.captured(4) + QStringLiteral("00")).left(3).toInt();
        return QTime(hour, match.captured(2).toInt(), match.captured(3).toInt(), milliseconds);
    }

    QDateTime VersionRecord::authoredAt() const
    {
        const QDate day = parsedDate();
        if (!day.isValid())
            return QDateTime();
        const QTime clock = parsedTime();
        return QDateTime(day, clock.isValid() ? clock : QTime(0, 0), Qt::UTC);
    }

    VersionInfo VersionInfo::single(const VersionRecord &record)
    {
        VersionInfo info;
        VersionRecord root = record;
        root.ancestors.clear();
        root.stepChildren.clear();
        info.m_records.append(root);
        info.m_root = 0;
        return info;
    }

    VersionInfo VersionInfo::withAncestors(VersionRecord record, const QList<VersionInfo> &ancestors)
    {
        VersionInfo info;
        record.ancestors.clear();
        record.stepChildren.clear();
        QHash<QString, qsizetype> indexById;
        for (const VersionInfo &ancestor : ancestors)
        {
            // Copy the ancestor's records that are not here yet (by id) and remap their edges;
            // records already here are shared, which is what makes merge diamonds.
            QList<qsizetype> remap(ancestor.m_records.size(), -1);
            QList<qsizetype> copied;
            for (qsizetype i = 0; i < ancestor.m_records.size(); ++i)
            {
                const QString &id = ancestor.m_records.at(i).id;
                const auto found = indexById.constFind(id);
                if (found != indexById.cend())
                {
                    remap[i] = found.value();
                    continue;
                }
                remap[i] = info.m_records.size();
                indexById.insert(id, remap[i]);
                info.m_records.append(ancestor.m_records.at(i));
                copied.append(i);
            }
            for (const qsizetype i : copied)
            {
                VersionRecord &copy = info.m_records[remap[i]];
                for (qsizetype &edge : copy.ancestors)
                    edge = remap[edge];
                for (qsizetype &edge : copy.stepChildren)
                    edge = remap[edge];
            }
            record.ancestors.append(remap[ancestor.m_root]);
        }
        info.m_root = info.m_records.size();
        info.m_records.append(record);
        return info;
    }

    qsizetype VersionInfo::indexOfId(const QString &id) const
    {
        for (qsizetype i = 0; i < m_records.size(); ++i)
        {
            if (m_records.at(i).id == id)
                return i;
        }
        return -1;
    }

    QStringList VersionInfo::ancestorNames() const
    {
        QStringList names;
        for (const qsizetype index : root().ancestors)
            names.append(m_records.at(index).name);
        return names;
    }

    qsizetype VersionInfo::totalAncestorCount() const
    {
        QList<bool> seen(m_records.size(), false);
        QList<qsizetype> pending = root().ancestors;
        qsizetype count = 0;
        seen[m_root] = true;
        while (!pending.isEmpty())
        {
            const qsizetype index = pending.takeLast();
            if (seen.at(index))
                continue;
            seen[index] = true;
            ++count;
            pending.append(m_records.at(index).ancestors);
        }
        return count;
    }

    bool VersionInfo::descendsFrom(const QString &id) const
    {
        QList<bool> seen(m_records.size(), false);
        QList<qsizetype> pending{m_root};
        while (!pending.isEmpty())
        {
            const qsizetype index = pending.takeLast();
            if (seen.at(index))
                continue;
            seen[index] = true;
            if (m_records.at(index).id == id)
                return true;
            pending.append(m_records.at(index).ancestors);
        }
        return false;
    }

    bool VersionInfo::operator==(const VersionInfo &other) const
    {
        // Walk both graphs in step; each of our records must always pair with the same one of theirs.
        QList<qsizetype> pairedWith(m_records.size(), -1);
        QList<std::pair<qsizetype, qsizetype>> pending{{m_root, other.m_root}};
        while (!pending.isEmpty())
        {
            const auto [mine, theirs] = pending.takeLast();
            if (pairedWith.at(mine) >= 0)
            {
                if (pairedWith.at(mine) != theirs)
                    return false;
                continue;
            }
            pairedWith[mine] = theirs;
            const VersionRecord &a = m_records.at(mine);
            const VersionRecord &b = other.m_records.at(theirs);
            if (a.name != b.name || a.message != b.message || a.id != b.id || a.date != b.date || a.time != b.time || a.author != b.author
                || a.ancestors.size() != b.ancestors.size() || a.stepChildren.size() != b.stepChildren.size())
                return false;
            for (qsizetype i = 0; i < a.ancestors.size(); ++i)
                pending.append({a.ancestors.at(i), b.ancestors.at(i)});
            for (qsizetype i = 0; i < a.stepChildren.size(); ++i)
                pending.append({a.stepChildren.at(i), b.stepChildren.at(i)});
        }
        return true;
    }
}
