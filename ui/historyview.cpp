#include "historyview.h"

#include <QAreaSeries>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDateTimeAxis>
#include <QGraphicsLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLocale>
#include <QScatterSeries>
#include <QScrollArea>
#include <QToolTip>
#include <QVBoxLayout>
#include <QValueAxis>

#include "appearance.h"
#include "presentation/verdict.h"
#include "request.h"
#include "workspacecontroller.h"

namespace TwinTrunk::Ui
{
    namespace
    {
        qreal msOf(const QDateTime &at)
        {
            return qreal(at.toMSecsSinceEpoch());
        }

        // An end of the period with its day: "29 Nov 13:56 to 30 Nov 13:56", never a period that
        // reads as "13:56:21 to 13:56:21" because one end is today.
        QString periodEnd(const QDateTime &at)
        {
            return QLocale().toString(at.toLocalTime(), QStringLiteral("d MMM HH:mm"));
        }

        // 0 to a little above `highest`, in three whole-numbered ticks that fit a short chart.
        void setCountRange(QValueAxis *axis, qint64 highest)
        {
            const qint64 top = (highest * 11 / 10 + 2) / 2 * 2;
            axis->setRange(0, qreal(top));
            axis->setTickCount(3);
            axis->setLabelFormat(QStringLiteral("%.0f"));
        }

        // A marker series whose points say what they are when hovered.
        QScatterSeries *markers(const QString &name, QScatterSeries::MarkerShape shape, const QColor &colour, QWidget *tipParent,
            const QList<std::pair<QDateTime, QString>> &points)
        {
            auto *series = new QScatterSeries;
            series->setName(name);
            series->setMarkerShape(shape);
            series->setMarkerSize(11);
            series->setColor(colour);
            series->setBorderColor(colour.darker(130));
            QHash<qint64, QString> tips;
            for (const auto &[at, text] : points)
            {
                series->append(msOf(at), 0);
                tips[at.toMSecsSinceEpoch()] += (tips.contains(at.toMSecsSinceEpoch()) ? QStringLiteral("\n") : QString()) + text;
            }
            QObject::connect(series, &QScatterSeries::hovered, tipParent, [tips, tipParent](const QPointF &point, bool state) {
                if (state)
                    QToolTip::showText(QCursor::pos(), tips.value(qint64(point.x())), tipParent);
                else
                    QToolTip::hideText();
            });
            return series;
        }
    }

    HistoryView::HistoryView(WorkspaceController *controller, QWidget *parent)
            : QWidget(parent), m_controller(controller), m_range(new QComboBox(this)), m_status(new QLabel(this)), m_latencyView(new QChartView(this)),
              m_backlogView(new QChartView(this))
    {
        m_range->setObjectName(QStringLiteral("historyRange"));
        m_range->addItem(tr("Last 24 hours"), 24 * 3600);
        m_range->addItem(tr("Last 7 days"), 7 * 24 * 3600);
        m_status->setObjectName(QStringLiteral("historyStatus"));
        m_status->setWordWrap(true);
        for (QChartView *view : {m_latencyView, m_backlogView})
        {
            view->setRenderHint(QPainter::Antialiasing);
            // Title, plot and legend readable: below this a 1024x768 screen clipped the legends.
            view->setMinimumHeight(200);
        }
        auto *top = new QHBoxLayout;
        top->addWidget(new QLabel(tr("Period:"), this));
        top->addWidget(m_range);
        top->addWidget(m_status, 1);
        // The charts scroll when the tab is shorter than both (a small screen), rather than squeeze.
        auto *charts = new QWidget(this);
        auto *chartsLayout = new QVBoxLayout(charts);
        chartsLayout->setContentsMargins(0, 0, 0, 0);
        chartsLayout->addWidget(m_latencyView, 1);
        chartsLayout->addWidget(m_backlogView, 1);
        auto *scroll = new QScrollArea(this);
        scroll->setObjectName(QStringLiteral("historyScroll"));
        scroll->setFrameShape(QFrame::NoFrame);
        scroll->setWidgetResizable(true);
        scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
        scroll->setWidget(charts);
        auto *layout = new QVBoxLayout(this);
        layout->addLayout(top);
        layout->addWidget(scroll, 1);
        connect(m_range, &QComboBox::currentIndexChanged, this, &HistoryView::reload);
        // Kept current while it is seen; a hidden tab reads nothing.
        connect(controller, &WorkspaceController::refreshed, this, [this] {
            if (isVisible())
                reload();
        });
    }

