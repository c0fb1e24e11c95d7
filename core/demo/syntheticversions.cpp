#include "syntheticversions.h"

#include <QStringList>

#include "monticello/versionname.h"

namespace TwinTrunk::Demo
{
    using namespace TwinTrunk::Monticello;

    namespace
    {
        const QHash<QString, QStringList> &classesByPackage()
        {
            static const QHash<QString, QStringList> classes{
                {QStringLiteral("Kernel"),
                    {QStringLiteral("Behavior"), QStringLiteral("ClassDescription"), QStringLiteral("Number"), QStringLiteral("Integer"),
                        QStringLiteral("Fraction")}},
                {QStringLiteral("Collections"),
                    {QStringLiteral("OrderedCollection"), QStringLiteral("Dictionary"), QStringLiteral("Set"), QStringLiteral("Bag"),
                        QStringLiteral("Interval")}},
                {QStringLiteral("Morphic"),
                    {QStringLiteral("Morph"), QStringLiteral("BorderedMorph"), QStringLiteral("HandMorph"), QStringLiteral("PasteUpMorph")}},
                {QStringLiteral("System"), {QStringLiteral("SmalltalkImage"), QStringLiteral("SystemNavigation"), QStringLiteral("Preferences")}},
                {QStringLiteral("Tools"), {QStringLiteral("Browser"), QStringLiteral("Debugger"), QStringLiteral("Inspector")}},
                {QStringLiteral("Compiler"), {QStringLiteral("Parser"), QStringLiteral("Scanner"), QStringLiteral("Encoder")}},
                {QStringLiteral("Files"), {QStringLiteral("FileDirectory"), QStringLiteral("FileStream")}},
                {QStringLiteral("Network"), {QStringLiteral("Socket"), QStringLiteral("HTTPSocket")}},
            };
            return classes;
        }

        const QStringList selectors{QStringLiteral("printOn: aStream"), QStringLiteral("initialize"), QStringLiteral("size"), QStringLiteral("isEmpty"),
            QStringLiteral("do: aBlock"), QStringLiteral("at: index put: anObject"), QStringLiteral("includes: anObject"), QStringLiteral("hash"),
            QStringLiteral("= anObject"), QStringLiteral("postCopy"), QStringLiteral("name"), QStringLiteral("name: aString")};

        const QStringList bodies{
            QStringLiteral("\t^ self subclassResponsibility"),
            QStringLiteral("\t| result |\r\tresult := super %1.\r\t^ result"),
            QStringLiteral("\tself do: [:each | aStream print: each; space].\r\t^ self"),
            QStringLiteral("\t^ self size = 0"),
            QStringLiteral("\t\"Answer the receiver's %1, computed lazily.\"\r\t^ cache ifNil: [cache := self compute%1]"),
        };

        QString classDefinition(const QString &className, const QString &superclass, const QString &category)
        {
            return className == u"Behavior" || superclass.isEmpty()
                ? QStringLiteral(
                    "Object subclass: #%1\r\tinstanceVariableNames: 'cache name'\r\tclassVariableNames: ''\r\tpoolDictionaries: ''\r\tcategory: '%2'!\r\r")
                      .arg(className, category)
                : QStringLiteral("%1 subclass: #%2\r\tinstanceVariableNames: ''\r\tclassVariableNames: ''\r\tpoolDictionaries: ''\r\tcategory: '%3'!\r\r")
                      .arg(superclass, className, category);
        }

        QString chunkEscaped(QString text)
        {
            return text.replace(u'!', QStringLiteral("!!"));
        }
    }

    QString squeakDate(const QDate &date)
    {
        static const QStringList months{QStringLiteral("January"), QStringLiteral("February"), QStringLiteral("March"), QStringLiteral("April"),
            QStringLiteral("May"), QStringLiteral("June"), QStringLiteral("July"), QStringLiteral("August"), QStringLiteral("September"),
            QStringLiteral("October"), QStringLiteral("November"), QStringLiteral("December")};
        return QStringLiteral("%1 %2 %3").arg(date.day()).arg(months.at(date.month() - 1)).arg(date.year());
    }

    QString squeakTime(const QTime &time)
    {
        const int hour12 = time.hour() % 12 == 0 ? 12 : time.hour() % 12;
        return QStringLiteral("%1:%2:%3 %4")
            .arg(hour12)
            .arg(time.minute(), 2, 10, QLatin1Char('0'))
            .arg(time.second(), 2, 10, QLatin1Char('0'))
            .arg(time.hour() < 12 ? QStringLiteral("am") : QStringLiteral("pm"));
    }

