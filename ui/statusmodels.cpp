#include "statusmodels.h"

#include <QApplication>
#include <QBrush>
#include <QColor>
#include <QLocale>
#include <QStyle>

#include "appearance.h"
#include "offthread.h"
#include "presentation/verdict.h"

namespace TwinTrunk::Ui
{
    namespace
    {
        QString stateWords(Sync::VersionState state)
        {
            switch (state)
            {
            case Sync::VersionState::Same: return QObject::tr("same");
            case Sync::VersionState::Missing: return QObject::tr("missing");
            case Sync::VersionState::Conflict: return QObject::tr("conflict");
            case Sync::VersionState::Decided: return QObject::tr("decided");
            case Sync::VersionState::Regression: return QObject::tr("regression");
            case Sync::VersionState::Damaged: return QObject::tr("damaged");
            case Sync::VersionState::InFlight: return QObject::tr("copying");
            case Sync::VersionState::Unknown: return QObject::tr("id unknown");
            }
            return QString();
        }

        QColor stateColour(Sync::VersionState state)
        {
            switch (state)
            {
            case Sync::VersionState::Conflict:
            case Sync::VersionState::Damaged:
            case Sync::VersionState::Regression: return toneColour(Tone::Bad, QApplication::palette());
            case Sync::VersionState::Missing:
            case Sync::VersionState::Unknown: return toneColour(Tone::Warning, QApplication::palette());
            default: return QColor();
            }
        }
    }

    void ProjectsModel::setProjects(const QList<Sync::ProjectSnapshot> &projects, const QDateTime &at, const QList<State::JournalEntry> &journal,
        const QHash<QString, State::VerificationCoverage> &coverage)
    {
        beginResetModel();
        releaseOffThread(std::exchange(m_projects, projects));
        m_at = at;
        m_coverage = coverage;
        m_lastCopy = Presentation::lastCopies(journal);
        endResetModel();
    }

    const Sync::ProjectSnapshot *ProjectsModel::project(int row) const
    {
        return row >= 0 && row < m_projects.size() ? &m_projects.at(row) : nullptr;
    }

    int ProjectsModel::rowCount(const QModelIndex &parent) const
    {
        return parent.isValid() ? 0 : int(m_projects.size());
    }

    int ProjectsModel::columnCount(const QModelIndex &parent) const
    {
        return parent.isValid() ? 0 : ColumnCount;
    }

