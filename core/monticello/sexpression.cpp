#include "sexpression.h"

#include "sexpressionreader.h"

namespace TwinTrunk::Monticello
{
    Error SExpression::errorAtOffset(QByteArrayView bytes, qint64 offset, const QString &message)
    {
        return SExpressionReader(bytes, TextEncoding::Utf8).errorAt(offset, message);
    }

    Error SExpression::errorAt(QByteArrayView bytes, qsizetype nodeIndex, const QString &message) const
    {
        return errorAtOffset(bytes, m_nodes.at(nodeIndex).offset, message);
    }

    Result<SExpression> SExpression::parse(QByteArrayView bytes, qint64 maxBytes)
    {
        if (Result<void> valid = checkSyntax(bytes, maxBytes); !valid)
            return valid.error();
        SExpression expression;
        expression.m_encoding = detectEncoding(bytes);
        SExpressionReader reader(bytes, expression.m_encoding);
        QList<qsizetype> openLists; // the lists whose ')' has not been read yet, innermost last
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
            const SExpressionReader::Token token = reader.next().value(); // checkSyntax read these before
            switch (token)
            {
            case SExpressionReader::Token::End: return expression;
            case SExpressionReader::Token::Open: openLists.append(append(Node{Kind::List, reader.offset(), {}, {}})); break;
            case SExpressionReader::Token::Close: openLists.removeLast(); break;
            case SExpressionReader::Token::String: append(Node{Kind::String, reader.offset(), reader.text(), {}}); break;
            case SExpressionReader::Token::Symbol: append(Node{Kind::Symbol, reader.offset(), reader.text(), {}}); break;
            }
        }
    }

    Result<void> SExpression::checkSyntax(QByteArrayView bytes, qint64 maxBytes)
    {
        if (bytes.size() > maxBytes)
        {
            Error error = errorAtOffset(bytes, maxBytes, QStringLiteral("too large: %1 bytes, the limit is %2 bytes").arg(bytes.size()).arg(maxBytes));
            error.kind = Error::Kind::TooLarge;
            return error;
        }
        SExpressionReader reader(bytes, detectEncoding(bytes));
        QList<qint64> openLists; // offsets of the lists not closed yet, innermost last
        bool hasValue = false;
        while (true)
        {
            Result<SExpressionReader::Token> token = reader.next();
            if (!token)
                return token.error();
            if (token.value() == SExpressionReader::Token::End)
                break;
            if (hasValue && openLists.isEmpty())
                return errorAtOffset(bytes, reader.offset(), QStringLiteral("unexpected text after the end of the value"));
            if (token.value() == SExpressionReader::Token::Open)
            {
                openLists.append(reader.offset());
                continue;
            }
            if (token.value() == SExpressionReader::Token::Close)
            {
                if (openLists.isEmpty())
                    return errorAtOffset(bytes, reader.offset(), QStringLiteral("')' without a matching '('"));
                openLists.removeLast();
            }
            hasValue = hasValue || openLists.isEmpty();
        }
        if (!openLists.isEmpty())
        {
            return errorAtOffset(bytes, openLists.last(),
                QStringLiteral("unbalanced parentheses: %1 list(s) not closed, the innermost opened here").arg(openLists.size()));
        }
        if (!hasValue)
            return errorAtOffset(bytes, bytes.size(), QStringLiteral("empty: no value"));
        return {};
    }
}
