#pragma once

#include <memory>

#include <QByteArray>
#include <QStringList>

#include <optional>

#include <QTest>

#include "repository/repository.h"
#include "util/task.h"
#include <QJsonObject>
#include <QList>
#include <QString>

namespace TwinTrunk::Demo
{
    struct DemoWorkspace;
}

namespace TwinTrunk::Test
{
    // The demo's conflict made to diverge: box4's variant saved again from the ancestor both
    // variants descend from, with a method of its own (Foo>>onlyInB). Returns the ancestor's file
    // name (on both servers); fails the process if the demo no longer has that shape.
    QString divergeDemoConflict(const Demo::DemoWorkspace &demo);

    // The real .mcz files in tests/data/mcz (provenance in its SOURCES.md).
    QString fixturesDir();
    QString fixturePath(const QString &fileName);
    QStringList fixtureFileNames();
    // expected.jsonl: one object per fixture (file, name, id, author, package, members).
    QList<QJsonObject> expectedFixtures();

    QByteArray readFile(const QString &path);
    // A member of a fixture, inflated by the code under test's archive reader.
    QByteArray fixtureMember(const QString &fileName, const QString &member);

    // A UUID-shaped id derived from a number, so synthetic versions are reproducible.
    QString syntheticId(quint64 n);

    // A `version` member for "<package>-<author>.<depth>" whose ancestry is a single chain
    // `depth` levels deep, built as bytes without recursion (for the deep-ancestry tests).
    QByteArray deepChainMember(int depth, const QString &package = QStringLiteral("Deep"), const QString &author = QStringLiteral("tt"));

    // A valid .mcz for "<package>-<author>.<number>"; another `variant` gives the same name with
    // another id and other code (a duplicate-name conflict).
    QByteArray makeVersion(const QString &package, const QString &author, qint64 number, int variant = 0);

    // A version shaped like a Squeak trunk Kernel version: 1,336 records of ancestry in a version
    // member of about 460 KB, a file of about 900 KB. Built once per process.
    QByteArray kernelSizedVersion();

    // Writes bytes to a file, creating it.
    void writeFile(const QString &path, const QByteArray &bytes);

    // Waits for a repository reply (the test's event loop turning) and hands it over to the caller.
    template<typename ReplyType>
    std::unique_ptr<ReplyType> finished(ReplyType *reply)
    {
        if (!QTest::qWaitFor([reply] { return reply->isFinished(); }, 600000))
            qFatal("a repository reply did not finish in 10 minutes");
        return std::unique_ptr<ReplyType>(reply);
    }

    // Runs a task to its end and returns its result, the test's event loop turning meanwhile: a
    // test may wait; the code under test never does (see util/task.h).
    template<typename T>
    T wait(Task<T> task)
    {
        TaskRunner runner;
        std::optional<T> result;
        runner.start(std::move(task), [&result](T value) { result.emplace(std::move(value)); });
        if (!QTest::qWaitFor([&result] { return result.has_value(); }, 600000))
            qFatal("a task did not finish in 10 minutes");
        return std::move(*result);
    }
    inline void wait(Task<void> task)
    {
        TaskRunner runner;
        bool done = false;
        runner.start(std::move(task), [&done] { done = true; });
        if (!QTest::qWaitFor([&done] { return done; }, 600000))
            qFatal("a task did not finish in 10 minutes");
    }

    // twintrunkctl run as a user runs it (the binary ctest names in TWINTRUNKCTL), with
    // TWINTRUNK_USER/TWINTRUNK_PASSWORD set only when given. The caller's event loop turns while
    // it runs, so servers living in the test process answer it.
    struct CtlRun
    {
        int exitCode = -1;
        QByteArray out;
        QByteArray err;
    };
    CtlRun runTwinTrunkCtl(const QStringList &arguments, const QString &user = QString(), const QString &password = QString());
}
