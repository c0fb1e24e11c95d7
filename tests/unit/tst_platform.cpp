#include <QDir>
#include <QTemporaryDir>
#include <QTest>
#include <QThreadPool>

#include <atomic>

#include "testsupport.h"
#include "util/platform.h"

using namespace TwinTrunk;

class TestPlatform final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void renameNoReplaceNeverReplaces()
    {
        QTemporaryDir dir;
        const QString target = dir.filePath(QStringLiteral("Kernel-eem.1.mcz")), incoming = dir.filePath(QStringLiteral("incoming.part"));
        Test::writeFile(target, "the version already there");
        Test::writeFile(incoming, "another version under the same name");
        bool existed = false;
        QVERIFY(!Platform::renameNoReplace(incoming, target, &existed));
        QVERIFY(existed);
        QCOMPARE(Test::readFile(target), QByteArray("the version already there"));
        QCOMPARE(Test::readFile(incoming), QByteArray("another version under the same name"));

        const QString free = dir.filePath(QStringLiteral("Kernel-eem.2.mcz"));
        QVERIFY(Platform::renameNoReplace(incoming, free, &existed));
        QVERIFY(!existed);
        QVERIFY(!QFile::exists(incoming));
        QCOMPARE(Test::readFile(free), QByteArray("another version under the same name"));
    }

    void racingWritersLeaveExactlyOneIntactFile()
    {
        for (int round = 0; round < 20; ++round)
        {
            QTemporaryDir dir;
            const QString target = dir.filePath(QStringLiteral("Race-x.1.mcz"));
            const int writers = 16;
            for (int i = 0; i < writers; ++i)
                Test::writeFile(dir.filePath(QStringLiteral("w%1.part").arg(i)), QByteArray(4096, char('a' + i)));
            std::atomic<int> won{0};
            QThreadPool pool;
            pool.setMaxThreadCount(writers);
            for (int i = 0; i < writers; ++i)
            {
                pool.start([&, i] {
                    if (Platform::renameNoReplace(dir.filePath(QStringLiteral("w%1.part").arg(i)), target))
                        ++won;
                });
            }
            pool.waitForDone();
            QCOMPARE(won.load(), 1);
            const QByteArray landed = Test::readFile(target);
            QCOMPARE(landed, QByteArray(4096, landed.at(0))); // one writer's bytes, whole, never mixed
            QCOMPARE(QDir(dir.path()).entryList({QStringLiteral("*.part")}, QDir::Files).size(), writers - 1);
        }
    }
};

QTEST_GUILESS_MAIN(TestPlatform)
#include "tst_platform.moc"
