#pragma once

#include <QString>
#include <QUrl>

namespace TwinTrunk::Test
{
    // A real nginx on 127.0.0.1, configured like a SqueakSource server: an autoindex listing per
    // project folder, PUT with Basic auth, an existing name refused with 409 (stock nginx would
    // overwrite), Range and ETag support. It runs unprivileged (as nobody when the tests run as
    // root), daemonized with a pid file, so a ctest fixture can start it in one process and stop
    // it in another. State lives in `directory`: conf/, logs/, root/ (the projects), server.json.
    class NginxServer final
    {
    public:
        struct Options
        {
            QString user = QStringLiteral("squeak");
            QString password = QStringLiteral("squeak");
            bool allowDelete = false; // SqueakSource never lets a name be reused
            bool propfind = false;    // PROPFIND/OPTIONS (libnginx-mod-http-dav-ext): rclone's webdav needs them
            // Not a repository but a front proxy (the public URL of a repoint): everything goes to
            // the upstream in upstreamFile(), which starts as "server <proxyTo>;" (host:port).
            QString proxyTo;
        };

        explicit NginxServer(const QString &directory);

        // Starts a new server on a free port (stopping a leftover one in the same directory).
        bool start(const Options &options);
        bool start();
        // Starts it again after stop(), on the same port with the same files (a server back up).
        bool restart();
        // Stops it and waits until the process is gone; true when nothing is left running.
        bool stop();
        // Faults a real server has on a bad day, for the fault run (tests/chaos). nginx daemonizes
        // into a process group of its own (master and workers), so each signal goes to the group:
        // killing the master alone would leave its workers serving.
        // A crash: SIGKILL, no graceful shutdown; true once the port refuses connections.
        bool crash();
        // A stall (SIGSTOP): connections are accepted by the kernel and never answered.
        bool pause();
        bool resume();
        // Reads server.json written by start(), for tests running in another process.
        bool load();

        bool isRunning() const;
        int port() const { return m_port; }
        QUrl baseUrl() const;
        QString rootDirectory() const;
        QString user() const { return m_options.user; }
        QString password() const { return m_options.password; }
        QString errorLog() const;
        // A front proxy's include file: the upstream it forwards to (see Options::proxyTo).
        QString upstreamFile() const;
        QString pidFile() const;
        QString lastError() const { return m_lastError; }

        // Puts files into a project folder directly on disk (as the server's own storage), with
        // permissions that let the unprivileged server add files beside them.
        bool seed(const QString &project, const QList<std::pair<QString, QByteArray>> &files) const;
        // Creates an empty project folder the server can write into.
        bool createProject(const QString &project) const;

    private:
        bool writeConfig();
        bool writeProxyConfig();
        // nginx.conf: the daemon, its pid, logs and temporary files under the state folder, and `http`.
        QString configuration(const QString &purpose, const QString &modules, const QString &http) const;
        bool waitUntilListening(int milliseconds) const;
        qint64 pid() const;

        QString m_directory;
        Options m_options;
        int m_port = 0;
        QString m_lastError;
    };

    // The servers a ctest fixture started: TWINTRUNK_TEST_SERVERS names their parent folder.
    NginxServer fixtureServer(const QString &name);
}
