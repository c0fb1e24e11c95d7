#include "acrossservers.h"

#include <QCoreApplication>

#include <algorithm>
#include <limits>
#include <tuple>

namespace TwinTrunk::Presentation
{
    namespace
    {
        QString tr(const char *text)
        {
            return QCoreApplication::translate("TwinTrunk::Presentation", text);
        }

        // Good first, then not known, then not ready: the order in which servers are offered.
        int readinessRank(Level level)
        {
            switch (level)
            {
            case Level::Good: return 0;
            case Level::Unknown: return 1;
            case Level::Note:
            case Level::Warning: return 2;
            case Level::Bad: return 3;
            }
            return 3;
        }
    }

    LacksCell lacksCell(const Sync::ProjectSnapshot &project, const QString &lacking, const QString &having)
    {
        LacksCell cell;
        cell.lacking = lacking;
        cell.having = having;
        if (lacking == having)
        {
            cell.diagonal = true;
            cell.level = Level::Note;
            cell.text = QStringLiteral("—");
            return cell;
        }

        // Unknown is never 0: a server not listed this time lacks, or has, what nobody knows.
        QStringList notListed;
        for (const QString &server : {lacking, having})
        {
            if (!project.servers.contains(server))
                notListed.append(tr("%1 is not a server of %2").arg(server, project.project));
            else if (project.unreachable.contains(server))
                notListed.append(tr("%1 not listed (%2)").arg(server, project.unreachable.value(server)));
        }
        const auto lag = std::find_if(project.lag.cbegin(), project.lag.cend(),
            [&lacking, &having](const Sync::Lag &entry) { return entry.from == having && entry.to == lacking; });
        if (notListed.isEmpty() && lag == project.lag.cend())
            notListed.append(tr("no listing compares them"));
        if (!notListed.isEmpty())
        {
            cell.text = tr("not checked");
            cell.detail = tr("Not checked: %1. What %2 lacks of %3's versions is not known.").arg(notListed.join(QStringLiteral("; ")), lacking, having);
            return cell;
        }

        cell.known = true;
        cell.versions = lag->versions;
        cell.names = lag->names;
        const QString versions = counted(cell.versions, tr("version"), tr("versions"));
        if (!project.notChecked.isEmpty())
        {
            // A decision or a damage record not read can hide a missing version: a lower bound.
            cell.text = cell.versions > 0 ? tr("at least %1").arg(cell.versions) : tr("not checked");
            cell.known = cell.versions > 0; // "not checked" has no versions to show: not a filter
            cell.detail = tr("%1 lacks at least %2 %3 has; not checked: %4 could not be read")
                              .arg(lacking, versions, having, project.notChecked.join(QStringLiteral(", ")));
            return cell;
        }
        cell.level = cell.versions > 0 ? Level::Warning : Level::Good;
        cell.text = QString::number(cell.versions);
        cell.detail =
            cell.versions > 0 ? tr("%1 lacks %2 %3 has").arg(lacking, versions, having) : tr("%1 lacks none of the versions %2 has").arg(lacking, having);
        return cell;
    }

    QList<QList<LacksCell>> lacksGrid(const Sync::ProjectSnapshot &project)
    {
        QList<QList<LacksCell>> grid;
        for (const QString &lacking : project.servers)
        {
            QList<LacksCell> row;
            for (const QString &having : project.servers)
                row.append(lacksCell(project, lacking, having));
            grid.append(row);
        }
        return grid;
    }

    TakeoverChoice bestTakeover(const Sync::StatusReport &report, const QList<Health::ServerHealth> &health)
    {
        TakeoverChoice best;
        // (readiness, versions of the primary's it lacks, versions it lacks in all, workspace order)
        std::tuple<int, qsizetype, qint64, qsizetype> bestKey{std::numeric_limits<int>::max(), 0, 0, 0};
        for (qsizetype order = 0; order < report.servers.size(); ++order)
        {
            const Sync::ServerStatus &server = report.servers.at(order);
            if (server.primary)
                continue;
            // Up by its probe; not probed, by the status (a probe that answers while the listing
            // fails leaves it a candidate of last resort: not ready).
            const auto probe = std::find_if(health.cbegin(), health.cend(), [&server](const Health::ServerHealth &h) { return h.name == server.name; });
            const bool up = probe != health.cend() && probe->probed ? probe->up : server.reachable;
            if (!up)
                continue;
            const Takeover takeover = takeoverReadiness(report, server.name);
            qint64 lacks = 0;
            for (const Sync::ProjectSnapshot &project : report.projects)
            {
                if (project.unreachable.contains(server.name) || !project.servers.contains(server.name))
                    lacks = std::numeric_limits<qint64>::max() / 2; // not known: after every count
                else if (lacks < std::numeric_limits<qint64>::max() / 2)
                    lacks += project.missing.value(server.name).size();
            }
            const std::tuple<int, qsizetype, qint64, qsizetype> key{readinessRank(takeover.level), takeover.missing.size(), lacks, order};
            if (best.server.isEmpty() || key < bestKey)
            {
                bestKey = key;
                best.server = server.name;
                best.takeover = takeover;
            }
        }
        return best;
    }
}
