#include "nginxserver.h"

#include <QCryptographicHash>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>

#if defined(Q_OS_UNIX)
#include <csignal>
#include <unistd.h>
#endif

namespace TwinTrunk::Test
{
    namespace
    {
        bool runningAsRoot()
        {
#if defined(Q_OS_UNIX)
            return ::geteuid() == 0;
#else
            return false;
#endif
        }

        int freeLoopbackPort()
        {
            QTcpServer probe;
            if (!probe.listen(QHostAddress::LocalHost, 0))
                return 0;
            return probe.serverPort();
        }

        bool writeFile(const QString &path, const QByteArray &bytes)
        {
            QFile file(path);
            return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(bytes) == bytes.size();
        }

        const QFile::Permissions openFolder = QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadGroup | QFile::WriteGroup | QFile::ExeGroup
            | QFile::ReadOther | QFile::WriteOther | QFile::ExeOther;
        const QFile::Permissions readableFile = QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther;
    }

    NginxServer::NginxServer(const QString &directory) : m_directory(QDir(directory).absolutePath())
    {}

    QUrl NginxServer::baseUrl() const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1/").arg(m_port));
    }

    QString NginxServer::rootDirectory() const
    {
        return QDir(m_directory).filePath(QStringLiteral("root"));
    }

    QString NginxServer::errorLog() const
    {
        return QDir(m_directory).filePath(QStringLiteral("logs/error.log"));
    }

    qint64 NginxServer::pid() const
    {
        QFile file(pidFile());
        if (!file.open(QIODevice::ReadOnly))
            return 0;
        return file.readAll().trimmed().toLongLong();
    }

    bool NginxServer::isRunning() const
    {
#if defined(Q_OS_UNIX)
        const qint64 process = pid();
        return process > 0 && ::kill(pid_t(process), 0) == 0;
#else
        return false;
#endif
    }

    bool NginxServer::writeConfig()
    {
        const QDir dir(m_directory);
        for (const QString &sub : {QStringLiteral("conf"), QStringLiteral("logs"), QStringLiteral("root"), QStringLiteral("tmp")})
        {
            if (!dir.mkpath(sub))
            {
                m_lastError = QStringLiteral("cannot create %1").arg(dir.filePath(sub));
                return false;
            }
        }
        // {SHA} is one of the password schemes nginx's auth_basic_user_file understands.
        const QByteArray hash = QCryptographicHash::hash(m_options.password.toUtf8(), QCryptographicHash::Sha1).toBase64();
        if (!writeFile(dir.filePath(QStringLiteral("conf/htpasswd")), m_options.user.toUtf8() + ":{SHA}" + hash + '\n'))
            return false;

        if (!m_options.proxyTo.isEmpty())
            return writeProxyConfig();
        const QString http = QStringLiteral(R"(    default_type application/octet-stream;
    # Reads are anonymous, writes need the password (Squeak sends it with every request anyway).
    map $request_method $realm { GET off; HEAD off; default "Monticello"; }
    # SqueakSource refuses to reuse a name; stock nginx would overwrite it silently.
    map $request_method $put_target { PUT $request_filename; default /nonexistent/.never; }
    server {
        listen 127.0.0.1:%2;
        root %1/root;
        autoindex on;
        autoindex_exact_size on;
        location / {
            auth_basic $realm;
            auth_basic_user_file %1/conf/htpasswd;
            dav_methods %3;
            %4
            create_full_put_path on;
            dav_access user:rw group:r all:r;
            if (-e $put_target) { return 409; }
        }
    }
)")
                                 .arg(m_directory)
                                 .arg(m_port)
                                 .arg(m_options.allowDelete ? QStringLiteral("PUT DELETE") : QStringLiteral("PUT"))
                                 .arg(m_options.propfind ? QStringLiteral("dav_ext_methods PROPFIND OPTIONS;") : QString());
        const QString modules = m_options.propfind ? QStringLiteral("load_module /usr/lib/nginx/modules/ngx_http_dav_ext_module.so;") : QString();
        if (!writeFile(dir.filePath(QStringLiteral("conf/nginx.conf")),
                configuration(QStringLiteral("a stand-in for a SqueakSource server"), modules, http).toUtf8()))
        {
            m_lastError = QStringLiteral("cannot write the configuration");
            return false;
        }

        const QJsonObject state{{QStringLiteral("port"), m_port}, {QStringLiteral("user"), m_options.user}, {QStringLiteral("password"), m_options.password}};
        return writeFile(dir.filePath(QStringLiteral("server.json")), QJsonDocument(state).toJson());
    }

    QString NginxServer::configuration(const QString &purpose, const QString &modules, const QString &http) const
    {
        return QStringLiteral(R"(# Written by TwinTrunk's tests: %2.
%3
daemon on;
pid %1/nginx.pid;
error_log %1/logs/error.log warn;
worker_processes 1;
events { worker_connections 256; }
http {
    access_log %1/logs/access.log;
    # Uploads land in a temporary file on the same filesystem as the root, then are renamed:
    # a PUT is never visible half-written.
    client_body_temp_path %1/tmp/body;
    proxy_temp_path %1/tmp/proxy;
    fastcgi_temp_path %1/tmp/fastcgi;
    uwsgi_temp_path %1/tmp/uwsgi;
    scgi_temp_path %1/tmp/scgi;
    client_max_body_size 512m;
%4}
)")
            .arg(m_directory, purpose, modules, http);
    }

    bool NginxServer::writeProxyConfig()
    {
        const QDir dir(m_directory);
        if (!writeFile(upstreamFile(), QStringLiteral("server %1;\n").arg(m_options.proxyTo).toUtf8()))
        {
            m_lastError = QStringLiteral("cannot write %1").arg(upstreamFile());
            return false;
        }
        const QString http = QStringLiteral(R"(    # What a repoint rewrites: "server HOST:PORT;", read again on SIGHUP.
    upstream twintrunk_primary { include %1; }
    server {
        listen 127.0.0.1:%2;
        location / {
            proxy_pass http://twintrunk_primary;
            proxy_connect_timeout 2s;
        }
    }
)")
                                 .arg(upstreamFile())
                                 .arg(m_port);
        if (!writeFile(dir.filePath(QStringLiteral("conf/nginx.conf")),
                configuration(QStringLiteral("the public URL in front of the primary"), QString(), http).toUtf8()))
        {
            m_lastError = QStringLiteral("cannot write the configuration");
            return false;
        }
        const QJsonObject state{{QStringLiteral("port"), m_port}, {QStringLiteral("proxyTo"), m_options.proxyTo}};
        return writeFile(dir.filePath(QStringLiteral("server.json")), QJsonDocument(state).toJson());
    }

    QString NginxServer::upstreamFile() const
    {
        return QDir(m_directory).filePath(QStringLiteral("conf/upstream.conf"));
    }

    QString NginxServer::pidFile() const
    {
        return QDir(m_directory).filePath(QStringLiteral("nginx.pid"));
    }

    bool NginxServer::start()
    {
        return start(Options{});
    }

    bool NginxServer::start(const Options &options)
    {
        m_options = options;
        if (isRunning())
            stop();
        // Every run starts from an empty server: nothing from an earlier run may satisfy a test.
        QDir(m_directory).removeRecursively();
        for (int attempt = 0; attempt < 5; ++attempt)
        {
            m_port = freeLoopbackPort();
            if (m_port == 0 || !writeConfig())
                continue;
            QStringList command{QStringLiteral("nginx"), QStringLiteral("-p"), m_directory, QStringLiteral("-c"),
                QDir(m_directory).filePath(QStringLiteral("conf/nginx.conf")), QStringLiteral("-e"), errorLog()};
            if (runningAsRoot())
            {
                // Never serve as root: hand the state folder to nobody and drop privileges.
                QProcess::execute(QStringLiteral("chown"), {QStringLiteral("-R"), QStringLiteral("nobody:nogroup"), m_directory});
                command = QStringList{QStringLiteral("setpriv"), QStringLiteral("--reuid=nobody"), QStringLiteral("--regid=nogroup"),
                              QStringLiteral("--clear-groups")}
                    + command;
            }
            QProcess process;
            process.setProcessChannelMode(QProcess::MergedChannels);
            process.start(command.takeFirst(), command);
            if (!process.waitForFinished(20000) || process.exitCode() != 0)
            {
                m_lastError = QStringLiteral("nginx did not start: %1").arg(QString::fromLocal8Bit(process.readAll()));
                continue;
            }
            if (waitUntilListening(10000))
                return true;
            m_lastError = QStringLiteral("nginx is not accepting connections on port %1").arg(m_port);
            stop();
        }
        return false;
    }

    bool NginxServer::restart()
    {
        QStringList command{QStringLiteral("nginx"), QStringLiteral("-p"), m_directory, QStringLiteral("-c"),
            QDir(m_directory).filePath(QStringLiteral("conf/nginx.conf")), QStringLiteral("-e"), errorLog()};
        if (runningAsRoot())
            command =
                QStringList{QStringLiteral("setpriv"), QStringLiteral("--reuid=nobody"), QStringLiteral("--regid=nogroup"), QStringLiteral("--clear-groups")}
                + command;
        QProcess process;
        process.start(command.takeFirst(), command);
        return process.waitForFinished(20000) && process.exitCode() == 0 && waitUntilListening(10000);
    }

    bool NginxServer::waitUntilListening(int milliseconds) const
    {
        QDeadlineTimer deadline(milliseconds);
        while (!deadline.hasExpired())
        {
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, quint16(m_port));
            if (socket.waitForConnected(500))
                return true;
            QThread::msleep(50);
        }
        return false;
    }

    bool NginxServer::stop()
    {
#if defined(Q_OS_UNIX)
        const qint64 process = pid();
        if (process <= 0)
            return true;
        ::kill(pid_t(process), SIGQUIT);
        QDeadlineTimer deadline(10000);
        while (::kill(pid_t(process), 0) == 0 && !deadline.hasExpired())
            QThread::msleep(20);
        if (::kill(pid_t(process), 0) == 0)
        {
            ::kill(pid_t(process), SIGKILL);
            QThread::msleep(100);
        }
        QFile::remove(QDir(m_directory).filePath(QStringLiteral("nginx.pid")));
        return ::kill(pid_t(process), 0) != 0;
#else
        return true;
#endif
    }

    namespace
    {
        bool signalGroup(qint64 leader, int signal)
        {
#if defined(Q_OS_UNIX)
            return leader > 0 && ::kill(-pid_t(leader), signal) == 0;
#else
            Q_UNUSED(leader);
            Q_UNUSED(signal);
            return false;
#endif
        }
    }

    bool NginxServer::crash()
    {
#if defined(Q_OS_UNIX)
        if (!signalGroup(pid(), SIGKILL))
            return false;
        // The killed master is reaped by init, perhaps late: its port closing is what tells it is gone.
        QDeadlineTimer deadline(5000);
        while (!deadline.hasExpired())
        {
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, quint16(m_port));
            if (!socket.waitForConnected(200))
                return true;
            QThread::msleep(20);
        }
