#include <QTest>

#include "monticello/sourcedefinitions.h"
#include "testsupport.h"

using namespace TwinTrunk;
using namespace TwinTrunk::Monticello;

namespace
{
    const Definition *find(const SourceDefinitions &definitions, const QString &key)
    {
        for (const Definition &definition : definitions.definitions())
        {
            if (definition.key() == key)
                return &definition;
        }
        return nullptr;
    }
}

class TestSourceDefinitions final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void readsASqueak2004Snapshot()
    {
        const SourceDefinitions lan = SourceDefinitions::parse(Test::fixtureMember(QStringLiteral("LAN-dr.3.mcz"), QStringLiteral("snapshot/source.st")));
        QCOMPARE(lan.count(Definition::Kind::Organization), 1);
        QCOMPARE(lan.count(Definition::Kind::Class), 3);
        QVERIFY(find(lan, QStringLiteral("class Workstation")));
        QVERIFY(find(lan, QStringLiteral("class Packet")));

        const Definition *node = find(lan, QStringLiteral("class Node"));
        QVERIFY(node);
        QVERIFY(node->source.startsWith(QStringLiteral("Object subclass: #Node")));

        const Definition *setter = find(lan, QStringLiteral("Node>>name:"));
        QVERIFY(setter);
        QCOMPARE(setter->category, QStringLiteral("private"));
        QCOMPARE(setter->timestamp, QStringLiteral("dr 11/1/2004 11:49"));
        QCOMPARE(setter->source, QStringLiteral("name: aSymbol\r\tname := aSymbol"));

        // Quotes inside method source are untouched ('' stays two quotes in Smalltalk source).
        const Definition *printOn = find(lan, QStringLiteral("Node>>printOn:"));
        QVERIFY(printOn);
        QVERIFY(printOn->source.contains(QStringLiteral("' with name ''', self name, ''''")));

        // Every definition key is unique within a snapshot.
        QSet<QString> keys;
        for (const Definition &definition : lan.definitions())
            keys.insert(definition.key());
        QCOMPARE(keys.size(), lan.size());
    }

    void readsAPharoSnapshotWithClassSideCommentsAndCategories()
    {
        const SourceDefinitions tiny =
            SourceDefinitions::parse(Test::fixtureMember(QStringLiteral("TinyBlog-LucFabresse.chap2_v1.mcz"), QStringLiteral("snapshot/source.st")));
        QCOMPARE(tiny.count(Definition::Kind::Organization), 2);

        const Definition *comment = find(tiny, QStringLiteral("comment TBPost"));
        QVERIFY(comment);
        QCOMPARE(comment->timestamp, QStringLiteral("LucFabresse 3/18/2016 10:01"));
        QVERIFY(comment->source.startsWith(QStringLiteral("I represent blog posts.")));

        const Definition *creation = find(tiny, QStringLiteral("TBPost class>>title:text:category:"));
        QVERIFY(creation);
        QVERIFY(creation->classSide);
        QCOMPARE(creation->category, QStringLiteral("instance creation"));

        const Definition *test = find(tiny, QStringLiteral("TBPostTest>>testPostIsCreatedCorrectly"));
        QVERIFY(test);
        QCOMPARE(test->category, QStringLiteral("tests"));
    }

    void everyFixtureHasMethodsWithSelectors()
    {
        for (const QString &file : Test::fixtureFileNames())
        {
            const SourceDefinitions definitions = SourceDefinitions::parse(Test::fixtureMember(file, QStringLiteral("snapshot/source.st")));
            QVERIFY2(definitions.count(Definition::Kind::Method) > 0, qPrintable(file));
            for (const Definition &definition : definitions.definitions())
            {
                if (definition.kind == Definition::Kind::Method)
                    QVERIFY2(!definition.selector.isEmpty(), qPrintable(file + u' ' + definition.source.left(40)));
            }
        }
    }

    void chunkEscapesAndOddChunks()
    {
        const QByteArray source = "SystemOrganization addCategory: #X!\r\r"
                                  "Object subclass: #A\r\tinstanceVariableNames: ''\r\tclassVariableNames: ''\r\tpoolDictionaries: ''\r\tcategory: 'X'!\r\r"
                                  "A class\r\tinstanceVariableNames: 'cache'!\r\r"
                                  "!A methodsFor: 'bangs'!\r"
                                  "shout\r\t^ 'hello!!'! !\r\r"
                                  "!A class methodsFor: 'operators' stamp: 'tt 1/2/2021 10:00'!\r"
                                  "+ other\r\t^ self! !\r\r"
                                  "!A methodsFor: 'keywords' stamp: 'tt 1/2/2021 10:00'!\r"
                                  "at: index put: value\r\t^ value! !\r\r"
                                  "A initialize!\r";
        const SourceDefinitions definitions = SourceDefinitions::parse(source);
        const Definition *shout = find(definitions, QStringLiteral("A>>shout"));
        QVERIFY(shout);
        QCOMPARE(shout->source, QStringLiteral("shout\r\t^ 'hello!'"));
        QVERIFY(shout->timestamp.isEmpty());
        QVERIFY(find(definitions, QStringLiteral("A class>>+")));
        QVERIFY(find(definitions, QStringLiteral("A>>at:put:")));
        QVERIFY(find(definitions, QStringLiteral("A class (definition)")));
        QVERIFY(find(definitions, QStringLiteral("script A initialize")));
        QCOMPARE(definitions.size(), 7);
    }

    void nothingIsDroppedFromTextItCannotClassify()
    {
        const SourceDefinitions definitions = SourceDefinitions::parse("Smalltalk at: #Foo put: 3!\r\r!garbage preamble!\rtrailing text without bang");
        QCOMPARE(definitions.count(Definition::Kind::Script), 3);
        QVERIFY(SourceDefinitions::parse(QByteArray()).definitions().isEmpty());
        QVERIFY(SourceDefinitions::parse("!").definitions().isEmpty());
    }

    void selectors_data()
    {
        QTest::addColumn<QString>("source");
        QTest::addColumn<QString>("selector");
        QTest::newRow("unary") << "name\r\t^name"
                               << "name";
        QTest::newRow("keyword") << "name: aSymbol\r\tname := aSymbol"
                                 << "name:";
        QTest::newRow("keywords") << "at: i put: v\r\t^v"
                                  << "at:put:";
        QTest::newRow("keywords over lines") << "title: aTitle\r\ttext: aText\r\t^ self"
                                             << "title:text:";
        QTest::newRow("binary") << "<= other\r\t^true"
                                << "<=";
        QTest::newRow("leading blank line") << "\r\rfoo\r\t^1"
                                            << "foo";
        QTest::newRow("nothing") << "   "
                                 << "";
    }

    void selectors()
    {
        QFETCH(QString, source);
        QTEST(selectorOfMethodSource(source), "selector");
    }
};

QTEST_GUILESS_MAIN(TestSourceDefinitions)
#include "tst_sourcedefinitions.moc"
