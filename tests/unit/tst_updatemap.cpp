#include <QTest>

#include "monticello/updatemap.h"

using namespace TwinTrunk;
using namespace TwinTrunk::Monticello;

class TestUpdateMap final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void readsRepositoriesAndDependencies()
    {
        const QByteArray map = "(\rname 'update-mt.480'\r"
                               "repository ('http://source.squeak.org/trunk')\r"
                               "dependency ('Kernel' 'Kernel-eem.1234' '91164aff-84e5-4794-96dd-9c44819a988e')\r"
                               "dependency ('Collections' 'Collections-ul.950' '17d935b3-1d9b-4070-99b5-94499e7002e7')\r)\r";
        Result<UpdateMap> parsed = UpdateMap::parse(map);
        QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error().toString()));
        QCOMPARE(parsed->name(), QStringLiteral("update-mt.480"));
        QCOMPARE(parsed->repositories(), QStringList{QStringLiteral("http://source.squeak.org/trunk")});
        QCOMPARE(parsed->dependencies().size(), 2);
        QCOMPARE(parsed->dependencies().at(1).package, QStringLiteral("Collections"));
        QCOMPARE(parsed->dependencies().at(1).versionName, QStringLiteral("Collections-ul.950"));
        QCOMPARE(parsed->dependencies().at(1).id, QStringLiteral("17d935b3-1d9b-4070-99b5-94499e7002e7"));
    }

    void withoutNameAndWithLfLineEnds()
    {
        Result<UpdateMap> parsed =
            UpdateMap::parse("(\nrepository ('http://a/trunk' 'http://b/trunk')\ndependency ('X' 'X-a.1' '91164aff-84e5-4794-96dd-9c44819a988e')\n)\n");
        QVERIFY(parsed.ok());
        QVERIFY(parsed->name().isEmpty());
        QCOMPARE(parsed->repositories().size(), 2);
    }

    void malformedMapsAreErrors_data()
    {
        QTest::addColumn<QByteArray>("map");
        QTest::addColumn<QString>("message");
        QTest::newRow("short dependency") << QByteArray("(dependency ('X' 'X-a.1'))") << "must be";
        QTest::newRow("bad id") << QByteArray("(dependency ('X' 'X-a.1' 'nope'))") << "not a UUID";
        QTest::newRow("unbalanced") << QByteArray("(repository ('http://a/trunk')") << "unbalanced";
        QTest::newRow("not a list") << QByteArray("'x'") << "must be a list";
        QTest::newRow("odd") << QByteArray("(repository)") << "without a value";
        QTest::newRow("repository string") << QByteArray("(repository 'http://a')") << "must be a list";
    }

    void malformedMapsAreErrors()
    {
        QFETCH(QByteArray, map);
        QFETCH(QString, message);
        Result<UpdateMap> parsed = UpdateMap::parse(map);
        QVERIFY(!parsed.ok());
        QVERIFY2(parsed.error().message.contains(message), qPrintable(parsed.error().toString()));
        QVERIFY(parsed.error().offset >= 0);
    }
};

QTEST_GUILESS_MAIN(TestUpdateMap)
#include "tst_updatemap.moc"
