#include "mczprefixreader.h"

#include <zlib.h>

#include "textcodec.h"
#include "versioninfo.h"

namespace TwinTrunk::Monticello
{
    namespace
    {
        constexpr quint32 LocalHeaderSignature = 0x04034b50;
        constexpr qint64 LocalHeaderSize = 30;
        constexpr quint16 FlagEncrypted = 0x0001;
        constexpr quint16 FlagDataDescriptor = 0x0008;

        quint16 le16(const QByteArray &bytes, qint64 at)
        {
            return quint16(quint8(bytes[at]) | (quint8(bytes[at + 1]) << 8));
        }

        quint32 le32(const QByteArray &bytes, qint64 at)
        {
            return quint32(le16(bytes, at)) | (quint32(le16(bytes, at + 2)) << 16);
        }

        bool isSeparator(char c)
        {
            return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f';
        }
    }

    struct MczPrefixReader::Inflater
    {
        z_stream stream{};
        bool ready = false;
        bool ended = false;

        Inflater() { ready = inflateInit2(&stream, -MAX_WBITS) == Z_OK; }
        ~Inflater()
        {
            if (ready)
                inflateEnd(&stream);
        }
    };

    MczPrefixReader::MczPrefixReader() = default;
    MczPrefixReader::~MczPrefixReader() = default;

    MczPrefixReader::State MczPrefixReader::fail(const QString &message)
    {
        m_state = State::Failed;
        m_error = Error{QString(), message, -1, 0, 0, Error::Kind::Invalid};
        return m_state;
    }

    MczPrefixReader::State MczPrefixReader::feed(QByteArrayView bytes)
    {
        if (m_state != State::NeedMore)
            return m_state;
        m_buffer.append(bytes.data(), bytes.size());
        return advance();
    }

    MczPrefixReader::State MczPrefixReader::finish()
    {
        if (m_state == State::NeedMore)
            return endOfInput(QStringLiteral("the file ended before the version's id"));
        return m_state;
    }

    MczPrefixReader::State MczPrefixReader::endOfInput(const QString &message)
    {
        if (m_id.isEmpty())
            return fail(message);
        m_state = State::Found; // the id is what matters; author and date are what the record gave
        return m_state;
    }

    MczPrefixReader::State MczPrefixReader::advance()
    {
        while (m_state == State::NeedMore)
        {
            if (m_inVersion)
            {
                if (!inflateAvailable(m_dataOffset))
                    return m_state;
                if (scanVersionText())
                    return m_state;
                if (m_state != State::NeedMore)
                    return m_state;
                if (m_inflater && m_inflater->ended)
                    return endOfInput(QStringLiteral("the version member has no id"));
                if (m_versionText.size() > MaxVersionTextBytes)
                    return endOfInput(QStringLiteral("no id in the first %1 bytes of the version member").arg(MaxVersionTextBytes));
                return m_state; // need more input
            }

            if (m_buffer.size() < m_headerOffset + LocalHeaderSize)
                return m_state;
            if (le32(m_buffer, m_headerOffset) != LocalHeaderSignature)
                return fail(QStringLiteral("no version member among the leading members"));
            const quint16 flags = le16(m_buffer, m_headerOffset + 6);
            const quint16 method = le16(m_buffer, m_headerOffset + 8);
            const quint32 compressedSize = le32(m_buffer, m_headerOffset + 18);
            const quint16 nameLength = le16(m_buffer, m_headerOffset + 26);
            const quint16 extraLength = le16(m_buffer, m_headerOffset + 28);
            const qint64 dataStart = m_headerOffset + LocalHeaderSize + nameLength + extraLength;
            if (m_buffer.size() < m_headerOffset + LocalHeaderSize + nameLength)
                return m_state;
            const QByteArray name = m_buffer.mid(m_headerOffset + LocalHeaderSize, nameLength);
            if (flags & FlagEncrypted)
                return fail(QStringLiteral("member '%1' is encrypted").arg(QString::fromLatin1(name)));
            if (method != 0 && method != Z_DEFLATED)
                return fail(QStringLiteral("member '%1' uses compression method %2").arg(QString::fromLatin1(name)).arg(method));

            if (name == "version")
            {
                m_inVersion = true;
                m_dataOffset = dataStart;
                m_stored = method == 0;
                m_compressedSize = compressedSize;
                if (!m_stored)
                {
                    m_inflater = std::make_unique<Inflater>();
                    if (!m_inflater->ready)
                        return fail(QStringLiteral("cannot start inflating"));
                }
                continue;
            }

            // Another member (normally `package`, 15 bytes): step over it.
            if (++m_membersPassed > MaxMembersBeforeVersion)
                return fail(QStringLiteral("no version member among the first %1 members").arg(MaxMembersBeforeVersion));
            if ((flags & FlagDataDescriptor) && compressedSize == 0)
                return fail(QStringLiteral("member '%1' gives its size only after its data").arg(QString::fromLatin1(name)));
            m_headerOffset = dataStart + compressedSize;
        }
        return m_state;
    }

