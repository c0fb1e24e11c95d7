// twintrunk_testserver start|stop DIR NAME... [--propfind]: the ctest fixtures that start the real
// nginx servers the integration tests talk to, and stop them afterwards; the benchmark uses it too
// (--propfind adds the WebDAV methods rclone needs on a destination).

#include <QCoreApplication>
#include <QDir>
#include <QTextStream>

#include "nginxserver.h"

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QTextStream err(stderr);
    const QStringList arguments = QCoreApplication::arguments();
    if (arguments.size() < 4 || (arguments.at(1) != u"start" && arguments.at(1) != u"stop"))
    {
        err << "usage: twintrunk_testserver start|stop DIR NAME...\n";
        return 2;
    }
    const bool starting = arguments.at(1) == u"start";
    const QDir parent(arguments.at(2));
    TwinTrunk::Test::NginxServer::Options options;
    QStringList names = arguments.mid(3);
    options.propfind = names.removeAll(QStringLiteral("--propfind")) > 0;
    int status = 0;
    for (const QString &name : names)
    {
        TwinTrunk::Test::NginxServer server(parent.filePath(name));
        if (starting)
        {
            if (!server.start(options))
            {
                err << "cannot start test server " << name << ": " << server.lastError() << '\n';
                status = 1;
                continue;
            }
            QTextStream(stdout) << name << ' ' << server.baseUrl().toString() << '\n';
        }
        else if (!server.stop())
        {
            err << "test server " << name << " is still running\n";
            status = 1;
        }
    }
    return status;
}