    QVariant ProjectsModel::data(const QModelIndex &index, int role) const
    {
        if (!index.isValid() || index.row() >= m_projects.size())
            return QVariant();
        const Sync::ProjectSnapshot &project = m_projects.at(index.row());
        // Per server; a server not reached this time is "not checked", never a count of 0.
        auto perServer = [&project](auto value) {
            QStringList parts;
            for (const QString &server : project.servers)
            {
                if (project.unreachable.contains(server))
                    parts.append(tr("%1 not checked").arg(server));
                else if (project.counts.contains(server))
                    parts.append(QStringLiteral("%1 %2").arg(server).arg(value(server)));
            }
            return parts.join(QStringLiteral(" · "));
        };
        const bool partlyUnknown = !project.unreachable.isEmpty() || !project.notChecked.isEmpty();
        if (role == Qt::DisplayRole)
        {
            switch (index.column())
            {
            case Name: return project.project;
            case Versions: return perServer([&project](const QString &server) { return project.counts.value(server); });
            case Missing:
                // What a server lacks is measured against the others: with one not listed, a count is
                // only a lower bound, and none is not known.
                return perServer([&project](const QString &server) -> QString {
                    const qsizetype lacks = project.missing.value(server).size();
                    if (project.unreachable.isEmpty())
                        return QString::number(lacks);
                    return lacks > 0 ? tr("at least %1").arg(lacks) : tr("not known");
                });
            case Conflicts:
            {
                QString text = project.decided.isEmpty() ? QString::number(project.conflicts.size())
                                                         : tr("%1 (+%2 decided)").arg(project.conflicts.size()).arg(project.decided.size());
                // A conflict shows only where both sides were listed.
                if (!project.unreachable.isEmpty())
                    text += tr(" known, not all checked");
                return text;
            }
            case Regressions: return project.regressions.size();
            case Lag:
            {
                QStringList parts;
                for (const Sync::Lag &lag : project.lag)
                {
                    if (lag.versions > 0)
                        parts.append(Presentation::lagText(lag, m_at));
                }
                for (const QString &server : project.servers)
                {
                    if (project.unreachable.contains(server))
                        parts.append(tr("%1 not checked").arg(server));
                }
                return parts.isEmpty() ? tr("none") : parts.join(QStringLiteral("; "));
            }
            case LastCopy:
            {
                const QDateTime last = m_lastCopy.value(project.project);
                return last.isValid() ? tr("%1 ago").arg(Presentation::age(last, m_at)) : tr("none in 30 days");
            }
            case Verified:
            {
                const State::VerificationCoverage coverage = m_coverage.value(project.project);
                if (const QDateTime full = coverage.fullyVerifiedAt(); full.isValid())
                    return tr("all, %1 ago").arg(Presentation::age(full, m_at));
                if (coverage.listed == 0 || coverage.read == 0)
                    return tr("not yet");
                return tr("%1% read").arg(coverage.read * 100 / coverage.listed);
            }
            case Verdict:
            {
                // Every problem of the row, most urgent first, not only the first one.
                const Presentation::Verdict verdict = Presentation::projectVerdict(project);
                return verdict.problems.size() > 1 && !project.inSync ? verdict.problems.join(QStringLiteral(" · ")) : verdict.headline;
            }
            }
        }
        if (role == Qt::ForegroundRole && partlyUnknown && (index.column() == Versions || index.column() == Missing || index.column() == Lag))
            return QBrush(toneColour(Tone::Warning, QApplication::palette()));
        if (role == Qt::ToolTipRole && partlyUnknown && (index.column() == Versions || index.column() == Missing || index.column() == Lag))
        {
            QStringList why;
            for (auto it = project.unreachable.cbegin(); it != project.unreachable.cend(); ++it)
                why.append(tr("%1 not checked: %2").arg(it.key(), it.value()));
            for (const QString &what : project.notChecked)
                why.append(tr("Not checked: %1 could not be read").arg(what));
            return why.join(u'\n');
        }
        if (role == Qt::ToolTipRole && index.column() == Conflicts && (!project.conflicts.isEmpty() || !project.decided.isEmpty()))
            return tr("Click (or press Enter) to show them in the version table");
        if (role == Qt::ToolTipRole && index.column() == Verified)
        {
            const State::VerificationCoverage coverage = m_coverage.value(project.project);
            return tr("%1 of the %2 copies listed on the servers were read whole and found sound (every member's CRC-32, the bytes "
                      "recorded for the copy). Fully verified means every one of them was, since the time shown. Servers > Verify Copies "
                      "reads the least recently read first, as twintrunkctl verify does.")
                .arg(coverage.read)
                .arg(coverage.listed);
        }
        if (role == Qt::ForegroundRole && index.column() == Verdict)
        {
            switch (Presentation::projectVerdict(project).level)
            {
            case Presentation::Level::Good:
            case Presentation::Level::Note: return QBrush(toneColour(Tone::Good, QApplication::palette()));
            case Presentation::Level::Warning:
            case Presentation::Level::Unknown: return QBrush(toneColour(Tone::Warning, QApplication::palette()));
            case Presentation::Level::Bad: return QBrush(toneColour(Tone::Bad, QApplication::palette()));
            }
        }
        if (role == Qt::DecorationRole && index.column() == Verdict)
        {
            // A shape as well as a colour: in sync, or a person should look.
            switch (Presentation::projectVerdict(project).level)
            {
            case Presentation::Level::Good:
            case Presentation::Level::Note: return QApplication::style()->standardIcon(QStyle::SP_DialogApplyButton);
            case Presentation::Level::Bad: return QApplication::style()->standardIcon(QStyle::SP_MessageBoxCritical);
            case Presentation::Level::Warning:
            case Presentation::Level::Unknown: return QApplication::style()->standardIcon(QStyle::SP_MessageBoxWarning);
            }
        }
        if (role == Qt::ToolTipRole && index.column() == Verdict)
        {
            const QStringList problems = Presentation::projectVerdict(project).problems;
            return QString((problems.isEmpty() ? QString() : problems.join(u'\n') + QStringLiteral("\n\n"))
                + tr("In sync only when every server answered, nothing is missing or damaged, no conflict, regression or unread id "
                     "is left, and the digests of every server's (name, id) set are equal."));
        }
        return QVariant();
    }

