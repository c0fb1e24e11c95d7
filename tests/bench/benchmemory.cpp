// twintrunk_benchmemory DIR (--deep N | --wide K --records R): writes versions whose `version`
// member is a single ancestry chain N (or R) records deep, about 150 bytes a record: the inputs of
// the memory figures in tests/bench/run.sh (inspect of a 300,000-deep ancestry, a 45 MB member;
// a sync of four archives whose version members inflate to 63 MB each, 2.3 MB on the wire).

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QTextStream>

#include "monticello/mczarchive.h"
#include "monticello/mczversion.h"
#include "testsupport.h"

using namespace TwinTrunk;

namespace
{
    bool writeChain(const QString &directory, const QString &package, int depth, QTextStream &err)
    {
        const QByteArray member = Test::deepChainMember(depth, package, QStringLiteral("tt"));
        Result<QByteArray> bytes = Monticello::MczArchive::write(
            {{QStringLiteral("package"), Monticello::serializePackageMember(package)}, {QStringLiteral("version"), member},
                {QStringLiteral("snapshot/source.st"),
                    "Object subclass: #Deep\r\tinstanceVariableNames: ''\r\tclassVariableNames: ''\r\tpoolDictionaries: ''\r\tcategory: 'Deep'!\r"}},
            QDateTime(QDate(2021, 2, 1), QTime(13, 2), Qt::UTC));
        if (!bytes)
        {
            err << bytes.error().toString() << '\n';
            return false;
        }
        QFile file(QDir(directory).filePath(QStringLiteral("%1-tt.%2.mcz").arg(package).arg(depth)));
        return file.open(QIODevice::WriteOnly) && file.write(bytes.value()) == bytes->size();
    }
}

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout), err(stderr);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({QStringLiteral("deep"), QStringLiteral("One version N records deep."), QStringLiteral("N"), QStringLiteral("0")});
    parser.addOption({QStringLiteral("wide"), QStringLiteral("K versions of different packages."), QStringLiteral("K"), QStringLiteral("0")});
    parser.addOption({QStringLiteral("records"), QStringLiteral("Records per wide version."), QStringLiteral("R"), QStringLiteral("420000")});
    parser.addPositionalArgument(QStringLiteral("DIR"), QStringLiteral("Where to write them."));
    parser.process(app);
    if (parser.positionalArguments().size() != 1)
        parser.showHelp(2);
    const QString directory = parser.positionalArguments().first();
    QDir().mkpath(directory);
    if (const int deep = parser.value(QStringLiteral("deep")).toInt(); deep > 0 && !writeChain(directory, QStringLiteral("Deep"), deep, err))
        return 1;
    for (int i = 1; i <= parser.value(QStringLiteral("wide")).toInt(); ++i)
    {
        if (!writeChain(directory, QStringLiteral("Wide%1").arg(i), parser.value(QStringLiteral("records")).toInt(), err))
            return 1;
    }
    for (const QFileInfo &file : QDir(directory).entryInfoList(QDir::Files, QDir::Name))
        out << file.fileName() << ' ' << file.size() << '\n';
    return 0;
}
