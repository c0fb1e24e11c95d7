#include "checker.h"

#include <QDir>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

namespace TwinTrunk::Chaos
{
    namespace
    {
        // Names in a failure message: the first few, so a long run's report stays readable.
        QString sample(const QStringList &names)
        {
            const qsizetype shown = 8;
            QString text = names.mid(0, shown).join(QStringLiteral(", "));
            if (names.size() > shown)
                text += QStringLiteral(" and %1 more").arg(names.size() - shown);
            return text;
        }
    }

    QList<QJsonObject> jsonLines(const QByteArray &out)
    {
        QList<QJsonObject> objects;
        for (const QByteArray &line : out.split('\n'))
        {
            const QJsonDocument document = QJsonDocument::fromJson(line);
            if (document.isObject())
                objects.append(document.object());
        }
        return objects;
    }

    Checker::Checker(const Cluster &cluster, const StorageWatch &watch) : m_cluster(cluster), m_watch(watch)
    {}

    QByteArray Checker::shaOn(int server, const QString &name) const
    {
        return fileSha256(QDir(m_cluster.projectFolder(server)).filePath(name));
    }

    Verdict Checker::check(const QList<Acknowledged> &acknowledged, const Nemesis &nemesis, const QByteArray &conflictsJson, const QByteArray &verifyJson,
        const QByteArray &journalJson) const
    {
        Verdict verdict;
        verdict.acknowledged = int(acknowledged.size());
        checkAcknowledged(acknowledged, nemesis, verdict);
        verdict.overwrites = int(m_watch.violations().size());
        if (verdict.overwrites > 0)
            verdict.failures.append(QStringLiteral("%1 files replaced or deleted on a server: %2").arg(verdict.overwrites).arg(sample(m_watch.violations())));
        checkConflicts(nemesis, conflictsJson, journalJson, verdict);
        checkDamage(nemesis, verifyJson, verdict);
        checkJournal(acknowledged, nemesis, journalJson, verdict);
        checkState(verdict);
        return verdict;
    }

    void Checker::checkAcknowledged(const QList<Acknowledged> &acknowledged, const Nemesis &nemesis, Verdict &verdict) const
    {
        QSet<QString> flipped; // "server name": bytes the nemesis changed on purpose
        for (const FlippedByte &flip : nemesis.flips())
            flipped.insert(flip.server + u' ' + flip.name);
        QStringList lost, notReplicated;
        for (const Acknowledged &version : acknowledged)
        {
            int intact = 0;
            QStringList missingOn;
            for (int index = 0; index < m_cluster.serverCount(); ++index)
            {
                const QString server = m_cluster.server(index).name;
                if (flipped.contains(server + u' ' + version.name))
                    continue; // checked as damage, below
                if (shaOn(index, version.name) == version.sha256)
                    ++intact;
                else
                    missingOn.append(server);
            }
            if (intact == 0)
                lost.append(version.name);
            else if (!missingOn.isEmpty())
                notReplicated.append(QStringLiteral("%1 (not on %2)").arg(version.name, missingOn.join(QStringLiteral(", "))));
        }
        verdict.lost = int(lost.size());
        verdict.notReplicated = int(notReplicated.size());
        if (!lost.isEmpty())
            verdict.failures.append(QStringLiteral("%1 acknowledged versions lost: %2").arg(lost.size()).arg(sample(lost)));
        if (!notReplicated.isEmpty())
            verdict.failures.append(
                QStringLiteral("%1 acknowledged versions not on every server after the final sync: %2").arg(notReplicated.size()).arg(sample(notReplicated)));
    }

    void Checker::checkConflicts(const Nemesis &nemesis, const QByteArray &conflictsJson, const QByteArray &journalJson, Verdict &verdict) const
    {
        QSet<QString> listed;
        for (const QJsonObject &conflict : jsonLines(conflictsJson))
            listed.insert(conflict.value(QStringLiteral("name")).toString());
        QSet<QString> decided; // a resolve in the journal: nobody decided anything in this run
        for (const QJsonObject &entry : jsonLines(journalJson))
        {
            if (entry.value(QStringLiteral("operation")).toString().startsWith(QStringLiteral("resolve")))
                decided.insert(entry.value(QStringLiteral("name")).toString());
        }
        QStringList missed, resolved;
        verdict.conflictsInjected = int(nemesis.conflicts().size());
        for (const InjectedConflict &conflict : nemesis.conflicts())
        {
            if (listed.contains(conflict.name))
                ++verdict.conflictsDetected;
            else
                missed.append(conflict.name);
            // Each side still holds its own variant, byte for byte: nothing chose a winner.
            bool intact = !decided.contains(conflict.name);
            for (int index = 0; index < m_cluster.serverCount(); ++index)
            {
                const QString server = m_cluster.server(index).name;
                if (server == conflict.serverA)
                    intact = intact && shaOn(index, conflict.name) == conflict.a.sha256;
                else if (server == conflict.serverB)
                    intact = intact && shaOn(index, conflict.name) == conflict.b.sha256;
            }
            if (!intact)
                resolved.append(conflict.name);
        }
        verdict.conflictsResolvedByThemselves = int(resolved.size());
        if (!missed.isEmpty())
            verdict.failures.append(QStringLiteral("%1 injected conflicts not listed by 'twintrunkctl conflicts': %2").arg(missed.size()).arg(sample(missed)));
        if (!resolved.isEmpty())
            verdict.failures.append(QStringLiteral("%1 conflicts resolved without a decision: %2").arg(resolved.size()).arg(sample(resolved)));
    }

