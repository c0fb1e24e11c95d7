#pragma once

#include <QByteArrayView>
#include <QString>

namespace TwinTrunk::Monticello
{
    enum class TextEncoding
    {
        Utf8,
        Latin1,
    };

    // Monticello text (version info, source.st, update maps) is UTF-8; older images wrote
    // Latin-1. Readers take UTF-8 when the bytes are valid UTF-8 and Latin-1 otherwise.
    TextEncoding detectEncoding(QByteArrayView bytes);
    QString decodeText(QByteArrayView bytes, TextEncoding encoding);
    QString decodeText(QByteArrayView bytes);

    // True when the text holds an ASCII control character (C0 or DEL): never part of a name.
    bool hasControlCharacter(const QString &text);

    // 1-based line and column of a byte offset; CR, LF and CRLF each end one line.
    struct TextPosition
    {
        int line = 1;
        int column = 1;
    };
    TextPosition positionAt(QByteArrayView bytes, qint64 offset);
}
