#pragma once

#include <QWidget>

#include "health/history.h"

class QAbstractSeries;
class QChart;
class QChartView;
class QComboBox;
class QDateTimeAxis;
class QLabel;
class QLineSeries;
class QValueAxis;

namespace TwinTrunk::Ui
{
    class WorkspaceController;

    // The History tab: on one time axis, every server's probe latency (down periods shaded) and
    // each project's backlog in each direction, with markers for replication runs, repoints and
    // conflict decisions; over the last 24 hours or 7 days, from the state database.
    class HistoryView final : public QWidget
    {
        Q_OBJECT

    public:
        explicit HistoryView(WorkspaceController *controller, QWidget *parent = nullptr);

        // Reads the chosen period again (after a refresh, when shown).
        void reload();
        void setHistory(const Health::History &history);

        // For tests: the series drawn ("box2 latency", "box2 down", "trunk box2→box4", "replication runs", ...).
        QStringList seriesNames() const;
        QString statusText() const;

    protected:
        void showEvent(QShowEvent *event) override;

    private:
        void drawLatency(const Health::History &history);
        void drawBacklog(const Health::History &history);
        // A chart with its time axis below and its value axis on the left.
        struct Plot
        {
            QChart *chart;
            QDateTimeAxis *time;
            QValueAxis *values;
            void add(QAbstractSeries *series) const; // drawn against both axes
            // A piece of a line that breaks where nothing was measured; `first` is the line's first piece.
            QLineSeries *addSegment(const QString &name, bool points, QLineSeries *&first) const;
        };
        Plot newPlot(const QString &title, const QString &valueTitle, const Health::History &history) const;
        QDateTimeAxis *timeAxis(const Health::History &history) const;
        static void show(QChartView *view, QChart *chart); // the old chart goes

        WorkspaceController *m_controller;
        QComboBox *m_range;
        QLabel *m_status;
        QChartView *m_latencyView;
        QChartView *m_backlogView;
        bool m_loading = false;
        bool m_reloadWanted = false;
    };
}
