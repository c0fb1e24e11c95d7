#include "inspection.h"

#include <QSet>

#include "conflicts/resolution.h"
#include "health/updatereadiness.h"
#include "monticello/mczversion.h"
#include "monticello/updatemap.h"
#include "monticello/versionname.h"
#include "repository/repository.h"
#include "sync/syncengine.h"

namespace TwinTrunk::Conflicts
{
    QString AncestorPresence::whereText() const
    {
        QStringList servers = onServer.keys();
        servers.sort();
        QStringList parts;
        for (const QString &server : servers)
            parts.append(onServer.value(server) ? server : QStringLiteral("not on %1").arg(server));
        return parts.join(QStringLiteral(", "));
    }

    QString ConflictInspection::variantLabel(qsizetype index) const
    {
        return QStringLiteral("%1 (%2)").arg(QChar(char16_t(u'a' + index))).arg(variants.at(index).servers.join(QStringLiteral(", ")));
    }

    QString conflictFileName(const QString &name)
    {
        return Repository::isVersionFileName(name) ? name : name + QStringLiteral(".mcz");
    }

    Task<Result<ConflictInspection>> inspectConflict(const Workspace &workspace, State::StateDatabase &state, QString project, QString name,
        QString scratchDirectory)
    {
        // Fresh listings and identities: who holds which id under the name right now.
        Sync::SyncEngine engine(workspace, state, Sync::EngineOptions{});
        const QStringList projects{project}; // not a braced list in the co_await: GCC 12 cannot keep its array
        const Result<Sync::StatusReport> status = co_await engine.status(projects);
        if (!status)
            co_return status.error();
        co_return co_await inspectConflict(workspace, state, status->projects.constFirst(), name, scratchDirectory);
    }

    namespace
    {
        using Repositories = QHash<QString, std::shared_ptr<Repository::Repository>>;
        using Rows = QHash<QString, const Sync::NameRow *>;

        // One variant per distinct id among the servers that list the name.
        QList<Variant> variantsOf(const Sync::NameRow &row, const QStringList &servers)
        {
            QList<Variant> variants;
            for (const QString &server : servers)
            {
                if (!row.uuids.contains(server))
                    continue;
                const QString id = row.uuids.value(server);
                auto variant = std::find_if(variants.begin(), variants.end(), [&id](const Variant &v) { return v.id == id; });
                if (variant == variants.end())
                    variants.append(Variant{id, {server}, {}, {}, {}, {}, -1, {}, {}, false, {}});
                else
                    variant->servers.append(server);
            }
            return variants;
        }

        // One variant's details: when each server first listed it, its info and ancestry, read
        // from the first server that holds it. An unreadable copy is named in variant.error.
        Task<Monticello::MczVersion> readVariant(Variant &variant, const State::StateDatabase &state, const Repositories &repositories,
            const Sync::ProjectSnapshot &snapshot, const Rows &rows, QString name, QString scratchDirectory)
        {
            const QString project = snapshot.project;
            for (const QString &server : variant.servers)
            {
                Result<QList<State::StoredEntry>> entries = state.entries(server, project);
                if (!entries)
                    continue;
                for (const State::StoredEntry &entry : entries.value())
                {
                    if (entry.name == name)
                    {
                        variant.firstSeen.insert(server, entry.firstSeen);
                        variant.size = entry.size;
                    }
                }
            }
            const QString from = variant.servers.constFirst();
            const Result<QByteArray> bytes = co_await Repository::fetchBytes(*repositories.value(from), project, name, scratchDirectory);
            Result<Monticello::MczVersion> version =
                bytes ? Monticello::MczVersion::readBytes(bytes.value(), from + u' ' + name) : Result<Monticello::MczVersion>(bytes.error());
            if (!version)
            {
                variant.error = version.error().toString();
                co_return Monticello::MczVersion();
            }
            variant.size = bytes->size();
            const Monticello::VersionInfo &info = version->info();
            variant.author = info.author();
            variant.date = info.root().date;
            variant.time = info.root().time;
            variant.message = info.message();
            for (qsizetype index : info.root().ancestors)
            {
                const Monticello::VersionRecord &ancestor = info.record(index);
                AncestorPresence presence{ancestor.name, ancestor.id, {}};
                const Sync::NameRow *ancestorRow = rows.value(Monticello::VersionName::fileNameForInfoName(ancestor.name));
                for (const QString &server : snapshot.servers)
                {
                    const bool listed = ancestorRow && ancestorRow->uuids.contains(server);
                    const QString listedId = listed ? ancestorRow->uuids.value(server) : QString();
                    presence.onServer.insert(server, listed && (listedId.isEmpty() || listedId == ancestor.id));
                }
                variant.ancestors.append(presence);
            }
            co_return std::move(version).value();
        }

