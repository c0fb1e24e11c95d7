// Duplicate-name conflicts: the line and definition diffs (two ways, side by side, and three ways
// against the common ancestor), and the inspection of the demo workspace's conflict (the same name
// saved again on box4 with other code), also made to diverge from an ancestor a server holds.

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>
#include <QUuid>

#include "conflicts/inspection.h"
#include "conflicts/resolution.h"
#include "demo/demoworkspace.h"
#include "monticello/mczversion.h"
#include "monticello/sourcedefinitions.h"
#include "monticello/versionname.h"
#include "presentation/resolutionwords.h"
#include "testsupport.h"

using namespace TwinTrunk;
using namespace TwinTrunk::Conflicts;

class TestConflicts final : public QObject
{
    Q_OBJECT

    static QString render(const QList<DiffLine> &lines)
    {
        QStringList out;
        for (const DiffLine &line : lines)
            out.append((line.kind == DiffLine::Kind::Added ? u'+' : line.kind == DiffLine::Kind::Removed ? u'-' : u' ') + line.text);
        return out.join(u'|');
    }

    // "|" between columns, "." for a side without a line: "b|B" is a changed line.
    static QString render(const QList<SideBySideRow> &rows)
    {
        QStringList out;
        for (const SideBySideRow &row : rows)
            out.append(row.left.value_or(QStringLiteral(".")) + u'|' + row.right.value_or(QStringLiteral(".")));
        return out.join(u' ');
    }

    // "marker:ancestor|a|b" per row, "." for a side without a line.
    static QString render(const QList<ThreeWayRow> &rows)
    {
        QStringList out;
        for (const ThreeWayRow &row : rows)
        {
            out.append(changedInText(row.changedIn) + u':' + row.ancestor.value_or(QStringLiteral(".")) + u'|' + row.a.value_or(QStringLiteral(".")) + u'|'
                + row.b.value_or(QStringLiteral(".")));
        }
        return out.join(u' ');
    }

    // "key=marker" for each definition that differs between a and b.
    static QStringList markers(const QList<ThreeWayChange> &changes)
    {
        QStringList out;
        for (const ThreeWayChange &change : changes)
            out.append(change.key + u'=' + changedInText(change.changedIn));
        return out;
    }

    // A class Foo with the methods given as "selector source-line" pairs, in Monticello's chunk format.
    static Monticello::SourceDefinitions foo(const QStringList &methods)
    {
        QByteArray source = "Object subclass: #Foo\r\tinstanceVariableNames: ''\r\tclassVariableNames: ''\r\tpoolDictionaries: ''\r\tcategory: 'Demo'!\r";
        for (const QString &method : methods)
        {
            source += "\r!Foo methodsFor: 'demo' stamp: 'mt 1/1/2026 10:00'!\r" + method.section(u' ', 0, 0).toUtf8() + "\r\t"
                + method.section(u' ', 1).toUtf8() + "! !\r";
        }
        return Monticello::SourceDefinitions::parse(source);
    }

    // The id of the version in a file on disk; empty when it cannot be read.
    static QString idOnDisk(const QString &path)
    {
        Result<Monticello::MczVersion> version = Monticello::MczVersion::readBytes(Test::readFile(path), path, Monticello::MczArchive::Members::Metadata);
        return version ? version->info().id() : QString();
    }

    // Every file under a folder, recursively, as relative path -> bytes.
    static QMap<QString, QByteArray> filesUnder(const QString &folder)
    {
        QMap<QString, QByteArray> files;
        QDirIterator it(folder, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext())
        {
            const QString path = it.next();
            files.insert(QDir(folder).relativeFilePath(path), Test::readFile(path));
        }
        return files;
    }

private Q_SLOTS:
    void lineDiffsAreMinimalAndKeepOrder()
    {
        QCOMPARE(render(diffLines(QStringLiteral("a\rb\rc"), QStringLiteral("a\rB\rc\rd"))), QStringLiteral(" a|-b|+B| c|+d"));
        QCOMPARE(render(diffLines(QStringLiteral("same\r\nlines"), QStringLiteral("same\nlines"))), QStringLiteral(" same| lines"));
        QCOMPARE(render(diffLines(QString(), QStringLiteral("new"))), QStringLiteral("+new"));
    }

