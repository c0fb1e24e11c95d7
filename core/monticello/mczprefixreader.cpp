#include "mczprefixreader.h"

#include <zlib.h>

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
        m_error = Error{.message = message, .kind = Error::Kind::Invalid};
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
        if (m_state != State::NeedMore)
            return m_state;
        // The id may already be read, with the author still ahead: the id is what matters.
        if (m_scanner.finish() == VersionRecordScanner::State::Found)
            return m_state = State::Found;
        return fail(QStringLiteral("the file ended before the version's id"));
    }

    MczPrefixReader::State MczPrefixReader::advance()
    {
        while (m_state == State::NeedMore)
        {
            if (m_inVersion)
            {
                if (!inflateAvailable(m_dataOffset))
                    return m_state;
                if (m_scanner.state() == VersionRecordScanner::State::NeedMore && m_inflater && m_inflater->ended)
                    m_scanner.finish();
                if (m_scanner.state() == VersionRecordScanner::State::NeedMore && m_scanner.bytesScanned() > MaxVersionTextBytes)
                    return fail(QStringLiteral("no id in the first %1 bytes of the version member").arg(MaxVersionTextBytes));
                switch (m_scanner.state())
                {
                case VersionRecordScanner::State::NeedMore: return m_state; // need more input
                case VersionRecordScanner::State::Found: m_state = State::Found; return m_state;
                case VersionRecordScanner::State::Failed: return fail(m_scanner.error());
                }
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
            qint64 take = std::min(available, MaxVersionTextBytes + 1 - m_scanner.bytesScanned());
            if (m_compressedSize > 0)
                take = std::min(take, m_compressedSize - m_inflateInput);
            m_scanner.feed(QByteArrayView(m_buffer.constData() + dataStart + m_inflateInput, take));
            m_inflateInput += available;
            return true;
        }
        if (m_inflater->ended)
            return true;
        z_stream &stream = m_inflater->stream;
        stream.next_in = reinterpret_cast<Bytef *>(m_buffer.data() + dataStart + m_inflateInput);
        stream.avail_in = uInt(std::min<qint64>(available, 1 << 30));
        char out[16384];
        while (stream.avail_in > 0 && m_scanner.state() == VersionRecordScanner::State::NeedMore && m_scanner.bytesScanned() <= MaxVersionTextBytes)
        {
            stream.next_out = reinterpret_cast<Bytef *>(out);
            stream.avail_out = sizeof out;
            const int status = inflate(&stream, Z_NO_FLUSH);
            m_scanner.feed(QByteArrayView(out, qsizetype(sizeof out - stream.avail_out)));
            if (status == Z_STREAM_END)
            {
                m_inflater->ended = true;
                break;
            }
            if (status == Z_BUF_ERROR && stream.avail_out != 0)
                break;
            if (status != Z_OK && status != Z_BUF_ERROR)
            {
                fail(QStringLiteral("the version member's data is corrupt (zlib: %1)").arg(QString::fromLatin1(stream.msg ? stream.msg : "error")));
                return false;
            }
        }
        m_inflateInput = m_buffer.size() - dataStart - stream.avail_in;
        return true;
    }
}