    QVariant ProjectsModel::headerData(int section, Qt::Orientation orientation, int role) const
    {
        if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
            return QVariant();
        switch (section)
        {
        case Name: return tr("Project");
        case Versions: return tr("Versions");
        case Missing: return tr("Lacks");
        case Conflicts: return tr("Conflicts");
        case Regressions: return tr("Regressions");
        case Lag: return tr("Lag");
        case LastCopy: return tr("Last copy");
        case Verified: return tr("Verified");
        case Verdict: return tr("State");
        }
        return QVariant();
    }

    void VersionsModel::setProject(const Sync::ProjectSnapshot &project)
    {
        beginResetModel();
        if (project.project != m_project.project)
            releaseOffThread(std::exchange(m_details, Sync::ProjectDetails{}));
        releaseOffThread(std::exchange(m_project, project));
        // A copy under way stays until it ends; one that failed is shown until the version is
        // found where it was going.
        if (auto live = m_live.find(project.project); live != m_live.end())
        {
            for (auto name = live->begin(); name != live->end();)
            {
                const int row = rowOf(name.key());
                for (auto copy = name->begin(); copy != name->end();)
                {
                    const bool stillMissing = row >= 0 && m_project.rows.at(row).missingOn.contains(copy.key());
                    copy = !copy->failed || stillMissing ? std::next(copy) : name->erase(copy);
                }
                name = name->isEmpty() ? live->erase(name) : std::next(name);
            }
        }
        endResetModel();
    }

    void VersionsModel::setDetails(const Sync::ProjectDetails &details)
    {
        if (details.project != m_project.project)
            return;
        releaseOffThread(std::exchange(m_details, details));
        if (!m_project.rows.isEmpty())
            Q_EMIT dataChanged(index(0, 2), index(rowCount() - 1, columnCount() - 1));
    }

    void VersionsModel::setDamaged(const QList<Sync::DamagedCopy> &damaged)
    {
        m_damaged.clear();
        for (const Sync::DamagedCopy &copy : damaged)
            m_damaged.insert(copy.copy.project + u'/' + copy.copy.name + u'/' + copy.copy.server, copy);
    }

    void VersionsModel::copyStarted(const Sync::PlanItem &item)
    {
        for (const QString &target : item.targets)
            m_live[item.project][item.name].insert(target, LiveCopy{});
        rowChanged(item.project, item.name);
    }

    void VersionsModel::copyFinished(const Sync::CopyOutcome &outcome)
    {
        QHash<QString, LiveCopies> &names = m_live[outcome.project];
        if (outcome.result == Sync::CopyOutcome::Result::Failed)
            names[outcome.name].insert(outcome.target, LiveCopy{true, outcome.error});
        else if (auto copies = names.find(outcome.name); copies != names.end() && copies->remove(outcome.target) && copies->isEmpty())
            names.erase(copies); // the refresh after the run shows it in place
        rowChanged(outcome.project, outcome.name);
    }

    void VersionsModel::clearLiveCopies()
    {
        beginResetModel();
        m_live.clear();
        endResetModel();
    }

    int VersionsModel::rowOf(const QString &name) const
    {
        const auto found = std::lower_bound(m_project.rows.cbegin(), m_project.rows.cend(), name,
            [](const Sync::NameRow &row, const QString &wanted) { return row.name < wanted; });
        return found != m_project.rows.cend() && found->name == name ? int(found - m_project.rows.cbegin()) : -1;
    }

    void VersionsModel::rowChanged(const QString &project, const QString &name)
    {
        if (project != m_project.project)
            return;
        if (const int row = rowOf(name); row >= 0)
            Q_EMIT dataChanged(index(row, 0), index(row, columnCount() - 1));
    }

    int VersionsModel::rowCount(const QModelIndex &parent) const
    {
        return parent.isValid() ? 0 : int(m_project.rows.size());
    }

    int VersionsModel::columnCount(const QModelIndex &parent) const
    {
        return parent.isValid() ? 0 : 2 + int(m_project.servers.size());
    }

    QVariant VersionsModel::data(const QModelIndex &index, int role) const
    {
        if (!index.isValid() || index.row() >= m_project.rows.size())
            return QVariant();
        const Sync::NameRow &row = m_project.rows.at(index.row());
        if (role == StateRole)
            return int(row.state);
        if (role == MissingOnRole)
            return row.missingOn;
        if (index.column() == 0)
            return role == Qt::DisplayRole ? QVariant(row.name) : QVariant();
        if (index.column() == 1)
            return stateData(row, role);
        const int serverIndex = index.column() - 2;
        if (serverIndex < 0 || serverIndex >= m_project.servers.size())
            return QVariant();
        return serverData(row, m_project.servers.at(serverIndex), role);
    }

