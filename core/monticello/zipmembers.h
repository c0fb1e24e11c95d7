#pragma once

#include <functional>
#include <memory>

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include "../util/result.h"
#include "mczlimits.h"

typedef struct zip zip_t;

namespace TwinTrunk::Monticello
{
    // Why a member name is refused (absolute, '..', backslash, drive letter, control character),
    // or an empty string when it is acceptable.
    QString unsafeMemberNameReason(const QString &name);

    // One member of a zip archive as its central directory declares it.
    struct ZipEntry
    {
        QString name;             // decoded from the raw name bytes (see decodeText)
        bool isDirectory = false; // "dir/": carries no data
        bool deflated = false;    // else stored
        qint64 declaredSize = 0;  // uncompressed, as declared: older Squeak versions wrote it wrong
        qint64 compressedSize = 0;
        quint32 crc32 = 0; // as declared
    };

    // A zip archive read the way Info-ZIP (`unzip -t`) and Monticello read it. libzip parses the
    // structure (central directory, local headers, zip64, data descriptors) and checks its
    // consistency; each member's data is inflated here with zlib from the compressed bytes libzip
    // hands over, in pieces, so that:
    // - the CRC-32 is checked over the data actually inflated, whatever size the header declares
    //   (libzip refuses a member whose declared size is wrong even when its CRC matches);
    // - the limits apply to the actual size, and memory stays bounded by one piece;
    // - a caller that only needs a hash or a check never holds a whole member.
    // Opening refuses what a hostile archive could use: unsafe or duplicate member names,
    // encryption, compression methods other than store and deflate, too many entries.
    class ZipMembers final
    {
    public:
        static Result<ZipMembers> openFile(const QString &path, const MczLimits &limits = {});
        static Result<ZipMembers> openBytes(const QByteArray &bytes, const QString &where, const MczLimits &limits = {});
        ~ZipMembers();
        ZipMembers(ZipMembers &&) noexcept;
        ZipMembers &operator=(ZipMembers &&) noexcept;

        const QList<ZipEntry> &entries() const { return m_entries; }
        QString where() const { return m_where; }

        // Receives inflated data in pieces; return false to stop (the member is then not checked).
        using Sink = std::function<bool(QByteArrayView piece)>;

        // Inflates entry `index` into `sink`, checking its CRC-32 over the data inflated and the
        // limits (per member, per archive, compression ratio) on the actual size. A member whose
        // declared size is wrong but whose CRC matches reads, with a warning in warnings().
        // Returns the number of bytes inflated.
        Result<qint64> read(qsizetype index, const Sink &sink);
        // The whole member in memory (for the small metadata members).
        Result<QByteArray> readAll(qsizetype index);

        // What did not stop a read but is worth saying (a wrong declared size).
        const QStringList &warnings() const { return m_warnings; }

    private:
        ZipMembers() = default;
        static Result<ZipMembers> open(zip_t *archive, const QString &where, const MczLimits &limits);
        QString memberWhere(qsizetype index) const;

        struct ArchiveCloser
        {
            void operator()(zip_t *archive) const;
        };
        std::unique_ptr<zip_t, ArchiveCloser> m_archive;
        QByteArray m_bytes; // openBytes: libzip reads from these, so they live as long as the archive
        QString m_where;
        MczLimits m_limits;
        QList<ZipEntry> m_entries;
        qint64 m_totalInflated = 0;
        QStringList m_warnings;
    };
}
