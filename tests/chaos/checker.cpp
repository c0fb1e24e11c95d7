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

        // "3 <what>: a, b, c" when there are any; returns how many.
        int failWith(Verdict &verdict, const QStringList &names, const QString &what)
        {
            if (!names.isEmpty())
                verdict.failures.append(QStringLiteral("%1 %2: %3").arg(names.size()).arg(what, sample(names)));
            return int(names.size());
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
        checkConvergence(nemesis, verdict);
        verdict.overwrites = int(m_watch.violations().size());
        failWith(verdict, m_watch.violations(), QStringLiteral("files replaced or deleted on a server"));
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
        verdict.lost = failWith(verdict, lost, QStringLiteral("acknowledged versions lost"));
        verdict.notReplicated = failWith(verdict, notReplicated, QStringLiteral("acknowledged versions not on every server after the final sync"));
    }

    void Checker::checkConvergence(const Nemesis &nemesis, Verdict &verdict) const
    {
        // Every file on any server, acknowledged or in doubt, is on every server with the same
        // bytes, but for the names made to differ (conflicts) and the bytes flipped on purpose.
        QSet<QString> exempt = nemesis.inDoubt();
        for (const InjectedConflict &conflict : nemesis.conflicts())
            exempt.insert(conflict.name);
        QSet<QString> flipped;
        for (const FlippedByte &flip : nemesis.flips())
            flipped.insert(flip.server + u' ' + flip.name);
        QSet<QString> names;
        for (int index = 0; index < m_cluster.serverCount(); ++index)
        {
            for (const QString &name : QDir(m_cluster.projectFolder(index)).entryList({QStringLiteral("*.mcz")}, QDir::Files))
                names.insert(name);
        }
        QStringList diverged;
        for (const QString &name : std::as_const(names))
        {
            if (exempt.contains(name))
                continue;
            QSet<QByteArray> digests;
            for (int index = 0; index < m_cluster.serverCount(); ++index)
            {
                if (!flipped.contains(m_cluster.server(index).name + u' ' + name))
                    digests.insert(shaOn(index, name)); // empty when absent
            }
            if (digests.size() != 1 || digests.contains(QByteArray()))
                diverged.append(name);
        }
        verdict.filesChecked = int(names.size());
        failWith(verdict, diverged, QStringLiteral("versions not on every server with the same bytes after the final sync"));
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
        QSet<QString> injected = nemesis.inDoubt(); // a conflict there is no false alarm
        verdict.conflictsInjected = int(nemesis.conflicts().size());
        for (const InjectedConflict &conflict : nemesis.conflicts())
        {
            injected.insert(conflict.name);
            if (listed.contains(conflict.name))
                ++verdict.conflictsDetected;
            else
                missed.append(conflict.name);
            // Each side still holds its own variant, byte for byte: nothing chose a winner; a
            // third server holds one of them, or none yet.
            bool intact = !decided.contains(conflict.name);
            for (int index = 0; index < m_cluster.serverCount(); ++index)
            {
                const QString server = m_cluster.server(index).name;
                const QByteArray held = shaOn(index, conflict.name);
                if (server == conflict.serverA)
                    intact = intact && held == conflict.a.sha256;
                else if (server == conflict.serverB)
                    intact = intact && held == conflict.b.sha256;
                else
                    intact = intact && (held.isEmpty() || held == conflict.a.sha256 || held == conflict.b.sha256);
            }
            if (!intact)
                resolved.append(conflict.name);
        }
        failWith(verdict, missed, QStringLiteral("injected conflicts not listed by 'twintrunkctl conflicts'"));
        verdict.conflictsResolvedByThemselves = failWith(verdict, resolved, QStringLiteral("conflicts resolved without a decision"));
        failWith(verdict, QStringList((listed - injected).values()), QStringLiteral("conflicts listed that nobody made"));
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
        if (scrub.isEmpty())
            verdict.failures.append(QStringLiteral("'twintrunkctl verify --all --json' gave no report"));
        // A verify that read nothing finds nothing: every copy must have been read.
        const int notRead = scrub.value(QStringLiteral("notRead")).toInt(), unreadable = scrub.value(QStringLiteral("unreadable")).toInt();
        verdict.copiesVerified = scrub.value(QStringLiteral("read")).toInt();
        if (notRead > 0 || unreadable > 0)
            verdict.failures.append(QStringLiteral("the final verify left %1 copies unread and %2 unreadable").arg(notRead).arg(unreadable));
        failWith(verdict, missed, QStringLiteral("flipped bytes not reported damaged"));
        verdict.falseDamage = failWith(verdict, QStringList((reported - injected).values()), QStringLiteral("copies reported damaged that nobody damaged"));
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
        QStringList mismatches, twice;
        for (const QJsonObject &entry : jsonLines(journalJson))
        {
            if (entry.value(QStringLiteral("operation")).toString() != u"copy" || entry.value(QStringLiteral("result")).toString() != u"copied")
                continue;
            const QString target = entry.value(QStringLiteral("target")).toString();
            const QString name = entry.value(QStringLiteral("name")).toString();
            if (copiedTo.contains(target + u' ' + name))
                twice.append(QStringLiteral("%1 to %2").arg(name, target)); // a copy is made once, or it overwrote
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
        verdict.journalMismatches = failWith(verdict, mismatches, QStringLiteral("journaled copies whose target holds other bytes"));
        verdict.copiesUnaccounted = failWith(verdict, unaccounted, QStringLiteral("versions on more servers than the journal copied them to"));
        verdict.journalMismatches += failWith(verdict, twice, QStringLiteral("copies journaled as made twice"));
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
