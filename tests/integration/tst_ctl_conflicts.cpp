// Duplicate-name conflicts as volunteers meet them, against real nginx: the same name committed
// with different contents to each server is detected, inspected (the code diff names the changed
// methods), resolved with and without --replace (alpha permits DELETE, beta refuses it like
// SqueakSource), and an interrupted resolution (kill -9 between steps) resumes cleanly. Afterwards
// both variants' bytes are retrievable and no conflict is open.

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include "monticello/mczversion.h"
#include "nginxserver.h"
#include "testsupport.h"

using TwinTrunk::Monticello::MczVersion;
using TwinTrunk::Test::CtlRun;
using TwinTrunk::Test::NginxServer;

namespace
{
    const QString Project = QStringLiteral("trunk");

    QList<QJsonObject> jsonLines(const QByteArray &out)
    {
        QList<QJsonObject> objects;
        for (const QByteArray &line : out.split('\n'))
        {
            if (!line.trimmed().isEmpty())
                objects.append(QJsonDocument::fromJson(line).object());
        }
        return objects;
    }

    // A version whose code differs by variant, optionally padded so that handling it takes a while.
    QByteArray variantOf(const QString &package, qint64 number, int variant, int paddingMegabytes = 0)
    {
        QByteArray bytes = TwinTrunk::Test::makeVersion(package, QStringLiteral("x"), number, variant);
        if (paddingMegabytes == 0)
            return bytes;
        MczVersion version = MczVersion::readBytes(bytes, QStringLiteral("variant")).value();
        QByteArray padding(paddingMegabytes * 1024 * 1024, Qt::Uninitialized);
        QRandomGenerator random(quint32(number * 10 + variant));
        random.fillRange(reinterpret_cast<quint32 *>(padding.data()), padding.size() / 4);
        return MczVersion::create(version.packageName(), version.info(), version.sourceSt(), {}, padding).toBytes().value();
    }

    QString idOf(const QByteArray &bytes)
    {
        return MczVersion::readBytes(bytes, QStringLiteral("id"), TwinTrunk::Monticello::MczArchive::Members::Metadata)->info().id();
    }

    QString infoNameOf(const QByteArray &bytes)
    {
        return MczVersion::readBytes(bytes, QStringLiteral("name"), TwinTrunk::Monticello::MczArchive::Members::Metadata)->info().name();
    }
}

