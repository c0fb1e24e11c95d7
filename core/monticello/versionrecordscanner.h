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
    //
    // It reads byte by byte and keeps only the fields it wants, so there is no limit on how far
    // into the member they may be: a long commit message, or an ancestry written before the id,
    // is stepped over without being kept. Whoever feeds it decides how much to feed (a probe
    // stops early and reads the whole file instead, see MczPrefixReader).
    class VersionRecordScanner final
    {
    public:
        enum class State
        {
            NeedMore, // feed more text
            Found,    // name() and id() are known; author() and authoredAt() when the record has them
            Failed,   // error() says why
        };

        // The longest field value kept (a name, an id, a date, an author): longer is not a version.
        static constexpr qsizetype MaxFieldBytes = 64 * 1024;

        State feed(QByteArrayView text);
        // The member ended: a scanner still needing more has failed, unless the id was read.
        State finish();

        State state() const { return m_state; }
        // How many bytes of text were fed while it needed more.
        qint64 bytesScanned() const { return m_scanned; }
        QString name() const { return m_name; }
        QString id() const { return m_id; }
        QString author() const { return m_root.author; }
        QDateTime authoredAt() const { return m_root.authoredAt(); }
        QString error() const { return m_error; }

    private:
        // Where in the root record the next byte falls.
        enum class Position
        {
            BeforeRecord, // before the record's '('
            BeforeKey,    // a key, or the record's ')'
            InKey,
            BeforeValue,
            InString,
            AfterQuote, // a quote in a string: '' is a quote, anything else ends the string
            InList,     // a list value (the ancestors), stepped over
            InListString,
            InWord, // a bare value (nil, a number), stepped over
        };

        void step(char c);
        void endString();
        State fail(const QString &message);
        State endOfText(const QString &message);

        State m_state = State::NeedMore;
        Position m_position = Position::BeforeRecord;
        QByteArray m_key;
        QByteArray m_value; // the string value under way, when its key is one we keep
        bool m_keepValue = false;
        int m_listDepth = 0;
        qint64 m_scanned = 0;
        QString m_name;
        QString m_id;
        VersionRecord m_root; // author, date and time as far as read
        QString m_error;
    };
}
