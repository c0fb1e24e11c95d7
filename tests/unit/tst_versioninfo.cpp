#include <QTest>

#include "monticello/versioninfo.h"
#include "testsupport.h"

using namespace TwinTrunk;
using namespace TwinTrunk::Monticello;
using TwinTrunk::Test::fixtureMember;

class TestVersionInfo final : public QObject
{
    Q_OBJECT

    static VersionInfo parseOrFail(QByteArrayView bytes)
    {
        Result<VersionInfo> info = VersionInfo::parse(bytes);
        if (!info)
            qFatal("unexpected parse error: %s", qPrintable(info.error().toString()));
        return info.value();
    }

    static Error parseError(QByteArrayView bytes)
    {
        Result<VersionInfo> info = VersionInfo::parse(bytes);
        if (info)
            qFatal("expected a parse error for: %s", QByteArray(bytes.data(), std::min<qsizetype>(bytes.size(), 120)).constData());
        return info.error();
    }

private Q_SLOTS:
    void fixturesParseToExpectedValues()
    {
        const auto expected = Test::expectedFixtures();
        QCOMPARE(expected.size(), Test::fixtureFileNames().size());
        for (const QJsonObject &object : expected)
        {
            const QString file = object.value(QStringLiteral("file")).toString();
            const VersionInfo info = parseOrFail(fixtureMember(file, QStringLiteral("version")));
            QCOMPARE(info.name(), object.value(QStringLiteral("name")).toString());
            QCOMPARE(info.id(), object.value(QStringLiteral("id")).toString());
            QCOMPARE(info.author(), object.value(QStringLiteral("author")).toString());
        }
    }

    void fixtureDetails()
    {
        const VersionInfo lan = parseOrFail(fixtureMember(QStringLiteral("LAN-dr.3.mcz"), QStringLiteral("version")));
        QCOMPARE(lan.message(), QStringLiteral("blah"));
        QCOMPARE(lan.root().date, QStringLiteral("1 November 2004"));
        QCOMPARE(lan.root().parsedDate(), QDate(2004, 11, 1));
        QCOMPARE(lan.root().parsedTime(), QTime(13, 2, 43));
        QCOMPARE(lan.ancestorNames(), QStringList{QStringLiteral("LAN-dr.2")});
        QCOMPARE(lan.totalAncestorCount(), 2);
        QVERIFY(lan.descendsFrom(QStringLiteral("c5423709-dde7-4abc-88e1-d83ad4c83f37")));
        QVERIFY(!lan.descendsFrom(QStringLiteral("00000000-0000-0000-0000-000000000000")));

        const VersionInfo single = parseOrFail(fixtureMember(QStringLiteral("PBKDF2-Core-UdoSchneider.1.mcz"), QStringLiteral("version")));
        QCOMPARE(single.totalAncestorCount(), 0);
        QCOMPARE(single.records().size(), 1);
        QCOMPARE(single.root().parsedTime(), QTime(14, 24, 18, 444));

        // Raw CR inside a message is kept exactly.
        const VersionInfo tiny = parseOrFail(fixtureMember(QStringLiteral("TinyBlog-LucFabresse.7.mcz"), QStringLiteral("version")));
        const qsizetype six = tiny.indexOfId(QStringLiteral("1504fda0-6668-45ce-b9e8-529b2b683d2f"));
        QVERIFY(six >= 0);
        QCOMPARE(tiny.record(six).message, QStringLiteral("Building an Admin UI for TinyBlog \rwith Seaside and Magritte"));
    }

    void backReferencesResolveToTheRecordWrittenEarlier()
    {
        // TinyBlog-LucFabresse.7 is a merge: one ancestor is written in full once and then as (id '...').
        const QByteArray member = fixtureMember(QStringLiteral("TinyBlog-LucFabresse.7.mcz"), QStringLiteral("version"));
        QVERIFY(member.contains("(id '3e7241f4-804c-4420-9a90-6eb08d16e89b')"));
        const VersionInfo info = parseOrFail(member);
        const qsizetype shared = info.indexOfId(QStringLiteral("3e7241f4-804c-4420-9a90-6eb08d16e89b"));
        QVERIFY(shared >= 0);
        QVERIFY(!info.record(shared).name.isEmpty()); // resolved to the full record, not an id-only stub
        int parents = 0;
        for (const VersionRecord &record : info.records())
            parents += int(record.ancestors.count(shared));
        QCOMPARE(parents, 2);
        // Distinct by id: the total counts the shared ancestor once.
        QCOMPARE(info.totalAncestorCount(), info.records().size() - 1);
    }

