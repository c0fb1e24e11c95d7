// twintrunkctl list | probe | get | put as a box-admin runs them, against a real nginx server.

#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "nginxserver.h"
#include "testsupport.h"

using Run = TwinTrunk::Test::CtlRun;

namespace
{
    Run twintrunkctl(const QStringList &arguments, const QString &user = QString(), const QString &password = QString())
    {
        return TwinTrunk::Test::runTwinTrunkCtl(arguments, user, password);
    }
}

class TestCtlRepository final : public QObject
{
    Q_OBJECT

    TwinTrunk::Test::NginxServer m_server{QString()};
    QTemporaryDir m_local;

    QString project() const { return QStringLiteral("ctl-") + QString::fromLatin1(QTest::currentTestFunction()); }
    QString location() const { return m_server.baseUrl().toString() + project(); }
    QString onServer(const QString &name) const { return QDir(QDir(m_server.rootDirectory()).filePath(project())).filePath(name); }

private Q_SLOTS:
    void initTestCase() { m_server = TwinTrunk::Test::fixtureServer(QStringLiteral("beta")); }

    void listAndProbe()
    {
        const QByteArray kernel = TwinTrunk::Test::kernelSizedVersion();
        QVERIFY(m_server.seed(project(),
            {{QStringLiteral("Kernel-eem.1336.mcz"), kernel},
                {QStringLiteral("Tools-mt.5.mcz"), TwinTrunk::Test::makeVersion(QStringLiteral("Tools"), QStringLiteral("mt"), 5)}}));
        const Run list = twintrunkctl({QStringLiteral("list"), QStringLiteral("--json"), location()});
        QCOMPARE(list.exitCode, 0);
        const QList<QByteArray> lines = list.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 2);
        for (const QByteArray &line : lines)
        {
            const QJsonObject entry = QJsonDocument::fromJson(line).object();
            QVERIFY(entry.contains(QStringLiteral("name")));
            QCOMPARE(entry.value(QStringLiteral("size")).toInteger(), QFileInfo(onServer(entry.value(QStringLiteral("name")).toString())).size());
            QVERIFY(entry.contains(QStringLiteral("modified")));
        }

        const Run probe = twintrunkctl({QStringLiteral("probe"), QStringLiteral("--json"), location(), QStringLiteral("Kernel-eem.1336.mcz")});
        QCOMPARE(probe.exitCode, 0);
        const QJsonObject identity = QJsonDocument::fromJson(probe.out).object();
        QCOMPARE(identity.value(QStringLiteral("name")).toString(), QStringLiteral("Kernel-eem.1336"));
        QCOMPARE(identity.value(QStringLiteral("fileSize")).toInteger(), kernel.size());
        QVERIFY(identity.value(QStringLiteral("bytesTransferred")).toInteger() * 20 < kernel.size());
        QCOMPARE(identity.value(QStringLiteral("id")).toString().size(), 36);

        const Run text = twintrunkctl({QStringLiteral("probe"), location(), QStringLiteral("Tools-mt.5.mcz")});
        QCOMPARE(text.exitCode, 0);
        QVERIFY(text.out.contains("Tools-mt.5"));

