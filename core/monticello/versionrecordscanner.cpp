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

        bool isKept(const QByteArray &key)
        {
            return key == "name" || key == "id" || key == "date" || key == "time" || key == "author";
        }

        constexpr qsizetype MaxKeyBytes = 256;
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
        for (qsizetype i = 0; i < text.size() && m_state == State::NeedMore; ++i)
        {
            ++m_scanned;
            step(text[i]);
        }
        return m_state;
    }

    VersionRecordScanner::State VersionRecordScanner::finish()
    {
        if (m_state == State::NeedMore && m_position == Position::AfterQuote)
            endString(); // the text ended right after a string's closing quote
        if (m_state == State::NeedMore)
            return endOfText(QStringLiteral("the version member has no id"));
        return m_state;
    }

    // The root record's key/value pairs: found when the id is read and the record's plain fields
    // are over (its author read, or its first list: the ancestors), so that a probe reads no
    // further than those few hundred bytes. A list before the id (ancestors written first) is
    // stepped over, strings and all.
    void VersionRecordScanner::step(char c)
    {
        switch (m_position)
        {
        case Position::BeforeRecord:
            if (isSeparator(c))
                return;
            if (c != '(')
            {
                fail(QStringLiteral("the version member does not start with a record"));
                return;
            }
            m_position = Position::BeforeKey;
            return;

        case Position::BeforeKey:
            if (isSeparator(c))
                return;
            if (c == ')')
            {
                if (m_id.isEmpty())
                    fail(QStringLiteral("the version record has no id"));
                else
                    m_state = State::Found;
                return;
            }
            m_key.clear();
            m_position = Position::InKey;
            if (c == '#')
                return;
            [[fallthrough]];
        case Position::InKey:
            if (!isSeparator(c) && c != '\'' && c != '(' && c != ')')
            {
                if (m_key.size() >= MaxKeyBytes)
                {
                    fail(QStringLiteral("the version record has a key longer than %1 bytes").arg(MaxKeyBytes));
                    return;
                }
                m_key.append(c);
                return;
            }
            m_position = Position::BeforeValue;
            [[fallthrough]];
        case Position::BeforeValue:
            if (isSeparator(c))
                return;
            if (c == '\'')
            {
                m_keepValue = isKept(m_key);
                m_value.clear();
                m_position = Position::InString;
            }
            else if (c == '(')
            {
                if (!m_id.isEmpty())
                {
                    m_state = State::Found; // the ancestors: the root's own fields are behind us
                    return;
                }
                m_listDepth = 1;
                m_position = Position::InList;
            }
            else if (c == ')')
            {
                m_position = Position::BeforeKey; // a key with no value ends the record
                step(c);
            }
            else
            {
                m_position = Position::InWord;
            }
            return;

        case Position::InString:
            if (c == '\'')
                m_position = Position::AfterQuote;
            else if (m_keepValue)
            {
                if (m_value.size() >= MaxFieldBytes)
                {
                    fail(QStringLiteral("the version's %1 is longer than %2 bytes").arg(QString::fromLatin1(m_key)).arg(MaxFieldBytes));
                    return;
                }
                m_value.append(c);
            }
            return;

        case Position::AfterQuote:
            if (c == '\'')
            {
                if (m_keepValue)
                    m_value.append('\'');
                m_position = Position::InString;
                return;
            }
            endString();
            if (m_state == State::NeedMore)
            {
                m_position = Position::BeforeKey;
                step(c);
            }
            return;

        case Position::InList:
            if (c == '\'')
                m_position = Position::InListString;
            else if (c == '(')
                ++m_listDepth;
            else if (c == ')' && --m_listDepth == 0)
                m_position = Position::BeforeKey;
            return;

        case Position::InListString:
            if (c == '\'')
                m_position = Position::InList; // '' leaves and re-enters: the same
            return;

        case Position::InWord:
            if (isSeparator(c))
                m_position = Position::BeforeKey;
            else if (c == ')')
            {
                m_position = Position::BeforeKey;
                step(c);
            }
            return;
        }
    }

    void VersionRecordScanner::endString()
    {
        m_position = Position::BeforeKey;
        if (!m_keepValue)
            return;
        const QString value = decodeText(m_value);
        m_value.clear();
        if (m_key == "name")
            m_name = value;
        else if (m_key == "id")
        {
            m_id = value;
            if (!isMonticelloId(m_id))
            {
                fail(QStringLiteral("the version's id '%1' is not a UUID").arg(m_id.left(64)));
                return;
            }
        }
        else if (m_key == "date")
            m_root.date = value;
        else if (m_key == "time")
            m_root.time = value;
        else if (m_key == "author")
            m_root.author = value;
        if (!m_id.isEmpty() && !m_root.author.isEmpty())
            m_state = State::Found;
    }
}
