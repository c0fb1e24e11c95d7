#pragma once

#include <functional>

#include <QWidget>

#include "sync/syncmodel.h"

class QComboBox;
class QToolButton;

namespace TwinTrunk::Ui
{
    class VersionFilterModel;

    // The version table's filter: all versions, differences, conflicts, missing on each server, or
    // a cell of the server-by-server grid ("box2 lacks, box1 has": exactly the versions core counted
    // for that pair in the project shown, Presentation::lacksCell); Clear Filter while any but all
    // versions is chosen. It applies itself to the VersionFilterModel it was given.
    class VersionFilterBar final : public QWidget
    {
        Q_OBJECT

    public:
        using CurrentProject = std::function<const Sync::ProjectSnapshot *()>;
        VersionFilterBar(VersionFilterModel *model, CurrentProject project, QWidget *parent = nullptr);

        // After a refresh: "Missing on" each server; a grid cell's pair stays while both its
        // servers do (three or more of them). Applies the filter chosen.
        void setServers(const QStringList &servers);
        // Another project is shown: a grid cell's versions are counted again in it.
        void projectChanged();
        // The project's conflicts (its Conflicts cell in the projects table).
        void showConflicts();
        // A grid cell's click: what `lacking` lacks of `having`'s versions (one pair at a time).
        void showLacking(const QString &lacking, const QString &having);

        // {lacking, having} while a grid cell's filter is chosen, else empty; the filter in words.
        QStringList pair() const;
        QString label() const;

    Q_SIGNALS:
        void applied(); // a filter was chosen and applied

    private:
        void apply();

        VersionFilterModel *m_model;
        CurrentProject m_project;
        QComboBox *m_combo;
        QToolButton *m_clear;
    };
}
