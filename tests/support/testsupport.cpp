#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QProcess>
#include <QRandomGenerator>
#include <QTest>
#include <QUuid>

#include "demo/demoworkspace.h"
#include "demo/syntheticversions.h"
#include "monticello/mczarchive.h"
#include "monticello/mczversion.h"
#include "monticello/versioninfo.h"
#include "monticello/versionname.h"

namespace TwinTrunk::Test
{
    QString fixturesDir()
    {
        return QStringLiteral(TWINTRUNK_FIXTURES_DIR);
    }

    QString fixturePath(const QString &fileName)
    {
        return QDir(fixturesDir()).filePath(fileName);
    }

    QStringList fixtureFileNames()
    {
        return QDir(fixturesDir()).entryList({QStringLiteral("*.mcz")}, QDir::Files, QDir::Name);
    }

    QByteArray readFile(const QString &path)
    {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            qFatal("cannot read test data %s: %s", qPrintable(path), qPrintable(file.errorString()));
        return file.readAll();
    }

    QList<QJsonObject> expectedFixtures()
    {
        QList<QJsonObject> objects;
        const QList<QByteArray> lines = readFile(fixturePath(QStringLiteral("expected.jsonl"))).split('\n');
        for (const QByteArray &line : lines)
        {
            if (line.trimmed().isEmpty())
                continue;
            QJsonParseError error;
            const QJsonDocument document = QJsonDocument::fromJson(line, &error);
            if (error.error != QJsonParseError::NoError)
                qFatal("expected.jsonl: %s", qPrintable(error.errorString()));
            objects.append(document.object());
        }
        return objects;
    }

    QByteArray fixtureMember(const QString &fileName, const QString &member)
    {
        auto archive = Monticello::MczArchive::readFile(fixturePath(fileName));
        if (!archive)
            qFatal("%s", qPrintable(archive.error().toString()));
        return archive->member(member);
    }

    QString syntheticId(quint64 n)
    {
        const QString hex = QStringLiteral("%1").arg(n, 32, 16, QLatin1Char('0'));
        return hex.mid(0, 8) + u'-' + hex.mid(8, 4) + u'-' + hex.mid(12, 4) + u'-' + hex.mid(16, 4) + u'-' + hex.mid(20, 12);
    }

    QByteArray deepChainMember(int depth, const QString &package, const QString &author)
    {
        QByteArray out;
        for (int level = depth; level >= 1; --level)
        {
            out += "(name '" + (package + u'-' + author + u'.' + QString::number(level)).toUtf8() + "' message 'level " + QByteArray::number(level) + "' id '"
                + syntheticId(quint64(level)).toLatin1() + "' date '1 February 2021' time '1:02:43 pm' author '" + author.toUtf8() + "' ancestors (";
        }
        for (int level = 1; level <= depth; ++level)
            out += ") stepChildren ())";
        return out;
    }
}

namespace TwinTrunk::Test
{
    QByteArray makeVersion(const QString &package, const QString &author, qint64 number, int variant)
    {
        Demo::SyntheticVersions versions(quint32(qHash(package + author) + quint32(number) * 31u + quint32(variant) * 7919u));
        Demo::SyntheticVersions::Spec spec{package, author, number, QDateTime(QDate(2026, 4, 1), QTime(10, 0), Qt::UTC).addSecs(number * 60),
            QStringLiteral("Test version %1 (variant %2)").arg(number).arg(variant), 0};
        auto bytes = versions.next(spec, variant).toBytes();
        if (!bytes)
            qFatal("makeVersion: %s", qPrintable(bytes.error().toString()));
        return bytes.value();
    }

