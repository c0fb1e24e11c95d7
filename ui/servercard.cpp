#include "servercard.h"

#include <QEvent>
#include <QLabel>
#include <QLocale>
#include <QPainter>
#include <QPainterPath>
#include <QVBoxLayout>

#include "appearance.h"

namespace TwinTrunk::Ui
{
    // The recent probes as a line: answered ones by latency, failed ones as red ticks.
    class LatencyPlot final : public QWidget
    {
    public:
        explicit LatencyPlot(QWidget *parent) : QWidget(parent)
        {
            setMinimumHeight(28);
            setToolTip(tr("Latency of the recent probes; red marks a probe that failed"));
        }

        void setSamples(const QList<State::HealthSample> &samples)
        {
            m_samples = samples;
            update();
        }

    protected:
        void paintEvent(QPaintEvent *) override
        {
            if (m_samples.isEmpty())
                return;
            QPainter painter(this);
            painter.setRenderHint(QPainter::Antialiasing);
            qint64 highest = 1;
            for (const State::HealthSample &sample : m_samples)
                highest = std::max(highest, sample.latencyMs);
            const QRectF area = QRectF(rect()).adjusted(1, 2, -1, -2);
            const qreal step = m_samples.size() > 1 ? area.width() / qreal(m_samples.size() - 1) : 0;
            QPainterPath line;
            bool drawing = false;
            for (qsizetype i = 0; i < m_samples.size(); ++i)
            {
                const State::HealthSample &sample = m_samples.at(i);
                const qreal x = area.left() + step * qreal(i);
                if (!sample.up)
                {
                    painter.setPen(QPen(toneColour(Tone::Bad, palette()), 2));
                    painter.drawLine(QPointF(x, area.top()), QPointF(x, area.bottom()));
                    drawing = false;
                    continue;
                }
                const QPointF point(x, area.bottom() - area.height() * qreal(sample.latencyMs) / qreal(highest));
                if (drawing)
                    line.lineTo(point);
                else
                    line.moveTo(point);
                drawing = true;
            }
            painter.setPen(QPen(palette().color(QPalette::Highlight), 1.5));
            painter.drawPath(line);
        }

    private:
        QList<State::HealthSample> m_samples;
    };

    ServerCard::ServerCard(QWidget *parent)
            : QFrame(parent), m_title(new QLabel(this)), m_url(new QLabel(this)), m_state(new QLabel(this)), m_latency(new QLabel(this)),
              m_detail(new QLabel(this)), m_plot(new LatencyPlot(this))
    {
        setFrameShape(QFrame::StyledPanel);
        setMinimumWidth(240);
        m_url->setTextInteractionFlags(Qt::TextSelectableByMouse);
        m_detail->setWordWrap(true);
        auto *layout = new QVBoxLayout(this);
        for (QWidget *widget : std::initializer_list<QWidget *>{m_title, m_url, m_state, m_latency, m_plot, m_detail})
            layout->addWidget(widget);
    }

    void ServerCard::setHealth(const Health::ServerHealth &health, bool reachableInStatus, const QString &statusError)
    {
        m_name = health.name;
        setObjectName(QStringLiteral("serverCard-") + health.name);
        m_title->setText(QStringLiteral("<b>%1</b>%2").arg(health.name.toHtmlEscaped(), health.primary ? tr(" — primary") : QString()));
        m_url->setText(health.url);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const QString since = health.stateSince.isValid() ? QLocale().toString(health.stateSince.toLocalTime(), QLocale::ShortFormat) : QString();
        const bool up = health.up && reachableInStatus;
        m_up = up;
        m_since = since;
        showState();
        m_latency->setText(health.latency.samples > 0
                ? tr("Latency %1 ms (p50 %2, p95 %3 ms)").arg(health.latencyMs).arg(health.latency.p50).arg(health.latency.p95)
                : tr("No answer yet"));
        QString detail;
        if (!health.up)
            detail = tr("%1: %2").arg(health.errorClass, health.error);
        else if (!reachableInStatus)
            detail = statusError;
        if (health.lastSuccess.isValid() && !up)
            detail += tr("\nLast success %1 s ago").arg(health.lastSuccess.secsTo(now));
        m_detail->setText(detail);
        m_detail->setVisible(!detail.isEmpty());
        m_plot->setSamples(health.history);
    }

    void ServerCard::showState()
    {
        const QString since = m_since.isEmpty() ? QString() : tr(" since %1").arg(m_since);
        m_state->setText(m_up ? toneSpan(Tone::Good, palette(), QStringLiteral("●")) + tr(" Up%1").arg(since)
                              : toneSpan(Tone::Bad, palette(), QStringLiteral("●")) + tr(" Down%1").arg(since));
    }

    void ServerCard::changeEvent(QEvent *event)
    {
        QFrame::changeEvent(event);
        if (event->type() == QEvent::PaletteChange && !m_name.isEmpty())
            showState(); // the dot's colour suits the palette
    }

    QString ServerCard::stateText() const
    {
        return m_state->text();
    }
}
