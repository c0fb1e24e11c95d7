#include "servercard.h"

#include <algorithm>

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPainterPath>
#include <QPushButton>
#include <QTimer>
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
            // A strip, not a stretch: a taller card costs the version table rows on a small screen.
            setFixedHeight(28);
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
            // The scale of the answers: a failed probe's time-to-failure (a 10 s timeout) is a red tick, not a latency.
            qint64 highest = 1;
            for (const State::HealthSample &sample : m_samples)
            {
                if (sample.up)
                    highest = std::max(highest, sample.latencyMs);
            }
            const QRectF area = QRectF(rect()).adjusted(1, 2, -1, -2);
            // Fixed slots from the right, newest last: two probes are two ticks side by side, not
            // lines at both edges that read as the card's border.
            const qsizetype slots = std::max<qsizetype>(m_samples.size(), MinimumSlots);
            const qreal step = area.width() / qreal(slots - 1);
            QPainterPath line;
            bool drawing = false;
            for (qsizetype i = 0; i < m_samples.size(); ++i)
            {
                const State::HealthSample &sample = m_samples.at(i);
                const qreal x = area.right() - step * qreal(m_samples.size() - 1 - i);
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
        static constexpr qsizetype MinimumSlots = 40;
        QList<State::HealthSample> m_samples;
    };

    ServerCard::ServerCard(QWidget *parent)
            : QFrame(parent), m_title(new QLabel(this)), m_url(new QLabel(this)), m_stateLabel(new QLabel(this)), m_latency(new QLabel(this)),
              m_detail(new QLabel(this)), m_takeover(new QLabel(this)), m_plot(new LatencyPlot(this)), m_probe(new QPushButton(tr("Probe Now"), this)),
              m_repoint(new QPushButton(tr("Repoint Here…"), this)), m_countdown(new QTimer(this))
    {
        m_countdown->setInterval(1000);
        connect(m_countdown, &QTimer::timeout, this, &ServerCard::showDetail);
        setFrameShape(QFrame::StyledPanel);
        setMinimumWidth(240);
        setAutoFillBackground(true);
        m_url->setTextInteractionFlags(Qt::TextSelectableByMouse);
        m_detail->setWordWrap(true);
        m_detail->setObjectName(QStringLiteral("serverDetail"));
        m_takeover->setWordWrap(true);
        m_takeover->setObjectName(QStringLiteral("serverTakeover"));
        m_probe->setObjectName(QStringLiteral("probeNow"));
        m_repoint->setObjectName(QStringLiteral("repointHere"));
        m_probe->setToolTip(tr("Probe every server and list them again now"));
        m_repoint->setToolTip(tr("Make this server the primary: the repoint wizard, its checks first"));
        auto *layout = new QVBoxLayout(this);
        for (QWidget *widget : std::initializer_list<QWidget *>{m_title, m_url, m_stateLabel, m_latency, m_plot, m_detail, m_takeover})
            layout->addWidget(widget);
        auto *buttons = new QHBoxLayout;
        buttons->addWidget(m_probe);
        buttons->addWidget(m_repoint);
        buttons->addStretch();
        layout->addLayout(buttons);
        connect(m_probe, &QPushButton::clicked, this, &ServerCard::probeRequested);
        connect(m_repoint, &QPushButton::clicked, this, [this] { Q_EMIT repointRequested(m_name); });
        // The same two as a context menu.
        setContextMenuPolicy(Qt::ActionsContextMenu);
        addAction(tr("Probe Now"), this, &ServerCard::probeRequested);
        m_repointAction = addAction(tr("Repoint Here…"), this, [this] { Q_EMIT repointRequested(m_name); });
    }

    void ServerCard::setHealth(const Health::ServerHealth &health, bool reachableInStatus, const QString &statusError, const Presentation::Takeover &takeover)
    {
        m_name = health.name;
        setObjectName(QStringLiteral("serverCard-") + health.name);
        m_title->setText(QStringLiteral("<b>%1</b>%2").arg(health.name.toHtmlEscaped(), health.primary ? tr(" — primary") : QString()));
        m_url->setText(health.url);
        m_since = Presentation::localTime(health.stateSince);
        m_lastSuccess = health.lastSuccess;
        // A probe that answers while the listing fails is not "down since it came up": a state of its own.
        m_state = !health.probed ? State::Unknown : !health.up ? State::Down : reachableInStatus ? State::Up : State::ListingFails;

        // Up, down or not probed yet, and why, in the words `twintrunkctl health` prints; the raw
        // request and error in the tooltip.
        const Presentation::HealthWords words = Presentation::healthWords(health);
        m_stateWord = words.state;
        QString raw;
        m_why.clear();
        if (m_state == State::Down)
        {
            m_why = words.why;
            raw = health.error;
        }
        else if (m_state == State::ListingFails)
        {
            m_why = tr("it answers, but its listing failed");
            raw = statusError;
        }
        m_detail->setToolTip(raw);
        showDetail();

        if (m_state == State::Up)
            m_latency->setText(tr("Latency %1 ms (p50 %2, p95 %3 ms)").arg(health.latencyMs).arg(health.latency.p50).arg(health.latency.p95));
        else if (m_state == State::Unknown)
            m_latency->setText(tr("Not probed yet"));
        else
            m_latency->setText(
                health.latency.samples > 0 ? tr("Latency when it answered: p50 %1, p95 %2 ms").arg(health.latency.p50).arg(health.latency.p95) : QString());
        m_latency->setVisible(!m_latency->text().isEmpty());
        m_plot->setSamples(health.history);

        m_takeoverLevel = takeover.level;
        m_takeoverText = takeover.text;
        m_takeover->setVisible(!health.primary && !takeover.text.isEmpty());
        m_takeover->setToolTip(takeover.missing.mid(0, 30).join(u'\n'));
        m_repoint->setVisible(!health.primary);
        m_repointAction->setVisible(!health.primary);
        showState();
    }

    void ServerCard::setNextProbe(const QDateTime &at)
    {
        m_nextProbe = at;
        showDetail();
    }

    void ServerCard::showDetail()
    {
        // Ages and the countdown are worked out at each tick, never frozen at the refresh.
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QString detail = m_why;
        if (m_state == State::Down)
            detail += QStringLiteral(" · ") + Presentation::lastAnswered(m_lastSuccess, now);
        const qint64 due = m_nextProbe.isValid() ? now.secsTo(m_nextProbe) : -1;
        const bool counting = (m_state == State::Down || m_state == State::ListingFails) && due >= 0;
        if (counting)
            detail += tr(" · next probe in %1").arg(Presentation::duration(due));
        if (m_countdown->isActive() != counting)
            counting ? m_countdown->start() : m_countdown->stop();
        m_detail->setText(detail);
        m_detail->setVisible(!detail.isEmpty());
    }

    void ServerCard::showState()
    {
        const QString since = m_since.isEmpty() ? QString() : tr(" since %1").arg(m_since);
        QPalette tinted = parentWidget() ? parentWidget()->palette() : palette();
        switch (m_state)
        {
        case State::Up: m_stateLabel->setText(toneSpan(Tone::Good, tinted, QStringLiteral("●")) + QStringLiteral(" %1%2").arg(m_stateWord, since)); break;
        case State::Down:
            m_stateLabel->setText(toneSpan(Tone::Bad, tinted, QStringLiteral("●")) + QStringLiteral("<b> %1%2</b>").arg(m_stateWord, since));
            break;
        case State::ListingFails:
            m_stateLabel->setText(toneSpan(Tone::Warning, tinted, QStringLiteral("●")) + QStringLiteral("<b>%1</b>").arg(tr(" Answers, listing fails")));
            break;
        case State::Unknown: m_stateLabel->setText(toneSpan(Tone::Warning, tinted, QStringLiteral("●")) + u' ' + m_stateWord); break;
        }
        // A server that is not up stands out: its card takes a faint tint of its state's colour.
        if (m_state != State::Up)
        {
            const QColor base = tinted.color(QPalette::Window);
            const QColor tone = toneColour(m_state == State::Down ? Tone::Bad : Tone::Warning, tinted);
            tinted.setColor(QPalette::Window,
                QColor::fromRgbF(base.redF() * 0.85 + tone.redF() * 0.15, base.greenF() * 0.85 + tone.greenF() * 0.15,
                    base.blueF() * 0.85 + tone.blueF() * 0.15));
        }
        setPalette(tinted);
        switch (m_takeoverLevel)
        {
        case Presentation::Level::Good: m_takeover->setText(toneSpan(Tone::Good, tinted, QStringLiteral("✔ ")) + m_takeoverText.toHtmlEscaped()); break;
        case Presentation::Level::Bad: m_takeover->setText(toneSpan(Tone::Bad, tinted, QStringLiteral("✘ ")) + m_takeoverText.toHtmlEscaped()); break;
        default: m_takeover->setText(m_takeoverText.toHtmlEscaped()); break;
        }
    }

    void ServerCard::changeEvent(QEvent *event)
    {
        QFrame::changeEvent(event);
        if (event->type() == QEvent::PaletteChange && !m_name.isEmpty() && !m_inPaletteChange)
        {
            m_inPaletteChange = true; // showState sets the card's own palette
            showState();
            m_inPaletteChange = false;
        }
    }

    QString ServerCard::stateText() const
    {
        return m_stateLabel->text();
    }

    QString ServerCard::detailText() const
    {
        return m_detail->text();
    }

    QString ServerCard::takeoverText() const
    {
        return m_takeover->text();
    }
}