    void HistoryView::showEvent(QShowEvent *event)
    {
        QWidget::showEvent(event);
        reload();
    }

    void HistoryView::reload()
    {
        if (m_controller->workspacePath().isEmpty())
            return;
        if (m_loading)
        {
            m_reloadWanted = true; // another period chosen meanwhile: read again when this one arrives
            return;
        }
        m_loading = true;
        m_reloadWanted = false;
        m_status->setText(tr("Reading the history…"));
        Request *loading = m_controller->loadHistory(QDateTime::currentDateTimeUtc().addSecs(-m_range->currentData().toLongLong()));
        connect(loading, &Request::finished, this, [this, loading] {
            m_loading = false;
            if (m_reloadWanted)
                return reload();
            if (loading->succeeded())
                setHistory(loading->value<Health::History>());
            else if (loading->outcome() != Request::Outcome::Cancelled)
                m_status->setText(toneSpan(Tone::Bad, palette(), tr("The history could not be read: %1").arg(loading->errorMessage().toHtmlEscaped())));
        });
    }

    HistoryView::Plot HistoryView::newPlot(const QString &title, const QString &valueTitle, const Health::History &history) const
    {
        // Room for the data: small margins, a title in the body's size; the legend below, so both
        // charts' plots span the same width and their time axes line up.
        auto *chart = new QChart;
        chart->setTitle(title);
        QFont font = this->font();
        font.setBold(true);
        chart->setTitleFont(font);
        chart->setMargins(QMargins(4, 2, 4, 2));
        chart->layout()->setContentsMargins(0, 0, 0, 0);
        chart->legend()->setAlignment(Qt::AlignBottom);
        chart->legend()->setFont(this->font());
        chart->setBackgroundRoundness(0);
        chart->setTheme(palette().color(QPalette::Window).lightness() < 128 ? QChart::ChartThemeDark : QChart::ChartThemeLight);
        chart->setBackgroundBrush(palette().color(QPalette::Base));
        chart->setTitleBrush(palette().color(QPalette::Text));
        chart->legend()->setLabelColor(palette().color(QPalette::Text));
        Plot plot{chart, timeAxis(history), new QValueAxis};
        plot.values->setTitleText(valueTitle);
        chart->addAxis(plot.time, Qt::AlignBottom);
        chart->addAxis(plot.values, Qt::AlignLeft);
        return plot;
    }

    void HistoryView::Plot::add(QAbstractSeries *series) const
    {
        chart->addSeries(series);
        series->attachAxis(time);
        series->attachAxis(values);
    }

    QLineSeries *HistoryView::Plot::addSegment(const QString &name, bool points, QLineSeries *&first) const
    {
        // One line in the legend however many pieces it is drawn in: the later pieces take the
        // first one's colour and hide their legend entry.
        auto *segment = new QLineSeries;
        segment->setName(name);
        segment->setPointsVisible(points);
        add(segment);
        if (first)
        {
            segment->setColor(first->color());
            for (QLegendMarker *marker : chart->legend()->markers(segment))
                marker->setVisible(false);
        }
        else
        {
            first = segment;
        }
        return segment;
    }

    void HistoryView::show(QChartView *view, QChart *chart)
    {
        QChart *old = view->chart();
        view->setChart(chart);
        delete old;
    }

