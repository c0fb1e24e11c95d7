#include <QDir>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "monticello/versioninfo.h"
#include "repository/directoryrepository.h"
#include "repository/localversion.h"
#include "testsupport.h"

using namespace TwinTrunk;
using namespace TwinTrunk::Repository;
using TwinTrunk::Test::finished;

class TestDirectoryRepository final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_server;

    QString project(const QString &name) const { return QDir(m_server).filePath(name); }

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_server = m_dir.filePath(QStringLiteral("server"));
        QVERIFY(QDir().mkpath(project(QStringLiteral("trunk"))));
        Test::writeFile(QDir(project(QStringLiteral("trunk"))).filePath(QStringLiteral("Kernel-eem.1.mcz")),
            Test::makeVersion(QStringLiteral("Kernel"), QStringLiteral("eem"), 1));
        Test::writeFile(QDir(project(QStringLiteral("trunk"))).filePath(QStringLiteral("notes.txt")), "not a version");
    }

    void cleanup() { QDir(m_server).removeRecursively(); }

    void listsVersionFilesWithSizeAndDate()
    {
        DirectoryRepository repository(QStringLiteral("box"), m_server);
        auto reply = finished(repository.list(QStringLiteral("trunk")));
        QVERIFY(!reply->failed());
        QCOMPARE(reply->result().entries.size(), 1);
        QCOMPARE(reply->result().entries.first().fileName, QStringLiteral("Kernel-eem.1.mcz"));
        QVERIFY(reply->result().entries.first().size > 0);
        QVERIFY(reply->result().entries.first().modified.isValid());

        auto missing = finished(repository.list(QStringLiteral("nonexistent")));
        QVERIFY(missing->failed());
        QCOMPARE(missing->error().kind, Error::Kind::NotFound);
        QVERIFY(missing->error().toString().contains(QStringLiteral("box")));

        auto hostile = finished(repository.list(QStringLiteral("..")));
        QVERIFY(hostile->failed());
        QCOMPARE(hostile->error().kind, Error::Kind::Invalid);
    }

    // A server folder that is not there (a disk not mounted) is a server that is down: no
    // project "not there yet" that a sync would fill, and nothing is ever written under it.
    void aMissingServerFolderIsDownNotEmpty()
    {
        const QString unmounted = m_dir.filePath(QStringLiteral("unmounted"));
        DirectoryRepository repository(QStringLiteral("box"), unmounted);
        auto listing = finished(repository.list(QStringLiteral("trunk")));
        QVERIFY(listing->failed());
        QVERIFY(listing->error().kind != Error::Kind::NotFound);
        QVERIFY2(listing->error().toString().contains(QStringLiteral("missing")), qPrintable(listing->error().toString()));
        const QString version = QDir(project(QStringLiteral("trunk"))).filePath(QStringLiteral("Kernel-eem.1.mcz"));
        Result<Repository::CheckedFile> checked = Repository::checkLocalFile(version, QStringLiteral("Kernel-eem.1.mcz"));
        QVERIFY(checked.ok());
        auto upload = finished(repository.upload(QStringLiteral("trunk"), checked.value()));
        QVERIFY(upload->failed());
        QVERIFY(!QFileInfo::exists(unmounted));
    }

    // A file where a project's folder should be is a listing that failed, never a project "not
    // there yet" (which sync would fill and a repoint would read as empty).
    void aFileInAProjectsPlaceIsAFailedListing()
    {
        const QString server = m_dir.filePath(QStringLiteral("fileInPlace"));
        QVERIFY(QDir().mkpath(server));
        QFile file(QDir(server).filePath(QStringLiteral("inbox")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("not a folder\n");
        file.close();
        DirectoryRepository repository(QStringLiteral("box"), server);
        auto listing = finished(repository.list(QStringLiteral("inbox")));
        QVERIFY(listing->failed());
        QCOMPARE(listing->error().kind, Error::Kind::Io);
        QVERIFY2(listing->error().toString().contains(QStringLiteral("not a folder")), qPrintable(listing->error().toString()));
    }

    void repliesFinishOnTheCallersThreadWithoutBlockingIt()
    {
        DirectoryRepository repository(QStringLiteral("box"), m_server);
        ResultReply<Listing> *reply = repository.list(QStringLiteral("trunk"));
        QVERIFY(!reply->isFinished()); // the work runs on the pool
        QSignalSpy spy(reply, &Reply::finished);
        QVERIFY(spy.wait(5000));
        QCOMPARE(reply->thread(), QThread::currentThread());
        delete reply;
    }

    void probeReadsTheIdentity()
    {
        DirectoryRepository repository(QStringLiteral("box"), m_server);
        auto reply = finished(repository.probe(QStringLiteral("trunk"), QStringLiteral("Kernel-eem.1.mcz")));
        QVERIFY(!reply->failed());
        QCOMPARE(reply->result().name, QStringLiteral("Kernel-eem.1"));
        QVERIFY(Monticello::isMonticelloId(reply->result().id));

        auto missing = finished(repository.probe(QStringLiteral("trunk"), QStringLiteral("Kernel-eem.2.mcz")));
        QCOMPARE(missing->error().kind, Error::Kind::NotFound);
        auto hostile = finished(repository.probe(QStringLiteral("trunk"), QStringLiteral("../server/trunk/Kernel-eem.1.mcz")));
        QCOMPARE(hostile->error().kind, Error::Kind::Invalid);
    }

    void fetchCopiesWithAChecksum()
    {
        DirectoryRepository repository(QStringLiteral("box"), m_server);
        QTemporaryDir downloads;
        auto reply = finished(repository.fetch(QStringLiteral("trunk"), QStringLiteral("Kernel-eem.1.mcz"), downloads.path()));
        QVERIFY(!reply->failed());
        const QByteArray original = Test::readFile(QDir(project(QStringLiteral("trunk"))).filePath(QStringLiteral("Kernel-eem.1.mcz")));
        QCOMPARE(Test::readFile(reply->result().path), original);
        QCOMPARE(reply->result().sha256, QCryptographicHash::hash(original, QCryptographicHash::Sha256).toHex());
        QCOMPARE(reply->result().size, original.size());
    }

    void uploadNewThenSameThenDifferent()
    {
        DirectoryRepository repository(QStringLiteral("box"), m_server);
        QTemporaryDir local;
        const QString newVersion = local.filePath(QStringLiteral("anything.mcz"));
        Test::writeFile(newVersion, Test::makeVersion(QStringLiteral("Kernel"), QStringLiteral("eem"), 2));

        auto uploaded = finished(repository.uploadFile(QStringLiteral("trunk"), newVersion));
        QVERIFY2(!uploaded->failed(), qPrintable(uploaded->failed() ? uploaded->error().toString() : QString()));
        QCOMPARE(uploaded->result().outcome, UploadResult::Outcome::Uploaded);
        const QString target = QDir(project(QStringLiteral("trunk"))).filePath(QStringLiteral("Kernel-eem.2.mcz"));
        QCOMPARE(Test::readFile(target), Test::readFile(newVersion));

        auto again = finished(repository.uploadFile(QStringLiteral("trunk"), newVersion));
        QVERIFY(!again->failed());
        QCOMPARE(again->result().outcome, UploadResult::Outcome::AlreadyPresent);

        // The same name with another id: refused, and the file on the server is untouched.
        const QString twin = local.filePath(QStringLiteral("twin.mcz"));
        Test::writeFile(twin, Test::makeVersion(QStringLiteral("Kernel"), QStringLiteral("eem"), 2, 1));
        const QByteArray before = Test::readFile(target);
        auto conflict = finished(repository.uploadFile(QStringLiteral("trunk"), twin));
        QVERIFY(conflict->failed());
        QCOMPARE(conflict->error().kind, Error::Kind::Conflict);
        QVERIFY(conflict->error().message.contains(QStringLiteral("nothing overwritten")));
        QCOMPARE(Test::readFile(target), before);
        // No temporary files are left behind.
        QCOMPARE(QDir(project(QStringLiteral("trunk"))).entryList(QDir::Files | QDir::Hidden).size(), 3);
    }

    // A write killed midway leaves a .part file in the server's folder: the next write there
    // removes it once it is a day old, never a young one (another writer's, under way).
    void staleTemporaryFilesOfKilledWritesAreRemoved()
    {
        const QDir trunk(project(QStringLiteral("trunk")));
        const QString stale = trunk.filePath(QStringLiteral(".twintrunk-0123.part")), young = trunk.filePath(QStringLiteral(".twintrunk-4567.part"));
        Test::writeFile(stale, "half a version");
        Test::writeFile(young, "half another");
        QFile old(stale);
        QVERIFY(old.open(QIODevice::ReadWrite));
        QVERIFY(old.setFileTime(QDateTime::currentDateTimeUtc().addDays(-2), QFileDevice::FileModificationTime));
        old.close();

        DirectoryRepository repository(QStringLiteral("box"), m_server);
        QTemporaryDir local;
        const QString newVersion = local.filePath(QStringLiteral("anything.mcz"));
        Test::writeFile(newVersion, Test::makeVersion(QStringLiteral("Kernel"), QStringLiteral("eem"), 2));
        auto uploaded = finished(repository.uploadFile(QStringLiteral("trunk"), newVersion));
        QVERIFY(!uploaded->failed());
        QVERIFY(!QFileInfo::exists(stale));
        QVERIFY(QFileInfo::exists(young));
    }

    void uploadOfSomethingThatIsNotAVersionChangesNothing()
    {
        DirectoryRepository repository(QStringLiteral("box"), m_server);
        QTemporaryDir local;
        const QString bogus = local.filePath(QStringLiteral("Kernel-eem.9.mcz"));
        Test::writeFile(bogus, "not a zip");
        auto reply = finished(repository.uploadFile(QStringLiteral("trunk"), bogus));
        QVERIFY(reply->failed());
        QVERIFY(reply->error().toString().contains(bogus));
        QCOMPARE(QDir(project(QStringLiteral("trunk"))).entryList(QDir::Files | QDir::Hidden).size(), 2);
    }

    void concurrentUploadsOfOneNameLeaveOneFile()
    {
        QTemporaryDir local;
        QList<QString> files;
        for (int variant = 0; variant < 6; ++variant)
        {
            files.append(local.filePath(QStringLiteral("v%1.mcz").arg(variant)));
            Test::writeFile(files.last(), Test::makeVersion(QStringLiteral("Race"), QStringLiteral("x"), 1, variant));
        }
        DirectoryRepository repository(QStringLiteral("box"), m_server);
        QList<ResultReply<UploadResult> *> replies;
        for (const QString &file : files)
            replies.append(repository.uploadFile(QStringLiteral("trunk"), file));
        int uploaded = 0, conflicts = 0;
        for (ResultReply<UploadResult> *reply : replies)
        {
            QVERIFY(QTest::qWaitFor([reply] { return reply->isFinished(); }, 60000));
            if (!reply->failed() && reply->result().outcome == UploadResult::Outcome::Uploaded)
                ++uploaded;
            else if (reply->failed() && reply->error().kind == Error::Kind::Conflict)
                ++conflicts;
            else
                qWarning("unexpected: %s", qPrintable(reply->failed() ? reply->error().toString() : QStringLiteral("already present")));
            delete reply;
        }
        QCOMPARE(uploaded, 1);
        QCOMPARE(conflicts, 5);
        const QString target = QDir(project(QStringLiteral("trunk"))).filePath(QStringLiteral("Race-x.1.mcz"));
        Result<CheckedFile> written = checkLocalFile(target);
        QVERIFY2(written.ok(), qPrintable(written.ok() ? QString() : written.error().toString()));
    }

    void aKernelSizedProbeReadsLittle()
    {
        Test::writeFile(QDir(project(QStringLiteral("trunk"))).filePath(QStringLiteral("Kernel-eem.1336.mcz")), Test::kernelSizedVersion());
        DirectoryRepository repository(QStringLiteral("box"), m_server);
        auto reply = finished(repository.probe(QStringLiteral("trunk"), QStringLiteral("Kernel-eem.1336.mcz")));
        QVERIFY(!reply->failed());
        QCOMPARE(reply->result().name, QStringLiteral("Kernel-eem.1336"));
        QVERIFY(reply->bytesTransferred() <= 16 * 1024);
        QVERIFY(reply->result().fileSize > 800 * 1024);
    }
};

QTEST_GUILESS_MAIN(TestDirectoryRepository)
#include "tst_directoryrepository.moc"
