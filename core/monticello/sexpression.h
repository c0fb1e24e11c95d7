#pragma once

#include <QByteArrayView>
#include <QList>
#include <QString>

#include "../util/result.h"
#include "textcodec.h"

namespace TwinTrunk::Monticello
{
    // The literal-array syntax Monticello writes its metadata in (MCScanner):
    //   value := string | symbol | '(' value* ')'
    // Strings are single-quoted with '' as the only escape; a '#' before a token is ignored;
    // whitespace is space, tab, CR, LF and FF.
    // Parsed iteratively into a flat arena, so nesting depth is limited by memory, not the stack.
    class SExpression final
    {
    public:
        enum class Kind : quint8
        {
            List,
            String,
            Symbol,
        };

        struct Node
        {
            Kind kind = Kind::List;
            qint64 offset = 0;         // byte offset of the token in the input
            QString text;              // for strings and symbols
            QList<qsizetype> children; // for lists: indices into the arena
        };

        // Default cap on the input size: far above any real member (a trunk Kernel version
        // member is ~460 KB), far below what would exhaust memory.
        static constexpr qint64 DefaultMaxBytes = 64 * 1024 * 1024;

        // Parses exactly one value; only whitespace may follow it.
        static Result<SExpression> parse(QByteArrayView bytes, qint64 maxBytes = DefaultMaxBytes);
        // The syntax alone, building nothing: the size, strings, characters, parentheses and
        // nothing after the value. What parse() refuses, this refuses, with the same error.
        static Result<void> checkSyntax(QByteArrayView bytes, qint64 maxBytes = DefaultMaxBytes);

        qsizetype rootIndex() const { return m_root; }
        const Node &node(qsizetype index) const { return m_nodes.at(index); }
        const Node &root() const { return m_nodes.at(m_root); }
        qsizetype nodeCount() const { return m_nodes.size(); }
        TextEncoding encoding() const { return m_encoding; }

        // An Error located at a node's offset in the input this expression was parsed from.
        Error errorAt(QByteArrayView bytes, qsizetype nodeIndex, const QString &message) const;
        static Error errorAtOffset(QByteArrayView bytes, qint64 offset, const QString &message);

    private:
        QList<Node> m_nodes;
        qsizetype m_root = -1;
        TextEncoding m_encoding = TextEncoding::Utf8;
    };
}