    QDateTimeAxis *HistoryView::timeAxis(const Health::History &history) const
    {
        auto *axis = new QDateTimeAxis;
        axis->setRange(history.since.toLocalTime(), history.until.toLocalTime());
        axis->setFormat(history.since.secsTo(history.until) > 2 * 86400 ? QStringLiteral("ddd HH:mm") : QStringLiteral("HH:mm"));
        axis->setTickCount(7);
        axis->setLabelsFont(font());
        return axis;
    }

    void HistoryView::setHistory(const Health::History &history)
    {
        drawLatency(history);
        drawBacklog(history);
        QString status = tr("%1 to %2 · %3 · %4 · %5")
                             .arg(periodEnd(history.since), periodEnd(history.until),
                                 Presentation::counted(history.syncRuns.size(), tr("replication run"), tr("replication runs")),
                                 Presentation::counted(history.repoints.size(), tr("repoint"), tr("repoints")),
                                 Presentation::counted(history.decisions.size(), tr("conflict decision"), tr("conflict decisions")))
                             .toHtmlEscaped();
        // What could not be read is said: an empty chart must not read as a quiet period.
        if (!history.notRead.isEmpty())
            status +=
                QStringLiteral("<br>") + toneSpan(Tone::Bad, palette(), tr("Not read: %1").arg(history.notRead.join(QStringLiteral("; ")).toHtmlEscaped()));
        m_status->setText(status);
    }

    void HistoryView::drawLatency(const Health::History &history)
    {
        const Plot plot = newPlot(tr("Probe latency (ms); shaded: down"), tr("ms"), history);
        QValueAxis *latency = plot.values;
        qint64 highest = 2;
        int probes = 0;
        for (const QString &server : history.servers)
        {
            for (const State::HealthSample &sample : history.samples.value(server))
            {
                if (sample.up) // a failed probe's time-to-failure is not a latency (it is shaded)
                    highest = std::max(highest, sample.latencyMs);
            }
        }
        setCountRange(latency, highest);
        for (const QString &server : history.servers)
        {
            const QList<State::HealthSample> samples = history.samples.value(server);
            probes += int(samples.size());
            // Broken at each failed probe: no slope drawn across a down period.
            QLineSeries *first = nullptr, *segment = nullptr;
            for (const State::HealthSample &sample : samples)
            {
                if (!sample.up)
                {
                    segment = nullptr;
                    continue;
                }
                if (sample.latencyMs < 0)
                    continue;
                if (!segment)
                    segment = plot.addSegment(tr("%1 latency").arg(server), samples.size() < 200, first); // a lone probe is a point
                segment->append(msOf(sample.at), qreal(sample.latencyMs));
            }

            // Each run of failed probes, from the first failure to the next answer (or now), shaded.
            QList<std::pair<QDateTime, QDateTime>> down;
            for (qsizetype i = 0; i < samples.size(); ++i)
            {
                if (samples.at(i).up)
                    continue;
                if (down.isEmpty() || down.constLast().second != samples.at(i).at)
                    down.append({samples.at(i).at, samples.at(i).at});
                down.last().second = i + 1 < samples.size() ? samples.at(i + 1).at : history.until;
            }
            if (down.isEmpty())
                continue;
            auto *upper = new QLineSeries, *lower = new QLineSeries;
            for (const auto &[from, to] : down)
            {
                // Down to zero between periods, so each period is a block of its own.
                upper->append(msOf(from), 0);
                upper->append(msOf(from), latency->max());
                upper->append(msOf(to), latency->max());
                upper->append(msOf(to), 0);
                for (int corner = 0; corner < 4; ++corner)
                    lower->append(upper->at(upper->count() - 4 + corner).x(), 0);
            }
            auto *area = new QAreaSeries(upper, lower);
            upper->setParent(area); // an area series does not own its boundary lines
            lower->setParent(area);
            area->setName(tr("%1 down").arg(server));
            QColor shade = toneColour(Tone::Bad, palette());
            shade.setAlpha(60);
            area->setColor(shade);
            area->setBorderColor(Qt::transparent);
            plot.add(area);
        }
        if (probes == 0)
            plot.chart->setTitle(tr("No probes recorded in this period: the console probes at each refresh, twintrunkctl health --watch on its schedule"));
        show(m_latencyView, plot.chart);
    }