    bool MczPrefixReader::inflateAvailable(qint64 dataStart)
    {
        const qint64 available = m_buffer.size() - dataStart - m_inflateInput;
        if (available <= 0)
            return true;
        if (m_stored)
        {
            qint64 take = available;
            if (m_compressedSize > 0)
                take = std::min(take, m_compressedSize - m_inflateInput);
            m_versionText.append(m_buffer.constData() + dataStart + m_inflateInput, take);
            m_inflateInput += available;
            return true;
        }
        if (m_inflater->ended)
            return true;
        z_stream &stream = m_inflater->stream;
        stream.next_in = reinterpret_cast<Bytef *>(m_buffer.data() + dataStart + m_inflateInput);
        stream.avail_in = uInt(std::min<qint64>(available, 1 << 30));
        char out[16384];
        while (stream.avail_in > 0 && m_versionText.size() <= MaxVersionTextBytes)
        {
            stream.next_out = reinterpret_cast<Bytef *>(out);
            stream.avail_out = sizeof out;
            const int status = inflate(&stream, Z_NO_FLUSH);
            m_versionText.append(out, qsizetype(sizeof out - stream.avail_out));
            if (status == Z_STREAM_END)
            {
                m_inflater->ended = true;
                break;
            }
            if (status == Z_BUF_ERROR && stream.avail_out != 0)
                break;
            if (status != Z_OK && status != Z_BUF_ERROR)
            {
                fail(QStringLiteral("the version member's data is corrupt (zlib: %1)")
                        .arg(QString::fromLatin1(stream.msg ? stream.msg : "error")));
                return false;
            }
        }
        m_inflateInput = m_buffer.size() - dataStart - stream.avail_in;
        return true;
    }

    // Scans the root record's key/value pairs for name, id, date, time and author. True when the
    // id is found and the record's plain fields are over (its author read, or its first list:
    // the ancestors), so that a probe reads no further than those few hundred bytes.
    bool MczPrefixReader::scanVersionText()
    {
        const QByteArray &text = m_versionText;
        const qint64 size = text.size();
        qint64 pos = 0;
        auto skipSeparators = [&] {
            while (pos < size && isSeparator(text[pos]))
                ++pos;
        };
        skipSeparators();
        if (pos >= size)
            return false;
        if (text[pos] != '(')
        {
            fail(QStringLiteral("the version member does not start with a record"));
            return false;
        }
        ++pos;

        while (true)
        {
            skipSeparators();
            if (pos >= size)
                return false;
            if (text[pos] == ')')
            {
                if (m_id.isEmpty())
                {
                    fail(QStringLiteral("the version record has no id"));
                    return false;
                }
                m_state = State::Found;
                return true;
            }
            if (text[pos] == '#')
                ++pos;
            const qint64 keyStart = pos;
            while (pos < size && !isSeparator(text[pos]) && text[pos] != '\'' && text[pos] != '(' && text[pos] != ')')
                ++pos;
            if (pos >= size)
                return false;
            const QByteArray key = text.mid(keyStart, pos - keyStart);
            skipSeparators();
            if (pos >= size)
                return false;

            if (text[pos] == '\'')
            {
                QByteArray value;
                ++pos;
                while (true)
                {
                    const qint64 quote = text.indexOf('\'', pos);
                    if (quote < 0)
                        return false; // the string continues beyond what we have
                    value.append(text.constData() + pos, quote - pos);
                    pos = quote + 1;
                    if (pos >= size)
                        return false; // cannot tell '' from the end of the string yet
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
                        fail(QStringLiteral("the version's id '%1' is not a UUID").arg(m_id.left(64)));
                        return false;
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
                    return true;
                }
            }
            else if (text[pos] == '(')
            {
                if (!m_id.isEmpty())
                {
                    m_state = State::Found; // the ancestors: the root's own fields are behind us
                    return true;
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
                    return false;
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
