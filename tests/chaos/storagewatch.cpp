#include "storagewatch.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>

#include "util/sha256.h"

#if defined(Q_OS_UNIX)
#include <sys/stat.h>
#endif

namespace TwinTrunk::Chaos
{
    StorageWatch::Seen fileIdentity(const QString &path)
    {
        StorageWatch::Seen seen;
#if defined(Q_OS_UNIX)
        struct stat status
        {};
        if (::stat(QFile::encodeName(path).constData(), &status) != 0)
            return seen;
        seen.inode = quint64(status.st_ino);
        seen.size = qint64(status.st_size);
        seen.modifiedMs = qint64(status.st_mtim.tv_sec) * 1000 + status.st_mtim.tv_nsec / 1000000;
#else
        // The fault run needs nginx and POSIX signals: it only runs where Q_OS_UNIX holds.
        Q_UNUSED(path);
#endif
        return seen;
    }

    QByteArray fileSha256(const QString &path)
    {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return QByteArray();
        Sha256 hash;
        hash.addData(file.readAll());
        return hash.hexResult();
    }

    StorageWatch::StorageWatch(QHash<QString, QString> roots, QObject *parent) : QObject(parent), m_roots(std::move(roots))
    {
        connect(&m_timer, &QTimer::timeout, this, &StorageWatch::scan);
    }

    void StorageWatch::start(int intervalMs)
    {
        scan();
        m_timer.start(intervalMs);
    }

    void StorageWatch::stop()
    {
        m_timer.stop();
    }

    void StorageWatch::scan()
    {
        ++m_scans;
        QSet<QString> present;
        for (auto root = m_roots.cbegin(); root != m_roots.cend(); ++root)
        {
            const QDir base(root.value());
            QDirIterator files(root.value(), {QStringLiteral("*.mcz")}, QDir::Files, QDirIterator::Subdirectories);
            while (files.hasNext())
            {
                const QString path = files.next();
                const QString relative = base.relativeFilePath(path);
                present.insert(key(root.key(), relative));
                record(root.key(), relative, path, false);
            }
        }
        for (auto seen = m_seen.cbegin(); seen != m_seen.cend(); ++seen)
        {
            if (!present.contains(seen.key()))
            {
                const QString violation = QStringLiteral("deleted: %1").arg(seen.key());
                if (!m_violations.contains(violation))
                    m_violations.append(violation);
            }
        }
    }

    void StorageWatch::acceptChange(const QString &server, const QString &path)
    {
        record(server, QDir(m_roots.value(server)).relativeFilePath(path), path, true);
    }

    void StorageWatch::recheck(const QString &server, const QString &path)
    {
        record(server, QDir(m_roots.value(server)).relativeFilePath(path), path, false);
    }

    void StorageWatch::record(const QString &server, const QString &relativePath, const QString &path, bool accepted)
    {
        const Seen now = fileIdentity(path);
        if (now.inode == 0)
            return; // gone between the listing and the stat: the next pass reports it
        const QString name = key(server, relativePath);
        auto known = m_seen.find(name);
        if (known == m_seen.end())
        {
            Seen first = now;
            first.sha256 = fileSha256(path);
            m_seen.insert(name, first);
            return;
        }
        if (known->inode == now.inode && known->size == now.size && known->modifiedMs == now.modifiedMs)
            return;
        const QByteArray bytes = fileSha256(path);
        if (!accepted && (known->inode != now.inode || bytes != known->sha256))
        {
            m_violations.append(QStringLiteral("replaced: %1 (inode %2 -> %3, SHA-256 %4 -> %5)")
                                    .arg(name)
                                    .arg(known->inode)
                                    .arg(now.inode)
                                    .arg(QString::fromLatin1(known->sha256.left(12)), QString::fromLatin1(bytes.left(12))));
        }
        Seen updated = now;
        updated.sha256 = bytes;
        *known = updated;
    }
}
