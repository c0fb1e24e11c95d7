#include "sexpression.h"

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

    Error SExpression::errorAtOffset(QByteArrayView bytes, qint64 offset, const QString &message)
    {
        const TextPosition position = positionAt(bytes, offset);
        return Error{QString(), message, offset, position.line, position.column, Error::Kind::Invalid};
    }

    Error SExpression::errorAt(QByteArrayView bytes, qsizetype nodeIndex, const QString &message) const
    {
        return errorAtOffset(bytes, m_nodes.at(nodeIndex).offset, message);
    }

    Result<SExpression> SExpression::parse(QByteArrayView bytes, qint64 maxBytes)
    {
        if (bytes.size() > maxBytes)
        {
            Error error = errorAtOffset(bytes, maxBytes,
                QStringLiteral("too large: %1 bytes, the limit is %2 bytes").arg(bytes.size()).arg(maxBytes));
            error.kind = Error::Kind::TooLarge;
            return error;
        }

        SExpression expression;
        expression.m_encoding = detectEncoding(bytes);

        QList<qsizetype> openLists; // the lists whose ')' has not been read yet, innermost last
        const qint64 size = bytes.size();
        qint64 pos = 0;

        auto append = [&](Node node) {
            const qsizetype index = expression.m_nodes.size();
            expression.m_nodes.append(std::move(node));
            if (!openLists.isEmpty())
                expression.m_nodes[openLists.last()].children.append(index);
            else
                expression.m_root = index;
            return index;
        };

        while (true)
        {
            while (pos < size && isSeparator(bytes[pos]))
                ++pos;
            if (pos >= size)
                break;
            if (expression.m_root >= 0 && openLists.isEmpty())
                return errorAtOffset(bytes, pos, QStringLiteral("unexpected text after the end of the value"));

            const char c = bytes[pos];
            if (c == '#')
            {
                ++pos; // Monticello ignores a '#' before a token: #(...) and #symbol.
                continue;
            }
            if (c == '(')
            {
                openLists.append(append(Node{Kind::List, pos, {}, {}}));
                ++pos;
            }
            else if (c == ')')
            {
                if (openLists.isEmpty())
                    return errorAtOffset(bytes, pos, QStringLiteral("')' without a matching '('"));
                openLists.removeLast();
                ++pos;
            }
            else if (c == '\'')
            {
                const qint64 start = pos++;
                QByteArray content;
                bool closed = false;
                while (pos < size)
                {
                    const qint64 quote = QByteArrayView(bytes.data() + pos, size - pos).indexOf('\'');
                    if (quote < 0)
                        break;
                    content.append(bytes.data() + pos, quote);
                    pos += quote + 1;
                    if (pos < size && bytes[pos] == '\'')
                    {
                        content.append('\'');
                        ++pos;
                        continue;
                    }
                    closed = true;
                    break;
                }
                if (!closed)
                    return errorAtOffset(bytes, start, QStringLiteral("unterminated string"));
                append(Node{Kind::String, start, decodeText(content, expression.m_encoding), {}});
            }
            else if (isSymbolPart(c))
            {
                const qint64 start = pos;
                while (pos < size && isSymbolPart(bytes[pos]))
                    ++pos;
                append(Node{Kind::Symbol, start, QString::fromLatin1(bytes.data() + start, pos - start), {}});
            }
            else
            {
                return errorAtOffset(bytes, pos,
                    QStringLiteral("unexpected character 0x%1").arg(quint8(c), 2, 16, QLatin1Char('0')));
            }
        }

        if (!openLists.isEmpty())
        {
            return errorAtOffset(bytes, expression.m_nodes.at(openLists.last()).offset,
                QStringLiteral("unbalanced parentheses: %1 list(s) not closed, the innermost opened here")
                    .arg(openLists.size()));
        }
        if (expression.m_root < 0)
            return errorAtOffset(bytes, size, QStringLiteral("empty: no value"));
        return expression;
    }
}