        // Which variant an updating image would load: the newest update map naming this version.
        Task<void> findInUpdateMaps(ConflictInspection &inspection, const Repositories &repositories, const Sync::ProjectSnapshot &snapshot, const Rows &rows,
            QString scratchDirectory)
        {
            QStringList allNames;
            for (const Sync::NameRow &each : snapshot.rows)
                allNames.append(each.name);
            const QString infoName = inspection.name.chopped(4);
            for (const QString &map : Health::newestUpdateMaps(allNames))
            {
                const Sync::NameRow *mapRow = rows.value(map);
                if (!mapRow)
                    continue;
                QString holder;
                for (const QString &server : snapshot.servers)
                {
                    if (mapRow->uuids.contains(server) && repositories.contains(server))
                    {
                        holder = server;
                        break;
                    }
                }
                // A map that cannot be read leaves the answer unknown: said, never "named by none".
                if (holder.isEmpty())
                {
                    inspection.updateMapsNotRead.append(QStringLiteral("%1: listed by no server reached now").arg(map));
                    continue;
                }
                const Result<QByteArray> bytes = co_await Repository::fetchBytes(*repositories.value(holder), snapshot.project, map, scratchDirectory);
                if (!bytes)
                {
                    inspection.updateMapsNotRead.append(QStringLiteral("%1: %2").arg(map, bytes.error().toString()));
                    continue;
                }
                Result<Monticello::UpdateMap> parsed = Monticello::UpdateMap::parse(bytes.value());
                if (!parsed)
                {
                    inspection.updateMapsNotRead.append(QStringLiteral("%1: %2").arg(map, parsed.error().toString()));
                    continue;
                }
                for (const Monticello::UpdateMap::Dependency &dependency : parsed->dependencies())
                {
                    if (dependency.versionName != infoName)
                        continue;
                    inspection.updateMap = map;
                    for (Variant &variant : inspection.variants)
                        variant.inUpdateMap = variant.inUpdateMap || variant.id == dependency.id;
                }
            }
        }

        // How the first two readable variants relate, and how their code differs.
        void relate(ConflictInspection &inspection, const QList<Monticello::MczVersion> &versions)
        {
            const Variant &a = inspection.variants.at(0);
            const Variant &b = inspection.variants.at(1);
            if (!a.error.isEmpty() || !b.error.isEmpty())
            {
                inspection.relation = QStringLiteral("unknown: a variant could not be read");
                return;
            }
            const Monticello::VersionInfo &infoA = versions.at(0).info();
            const Monticello::VersionInfo &infoB = versions.at(1).info();
            if (infoA.descendsFrom(b.id))
            {
                inspection.relationKind = ConflictInspection::Relation::ADescendsB;
                inspection.relation = QStringLiteral("%1's variant descends from %2's").arg(a.servers.join(u'+'), b.servers.join(u'+'));
            }
            else if (infoB.descendsFrom(a.id))
            {
                inspection.relationKind = ConflictInspection::Relation::BDescendsA;
                inspection.relation = QStringLiteral("%1's variant descends from %2's").arg(b.servers.join(u'+'), a.servers.join(u'+'));
            }
            else
            {
                // The nearest common ancestor (the merge base a three-way comparison wants): a's
                // ancestry breadth first from a, the first record that b also has. The records'
                // stored order is not by distance and could name a far older one.
                QString common, commonId;
                QList<bool> seen(infoA.records().size(), false);
                QList<qsizetype> pending = infoA.root().ancestors;
                for (qsizetype next = 0; next < pending.size() && common.isEmpty(); ++next)
                {
                    const qsizetype index = pending.at(next);
                    if (seen.at(index))
                        continue;
                    seen[index] = true;
                    const Monticello::VersionRecord &record = infoA.record(index);
                    if (infoB.descendsFrom(record.id))
                    {
                        common = record.name;
                        commonId = record.id;
                    }
                    pending.append(record.ancestors);
                }
                inspection.relation = common.isEmpty() ? QStringLiteral("no common ancestor") : QStringLiteral("both descend from %1").arg(common);
                inspection.relationKind = common.isEmpty() ? ConflictInspection::Relation::Unrelated : ConflictInspection::Relation::Diverged;
                inspection.commonAncestor = common;
                inspection.commonAncestorId = commonId;
            }
            inspection.codeDiff = diffDefinitions(versions.at(0).definitions(), versions.at(1).definitions());
        }

