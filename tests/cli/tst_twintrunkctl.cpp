// twintrunkctl as a user runs it: a real process, its output, its exit status.

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include "testsupport.h"

using Run = TwinTrunk::Test::CtlRun;

namespace
{
    Run twintrunkctl(const QStringList &arguments, const QString &user = QString(), const QString &password = QString())
    {
        return TwinTrunk::Test::runTwinTrunkCtl(arguments, user, password);
    }
}

class TestTwinTrunkCtl final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY2(!qEnvironmentVariable("TWINTRUNKCTL").isEmpty(), "TWINTRUNKCTL must name the binary (set by ctest)"); }

    void versionAndHelp()
    {
        const Run version = twintrunkctl({QStringLiteral("--version")});
        QCOMPARE(version.exitCode, 0);
        QVERIFY(version.out.startsWith("twintrunkctl " TWINTRUNK_VERSION));

        const Run help = twintrunkctl({QStringLiteral("--help")});
        QCOMPARE(help.exitCode, 0);
        QVERIFY(help.out.contains("inspect"));

        const Run inspectHelp = twintrunkctl({QStringLiteral("inspect"), QStringLiteral("--help")});
        QCOMPARE(inspectHelp.exitCode, 0);
        QVERIFY(inspectHelp.out.contains("--json"));
    }

    void usageErrorsExitWithTwo()
    {
        QCOMPARE(twintrunkctl({}).exitCode, 2);
        const Run unknown = twintrunkctl({QStringLiteral("frobnicate")});
        QCOMPARE(unknown.exitCode, 2);
        QVERIFY(unknown.err.contains("unknown command 'frobnicate'"));
        QCOMPARE(twintrunkctl({QStringLiteral("inspect")}).exitCode, 2);
        QCOMPARE(twintrunkctl({QStringLiteral("inspect"), QStringLiteral("--bogus"), QStringLiteral("x.mcz")}).exitCode, 2);
    }

    void inspectJsonMatchesTheFixtures()
    {
        QStringList arguments{QStringLiteral("inspect"), QStringLiteral("--json")};
        const auto expected = TwinTrunk::Test::expectedFixtures();
        for (const QJsonObject &object : expected)
            arguments.append(TwinTrunk::Test::fixturePath(object.value(QStringLiteral("file")).toString()));
        const Run run = twintrunkctl(arguments);
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.err.isEmpty());

        const QList<QByteArray> lines = run.out.trimmed().split('\n');
        QCOMPARE(lines.size(), expected.size());
        for (qsizetype i = 0; i < lines.size(); ++i)
        {
            const QJsonObject object = QJsonDocument::fromJson(lines.at(i)).object();
            const QJsonObject &want = expected.at(i);
            QCOMPARE(object.value(QStringLiteral("name")).toString(), want.value(QStringLiteral("name")).toString());
            QCOMPARE(object.value(QStringLiteral("id")).toString(), want.value(QStringLiteral("id")).toString());
            QCOMPARE(object.value(QStringLiteral("author")).toString(), want.value(QStringLiteral("author")).toString());
            QCOMPARE(QStringLiteral("(name '%1')").arg(object.value(QStringLiteral("package")).toString()), want.value(QStringLiteral("package")).toString());
            QVERIFY(object.value(QStringLiteral("ancestors")).isArray());
            QVERIFY(object.value(QStringLiteral("totalAncestors")).toInt() >= object.value(QStringLiteral("ancestors")).toArray().size());
            QVERIFY(object.value(QStringLiteral("definitions")).toInt() > 0);
        }
    }

    void inspectKnownValues()
    {
        const Run run = twintrunkctl({QStringLiteral("inspect"), QStringLiteral("--json"), TwinTrunk::Test::fixturePath(QStringLiteral("LAN-dr.3.mcz"))});
        QCOMPARE(run.exitCode, 0);
        const QJsonObject object = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(object.value(QStringLiteral("ancestors")).toArray(), QJsonArray{QStringLiteral("LAN-dr.2")});
        QCOMPARE(object.value(QStringLiteral("totalAncestors")).toInt(), 2);
        QCOMPARE(object.value(QStringLiteral("date")).toString(), QStringLiteral("1 November 2004"));

        const Run text = twintrunkctl({QStringLiteral("inspect"), TwinTrunk::Test::fixturePath(QStringLiteral("LAN-dr.3.mcz"))});
        QCOMPARE(text.exitCode, 0);
        QVERIFY(text.out.contains("name     LAN-dr.3"));
        QVERIFY(text.out.contains("ancestors 1 direct, 2 in all"));
    }

    void demoCreatesAWorkspaceAndRefusesForeignFolders()
    {
        QTemporaryDir dir;
        const Run created = twintrunkctl({QStringLiteral("demo"), QStringLiteral("--json"), dir.filePath(QStringLiteral("demo"))});
        QCOMPARE(created.exitCode, 0);
        const QJsonObject demo = QJsonDocument::fromJson(created.out).object();
        QVERIFY(QFile::exists(demo.value(QStringLiteral("workspace")).toString()));
        QVERIFY(demo.value(QStringLiteral("versions")).toInt() >= 200);

        const Run text = twintrunkctl({QStringLiteral("demo"), dir.filePath(QStringLiteral("demo"))});
        QCOMPARE(text.exitCode, 0);
        QVERIFY(text.out.contains("Duplicate-name conflict"));

        QFile foreign(dir.filePath(QStringLiteral("notes.txt")));
        QVERIFY(foreign.open(QIODevice::WriteOnly));
        foreign.close();
        const Run refused = twintrunkctl({QStringLiteral("demo"), dir.path()});
        QCOMPARE(refused.exitCode, 1);
        QVERIFY(refused.err.contains("not empty"));
        QCOMPARE(twintrunkctl({QStringLiteral("demo"), QStringLiteral("a"), QStringLiteral("b")}).exitCode, 2);
    }

    void conflictsAreListedAndInspected()
    {
        QTemporaryDir dir;
        const QString demo = dir.filePath(QStringLiteral("demo"));
        QCOMPARE(twintrunkctl({QStringLiteral("demo"), demo}).exitCode, 0);
        const QString workspace = QDir(demo).filePath(QStringLiteral("twintrunk.json"));

        const Run list = twintrunkctl({QStringLiteral("conflicts"), QStringLiteral("-w"), workspace, QStringLiteral("--json")});
        QCOMPARE(list.exitCode, 0);
        const QList<QByteArray> lines = list.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 1);
        const QJsonObject conflict = QJsonDocument::fromJson(lines.first()).object();
        QCOMPARE(conflict.value(QStringLiteral("project")).toString(), QStringLiteral("trunk"));
        QCOMPARE(conflict.value(QStringLiteral("name")).toString(), QStringLiteral("Collections-mt.987.mcz"));
        QVERIFY(conflict.value(QStringLiteral("decision")).isNull());
        const QJsonArray variants = conflict.value(QStringLiteral("variants")).toArray();
        QCOMPARE(variants.size(), 2);
        for (const QJsonValue &variant : variants)
        {
            for (const char *key : {"server", "uuid", "author", "date", "message"})
                QVERIFY2(!variant.toObject().value(QLatin1String(key)).toString().isEmpty(), key);
        }

        const Run text = twintrunkctl({QStringLiteral("conflict"), QStringLiteral("-w"), workspace, QStringLiteral("trunk"),
            QStringLiteral("Collections-mt.987"), QStringLiteral("--diff")});
        QCOMPARE(text.exitCode, 0);
        // The console's definitions list: who changed it (b: box4's variant descends from box2's), the change, the definition.
        QVERIFY2(QString::fromUtf8(text.out).contains(QRegularExpression(QStringLiteral("\\n    b +changed +OrderedCollection>>printOn:\\n"))),
            text.out.constData());
        QVERIFY(text.out.contains("+ \t\"variant 1"));

        const Run missing = twintrunkctl({QStringLiteral("conflict"), QStringLiteral("-w"), workspace, QStringLiteral("trunk"), QStringLiteral("Nope-x.1")});
        QCOMPARE(missing.exitCode, 1);
        QVERIFY(missing.err.contains("no server lists Nope-x.1.mcz"));
    }

    // resolve --dry-run says first, in plain words, what an image updating from each server will
    // load (the console's confirmation, --replace by its name here), with short ids and no step's
    // internal name, then the steps; --json keeps its steps and adds the same sentences. The run
    // names the new name, in its summary and as newNames.
    void resolveSaysWhatImagesLoadAndNamesTheNewName()
    {
        QTemporaryDir dir;
        const QString demo = dir.filePath(QStringLiteral("demo"));
        QCOMPARE(twintrunkctl({QStringLiteral("demo"), demo}).exitCode, 0);
        const QString workspace = QDir(demo).filePath(QStringLiteral("twintrunk.json"));
        const QStringList resolve{QStringLiteral("resolve"), QStringLiteral("-w"), workspace, QStringLiteral("trunk"), QStringLiteral("Collections-mt.987"),
            QStringLiteral("--keep"), QStringLiteral("box2")};
        const QJsonArray variants = QJsonDocument::fromJson(twintrunkctl({QStringLiteral("conflict"), QStringLiteral("-w"), workspace, QStringLiteral("trunk"),
                                                                             QStringLiteral("Collections-mt.987"), QStringLiteral("--json")})
                                                                .out)
                                        .object()
                                        .value(QStringLiteral("variants"))
                                        .toArray();
        QCOMPARE(variants.size(), 2);
        const QString a = variants.at(0).toObject().value(QStringLiteral("uuid")).toString();
        const QString b = variants.at(1).toObject().value(QStringLiteral("uuid")).toString();
        QCOMPARE(a.size(), 36);

        const Run dryRun = twintrunkctl(resolve + QStringList{QStringLiteral("--dry-run")});
        QVERIFY2(dryRun.exitCode == 0, dryRun.err.constData());
        const QString text = QString::fromUtf8(dryRun.out);
        const qsizetype steps = text.indexOf(QStringLiteral("\nThe steps, run without --dry-run:\n"));
        QVERIFY2(steps > 0, dryRun.out.constData());
        const QStringList words = text.left(steps).split(u'\n', Qt::SkipEmptyParts);
        const QStringList expected{
            QStringLiteral("An image updating from box2 will load box2's variant (%1) as Collections-mt.987.mcz, as it does now.").arg(a.left(8)),
            QStringLiteral("An image updating from box4 will still load box4's own variant (%1) as Collections-mt.987.mcz: box4 keeps its copy under that "
                           "name. Choose --replace to put box2's variant (%2) there instead.")
                .arg(b.left(8), a.left(8)),
            QStringLiteral("box4's variant (%1) is not lost: its bytes are kept first, checksummed, in a folder beside the workspace's state database; then "
                           "it is published on every server as Collections-mt.989.mcz, its id and ancestry unchanged.")
                .arg(b.left(8)),
            QStringLiteral("Nothing is deleted. Collections-mt.987.mcz is then no longer an open conflict.")};
        QCOMPARE(words, expected);
        for (const QString &internal : {QStringLiteral("decide"), QStringLiteral("quarantine"), QStringLiteral("canonical-elsewhere"), a, b})
            QVERIFY2(!text.left(steps).contains(internal), qPrintable(internal));
        QVERIFY(text.mid(steps).contains(QStringLiteral("[planned] canonical-elsewhere box4")));
        QVERIFY(text.endsWith(QStringLiteral("dry run: nothing was changed\n")));

        const Run json = twintrunkctl(resolve + QStringList{QStringLiteral("--dry-run"), QStringLiteral("--json")});
        const QJsonObject planned = QJsonDocument::fromJson(json.out).object();
        QCOMPARE(planned.value(QStringLiteral("words")).toVariant().toStringList(), expected);
        QCOMPARE(planned.value(QStringLiteral("steps")).toArray().first().toObject().value(QStringLiteral("action")).toString(), QStringLiteral("decide"));
        QCOMPARE(planned.value(QStringLiteral("newNames")).toVariant().toStringList(), QStringList{QStringLiteral("Collections-mt.989.mcz")});

        const Run run = twintrunkctl(resolve);
        QVERIFY2(run.exitCode == 0, run.out.constData());
        // After the run, what images load now, then the result, which says box4 still serves its own variant.
        const QString after = QString::fromUtf8(run.out);
        QVERIFY2(after.contains(QStringLiteral("\nAn image updating from box4 still loads box4's own variant (%1) as Collections-mt.987.mcz: box4 keeps "
                                               "its copy under that name.\n")
                                    .arg(b.left(8))),
            run.out.constData());
        QVERIFY2(after.endsWith(QStringLiteral("resolved: Collections-mt.987.mcz is box2's variant; box4's variant is now Collections-mt.989.mcz on every "
                                               "server; box4 still serves its own variant (%1) as Collections-mt.987.mcz (--replace puts box2's there)\n")
                                    .arg(b.left(8))),
            run.out.constData());
        const Run rerun = twintrunkctl(resolve + QStringList{QStringLiteral("--json")});
        const QJsonObject again = QJsonDocument::fromJson(rerun.out).object();
        QVERIFY2(again.value(QStringLiteral("ok")).toBool(), rerun.out.constData());
        QCOMPARE(again.value(QStringLiteral("newNames")).toVariant().toStringList(), QStringList{QStringLiteral("Collections-mt.989.mcz")});
        QVERIFY2(again.value(QStringLiteral("summary")).toString().contains(QStringLiteral("Collections-mt.989.mcz")), rerun.out.constData());

        // conflicts explains the decided name by its actual reason: replacing was not asked for.
        const Run listed = twintrunkctl({QStringLiteral("conflicts"), QStringLiteral("-w"), workspace});
        QCOMPARE(listed.exitCode, 0);
        QVERIFY2(listed.out.contains("trunk/Collections-mt.987.mcz: decided, box2's variant is canonical; box4 still serves another variant under the "
                                     "name: replacing was not asked for"),
            listed.out.constData());
        QVERIFY2(!listed.out.contains("does not reuse names"), listed.out.constData());
    }

    // A server down: conflicts says what it could not check, never "no conflicts", and exits 1
    // (incomplete, as status --check and sync --dry-run); --json ends with complete false and
    // notChecked. conflict cannot tell whether a name is a conflict while a server is not listed.
    void conflictsWithAServerDownAreNotAllClear()
    {
        QTemporaryDir dir;
        const QString demo = dir.filePath(QStringLiteral("demo"));
        QCOMPARE(twintrunkctl({QStringLiteral("demo"), demo}).exitCode, 0);
        const QString workspace = QDir(demo).filePath(QStringLiteral("twintrunk.json"));
        QVERIFY(QDir(demo).rename(QStringLiteral("box2"), QStringLiteral("box2-away")));

        const Run text = twintrunkctl({QStringLiteral("conflicts"), QStringLiteral("-w"), workspace});
        QCOMPARE(text.exitCode, 1);
        QVERIFY2(!text.out.contains("No open duplicate-name conflicts"), text.out.constData());
        QVERIFY2(text.out.contains("Not checked: box2 unreachable"), text.out.constData());
        QVERIFY2(text.out.contains("; no conflicts among what was listed\n"), text.out.constData());

        const Run json = twintrunkctl({QStringLiteral("conflicts"), QStringLiteral("-w"), workspace, QStringLiteral("--json")});
        QCOMPARE(json.exitCode, 1);
        const QJsonObject last = QJsonDocument::fromJson(json.out.trimmed().split('\n').last()).object();
        QCOMPARE(last.value(QStringLiteral("complete")), QJsonValue(false));
        QCOMPARE(last.value(QStringLiteral("conflictsListed")).toInt(-1), 0);
        const QStringList notChecked = last.value(QStringLiteral("notChecked")).toVariant().toStringList();
        QVERIFY2(!notChecked.isEmpty() && notChecked.first().startsWith(QStringLiteral("box2 unreachable")), json.out.constData());

        const Run one =
            twintrunkctl({QStringLiteral("conflict"), QStringLiteral("-w"), workspace, QStringLiteral("trunk"), QStringLiteral("Collections-mt.987.mcz")});
        QCOMPARE(one.exitCode, 1);
        QVERIFY2(!one.err.contains("is not a conflict"), one.err.constData());
        QVERIFY2(one.err.contains("whether it is a conflict cannot be told while box2"), one.err.constData());
    }

    // A server down: sync --dry-run says what could not be planned and why, and exits 1 as sync
    // does; a run's conflicts left are "not known"; status gives a count of the names whose
    // identity is unknown, not every name; diff tells "unreachable" from a version a server lacks.
    void aServerDownIsNeverReadAsNothingToDo()
    {
        QTemporaryDir dir;
        const QString demo = dir.filePath(QStringLiteral("demo"));
        QCOMPARE(twintrunkctl({QStringLiteral("demo"), demo}).exitCode, 0);
        const QString workspace = QDir(demo).filePath(QStringLiteral("twintrunk.json"));
        const QStringList w{QStringLiteral("-w"), workspace};

        // Both up: a plan, and a version only box2 has is "-" on box4.
        const Run planned = twintrunkctl(QStringList{QStringLiteral("sync"), QStringLiteral("--dry-run")} + w);
        QCOMPARE(planned.exitCode, 0);
        QVERIFY2(planned.out.startsWith("Plan: "), planned.out.constData());
        QVERIFY(twintrunkctl(QStringList{QStringLiteral("diff"), QStringLiteral("trunk")} + w).out.contains(" box4:-"));

        QVERIFY(QDir().rename(QDir(demo).filePath(QStringLiteral("box4")), QDir(demo).filePath(QStringLiteral("box4.away"))));
        const Run dry = twintrunkctl(QStringList{QStringLiteral("sync"), QStringLiteral("--dry-run")} + w);
        QCOMPARE(dry.exitCode, 1);
        QVERIFY2(dry.out.startsWith("Not planned: box4 unreachable (its folder cannot be read)\nPlan among the servers listed: 0 copies"), dry.out.constData());
        const Run dryJson = twintrunkctl(QStringList{QStringLiteral("sync"), QStringLiteral("--dry-run"), QStringLiteral("--json")} + w);
        QCOMPARE(dryJson.exitCode, 1);
        const QJsonObject plan = QJsonDocument::fromJson(dryJson.out).object();
        QCOMPARE(plan.value(QStringLiteral("complete")), QJsonValue(false));
        QCOMPARE(plan.value(QStringLiteral("notChecked")).toArray(), QJsonArray{QStringLiteral("box4 unreachable (its folder cannot be read)")});

        const Run sync = twintrunkctl(QStringList{QStringLiteral("sync")} + w);
        QCOMPARE(sync.exitCode, 1);
        QVERIFY2(sync.out.contains("projects not checked 3, conflicts left not known\n"), sync.out.constData());
        const Run syncJson = twintrunkctl(QStringList{QStringLiteral("sync"), QStringLiteral("--json")} + w);
        QCOMPARE(syncJson.exitCode, 1);
        const QJsonObject summary = QJsonDocument::fromJson(syncJson.out.trimmed().split('\n').last()).object();
        QCOMPARE(summary.value(QStringLiteral("event")).toString(), QStringLiteral("summary"));
        QVERIFY(summary.value(QStringLiteral("conflictsLeft")).isNull());

        const Run status = twintrunkctl(QStringList{QStringLiteral("status")} + w);
        QVERIFY2(status.out.contains("trunk: NOT CHECKED: BOX4 UNREACHABLE"), status.out.constData());
        QVERIFY2(!status.out.contains("Ids not read everywhere"), status.out.constData());
        QVERIFY2(!status.out.contains(".mcz"), status.out.constData()); // a count, not the names
        QVERIFY2(QRegularExpression(QStringLiteral("identity unknown: \\d+ versions")).match(QString::fromUtf8(status.out)).hasMatch(), status.out.constData());
        const QJsonObject trunk = QJsonDocument::fromJson(twintrunkctl(QStringList{QStringLiteral("status"), QStringLiteral("--json")} + w).out)
                                      .object()
                                      .value(QStringLiteral("projects"))
                                      .toArray()
                                      .first()
                                      .toObject();
        QVERIFY(trunk.value(QStringLiteral("missing")).toObject().value(QStringLiteral("box2")).isNull());
        QCOMPARE(trunk.value(QStringLiteral("complete")), QJsonValue(false));
        QVERIFY(!trunk.value(QStringLiteral("unknown")).toArray().isEmpty()); // the names are in --json

        const Run diff = twintrunkctl(QStringList{QStringLiteral("diff"), QStringLiteral("trunk")} + w);
        QCOMPARE(diff.exitCode, 0);
        QVERIFY2(diff.out.contains(" box4:unreachable") && !diff.out.contains(" box4:-"), diff.out.constData());
        const Run diffJson = twintrunkctl(QStringList{QStringLiteral("diff"), QStringLiteral("trunk"), QStringLiteral("--json")} + w);
        const QJsonObject row = QJsonDocument::fromJson(diffJson.out.split('\n').first()).object();
        QCOMPARE(row.value(QStringLiteral("presence")).toObject(),
            (QJsonObject{{QStringLiteral("box2"), QStringLiteral("present")}, {QStringLiteral("box4"), QStringLiteral("unreachable")}}));
    }

    void failuresAreNamedAndTheRestStillRead()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString bogus = dir.filePath(QStringLiteral("Bogus-x.1.mcz"));
        QFile file(bogus);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("this is not a zip");
        file.close();

        const Run run = twintrunkctl({QStringLiteral("inspect"), QStringLiteral("--json"), bogus,
            TwinTrunk::Test::fixturePath(QStringLiteral("MiniTurtle-sd.1.mcz")), dir.filePath(QStringLiteral("missing.mcz"))});
        QCOMPARE(run.exitCode, 1);
        QVERIFY(run.err.contains(bogus.toUtf8()));
        QVERIFY(run.err.contains("not a zip"));
        QVERIFY(run.err.contains("missing.mcz"));
        QCOMPARE(run.out.trimmed().split('\n').size(), 1);
        QVERIFY(run.out.contains("MiniTurtle-sd.1"));
    }

    // A version listed under a name its info does not give: probe says what copies would say.
    void probeWarnsWhenTheNameInsideDiffers()
    {
        QTemporaryDir dir;
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("trunk")));
        TwinTrunk::Test::writeFile(dir.filePath(QStringLiteral("trunk/Other-x.1.mcz")),
            TwinTrunk::Test::readFile(TwinTrunk::Test::fixturePath(QStringLiteral("MiniTurtle-sd.1.mcz"))));
        const Run run =
            twintrunkctl({QStringLiteral("probe"), QStringLiteral("--json"), dir.filePath(QStringLiteral("trunk")), QStringLiteral("Other-x.1.mcz")});
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.err.contains("the version inside is named 'MiniTurtle-sd.1'"), run.err.constData());
        QVERIFY(QJsonDocument::fromJson(run.out).object().value(QStringLiteral("warning")).toString().contains(QStringLiteral("MiniTurtle-sd.1.mcz")));
    }

    // Inspect reads an old archive whose declared member size is wrong (its CRC matching the
    // data), with a warning, as Info-ZIP and Monticello read it.
    void inspectReadsAWrongDeclaredSizeWithAWarning()
    {
        QTemporaryDir dir;
        QByteArray zip = TwinTrunk::Test::readFile(TwinTrunk::Test::fixturePath(QStringLiteral("LAN-dr.3.mcz")));
        // Lower the declared size of 'version' in its local header and central directory entry.
        for (const QByteArray &signature : {QByteArray("PK\x03\x04"), QByteArray("PK\x01\x02")})
        {
            const int nameAt = signature == "PK\x03\x04" ? 30 : 46, sizeAt = signature == "PK\x03\x04" ? 22 : 24;
            for (qsizetype at = zip.indexOf(signature); at >= 0; at = zip.indexOf(signature, at + 4))
            {
                if (zip.mid(at + nameAt, 7) == "version")
                    zip[at + sizeAt] = char(quint8(zip[at + sizeAt]) - 16);
            }
        }
        const QString path = dir.filePath(QStringLiteral("LAN-dr.3.mcz"));
        TwinTrunk::Test::writeFile(path, zip);
        const Run run = twintrunkctl({QStringLiteral("inspect"), path});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QVERIFY(run.out.contains("LAN-dr.3"));
        QVERIFY2(run.err.contains("declares") && run.err.contains("CRC-32 matches"), run.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestTwinTrunkCtl)
#include "tst_twintrunkctl.moc"
