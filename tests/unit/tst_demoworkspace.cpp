#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include "demo/demoworkspace.h"
#include "monticello/mczversion.h"
#include "monticello/updatemap.h"
#include "monticello/versionname.h"
#include "testsupport.h"

using namespace TwinTrunk;
using namespace TwinTrunk::Monticello;

namespace
{
    // Every file under a folder with a hash of its bytes and its modification time.
    QMap<QString, QByteArray> snapshotOf(const QString &directory)
    {
        QMap<QString, QByteArray> files;
        QDirIterator it(directory, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext())
        {
            const QString path = it.next();
            files.insert(path,
                QCryptographicHash::hash(Test::readFile(path), QCryptographicHash::Sha256)
                    + QByteArray::number(it.fileInfo().lastModified().toMSecsSinceEpoch()));
        }
        return files;
    }

    QMap<QString, QString> idsIn(const QString &projectDir)
    {
        QMap<QString, QString> ids;
        for (const QString &file : QDir(projectDir).entryList({QStringLiteral("*.mcz")}, QDir::Files))
        {
            Result<MczVersion> version = MczVersion::readFile(QDir(projectDir).filePath(file), MczArchive::Members::Metadata);
            if (!version)
                qFatal("%s", qPrintable(version.error().toString()));
            if (VersionName::fileNameForInfoName(version->info().name()) != file)
                qFatal("%s holds %s", qPrintable(file), qPrintable(version->info().name()));
            ids.insert(file, version->info().id());
        }
        return ids;
    }
}

class TestDemoWorkspace final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void createsTwoDivergingServersWithAConflict()
    {
        QTemporaryDir dir;
        Result<Demo::DemoWorkspace> demo = Demo::createDemoWorkspace(dir.filePath(QStringLiteral("demo")));
        QVERIFY2(demo.ok(), qPrintable(demo.ok() ? QString() : demo.error().toString()));
        QVERIFY(demo->versionCount >= 200);
        QCOMPARE(demo->serverNames.size(), 2);

        const QString box2 = QDir(demo->directory).filePath(demo->serverNames.at(0));
        const QString box4 = QDir(demo->directory).filePath(demo->serverNames.at(1));
        int distinct = 0;
        QStringList onlyOn2, onlyOn4, conflicts;
        for (const QString &project : demo->projects)
        {
            const auto a = idsIn(QDir(box2).filePath(project));
            const auto b = idsIn(QDir(box4).filePath(project));
            QVERIFY(!a.isEmpty() && !b.isEmpty());
            QSet<QString> names(a.keyBegin(), a.keyEnd());
            names.unite(QSet<QString>(b.keyBegin(), b.keyEnd()));
            for (const QString &name : names)
            {
                if (!b.contains(name))
                    onlyOn2.append(project + u'/' + name);
                else if (!a.contains(name))
                    onlyOn4.append(project + u'/' + name);
                else if (a.value(name) != b.value(name))
                    conflicts.append(project + u'/' + name);
                distinct += (a.contains(name) && b.contains(name) && a.value(name) != b.value(name)) ? 2 : 1;
            }
        }
        onlyOn2.sort();
        onlyOn4.sort();
        QStringList expected2 = demo->onlyOnPrimary, expected4 = demo->onlyOnSecondary;
        expected2.sort();
        expected4.sort();
        QCOMPARE(onlyOn2, expected2);
        QCOMPARE(onlyOn4, expected4);
        QCOMPARE(conflicts, QStringList{demo->conflictProject + u'/' + demo->conflictFileName});
        QCOMPARE(distinct, demo->versionCount);
    }

    void updateMapNamesVersionsEveryServerHas()
    {
        QTemporaryDir dir;
        Result<Demo::DemoWorkspace> demo = Demo::createDemoWorkspace(dir.path());
        QVERIFY(demo.ok());
        for (const QString &server : demo->serverNames)
        {
            const QString path = QDir(demo->directory).filePath(server + u'/' + demo->updateMap);
            Result<UpdateMap> map = UpdateMap::parse(Test::readFile(path));
            QVERIFY(map.ok());
            QVERIFY(map->dependencies().size() >= 8);
            const auto ids = idsIn(QFileInfo(path).path());
            for (const UpdateMap::Dependency &dependency : map->dependencies())
                QCOMPARE(ids.value(VersionName::fileNameForInfoName(dependency.versionName)), dependency.id);
        }
    }

    void workspaceFileNamesBothServers()
    {
        QTemporaryDir dir;
        Result<Demo::DemoWorkspace> demo = Demo::createDemoWorkspace(dir.path());
        QVERIFY(demo.ok());
        const QJsonObject workspace = QJsonDocument::fromJson(Test::readFile(demo->workspaceFile)).object();
        const QJsonArray servers = workspace.value(QStringLiteral("servers")).toArray();
        QCOMPARE(servers.size(), 2);
        QVERIFY(servers.at(0).toObject().value(QStringLiteral("primary")).toBool());
        QVERIFY(servers.at(1).toObject().value(QStringLiteral("url")).toString().startsWith(QStringLiteral("file:///")));
        QCOMPARE(workspace.value(QStringLiteral("projects")).toArray().size(), 3);
    }

    void anExistingDemoIsLeftUnchanged()
    {
        QTemporaryDir dir;
        QVERIFY(Demo::createDemoWorkspace(dir.path()).ok());
        // A replicated copy added by a user of the demo stays; nothing is rewritten.
        const QString added = dir.filePath(QStringLiteral("box4/trunk/extra-user-file.mcz"));
        QFile file(added);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("user data");
        file.close();
        const auto before = snapshotOf(dir.path());
        QTest::qWait(20);
        Result<Demo::DemoWorkspace> again = Demo::createDemoWorkspace(dir.path());
        QVERIFY(again.ok());
        QCOMPARE(snapshotOf(dir.path()), before);
        QVERIFY(!again->conflictFileName.isEmpty());
    }

    void aFolderThatIsNotADemoIsRefusedAndUntouched()
    {
        QTemporaryDir dir;
        QFile file(dir.filePath(QStringLiteral("notes.txt")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("mine");
        file.close();
        const auto before = snapshotOf(dir.path());
        Result<Demo::DemoWorkspace> demo = Demo::createDemoWorkspace(dir.path());
        QVERIFY(!demo.ok());
        QVERIFY(demo.error().toString().contains(dir.path()));
        QVERIFY(demo.error().message.contains(QStringLiteral("not empty")));
        QCOMPARE(snapshotOf(dir.path()), before);
    }

    void isDeterministic()
    {
        QTemporaryDir one, two;
        Result<Demo::DemoWorkspace> a = Demo::createDemoWorkspace(one.path());
        Result<Demo::DemoWorkspace> b = Demo::createDemoWorkspace(two.path());
        QVERIFY(a.ok() && b.ok());
        QCOMPARE(idsIn(one.filePath(QStringLiteral("box2/trunk"))), idsIn(two.filePath(QStringLiteral("box2/trunk"))));
    }
};

QTEST_GUILESS_MAIN(TestDemoWorkspace)
#include "tst_demoworkspace.moc"
