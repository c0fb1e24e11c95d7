// Faults a real server will not produce on demand, from FaultServer: every one ends in the right
// error, and nothing is written anywhere.

#include <QCryptographicHash>
#include <QDir>
#include <QProcess>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslServer>
#include <QTemporaryDir>
#include <QTest>

#include "faultserver.h"
#include "repository/httprepository.h"
#include "testsupport.h"

using namespace TwinTrunk;
using namespace TwinTrunk::Repository;
using TwinTrunk::Test::finished;
using Route = TwinTrunk::Test::FaultServer::Route;
using Behaviour = Route::Behaviour;

namespace
{

    RepositoryOptions quickOptions()
    {
        RepositoryOptions options;
        options.retryDelayMs = 10;
        options.idleTimeoutMs = 400;
        options.listingTimeoutMs = 3000;
        options.transferTimeoutMs = 3000;
        return options;
    }

    QByteArray listingOf(int entries)
    {
        QByteArray page = "<html><body><pre>\n";
        for (int i = 1; i <= entries; ++i)
            page += "<a href=\"Kernel-eem." + QByteArray::number(i) + ".mcz\">Kernel-eem." + QByteArray::number(i) + ".mcz</a>  27-Nov-2026 17:40  1000\n";
        return page + "</pre></body></html>\n";
    }
}

class TestHttpFaults final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_downloads;

    std::unique_ptr<HttpRepository> repositoryOn(const Test::FaultServer &server, const RepositoryOptions &options = quickOptions(),
        const Credentials &credentials = {QStringLiteral("squeak"), QStringLiteral("secret-password")}) const
    {
        return std::make_unique<HttpRepository>(QStringLiteral("faulty"), server.baseUrl(), credentials, options);
    }

    void noPartialDownloadsLeft() const { QCOMPARE(QDir(m_downloads.path()).entryList(QDir::Files | QDir::Hidden).size(), 0); }

