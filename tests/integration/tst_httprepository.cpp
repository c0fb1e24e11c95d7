// HttpRepository against real nginx servers configured like SqueakSource (ctest fixture "nginx").

#include <QCryptographicHash>
#include <QDir>
#include <QTemporaryDir>
#include <QTest>

#include "monticello/mczversion.h"
#include "nginxserver.h"
#include "repository/httprepository.h"
#include "testsupport.h"

using namespace TwinTrunk;
using namespace TwinTrunk::Repository;
using TwinTrunk::Test::finished;

namespace
{
    QString message(const Reply &reply)
    {
        return reply.failed() ? reply.error().toString() : QString();
    }
}

class TestHttpRepository final : public QObject
{
    Q_OBJECT

    Test::NginxServer m_server{QString()};
    QTemporaryDir m_local;

    // Each test function works in its own project, so suites sharing the servers never collide.
    QString project() const { return QStringLiteral("repo-") + QString::fromLatin1(QTest::currentTestFunction()); }

    std::unique_ptr<HttpRepository> repository(const Credentials &credentials = {}) const
    {
        RepositoryOptions options;
        options.retryDelayMs = 20;
        return std::make_unique<HttpRepository>(QStringLiteral("alpha"), m_server.baseUrl(), credentials, options);
    }

    Credentials good() const { return {m_server.user(), m_server.password()}; }

    QString localFile(const QString &name, const QByteArray &bytes) const
    {
        const QString path = m_local.filePath(name);
        Test::writeFile(path, bytes);
        return path;
    }

    QString onServer(const QString &name) const { return QDir(QDir(m_server.rootDirectory()).filePath(project())).filePath(name); }

private Q_SLOTS:
    void initTestCase() { m_server = Test::fixtureServer(QStringLiteral("alpha")); }

    void listsNamesSizesAndDates()
    {
        const QString longName = QStringLiteral("ToolBuilder-Morphic-AnAuthorWithAVeryLongName.230.mcz");
        QVERIFY(m_server.seed(project(),
            {{QStringLiteral("Kernel-eem.1.mcz"), Test::makeVersion(QStringLiteral("Kernel"), QStringLiteral("eem"), 1)},
                {longName, Test::makeVersion(QStringLiteral("ToolBuilder-Morphic"), QStringLiteral("AnAuthorWithAVeryLongName"), 230)},
                {QStringLiteral("With Space-x.1.mcz"), Test::makeVersion(QStringLiteral("With Space"), QStringLiteral("x"), 1)},
                {QStringLiteral("update-mt.1.mcm"), "(dependency ('K' 'K-a.1' '91164aff-84e5-4794-96dd-9c44819a988e'))"},
                {QStringLiteral("README"), "not listed"}}));
        auto repo = repository();
        auto reply = finished(repo->list(project()));
        QVERIFY2(!reply->failed(), qPrintable(message(*reply)));
        QStringList names;
        for (const ListingEntry &entry : reply->result().entries)
        {
            names.append(entry.fileName);
            QCOMPARE(entry.size, QFileInfo(onServer(entry.fileName)).size());
            QVERIFY(entry.modified.isValid());
        }
        names.sort();
        QCOMPARE(names, (QStringList{QStringLiteral("Kernel-eem.1.mcz"), longName, QStringLiteral("With Space-x.1.mcz"), QStringLiteral("update-mt.1.mcm")}));
        QVERIFY(reply->bytesTransferred() > 0);

        // A second listing with the first's validators still gives the whole, current listing.
        auto again = finished(repo->list(project(), &reply->result()));
        QVERIFY(!again->failed());
        QCOMPARE(again->result().entries.size(), 4);
    }

    void missingProjectIsNotFound()
    {
        auto reply = finished(repository()->list(QStringLiteral("no-such-project")));
        QVERIFY(reply->failed());
        QCOMPARE(reply->error().kind, Error::Kind::NotFound);
        QVERIFY(reply->error().toString().contains(QStringLiteral("alpha")));
        QVERIFY(reply->error().toString().contains(QStringLiteral("no-such-project")));
    }

    void probeOfAKernelSizedVersionTransfersLittle()
    {
        const QByteArray kernel = Test::kernelSizedVersion();
        QVERIFY(m_server.seed(project(), {{QStringLiteral("Kernel-eem.1336.mcz"), kernel}}));
        auto reply = finished(repository()->probe(project(), QStringLiteral("Kernel-eem.1336.mcz")));
        QVERIFY2(!reply->failed(), qPrintable(message(*reply)));
        Result<Monticello::MczVersion> local = Monticello::MczVersion::readBytes(kernel, QStringLiteral("kernel"), Monticello::MczArchive::Members::Metadata);
        QCOMPARE(reply->result().name, QStringLiteral("Kernel-eem.1336"));
        QCOMPARE(reply->result().id, local->info().id());
        QCOMPARE(reply->result().fileSize, kernel.size());
        qInfo("probe transferred %lld of %lld bytes", reply->bytesTransferred(), qint64(kernel.size()));
        QVERIFY(reply->bytesTransferred() * 20 < kernel.size()); // under 5%
    }

