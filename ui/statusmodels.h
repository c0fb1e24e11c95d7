#pragma once

#include <QAbstractTableModel>
#include <QSet>
#include <QSortFilterProxyModel>

#include "state/statedatabase.h"
#include "sync/scrub.h"
#include "sync/syncengine.h"
#include "sync/syncmodel.h"

namespace TwinTrunk::Ui
{

    // One row per project: versions per server, what each lacks, conflicts, regressions, lag, the
    // last verified copy, how much was read whole (verified) and since when, and the verdict.
    class ProjectsModel final : public QAbstractTableModel
    {
        Q_OBJECT

    public:
        using QAbstractTableModel::QAbstractTableModel;
        enum Column
        {
            Name,
            Versions,
            Missing,
            Conflicts,
            Regressions,
            Lag,
            LastCopy,
            Verified,
            Verdict,
            ColumnCount
        };

        // `journal` gives each project's last verified copy (the "last sync" column); `coverage`
        // how much of each was read whole (see Sync::Scrub).
        void setProjects(const QList<Sync::ProjectSnapshot> &projects, const QDateTime &at, const QList<State::JournalEntry> &journal = {},
            const QHash<QString, State::VerificationCoverage> &coverage = {});
        const Sync::ProjectSnapshot *project(int row) const;

        int rowCount(const QModelIndex &parent = {}) const override;
        int columnCount(const QModelIndex &parent = {}) const override;
        QVariant data(const QModelIndex &index, int role) const override;
        QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    private:
        QList<Sync::ProjectSnapshot> m_projects;
        QHash<QString, QDateTime> m_lastCopy; // project -> newest verified copy in the journal
        QHash<QString, State::VerificationCoverage> m_coverage;
        QDateTime m_at;
    };

    // One row per version name of one project: its state and its id on each server.
    class VersionsModel final : public QAbstractTableModel
    {
        Q_OBJECT

    public:
        enum Role
        {
            StateRole = Qt::UserRole + 1, // Sync::VersionState as int
            MissingOnRole,                // QStringList
        };

        using QAbstractTableModel::QAbstractTableModel;

        void setProject(const Sync::ProjectSnapshot &project);
        const QStringList &servers() const { return m_project.servers; }
        QString project() const { return m_project.project; }
        // Ids, authors and dates per server (see Sync::SyncEngine::details); ignored for another project.
        void setDetails(const Sync::ProjectDetails &details);
        // Every damaged copy known (see Sync::damagedCopies), for the server cells' reasons; set
        // before setProject, whose rows say where they are.
        void setDamaged(const QList<Sync::DamagedCopy> &damaged);

        // Copies of a replication run as they go, shown over the reconciled state; a failed one
        // stays until a refresh finds the version where it was going.
        void copyStarted(const Sync::PlanItem &item);
        void copyFinished(const Sync::CopyOutcome &outcome);
        void clearLiveCopies();

        int rowCount(const QModelIndex &parent = {}) const override;
        int columnCount(const QModelIndex &parent = {}) const override;
        QVariant data(const QModelIndex &index, int role) const override;
        QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    private:
        struct LiveCopy
        {
            bool failed = false;
            QString error;
        };
        using LiveCopies = QHash<QString, LiveCopy>; // target server -> copy

        int rowOf(const QString &name) const; // -1 when absent
        void rowChanged(const QString &project, const QString &name);
        QVariant stateData(const Sync::NameRow &row, int role) const;
        QVariant serverData(const Sync::NameRow &row, const QString &server, int role) const;

        Sync::ProjectSnapshot m_project;
        Sync::ProjectDetails m_details;
        QHash<QString, QHash<QString, LiveCopies>> m_live; // project -> name -> copies
        QHash<QString, Sync::DamagedCopy> m_damaged;       // "project/name/server" -> why, and where a sound copy is
    };

    // The filters of the version table: all, differences, conflicts, or only what one server lacks;
    // and a search text on the name.
    class VersionFilterModel final : public QSortFilterProxyModel
    {
        Q_OBJECT

    public:
        enum class Filter
        {
            All,
            Differences,
            Conflicts,
            MissingOn, // what `server` lacks
            Names,     // exactly the names given (a cell of the server-by-server grid)
        };

        using QSortFilterProxyModel::QSortFilterProxyModel;
        void setFilter(Filter filter, const QString &server = QString());
        // Filter::Names: exactly these versions.
        void setNames(const QStringList &names);
        void setSearchText(const QString &text);

    protected:
        bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

    private:
        Filter m_filter = Filter::All;
        QString m_server;
        QSet<QString> m_names;
        QString m_search;
    };

    // The operations journal, newest first (twintrunkctl's runs from cron included).
    class JournalModel final : public QAbstractTableModel
    {
        Q_OBJECT

    public:
        using QAbstractTableModel::QAbstractTableModel;
        void setEntries(const QList<State::JournalEntry> &entries);

        int rowCount(const QModelIndex &parent = {}) const override;
        int columnCount(const QModelIndex &parent = {}) const override;
        QVariant data(const QModelIndex &index, int role) const override;
        QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    private:
        QList<State::JournalEntry> m_entries;
    };
}