    // A record repeated with its own id inside its own ancestry (found by fuzzing): the copy
    // completed first is the record, as in Monticello; the later copy's other ancestors are
    // reachable from nowhere and are not counted as ancestry.
    void aRecordRepeatedInsideItsOwnAncestryLeavesNothingBehind()
    {
        const QByteArray member = "(id '7fcc61fc-3030-0d00-a2ef-2eba09a1001a' ancestors ((id '5ff6577e-212f-0d00-ad37-eb6c0496dd49' ancestors ("
                                  "(id '5ff6577e-212f-0d00-ad37-eb6c0496dd49') (id '27c9269d-212f-0d00-a092-c9050d473ed2')))))";
        const VersionInfo info = parseOrFail(member);
        QCOMPARE(info.records().size(), 2);
        QCOMPARE(info.totalAncestorCount(), 1);
        QCOMPARE(info.indexOfId(QStringLiteral("27c9269d-212f-0d00-a092-c9050d473ed2")), -1);
        const qsizetype repeated = info.indexOfId(QStringLiteral("5ff6577e-212f-0d00-ad37-eb6c0496dd49"));
        QVERIFY(repeated >= 0);
        QVERIFY(info.record(repeated).ancestors.isEmpty());
        QCOMPARE(parseOrFail(info.serialize()).serialize(), info.serialize());
    }

    void writerReproducesCurrentMonticelloBytes()
    {
        for (const QString &file : Test::fixtureFileNames())
        {
            const QByteArray member = fixtureMember(file, QStringLiteral("version"));
            const VersionInfo info = parseOrFail(member);
            const QByteArray written = info.serialize();
            if (member.contains("stepChildren"))
            {
                // Written by a Monticello with stepChildren: the writer must reproduce it exactly.
                QVERIFY2(written == member, qPrintable(file));
            }
            else
            {
                // 2004 members (no stepChildren key): same value after a round trip.
                QVERIFY2(written != member, qPrintable(file));
                QVERIFY2(parseOrFail(written) == info, qPrintable(file));
            }
        }
    }

    void everyKeyIsOptionalButId()
    {
        const VersionInfo info = parseOrFail("(id '91164aff-84e5-4794-96dd-9c44819a988e')");
        QCOMPARE(info.id(), QStringLiteral("91164aff-84e5-4794-96dd-9c44819a988e"));
        QVERIFY(info.name().isEmpty());
        QVERIFY(info.ancestorNames().isEmpty());
        QVERIFY(!info.root().parsedDate().isValid());
        // Unknown keys are ignored; keys may carry a '#'.
        const VersionInfo odd = parseOrFail("(#name 'X-y.1' colour 'red' id '91164aff-84e5-4794-96dd-9c44819a988e' extra (1 2))");
        QCOMPARE(odd.name(), QStringLiteral("X-y.1"));
    }

    void quotesLineEndsAndEncodings()
    {
        const QByteArray crlf = "(name 'A-b.1'\r\nmessage 'it''s ''quoted''\r\nline two' id\t'91164aff-84e5-4794-96dd-9c44819a988e'\rdate '2021-02-01'\ntime "
                                "'5:38:31.58044 pm' author 'b' ancestors () stepChildren ())";
        const VersionInfo info = parseOrFail(crlf);
        QCOMPARE(info.message(), QStringLiteral("it's 'quoted'\r\nline two"));
        QCOMPARE(info.root().parsedDate(), QDate(2021, 2, 1));
        QCOMPARE(info.root().parsedTime(), QTime(17, 38, 31, 580));
        QCOMPARE(parseOrFail(info.serialize()), info);
        QVERIFY(info.serialize().contains("'it''s ''quoted''\r\nline two'"));

        const QByteArray utf8 = "(name 'A-b.1' author 'Bj\xc3\xb6rn' id '91164aff-84e5-4794-96dd-9c44819a988e')";
        QCOMPARE(parseOrFail(utf8).author(), QStringLiteral("Bj\u00f6rn"));
        const QByteArray latin1 = "(name 'A-b.1' author 'Bj\xf6rn' id '91164aff-84e5-4794-96dd-9c44819a988e')";
        QCOMPARE(parseOrFail(latin1).author(), QStringLiteral("Bj\u00f6rn"));
        // Written back as UTF-8, the same value.
        QCOMPARE(parseOrFail(parseOrFail(latin1).serialize()), parseOrFail(latin1));
    }

