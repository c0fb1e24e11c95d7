#pragma once

#include <QByteArrayView>
#include <QString>

#include "../util/result.h"
#include "textcodec.h"

namespace TwinTrunk::Monticello
{
    // The tokens of the literal-array syntax Monticello writes its metadata in (see SExpression),
    // read one at a time without building anything: SExpression builds a tree from them, and the
    // version-info reader builds records straight from them, so that an ancestry of hundreds of
    // thousands of records never exists twice in memory.
    class SExpressionReader final
    {
    public:
        enum class Token
        {
            Open,
            Close,
            String,
            Symbol,
            End,
        };

        SExpressionReader(QByteArrayView bytes, TextEncoding encoding) : m_bytes(bytes), m_encoding(encoding) {}

        // The next token (a '#' before a token is skipped, as Monticello does). Errors: an
        // unterminated string, an unexpected character.
        Result<Token> next();
        qint64 offset() const { return m_offset; }     // where the last token starts
        const QString &text() const { return m_text; } // the last string's or symbol's text

        Error errorAt(qint64 offset, const QString &message) const;

    private:
        QByteArrayView m_bytes;
        TextEncoding m_encoding;
        qint64 m_position = 0;
        qint64 m_offset = 0;
        QString m_text;
    };
}
