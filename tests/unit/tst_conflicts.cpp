// Duplicate-name conflicts: the line and definition diffs, and the inspection of the demo
// workspace's conflict (the same name saved again on box4 with other code).

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

#include "conflicts/inspection.h"
#include "conflicts/resolution.h"
#include "demo/demoworkspace.h"
#include "monticello/sourcedefinitions.h"
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

    void theNextFreeNameIsAfterEveryNameOfThePackageAndAuthor()
    {
        const QSet<QString> taken{QStringLiteral("Collections-mt.987.mcz"), QStringLiteral("Collections-mt.988.mcz"), QStringLiteral("Collections-ul.1001.mcz"),
            QStringLiteral("Collections.spur-mt.2000.mcz"), QStringLiteral("Kernel-mt.5000.mcz")};
        QCOMPARE(nextFreeName(QStringLiteral("Collections-mt.987.mcz"), taken), QStringLiteral("Collections-mt.989.mcz"));
        QCOMPARE(nextFreeName(QStringLiteral("Collections-mt.987.mcz"), {}), QStringLiteral("Collections-mt.988.mcz"));
        QCOMPARE(nextFreeName(QStringLiteral("Collections.spur-mt.2000.mcz"), taken), QStringLiteral("Collections.spur-mt.2001.mcz"));
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
        QVERIFY(QDir(dir.path()).entryList(QDir::Files).isEmpty()); // downloads are removed

        // A name that is not a conflict is refused, clearly.
        Result<ConflictInspection> notOne = Test::wait(inspectConflict(workspace, *state, demo->conflictProject, demo->updateMap.section(u'/', 1), dir.path()));
        QVERIFY(!notOne.ok());
        QVERIFY(notOne.error().message.contains(QStringLiteral("not a conflict")));
    }
};

QTEST_GUILESS_MAIN(TestConflicts)
#include "tst_conflicts.moc"