    void definitionsAreComparedByClassSideAndSelector()
    {
        const QByteArray before =
            "Object subclass: #Foo\r\tinstanceVariableNames: ''\r\tclassVariableNames: ''\r\tpoolDictionaries: ''\r\tcategory: 'Demo'!\r\r"
            "!Foo methodsFor: 'accessing' stamp: 'mt 1/1/2026 10:00'!\rbar\r\t^ 1! !\r\r"
            "!Foo methodsFor: 'accessing' stamp: 'mt 1/1/2026 10:00'!\rgone\r\t^ nil! !\r\r"
            "!Foo class methodsFor: 'instance creation' stamp: 'mt 1/1/2026 10:00'!\rbar\r\t^ self new! !\r";
        const QByteArray after = "Object subclass: #Foo\r\tinstanceVariableNames: ''\r\tclassVariableNames: ''\r\tpoolDictionaries: ''\r\tcategory: 'Demo'!\r\r"
                                 "!Foo methodsFor: 'accessing' stamp: 'ct 2/1/2026 10:00'!\rbar\r\t^ 2! !\r\r"
                                 "!Foo class methodsFor: 'instance creation' stamp: 'mt 1/1/2026 10:00'!\rbar\r\t^ self new! !\r\r"
                                 "!Foo methodsFor: 'testing' stamp: 'ct 2/1/2026 10:00'!\risNew\r\t^ true! !\r";
        const QList<DefinitionChange> changes = diffDefinitions(Monticello::SourceDefinitions::parse(before), Monticello::SourceDefinitions::parse(after));
        QStringList summary;
        for (const DefinitionChange &change : changes)
            summary.append(changeKindName(change.kind) + u' ' + change.key);
        QCOMPARE(summary, (QStringList{QStringLiteral("changed Foo>>bar"), QStringLiteral("removed Foo>>gone"), QStringLiteral("added Foo>>isNew")}));
        QCOMPARE(render(changes.first().lines), QStringLiteral(" bar|-\t^ 1|+\t^ 2"));
    }

    // Each run of changes pairs its removed lines with its added ones, the rest facing blanks.
    void sideBySideRowsAlignChangedLines()
    {
        const QList<SideBySideRow> rows = sideBySide(diffLines(QStringLiteral("a\nb\nc\nd"), QStringLiteral("a\nB\nB2\nc")));
        QCOMPARE(render(rows), QStringLiteral("a|a b|B .|B2 c|c d|."));
        QList<SideBySideRow::Kind> kinds;
        for (const SideBySideRow &row : rows)
            kinds.append(row.kind);
        using Kind = SideBySideRow::Kind;
        QCOMPARE(kinds, (QList<Kind>{Kind::Same, Kind::Changed, Kind::Added, Kind::Same, Kind::Removed}));
        QCOMPARE(render(sideBySide(diffLines(QString(), QStringLiteral("x\ny")))), QStringLiteral(".|x .|y"));
    }

    // CR, LF and CRLF are one line end: only the changed line differs, in either layout.
    void lineEndsDoNotCountAsChanges()
    {
        QCOMPARE(render(sideBySide(diffLines(QStringLiteral("x\r\ny\r\nz"), QStringLiteral("x\ny\nZ")))), QStringLiteral("x|x y|y z|Z"));
        QCOMPARE(render(diffLines3(QStringLiteral("x\r\ny\r\nz"), QStringLiteral("x\ny\nz"), QStringLiteral("x\rY\rz"))),
            QStringLiteral(":x|x|x b:y|y|Y :z|z|z"));
    }

