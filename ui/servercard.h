#pragma once

#include <QFrame>

#include "health/health.h"

class QLabel;

namespace TwinTrunk::Ui
{
    class LatencyPlot;

    // One server at a glance: name, URL, role, up or down since when, latency with its recent
    // history, last success, and the error in words.
    class ServerCard final : public QFrame
    {
        Q_OBJECT

    public:
        explicit ServerCard(QWidget *parent = nullptr);
        void setHealth(const Health::ServerHealth &health, bool reachableInStatus, const QString &statusError);
        QString serverName() const { return m_name; }
        QString stateText() const;

    protected:
        void changeEvent(QEvent *event) override;

    private:
        void showState();

        QString m_name;
        bool m_up = false;
        QString m_since;
        QLabel *m_title;
        QLabel *m_url;
        QLabel *m_state;
        QLabel *m_latency;
        QLabel *m_detail;
        LatencyPlot *m_plot;
    };
}
