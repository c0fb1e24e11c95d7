// Rules of the code base that a compiler does not check, read from the sources themselves:
// - no aggregate temporary (a lambda, a braced struct) inside a co_await expression, and no
//   co_await inside a conditional expression: GCC 12 (the Debian 12 compiler) destroys such a
//   temporary twice, a double free that shows up far away (docs/architecture.md, "Coroutines and
//   GCC 12");
// - no local event loop in core/ or ui/ (QEventLoop, processEvents, a dialog's exec(), the static
//   QMessageBox and QFileDialog helpers): one would run queued work inside the work under way;
// - nothing POSIX outside the platform file, so that it builds on Windows.

#include <QDir>
#include <QDirIterator>
#include <QRegularExpression>
#include <QTest>

namespace
{
    struct Source
    {
        QString path; // relative to the checkout
        QString text; // comments blanked, so that words in them do not count
    };

    QString blankComments(QString text)
    {
        static const QRegularExpression comment(QStringLiteral(R"(//[^\n]*|/\*.*?\*/)"), QRegularExpression::DotMatchesEverythingOption);
        QRegularExpressionMatchIterator it = comment.globalMatch(text);
        QList<std::pair<qsizetype, qsizetype>> spans;
        while (it.hasNext())
        {
            const QRegularExpressionMatch match = it.next();
            spans.append({match.capturedStart(), match.capturedLength()});
        }
        for (const auto &[start, length] : spans)
        {
            for (qsizetype i = start; i < start + length; ++i)
            {
                if (text[i] != u'\n')
                    text[i] = u' ';
            }
        }
        return text;
    }

    QList<Source> sources(const QStringList &folders)
    {
        const QDir root(QStringLiteral(TWINTRUNK_SOURCE_DIR));
        QList<Source> result;
        for (const QString &folder : folders)
        {
            QDirIterator it(root.filePath(folder), {QStringLiteral("*.cpp"), QStringLiteral("*.h")}, QDir::Files, QDirIterator::Subdirectories);
            while (it.hasNext())
            {
                QFile file(it.next());
                if (!file.open(QIODevice::ReadOnly))
                    qFatal("cannot read %s", qPrintable(file.fileName()));
                const QString path = root.relativeFilePath(file.fileName());
                if (path != QLatin1String("tests/unit/tst_sourcerules.cpp")) // its samples would count
                    result.append(Source{path, blankComments(QString::fromUtf8(file.readAll()))});
            }
        }
        return result;
    }

    int lineOf(const QString &text, qsizetype offset)
    {
        return int(text.left(offset).count(u'\n')) + 1;
    }

    // The operand of each co_await: up to the end of its statement or enclosing bracket.
    QList<std::pair<qsizetype, QString>> awaitedExpressions(const QString &text)
    {
        static const QRegularExpression keyword(QStringLiteral(R"((?<!operator )\bco_await\b)"));
        QList<std::pair<qsizetype, QString>> result;
        QRegularExpressionMatchIterator it = keyword.globalMatch(text);
        while (it.hasNext())
        {
            const QRegularExpressionMatch match = it.next();
            qsizetype end = match.capturedEnd();
            int depth = 0;
            for (; end < text.size(); ++end)
            {
                const QChar c = text.at(end);
                if (c == u'(' || c == u'[' || c == u'{')
                    ++depth;
                else if ((c == u')' || c == u']' || c == u'}') && --depth < 0)
                    break;
                else if (c == u';' && depth == 0)
                    break;
            }
            result.append({match.capturedStart(), text.mid(match.capturedEnd(), end - match.capturedEnd())});
        }
        return result;
    }
}