    // diff3's alignment: unchanged lines anchor the rows; between anchors, each side's lines face
    // each other, marked with who changed them.
    void threeWayRowsMarkWhoChangedEachStretch()
    {
        QCOMPARE(render(diffLines3(QStringLiteral("1\n2\n3\n4\n5"), QStringLiteral("1\nA\n3\n4\n5"), QStringLiteral("1\n2\n3\nB\nB+\n5"))),
            QStringLiteral(":1|1|1 a:2|A|2 :3|3|3 b:4|4|B b:.|.|B+ :5|5|5"));
        QCOMPARE(render(diffLines3(QStringLiteral("1\n2\n3"), QStringLiteral("1\nA\n3"), QStringLiteral("1\nB\n3"))),
            QStringLiteral(":1|1|1 both:2|A|B :3|3|3"));
        QCOMPARE(render(diffLines3(QString(), QString(), QStringLiteral("new"))), QStringLiteral("b:.|.|new"));
    }

    // a changed one method, b another: each marked with its side.
    void threeWayMarksTheSideThatChangedEachDefinition()
    {
        const Monticello::SourceDefinitions ancestor = foo({QStringLiteral("one ^ 1"), QStringLiteral("two ^ 2"), QStringLiteral("three ^ 3")});
        const Monticello::SourceDefinitions a = foo({QStringLiteral("one ^ 1"), QStringLiteral("two ^ 22"), QStringLiteral("three ^ 3")});
        const Monticello::SourceDefinitions b = foo({QStringLiteral("one ^ 1"), QStringLiteral("two ^ 2"), QStringLiteral("three ^ 33")});
        const QList<ThreeWayChange> changes = diffDefinitions3(ancestor, a, b);
        QCOMPARE(markers(changes), (QStringList{QStringLiteral("Foo>>two=a"), QStringLiteral("Foo>>three=b")}));
        QCOMPARE(render(changes.first().rows), QStringLiteral(":two|two|two a:\t^ 2|\t^ 22|\t^ 2"));
        // The same order as the two-way list, so the two run in parallel.
        const QList<DefinitionChange> twoWay = diffDefinitions(a, b);
        QCOMPARE(twoWay.size(), changes.size());
        for (qsizetype i = 0; i < changes.size(); ++i)
            QCOMPARE(changes.at(i).key, twoWay.at(i).key);
    }

    void aMethodBothChangedIsMarkedBoth()
    {
        const Monticello::SourceDefinitions ancestor = foo({QStringLiteral("one ^ 1"), QStringLiteral("two ^ 2")});
        const Monticello::SourceDefinitions a = foo({QStringLiteral("one ^ 1"), QStringLiteral("two ^ 22")});
        const Monticello::SourceDefinitions b = foo({QStringLiteral("one ^ 1"), QStringLiteral("two ^ 222")});
        const QList<ThreeWayChange> changes = diffDefinitions3(ancestor, a, b);
        QCOMPARE(markers(changes), QStringList{QStringLiteral("Foo>>two=both")});
        QCOMPARE(render(changes.first().rows), QStringLiteral(":two|two|two both:\t^ 2|\t^ 22|\t^ 222"));
    }

    // A definition only b added: b's against the ancestor; "only in b" in two ways.
    void aDefinitionAddedOnlyInBIsBs()
    {
        const Monticello::SourceDefinitions ancestor = foo({QStringLiteral("one ^ 1")});
        const Monticello::SourceDefinitions b = foo({QStringLiteral("one ^ 1"), QStringLiteral("added ^ 0")});
        const QList<ThreeWayChange> changes = diffDefinitions3(ancestor, ancestor, b);
        QCOMPARE(markers(changes), QStringList{QStringLiteral("Foo>>added=b")});
        QCOMPARE(render(changes.first().rows), QStringLiteral("b:.|.|added b:.|.|\t^ 0"));
        const QList<DefinitionChange> twoWay = diffDefinitions(ancestor, b);
        QCOMPARE(twoWay.size(), 1);
        QCOMPARE(presenceText(twoWay.first().kind), QStringLiteral("only in b"));
        QCOMPARE(presenceText(DefinitionChange::Kind::Removed), QStringLiteral("only in a"));
        QCOMPARE(presenceText(DefinitionChange::Kind::Changed), QStringLiteral("in both, different"));
    }