    void dateAndTimeStyles_data()
    {
        QTest::addColumn<QString>("date");
        QTest::addColumn<QDate>("expectedDate");
        QTest::newRow("squeak") << "1 February 2021" << QDate(2021, 2, 1);
        QTest::newRow("squeak short month") << "16 Aug 2018" << QDate(2018, 8, 16);
        QTest::newRow("pharo") << "2021-02-01" << QDate(2021, 2, 1);
        QTest::newRow("us") << "2/1/2021" << QDate(2021, 2, 1);
        QTest::newRow("empty") << "" << QDate();
        QTest::newRow("nil") << "nil" << QDate();
        QTest::newRow("nonsense month") << "1 Brumaire 2021" << QDate();
        QTest::newRow("impossible day") << "31 February 2021" << QDate();
    }

    void dateAndTimeStyles()
    {
        QFETCH(QString, date);
        VersionRecord record;
        record.date = date;
        QTEST(record.parsedDate(), "expectedDate");
    }

    void times()
    {
        VersionRecord record;
        record.time = QStringLiteral("12:00:01 am");
        QCOMPARE(record.parsedTime(), QTime(0, 0, 1));
        record.time = QStringLiteral("12:30 pm");
        QCOMPARE(record.parsedTime(), QTime(12, 30, 0));
        record.time = QStringLiteral("23:59:59");
        QCOMPARE(record.parsedTime(), QTime(23, 59, 59));
        record.time = QStringLiteral("13:00 pm");
        QVERIFY(!record.parsedTime().isValid());
        record.time = QStringLiteral("nil");
        QVERIFY(!record.parsedTime().isValid());
    }

    void deepAncestryWithTheDefaultStack()
    {
        const int depth = 20000;
        const QByteArray member = Test::deepChainMember(depth);
        const VersionInfo info = parseOrFail(member);
        QCOMPARE(info.name(), QStringLiteral("Deep-tt.%1").arg(depth));
        QCOMPARE(info.totalAncestorCount(), depth - 1);
        QVERIFY(info.descendsFrom(Test::syntheticId(1)));
        QCOMPARE(info.serialize(), member);
        QVERIFY(parseOrFail(info.serialize()) == info);
        // Copies and destruction of a deep value use no recursion either.
        VersionInfo copy = info;
        QVERIFY(copy == info);
    }

    void withAncestorsBuildsDiamondsThatWriteBackReferences()
    {
        VersionRecord base{QStringLiteral("P-a.1"), QStringLiteral("base"), Test::syntheticId(1), QStringLiteral("1 February 2021"),
            QStringLiteral("1:00:00 pm"), QStringLiteral("a"), {}, {}};
        VersionRecord left = base;
        left.name = QStringLiteral("P-a.2");
        left.id = Test::syntheticId(2);
        VersionRecord right = base;
        right.name = QStringLiteral("P-b.2");
        right.id = Test::syntheticId(3);
        VersionRecord merge = base;
        merge.name = QStringLiteral("P-a.3");
        merge.id = Test::syntheticId(4);

        const VersionInfo one = VersionInfo::single(base);
        const VersionInfo leftInfo = VersionInfo::withAncestors(left, {one});
        const VersionInfo rightInfo = VersionInfo::withAncestors(right, {one});
        const VersionInfo merged = VersionInfo::withAncestors(merge, {leftInfo, rightInfo});
        QCOMPARE(merged.ancestorNames(), (QStringList{QStringLiteral("P-a.2"), QStringLiteral("P-b.2")}));
        QCOMPARE(merged.totalAncestorCount(), 3);
        const QByteArray bytes = merged.serialize();
        QCOMPARE(bytes.count("(name 'P-a.1'"), 1);
        QVERIFY(bytes.contains(QByteArray("(id '" + Test::syntheticId(1).toLatin1() + "')")));
        QCOMPARE(parseOrFail(bytes), merged);
        QCOMPARE(parseOrFail(bytes).serialize(), bytes);
    }

