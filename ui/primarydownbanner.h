#pragma once

#include <QFrame>

#include "workspacecontroller.h"

class QLabel;
class QPushButton;

namespace TwinTrunk::Ui
{
    // Shown while the primary is down, or answers but cannot be listed: what that means for
    // images, and the server best placed to take over (Presentation::bestTakeover: ready first,
    // then the one lacking the fewest versions) with a button for the repoint wizard on it. Hidden
    // otherwise.
    class PrimaryDownBanner final : public QFrame
    {
        Q_OBJECT

    public:
        explicit PrimaryDownBanner(QWidget *parent = nullptr);
        void showRefresh(const Refresh &refresh);

    Q_SIGNALS:
        void repointRequested(const QString &server);

    private:
        QLabel *m_text;
        QPushButton *m_repoint;
        QString m_takeoverCandidate; // the server the button repoints to
    };
}
