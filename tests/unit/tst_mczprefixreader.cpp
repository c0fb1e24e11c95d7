#include <QTest>

#include "monticello/mczarchive.h"
#include "monticello/mczprefixreader.h"
#include "monticello/mczversion.h"
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
        QVERIFY2(archive->member(QStringLiteral("version")).size() > 300 * 1024, qPrintable(QString::number(archive->member(QStringLiteral("version")).size())));

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
            auto le32 = [&](quint32 v) { le16(quint16(v & 0xffff)); le16(quint16(v >> 16)); };
            le16(10); le16(0); le16(0); le16(0); le16(0);
            le32(0); le32(quint32(data.size())); le32(quint32(data.size()));
            le16(quint16(name.size())); le16(0);
            return header + name + data;
        };
        const QByteArray zip = localHeader("package", "(name 'S')")
            + localHeader("version", "(name 'S-t.1' message 'stored' id '91164aff-84e5-4794-96dd-9c44819a988e' "
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
        Result<QByteArray> bytes = MczArchive::write({{QStringLiteral("package"), "(name 'X')"}, {QStringLiteral("version"), member}},
            QDateTime::currentDateTimeUtc());
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
        Result<QByteArray> bytes = MczArchive::write({{QStringLiteral("package"), "(name 'X')"}, {QStringLiteral("version"), member}},
            QDateTime::currentDateTimeUtc());
        QVERIFY(bytes.ok());
        MczPrefixReader reader;
        QCOMPARE(reader.feed(bytes.value()), State::Found); // the version member's data ended
        QCOMPARE(reader.id(), QStringLiteral("91164aff-84e5-4794-96dd-9c44819a988e"));
        QCOMPARE(reader.authoredAt(), QDateTime(QDate(2021, 2, 1), QTime(0, 0), Qt::UTC));
    }
};

QTEST_GUILESS_MAIN(TestMczPrefixReader)
#include "tst_mczprefixreader.moc"