        const Run missing = twintrunkctl({QStringLiteral("probe"), location(), QStringLiteral("Tools-mt.6.mcz")});
        QCOMPARE(missing.exitCode, 1);
        QVERIFY(missing.err.contains("404"));
    }

    void getChecksAndNeverReplaces()
    {
        const QByteArray bytes = TwinTrunk::Test::makeVersion(QStringLiteral("Get"), QStringLiteral("x"), 1);
        QVERIFY(m_server.seed(project(),
            {{QStringLiteral("Get-x.1.mcz"), bytes},
                {QStringLiteral("Wrong-x.2.mcz"), TwinTrunk::Test::makeVersion(QStringLiteral("Other"), QStringLiteral("y"), 3)},
                {QStringLiteral("Broken-x.1.mcz"), "not a zip"}}));
        QTemporaryDir target;
        const Run get = twintrunkctl({QStringLiteral("get"), location(), QStringLiteral("Get-x.1.mcz"), target.path()});
        QCOMPARE(get.exitCode, 0);
        QCOMPARE(TwinTrunk::Test::readFile(QDir(target.path()).filePath(QStringLiteral("Get-x.1.mcz"))), bytes);

        const Run again = twintrunkctl({QStringLiteral("get"), location(), QStringLiteral("Get-x.1.mcz"), target.path()});
        QCOMPARE(again.exitCode, 1);
        QVERIFY(again.err.contains("not replaced"));

        const Run wrong = twintrunkctl({QStringLiteral("get"), location(), QStringLiteral("Wrong-x.2.mcz"), target.path()});
        QCOMPARE(wrong.exitCode, 1);
        QVERIFY(wrong.err.contains("wrong name inside"));
        const Run broken = twintrunkctl({QStringLiteral("get"), location(), QStringLiteral("Broken-x.1.mcz"), target.path()});
        QCOMPARE(broken.exitCode, 1);
        QVERIFY(broken.err.contains("not a zip"));
        QCOMPARE(QDir(target.path()).entryList(QDir::Files | QDir::Hidden).size(), 1);
    }

    void putOnlyWhenAbsent()
    {
        QVERIFY(m_server.createProject(project()));
        const QString file = m_local.filePath(QStringLiteral("whatever-name.mcz"));
        TwinTrunk::Test::writeFile(file, TwinTrunk::Test::makeVersion(QStringLiteral("Put"), QStringLiteral("x"), 4));

        const Run anonymous = twintrunkctl({QStringLiteral("put"), location(), file});
        QCOMPARE(anonymous.exitCode, 1);
        QVERIFY(anonymous.err.contains("401"));
        QVERIFY(!QFile::exists(onServer(QStringLiteral("Put-x.4.mcz"))));

        const Run wrongPassword = twintrunkctl({QStringLiteral("put"), location(), file}, m_server.user(), QStringLiteral("hunter2"));
        QCOMPARE(wrongPassword.exitCode, 1);
        QVERIFY(!wrongPassword.err.contains("hunter2"));
        QVERIFY(!wrongPassword.out.contains("hunter2"));

        const Run put = twintrunkctl({QStringLiteral("put"), location(), file}, m_server.user(), m_server.password());
        QCOMPARE(put.exitCode, 0);
        QVERIFY(put.out.contains("Put-x.4.mcz"));
        QCOMPARE(TwinTrunk::Test::readFile(onServer(QStringLiteral("Put-x.4.mcz"))), TwinTrunk::Test::readFile(file));

        // The password can also come from a workspace naming the server.
        const QString workspace = m_local.filePath(QStringLiteral("ws.json"));
        TwinTrunk::Test::writeFile(workspace,
            QStringLiteral("{\"servers\": [{\"name\": \"beta\", \"url\": \"%1\", \"primary\": true, "
                           "\"user\": \"%2\", \"password\": \"%3\"}, {\"name\": \"other\", \"url\": \"file:///nowhere\"}], "
                           "\"projects\": [\"x\"]}")
                .arg(m_server.baseUrl().toString(), m_server.user(), m_server.password())
                .toUtf8());
        QFile::setPermissions(workspace, QFile::ReadOwner | QFile::WriteOwner);
        const QString second = m_local.filePath(QStringLiteral("second.mcz"));
        TwinTrunk::Test::writeFile(second, TwinTrunk::Test::makeVersion(QStringLiteral("Put"), QStringLiteral("x"), 5));
        const Run viaWorkspace = twintrunkctl({QStringLiteral("put"), QStringLiteral("-w"), workspace, location(), second});
        QCOMPARE(viaWorkspace.exitCode, 0);
        QVERIFY(QFile::exists(onServer(QStringLiteral("Put-x.5.mcz"))));

        const Run exists = twintrunkctl({QStringLiteral("put"), location(), file}, m_server.user(), m_server.password());
        QCOMPARE(exists.exitCode, 1);
        QVERIFY(exists.err.contains("already there"));

        const QString twin = m_local.filePath(QStringLiteral("twin.mcz"));
        TwinTrunk::Test::writeFile(twin, TwinTrunk::Test::makeVersion(QStringLiteral("Put"), QStringLiteral("x"), 4, 1));
        const Run conflict = twintrunkctl({QStringLiteral("put"), location(), twin}, m_server.user(), m_server.password());
        QCOMPARE(conflict.exitCode, 1);
        QVERIFY(conflict.err.contains("another version"));
        QCOMPARE(TwinTrunk::Test::readFile(onServer(QStringLiteral("Put-x.4.mcz"))), TwinTrunk::Test::readFile(file));

        const QString bogus = m_local.filePath(QStringLiteral("Bogus-x.1.mcz"));
        TwinTrunk::Test::writeFile(bogus, "nope");
        const Run notAVersion = twintrunkctl({QStringLiteral("put"), location(), bogus}, m_server.user(), m_server.password());
        QCOMPARE(notAVersion.exitCode, 1);
        QCOMPARE(QDir(QDir(m_server.rootDirectory()).filePath(project())).entryList(QDir::Files).size(), 2);
        QCOMPARE(twintrunkctl({QStringLiteral("put"), location()}).exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(TestCtlRepository)
#include "tst_ctl_repository.moc"