        // When one variant descends from the other, the older is their common ancestor: a third
        // column would repeat it, and every difference is the descendant's change.
        void compareWithOlderVariant(ConflictInspection &inspection, const QList<Monticello::MczVersion> &versions)
        {
            const bool aIsOlder = inspection.relationKind == ConflictInspection::Relation::BDescendsA;
            const Monticello::SourceDefinitions older = versions.at(aIsOlder ? 0 : 1).definitions();
            inspection.threeWay = diffDefinitions3(older, versions.at(0).definitions(), versions.at(1).definitions());
            inspection.comparison = QStringLiteral("%1 is the common ancestor (%2 descends from it): two-way comparison, every difference is %3's change")
                                        .arg(inspection.variantLabel(aIsOlder ? 0 : 1), inspection.variantLabel(aIsOlder ? 1 : 0))
                                        .arg(QChar(aIsOlder ? u'b' : u'a'));
        }

        // Diverged variants against their common ancestor, read from the first server that lists
        // it under its id; where none does, or none can be read, the comparison stays two-way and
        // the note says why.
        Task<void> compareWithCommonAncestor(ConflictInspection &inspection, const QList<Monticello::MczVersion> &versions, const Repositories &repositories,
            const Sync::ProjectSnapshot &snapshot, const Rows &rows, QString scratchDirectory)
        {
            const QString fileName = Monticello::VersionName::fileNameForInfoName(inspection.commonAncestor);
            const Sync::NameRow *row = rows.value(fileName);
            QStringList unreadable;
            for (const QString &server : snapshot.servers)
            {
                if (!row || !row->uuids.contains(server) || !repositories.contains(server))
                    continue;
                const QString listedId = row->uuids.value(server);
                if (!listedId.isEmpty() && listedId != inspection.commonAncestorId)
                    continue; // another version saved under the ancestor's name
                const Result<QByteArray> bytes = co_await Repository::fetchBytes(*repositories.value(server), snapshot.project, fileName, scratchDirectory);
                Result<Monticello::MczVersion> ancestor =
                    bytes ? Monticello::MczVersion::readBytes(bytes.value(), server + u' ' + fileName) : Result<Monticello::MczVersion>(bytes.error());
                if (ancestor && ancestor->info().id() != inspection.commonAncestorId)
                    ancestor = Error{.where = server + u' ' + fileName, .message = QStringLiteral("holds another id"), .kind = Error::Kind::Invalid};
                if (!ancestor)
                {
                    unreadable.append(QStringLiteral("%1: %2").arg(server, ancestor.error().toString()));
                    continue;
                }
                inspection.threeWay = diffDefinitions3(ancestor->definitions(), versions.at(0).definitions(), versions.at(1).definitions());
                inspection.ancestorServer = server;
                inspection.comparison =
                    QStringLiteral("Three-way comparison with the common ancestor %1 (read from %2)").arg(inspection.commonAncestor, server);
                co_return;
            }
            inspection.comparison = unreadable.isEmpty()
                ? QStringLiteral("Common ancestor %1 is on no server: two-way comparison").arg(inspection.commonAncestor)
                : QStringLiteral("Common ancestor %1 could not be read (%2): two-way comparison")
                      .arg(inspection.commonAncestor, unreadable.join(QStringLiteral("; ")));
        }
    }

