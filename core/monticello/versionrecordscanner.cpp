#include "versionrecordscanner.h"

#include "textcodec.h"

namespace TwinTrunk::Monticello
{
    namespace
    {
        bool isSeparator(char c)
        {
            return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f';
        }
    }

    VersionRecordScanner::State VersionRecordScanner::fail(const QString &message)
    {
        m_state = State::Failed;
        m_error = message;
        return m_state;
    }

    VersionRecordScanner::State VersionRecordScanner::endOfText(const QString &message)
    {
        if (m_id.isEmpty())
            return fail(message);
        m_state = State::Found; // the id is what matters; author and date are what the record gave
        return m_state;
    }

    VersionRecordScanner::State VersionRecordScanner::feed(QByteArrayView text)
    {
        if (m_state != State::NeedMore)
            return m_state;
        const qint64 room = MaxTextBytes - m_text.size();
        m_text.append(text.data(), qsizetype(std::min<qint64>(room, text.size())));
        if (scan() != State::NeedMore)
            return m_state;
        if (m_text.size() >= MaxTextBytes)
            return endOfText(QStringLiteral("no id in the first %1 bytes of the version member").arg(MaxTextBytes));
        return m_state;
    }

    VersionRecordScanner::State VersionRecordScanner::finish()
    {
        if (m_state == State::NeedMore)
            return endOfText(QStringLiteral("the version member has no id"));
        return m_state;
    }

    // Scans the root record's key/value pairs for name, id, date, time and author: found when the
    // id is read and the record's plain fields are over (its author read, or its first list: the
    // ancestors), so that a probe reads no further than those few hundred bytes. Scans from the
    // start each time: the text it needs is short, and a string may end in the next piece.
    VersionRecordScanner::State VersionRecordScanner::scan()
    {
        const QByteArray &text = m_text;
        const qint64 size = text.size();
        qint64 pos = 0;
        auto skipSeparators = [&] {
            while (pos < size && isSeparator(text[pos]))
                ++pos;
        };
        skipSeparators();
        if (pos >= size)
            return m_state;
        if (text[pos] != '(')
        {
            fail(QStringLiteral("the version member does not start with a record"));
            return m_state;
        }
        ++pos;

        while (true)
        {
            skipSeparators();
            if (pos >= size)
                return m_state;
            if (text[pos] == ')')
            {
                if (m_id.isEmpty())
                {
                    return fail(QStringLiteral("the version record has no id"));
                }
                m_state = State::Found;
                return m_state;
            }
            if (text[pos] == '#')
                ++pos;
            const qint64 keyStart = pos;
            while (pos < size && !isSeparator(text[pos]) && text[pos] != '\'' && text[pos] != '(' && text[pos] != ')')
                ++pos;
            if (pos >= size)
                return m_state;
            const QByteArray key = text.mid(keyStart, pos - keyStart);
            skipSeparators();
            if (pos >= size)
                return m_state;

            if (text[pos] == '\'')
            {
                QByteArray value;
                ++pos;
                while (true)
                {
                    const qint64 quote = text.indexOf('\'', pos);
                    if (quote < 0)
                        return m_state; // the string continues beyond what we have
                    value.append(text.constData() + pos, quote - pos);
                    pos = quote + 1;
                    if (pos >= size)
                        return m_state; // cannot tell '' from the end of the string yet
                    if (text[pos] == '\'')
                    {
                        value.append('\'');
                        ++pos;
                        continue;
                    }
                    break;
                }
                if (key == "name")
                    m_name = decodeText(value);
                else if (key == "id")
                {
                    m_id = decodeText(value);
                    if (!isMonticelloId(m_id))
                    {
                        return fail(QStringLiteral("the version's id '%1' is not a UUID").arg(m_id.left(64)));
                    }
                }
                else if (key == "date")
                    m_root.date = decodeText(value);
                else if (key == "time")
                    m_root.time = decodeText(value);
                else if (key == "author")
                    m_root.author = decodeText(value);
                if (!m_id.isEmpty() && !m_root.author.isEmpty())
                {
                    m_state = State::Found;
                    return m_state;
                }
            }
            else if (text[pos] == '(')
            {
                if (!m_id.isEmpty())
                {
                    m_state = State::Found; // the ancestors: the root's own fields are behind us
                    return m_state;
                }
                // A list before the id (ancestors written first): step over it, strings and all.
                int depth = 0;
                bool inString = false;
                for (; pos < size; ++pos)
                {
                    const char c = text[pos];
                    if (inString)
                    {
                        if (c == '\'')
                            inString = false; // '' re-enters on the next quote
                    }
                    else if (c == '\'')
                        inString = true;
                    else if (c == '(')
                        ++depth;
                    else if (c == ')' && --depth == 0)
                    {
                        ++pos;
                        break;
                    }
                }
                if (depth != 0)
                    return m_state;
            }
            else
            {
                // A bare word as the value (nil): step over it.
                while (pos < size && !isSeparator(text[pos]) && text[pos] != ')')
                    ++pos;
            }
        }
    }
}