    QVariant VersionsModel::stateData(const Sync::NameRow &row, int role) const
    {
        const LiveCopies copies = m_live.value(m_project.project).value(row.name);
        QStringList copying, failed, errors;
        for (auto copy = copies.cbegin(); copy != copies.cend(); ++copy)
        {
            (copy->failed ? failed : copying).append(copy.key());
            if (copy->failed)
                errors.append(copy->error);
        }
        if (!failed.isEmpty())
        {
            switch (role)
            {
            case Qt::DisplayRole: return tr("copy failed → %1").arg(failed.join(QStringLiteral(", ")));
            case Qt::ToolTipRole: return errors.join(u'\n');
            case Qt::ForegroundRole: return QBrush(toneColour(Tone::Bad, QApplication::palette()));
            default: return QVariant();
            }
        }
        if (!copying.isEmpty())
            return role == Qt::DisplayRole ? QVariant(tr("copying → %1").arg(copying.join(QStringLiteral(", ")))) : QVariant();
        // With a server not reached, "same" or "id unknown" would claim what nobody checked.
        if (!m_project.unreachable.isEmpty() && (row.state == Sync::VersionState::Same || row.state == Sync::VersionState::Unknown))
        {
            const QStringList unreached = m_project.unreachable.keys();
            switch (role)
            {
            case Qt::DisplayRole: return tr("%1 unreachable").arg(unreached.join(QStringLiteral(", ")));
            case Qt::ToolTipRole: return tr("Not checked on %1: it did not answer the last refresh").arg(unreached.join(QStringLiteral(", ")));
            case Qt::ForegroundRole: return QBrush(toneColour(Tone::Warning, QApplication::palette()));
            default: return QVariant();
            }
        }
        if (role == Qt::DisplayRole)
            return stateWords(row.state);
        if (role == Qt::ForegroundRole && stateColour(row.state).isValid())
            return QBrush(stateColour(row.state));
        return QVariant();
    }

    QVariant VersionsModel::serverData(const Sync::NameRow &row, const QString &server, int role) const
    {
        if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
            return QVariant();
        const bool display = role == Qt::DisplayRole;
        if (row.vanishedFrom.contains(server))
            return display ? tr("no longer listed") : tr("%1 listed this version before and no longer does").arg(server);
        const LiveCopies copies = m_live.value(m_project.project).value(row.name);
        if (const auto copy = copies.constFind(server); copy != copies.cend())
            return display ? (copy->failed ? tr("copy failed") : tr("copying…")) : (copy->failed ? QVariant(copy->error) : QVariant());
        if (const auto unreached = m_project.unreachable.constFind(server); unreached != m_project.unreachable.cend())
            return display ? tr("unreachable") : tr("%1 did not answer the last refresh: %2").arg(server, unreached.value());
        if (!row.uuids.contains(server))
        {
            if (!row.missingOn.contains(server))
                return QVariant();
            return display ? tr("missing here") : tr("A copy is due");
        }
        if (row.damagedOn.contains(server))
        {
            const Sync::DamagedCopy damaged = m_damaged.value(m_project.project + u'/' + row.name + u'/' + server);
            if (display)
                return tr("damaged");
            QString text = tr("The copy on %1 is damaged: %2").arg(server, damaged.copy.damage);
            if (damaged.copy.damagedAt.isValid())
                text += u'\n' + tr("Found %1.").arg(Presentation::localTime(damaged.copy.damagedAt));
            text += u'\n'
                + (damaged.soundOn.isEmpty()
                        ? tr("No sound copy is known on another server: Servers > Verify Copies reads them.")
                        : tr("A sound copy is on %1: Servers > Damaged Copies repairs it.").arg(damaged.soundOn.join(QStringLiteral(", "))));
            return text;
        }
        const Sync::VersionDetail detail = m_details.servers.value(server).value(row.name);
        const QString id = row.uuids.value(server).isEmpty() ? detail.id : row.uuids.value(server);
        const QString written = detail.authoredAt.isValid() ? detail.authoredAt.toString(QStringLiteral("yyyy-MM-dd HH:mm")) : QString();
        if (display)
        {
            if (id.isEmpty())
            {
                return detail.listedModified.isValid()
                    ? tr("present (listed %1)").arg(QLocale().toString(detail.listedModified.toLocalTime().date(), QLocale::ShortFormat))
                    : tr("present");
            }
            QStringList parts{id.left(8)};
            if (!detail.author.isEmpty())
                parts.append(detail.author);
            if (!written.isEmpty())
                parts.append(written);
            return parts.join(QStringLiteral("  "));
        }
        if (id.isEmpty())
            return tr("Its id, author and date are read where another server lists the same name; "
                      "Read Authors & Dates reads the rest");
        QStringList lines{tr("Id: %1").arg(id)};
        if (!detail.author.isEmpty())
            lines.append(tr("Author: %1").arg(detail.author));
        if (!written.isEmpty())
            lines.append(tr("Written: %1 (the committing image's clock; Monticello records no time zone)").arg(written));
        if (detail.listedModified.isValid())
            lines.append(tr("Listed on %1 with the date %2").arg(server, QLocale().toString(detail.listedModified.toLocalTime(), QLocale::ShortFormat)));
        return lines.join(u'\n');
    }