    void Checker::checkDamage(const Nemesis &nemesis, const QByteArray &verifyJson, Verdict &verdict) const
    {
        QSet<QString> reported;
        const QJsonObject scrub = QJsonDocument::fromJson(verifyJson).object();
        for (const QJsonValue &value : scrub.value(QStringLiteral("damaged")).toArray())
        {
            const QJsonObject copy = value.toObject();
            reported.insert(copy.value(QStringLiteral("server")).toString() + u' ' + copy.value(QStringLiteral("name")).toString());
        }
        QSet<QString> injected;
        QStringList missed;
        verdict.damageInjected = int(nemesis.flips().size());
        for (const FlippedByte &flip : nemesis.flips())
        {
            const QString key = flip.server + u' ' + flip.name;
            injected.insert(key);
            if (reported.contains(key))
                ++verdict.damageDetected;
            else
                missed.append(QStringLiteral("%1 on %2 (byte %3)").arg(flip.name, flip.server).arg(flip.offset));
        }
        const QStringList falseAlarms = QStringList((reported - injected).values());
        verdict.falseDamage = int(falseAlarms.size());
        if (scrub.isEmpty())
            verdict.failures.append(QStringLiteral("'twintrunkctl verify --all --json' gave no report"));
        if (!missed.isEmpty())
            verdict.failures.append(QStringLiteral("%1 flipped bytes not reported damaged: %2").arg(missed.size()).arg(sample(missed)));
        if (!falseAlarms.isEmpty())
            verdict.failures.append(QStringLiteral("%1 copies reported damaged that nobody damaged: %2").arg(falseAlarms.size()).arg(sample(falseAlarms)));
    }

    void Checker::checkJournal(const QList<Acknowledged> &acknowledged, const Nemesis &nemesis, const QByteArray &journalJson, Verdict &verdict) const
    {
        QSet<QString> flipped; // their bytes changed after the copy, on purpose: checked as damage
        for (const FlippedByte &flip : nemesis.flips())
            flipped.insert(flip.server + u' ' + flip.name);
        // Every copy the journal says it made is on its target with the bytes it recorded.
        static const QRegularExpression digest(QStringLiteral("SHA-256 ([0-9a-f]{64})"));
        QHash<QString, int> serverIndex;
        for (int index = 0; index < m_cluster.serverCount(); ++index)
            serverIndex.insert(m_cluster.server(index).name, index);
        QSet<QString> copiedTo; // "server name"
        QStringList mismatches;
        for (const QJsonObject &entry : jsonLines(journalJson))
        {
            if (entry.value(QStringLiteral("operation")).toString() != u"copy" || entry.value(QStringLiteral("result")).toString() != u"copied")
                continue;
            const QString target = entry.value(QStringLiteral("target")).toString();
            const QString name = entry.value(QStringLiteral("name")).toString();
            copiedTo.insert(target + u' ' + name);
            if (flipped.contains(target + u' ' + name))
                continue;
            const QRegularExpressionMatch match = digest.match(entry.value(QStringLiteral("detail")).toString());
            if (!match.hasMatch() || !serverIndex.contains(target) || shaOn(serverIndex.value(target), name) != match.captured(1).toLatin1())
                mismatches.append(QStringLiteral("%1 on %2").arg(name, target));
        }
        // An acknowledged version was committed to one server; every other server that holds it
        // got it from a journaled copy.
        QStringList unaccounted;
        for (const Acknowledged &version : acknowledged)
        {
            int notCopied = 0;
            for (int index = 0; index < m_cluster.serverCount(); ++index)
            {
                const QString server = m_cluster.server(index).name;
                if (m_watch.holds(server, Cluster::project() + u'/' + version.name) && !copiedTo.contains(server + u' ' + version.name))
                    ++notCopied;
            }
            if (notCopied > 1)
                unaccounted.append(version.name);
        }
        verdict.journalMismatches = int(mismatches.size());
        verdict.copiesUnaccounted = int(unaccounted.size());
        if (!mismatches.isEmpty())
            verdict.failures.append(QStringLiteral("%1 journaled copies whose target holds other bytes: %2").arg(mismatches.size()).arg(sample(mismatches)));
        if (!unaccounted.isEmpty())
            verdict.failures.append(
                QStringLiteral("%1 versions on more servers than the journal copied them to: %2").arg(unaccounted.size()).arg(sample(unaccounted)));
    }

    void Checker::checkState(Verdict &verdict) const
    {
        const QString connection = QStringLiteral("chaos-integrity");
        {
            QSqlDatabase database = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connection);
            database.setDatabaseName(m_cluster.stateDatabase());
            database.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
            if (!database.open())
                verdict.stateIntegrity = database.lastError().text();
            else
            {
                QSqlQuery query(database);
                verdict.stateIntegrity =
                    query.exec(QStringLiteral("PRAGMA integrity_check")) && query.next() ? query.value(0).toString() : query.lastError().text();
            }
        }
        QSqlDatabase::removeDatabase(connection);
        if (verdict.stateIntegrity != u"ok")
            verdict.failures.append(QStringLiteral("the state database fails PRAGMA integrity_check: %1").arg(verdict.stateIntegrity));
    }
}