#endif
        return false;
    }

    bool NginxServer::pause()
    {
#if defined(Q_OS_UNIX)
        return signalGroup(pid(), SIGSTOP);
#else
        return false;
#endif
    }

    bool NginxServer::resume()
    {
#if defined(Q_OS_UNIX)
        return signalGroup(pid(), SIGCONT);
#else
        return false;
#endif
    }

    bool NginxServer::load()
    {
        QFile file(QDir(m_directory).filePath(QStringLiteral("server.json")));
        if (!file.open(QIODevice::ReadOnly))
        {
            m_lastError = QStringLiteral("no server.json in %1: was the fixture started?").arg(m_directory);
            return false;
        }
        const QJsonObject state = QJsonDocument::fromJson(file.readAll()).object();
        m_port = state.value(QStringLiteral("port")).toInt();
        m_options.user = state.value(QStringLiteral("user")).toString();
        m_options.password = state.value(QStringLiteral("password")).toString();
        return m_port > 0;
    }

    bool NginxServer::createProject(const QString &project) const
    {
        const QString path = QDir(rootDirectory()).filePath(project);
        return QDir().mkpath(path) && QFile::setPermissions(path, openFolder);
    }

    bool NginxServer::seed(const QString &project, const QList<std::pair<QString, QByteArray>> &files) const
    {
        if (!createProject(project))
            return false;
        for (const auto &[name, bytes] : files)
        {
            const QString path = QDir(QDir(rootDirectory()).filePath(project)).filePath(name);
            if (!writeFile(path, bytes) || !QFile::setPermissions(path, readableFile))
                return false;
        }
        return true;
    }

    NginxServer fixtureServer(const QString &name)
    {
        const QString parent = qEnvironmentVariable("TWINTRUNK_TEST_SERVERS");
        NginxServer server(QDir(parent).filePath(name));
        if (parent.isEmpty() || !server.load())
            qFatal("test server '%s' is not running: %s", qPrintable(name), qPrintable(server.lastError()));
        return server;
    }
}
