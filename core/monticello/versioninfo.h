#pragma once

#include <QByteArray>
#include <QDate>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>
#include <QTime>

#include "../util/result.h"

namespace TwinTrunk::Monticello
{
    // One version's metadata as Monticello records it. Fields keep the exact text of the member
    // (dates and times in whichever style the writing image used), so writing reproduces it.
    struct VersionRecord
    {
        QString name;
        QString message;
        QString id;
        QString date;
        QString time;
        QString author;
        QList<qsizetype> ancestors;    // indices into the owning VersionInfo's records
        QList<qsizetype> stepChildren; // likewise

        // Squeak's "1 February 2021" or Pharo's "2021-02-01"; invalid when empty, nil or odd.
        QDate parsedDate() const;
        // "1:02:43 pm", "5:38:31.58044 pm" or "17:38:31"; invalid when missing or odd.
        QTime parsedTime() const;
        // Date and time as the committing image wrote them. Monticello records no time zone, so
        // this is the wall-clock reading, held as UTC so that nothing converts it; the time is
        // midnight when missing, and the result invalid when the date is.
        QDateTime authoredAt() const;
    };

    // The `version` member of a .mcz: a version and its whole ancestry, a graph in which each
    // distinct id is one record (back-references `(id '...')` resolve to the record written
    // earlier, as Monticello's reader resolves them). Records live in a flat list so that
    // ancestries thousands of levels deep are walked, compared and destroyed without recursion.
    class VersionInfo final
    {
    public:
        static Result<VersionInfo> parse(QByteArrayView member);
        // The member as current Monticello writes it: key order name message id date time author
        // ancestors stepChildren, records concatenated, a record met again written as (id '...').
        QByteArray serialize() const;

        // A single version with no ancestry (for building synthetic versions).
        static VersionInfo single(const VersionRecord &record);
        // A new version whose direct ancestors are the given versions' roots, their ancestries
        // merged by id.
        static VersionInfo withAncestors(VersionRecord record, const QList<VersionInfo> &ancestors);

        const VersionRecord &root() const { return m_records.at(m_root); }
        VersionRecord &root() { return m_records[m_root]; }
        QString name() const { return root().name; }
        QString id() const { return root().id; }
        QString author() const { return root().author; }
        QString message() const { return root().message; }

        const QList<VersionRecord> &records() const { return m_records; }
        const VersionRecord &record(qsizetype index) const { return m_records.at(index); }
        qsizetype indexOfId(const QString &id) const;

        // The direct ancestors' names, in order.
        QStringList ancestorNames() const;
        // Distinct versions (by id) reachable through ancestors, not stepChildren, excluding this one.
        qsizetype totalAncestorCount() const;
        // True when a version with this id is this one or one of its ancestors.
        bool descendsFrom(const QString &id) const;

        // Equal values: the same fields and the same ancestry shape, compared by walking both graphs.
        bool operator==(const VersionInfo &other) const;
        bool operator!=(const VersionInfo &other) const { return !(*this == other); }

    private:
        // Records the root cannot reach are left out (see versioninforeader.cpp).
        void dropUnreachable();

        QList<VersionRecord> m_records;
        qsizetype m_root = 0;
    };

    // "8-4-4-4-12" hexadecimal: Monticello's UUID text. The version nibble is not checked:
    // Pharo 7+ ids are not RFC 4122 v4.
    bool isMonticelloId(const QString &id);
}