    Task<Result<ConflictInspection>> inspectConflict(const Workspace &workspace, State::StateDatabase &state, Sync::ProjectSnapshot snapshot, QString name,
        QString scratchDirectory)
    {
        const QString project = snapshot.project;
        ConflictInspection inspection;
        inspection.project = project;
        inspection.name = conflictFileName(name);
        Rows rows;
        for (const Sync::NameRow &row : snapshot.rows)
            rows.insert(row.name, &row);
        const Sync::NameRow *row = rows.value(inspection.name);
        // A server that was not listed may hold the name with another id: then nothing can be said
        // about "not a conflict", only what the listed servers hold.
        QStringList notListed;
        for (const QString &server : snapshot.servers)
        {
            if (snapshot.unreachable.contains(server))
                notListed.append(QStringLiteral("%1 (%2)").arg(server, snapshot.unreachable.value(server)));
        }
        const QString whileNotListed = notListed.isEmpty()
            ? QString()
            : QStringLiteral("; whether it is a conflict cannot be told while %1 %2 not listed")
                  .arg(notListed.join(QStringLiteral(", ")), notListed.size() == 1 ? QStringLiteral("is") : QStringLiteral("are"));
        if (!row)
        {
            co_return Error{.where = project,
                .message = QStringLiteral("no server %1lists %2%3")
                               .arg(notListed.isEmpty() ? QString() : QStringLiteral("that was listed "), inspection.name, whileNotListed),
                .kind = notListed.isEmpty() ? Error::Kind::NotFound : Error::Kind::Other};
        }
        inspection.variants = variantsOf(*row, snapshot.servers);
        if (inspection.variants.size() < 2 && !notListed.isEmpty())
        {
            co_return Error{.where = project,
                .message = QStringLiteral("every server listed that holds %1 has the same id%2").arg(inspection.name, whileNotListed),
                .kind = Error::Kind::Other};
        }
        if (inspection.variants.size() < 2)
        {
            co_return Error{.where = project,
                .message = QStringLiteral("%1 is not a conflict: every server that lists it has the same id").arg(inspection.name),
                .kind = Error::Kind::Invalid};
        }

        Repositories repositories;
        for (const ServerConfig &server : workspace.servers())
        {
            repositories.insert(server.name,
                std::shared_ptr<Repository::Repository>(Repository::Repository::create(server.name, server.url, workspace.credentialsFor(server))));
        }
        QList<Monticello::MczVersion> versions;
        for (Variant &variant : inspection.variants)
        {
            Monticello::MczVersion version = co_await readVariant(variant, state, repositories, snapshot, rows, inspection.name, scratchDirectory);
            versions.append(std::move(version));
        }
        co_await findInUpdateMaps(inspection, repositories, snapshot, rows, scratchDirectory);
        relate(inspection, versions);
        switch (inspection.relationKind)
        {
        case ConflictInspection::Relation::ADescendsB:
        case ConflictInspection::Relation::BDescendsA: compareWithOlderVariant(inspection, versions); break;
        case ConflictInspection::Relation::Diverged:
            co_await compareWithCommonAncestor(inspection, versions, repositories, snapshot, rows, scratchDirectory);
            break;
        case ConflictInspection::Relation::Unrelated:
            inspection.comparison =
                QStringLiteral("%1 and %2 share no ancestor: two-way comparison").arg(inspection.variantLabel(0), inspection.variantLabel(1));
            break;
        case ConflictInspection::Relation::Unknown: break;
        }
        if (Repository::isVersionFileName(inspection.name))
        {
            QSet<QString> taken;
            for (const Sync::NameRow &listed : snapshot.rows)
                taken.insert(listed.name);
            inspection.loserName = nextFreeName(inspection.name, taken);
        }
        co_return inspection;
    }
}