    QVariant VersionsModel::headerData(int section, Qt::Orientation orientation, int role) const
    {
        if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
            return QVariant();
        if (section == 0)
            return tr("Version");
        if (section == 1)
            return tr("State");
        const int serverIndex = section - 2;
        return serverIndex < m_project.servers.size() ? m_project.servers.at(serverIndex) : QVariant();
    }

    void VersionFilterModel::setFilter(Filter filter, const QString &server)
    {
        m_filter = filter;
        m_server = server;
        m_names.clear();
        invalidateFilter();
    }

    void VersionFilterModel::setNames(const QStringList &names)
    {
        m_filter = Filter::Names;
        m_server.clear();
        m_names = QSet<QString>(names.cbegin(), names.cend());
        invalidateFilter();
    }

    void VersionFilterModel::setSearchText(const QString &text)
    {
        m_search = text.trimmed();
        invalidateFilter();
    }

    bool VersionFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
    {
        const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
        if (!m_search.isEmpty() && !index.data().toString().contains(m_search, Qt::CaseInsensitive))
            return false;
        const auto state = Sync::VersionState(index.data(VersionsModel::StateRole).toInt());
        switch (m_filter)
        {
        case Filter::All: return true;
        case Filter::Differences: return state != Sync::VersionState::Same;
        case Filter::Conflicts: return state == Sync::VersionState::Conflict || state == Sync::VersionState::Decided;
        case Filter::MissingOn: return index.data(VersionsModel::MissingOnRole).toStringList().contains(m_server);
        case Filter::Names: return m_names.contains(index.data().toString());
        }
        return true;
    }

    void JournalModel::setEntries(const QList<State::JournalEntry> &entries)
    {
        beginResetModel();
        m_entries = entries;
        std::reverse(m_entries.begin(), m_entries.end());
        endResetModel();
    }

    int JournalModel::rowCount(const QModelIndex &parent) const
    {
        return parent.isValid() ? 0 : int(m_entries.size());
    }

    int JournalModel::columnCount(const QModelIndex &parent) const
    {
        return parent.isValid() ? 0 : 6;
    }

    QVariant JournalModel::data(const QModelIndex &index, int role) const
    {
        if (!index.isValid() || index.row() >= m_entries.size() || (role != Qt::DisplayRole && role != Qt::ToolTipRole))
            return QVariant();
        const State::JournalEntry &entry = m_entries.at(index.row());
        switch (index.column())
        {
        case 0:
            return role == Qt::ToolTipRole ? entry.at.toUTC().toString(Qt::ISODateWithMs) : QLocale().toString(entry.at.toLocalTime(), QLocale::ShortFormat);
        case 1: return entry.operation;
        case 2: return entry.project.isEmpty() ? entry.name : entry.project + u'/' + entry.name;
        case 3: return entry.source.isEmpty() ? entry.target : entry.source + QStringLiteral(" → ") + entry.target;
        case 4: return entry.result;
        case 5: return role == Qt::ToolTipRole ? entry.detail : entry.detail.left(200); // the whole detail in the tooltip and the export
        }
        return QVariant();
    }

    QVariant JournalModel::headerData(int section, Qt::Orientation orientation, int role) const
    {
        if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
            return QVariant();
        static const char *const titles[] = {QT_TR_NOOP("When"), QT_TR_NOOP("Operation"), QT_TR_NOOP("What"), QT_TR_NOOP("Where"), QT_TR_NOOP("Result"),
            QT_TR_NOOP("Detail")};
        return section >= 0 && section < 6 ? tr(titles[section]) : QVariant();
    }
}
