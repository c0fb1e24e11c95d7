#pragma once

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QTimer>

namespace TwinTrunk::Chaos
{
    // The checker's own eyes on the servers' disks, independent of TwinTrunk's state: it walks
    // each server's project folders every few hundred milliseconds and remembers every file it
    // has seen (inode, size, modification time, SHA-256 at first sight). A file that vanishes or
    // whose identity or bytes change is an overwrite, unless the nemesis changed it on purpose.
    class StorageWatch final : public QObject
    {
        Q_OBJECT

    public:
        struct Seen
        {
            quint64 inode = 0;
            qint64 size = 0;
            qint64 modifiedMs = 0;
            QByteArray sha256;
        };

        // `roots`: server name -> the folder holding its project folders.
        explicit StorageWatch(QHash<QString, QString> roots, QObject *parent = nullptr);

        void start(int intervalMs);
        void stop();
        // One pass now (the final check runs one after everything healed).
        void scan();

        // The nemesis changed this file's bytes in place (a flipped byte): its new identity is the
        // one to keep, and the change is not an overwrite.
        void acceptChange(const QString &server, const QString &path);
        // One file now, as a pass would see it.
        void recheck(const QString &server, const QString &path);

        // "server project/name" -> what was seen.
        const QHash<QString, Seen> &seen() const { return m_seen; }
        bool holds(const QString &server, const QString &relativePath) const { return m_seen.contains(key(server, relativePath)); }
        // Every overwrite or deletion noticed, in words.
        const QStringList &violations() const { return m_violations; }
        int scans() const { return m_scans; }

        static QString key(const QString &server, const QString &relativePath) { return server + u' ' + relativePath; }

    private:
        void record(const QString &server, const QString &relativePath, const QString &path, bool accepted);

        QHash<QString, QString> m_roots;
        QHash<QString, Seen> m_seen;
        QStringList m_violations;
        QTimer m_timer;
        int m_scans = 0;
    };

    // The file's identity as the disk knows it: inode, size, modification time (0s when absent).
    StorageWatch::Seen fileIdentity(const QString &path);
    QByteArray fileSha256(const QString &path);
}