class TestSourceRules final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void theRulesSeeWhatTheyLookFor()
    {
        // The rules below must not pass by finding nothing: each pattern finds its sample.
        const auto awaited = awaitedExpressions(QStringLiteral("x = co_await f([s] { return 1; });\nco_await g(Options{.a = 1});\nco_await h(y);"));
        QCOMPARE(awaited.size(), 3);
        QVERIFY(aggregateInside(awaited.at(0).second));
        QVERIFY(aggregateInside(awaited.at(1).second));
        QVERIFY(!aggregateInside(awaited.at(2).second));
        const QString conditional = QStringLiteral("{ r = d ? f() : co_await g(); }\n{ log(\"why?\"); r = co_await g(); }");
        QVERIFY(conditionalAround(conditional, conditional.indexOf(QStringLiteral("co_await"))));
        QVERIFY(!conditionalAround(conditional, conditional.lastIndexOf(QStringLiteral("co_await"))));
        QVERIFY(!sources({QStringLiteral("core")}).isEmpty());
        for (const char *sample : {"dialog->exec();", "QEventLoop loop;", "qApp->processEvents();", "QMessageBox::question(this"})
            QVERIFY2(localLoop().match(QLatin1String(sample)).hasMatch(), sample);
        QVERIFY(!localLoop().match(QStringLiteral("query.exec()")).hasMatch());
        QVERIFY(blankComments(QStringLiteral("a // co_await f([x]{})\nb")).trimmed().startsWith(u'a'));
    }

    void noAggregateTemporaryIsAwaited()
    {
        QStringList offences;
        for (const Source &source : sources({QStringLiteral("core"), QStringLiteral("app"), QStringLiteral("ui"), QStringLiteral("tests")}))
        {
            for (const auto &[offset, expression] : awaitedExpressions(source.text))
            {
                if (aggregateInside(expression))
                    offences.append(
                        QStringLiteral("%1:%2: co_await%3").arg(source.path).arg(lineOf(source.text, offset)).arg(expression.simplified().left(120)));
            }
        }
        QVERIFY2(offences.isEmpty(),
            qPrintable(QStringLiteral("\nName the lambda or struct before the co_await (GCC 12 destroys it twice):\n") + offences.join(u'\n')));
    }

    // GCC 12 also destroys the value of a conditional expression twice when one of its branches
    // awaits ("x = c ? f() : co_await g()"): write an if/else.
    void noAwaitInAConditionalExpression()
    {
        QStringList offences;
        for (const Source &source : sources({QStringLiteral("core"), QStringLiteral("app"), QStringLiteral("ui"), QStringLiteral("tests")}))
        {
            for (const auto &[offset, expression] : awaitedExpressions(source.text))
            {
                Q_UNUSED(expression)
                if (conditionalAround(source.text, offset))
                    offences.append(QStringLiteral("%1:%2").arg(source.path).arg(lineOf(source.text, offset)));
            }
        }
        QVERIFY2(offences.isEmpty(), qPrintable(QStringLiteral("\nA co_await inside ?: (GCC 12 destroys the result twice):\n") + offences.join(u'\n')));
    }

    void noLocalEventLoopInCoreOrUi()
    {
        QStringList offences;
        for (const Source &source : sources({QStringLiteral("core"), QStringLiteral("ui")}))
        {
            QRegularExpressionMatchIterator it = localLoop().globalMatch(source.text);
            while (it.hasNext())
            {
                const QRegularExpressionMatch match = it.next();
                offences.append(QStringLiteral("%1:%2: %3").arg(source.path).arg(lineOf(source.text, match.capturedStart())).arg(match.captured()));
            }
        }
        QVERIFY2(offences.isEmpty(), qPrintable(QStringLiteral("\nA local event loop (use a Task, or open() a dialog):\n") + offences.join(u'\n')));
    }

    void nothingPosixOutsideThePlatformFile()
    {
        static const QRegularExpression posix(QStringLiteral(R"(#\s*include\s*<(unistd\.h|fcntl\.h|signal\.h|sys/[\w/]+\.h|pwd\.h|dirent\.h|termios\.h)>)"));
        QStringList offences;
        for (const Source &source : sources({QStringLiteral("core"), QStringLiteral("app"), QStringLiteral("ui")}))
        {
            if (source.path.endsWith(QStringLiteral("util/platform.cpp")))
                continue;
            QRegularExpressionMatchIterator it = posix.globalMatch(source.text);
            while (it.hasNext())
            {
                const QRegularExpressionMatch match = it.next();
                offences.append(QStringLiteral("%1:%2: %3").arg(source.path).arg(lineOf(source.text, match.capturedStart())).arg(match.captured()));
            }
        }
        QVERIFY2(offences.isEmpty(), qPrintable(QStringLiteral("\nPOSIX outside core/util/platform.cpp:\n") + offences.join(u'\n')));
    }

private:
    // The statement around the co_await at `offset` holds a "?" outside string literals.
    static bool conditionalAround(const QString &text, qsizetype offset)
    {
        qsizetype start = offset;
        while (start > 0 && !QStringLiteral(";{}").contains(text.at(start - 1)))
            --start;
        qsizetype end = text.indexOf(u';', offset);
        QString statement = text.mid(start, end < 0 ? -1 : end - start);
        static const QRegularExpression literal(QStringLiteral("\"(\\\\.|[^\"\\\\])*\"|'(\\\\.|[^'\\\\])*'"));
        statement.replace(literal, QStringLiteral("\"\""));
        return statement.contains(u'?');
    }

    static const QRegularExpression &localLoop()
    {
        static const QRegularExpression loop(QStringLiteral(
            R"(\bQEventLoop\b|\bprocessEvents\b|\w*(dialog|Dialog|box|Box|menu|Menu)\w*\s*(->|\.)exec\(|QMessageBox::(question|warning|information|critical|about)\b|QFileDialog::get\w+|QInputDialog::get\w+)"));
        return loop;
    }

    // A lambda introducer ("[...] (" or "[...] {") or a braced initialiser ("Type{", "Type<T>{").
    static bool aggregateInside(const QString &expression)
    {
        static const QRegularExpression lambda(QStringLiteral(R"(\[[^\[\]]*\]\s*[({])"));
        static const QRegularExpression braced(QStringLiteral(R"([\w>]\s*\{)"));
        return lambda.match(expression).hasMatch() || braced.match(expression).hasMatch();
    }
};

QTEST_GUILESS_MAIN(TestSourceRules)
#include "tst_sourcerules.moc"
