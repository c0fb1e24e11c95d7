#include <QJsonArray>
#include <QTest>

#include <zip.h>

#include "monticello/mczarchive.h"
#include "monticello/mczcheck.h"
#include "monticello/mczversion.h"
#include "monticello/zipmembers.h"
#include "testsupport.h"

using namespace TwinTrunk;
using namespace TwinTrunk::Monticello;

namespace
{
    // Builds a zip with libzip directly, bypassing MczArchive::write's own checks, so that the
    // reader can be fed archives a hostile server could serve.
    QByteArray rawZip(const QList<MczMember> &members, zip_int32_t method = ZIP_CM_DEFLATE)
    {
        zip_error_t error;
        zip_error_init(&error);
        zip_source_t *buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
        zip_t *archive = zip_open_from_source(buffer, ZIP_TRUNCATE, &error);
        zip_source_keep(buffer);
        for (const MczMember &member : members)
        {
            zip_source_t *data = zip_source_buffer(archive, member.bytes.constData(), zip_uint64_t(member.bytes.size()), 0);
            const zip_int64_t index = zip_file_add(archive, member.name.toUtf8().constData(), data, ZIP_FL_ENC_UTF_8);
            if (index < 0)
                qFatal("rawZip: %s", zip_strerror(archive));
            zip_set_file_compression(archive, zip_uint64_t(index), method, 0);
        }
        if (zip_close(archive) != 0)
            qFatal("rawZip close failed");
        zip_source_open(buffer);
        QByteArray bytes;
        char chunk[65536];
        zip_int64_t got;
        while ((got = zip_source_read(buffer, chunk, sizeof chunk)) > 0)
            bytes.append(chunk, got);
        zip_source_close(buffer);
        zip_source_free(buffer);
        zip_error_fini(&error);
        return bytes;
    }

    // Rewrites a member's declared uncompressed size in its local header and its central directory
    // entry, as an old Squeak version wrote it wrongly.
    QByteArray withDeclaredSize(QByteArray zip, const QByteArray &member, quint32 size)
    {
        auto patch = [&zip, size](qsizetype at) {
            for (int i = 0; i < 4; ++i)
                zip[at + i] = char((size >> (8 * i)) & 0xff);
        };
        for (qsizetype at = zip.indexOf("PK\x03\x04"); at >= 0; at = zip.indexOf("PK\x03\x04", at + 4))
        {
            if (zip.mid(at + 30, member.size()) == member && quint16(quint8(zip[at + 26]) | quint8(zip[at + 27]) << 8) == member.size())
                patch(at + 22);
        }
        for (qsizetype at = zip.indexOf("PK\x01\x02"); at >= 0; at = zip.indexOf("PK\x01\x02", at + 4))
        {
            if (zip.mid(at + 46, member.size()) == member && quint16(quint8(zip[at + 28]) | quint8(zip[at + 29]) << 8) == member.size())
                patch(at + 24);
        }
        return zip;
    }

    QList<MczMember> validMembers()
    {
        return {
            {QStringLiteral("package"), "(name 'LAN')"},
            {QStringLiteral("version"), Test::fixtureMember(QStringLiteral("LAN-dr.3.mcz"), QStringLiteral("version"))},
            {QStringLiteral("snapshot/source.st"),
                "Object subclass: #A\r\tinstanceVariableNames: ''\r\tclassVariableNames: ''\r\tpoolDictionaries: ''\r\tcategory: 'X'!\r"},
        };
    }

    Error readError(const QByteArray &bytes, const MczLimits &limits = {})
    {
        Result<MczVersion> version = MczVersion::readBytes(bytes, QStringLiteral("hostile.mcz"), MczArchive::Members::All, limits);
        if (version)
            qFatal("expected the archive to be refused");
        return version.error();
    }
}

