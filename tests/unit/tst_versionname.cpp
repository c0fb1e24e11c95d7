#include <QTest>

#include "monticello/versionname.h"
#include "testsupport.h"

using namespace TwinTrunk::Monticello;

class TestVersionName final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parts_data()
    {
        QTest::addColumn<QString>("fileName");
        QTest::addColumn<QString>("versionName");
        QTest::addColumn<QString>("package");
        QTest::addColumn<QString>("branch");
        QTest::addColumn<QString>("author");
        QTest::addColumn<qint64>("number");
        QTest::addColumn<QString>("diffyBase");
        QTest::addColumn<bool>("valid");

        QTest::newRow("plain") << "Kernel-eem.1234.mcz"
                               << "Kernel-eem.1234"
                               << "Kernel"
                               << ""
                               << "eem" << qint64(1234) << "" << true;
        QTest::newRow("branch") << "VMMaker.oscog-eem.3000.mcz"
                                << "VMMaker.oscog-eem.3000"
                                << "VMMaker"
                                << "oscog"
                                << "eem" << qint64(3000) << "" << true;
        QTest::newRow("hyphenated package") << "ToolBuilder-Morphic-mt.230.mcz"
                                            << "ToolBuilder-Morphic-mt.230"
                                            << "ToolBuilder-Morphic"
                                            << ""
                                            << "mt" << qint64(230) << "" << true;
        QTest::newRow("diffy number") << "Kernel-eem.1235(1234).mcd"
                                      << "Kernel-eem.1235"
                                      << "Kernel"
                                      << ""
                                      << "eem" << qint64(1235) << "1234" << true;
        QTest::newRow("diffy author") << "Kernel-eem.1235(ul.1230).mcd"
                                      << "Kernel-eem.1235"
                                      << "Kernel"
                                      << ""
                                      << "eem" << qint64(1235) << "ul.1230" << true;
        QTest::newRow("diffy other") << "Kernel-eem.1235(@Other-x.7).mcd"
                                     << "Kernel-eem.1235"
                                     << "Kernel"
                                     << ""
                                     << "eem" << qint64(1235) << "@Other-x.7" << true;
        QTest::newRow("update map") << "update-mt.480.mcm"
                                    << "update-mt.480"
                                    << "update"
                                    << ""
                                    << "mt" << qint64(480) << "" << true;
        QTest::newRow("non-numeric") << "TinyBlog-LucFabresse.chap2_v1.mcz"
                                     << "TinyBlog-LucFabresse.chap2_v1"
                                     << "TinyBlog"
                                     << ""
                                     << "LucFabresse" << qint64(0) << "" << false;
        QTest::newRow("leading digits") << "TinyBlog-LucFabresse.1_3.mcz"
                                        << "TinyBlog-LucFabresse.1_3"
                                        << "TinyBlog"
                                        << ""
                                        << "LucFabresse" << qint64(1) << "" << true;
        QTest::newRow("double extension") << "TinyBlog-StephaneDucasse.chap8_v2.mcz.mcz"
                                          << "TinyBlog-StephaneDucasse.chap8_v2.mcz"
                                          << "TinyBlog"
                                          << ""
                                          << "StephaneDucasse" << qint64(0) << "" << false;
        QTest::newRow("name inside name") << "TinyBlog-StephaneDucasse.chap9_v2.mcz-StephaneDucasse.1.mcz"
                                          << "TinyBlog-StephaneDucasse.chap9_v2.mcz-StephaneDucasse.1"
                                          << "TinyBlog-StephaneDucasse"
                                          << "chap9_v2.mcz"
                                          << "StephaneDucasse" << qint64(1) << "" << true;
        QTest::newRow("no author") << "Kernel.mcz"
                                   << "Kernel"
                                   << "Kernel"
                                   << ""
                                   << "" << qint64(0) << "" << false;
        QTest::newRow("no number") << "Kernel-eem.mcz"
                                   << "Kernel-eem"
                                   << "Kernel"
                                   << ""
                                   << "eem" << qint64(0) << "" << false;
        QTest::newRow("zero") << "Kernel-eem.0.mcz"
                              << "Kernel-eem.0"
                              << "Kernel"
                              << ""
                              << "eem" << qint64(0) << "" << false;
        QTest::newRow("huge number") << "Kernel-eem.12345678901234567890123.mcz"
                                     << "Kernel-eem.12345678901234567890123"
                                     << "Kernel"
                                     << ""
                                     << "eem" << qint64(0) << "" << false;
        QTest::newRow("empty") << ""
                               << ""
                               << ""
                               << ""
                               << "" << qint64(0) << "" << false;
        QTest::newRow("only extension") << ".mcz"
                                        << ".mcz"
                                        << ""
                                        << "mcz"
                                        << "" << qint64(0) << "" << false;
        QTest::newRow("dash only") << "-.mcz"
                                   << "-"
                                   << ""
                                   << ""
                                   << "" << qint64(0) << "" << false;
        QTest::newRow("parenthesis only") << "(.mcd"
                                          << "("
                                          << "("
                                          << ""
                                          << "" << qint64(0) << "" << false;
        QTest::newRow("unknown extension") << "Kernel-eem.12.zip"
                                           << "Kernel-eem.12.zip"
                                           << "Kernel"
                                           << ""
                                           << "eem" << qint64(12) << "" << true;
    }

    void parts()
    {
        QFETCH(QString, fileName);
        const VersionName name = VersionName::fromFileName(fileName);
        QCOMPARE(name.fileName(), fileName);
        QTEST(name.versionName(), "versionName");
        QTEST(name.package(), "package");
        QTEST(name.branch(), "branch");
        QTEST(name.author(), "author");
        QTEST(name.number(), "number");
        QTEST(name.diffyBase(), "diffyBase");
        QTEST(name.isValid(), "valid");
    }

    void kinds()
    {
        QCOMPARE(VersionName::fromFileName(QStringLiteral("A-b.1.mcz")).kind(), VersionFileKind::Version);
        QCOMPARE(VersionName::fromFileName(QStringLiteral("A-b.1(0).mcd")).kind(), VersionFileKind::Diffy);
        QCOMPARE(VersionName::fromFileName(QStringLiteral("update-b.1.mcm")).kind(), VersionFileKind::UpdateMap);
        QCOMPARE(VersionName::fromFileName(QStringLiteral("A-b.1.txt")).kind(), VersionFileKind::Other);
        QCOMPARE(VersionName::fromFileName(QStringLiteral("A-b.1.mcz")).extension(), QStringLiteral("mcz"));
    }

    void everyFixtureNameParsesWithoutSurprises()
    {
        for (const QJsonObject &expected : TwinTrunk::Test::expectedFixtures())
        {
            const QString file = expected.value(QStringLiteral("file")).toString();
            const VersionName name = VersionName::fromFileName(file);
            QCOMPARE(name.versionName(), expected.value(QStringLiteral("name")).toString());
            QCOMPARE(name.author(), expected.value(QStringLiteral("author")).toString());
        }
    }

    void fileNameForInfoName()
    {
        QCOMPARE(VersionName::fileNameForInfoName(QStringLiteral("Kernel-eem.1234")), QStringLiteral("Kernel-eem.1234.mcz"));
        QCOMPARE(VersionName::fileNameForInfoName(QStringLiteral("A/B:c-d.1")), QStringLiteral("A_B_c-d.1.mcz"));
        QCOMPARE(VersionName::fileNameForInfoName(QStringLiteral("TinyBlog-StephaneDucasse.chap8_v2.mcz")),
            QStringLiteral("TinyBlog-StephaneDucasse.chap8_v2.mcz.mcz"));
        QCOMPARE(VersionName::compose(QStringLiteral("VMMaker.oscog"), QStringLiteral("eem"), 3001), QStringLiteral("VMMaker.oscog-eem.3001"));
    }
};

QTEST_GUILESS_MAIN(TestVersionName)
#include "tst_versionname.moc"
