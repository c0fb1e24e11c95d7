#include <QTest>
#include <QUuid>

#include "monticello/mczarchive.h"
#include "monticello/mczcheck.h"
#include "monticello/mczprefixreader.h"
#include "monticello/mczversion.h"
#include "monticello/versionrecordscanner.h"
#include "testsupport.h"

using namespace TwinTrunk;
using namespace TwinTrunk::Monticello;
using State = MczPrefixReader::State;

class TestMczPrefixReader final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyFixtureByteByByte()
    {
        for (const QJsonObject &expected : Test::expectedFixtures())
        {
            const QByteArray bytes = Test::readFile(Test::fixturePath(expected.value(QStringLiteral("file")).toString()));
            MczPrefixReader reader;
            qsizetype fed = 0;
            while (reader.state() == State::NeedMore && fed < bytes.size())
                reader.feed(bytes.mid(fed++, 1));
            QCOMPARE(reader.state(), State::Found);
            QCOMPARE(reader.name(), expected.value(QStringLiteral("name")).toString());
            QCOMPARE(reader.id(), expected.value(QStringLiteral("id")).toString());
            QCOMPARE(reader.author(), expected.value(QStringLiteral("author")).toString());
            // The date and time as the whole-file reader gets them from the same record.
            Result<MczVersion> whole = MczVersion::readBytes(bytes, expected.value(QStringLiteral("file")).toString());
            QVERIFY(whole.ok());
            QVERIFY(reader.authoredAt().isValid());
            QCOMPARE(reader.authoredAt(), whole->info().root().authoredAt());
            QVERIFY2(fed < 1200, qPrintable(QStringLiteral("needed %1 bytes").arg(fed)));
        }
    }

    void aKernelSizedVersionNeedsOnlyItsFirstKilobytes()
    {
        const QByteArray kernel = Test::kernelSizedVersion();
        QVERIFY2(kernel.size() > 800 * 1024, qPrintable(QString::number(kernel.size())));
        Result<MczArchive> archive = MczArchive::readBytes(kernel, QStringLiteral("kernel"));
        QVERIFY(archive.ok());
        QVERIFY2(archive->member(QStringLiteral("version")).size() > 300 * 1024,
            qPrintable(QString::number(archive->member(QStringLiteral("version")).size())));

        MczPrefixReader reader;
        QCOMPARE(reader.feed(kernel.left(4096)), State::Found);
        QCOMPARE(reader.name(), QStringLiteral("Kernel-eem.1336"));
        QCOMPARE(reader.author(), QStringLiteral("eem"));
    }

    void storedMembersToo()
    {
        // Local file headers with method 0 (stored), written by hand: the reader only walks those.
        auto localHeader = [](const QByteArray &name, const QByteArray &data) -> QByteArray {
            QByteArray header("PK\x03\x04", 4);
            auto le16 = [&](quint16 v) { header.append(char(v & 0xff)).append(char(v >> 8)); };
            auto le32 = [&](quint32 v) {
                le16(quint16(v & 0xffff));
                le16(quint16(v >> 16));
            };
            le16(10);
            le16(0);
            le16(0);
            le16(0);
            le16(0);
            le32(0);
            le32(quint32(data.size()));
            le32(quint32(data.size()));
            le16(quint16(name.size()));
            le16(0);
            return header + name + data;
        };
        const QByteArray zip = localHeader("package", "(name 'S')")
            + localHeader("version",
                "(name 'S-t.1' message 'stored' id '91164aff-84e5-4794-96dd-9c44819a988e' "
                "date '1 February 2021' time '5:38:31.58044 pm' author 'tpr' ancestors ())");
        MczPrefixReader reader;
        QCOMPARE(reader.feed(zip), State::Found);
        QCOMPARE(reader.name(), QStringLiteral("S-t.1"));
        QCOMPARE(reader.id(), QStringLiteral("91164aff-84e5-4794-96dd-9c44819a988e"));
        QCOMPARE(reader.author(), QStringLiteral("tpr"));
        QCOMPARE(reader.authoredAt(), QDateTime(QDate(2021, 2, 1), QTime(17, 38, 31, 580), Qt::UTC));
    }

    void truncatedAndBrokenInputsFail()
    {
        const QByteArray bytes = Test::readFile(Test::fixturePath(QStringLiteral("LAN-dr.3.mcz")));
        MczPrefixReader shortReader;
        QCOMPARE(shortReader.feed(bytes.left(40)), State::NeedMore);
        QCOMPARE(shortReader.finish(), State::Failed);

        MczPrefixReader notZip;
        QCOMPARE(notZip.feed(QByteArray(200, 'x')), State::Failed);
        QVERIFY(notZip.error().message.contains(QStringLiteral("no version member")));

        QByteArray corrupt = bytes;
        const qsizetype data = corrupt.indexOf("version") + 7;
        for (int i = 0; i < 30; ++i)
            corrupt[data + i] = char(corrupt[data + i] ^ 0x33);
        MczPrefixReader reader;
        const State state = reader.feed(corrupt);
        QVERIFY(state == State::Failed || (state == State::NeedMore && reader.finish() == State::Failed));
    }

    void versionNotAmongTheFirstMembersFails()
    {
        QList<MczMember> members;
        for (int i = 0; i < 20; ++i)
            members.append({QStringLiteral("dependencies/P%1").arg(i), "(id '91164aff-84e5-4794-96dd-9c44819a988e')"});
        members.append({QStringLiteral("version"), "(name 'X-y.1' id '91164aff-84e5-4794-96dd-9c44819a988e')"});
        Result<QByteArray> bytes = MczArchive::write(members, QDateTime::currentDateTimeUtc());
        QVERIFY(bytes.ok());
        MczPrefixReader reader;
        QCOMPARE(reader.feed(bytes.value()), State::Failed);
    }

    void idBeforeAncestorsOrAfter()
    {
        // Monticello writes the id before the ancestors; a record written otherwise still works.
        const QByteArray member = "(name 'X-y.2' ancestors ((name 'X-y.1' id '17d935b3-1d9b-4070-99b5-94499e7002e7')) "
                                  "id '91164aff-84e5-4794-96dd-9c44819a988e')";
        Result<QByteArray> bytes =
            MczArchive::write({{QStringLiteral("package"), "(name 'X')"}, {QStringLiteral("version"), member}}, QDateTime::currentDateTimeUtc());
        MczPrefixReader reader;
        QCOMPARE(reader.feed(bytes.value()), State::Found);
        QCOMPARE(reader.id(), QStringLiteral("91164aff-84e5-4794-96dd-9c44819a988e"));
        QVERIFY(reader.author().isEmpty()); // the record has none: found all the same
        QVERIFY(!reader.authoredAt().isValid());
    }

    void aRecordCutAfterItsIdIsFoundWhenTheInputEnds()
    {
        // The version member ends after the date: the id is there, the author never comes.
        const QByteArray member = "(name 'X-y.3' id '91164aff-84e5-4794-96dd-9c44819a988e' date '2021-02-01' ";
        Result<QByteArray> bytes =
            MczArchive::write({{QStringLiteral("package"), "(name 'X')"}, {QStringLiteral("version"), member}}, QDateTime::currentDateTimeUtc());
        QVERIFY(bytes.ok());
        MczPrefixReader reader;
        QCOMPARE(reader.feed(bytes.value()), State::Found); // the version member's data ended
        QCOMPARE(reader.id(), QStringLiteral("91164aff-84e5-4794-96dd-9c44819a988e"));
        QCOMPARE(reader.authoredAt(), QDateTime(QDate(2021, 2, 1), QTime(0, 0), Qt::UTC));
    }

    // The whole-archive check reads as far as the id is: a 3 MB commit message, or a 5 MB
    // ancestry written before the id, is stepped over, not a reason to call the version unsound.
    // A probe gives up after its first megabyte and reads the whole file instead.
    void theCheckFindsAnIdBehindMegabytesAndAProbeGivesUp()
    {
        const QString id = QStringLiteral("91164aff-84e5-4794-96dd-9c44819a988e");
        QByteArray longMessage = "(name 'X-y.4' message '";
        for (int i = 0; i < 80000; ++i)
            longMessage += "It''s a long message (with a quote) line " + QByteArray::number(i) + "\r";
        longMessage += "' id '" + id.toLatin1() + "' date '1 February 2021' time '1:02:03 pm' author 'xy' ancestors ())";
        QByteArray longAncestry = "(name 'X-y.5' ancestors (";
        for (int i = 0; i < 40000; ++i)
        {
            // Ids and names that differ, as a real ancestry's do (a repeated one compresses like a zip bomb).
            const QByteArray ancestorId = QUuid::createUuidV5(QUuid(), QString::number(i)).toByteArray(QUuid::WithoutBraces);
            longAncestry +=
                "(name 'X-y." + QByteArray::number(i) + "' id '" + ancestorId + "' message 'a (paren) and ''quote'' " + ancestorId.left(8) + "' ancestors ()) ";
        }
        longAncestry += ") id '" + id.toLatin1() + "')";
        for (const QByteArray &member : {longMessage, longAncestry})
        {
            QVERIFY(member.size() > 3 * 1024 * 1024);
            Result<QByteArray> bytes =
                MczArchive::write({{QStringLiteral("package"), "(name 'X')"}, {QStringLiteral("version"), member}}, QDateTime::currentDateTimeUtc());
            QVERIFY(bytes.ok());
            Result<MczSoundness> sound = checkMczBytes(bytes.value(), QStringLiteral("long.mcz"));
            QVERIFY2(sound.ok(), qPrintable(sound.ok() ? QString() : sound.error().toString()));
            QCOMPARE(sound->id, id);
            MczPrefixReader reader;
            QCOMPARE(reader.feed(bytes.value()), State::Failed);
            QVERIFY2(reader.error().toString().contains(QStringLiteral("first 1048576 bytes")), qPrintable(reader.error().toString()));
        }

        // Fed in pieces of any size, the scanner reads the same fields.
        for (const qsizetype piece : {1, 7, 4096})
        {
            VersionRecordScanner scanner;
            for (qsizetype at = 0; at < longMessage.size() && scanner.state() == VersionRecordScanner::State::NeedMore; at += piece)
                scanner.feed(QByteArrayView(longMessage).sliced(at, std::min(piece, longMessage.size() - at)));
            QCOMPARE(scanner.state(), VersionRecordScanner::State::Found);
            QCOMPARE(scanner.name(), QStringLiteral("X-y.4"));
            QCOMPARE(scanner.id(), id);
            QCOMPARE(scanner.author(), QStringLiteral("xy"));
        }
        VersionRecordScanner quoted;
        quoted.feed(QByteArray("(name 'It''s-x.1' id '" + id.toLatin1() + "' author 'x')"));
        QCOMPARE(quoted.name(), QStringLiteral("It's-x.1"));
        VersionRecordScanner noId;
        noId.feed(QByteArray("(name 'X-y.6' ancestors ((name 'X-y.5' id '" + id.toLatin1() + "')))"));
        QCOMPARE(noId.state(), VersionRecordScanner::State::Failed); // the ancestor's id is not the version's
    }
};

QTEST_GUILESS_MAIN(TestMczPrefixReader)
#include "tst_mczprefixreader.moc"
