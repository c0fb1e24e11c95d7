// Random mutations of real Monticello data: every reader must return a value or an error, never
// crash, hang or trip a sanitizer. Reproducible: the seed is printed and can be set with
// TWINTRUNK_FUZZ_SEED; TWINTRUNK_FUZZ_ROUNDS scales the number of mutations.

#include <QRandomGenerator>
#include <QTest>

#include "monticello/mczversion.h"
#include "monticello/sourcedefinitions.h"
#include "monticello/updatemap.h"
#include "monticello/versioninfo.h"
#include "testsupport.h"

using namespace TwinTrunk;
using namespace TwinTrunk::Monticello;

namespace
{
    class Mutator
    {
    public:
        explicit Mutator(quint32 seed) : m_random(seed) {}

        QByteArray mutate(QByteArray bytes)
        {
            const int edits = 1 + int(m_random.bounded(4));
            for (int i = 0; i < edits; ++i)
                bytes = mutateOnce(bytes);
            return bytes;
        }

    private:
        QByteArray mutateOnce(QByteArray bytes)
        {
            static const QByteArray interesting[] = {"(", ")", "'", "''", "#", "!", "!!", "\r", "\n", "\0", "(id '91164aff-84e5-4794-96dd-9c44819a988e')",
                "ancestors (", "stepChildren", "\xff\xfe", "PK\x03\x04"};
            const qsizetype size = bytes.size();
            const qsizetype at = size > 0 ? qsizetype(m_random.bounded(quint64(size))) : 0;
            switch (m_random.bounded(7))
            {
            case 0: // flip bits
                if (size > 0)
                    bytes[at] = char(bytes[at] ^ char(1 << m_random.bounded(8)));
                break;
            case 1: // random byte
                if (size > 0)
                    bytes[at] = char(m_random.bounded(256));
                break;
            case 2: // delete a run
                bytes.remove(at, qsizetype(m_random.bounded(16)) + 1);
                break;
            case 3: // insert a token Monticello's syntax cares about
                bytes.insert(at, interesting[m_random.bounded(int(std::size(interesting)))]);
                break;
            case 4: // truncate
                bytes.truncate(at);
                break;
            case 5: // duplicate a slice
            {
                const qsizetype length = std::min<qsizetype>(size - at, qsizetype(m_random.bounded(64)));
                bytes.insert(at, bytes.mid(at, length));
                break;
            }
            default: // overwrite with a 32-bit value (sizes and offsets in zip headers)
                if (size >= 4 && at <= size - 4)
                {
                    const quint32 value = m_random.bounded(2) ? m_random.generate() : quint32(m_random.bounded(0x10000));
                    memcpy(bytes.data() + at, &value, 4);
                }
                break;
            }
            return bytes;
        }

        QRandomGenerator m_random;
    };

    int rounds(int base)
    {
        const int scale = qEnvironmentVariableIsSet("TWINTRUNK_FUZZ_ROUNDS") ? qEnvironmentVariableIntValue("TWINTRUNK_FUZZ_ROUNDS") : 1;
        return base * std::max(scale, 1);
    }

    quint32 seed()
    {
        const quint32 value = qEnvironmentVariableIsSet("TWINTRUNK_FUZZ_SEED") ? quint32(qEnvironmentVariableIntValue("TWINTRUNK_FUZZ_SEED"))
                                                                               : quint32(QDateTime::currentMSecsSinceEpoch());
        qInfo("fuzz seed %u (set TWINTRUNK_FUZZ_SEED to repeat)", value);
        return value;
    }
}

class TestFormatFuzz final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void mutatedVersionMembers()
    {
        Mutator mutator(seed());
        const QStringList files = Test::fixtureFileNames();
        int parsed = 0;
        for (int i = 0; i < rounds(6000); ++i)
        {
            const QByteArray original = Test::fixtureMember(files.at(i % files.size()), QStringLiteral("version"));
            const QByteArray mutated = mutator.mutate(original);
            Result<VersionInfo> info = VersionInfo::parse(mutated);
            if (!info)
            {
                // Errors always say where.
                QVERIFY(info.error().offset >= 0);
                QVERIFY(info.error().offset <= mutated.size());
                continue;
            }
            ++parsed;
            // Whatever parses, writes, and reads back to the same value.
            Result<VersionInfo> again = VersionInfo::parse(info->serialize());
            QVERIFY(again.ok());
            QVERIFY(again.value() == info.value());
            (void)info->totalAncestorCount();
        }
        qInfo("%d mutated version members still parsed", parsed);
    }

    void mutatedArchives()
    {
        Mutator mutator(seed());
        const QStringList files = Test::fixtureFileNames();
        QList<QByteArray> originals;
        for (const QString &file : files)
            originals.append(Test::readFile(Test::fixturePath(file)));
        int read = 0;
        for (int i = 0; i < rounds(3000); ++i)
        {
            const QByteArray mutated = mutator.mutate(originals.at(i % originals.size()));
            Result<MczVersion> version = MczVersion::readBytes(mutated, QStringLiteral("mutated.mcz"), MczArchive::Members::All);
            if (!version)
            {
                QVERIFY(version.error().where.startsWith(QStringLiteral("mutated.mcz")));
                continue;
            }
            ++read;
            (void)version->definitions();
        }
        qInfo("%d mutated archives still read", read);
    }

    void mutatedSourcesAndMaps()
    {
        Mutator mutator(seed());
        const QByteArray source = Test::fixtureMember(QStringLiteral("TinyBlog-LucFabresse.chap2_v1.mcz"), QStringLiteral("snapshot/source.st"));
        const QByteArray map = "(\rname 'update-mt.480'\rrepository ('http://source.squeak.org/trunk')\r"
                               "dependency ('Kernel' 'Kernel-eem.1234' '91164aff-84e5-4794-96dd-9c44819a988e')\r)\r";
        for (int i = 0; i < rounds(2000); ++i)
        {
            (void)SourceDefinitions::parse(mutator.mutate(source));
            Result<UpdateMap> parsed = UpdateMap::parse(mutator.mutate(map));
            if (!parsed)
                QVERIFY(parsed.error().offset >= 0);
        }
    }
};

QTEST_GUILESS_MAIN(TestFormatFuzz)
#include "tst_formatfuzz.moc"