    // The demo's conflict made to diverge: box4's variant saved again from the ancestor both
    // descend from, with a method of its own. Three ways while a server holds the ancestor; two
    // ways, saying why, once none does.
    void aDivergedConflictIsComparedWithTheAncestorAServerHolds()
    {
        QTemporaryDir dir;
        Result<Demo::DemoWorkspace> demo = Demo::createDemoWorkspace(dir.filePath(QStringLiteral("demo")));
        QVERIFY(demo.ok());
        const QString project = demo->conflictProject;
        auto fileOn = [&demo, &project](const QString &server, const QString &name) {
            return QDir(demo->directory).filePath(server + u'/' + project + u'/' + name);
        };
        // box4's variant saved again from the ancestor both descend from, with a method of its own.
        const QString parentFile = Test::divergeDemoConflict(demo.value());
        const QString parentName = parentFile.chopped(4); // without .mcz

        Workspace workspace = Workspace::load(demo->workspaceFile).value();
        std::unique_ptr<State::StateDatabase> state = State::StateDatabase::open(workspace.stateDatabasePath()).value();
        Result<ConflictInspection> inspection = Test::wait(inspectConflict(workspace, *state, project, demo->conflictFileName, dir.path()));
        QVERIFY2(inspection.ok(), qPrintable(inspection.ok() ? QString() : inspection.error().toString()));
        QCOMPARE(inspection->relationKind, ConflictInspection::Relation::Diverged);
        QCOMPARE(inspection->commonAncestor, parentName);
        QCOMPARE(inspection->ancestorServer, QStringLiteral("box2"));
        QCOMPARE(inspection->comparison, QStringLiteral("Three-way comparison with the common ancestor %1 (read from box2)").arg(parentName));
        QCOMPARE(inspection->threeWay.size(), inspection->codeDiff.size());
        // b changed only its own method; everything else that differs is a's work since the ancestor.
        QStringList bs, as;
        for (const ThreeWayChange &change : inspection->threeWay)
            (change.changedIn == ChangedIn::B ? bs : as).append(change.key + u'=' + changedInText(change.changedIn));
        QCOMPARE(bs, QStringList{QStringLiteral("Foo>>onlyInB=b")});
        QVERIFY(!as.isEmpty());
        for (const QString &marked : std::as_const(as))
            QVERIFY2(marked.endsWith(QStringLiteral("=a")), qPrintable(marked));

        // No server holds the ancestor any more.
        QVERIFY(QFile::remove(fileOn(QStringLiteral("box2"), parentFile)));
        QVERIFY(QFile::remove(fileOn(QStringLiteral("box4"), parentFile)));
        Result<ConflictInspection> twoWay = Test::wait(inspectConflict(workspace, *state, project, demo->conflictFileName, dir.path()));
        QVERIFY(twoWay.ok());
        QCOMPARE(twoWay->relationKind, ConflictInspection::Relation::Diverged);
        QCOMPARE(twoWay->comparison, QStringLiteral("Common ancestor %1 is on no server: two-way comparison").arg(parentName));
        QVERIFY(twoWay->threeWay.isEmpty() && twoWay->ancestorServer.isEmpty());
        QVERIFY(QDir(dir.path()).entryList(QDir::Files).isEmpty()); // downloads are removed
    }

