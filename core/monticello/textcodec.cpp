#include "textcodec.h"

#include <QStringDecoder>

namespace TwinTrunk::Monticello
{
    TextEncoding detectEncoding(QByteArrayView bytes)
    {
        QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
        const QString decoded = utf8.decode(bytes);
        return utf8.hasError() ? TextEncoding::Latin1 : TextEncoding::Utf8;
    }

    QString decodeText(QByteArrayView bytes, TextEncoding encoding)
    {
        if (encoding == TextEncoding::Latin1)
            return QString::fromLatin1(bytes);
        return QString::fromUtf8(bytes);
    }

    QString decodeText(QByteArrayView bytes)
    {
        return decodeText(bytes, detectEncoding(bytes));
    }

    bool hasControlCharacter(const QString &text)
    {
        return std::any_of(text.cbegin(), text.cend(), [](QChar c) { return c.unicode() < 0x20 || c.unicode() == 0x7f; });
    }

    TextPosition positionAt(QByteArrayView bytes, qint64 offset)
    {
        TextPosition position;
        const qint64 end = std::min<qint64>(offset, bytes.size());
        for (qint64 i = 0; i < end; ++i)
        {
            const char c = bytes[i];
            if (c == '\n' || (c == '\r' && !(i + 1 < bytes.size() && bytes[i + 1] == '\n')))
            {
                ++position.line;
                position.column = 1;
            }
            else if (c != '\r')
            {
                ++position.column;
            }
        }
        return position;
    }
}
