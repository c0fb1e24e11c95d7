#include "plan.h"

#include <algorithm>

namespace TwinTrunk::Sync
{
    QList<PlanItem> plan(const QList<ProjectSnapshot> &snapshots, const PlanFilter &filter)
    {
        QList<PlanItem> items;
        for (const ProjectSnapshot &snapshot : snapshots)
        {
            if (!filter.project.isEmpty() && snapshot.project != filter.project)
                continue;
            for (const NameRow &row : snapshot.rows)
            {
                const bool copyable = row.state == VersionState::Missing
                    || ((row.state == VersionState::Decided || row.state == VersionState::Damaged) && !row.missingOn.isEmpty());
                if (!copyable)
                    continue;
                PlanItem item{snapshot.project, row.name, QString(), {}, row.size, QString()};
                for (const QString &server : snapshot.servers)
                {
                    const bool holds = row.uuids.contains(server) && (row.canonicalId.isEmpty() || row.uuids.value(server) == row.canonicalId)
                        && !row.damagedOn.contains(server);
                    if (holds && (filter.from.isEmpty() || filter.from == server))
                    {
                        item.source = server;
                        item.id = row.uuids.value(server);
                        break;
                    }
                }
                if (item.source.isEmpty())
                    continue;
                for (const QString &target : row.missingOn)
                {
                    if (filter.to.isEmpty() || filter.to == target)
                        item.targets.append(target);
                }
                if (!item.targets.isEmpty())
                    items.append(item);
            }
        }
        return items;
    }

    PlanSummary summarize(const QList<PlanItem> &items, int jobs)
    {
        PlanSummary summary;
        for (const PlanItem &item : items)
        {
            summary.copies += int(item.targets.size());
            summary.bytes += std::max<qint64>(item.size, 0) * item.targets.size();
            if (item.size < 0)
                summary.unknownSizes += int(item.targets.size());
        }
        const qint64 perSecond = qint64(2 * 1024 * 1024) * std::max(1, jobs);
        summary.estimatedSeconds = summary.copies == 0 ? 0 : summary.bytes / perSecond + 1;
        return summary;
    }

    QList<PlanItem> lateCommitsFirst(QList<PlanItem> items, const QList<State::LateCommitWatch> &watches)
    {
        auto isLateCommit = [&watches](const PlanItem &item) {
            return std::any_of(watches.cbegin(), watches.cend(),
                [&item](const State::LateCommitWatch &watch) { return item.source == watch.oldPrimary && item.targets.contains(watch.newPrimary); });
        };
        std::stable_partition(items.begin(), items.end(), isLateCommit);
        return items;
    }
}