    void theNextFreeNameIsAfterEveryNameOfThePackageAndAuthor()
    {
        const QSet<QString> taken{QStringLiteral("Collections-mt.987.mcz"), QStringLiteral("Collections-mt.988.mcz"), QStringLiteral("Collections-ul.1001.mcz"),
            QStringLiteral("Collections.spur-mt.2000.mcz"), QStringLiteral("Kernel-mt.5000.mcz")};
        QCOMPARE(nextFreeName(QStringLiteral("Collections-mt.987.mcz"), taken), QStringLiteral("Collections-mt.989.mcz"));
        QCOMPARE(nextFreeName(QStringLiteral("Collections-mt.987.mcz"), {}), QStringLiteral("Collections-mt.988.mcz"));
        QCOMPARE(nextFreeName(QStringLiteral("Collections.spur-mt.2000.mcz"), taken), QStringLiteral("Collections.spur-mt.2001.mcz"));
    }

    // A third server whose copy of the conflict name cannot be read (a damaged .mcz): its bytes
    // cannot be kept, so no resolution may replace it, nor call the name decided. Refused, naming
    // the server and the name, with nothing changed on any server or in the quarantine.
    void aCopyWhoseIdCannotBeReadIsNeverReplaced()
    {
        QTemporaryDir dir;
        Result<Demo::DemoWorkspace> demo = Demo::createDemoWorkspace(dir.filePath(QStringLiteral("demo")));
        QVERIFY(demo.ok());
        const QString box3 = QDir(demo->directory).filePath(QStringLiteral("box3"));
        const QString box3Project = QDir(box3).filePath(demo->conflictProject);
        QVERIFY(QDir().mkpath(box3Project));
        const QString box4Project = QDir(demo->directory).filePath(QStringLiteral("box4/") + demo->conflictProject);
        for (const QString &file : QDir(box4Project).entryList(QDir::Files))
            QVERIFY(QFile::copy(QDir(box4Project).filePath(file), QDir(box3Project).filePath(file)));
        const QString damaged = QDir(box3Project).filePath(demo->conflictFileName);
        QVERIFY(QFile::remove(damaged));
        Test::writeFile(damaged, QByteArray("PK\x03\x04 not a version: its id cannot be read"));
        QJsonObject json = QJsonDocument::fromJson(Test::readFile(demo->workspaceFile)).object();
        QJsonArray servers = json.value(QStringLiteral("servers")).toArray();
        servers.append(
            QJsonObject{{QStringLiteral("name"), QStringLiteral("box3")}, {QStringLiteral("url"), QString(QUrl::fromLocalFile(box3).toString() + u'/')}});
        json.insert(QStringLiteral("servers"), servers);
        QFile::remove(demo->workspaceFile);
        Test::writeFile(demo->workspaceFile, QJsonDocument(json).toJson());
        Result<Workspace> loaded = Workspace::load(demo->workspaceFile);
        QVERIFY2(loaded.ok(), qPrintable(loaded.ok() ? QString() : loaded.error().toString()));
        const Workspace workspace = loaded.value();
        QCOMPARE(workspace.servers().size(), 3);
        std::unique_ptr<State::StateDatabase> state = State::StateDatabase::open(workspace.stateDatabasePath()).value();
        const auto servers3 = [&demo] {
            QMap<QString, QByteArray> files;
            for (const QString &server : {QStringLiteral("box2"), QStringLiteral("box3"), QStringLiteral("box4")})
            {
                const QMap<QString, QByteArray> held = filesUnder(QDir(demo->directory).filePath(server));
                for (auto file = held.cbegin(); file != held.cend(); ++file)
                    files.insert(server + u'/' + file.key(), file.value());
            }
            return files;
        };
        const QMap<QString, QByteArray> before = servers3();

        ConflictResolver resolver(workspace, *state);
        for (const bool replace : {true, false})
        {
            for (const bool dryRun : {true, false})
            {
                const ResolutionReport report = Test::wait(resolver.keep(demo->conflictProject, demo->conflictFileName, QStringLiteral("box2"),
                    ResolveOptions{.replace = replace, .dryRun = dryRun, .note = QString()}));
                QVERIFY2(!report.ok, qPrintable(report.summary));
                QVERIFY2(report.summary.contains(QStringLiteral("box3")) && report.summary.contains(demo->conflictFileName)
                        && report.summary.contains(QStringLiteral("could not be read")),
                    qPrintable(report.summary));
                QVERIFY(report.steps.isEmpty());
            }
        }
        QCOMPARE(servers3(), before); // no server's file changed, none added
        QVERIFY(!QFileInfo::exists(workspace.quarantinePath()) || filesUnder(workspace.quarantinePath()).isEmpty());
        QVERIFY(state->decisions(demo->conflictProject).value().isEmpty());
    }