class TestMczArchive final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fixturesHaveExpectedMembersAndPackage()
    {
        for (const QJsonObject &expected : Test::expectedFixtures())
        {
            const QString file = expected.value(QStringLiteral("file")).toString();
            Result<MczVersion> version = MczVersion::readFile(Test::fixturePath(file), MczArchive::Members::All);
            QVERIFY2(version.ok(), qPrintable(version.ok() ? QString() : version.error().toString()));
            QStringList members;
            for (const QJsonValue &member : expected.value(QStringLiteral("members")).toArray())
                members.append(member.toString());
            QCOMPARE(version->memberNames(), members);
            const QString packageMember = expected.value(QStringLiteral("package")).toString();
            QCOMPARE(serializePackageMember(version->packageName()), packageMember.toUtf8());
            QCOMPARE(version->info().id(), expected.value(QStringLiteral("id")).toString());
            QVERIFY(version->hasSource());
            QVERIFY(version->definitions().size() > 0);
        }
    }

    void readWriteReadKeepsEverything()
    {
        for (const QString &file : Test::fixtureFileNames())
        {
            Result<MczArchive> archive = MczArchive::readFile(Test::fixturePath(file));
            QVERIFY(archive.ok());
            Result<MczVersion> original = MczVersion::fromArchive(archive.value(), file);
            QVERIFY(original.ok());

            const MczVersion rebuilt = MczVersion::create(original->packageName(), original->info(), original->sourceSt(), original->dependencies(),
                archive->member(QStringLiteral("snapshot.bin")));
            Result<QByteArray> bytes = rebuilt.toBytes();
            QVERIFY2(bytes.ok(), qPrintable(file));
            Result<MczArchive> reread = MczArchive::readBytes(bytes.value(), file);
            QVERIFY2(reread.ok(), qPrintable(file));
            // Same members, same order as Monticello writes them, and the same bytes in each,
            // except `version` for 2004 files (rewritten in today's form, equal in value).
            QCOMPARE(reread->memberNames(), archive->memberNames());
            for (const MczMember &member : archive->members())
            {
                if (member.name == u"version" && !member.bytes.contains("stepChildren"))
                    continue;
                QVERIFY2(reread->member(member.name) == member.bytes, qPrintable(file + u' ' + member.name));
            }
            Result<MczVersion> again = MczVersion::fromArchive(reread.value(), file);
            QVERIFY(again.ok());
            QVERIFY(again->info() == original->info());
            QCOMPARE(again->packageName(), original->packageName());
        }
    }

    void writesDependenciesAfterTheSnapshot()
    {
        const auto lan = MczVersion::readFile(Test::fixturePath(QStringLiteral("LAN-dr.3.mcz")));
        const auto turtle = MczVersion::readFile(Test::fixturePath(QStringLiteral("MiniTurtle-sd.1.mcz")));
        QVERIFY(lan.ok() && turtle.ok());
        const MczVersion version = MczVersion::create(QStringLiteral("LAN"), lan->info(), lan->sourceSt(), {turtle->info()});
        Result<QByteArray> bytes = version.toBytes();
        QVERIFY(bytes.ok());
        Result<MczVersion> reread = MczVersion::readBytes(bytes.value(), QStringLiteral("memory"));
        QVERIFY(reread.ok());
        QCOMPARE(reread->memberNames(),
            (QStringList{QStringLiteral("package"), QStringLiteral("version"), QStringLiteral("snapshot/source.st"),
                QStringLiteral("dependencies/MiniTurtle")}));
        QCOMPARE(reread->dependencies().size(), 1);
        QVERIFY(reread->dependencies().first() == turtle->info());
    }

    void readsOnlyWhatIsAskedFor()
    {
        Result<MczArchive> metadata = MczArchive::readFile(Test::fixturePath(QStringLiteral("TinyBlog-LucFabresse.7.mcz")), MczArchive::Members::Metadata);
        QVERIFY(metadata.ok());
        QVERIFY(metadata->hasMember(QStringLiteral("snapshot.bin")));
        QVERIFY(metadata->member(QStringLiteral("snapshot.bin")).isEmpty());
        QVERIFY(metadata->member(QStringLiteral("snapshot/source.st")).isEmpty());
        QVERIFY(!metadata->member(QStringLiteral("version")).isEmpty());
    }

    void notAZip()
    {
        const Error error = readError("(name 'not a zip')");
        QVERIFY(error.toString().contains(QStringLiteral("hostile.mcz")));
        QVERIFY(error.message.contains(QStringLiteral("not a zip")));
        QVERIFY(readError(QByteArray()).message.contains(QStringLiteral("not a zip")));
    }

    void truncatedArchive()
    {
        const QByteArray bytes = Test::readFile(Test::fixturePath(QStringLiteral("TinyBlog-LucFabresse.7.mcz")));
        for (const qsizetype keep : {qsizetype(2), qsizetype(30), bytes.size() / 2, bytes.size() - 1})
        {
            const Error error = readError(bytes.left(keep));
            QVERIFY2(error.where.contains(QStringLiteral("hostile.mcz")), qPrintable(error.toString()));
        }
    }

    void corruptMemberData()
    {
        QByteArray bytes = rawZip(validMembers());
        // Flip bytes inside the deflated data of the 'version' member (after its local header).
        const qsizetype header = bytes.indexOf("version") + 7;
        for (int i = 10; i < 40; ++i)
            bytes[header + i] = char(bytes[header + i] ^ 0x5a);
        const Error error = readError(bytes);
        QVERIFY2(error.where.contains(QStringLiteral("member 'version'")), qPrintable(error.toString()));
    }

    void missingRequiredMembers()
    {
        QList<MczMember> members = validMembers();
        members.removeAt(1);
        QVERIFY(readError(rawZip(members)).message.contains(QStringLiteral("no 'version' member")));
        members = validMembers();
        members.removeAt(0);
        QVERIFY(readError(rawZip(members)).message.contains(QStringLiteral("no 'package' member")));
    }

    void unreadableVersionMemberNamesTheMember()
    {
        QList<MczMember> members = validMembers();
        members[1].bytes = "(name 'LAN-dr.3' id 'x";
        const Error error = readError(rawZip(members));
        QVERIFY2(error.toString().contains(QStringLiteral("hostile.mcz: member 'version'")), qPrintable(error.toString()));
        QVERIFY(error.message.contains(QStringLiteral("unterminated")));
        QVERIFY(error.offset >= 0);
    }

    void pathLikeMemberNamesAreRefused_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("reason");
        QTest::newRow("parent") << "../../etc/passwd"
                                << "'..'";
        QTest::newRow("inner parent") << "snapshot/../../x"
                                      << "'..'";
        QTest::newRow("absolute") << "/etc/passwd"
                                  << "absolute";
        QTest::newRow("backslash") << "..\\windows\\x"
                                   << "backslash";
        QTest::newRow("drive") << "C:evil"
                               << "colon";
        QTest::newRow("control") << "ver\x01sion"
                                 << "control";
        QTest::newRow("empty component") << "snapshot//source.st"
                                         << "empty";
    }

    void pathLikeMemberNamesAreRefused()
    {
        QFETCH(QString, name);
        QFETCH(QString, reason);
        QList<MczMember> members = validMembers();
        members.append({name, "x"});
        // libzip will not write a control character in a name: write '#' and patch the byte in.
        QList<MczMember> writable = members;
        writable.last().name.replace(QChar(1), u'#');
        QByteArray bytes = rawZip(writable);
        bytes.replace(writable.last().name.toUtf8(), name.toUtf8());
        const Error error = readError(bytes);
        QVERIFY2(error.message.contains(reason), qPrintable(error.toString()));
        QVERIFY(error.message.contains(QStringLiteral("refused")));
        // The writer refuses them too.
        QVERIFY(!MczArchive::write(members, QDateTime::currentDateTimeUtc()).ok());
    }

    void duplicateMemberNamesAreRefused()
    {
        // libzip will not add a name twice; write "versioX" and patch it into a second "version".
        QList<MczMember> members = validMembers();
        members.append({QStringLiteral("versioX"), "(id '00000000-0000-0000-0000-000000000000')"});
        QByteArray bytes = rawZip(members);
        bytes.replace("versioX", "version");
        const Error error = readError(bytes);
        QVERIFY2(error.message.contains(QStringLiteral("twice")), qPrintable(error.toString()));
    }

    void zipBombIsRefusedBeforeInflating()
    {
        QList<MczMember> members = validMembers();
        members.append({QStringLiteral("snapshot.bin"), QByteArray(32 * 1024 * 1024, '\0')});
        const QByteArray bomb = rawZip(members);
        QVERIFY(bomb.size() < 200 * 1024);
        const Error error = readError(bomb);
        QVERIFY2(error.message.contains(QStringLiteral("compression ratio")), qPrintable(error.toString()));
        QVERIFY(error.where.contains(QStringLiteral("snapshot.bin")));
    }

    void limitsOnSizeAndCount()
    {
        MczLimits small;
        small.maxMemberBytes = 100;
        QVERIFY(readError(rawZip(validMembers()), small).message.contains(QStringLiteral("the limit is 100 bytes")));

        MczLimits total;
        total.maxTotalBytes = 300;
        QVERIFY(readError(rawZip(validMembers()), total).message.contains(QStringLiteral("in total")));

        MczLimits archiveSize;
        archiveSize.maxArchiveBytes = 64;
        QVERIFY(readError(rawZip(validMembers()), archiveSize).message.contains(QStringLiteral("limit")));

        QList<MczMember> many = validMembers();
        for (int i = 0; i < 5000; ++i)
            many.append({QStringLiteral("dependencies/P%1").arg(i), QByteArray()});
        const Error error = readError(rawZip(many, ZIP_CM_STORE));
        QVERIFY2(error.message.contains(QStringLiteral("entries")), qPrintable(error.toString()));
    }

    // zlib may hold output back when the output buffer fills: the reader asks again, and once more
    // after the input ends, so that members that inflate to any multiple or near-multiple of its
    // 64 KiB pieces (or compress 1000:1) read whole, and their CRC-32 matches.
    void membersOfEverySizeAndRatioReadWhole()
    {
        QList<QByteArray> contents;
        for (const qsizetype size : {qsizetype(1), qsizetype(65535), qsizetype(65536), qsizetype(65537), qsizetype(131071), qsizetype(131072),
                 qsizetype(131073), qsizetype(1024 * 1024), qsizetype(3 * 1024 * 1024 + 7)})
        {
            contents.append(QByteArray(size, 'a')); // about 1000:1
            QByteArray text;
            for (int line = 0; text.size() < size; ++line)
                text += "Object subclass: #Line" + QByteArray::number(line % 97) + " instanceVariableNames: 'a b'\r";
            contents.append(text.left(size));
        }
        for (const QByteArray &content : std::as_const(contents))
        {
            const QByteArray zip = rawZip({{QStringLiteral("snapshot/source.st"), content}});
            MczLimits limits;
            limits.maxCompressionRatio = 5000; // 'aaa…' compresses 1000:1: not a bomb for this test
            Result<ZipMembers> opened = ZipMembers::openBytes(zip, QStringLiteral("sizes.zip"), limits);
            QVERIFY(opened.ok());
            ZipMembers members = std::move(opened).value();
            Result<QByteArray> read = members.readAll(0);
            QVERIFY2(read.ok(), qPrintable(QStringLiteral("%1 bytes: %2").arg(content.size()).arg(read.ok() ? QString() : read.error().toString())));
            QCOMPARE(read->size(), content.size());
            QVERIFY(read.value() == content);
            QVERIFY(members.warnings().isEmpty());
        }
    }

    void storedMembersAreReadToo()
    {
        Result<MczVersion> version = MczVersion::readBytes(rawZip(validMembers(), ZIP_CM_STORE), QStringLiteral("stored.mcz"));
        QVERIFY(version.ok());
        QCOMPARE(version->info().name(), QStringLiteral("LAN-dr.3"));
    }

    void unsupportedCompressionIsRefused()
    {
        Result<MczVersion> version = MczVersion::readBytes(rawZip(validMembers(), ZIP_CM_BZIP2), QStringLiteral("bzip.mcz"));
        QVERIFY(!version.ok());
        QVERIFY2(version.error().message.contains(QStringLiteral("compression method")), qPrintable(version.error().toString()));
    }

    // Older Squeak versions wrote some members' uncompressed size wrongly (smaller than the data)
    // with a CRC-32 that matches the whole data: Info-ZIP and Monticello read them, and so must we,
    // with a warning. The limits apply to the actual size.
    void aWrongDeclaredSizeReadsWhenItsCrcMatches()
    {
        const QList<MczMember> members = validMembers();
        const QByteArray version = members.at(1).bytes;
        const QByteArray bytes = withDeclaredSize(rawZip(members), "version", quint32(version.size() - 100));
        Result<MczVersion> read = MczVersion::readBytes(bytes, QStringLiteral("old.mcz"), MczArchive::Members::All);
        QVERIFY2(read.ok(), qPrintable(read.ok() ? QString() : read.error().toString()));
        QCOMPARE(read->info().name(), QStringLiteral("LAN-dr.3"));
        QVERIFY2(read->warnings().size() == 1 && read->warnings().first().contains(QStringLiteral("declares")), qPrintable(read->warnings().join(u'\n')));
        Result<MczSoundness> checked = checkMczBytes(bytes, QStringLiteral("old.mcz"));
        QVERIFY(checked.ok());
        QCOMPARE(checked->name, QStringLiteral("LAN-dr.3"));
        QCOMPARE(checked->warnings.size(), 1);

        MczLimits limits;
        limits.maxMemberBytes = version.size() - 50; // above the declared size, below the actual one
        Result<MczVersion> limited = MczVersion::readBytes(bytes, QStringLiteral("old.mcz"), MczArchive::Members::All, limits);
        QVERIFY(!limited.ok());
        QCOMPARE(limited.error().kind, Error::Kind::TooLarge);
    }

    // A member whose data inflates cleanly but to other bytes than its CRC-32 says is refused,
    // stored or deflated.
    void aCrcMismatchIsRefused()
    {
        QByteArray deflated = rawZip(validMembers());
        // Patch the CRC-32 of 'version' in both headers: the data inflates, its checksum differs.
        for (const QByteArray &signature : {QByteArray("PK\x03\x04"), QByteArray("PK\x01\x02")})
        {
            const qsizetype nameAt = signature == "PK\x03\x04" ? 30 : 46, crcAt = signature == "PK\x03\x04" ? 14 : 16;
            for (qsizetype at = deflated.indexOf(signature); at >= 0; at = deflated.indexOf(signature, at + 4))
            {
                if (deflated.mid(at + nameAt, 7) == "version")
                    deflated[at + crcAt] = char(deflated[at + crcAt] ^ 0x01);
            }
        }
        const Result<MczSoundness> wrongCrc = checkMczBytes(deflated, QStringLiteral("crc.mcz"));
        QVERIFY(!wrongCrc.ok());
        QVERIFY2(wrongCrc.error().message.contains(QStringLiteral("failed its CRC-32 check")), qPrintable(wrongCrc.error().toString()));
        QVERIFY(wrongCrc.error().where.contains(QStringLiteral("member 'version'")));

        QByteArray bytes = rawZip(validMembers(), ZIP_CM_STORE);
        const qsizetype at = bytes.indexOf("Object subclass");
        bytes[at] = 'o';
        const Result<MczSoundness> checked = checkMczBytes(bytes, QStringLiteral("flipped.mcz"));
        QVERIFY(!checked.ok());
        QVERIFY2(checked.error().message.contains(QStringLiteral("CRC")), qPrintable(checked.error().toString()));
        QVERIFY(checked.error().where.contains(QStringLiteral("member 'snapshot/source.st'")));
        QVERIFY(!MczVersion::readBytes(bytes, QStringLiteral("flipped.mcz"), MczArchive::Members::All).ok());
    }

    // The whole-archive check never passes an archive whose content differs from the original:
    // every single-byte flip anywhere in a real file is refused, or leaves every member's inflated
    // data as it was (a flip in a header field the CRC does not cover, or in unused padding bits).
    void noFlippedByteChangesContentUnnoticed()
    {
        const QString file = QStringLiteral("TinyBlog-LucFabresse.7.mcz");
        const QByteArray original = Test::readFile(Test::fixturePath(file));
        Result<MczArchive> reference = MczArchive::readBytes(original, file);
        QVERIFY(reference.ok());
        int refused = 0;
        for (qsizetype offset = 0; offset < original.size(); ++offset)
        {
            QByteArray flipped = original;
            flipped[offset] = char(flipped[offset] ^ 0x10);
            if (!checkMczBytes(flipped, file).ok())
            {
                ++refused;
                continue;
            }
            Result<MczArchive> read = MczArchive::readBytes(flipped, file);
            QVERIFY2(read.ok(), qPrintable(QStringLiteral("offset %1").arg(offset)));
            for (const MczMember &member : reference->members())
                QVERIFY2(read->member(member.name) == member.bytes, qPrintable(QStringLiteral("offset %1 changed %2").arg(offset).arg(member.name)));
        }
        qInfo("%d of %lld single-byte flips refused; the rest change no member's content", refused, qint64(original.size()));
        QVERIFY(refused > original.size() * 9 / 10);
    }

    // Every real fixture is sound, named and identified as the independent tool read it.
    void everyFixtureIsSound()
    {
        for (const QJsonObject &expected : Test::expectedFixtures())
        {
            const QString file = expected.value(QStringLiteral("file")).toString();
            Result<MczSoundness> checked = checkMczFile(Test::fixturePath(file));
            QVERIFY2(checked.ok(), qPrintable(checked.ok() ? QString() : checked.error().toString()));
            QCOMPARE(checked->name, expected.value(QStringLiteral("name")).toString());
            QCOMPARE(checked->id, expected.value(QStringLiteral("id")).toString());
            QVERIFY(checked->warnings.isEmpty());
        }
    }

    void missingFileIsNamed()
    {
        Result<MczVersion> version = MczVersion::readFile(QStringLiteral("/nonexistent/dir/X-y.1.mcz"));
        QVERIFY(!version.ok());
        QVERIFY(version.error().toString().contains(QStringLiteral("/nonexistent/dir/X-y.1.mcz")));
    }
};

QTEST_GUILESS_MAIN(TestMczArchive)
#include "tst_mczarchive.moc"
