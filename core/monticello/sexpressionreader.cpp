#include "sexpressionreader.h"

namespace TwinTrunk::Monticello
{
    namespace
    {
        bool isSeparator(char c)
        {
            return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f';
        }

        // Symbols (record keys, and the odd bare word such as nil) are runs of these; digits are
        // accepted too so that a stray number reads as a word instead of failing the whole record.
        bool isSymbolPart(char c)
        {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == ':';
        }
    }

    Error SExpressionReader::errorAt(qint64 offset, const QString &message) const
    {
        const TextPosition position = positionAt(m_bytes, offset);
        return Error{.message = message, .offset = offset, .line = position.line, .column = position.column, .kind = Error::Kind::Invalid};
    }

    Result<SExpressionReader::Token> SExpressionReader::next()
    {
        const qint64 size = m_bytes.size();
        while (true)
        {
            while (m_position < size && isSeparator(m_bytes[m_position]))
                ++m_position;
            if (m_position < size && m_bytes[m_position] == '#')
            {
                ++m_position; // Monticello ignores a '#' before a token: #(...) and #symbol.
                continue;
            }
            break;
        }
        m_offset = m_position;
        if (m_position >= size)
            return Token::End;
        const char c = m_bytes[m_position];
        if (c == '(' || c == ')')
        {
            ++m_position;
            return c == '(' ? Token::Open : Token::Close;
        }
        if (c == '\'')
        {
            ++m_position;
            QByteArray content;
            while (m_position < size)
            {
                const qint64 quote = QByteArrayView(m_bytes.data() + m_position, size - m_position).indexOf('\'');
                if (quote < 0)
                    break;
                content.append(m_bytes.data() + m_position, quote);
                m_position += quote + 1;
                if (m_position < size && m_bytes[m_position] == '\'')
                {
                    content.append('\'');
                    ++m_position;
                    continue;
                }
                m_text = decodeText(content, m_encoding);
                return Token::String;
            }
            return errorAt(m_offset, QStringLiteral("unterminated string"));
        }
        if (isSymbolPart(c))
        {
            while (m_position < size && isSymbolPart(m_bytes[m_position]))
                ++m_position;
            m_text = QString::fromLatin1(m_bytes.data() + m_offset, m_position - m_offset);
            return Token::Symbol;
        }
        return errorAt(m_offset, QStringLiteral("unexpected character 0x%1").arg(quint8(c), 2, 16, QLatin1Char('0')));
    }
}
