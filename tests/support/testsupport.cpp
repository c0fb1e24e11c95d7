#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QTest>

#include "monticello/mczarchive.h"

namespace TwinTrunk::Test
{
    QString fixturesDir()
    {
        const QByteArray overridden = qgetenv("TWINTRUNK_FIXTURES_DIR");
        return overridden.isEmpty() ? QStringLiteral(TWINTRUNK_FIXTURES_DIR) : QString::fromLocal8Bit(overridden);
    }

    QString fixturePath(const QString &fileName)
    {
        return QDir(fixturesDir()).filePath(fileName);
    }

    QStringList fixtureFileNames()
    {
        return QDir(fixturesDir()).entryList({QStringLiteral("*.mcz")}, QDir::Files, QDir::Name);
    }

    QByteArray readFile(const QString &path)
    {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            qFatal("cannot read test data %s: %s", qPrintable(path), qPrintable(file.errorString()));
        return file.readAll();
    }

    QList<QJsonObject> expectedFixtures()
    {
        QList<QJsonObject> objects;
        const QList<QByteArray> lines = readFile(fixturePath(QStringLiteral("expected.jsonl"))).split('\n');
        for (const QByteArray &line : lines)
        {
            if (line.trimmed().isEmpty())
                continue;
            QJsonParseError error;
            const QJsonDocument document = QJsonDocument::fromJson(line, &error);
            if (error.error != QJsonParseError::NoError)
                qFatal("expected.jsonl: %s", qPrintable(error.errorString()));
            objects.append(document.object());
        }
        return objects;
    }

    QByteArray fixtureMember(const QString &fileName, const QString &member)
    {
        auto archive = Monticello::MczArchive::readFile(fixturePath(fileName));
        if (!archive)
            qFatal("%s", qPrintable(archive.error().toString()));
        return archive->member(member);
    }

    QString syntheticId(quint64 n)
    {
        const QString hex = QStringLiteral("%1").arg(n, 32, 16, QLatin1Char('0'));
        return hex.mid(0, 8) + u'-' + hex.mid(8, 4) + u'-' + hex.mid(12, 4) + u'-' + hex.mid(16, 4) + u'-' + hex.mid(20, 12);
    }

    QByteArray deepChainMember(int depth, const QString &package, const QString &author)
    {
        QByteArray out;
        for (int level = depth; level >= 1; --level)
        {
            out += "(name '" + (package + u'-' + author + u'.' + QString::number(level)).toUtf8()
                + "' message 'level " + QByteArray::number(level) + "' id '" + syntheticId(quint64(level)).toLatin1()
                + "' date '1 February 2021' time '1:02:43 pm' author '" + author.toUtf8() + "' ancestors (";
        }
        for (int level = 1; level <= depth; ++level)
            out += ") stepChildren ())";
        return out;
    }
}