    // What images load afterwards, checked on disk: without --replace box4 still serves its own
    // variant under the name (and the result says so); with --replace it serves the kept one and
    // its old bytes are in the quarantine, journaled.
    void theResultSaysWhatEachServerServesUnderTheName()
    {
        for (const bool replace : {false, true})
        {
            QTemporaryDir dir;
            Result<Demo::DemoWorkspace> demo = Demo::createDemoWorkspace(dir.filePath(QStringLiteral("demo")));
            QVERIFY(demo.ok());
            const Workspace workspace = Workspace::load(demo->workspaceFile).value();
            std::unique_ptr<State::StateDatabase> state = State::StateDatabase::open(workspace.stateDatabasePath()).value();
            const auto onDisk = [&](const QString &server, const QString &name) {
                return QDir(demo->directory).filePath(server + u'/' + demo->conflictProject + u'/' + name);
            };
            const QString keptId = idOnDisk(onDisk(QStringLiteral("box2"), demo->conflictFileName));
            const QString loserId = idOnDisk(onDisk(QStringLiteral("box4"), demo->conflictFileName));
            QVERIFY(!keptId.isEmpty() && !loserId.isEmpty() && keptId != loserId);

            ConflictResolver resolver(workspace, *state);
            const ResolutionReport report = Test::wait(resolver.keep(demo->conflictProject, demo->conflictFileName, QStringLiteral("box2"),
                ResolveOptions{.replace = replace, .dryRun = false, .note = {}}));
            QVERIFY2(report.ok, qPrintable(report.summary));
            QCOMPARE(report.newNames(), QStringList{QStringLiteral("Collections-mt.989.mcz")});
            for (const QString &server : {QStringLiteral("box2"), QStringLiteral("box4")})
                QCOMPARE(idOnDisk(onDisk(server, QStringLiteral("Collections-mt.989.mcz"))), loserId);
            QCOMPARE(idOnDisk(onDisk(QStringLiteral("box2"), demo->conflictFileName)), keptId);
            QCOMPARE(idOnDisk(onDisk(QStringLiteral("box4"), demo->conflictFileName)), replace ? keptId : loserId);
            const QStringList quarantined = filesUnder(workspace.quarantinePath()).keys();
            QCOMPARE(quarantined.size(), 1);
            QCOMPARE(idOnDisk(QDir(workspace.quarantinePath()).filePath(quarantined.first())), loserId);

            // The result and the words after the run say what an image updating from box4 loads.
            const QStringList words = Presentation::resolutionWords(report, QStringLiteral("--replace"));
            const QString box4Loads = words.filter(QStringLiteral("updating from box4")).join(u' ');
            if (replace)
            {
                QVERIFY2(box4Loads.contains(QStringLiteral("loads box2's variant (%1)").arg(keptId.left(8))), qPrintable(box4Loads));
                QVERIFY2(!report.summary.contains(QStringLiteral("still")), qPrintable(report.summary));
            }
            else
            {
                QVERIFY2(box4Loads.contains(QStringLiteral("still loads box4's own variant (%1)").arg(loserId.left(8))), qPrintable(box4Loads));
                QVERIFY2(report.summary.contains(QStringLiteral("box4 still serves its own variant (%1) as %2").arg(loserId.left(8), demo->conflictFileName)),
                    qPrintable(report.summary));
            }
            const QList<State::JournalEntry> journal = state->journalOf(demo->conflictProject, demo->conflictFileName).value();
            bool replacedJournaled = false;
            bool quarantineJournaled = false;
            for (const State::JournalEntry &entry : journal)
            {
                replacedJournaled |= entry.operation == u"resolve-replace" && entry.target == u"box4" && entry.result == u"done";
                quarantineJournaled |= entry.operation == u"resolve-quarantine" && entry.target == u"box4" && entry.result == u"done";
            }
            QVERIFY(quarantineJournaled);
            QCOMPARE(replacedJournaled, replace);
        }
    }

