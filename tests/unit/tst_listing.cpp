#include <QTest>

#include "repository/listing.h"

using namespace TwinTrunk;
using namespace TwinTrunk::Repository;

class TestListing final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void nginxAutoindexTakesHrefsSizesAndDates()
    {
        // nginx cuts the link text at 50 characters; the href has the whole name.
        const QByteArray page =
            "<html>\r\n<head><title>Index of /trunk/</title></head>\r\n<body>\r\n<h1>Index of /trunk/</h1><hr><pre>"
            "<a href=\"../\">../</a>\r\n"
            "<a href=\"Kernel-eem.1234.mcz\">Kernel-eem.1234.mcz</a>                                27-Nov-2026 17:40               912345\r\n"
            "<a href=\"ToolBuilder-Morphic-ThisIsAVeryLongAuthorName.230.mcz\">ToolBuilder-Morphic-ThisIsAVeryLongAuthorName.2..&gt;</a> 01-Feb-2021 09:05   "
            "1234\r\n"
            "<a href=\"Name%20With%20Space-x.1.mcz\">Name With Space-x.1.mcz</a>  01-Feb-2021 09:05   77\r\n"
            "<a href=\"update-mt.480.mcm\">update-mt.480.mcm</a>  02-Feb-2021 10:00   711\r\n"
            "<a href=\"README.txt\">README.txt</a>  02-Feb-2021 10:00   12\r\n"
            "<a href=\"Kernel-eem.1235(1234).mcd\">diffy</a>  02-Feb-2021 10:00   12\r\n"
            "</pre><hr></body>\r\n</html>\r\n";
        Result<Listing> listing = parseHtmlListing(page, QStringLiteral("box2 trunk"));
        QVERIFY(listing.ok());
        QCOMPARE(listing->entries.size(), 4);
        QCOMPARE(listing->entries.at(0).fileName, QStringLiteral("Kernel-eem.1234.mcz"));
        QCOMPARE(listing->entries.at(0).size, 912345);
        QCOMPARE(listing->entries.at(0).modified, QDateTime(QDate(2026, 11, 27), QTime(17, 40), Qt::UTC));
        QCOMPARE(listing->entries.at(1).fileName, QStringLiteral("ToolBuilder-Morphic-ThisIsAVeryLongAuthorName.230.mcz"));
        QCOMPARE(listing->entries.at(1).size, 1234);
        QCOMPARE(listing->entries.at(2).fileName, QStringLiteral("Name With Space-x.1.mcz"));
        QCOMPARE(listing->entries.at(3).fileName, QStringLiteral("update-mt.480.mcm"));
        QVERIFY(listing->warnings.isEmpty());
    }

    void squeakSourcePageHasNamesOnly()
    {
        const QByteArray page = "<html><body><a href=\"Kernel-eem.1235.mcz\">Kernel-eem.1235.mcz</a><br/>\n"
                                "<A HREF=\"Kernel-eem.1234.mcz\">Kernel-eem.1234.mcz</A><br/>\n</body></html>";
        Result<Listing> listing = parseHtmlListing(page, QStringLiteral("box4 trunk"));
        QVERIFY(listing.ok());
        QCOMPARE(listing->entries.size(), 2);
        QCOMPARE(listing->entries.at(1).fileName, QStringLiteral("Kernel-eem.1234.mcz"));
        QCOMPARE(listing->entries.at(1).size, -1);
        QVERIFY(!listing->entries.at(1).modified.isValid());
    }

    void apacheFancyIndexRoundedSizesAreNotExact()
    {
        const QByteArray page =
            "<tr><td valign=\"top\"><img src=\"/icons/unknown.gif\" alt=\"[   ]\"></td><td><a href=\"Kernel-eem.1234.mcz\">Kernel-eem.1234.mcz</a></td>"
            "<td align=\"right\">2026-11-27 17:40  </td><td align=\"right\">891K</td></tr>\n"
            "<tr><td><a href=\"Kernel-eem.1233.mcz\">Kernel-eem.1233.mcz</a></td><td align=\"right\">2026-11-26 08:00  </td><td "
            "align=\"right\">912</td></tr>\n";
        Result<Listing> listing = parseHtmlListing(page, QStringLiteral("apache trunk"));
        QVERIFY(listing.ok());
        QCOMPARE(listing->entries.size(), 2);
        QCOMPARE(listing->entries.at(0).size, -1);
        QCOMPARE(listing->entries.at(0).modified, QDateTime(QDate(2026, 11, 27), QTime(17, 40), Qt::UTC));
        QCOMPARE(listing->entries.at(1).size, 912);
    }

    void hostileEntriesAreDroppedWithAWarning_data()
    {
        QTest::addColumn<QByteArray>("href");
        QTest::newRow("parent") << QByteArray("../../etc/X-y.1.mcz");
        QTest::newRow("dots") << QByteArray("..X-y.1.mcz");
        QTest::newRow("slash") << QByteArray("sub/X-y.1.mcz");
        QTest::newRow("encoded slash") << QByteArray("sub%2FX-y.1.mcz");
        QTest::newRow("backslash") << QByteArray("sub\\X-y.1.mcz");
        QTest::newRow("absolute url") << QByteArray("http://evil.example/trunk/X-y.1.mcz");
        QTest::newRow("other host") << QByteArray("//evil.example/X-y.1.mcz");
        QTest::newRow("control") << QByteArray("X%0D%0A-y.1.mcz");
        QTest::newRow("nul") << QByteArray("X%00-y.1.mcz");
        QTest::newRow("too long") << QByteArray(QByteArray(300, 'a') + "-y.1.mcz");
        QTest::newRow("absolute path") << QByteArray("/trunk/X-y.1.mcz");
        QTest::newRow("only an extension") << QByteArray(".mcz");
        QTest::newRow("only a map extension") << QByteArray(".mcm");
    }

    void hostileEntriesAreDroppedWithAWarning()
    {
        QFETCH(QByteArray, href);
        const QByteArray page = "<a href=\"Good-x.1.mcz\">Good</a>\n<a href=\"" + href + "\">evil</a>\n";
        Result<Listing> listing = parseHtmlListing(page, QStringLiteral("box2 trunk"));
        QVERIFY(listing.ok());
        QCOMPARE(listing->entries.size(), 1);
        QCOMPARE(listing->entries.first().fileName, QStringLiteral("Good-x.1.mcz"));
        QCOMPARE(listing->warnings.size(), 1);
        QVERIFY(listing->warnings.first().startsWith(QStringLiteral("box2 trunk: dropped listing entry")));
        QVERIFY(!listing->warnings.first().contains(u'\r'));
    }

    void duplicatesKeepTheFirst()
    {
        Result<Listing> listing = parseHtmlListing("<a href=\"A-b.1.mcz\">x</a><a href=\"A-b.1.mcz\">y</a>", QStringLiteral("s p"));
        QVERIFY(listing.ok());
        QCOMPARE(listing->entries.size(), 1);
        QCOMPARE(listing->warnings.size(), 1);
    }

    void limits()
    {
        QByteArray many;
        for (int i = 0; i < 100000; ++i)
            many += "<a href=\"P-a." + QByteArray::number(i + 1) + ".mcz\">x</a>\n";
        Result<Listing> tooMany = parseHtmlListing(many, QStringLiteral("box2 trunk"));
        QVERIFY(!tooMany.ok());
        QCOMPARE(tooMany.error().kind, Error::Kind::TooLarge);
        QVERIFY(tooMany.error().toString().contains(QStringLiteral("box2 trunk")));

        ListingLimits generous;
        generous.maxEntries = 200000;
        Result<Listing> allowed = parseHtmlListing(many, QStringLiteral("box2 trunk"), generous);
        QVERIFY(allowed.ok());
        QCOMPARE(allowed->entries.size(), 100000);

        ListingLimits small;
        small.maxBytes = 10;
        QCOMPARE(parseHtmlListing(many, QStringLiteral("s"), small).error().kind, Error::Kind::TooLarge);
    }

    void garbageIsNotACrash()
    {
        for (const QByteArray &page : {QByteArray(), QByteArray("<a"), QByteArray("<a href=\"unterminated.mcz"), QByteArray("<a \"\">"), QByteArray(1000, '<'),
                 QByteArray("\xff\xfe<a href=\"\xc3\x28.mcz\">")})
        {
            Result<Listing> listing = parseHtmlListing(page, QStringLiteral("s p"));
            QVERIFY(listing.ok());
        }
    }
};

QTEST_GUILESS_MAIN(TestListing)
#include "tst_listing.moc"