    void fetchDownloadsTheExactBytes()
    {
        const QByteArray bytes = Test::makeVersion(QStringLiteral("Files"), QStringLiteral("dtl"), 7);
        QVERIFY(m_server.seed(project(), {{QStringLiteral("Files-dtl.7.mcz"), bytes}}));
        auto reply = finished(repository()->fetch(project(), QStringLiteral("Files-dtl.7.mcz"), m_local.path()));
        QVERIFY2(!reply->failed(), qPrintable(message(*reply)));
        QCOMPARE(Test::readFile(reply->result().path), bytes);
        QCOMPARE(reply->result().sha256, QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
        QFile::remove(reply->result().path);

        auto missing = finished(repository()->fetch(project(), QStringLiteral("Files-dtl.8.mcz"), m_local.path()));
        QCOMPARE(missing->error().kind, Error::Kind::NotFound);
        QCOMPARE(QDir(m_local.path()).entryList({QStringLiteral("*.part")}, QDir::Files).size(), 0);
    }

    void uploadOnlyWhenAbsentAndVerify()
    {
        QVERIFY(m_server.createProject(project()));
        const QString file = localFile(QStringLiteral("upload.mcz"), Test::makeVersion(QStringLiteral("Net"), QStringLiteral("pre"), 3));
        auto repo = repository(good());
        auto uploaded = finished(repo->uploadFile(project(), file));
        QVERIFY2(!uploaded->failed(), qPrintable(message(*uploaded)));
        QCOMPARE(uploaded->result().outcome, UploadResult::Outcome::Uploaded);
        QCOMPARE(Test::readFile(onServer(QStringLiteral("Net-pre.3.mcz"))), Test::readFile(file));

        auto again = finished(repo->uploadFile(project(), file));
        QVERIFY2(!again->failed(), qPrintable(message(*again)));
        QCOMPARE(again->result().outcome, UploadResult::Outcome::AlreadyPresent);

        // The same name with other contents: refused, the server's copy untouched.
        const QString twin = localFile(QStringLiteral("twin.mcz"), Test::makeVersion(QStringLiteral("Net"), QStringLiteral("pre"), 3, 1));
        auto conflict = finished(repo->uploadFile(project(), twin));
        QVERIFY(conflict->failed());
        QCOMPARE(conflict->error().kind, Error::Kind::Conflict);
        QCOMPARE(Test::readFile(onServer(QStringLiteral("Net-pre.3.mcz"))), Test::readFile(file));
    }

    void uploadWithWrongOrNoPasswordWritesNothing()
    {
        QVERIFY(m_server.createProject(project()));
        const QString file = localFile(QStringLiteral("auth.mcz"), Test::makeVersion(QStringLiteral("Auth"), QStringLiteral("x"), 1));
        for (const Credentials &credentials : {Credentials{m_server.user(), QStringLiteral("hunter2-secret")}, Credentials{}})
        {
            auto reply = finished(repository(credentials)->uploadFile(project(), file));
            QVERIFY(reply->failed());
            QCOMPARE(reply->error().kind, Error::Kind::Unauthorized);
            QVERIFY(reply->error().message.contains(QStringLiteral("401")));
            QVERIFY(!reply->error().toString().contains(QStringLiteral("hunter2"))); // never the password
            QVERIFY(!QFile::exists(onServer(QStringLiteral("Auth-x.1.mcz"))));
        }
    }

    void uploadOfSomethingThatIsNotAVersionTouchesNoServer()
    {
        QVERIFY(m_server.createProject(project()));
        const QString bogus = localFile(QStringLiteral("Bogus-x.1.mcz"), "PK but not really a zip");
        auto reply = finished(repository(good())->uploadFile(project(), bogus));
        QVERIFY(reply->failed());
        QVERIFY(reply->error().toString().contains(bogus));
        QCOMPARE(QDir(QDir(m_server.rootDirectory()).filePath(project())).entryList(QDir::Files).size(), 0);
    }

    void stoppedServerIsRefused()
    {
        // Beside the fixture's servers: a folder the unprivileged server can reach.
        Test::NginxServer temporary(QDir(qEnvironmentVariable("TWINTRUNK_TEST_SERVERS")).filePath(QStringLiteral("stopped")));
        QVERIFY2(temporary.start(), qPrintable(temporary.lastError()));
        const QUrl url = temporary.baseUrl();
        QVERIFY(temporary.stop());
        RepositoryOptions options;
        options.retryDelayMs = 10;
        HttpRepository repo(QStringLiteral("gone"), url, {}, options);
        auto reply = finished(repo.list(QStringLiteral("trunk")));
        QVERIFY(reply->failed());
        QCOMPARE(reply->error().kind, Error::Kind::Refused);
        QVERIFY(reply->error().message.contains(QStringLiteral("after 4 attempts")));
    }
};

QTEST_GUILESS_MAIN(TestHttpRepository)
#include "tst_httprepository.moc"