class TestCtlConflicts final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    NginxServer m_alpha{QString()}, m_beta{QString()};

    QString workspace() const { return m_dir.filePath(QStringLiteral("twintrunk.json")); }

    CtlRun twintrunkctl(QStringList arguments) const
    {
        arguments.insert(1, QStringLiteral("-w"));
        arguments.insert(2, workspace());
        return TwinTrunk::Test::runTwinTrunkCtl(arguments);
    }

    QByteArray on(const NginxServer &server, const QString &fileName) const
    {
        QFile file(QDir(server.rootDirectory()).filePath(Project + u'/' + fileName));
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

    QStringList namesOn(const NginxServer &server, const QString &package) const
    {
        return QDir(QDir(server.rootDirectory()).filePath(Project)).entryList({package + QStringLiteral("-*")}, QDir::Files, QDir::Name);
    }

    // The split brain: each server got its own version under one name.
    void commitBothWays(const QString &package, qint64 number, int paddingMegabytes = 0)
    {
        QVERIFY(m_alpha.seed(Project, {{QStringLiteral("%1-x.%2.mcz").arg(package).arg(number), variantOf(package, number, 0, paddingMegabytes)}}));
        QVERIFY(m_beta.seed(Project, {{QStringLiteral("%1-x.%2.mcz").arg(package).arg(number), variantOf(package, number, 1, paddingMegabytes)}}));
    }

    QJsonObject status() const
    {
        const CtlRun run = twintrunkctl({QStringLiteral("status"), QStringLiteral("--json")});
        return QJsonDocument::fromJson(run.out).object().value(QStringLiteral("projects")).toArray().first().toObject();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QFile::setPermissions(m_dir.path(),
            QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner | QFileDevice::ReadGroup | QFileDevice::ExeGroup | QFileDevice::ReadOther
                | QFileDevice::ExeOther);
        m_alpha = NginxServer(m_dir.filePath(QStringLiteral("alpha")));
        m_beta = NginxServer(m_dir.filePath(QStringLiteral("beta")));
        NginxServer::Options deletes;
        deletes.allowDelete = true;
        QVERIFY2(m_alpha.start(deletes), qPrintable(m_alpha.lastError()));
        QVERIFY2(m_beta.start(), qPrintable(m_beta.lastError()));
        QVERIFY(m_alpha.createProject(Project));
        QVERIFY(m_beta.createProject(Project));
        const CtlRun init = TwinTrunk::Test::runTwinTrunkCtl({QStringLiteral("init"), QStringLiteral("-w"), workspace(), QStringLiteral("--server"),
            QStringLiteral("alpha=") + m_alpha.baseUrl().toString(), QStringLiteral("--server"), QStringLiteral("beta=") + m_beta.baseUrl().toString(),
            QStringLiteral("--project"), Project, QStringLiteral("--primary"), QStringLiteral("alpha")});
        QCOMPARE(init.exitCode, 0);
        qputenv("TWINTRUNK_USER_ALPHA", "squeak");
        qputenv("TWINTRUNK_PASSWORD_ALPHA", "squeak");
        qputenv("TWINTRUNK_USER_BETA", "squeak");
        qputenv("TWINTRUNK_PASSWORD_BETA", "squeak");
    }

    void cleanupTestCase()
    {
        m_alpha.stop();
        m_beta.stop();
    }

    void aConflictIsDetectedAndInspected()
    {
        commitBothWays(QStringLiteral("Split"), 5);
        const QList<QJsonObject> conflicts = jsonLines(twintrunkctl({QStringLiteral("conflicts"), QStringLiteral("--json")}).out);
        QCOMPARE(conflicts.size(), 1);
        QCOMPARE(conflicts.first().value(QStringLiteral("name")).toString(), QStringLiteral("Split-x.5.mcz"));
        QCOMPARE(conflicts.first().value(QStringLiteral("variants")).toArray().size(), 2);
        QVERIFY(twintrunkctl({QStringLiteral("sync")}).exitCode == 0); // a conflict is never copied over
        QCOMPARE(idOf(on(m_beta, QStringLiteral("Split-x.5.mcz"))), idOf(variantOf(QStringLiteral("Split"), 5, 1)));

        const CtlRun inspect = twintrunkctl({QStringLiteral("conflict"), Project, QStringLiteral("Split-x.5"), QStringLiteral("--json")});
        QCOMPARE(inspect.exitCode, 0);
        const QJsonObject inspection = QJsonDocument::fromJson(inspect.out).object();
        QStringList changed;
        for (const QJsonValue &change : inspection.value(QStringLiteral("codeDiff")).toArray())
        {
            if (change.toObject().value(QStringLiteral("change")).toString() == u"changed")
                changed.append(change.toObject().value(QStringLiteral("definition")).toString());
        }
        QVERIFY2(!changed.isEmpty() && changed.first().contains(QStringLiteral(">>")), qPrintable(changed.join(u',')));

        // The console's headline and advice: two unrelated variants, a person's call.
        const QJsonObject advice = inspection.value(QStringLiteral("advice")).toObject();
        QVERIFY2(advice.value(QStringLiteral("headline")).toString().startsWith(QStringLiteral("a (alpha) and b (beta) share no ancestor")),
            inspect.out.constData());
        QVERIFY(advice.value(QStringLiteral("keep")).isNull());
        QCOMPARE(advice.value(QStringLiteral("loserName")).toString(), QStringLiteral("Split-x.6.mcz"));
        const CtlRun text = twintrunkctl({QStringLiteral("conflict"), Project, QStringLiteral("Split-x.5")});
        QVERIFY2(text.out.contains(advice.value(QStringLiteral("advice")).toString().toUtf8()), text.out.constData());
    }

    void keepWithoutReplaceRenamesTheOtherAndLeavesItsCopy()
    {
        const QByteArray alphaVariant = on(m_alpha, QStringLiteral("Split-x.5.mcz"));
        const QByteArray betaVariant = on(m_beta, QStringLiteral("Split-x.5.mcz"));
        const CtlRun resolve = twintrunkctl({QStringLiteral("resolve"), Project, QStringLiteral("Split-x.5"), QStringLiteral("--keep"), QStringLiteral("alpha"),
            QStringLiteral("--note"), QStringLiteral("alpha's was reviewed"), QStringLiteral("--json")});
        QVERIFY2(resolve.exitCode == 0, resolve.out.constData());

        // beta's variant, under the next free name everywhere, with its id and the new info name.
        for (const NginxServer *server : {&m_alpha, &m_beta})
        {
            const QByteArray renamed = on(*server, QStringLiteral("Split-x.6.mcz"));
            QCOMPARE(idOf(renamed), idOf(betaVariant));
            QCOMPARE(infoNameOf(renamed), QStringLiteral("Split-x.6"));
        }
        // The chosen variant where the name was; beta (no DELETE) keeps its copy, and says so.
        QCOMPARE(on(m_alpha, QStringLiteral("Split-x.5.mcz")), alphaVariant);
        QCOMPARE(on(m_beta, QStringLiteral("Split-x.5.mcz")), betaVariant);
        QVERIFY(resolve.out.contains("canonical-elsewhere"));
        const QStringList quarantined = QDir(workspace() + QStringLiteral(".state.sqlite.quarantine/") + Project).entryList(QDir::Files);
        QCOMPARE(quarantined.size(), 1);
        QCOMPARE(TwinTrunk::Test::readFile(workspace() + QStringLiteral(".state.sqlite.quarantine/") + Project + u'/' + quarantined.first()), betaVariant);

        const QJsonObject project = status();
        QVERIFY(project.value(QStringLiteral("conflicts")).toArray().isEmpty());
        QVERIFY2(project.value(QStringLiteral("inSync")).toBool(), QJsonDocument(project).toJson().constData());
        // Running it again changes nothing and publishes nothing twice.
        const CtlRun again = twintrunkctl({QStringLiteral("resolve"), Project, QStringLiteral("Split-x.5"), QStringLiteral("--keep"), QStringLiteral("alpha")});
        QVERIFY2(again.exitCode == 0, again.out.constData());
        QCOMPARE(namesOn(m_alpha, QStringLiteral("Split")), (QStringList{QStringLiteral("Split-x.5.mcz"), QStringLiteral("Split-x.6.mcz")}));
    }

    void keepWithReplacePutsTheChosenOneWhereDeletingIsAllowed()
    {
        commitBothWays(QStringLiteral("Swap"), 3);
        const QByteArray alphaVariant = on(m_alpha, QStringLiteral("Swap-x.3.mcz"));
        const QByteArray betaVariant = on(m_beta, QStringLiteral("Swap-x.3.mcz"));
        const CtlRun resolve = twintrunkctl({QStringLiteral("resolve"), Project, QStringLiteral("Swap-x.3.mcz"), QStringLiteral("--keep"),
            QStringLiteral("beta"), QStringLiteral("--replace")});
        QVERIFY2(resolve.exitCode == 0, resolve.out.constData());
        QCOMPARE(idOf(on(m_alpha, QStringLiteral("Swap-x.3.mcz"))), idOf(betaVariant)); // replaced: alpha permits DELETE
        QCOMPARE(on(m_beta, QStringLiteral("Swap-x.3.mcz")), betaVariant);
        QCOMPARE(idOf(on(m_alpha, QStringLiteral("Swap-x.4.mcz"))), idOf(alphaVariant));
        QCOMPARE(idOf(on(m_beta, QStringLiteral("Swap-x.4.mcz"))), idOf(alphaVariant));

        // Keeping alpha's with --replace: beta refuses DELETE (405), keeps its copy, and nothing fails.
        commitBothWays(QStringLiteral("Stay"), 2);
        const QByteArray stays = on(m_beta, QStringLiteral("Stay-x.2.mcz"));
        const CtlRun refused = twintrunkctl({QStringLiteral("resolve"), Project, QStringLiteral("Stay-x.2"), QStringLiteral("--keep"), QStringLiteral("alpha"),
            QStringLiteral("--replace"), QStringLiteral("--json")});
        QVERIFY2(refused.exitCode == 0, refused.out.constData());
        QVERIFY(refused.out.contains("\"result\":\"refused\""));
        QCOMPARE(on(m_beta, QStringLiteral("Stay-x.2.mcz")), stays);
        QCOMPARE(idOf(on(m_alpha, QStringLiteral("Stay-x.3.mcz"))), idOf(stays));

        QVERIFY(status().value(QStringLiteral("conflicts")).toArray().isEmpty());
        const CtlRun journal = twintrunkctl({QStringLiteral("journal"), QStringLiteral("--json")});
        QVERIFY(journal.out.contains("\"operation\":\"resolve-publish\""));
        QVERIFY(journal.out.contains("\"operation\":\"resolve-replace\""));
    }

    void aResolutionKilledBetweenStepsResumes()
    {
        commitBothWays(QStringLiteral("Heavy"), 7, 24);
        const QByteArray alphaVariant = on(m_alpha, QStringLiteral("Heavy-x.7.mcz"));
        QProcess resolve;
        resolve.start(qEnvironmentVariable("TWINTRUNKCTL"),
            {QStringLiteral("resolve"), QStringLiteral("-w"), workspace(), Project, QStringLiteral("Heavy-x.7"), QStringLiteral("--keep"),
                QStringLiteral("beta"), QStringLiteral("--replace")});
        QVERIFY(resolve.waitForStarted());
        // Killed without warning once the new name is recorded, while the renamed copy is being built and published.
        QByteArray progress;
        QTRY_VERIFY_WITH_TIMEOUT((progress += resolve.readAllStandardError(), progress.contains("rename: done")), 60000);
        resolve.kill();
        QVERIFY(resolve.waitForFinished(10000));
        const QJsonObject during =
            QJsonDocument::fromJson(twintrunkctl({QStringLiteral("conflict"), Project, QStringLiteral("Heavy-x.7"), QStringLiteral("--json")}).out).object();
        QCOMPARE(during.value(QStringLiteral("decision")).toObject().value(QStringLiteral("status")).toString(), QStringLiteral("in-progress"));

        // The rerun goes on from there: the same new name, published once, the chosen one in place.
        const CtlRun rerun = twintrunkctl({QStringLiteral("resolve"), Project, QStringLiteral("Heavy-x.7"), QStringLiteral("--keep"), QStringLiteral("beta")});
        QVERIFY2(rerun.exitCode == 0, rerun.out.constData());
        QVERIFY(rerun.out.contains("[already-done] rename"));
        for (const NginxServer *server : {&m_alpha, &m_beta})
        {
            QCOMPARE(namesOn(*server, QStringLiteral("Heavy")), (QStringList{QStringLiteral("Heavy-x.7.mcz"), QStringLiteral("Heavy-x.8.mcz")}));
            QCOMPARE(idOf(on(*server, QStringLiteral("Heavy-x.8.mcz"))), idOf(alphaVariant));
            QCOMPARE(idOf(on(*server, QStringLiteral("Heavy-x.7.mcz"))), idOf(on(m_beta, QStringLiteral("Heavy-x.7.mcz"))));
        }
        QVERIFY(status().value(QStringLiteral("conflicts")).toArray().isEmpty());
        // A different choice for a resolution under way is refused.
        const CtlRun other = twintrunkctl({QStringLiteral("resolve"), Project, QStringLiteral("Heavy-x.7"), QStringLiteral("--keep"), QStringLiteral("alpha")});
        QCOMPARE(other.exitCode, 1);
        QVERIFY(other.out.contains("keeping beta's variant"));
    }

    void aWrongPasswordStopsTheResolutionAndARerunFinishesIt()
    {
        commitBothWays(QStringLiteral("Auth"), 2);
        const QByteArray alphaVariant = on(m_alpha, QStringLiteral("Auth-x.2.mcz"));
        qputenv("TWINTRUNK_PASSWORD_ALPHA", "not-the-password");
        const CtlRun refused = twintrunkctl(
            {QStringLiteral("resolve"), Project, QStringLiteral("Auth-x.2"), QStringLiteral("--keep"), QStringLiteral("beta"), QStringLiteral("--replace")});
        qputenv("TWINTRUNK_PASSWORD_ALPHA", "squeak");
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.out.contains("401"), refused.out.constData());
        QVERIFY(!refused.out.contains("not-the-password"));
        QCOMPARE(on(m_alpha, QStringLiteral("Auth-x.2.mcz")), alphaVariant); // nothing replaced

        const CtlRun rerun = twintrunkctl({QStringLiteral("resolve"), Project, QStringLiteral("Auth-x.2"), QStringLiteral("--keep"), QStringLiteral("beta")});
        QVERIFY2(rerun.exitCode == 0, rerun.out.constData());
        QCOMPARE(idOf(on(m_alpha, QStringLiteral("Auth-x.2.mcz"))), idOf(on(m_beta, QStringLiteral("Auth-x.2.mcz"))));
        QCOMPARE(idOf(on(m_alpha, QStringLiteral("Auth-x.3.mcz"))), idOf(alphaVariant));
    }

    void deferKeepsItOpenWithTheNote()
    {
        commitBothWays(QStringLiteral("Later"), 1);
        QCOMPARE(twintrunkctl({QStringLiteral("resolve"), Project, QStringLiteral("Later-x.1"), QStringLiteral("--defer")}).exitCode, 1); // no note
        const CtlRun defer = twintrunkctl({QStringLiteral("resolve"), Project, QStringLiteral("Later-x.1"), QStringLiteral("--defer"), QStringLiteral("--note"),
            QStringLiteral("asking both authors")});
        QCOMPARE(defer.exitCode, 0);
        const QList<QJsonObject> conflicts = jsonLines(twintrunkctl({QStringLiteral("conflicts"), QStringLiteral("--json")}).out);
        QCOMPARE(conflicts.size(), 1);
        const QJsonObject decision = conflicts.first().value(QStringLiteral("decision")).toObject();
        QCOMPARE(decision.value(QStringLiteral("decision")).toString(), QStringLiteral("defer"));
        QCOMPARE(decision.value(QStringLiteral("note")).toString(), QStringLiteral("asking both authors"));
    }
};

QTEST_GUILESS_MAIN(TestCtlConflicts)
#include "tst_ctl_conflicts.moc"
