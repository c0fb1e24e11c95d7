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
        const auto awaited = awaitedExpressions(QStringLiteral("x = co_await f([s] { return 1; });\nco_await g(Options{.a = 1});\nco_await h(y[0]);\n"
                                                               "co_await f([&, v = list[0]] { return v; });\nco_await f([]<typename T>(T v) { return v; });\n"
                                                               "co_await g({a, b});\nco_await f(\n    [s]\n    {\n        return 1;\n    });"));
        QCOMPARE(awaited.size(), 7);
        for (qsizetype i : {0, 1, 3, 4, 5, 6})
            QVERIFY2(aggregateInside(awaited.at(i).second), qPrintable(awaited.at(i).second));
        QVERIFY(!aggregateInside(awaited.at(2).second)); // indexing is no lambda
        const QString conditional = QStringLiteral("{ r = d ? f() : co_await g(); }\n{ log(\"why?\"); r = co_await g(); }\n{ r = c ? T{} : co_await g(); }");
        QVERIFY(conditionalAround(conditional, conditional.indexOf(QStringLiteral("co_await"))));
        QVERIFY(!conditionalAround(conditional, conditional.indexOf(QStringLiteral("co_await"), conditional.indexOf(QStringLiteral("why")))));
        QVERIFY(conditionalAround(conditional, conditional.lastIndexOf(QStringLiteral("co_await"))));
        QVERIFY(!sources({QStringLiteral("core")}).isEmpty());
        for (const char *sample : {"dialog->exec();", "question->exec();", "m_confirmation->exec()", "QEventLoop loop;", "qApp->processEvents();",
                 "QCoreApplication::sendPostedEvents();", "QMessageBox::question(this"})
            QVERIFY2(localLoop().match(QLatin1String(sample)).hasMatch(), sample);
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
            if (source.path.startsWith(QStringLiteral("core/state/")))
                continue; // QSqlQuery::exec() runs a statement: no event loop
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
    static bool isIdentifierCharacter(QChar c) { return c.isLetterOrNumber() || c == u'_'; }

    // The index of the bracket that closes the one at `open` ((, [, {), or -1.
    static qsizetype closing(const QString &text, qsizetype open)
    {
        int depth = 0;
        for (qsizetype i = open; i < text.size(); ++i)
        {
            const QChar c = text.at(i);
            if (c == u'(' || c == u'[' || c == u'{')
                ++depth;
            else if ((c == u')' || c == u']' || c == u'}') && --depth == 0)
                return i;
        }
        return -1;
    }

    // The statement around the co_await at `offset` holds a "?" outside string literals: from the
    // previous ';' or the '{' that opens its block (stepping over whole bracketed parts, such as a
    // braced temporary, on the way back) to its ';'.
    static bool conditionalAround(const QString &text, qsizetype offset)
    {
        qsizetype start = offset;
        int depth = 0;
        while (start > 0)
        {
            const QChar c = text.at(start - 1);
            if (c == u'}' && depth == 0)
            {
                // A block that ended before this statement, or a braced temporary inside it ("T{} :"):
                // after a block the next statement starts with a word, after a temporary an operator.
                qsizetype next = start;
                while (next < offset && text.at(next).isSpace())
                    ++next;
                if (next >= offset || isIdentifierCharacter(text.at(next)))
                    break;
            }
            if (c == u')' || c == u']' || c == u'}')
                ++depth;
            else if (c == u'(' || c == u'[' || c == u'{')
            {
                if (depth == 0 && c == u'{')
                    break; // the block the statement is in
                depth = std::max(0, depth - 1);
            }
            else if (c == u';' && depth == 0)
                break;
            --start;
        }
        const qsizetype end = text.indexOf(u';', offset);
        QString statement = text.mid(start, end < 0 ? -1 : end - start);
        static const QRegularExpression literal(QStringLiteral("\"(\\\\.|[^\"\\\\])*\"|'(\\\\.|[^'\\\\])*'"));
        statement.replace(literal, QStringLiteral("\"\""));
        return statement.contains(u'?');
    }

    static const QRegularExpression &localLoop()
    {
        static const QRegularExpression loop(
            QStringLiteral(R"(\bQEventLoop\b|\bprocessEvents\b|\bsendPostedEvents\b|(->|\.)exec\(\)|)"
                           R"(QMessageBox::(question|warning|information|critical|about)\b|QFileDialog::get\w+|QInputDialog::get\w+)"));
        return loop;
    }

    // A lambda: "[captures]" (nested brackets and all) not indexing something, then an optional
    // template parameter list, then "(", "{" or "mutable".
    static bool lambdaInside(const QString &expression)
    {
        for (qsizetype i = 0; i < expression.size(); ++i)
        {
            if (expression.at(i) != u'[')
                continue;
            qsizetype before = i - 1;
            while (before >= 0 && expression.at(before).isSpace())
                --before;
            if (before >= 0 && (isIdentifierCharacter(expression.at(before)) || expression.at(before) == u')' || expression.at(before) == u']'))
                continue; // a[i], f()[i], a[i][j]: indexing
            const qsizetype end = closing(expression, i);
            if (end < 0)
                return false;
            qsizetype next = end + 1;
            while (next < expression.size() && expression.at(next).isSpace())
                ++next;
            if (next < expression.size() && expression.at(next) == u'<') // []<typename T>(T v) { ... }
            {
                int depth = 0;
                for (; next < expression.size(); ++next)
                {
                    if (expression.at(next) == u'<')
                        ++depth;
                    else if (expression.at(next) == u'>' && --depth == 0)
                        break;
                }
                ++next;
                while (next < expression.size() && expression.at(next).isSpace())
                    ++next;
            }
            if (next < expression.size() && (expression.at(next) == u'(' || expression.at(next) == u'{' || expression.mid(next).startsWith(u"mutable")))
                return true;
        }
        return false;
    }

    // A lambda, or a braced initialiser: "Type{", "Type<T>{", or a bare braced list as an argument
    // ("f({a, b})", "f(x, {a})"). A parenthesised aggregate ("Agg(a, b)") cannot be told from a
    // constructor call by its text: name aggregates before a co_await (docs/architecture.md).
    static bool aggregateInside(const QString &expression)
    {
        static const QRegularExpression braced(QStringLiteral(R"([\w>]\s*\{|[(,]\s*\{)"));
        return lambdaInside(expression) || braced.match(expression).hasMatch();
    }
};

QTEST_GUILESS_MAIN(TestSourceRules)
#include "tst_sourcerules.moc"