    void HistoryView::drawBacklog(const Health::History &history)
    {
        const Plot plot = newPlot(tr("Versions one server lacks of another's, per project"), tr("versions"), history);
        QValueAxis *versions = plot.values;

        // One line per project and direction that had a backlog at some point of the period,
        // broken where a status could not measure it (a server not listed): never a slope drawn
        // across hours nobody knows about.
        QMap<QString, QMap<qint64, int>> byKey; // "trunk box2→box4" -> status time -> versions
        QList<qint64> statuses;                 // every status's time, in order
        int highest = 2;
        for (const State::BacklogSample &sample : history.backlog)
        {
            const qint64 at = sample.at.toMSecsSinceEpoch();
            if (statuses.isEmpty() || statuses.constLast() != at)
                statuses.append(at);
            byKey[QStringLiteral("%1 %2→%3").arg(sample.project, sample.from, sample.to)].insert(at, sample.versions);
            highest = std::max(highest, sample.versions);
        }
        setCountRange(versions, highest);
        int drawn = 0;
        for (auto key = byKey.cbegin(); key != byKey.cend(); ++key)
        {
            if (std::none_of(key->cbegin(), key->cend(), [](int behind) { return behind > 0; }))
                continue; // in step all along: nothing to draw
            ++drawn;
            QLineSeries *first = nullptr, *segment = nullptr;
            for (const qint64 at : std::as_const(statuses))
            {
                if (!key->contains(at))
                {
                    segment = nullptr; // not measured at this status: the line breaks
                    continue;
                }
                if (!segment)
                    segment = plot.addSegment(key.key(), true, first);
                segment->append(qreal(at), key->value(at));
            }
        }
        if (history.backlog.isEmpty())
            plot.chart->setTitle(tr("No status recorded in this period: the backlog is measured at each refresh and sync"));
        else if (drawn == 0)
            plot.chart->setTitle(tr("No backlog in this period: every server had every version another had at each status"));

        // What happened, on the same axis.
        QList<std::pair<QDateTime, QString>> runs, repoints, decisions;
        for (const Health::SyncRun &run : history.syncRuns)
            runs.append({run.start, tr("Replication %1: %2 copied, %3 failed").arg(Presentation::localTime(run.start)).arg(run.copied).arg(run.failed)});
        for (const State::JournalEntry &entry : history.repoints)
            repoints.append({entry.at, tr("Repoint %1: %2").arg(Presentation::localTime(entry.at), Health::repointWords(entry))});
        for (const State::JournalEntry &entry : history.decisions)
            decisions.append({entry.at, tr("Conflict %1/%2: %3").arg(entry.project, entry.name, entry.detail)});
        const QList<std::tuple<QString, QScatterSeries::MarkerShape, QColor, QList<std::pair<QDateTime, QString>>>> kinds{
            {tr("replication runs"), QScatterSeries::MarkerShapeCircle, palette().color(QPalette::Highlight), runs},
            {tr("repoints"), QScatterSeries::MarkerShapeRectangle, toneColour(Tone::Warning, palette()), repoints},
            {tr("conflict decisions"), QScatterSeries::MarkerShapeRectangle, toneColour(Tone::Bad, palette()), decisions}};
        for (const auto &[name, shape, colour, points] : kinds)
        {
            if (points.isEmpty())
                continue;
            QScatterSeries *series = markers(name, shape, colour, this, points);
            plot.add(series);
        }
        show(m_backlogView, plot.chart);
    }

    QStringList HistoryView::seriesNames() const
    {
        QStringList names;
        for (QChartView *view : {m_latencyView, m_backlogView})
        {
            for (const QAbstractSeries *series : view->chart()->series())
                names.append(series->name());
        }
        return names;
    }

    QString HistoryView::statusText() const
    {
        return m_status->text();
    }
}