private Q_SLOTS:
    void transientServerErrorsAreRetriedForReads()
    {
        Test::FaultServer server;
        QVERIFY(server.listen());
        server.setRoute(QStringLiteral("/trunk/"), Route{200, {}, listingOf(3), Behaviour::Normal, 0, 100, 2, {}});
        auto reply = finished(repositoryOn(server)->list(QStringLiteral("trunk")));
        QVERIFY(!reply->failed());
        QCOMPARE(reply->result().entries.size(), 3);
        QCOMPARE(server.requestCount(QStringLiteral("/trunk/")), 3);
    }

    void persistentServerErrorsFailAfterTheRetries()
    {
        Test::FaultServer server;
        QVERIFY(server.listen());
        server.setRoute(QStringLiteral("/trunk/"), Route{503, {}, "down for maintenance", Behaviour::Normal, 0, 100, 0, {}});
        auto reply = finished(repositoryOn(server)->list(QStringLiteral("trunk")));
        QVERIFY(reply->failed());
        QCOMPARE(reply->error().kind, Error::Kind::ServerError);
        QVERIFY(reply->error().message.contains(QStringLiteral("503")));
        QVERIFY(reply->error().toString().contains(QStringLiteral("faulty")));
        QVERIFY(reply->error().toString().contains(QStringLiteral("trunk")));
        QCOMPARE(server.requestCount(QStringLiteral("/trunk/")), 4);
    }

    void uploadsAreNeverRetried()
    {
        Test::FaultServer server;
        QVERIFY(server.listen());
        const QString file = m_downloads.filePath(QStringLiteral("up.mcz"));
        Test::writeFile(file, Test::makeVersion(QStringLiteral("Up"), QStringLiteral("x"), 1));
        // HEAD says absent; the PUT meets 500 and must not be sent again.
        server.setRoute(QStringLiteral("/trunk/Up-x.1.mcz"), Route{404, {}, {}, Behaviour::Normal, 0, 100, 0, {}}, "HEAD");
        server.setRoute(QStringLiteral("/trunk/Up-x.1.mcz"), Route{500, {}, "boom", Behaviour::Normal, 0, 100, 0, {}}, "PUT");
        auto reply = finished(repositoryOn(server)->uploadFile(QStringLiteral("trunk"), file));
        QVERIFY(reply->failed());
        QCOMPARE(reply->error().kind, Error::Kind::ServerError);
        int puts = 0;
        for (const auto &request : server.requests())
            puts += request.method == "PUT" ? 1 : 0;
        QCOMPARE(puts, 1);
        QFile::remove(file);
    }

    void aNameThatAppearsBetweenCheckAndPutIsAConflictNotAnOverwrite()
    {
        Test::FaultServer server;
        QVERIFY(server.listen());
        const QString file = m_downloads.filePath(QStringLiteral("race.mcz"));
        Test::writeFile(file, Test::makeVersion(QStringLiteral("Race"), QStringLiteral("x"), 1));
        const QByteArray theirs = Test::makeVersion(QStringLiteral("Race"), QStringLiteral("x"), 1, 1);
        // HEAD: absent; PUT: 409 because someone else's version just landed; GET: theirs.
        server.setRoute(QStringLiteral("/trunk/Race-x.1.mcz"), Route{404, {}, {}, Behaviour::Normal, 0, 100, 0, {}}, "HEAD");
        server.setRoute(QStringLiteral("/trunk/Race-x.1.mcz"), Route{409, {}, "Version already exists", Behaviour::Normal, 0, 100, 0, {}}, "PUT");
        server.setRoute(QStringLiteral("/trunk/Race-x.1.mcz"), Route{200, {}, theirs, Behaviour::Normal, 0, 100, 0, {}}, "GET");
        auto reply = finished(repositoryOn(server)->uploadFile(QStringLiteral("trunk"), file));
        QVERIFY(reply->failed());
        QCOMPARE(reply->error().kind, Error::Kind::Conflict);
        QVERIFY(reply->error().message.contains(QStringLiteral("another version")));
        int puts = 0;
        for (const auto &request : server.requests())
            puts += request.method == "PUT" ? 1 : 0;
        QCOMPARE(puts, 1);
        QFile::remove(file);
    }

    void aHangingServerTimesOut()
    {
        Test::FaultServer server;
        QVERIFY(server.listen());
        server.setRoute(QStringLiteral("/trunk/"), Route{200, {}, {}, Behaviour::Hang, 0, 100, 0, {}});
        RepositoryOptions options = quickOptions();
        options.retries = 1;
        auto reply = finished(repositoryOn(server, options)->list(QStringLiteral("trunk")));
        QVERIFY(reply->failed());
        QCOMPARE(reply->error().kind, Error::Kind::Timeout);
        QCOMPARE(server.requestCount(QStringLiteral("/trunk/")), 2);
    }

    void aBodyCutShortIsTruncatedAndLeavesNoFile()
    {
        Test::FaultServer server;
        QVERIFY(server.listen());
        const QByteArray bytes = Test::makeVersion(QStringLiteral("Cut"), QStringLiteral("x"), 1);
        server.setRoute(QStringLiteral("/trunk/Cut-x.1.mcz"), Route{200, {}, bytes, Behaviour::CutShort, bytes.size() / 2, 100, 0, {}});
        auto reply = finished(repositoryOn(server)->fetch(QStringLiteral("trunk"), QStringLiteral("Cut-x.1.mcz"), m_downloads.path()));
        QVERIFY(reply->failed());
        QCOMPARE(reply->error().kind, Error::Kind::Truncated);
        QVERIFY(reply->error().message.contains(QStringLiteral("truncated")));
        noPartialDownloadsLeft();
    }

    // A GET cut short and retried must not append the retry's bytes to the first attempt's: the
    // file, its size and its SHA-256 are the whole body once; a listing holds each entry once.
    void aRetriedGetStartsItsBodyAfresh()
    {
        Test::FaultServer server;
        QVERIFY(server.listen());
        const QByteArray bytes = Test::makeVersion(QStringLiteral("Cut"), QStringLiteral("x"), 1);
        server.setRoute(QStringLiteral("/trunk/Cut-x.1.mcz"), Route{200, {}, bytes, Behaviour::CutShortOnce, bytes.size() / 2, 100, 0, {}});
        auto reply = finished(repositoryOn(server)->fetch(QStringLiteral("trunk"), QStringLiteral("Cut-x.1.mcz"), m_downloads.path()));
        QVERIFY2(!reply->failed(), qPrintable(reply->failed() ? reply->error().toString() : QString()));
        QCOMPARE(server.requestCount(QStringLiteral("/trunk/Cut-x.1.mcz")), 2);
        QCOMPARE(reply->result().size, qint64(bytes.size()));
        QCOMPARE(Test::readFile(reply->result().path), bytes);
        QCOMPARE(reply->result().sha256, QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
        QFile::remove(reply->result().path);

        auto digest = finished(repositoryOn(server)->digest(QStringLiteral("trunk"), QStringLiteral("Cut-x.1.mcz")));
        QVERIFY(!digest->failed());
        QCOMPARE(digest->result(), (ContentDigest{qint64(bytes.size()), QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex()}));

        const QByteArray page = listingOf(40);
        server.setRoute(QStringLiteral("/trunk/"), Route{200, {}, page, Behaviour::CutShortOnce, page.size() / 2, 100, 0, {}});
        auto listing = finished(repositoryOn(server)->list(QStringLiteral("trunk")));
        QVERIFY2(!listing->failed(), qPrintable(listing->failed() ? listing->error().toString() : QString()));
        QCOMPARE(listing->result().entries.size(), 40);
        noPartialDownloadsLeft();
    }

    void aSlowDripHitsTheTotalTimeout()
    {
        Test::FaultServer server;
        QVERIFY(server.listen());
        server.setRoute(QStringLiteral("/trunk/Drip-x.1.mcz"), Route{200, {}, QByteArray(500, 'x'), Behaviour::Drip, 0, 50, 0, {}});
        RepositoryOptions options = quickOptions();
        options.transferTimeoutMs = 800;
        auto reply = finished(repositoryOn(server, options)->fetch(QStringLiteral("trunk"), QStringLiteral("Drip-x.1.mcz"), m_downloads.path()));
        QVERIFY(reply->failed());
        QCOMPARE(reply->error().kind, Error::Kind::Timeout);
        noPartialDownloadsLeft();
    }

    void credentialsNeverFollowARedirectToAnotherHost()
    {
        Test::FaultServer origin, elsewhere;
        QVERIFY(origin.listen() && elsewhere.listen());
        const QByteArray bytes = Test::makeVersion(QStringLiteral("Moved"), QStringLiteral("x"), 1);
        QUrl target = elsewhere.baseUrl();
        target.setHost(QStringLiteral("localhost"));
        target.setPath(QStringLiteral("/trunk/Moved-x.1.mcz"));
        // The origin asks for the password (401), gets it, then redirects to another host.
        Route redirect{302, {{"Location", target.toEncoded()}}, {}, Behaviour::Normal, 0, 100, 0, {}};
        redirect.requireAuth = true;
        origin.setRoute(QStringLiteral("/trunk/Moved-x.1.mcz"), redirect);
        Route elsewhereRoute{200, {}, bytes, Behaviour::Normal, 0, 100, 0, {}};
        elsewhereRoute.requireAuth = true; // it would like a password too: it must not get ours
        elsewhere.setRoute(QStringLiteral("/trunk/Moved-x.1.mcz"), elsewhereRoute);

        auto reply = finished(repositoryOn(origin)->fetch(QStringLiteral("trunk"), QStringLiteral("Moved-x.1.mcz"), m_downloads.path()));
        QVERIFY(reply->failed());
        QCOMPARE(reply->error().kind, Error::Kind::Unauthorized);
        QCOMPARE(origin.requests().size(), 2);
        QVERIFY(!origin.requests().at(0).headers.contains("authorization")); // reads start anonymous
        QVERIFY(origin.requests().at(1).headers.contains("authorization"));  // the origin asked
        QCOMPARE(elsewhere.requests().size(), 1);
        QVERIFY(!elsewhere.requests().first().headers.contains("authorization"));
        noPartialDownloadsLeft();

        // Without a password demanded anywhere, the redirect is simply followed.
        origin.setRoute(QStringLiteral("/trunk/Moved-x.1.mcz"), Route{302, {{"Location", target.toEncoded()}}, {}, Behaviour::Normal, 0, 100, 0, {}});
        elsewhere.setRoute(QStringLiteral("/trunk/Moved-x.1.mcz"), Route{200, {}, bytes, Behaviour::Normal, 0, 100, 0, {}});
        auto followed = finished(repositoryOn(origin)->fetch(QStringLiteral("trunk"), QStringLiteral("Moved-x.1.mcz"), m_downloads.path()));
        QVERIFY(!followed->failed());
        QCOMPARE(Test::readFile(followed->result().path), bytes);
        QFile::remove(followed->result().path);
        QVERIFY(!elsewhere.requests().last().headers.contains("authorization"));
    }

    void anUploadIsNeverRedirectedElsewhere()
    {
        Test::FaultServer origin, elsewhere;
        QVERIFY(origin.listen() && elsewhere.listen());
        const QString file = m_downloads.filePath(QStringLiteral("redirected.mcz"));
        Test::writeFile(file, Test::makeVersion(QStringLiteral("Away"), QStringLiteral("x"), 1));
        QUrl target = elsewhere.baseUrl();
        target.setPath(QStringLiteral("/trunk/Away-x.1.mcz"));
        origin.setRoute(QStringLiteral("/trunk/Away-x.1.mcz"), Route{404, {}, {}, Behaviour::Normal, 0, 100, 0, {}}, "HEAD");
        origin.setRoute(QStringLiteral("/trunk/Away-x.1.mcz"), Route{307, {{"Location", target.toEncoded()}}, {}, Behaviour::Normal, 0, 100, 0, {}}, "PUT");
        auto reply = finished(repositoryOn(origin)->uploadFile(QStringLiteral("trunk"), file));
        QVERIFY(reply->failed());
        QCOMPARE(reply->error().kind, Error::Kind::Unsafe);
        QCOMPARE(elsewhere.requests().size(), 0);
        QFile::remove(file);
    }

    void hugeListingsAreRefused()
    {
        Test::FaultServer server;
        QVERIFY(server.listen());
        server.setRoute(QStringLiteral("/big/"), Route{200, {}, QByteArray(50 * 1024 * 1024, ' '), Behaviour::Normal, 0, 100, 0, {}});
        server.setRoute(QStringLiteral("/many/"), Route{200, {}, listingOf(100000), Behaviour::Normal, 0, 100, 0, {}});
        auto repo = repositoryOn(server);
        auto big = finished(repo->list(QStringLiteral("big")));
        QVERIFY(big->failed());
        QCOMPARE(big->error().kind, Error::Kind::TooLarge);
        QVERIFY(big->bytesTransferred() <= 33 * 1024 * 1024);
        auto many = finished(repo->list(QStringLiteral("many")));
        QVERIFY(many->failed());
        QCOMPARE(many->error().kind, Error::Kind::TooLarge);
        QVERIFY(many->error().message.contains(QStringLiteral("entries")));
    }

    void hostileListingEntriesAreDroppedWithWarnings()
    {
        Test::FaultServer server;
        QVERIFY(server.listen());
        server.setRoute(QStringLiteral("/trunk/"),
            Route{200, {}, "<a href=\"Good-x.1.mcz\">ok</a>\n<a href=\"../../etc/Evil-x.1.mcz\">x</a>\n<a href=\"http://evil.example/Evil-x.2.mcz\">x</a>\n",
                Behaviour::Normal, 0, 100, 0, {}});
        auto reply = finished(repositoryOn(server)->list(QStringLiteral("trunk")));
        QVERIFY(!reply->failed());
        QCOMPARE(reply->result().entries.size(), 1);
        QCOMPARE(reply->warnings().size(), 2);
    }

    void anUnchangedListingIsA304()
    {
        Test::FaultServer server;
        QVERIFY(server.listen());
        server.setRoute(QStringLiteral("/trunk/"), Route{200, {}, listingOf(5), Behaviour::Normal, 0, 100, 0, "\"v1\""});
        auto repo = repositoryOn(server);
        auto first = finished(repo->list(QStringLiteral("trunk")));
        QVERIFY(!first->failed());
        QCOMPARE(first->result().etag, QStringLiteral("\"v1\""));
        auto second = finished(repo->list(QStringLiteral("trunk"), &first->result()));
        QVERIFY(!second->failed());
        QVERIFY(second->result().notModified);
        QCOMPARE(second->result().entries.size(), 5);
        QCOMPARE(second->bytesTransferred(), 0);
    }

    void aServerIgnoringRangeIsCutOffOnceTheIdIsRead()
    {
        Test::FaultServer server;
        QVERIFY(server.listen());
        const QByteArray kernel = Test::kernelSizedVersion();
        server.setRoute(QStringLiteral("/trunk/Kernel-eem.1336.mcz"), Route{200, {}, kernel, Behaviour::Normal, 0, 100, 0, {}});
        auto reply = finished(repositoryOn(server)->probe(QStringLiteral("trunk"), QStringLiteral("Kernel-eem.1336.mcz")));
        QVERIFY2(!reply->failed(), qPrintable(reply->failed() ? reply->error().toString() : QString()));
        QCOMPARE(reply->result().name, QStringLiteral("Kernel-eem.1336"));
        QCOMPARE(reply->result().fileSize, kernel.size());
        QVERIFY(reply->bytesTransferred() < kernel.size() / 2);
    }

    void aCorruptFileFallsBackAndFailsClearly()
    {
        Test::FaultServer server;
        QVERIFY(server.listen());
        server.setRoute(QStringLiteral("/trunk/Bad-x.1.mcz"),
            Route{206, {{"Content-Range", "bytes 0-19/20"}}, "this is not a zip!!!", Behaviour::Normal, 0, 100, 0, {}});
        auto reply = finished(repositoryOn(server)->probe(QStringLiteral("trunk"), QStringLiteral("Bad-x.1.mcz")));
        QVERIFY(reply->failed());
        QCOMPARE(reply->error().kind, Error::Kind::Invalid);
        QVERIFY(reply->error().toString().contains(QStringLiteral("Bad-x.1.mcz")));
        QVERIFY(reply->error().message.contains(QStringLiteral("not a zip")));
    }

    void dnsRefusedAndTlsFailuresAreNamed()
    {
        RepositoryOptions options = quickOptions();
        options.retries = 0;
        HttpRepository nowhere(QStringLiteral("nowhere"), QUrl(QStringLiteral("http://no-such-host.invalid/")), {}, options);
        auto dns = finished(nowhere.list(QStringLiteral("trunk")));
        QVERIFY(dns->failed());
        QCOMPARE(dns->error().kind, Error::Kind::Dns);

        Test::FaultServer plain;
        QVERIFY(plain.listen());
        QUrl tls = plain.baseUrl();
        tls.setScheme(QStringLiteral("https"));
        HttpRepository handshake(QStringLiteral("tls"), tls, {}, options);
        auto tlsReply = finished(handshake.list(QStringLiteral("trunk")));
        QVERIFY(tlsReply->failed());
        QVERIFY2(tlsReply->error().kind == Error::Kind::Tls, qPrintable(tlsReply->error().toString()));
    }

    void anUntrustedCertificateIsAnError()
    {
        // A real TLS server with a self-signed certificate: the handshake must fail, never be
        // accepted quietly.
        QTemporaryDir keys;
        const QString key = keys.filePath(QStringLiteral("key.pem")), certificate = keys.filePath(QStringLiteral("cert.pem"));
        const int made = QProcess::execute(QStringLiteral("openssl"),
            {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"), QStringLiteral("-nodes"),
                QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1"), QStringLiteral("-days"), QStringLiteral("1"), QStringLiteral("-keyout"), key,
                QStringLiteral("-out"), certificate});
        QCOMPARE(made, 0);

        QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
        configuration.setLocalCertificate(QSslCertificate(Test::readFile(certificate)));
        configuration.setPrivateKey(QSslKey(Test::readFile(key), QSsl::Rsa));
        QSslServer server;
        server.setSslConfiguration(configuration);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        connect(&server, &QSslServer::pendingConnectionAvailable, &server, [&server] {
            while (QTcpSocket *socket = server.nextPendingConnection())
                socket->setParent(&server);
        });

        RepositoryOptions options = quickOptions();
        options.retries = 0;
        HttpRepository repository(QStringLiteral("selfsigned"), QUrl(QStringLiteral("https://127.0.0.1:%1/").arg(server.serverPort())),
            {QStringLiteral("squeak"), QStringLiteral("secret")}, options);
        auto reply = finished(repository.list(QStringLiteral("trunk")));
        QVERIFY(reply->failed());
        QVERIFY2(reply->error().kind == Error::Kind::Tls, qPrintable(reply->error().toString()));
        // Named by what the check found, not a generic handshake failure.
        QVERIFY2(reply->error().message.contains(QStringLiteral("self-signed"), Qt::CaseInsensitive), qPrintable(reply->error().toString()));
    }

    void credentialsOverPlainHttpToAnotherMachineAreWarnedAbout()
    {
        HttpRepository remote(QStringLiteral("box4"), QUrl(QStringLiteral("http://box4.squeak.org/")), {QStringLiteral("squeak"), QStringLiteral("squeak")},
            {});
        QVERIFY(remote.credentialWarning().contains(QStringLiteral("plain http")));
        QVERIFY(!remote.credentialWarning().contains(QStringLiteral("squeak'"))); // user named, password never
        HttpRepository local(QStringLiteral("test"), QUrl(QStringLiteral("http://127.0.0.1:8080/")), {QStringLiteral("a"), QStringLiteral("b")}, {});
        QVERIFY(local.credentialWarning().isEmpty());
        HttpRepository secure(QStringLiteral("box2"), QUrl(QStringLiteral("https://source.squeak.org/")), {QStringLiteral("a"), QStringLiteral("b")}, {});
        QVERIFY(secure.credentialWarning().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestHttpFaults)
#include "tst_httpfaults.moc"
