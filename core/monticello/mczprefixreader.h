#pragma once

#include <memory>

#include <QByteArray>
#include <QString>

#include "util/error.h"
#include "versionrecordscanner.h"

namespace TwinTrunk::Monticello
{
    // Learns a version's name, id, author and date from the start of its .mcz, fed in pieces as they arrive
    // (a Range request, a streamed GET, the head of a local file). Monticello writes `package`
    // then `version` first and the version record starts with name, message and id, so a few
    // kilobytes usually suffice for a 900 KB file. Walks the zip's local file headers, inflates
    // the `version` member incrementally, and scans its root record (VersionRecordScanner), never
    // the whole ancestry.
    class MczPrefixReader final
    {
    public:
        enum class State
        {
            NeedMore, // feed more bytes
            Found,    // name() and id() are known; author() and authoredAt() when the record has them
            Failed,   // the prefix cannot give the identity: error() says why (use the whole file)
        };

        // How many members to walk past before the version member, and how much of that member to
        // inflate: a probe that needs more reads the whole file instead (its check has no limit).
        static constexpr int MaxMembersBeforeVersion = 16;
        static constexpr qint64 MaxVersionTextBytes = 1024 * 1024;

        MczPrefixReader();
        ~MczPrefixReader();
        MczPrefixReader(const MczPrefixReader &) = delete;
        MczPrefixReader &operator=(const MczPrefixReader &) = delete;

        State feed(QByteArrayView bytes);
        // The stream ended: a reader still needing more has failed.
        State finish();

        State state() const { return m_state; }
        QString name() const { return m_scanner.name(); }
        QString id() const { return m_scanner.id(); }
        QString author() const { return m_scanner.author(); }
        QDateTime authoredAt() const { return m_scanner.authoredAt(); }
        const Error &error() const { return m_error; }
        qint64 bytesConsumed() const { return m_buffer.size(); }

    private:
        State advance();
        State fail(const QString &message);
        bool inflateAvailable(qint64 dataStart);

        struct Inflater;
        std::unique_ptr<Inflater> m_inflater;
        QByteArray m_buffer;       // every byte fed so far
        qint64 m_headerOffset = 0; // the local header being looked at
        int m_membersPassed = 0;
        bool m_inVersion = false;
        qint64 m_dataOffset = 0;   // where the current member's data starts
        qint64 m_inflateInput = 0; // how much of that data the inflater has taken
        bool m_stored = false;
        qint64 m_compressedSize = 0;
        VersionRecordScanner m_scanner; // the version member's text, as it inflates
        State m_state = State::NeedMore;
        Error m_error;
    };
}