    QByteArray kernelSizedVersion()
    {
        static const QByteArray bytes = [] {
            Demo::SyntheticVersions versions(4242);
            // Commit messages vary like real ones, so the ancestry compresses like a real one (~3:1).
            static const QStringList words{QStringLiteral("fix"), QStringLiteral("class"), QStringLiteral("method"), QStringLiteral("compiler"),
                QStringLiteral("instance"), QStringLiteral("variables"), QStringLiteral("recompile"), QStringLiteral("speed"),
                QStringLiteral("#allInstancesDo:"), QStringLiteral("Behavior"), QStringLiteral("Context"), QStringLiteral("become:"),
                QStringLiteral("primitive"), QStringLiteral("VM"), QStringLiteral("Spur"), QStringLiteral("Cog"), QStringLiteral("trunk"),
                QStringLiteral("inbox"), QStringLiteral("merge"), QStringLiteral("revert"), QStringLiteral("regression"), QStringLiteral("squeak-dev"),
                QStringLiteral("thanks"), QStringLiteral("to"), QStringLiteral("the"), QStringLiteral("a"), QStringLiteral("when"), QStringLiteral("is"),
                QStringLiteral("not"), QStringLiteral("in"), QStringLiteral("of"), QStringLiteral("Integer"), QStringLiteral("Float"),
                QStringLiteral("LargePositiveInteger"), QStringLiteral("hash"), QStringLiteral("printOn:"), QStringLiteral("Process"),
                QStringLiteral("Semaphore"), QStringLiteral("Mutex"), QStringLiteral("Delay")};
            QRandomGenerator random(1336);
            Monticello::MczVersion last;
            const int depth = 1336;
            for (int i = 1; i <= depth; ++i)
            {
                QStringList message;
                const int length = 20 + int(random.bounded(40));
                for (int w = 0; w < length; ++w)
                    message.append(words.at(int(random.bounded(words.size()))) + (random.bounded(9) == 0 ? QStringLiteral(".\r") : QString()));
                Demo::SyntheticVersions::Spec spec{QStringLiteral("Kernel"), i % 3 ? QStringLiteral("eem") : QStringLiteral("ul"), i,
                    QDateTime(QDate(2009, 1, 1), QTime(12, 0), Qt::UTC).addSecs(qint64(i) * 86000), message.join(u' '), 0};
                last = versions.next(spec);
            }
            // An incompressible snapshot.bin stands in for the binary snapshot of a big package.
            QByteArray snapshot(740 * 1024, '\0');
            random.fillRange(reinterpret_cast<quint32 *>(snapshot.data()), snapshot.size() / 4);
            const Monticello::MczVersion kernel = Monticello::MczVersion::create(QStringLiteral("Kernel"), last.info(), last.sourceSt(), {}, snapshot);
            auto written = kernel.toBytes();
            if (!written)
                qFatal("kernelSizedVersion: %s", qPrintable(written.error().toString()));
            return written.value();
        }();
        return bytes;
    }

    void writeFile(const QString &path, const QByteArray &bytes)
    {
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
            qFatal("cannot write %s", qPrintable(path));
    }
}

namespace TwinTrunk::Test
{
    CtlRun runTwinTrunkCtl(const QStringList &arguments, const QString &user, const QString &password)
    {
        QProcess process;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.remove(QStringLiteral("TWINTRUNK_USER"));
        environment.remove(QStringLiteral("TWINTRUNK_PASSWORD"));
        if (!user.isEmpty())
            environment.insert(QStringLiteral("TWINTRUNK_USER"), user);
        if (!password.isEmpty())
            environment.insert(QStringLiteral("TWINTRUNK_PASSWORD"), password);
        process.setProcessEnvironment(environment);
        process.start(qEnvironmentVariable("TWINTRUNKCTL"), arguments);
        // The test's own event loop keeps turning meanwhile: a FaultServer of the test's answers.
        if (!process.waitForStarted(10000) || !QTest::qWaitFor([&process] { return process.state() == QProcess::NotRunning; }, 120000))
            qFatal("twintrunkctl did not finish");
        return CtlRun{process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1, process.readAllStandardOutput(), process.readAllStandardError()};
    }
}

namespace TwinTrunk::Test
{
    QString divergeDemoConflict(const Demo::DemoWorkspace &demo)
    {
        auto fileOn = [&demo](const QString &server, const QString &name) {
            return QDir(demo.directory).filePath(server + u'/' + demo.conflictProject + u'/' + name);
        };
        const Result<Monticello::MczVersion> a = Monticello::MczVersion::readFile(fileOn(QStringLiteral("box2"), demo.conflictFileName));
        if (!a || a->info().root().ancestors.isEmpty())
            qFatal("the demo's conflict has no ancestor");
        const Monticello::VersionRecord parent = a->info().record(a->info().root().ancestors.first());
        const QString parentFile = Monticello::VersionName::fileNameForInfoName(parent.name);
        const Result<Monticello::MczVersion> ancestor = Monticello::MczVersion::readFile(fileOn(QStringLiteral("box2"), parentFile));
        if (!ancestor)
            qFatal("the demo's conflict's ancestor cannot be read");
        Monticello::VersionRecord record;
        record.name = a->info().name();
        record.author = a->info().author();
        record.date = a->info().root().date;
        record.time = a->info().root().time;
        record.message = QStringLiteral("Saved from the ancestor while box2 was unreachable.");
        record.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        const QByteArray ownMethod = "\r!Foo methodsFor: 'demo' stamp: 'mt 1/1/2026 10:00'!\ronlyInB\r\t^ 2! !\r";
        const Monticello::MczVersion b = Monticello::MczVersion::create(a->packageName(), Monticello::VersionInfo::withAncestors(record, {ancestor->info()}),
            ancestor->sourceSt() + ownMethod);
        const QString onBox4 = fileOn(QStringLiteral("box4"), demo.conflictFileName);
        QFile::remove(onBox4);
        writeFile(onBox4, b.toBytes().value());
        return parentFile;
    }
}
