#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>

#include "versioninfo.h"

namespace TwinTrunk::Monticello
{
    // Reads a version's name, id, author and date from the start of its `version` member's text,
    // fed in pieces as it is inflated. The record starts with name, message, id, date, time and
    // author, so a few hundred bytes usually suffice: the ancestry behind them is never parsed
    // (a Kernel version's ancestry is 460 KB; a long-lived package's can be tens of megabytes).
    class VersionRecordScanner final
    {
    public:
        enum class State
        {
            NeedMore, // feed more text
            Found,    // name() and id() are known; author() and authoredAt() when the record has them
            Failed,   // error() says why
        };

        // How much of the member is looked at before giving up.
        static constexpr qint64 MaxTextBytes = 1024 * 1024;

        State feed(QByteArrayView text);
        // The member ended: a scanner still needing more has failed, unless the id was read.
        State finish();

        State state() const { return m_state; }
        QString name() const { return m_name; }
        QString id() const { return m_id; }
        QString author() const { return m_root.author; }
        QDateTime authoredAt() const { return m_root.authoredAt(); }
        QString error() const { return m_error; }

    private:
        State scan();
        State fail(const QString &message);
        State endOfText(const QString &message);

        QByteArray m_text; // what was fed, up to MaxTextBytes
        State m_state = State::NeedMore;
        QString m_name;
        QString m_id;
        VersionRecord m_root; // author, date and time as far as read
        QString m_error;
    };
}