    void malformedInputIsAnErrorWithAPosition_data()
    {
        QTest::addColumn<QByteArray>("member");
        QTest::addColumn<QString>("message");
        QTest::addColumn<qint64>("offset");
        QTest::newRow("unterminated string") << QByteArray("(name 'A-b.1) id") << "unterminated string" << qint64(6);
        QTest::newRow("unclosed list") << QByteArray("(name 'A-b.1' ancestors ((name 'x'") << "unbalanced parentheses" << qint64(25);
        QTest::newRow("extra close") << QByteArray("(name 'A')) ") << "unexpected text" << qint64(10);
        QTest::newRow("lone close") << QByteArray(") ") << "without a matching" << qint64(0);
        QTest::newRow("no id") << QByteArray("(name 'A-b.1' author 'b')") << "no id" << qint64(0);
        QTest::newRow("ancestor without id") << QByteArray("(name 'A-b.2' id '91164aff-84e5-4794-96dd-9c44819a988e' ancestors ((name 'A-b.1')))") << "no id"
                                             << qint64(67);
        QTest::newRow("not a uuid") << QByteArray("(id 'not-a-uuid')") << "not a UUID" << qint64(0);
        QTest::newRow("odd pairs") << QByteArray("(name 'A' id)") << "key without a value" << qint64(10);
        QTest::newRow("string key") << QByteArray("('name' 'A')") << "expected a key" << qint64(1);
        QTest::newRow("list as name") << QByteArray("(name ('A') id '91164aff-84e5-4794-96dd-9c44819a988e')") << "must be a string" << qint64(6);
        QTest::newRow("ancestors not a list") << QByteArray("(id '91164aff-84e5-4794-96dd-9c44819a988e' ancestors 'x')") << "list of records" << qint64(53);
        QTest::newRow("ancestor is a string") << QByteArray("(id '91164aff-84e5-4794-96dd-9c44819a988e' ancestors ('x'))") << "expected a version record"
                                              << qint64(54);
        QTest::newRow("bad character") << QByteArray("(name {})") << "unexpected character 0x7b" << qint64(6);
        QTest::newRow("empty") << QByteArray("  \r\n ") << "empty" << qint64(5);
        QTest::newRow("not a list") << QByteArray("'just a string'") << "expected a version record" << qint64(0);
    }

    void malformedInputIsAnErrorWithAPosition()
    {
        QFETCH(QByteArray, member);
        QFETCH(QString, message);
        const Error error = parseError(member);
        QVERIFY2(error.message.contains(message), qPrintable(error.toString()));
        QTEST(error.offset, "offset");
        QVERIFY(error.line >= 1);
        QVERIFY(error.column >= 1);
    }

    void errorPositionsCountLines()
    {
        const Error error = parseError("(name 'A-b.1'\r\n message 'x'\r author 'b'\n bogus {)");
        QCOMPARE(error.line, 4);
        QCOMPARE(error.column, 8);
        QVERIFY(error.toString().contains(QStringLiteral("line 4, column 8")));
    }

    void hugeMemberIsRefusedNotParsed()
    {
        // Hundreds of megabytes: an error value at the limit, no attempt to build a tree.
        QByteArray huge(300 * 1024 * 1024, ' ');
        huge[0] = '(';
        const Error error = parseError(huge);
        QVERIFY2(error.message.contains(QStringLiteral("too large")), qPrintable(error.toString()));
        QVERIFY(error.offset > 0);
    }

    void hugeDepthOfEmptyListsIsNotACrash()
    {
        // A million nested '(' : unbalanced, reported, no stack overflow.
        const QByteArray nested(1000000, '(');
        QVERIFY(parseError(nested).message.contains(QStringLiteral("unbalanced")));
        const QByteArray balanced = QByteArray(200000, '(') + QByteArray(200000, ')');
        QVERIFY(parseError(balanced).message.contains(QStringLiteral("key without a value")));
    }
};

QTEST_GUILESS_MAIN(TestVersionInfo)
#include "tst_versioninfo.moc"
