// twintrunk_benchcorpus DIR [--trunk T] [--versions N] [--kernels K] [--flat F]: writes a realistic
// corpus of Monticello versions for the benchmarks, deterministic:
// --trunk T: T versions sized like the Squeak trunk's: 30% Kernel-sized (~890 KB files with ~460 KB
//   version members and 1,300+ records of ancestry), the rest from 8 KB to ~290 KB, most small
//   (600 of them: about 195 MB, a mean near 325 KB and a median near 150 KB);
// --versions N: N versions over 40 packages with real ancestry, a few KB to a few hundred KB;
// --kernels K: K Kernel-sized versions;
// --flat F: F small single versions (for listings of tens of thousands of names).

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QTextStream>

#include <cmath>

#include "demo/syntheticversions.h"
#include "monticello/versionname.h"

using namespace TwinTrunk;

namespace
{
    bool write(const QString &directory, const Monticello::MczVersion &version, QTextStream &err)
    {
        auto bytes = version.toBytes();
        if (!bytes)
        {
            err << bytes.error().toString() << '\n';
            return false;
        }
        QFile file(QDir(directory).filePath(Monticello::VersionName::fileNameForInfoName(version.info().name())));
        return file.open(QIODevice::WriteOnly) && file.write(bytes.value()) == bytes->size();
    }

    QString message(QRandomGenerator &random)
    {
        static const QStringList words{QStringLiteral("fix"), QStringLiteral("speed up"), QStringLiteral("class"), QStringLiteral("method"),
            QStringLiteral("merge"), QStringLiteral("inbox"), QStringLiteral("regression"), QStringLiteral("Morph"), QStringLiteral("layout"),
            QStringLiteral("compiler"), QStringLiteral("printString"), QStringLiteral("tests"), QStringLiteral("cleanup"), QStringLiteral("VM")};
        QStringList parts;
        const int length = 8 + int(random.bounded(30));
        for (int i = 0; i < length; ++i)
            parts.append(words.at(int(random.bounded(words.size()))));
        return parts.join(u' ');
    }
}

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout), err(stderr);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({QStringLiteral("trunk"), QStringLiteral("Versions sized like the trunk's."), QStringLiteral("T"), QStringLiteral("0")});
    parser.addOption({QStringLiteral("versions"), QStringLiteral("Ordinary versions."), QStringLiteral("N"), QStringLiteral("0")});
    parser.addOption({QStringLiteral("kernels"), QStringLiteral("Kernel-sized versions."), QStringLiteral("K"), QStringLiteral("0")});
    parser.addOption({QStringLiteral("flat"), QStringLiteral("Small versions without ancestry."), QStringLiteral("F"), QStringLiteral("0")});
    parser.addPositionalArgument(QStringLiteral("DIR"), QStringLiteral("Where to write them."));
    parser.process(app);
    if (parser.positionalArguments().size() != 1)
        parser.showHelp(2);
    const QString directory = parser.positionalArguments().first();
    QDir().mkpath(directory);
    QRandomGenerator random(20131107);
    Demo::SyntheticVersions versions(7);
    const QDateTime start(QDate(2020, 1, 1), QTime(9, 0), Qt::UTC);

    // Ordinary versions: 40 packages, each a chain; sizes vary through padding methods and a
    // binary snapshot of incompressible bytes.
    const int ordinary = parser.value(QStringLiteral("versions")).toInt();
    for (int i = 0; i < ordinary; ++i)
    {
        const QString package = QStringLiteral("Package%1").arg(i % 40, 2, 10, QLatin1Char('0'));
        Demo::SyntheticVersions::Spec spec{package, QStringLiteral("bench"), 1 + i / 40, start.addSecs(qint64(i) * 3600), message(random),
            int(random.bounded(60))};
        Monticello::MczVersion version = versions.next(spec);
        QByteArray snapshot(int(random.bounded(random.bounded(8) == 0 ? 200000 : 30000)), '\0');
        random.fillRange(reinterpret_cast<quint32 *>(snapshot.data()), snapshot.size() / 4);
        version = Monticello::MczVersion::create(package, version.info(), version.sourceSt(), {}, snapshot);
        if (!write(directory, version, err))
            return 1;
    }

    // Trunk-sized: the small ones over 30 packages, a Kernel-sized one every 10 in 3.
    const int trunk = parser.value(QStringLiteral("trunk")).toInt();
    const int trunkKernels = trunk * 3 / 10;
    for (int i = 0; i < trunk - trunkKernels; ++i)
    {
        const QString package = QStringLiteral("Trunk%1").arg(i % 30, 2, 10, QLatin1Char('0'));
        Demo::SyntheticVersions::Spec spec{package, QStringLiteral("ct"), 1 + i / 30, start.addSecs(qint64(i) * 3600), message(random),
            int(random.bounded(40))};
        Monticello::MczVersion version = versions.next(spec);
        // 8 KB to ~290 KB, most small: u^1.8 puts seven in ten under 160 KB.
        const double u = random.generateDouble();
        QByteArray snapshot(int(8 * 1024 + std::pow(u, 1.8) * 280 * 1024), '\0');
        random.fillRange(reinterpret_cast<quint32 *>(snapshot.data()), snapshot.size() / 4);
        version = Monticello::MczVersion::create(package, version.info(), version.sourceSt(), {}, snapshot);
        if (!write(directory, version, err))
            return 1;
    }

    // Kernel-sized versions: one long chain, the last `kernels` of it written.
    const int kernels = parser.value(QStringLiteral("kernels")).toInt() + trunkKernels;
    if (kernels > 0)
    {
        const int depth = 1336 + kernels;
        QByteArray snapshot(793 * 1024, '\0');
        random.fillRange(reinterpret_cast<quint32 *>(snapshot.data()), snapshot.size() / 4);
        for (int i = 1; i <= depth; ++i)
        {
            Demo::SyntheticVersions::Spec spec{QStringLiteral("Kernel"), i % 3 ? QStringLiteral("eem") : QStringLiteral("ul"), i,
                start.addSecs(qint64(i) * 86000), message(random), 0};
            const Monticello::MczVersion version = versions.next(spec);
            if (i > depth - kernels
                && !write(directory, Monticello::MczVersion::create(QStringLiteral("Kernel"), version.info(), version.sourceSt(), {}, snapshot), err))
                return 1;
        }
    }

    const int flat = parser.value(QStringLiteral("flat")).toInt();
    for (int i = 0; i < flat; ++i)
    {
        Monticello::VersionRecord record{Monticello::VersionName::compose(QStringLiteral("Flat%1").arg(i % 300), QStringLiteral("x"), 1 + i / 300),
            QStringLiteral("flat"), versions.newId(), QStringLiteral("1 January 2020"), QStringLiteral("9:00:00 am"), QStringLiteral("x"), {}, {}};
        const auto version = Monticello::MczVersion::create(QStringLiteral("Flat"), Monticello::VersionInfo::single(record), "\"empty\"!\r");
        if (!write(directory, version, err))
            return 1;
    }
    out << QDir(directory).entryList(QDir::Files).size() << " versions in " << directory << '\n';
    return 0;
}