    SyntheticVersions::SyntheticVersions(quint32 seed) : m_random(seed)
    {}

    QString SyntheticVersions::newId()
    {
        const quint64 high = m_random.generate64();
        const quint64 low = m_random.generate64();
        const QString hex = QStringLiteral("%1%2").arg(high, 16, 16, QLatin1Char('0')).arg(low, 16, 16, QLatin1Char('0'));
        return hex.mid(0, 8) + u'-' + hex.mid(8, 4) + u'-' + hex.mid(12, 4) + u'-' + hex.mid(16, 4) + u'-' + hex.mid(20, 12);
    }

    MczVersion SyntheticVersions::next(const Spec &spec, int variant)
    {
        QList<VersionInfo> ancestors;
        if (m_latest.contains(spec.package))
            ancestors.append(m_latest.value(spec.package));
        MczVersion version = make(spec, ancestors, variant);
        if (variant == 0)
            m_latest.insert(spec.package, version.info());
        return version;
    }

    MczVersion SyntheticVersions::branch(const Spec &spec, const VersionInfo &ancestor)
    {
        return make(spec, {ancestor}, 0);
    }

    MczVersion SyntheticVersions::make(const Spec &spec, const QList<VersionInfo> &ancestors, int variant)
    {
        VersionRecord record;
        record.name = VersionName::compose(spec.package, spec.author, spec.number);
        record.message = spec.message;
        record.id = newId();
        record.date = squeakDate(spec.timestamp.date());
        record.time = squeakTime(spec.timestamp.time());
        record.author = spec.author;
        const VersionInfo info = VersionInfo::withAncestors(record, ancestors);
        return MczVersion::create(spec.package, info, sourceFor(spec, variant));
    }

    QByteArray SyntheticVersions::sourceFor(const Spec &spec, int variant)
    {
        const QString base = spec.package.section(u'-', 0, 0).section(u'.', 0, 0);
        const QStringList classes = classesByPackage().value(base, {base + QStringLiteral("Support")});
        const QString category = spec.package;
        const QString stamp = QStringLiteral("%1 %2/%3/%4 %5:%6")
                                  .arg(spec.author)
                                  .arg(spec.timestamp.date().month())
                                  .arg(spec.timestamp.date().day())
                                  .arg(spec.timestamp.date().year())
                                  .arg(spec.timestamp.time().hour())
                                  .arg(spec.timestamp.time().minute(), 2, 10, QLatin1Char('0'));

        QString source = QStringLiteral("SystemOrganization addCategory: #'%1'!\r\r").arg(category);
        for (qsizetype c = 0; c < classes.size(); ++c)
            source += classDefinition(classes.at(c), c == 0 ? QString() : classes.at(0), category);
        source += QStringLiteral("!%1 commentStamp: '%2' prior: 0!\rI am %1, part of %3. Versions up to %4 shaped me.!\r\r")
                      .arg(classes.at(0), stamp, spec.package)
                      .arg(spec.number);

        // Each class gets the shared selectors; the method "touched" by this version number changes,
        // and each version adds one helper, so consecutive versions differ in a few definitions.
        for (qsizetype c = 0; c < classes.size(); ++c)
        {
            for (qsizetype s = 0; s < selectors.size(); ++s)
            {
                const bool touched = (spec.number + c + s) % 7 == 0;
                QString body = bodies.at((c + s) % bodies.size());
                body.replace(QStringLiteral("%1"), selectors.at(s).section(u' ', 0, 0).remove(u':'));
                if (touched)
                    body += QStringLiteral("\r\t\"revised in %1\"").arg(spec.number);
                if (variant != 0 && s == 0)
                    body += QStringLiteral("\r\t\"variant %1: the same name, saved again with other code\"").arg(variant);
                source += QStringLiteral("!%1 methodsFor: '%2' stamp: '%3'!\r%4\r%5! !\r\r")
                              .arg(classes.at(c), s % 2 ? QStringLiteral("accessing") : QStringLiteral("printing"), stamp, selectors.at(s), chunkEscaped(body));
            }
        }
        const qint64 helpers = std::min<qint64>(spec.number % 40, 12) + spec.extraMethods;
        for (qint64 h = 0; h < helpers; ++h)
        {
            source += QStringLiteral("!%1 class methodsFor: 'helpers' stamp: '%2'!\rhelper%3\r\t\"Added in %4.\"\r\t^ %3 * %5! !\r\r")
                          .arg(classes.at(h % classes.size()), stamp)
                          .arg(h)
                          .arg(spec.number)
                          .arg(m_random.bounded(1000));
        }
        return source.toUtf8();
    }
}