    void theDemoConflictIsInspectedSideBySide()
    {
        QTemporaryDir dir;
        Result<Demo::DemoWorkspace> demo = Demo::createDemoWorkspace(dir.filePath(QStringLiteral("demo")));
        QVERIFY(demo.ok());
        Workspace workspace = Workspace::load(demo->workspaceFile).value();
        std::unique_ptr<State::StateDatabase> state = State::StateDatabase::open(workspace.stateDatabasePath()).value();

        // With or without .mcz.
        Result<ConflictInspection> inspection =
            Test::wait(inspectConflict(workspace, *state, demo->conflictProject, demo->conflictFileName.chopped(4), dir.path()));
        QVERIFY2(inspection.ok(), qPrintable(inspection.ok() ? QString() : inspection.error().toString()));
        QCOMPARE(inspection->name, demo->conflictFileName);
        QCOMPARE(inspection->variants.size(), 2);
        const Variant &box2 = inspection->variants.at(0);
        const Variant &box4 = inspection->variants.at(1);
        QCOMPARE(box2.servers, QStringList{QStringLiteral("box2")});
        QCOMPARE(box4.servers, QStringList{QStringLiteral("box4")});
        QVERIFY(box2.id != box4.id);
        QVERIFY(!box2.author.isEmpty() && !box2.message.isEmpty() && box2.size > 0);
        QVERIFY(box2.firstSeen.value(QStringLiteral("box2")).isValid());
        QVERIFY(!box2.ancestors.isEmpty());
        QVERIFY(box2.ancestors.first().onServer.value(QStringLiteral("box2")));
        QCOMPARE(inspection->relation, QStringLiteral("box4's variant descends from box2's"));

        // The code difference names the changed methods, by class and side.
        QStringList changed;
        for (const DefinitionChange &change : inspection->codeDiff)
        {
            if (change.kind == DefinitionChange::Kind::Changed)
                changed.append(change.key);
        }
        QVERIFY2(changed.contains(QStringLiteral("OrderedCollection>>printOn:")), qPrintable(changed.join(u',')));
        QVERIFY(changed.contains(QStringLiteral("OrderedCollection class>>helper0")));
        // b descends from a: a is their common ancestor, and every difference is b's.
        QCOMPARE(inspection->comparison,
            QStringLiteral("a (box2) is the common ancestor (b (box4) descends from it): two-way comparison, every difference is b's change"));
        QVERIFY(inspection->ancestorServer.isEmpty());
        QCOMPARE(inspection->threeWay.size(), inspection->codeDiff.size());
        for (const ThreeWayChange &change : inspection->threeWay)
            QCOMPARE(change.changedIn, ChangedIn::B);
        QVERIFY(QDir(dir.path()).entryList(QDir::Files).isEmpty()); // downloads are removed

        // A name that is not a conflict is refused, clearly.
        Result<ConflictInspection> notOne = Test::wait(inspectConflict(workspace, *state, demo->conflictProject, demo->updateMap.section(u'/', 1), dir.path()));
        QVERIFY(!notOne.ok());
        QVERIFY(notOne.error().message.contains(QStringLiteral("not a conflict")));
    }
};

QTEST_GUILESS_MAIN(TestConflicts)
#include "tst_conflicts.moc"
