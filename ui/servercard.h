#pragma once

#include <QDateTime>
#include <QFrame>

#include "health/health.h"
#include "presentation/verdict.h"

class QAction;
class QLabel;
class QPushButton;
class QTimer;

namespace TwinTrunk::Ui
{
    class LatencyPlot;

    // One server at a glance: name, URL, role; up, down or not probed yet, since when and why in
    // words (the raw error in the tooltip), with a tint when it is not up; latency with its recent
    // history; for a server that is not the primary, whether it could take over now.
    class ServerCard final : public QFrame
    {
        Q_OBJECT

    public:
        explicit ServerCard(QWidget *parent = nullptr);
        // `reachableInStatus`: the last refresh's listing reached it (a probe alone can pass while
        // listing fails); `takeover`: for a server that is not the primary.
        void setHealth(const Health::ServerHealth &health, bool reachableInStatus, const QString &statusError, const Presentation::Takeover &takeover);
        // When the console probes again (a down server's card counts down to it).
        void setNextProbe(const QDateTime &at);
        QString serverName() const { return m_name; }
        QString stateText() const;
        QString detailText() const;
        QString takeoverText() const;

    Q_SIGNALS:
        void probeRequested();
        void repointRequested(const QString &server);

    protected:
        void changeEvent(QEvent *event) override;

    private:
        enum class State
        {
            Unknown, // not probed yet
            Up,
            Down,         // the probe failed
            ListingFails, // the probe answers, the listing does not: not checked
        };
        void showState();
        void showDetail();

        QString m_name;
        State m_state = State::Unknown;
        QString m_since;
        QString m_stateWord; // "Up", "Down", "Not probed yet" (Presentation::healthWords)
        QString m_why;       // why it is down, in words
        QDateTime m_nextProbe;
        QDateTime m_lastSuccess;
        bool m_inPaletteChange = false;
        Presentation::Level m_takeoverLevel = Presentation::Level::Unknown;
        QString m_takeoverText;
        QLabel *m_title;
        QLabel *m_url;
        QLabel *m_stateLabel;
        QLabel *m_latency;
        QLabel *m_detail;
        QLabel *m_takeover;
        LatencyPlot *m_plot;
        QPushButton *m_probe;
        QPushButton *m_repoint;
        QTimer *m_countdown; // ticks while it is down and a probe is due
        QAction *m_repointAction = nullptr;
    };
}
