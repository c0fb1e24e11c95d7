#include "primarydownbanner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

#include "appearance.h"
#include "presentation/acrossservers.h"
#include "presentation/verdict.h"

namespace TwinTrunk::Ui
{
    PrimaryDownBanner::PrimaryDownBanner(QWidget *parent) : QFrame(parent), m_text(new QLabel(this)), m_repoint(new QPushButton(this))
    {
        setObjectName(QStringLiteral("primaryDownBanner"));
        setFrameShape(QFrame::StyledPanel);
        setAutoFillBackground(true);
        m_text->setWordWrap(true);
        m_text->setObjectName(QStringLiteral("primaryDownText"));
        m_repoint->setObjectName(QStringLiteral("primaryDownRepoint"));
        auto *layout = new QHBoxLayout(this);
        layout->addWidget(m_text, 1);
        layout->addWidget(m_repoint);
        connect(m_repoint, &QPushButton::clicked, this, [this] { Q_EMIT repointRequested(m_takeoverCandidate); });
        hide();
    }

    void PrimaryDownBanner::showRefresh(const Refresh &refresh)
    {
        const Health::ServerHealth *primary = nullptr;
        for (const Health::ServerHealth &health : refresh.health)
        {
            if (health.primary)
                primary = &health;
        }
        // Down, or answering while its listing fails: either way images cannot rely on it.
        QString listingError;
        for (const Sync::ServerStatus &server : refresh.status.servers)
        {
            if (primary && server.name == primary->name && !server.reachable)
                listingError = server.error.isEmpty() ? tr("its listing failed") : server.error;
        }
        const bool down = primary && primary->probed && !primary->up;
        const bool unlisted = primary && primary->probed && primary->up && !listingError.isEmpty();
        setVisible(down || unlisted);
        if (!down && !unlisted)
            return;
        // The candidate: the server best placed to take over (the rule the tray and the wizard follow too).
        const Presentation::TakeoverChoice best = Presentation::bestTakeover(refresh.status, refresh.health);
        m_takeoverCandidate = best.server;
        const QString why = best.takeover.text;
        const QString since = primary->stateSince.isValid() ? tr(" since %1").arg(Presentation::localTime(primary->stateSince)) : QString();
        QString text = down ? tr("<b>%1, the primary, is down%2</b> (%3): images cannot update or commit through it.")
                                  .arg(primary->name.toHtmlEscaped(), since, Presentation::errorWords(primary->errorClass).toHtmlEscaped())
                            : tr("<b>%1, the primary, answers but cannot be listed</b> (%2): images may fail to update or commit through it.")
                                  .arg(primary->name.toHtmlEscaped(), listingError.toHtmlEscaped());
        // A candidate whose probe answers while its listing fails is not "answering" in full:
        // said as such, never "box4 answers. Not ready: box4 is unreachable."
        QString candidateListingError;
        for (const Sync::ServerStatus &server : refresh.status.servers)
        {
            if (server.name == m_takeoverCandidate && !server.reachable)
                candidateListingError = server.error.isEmpty() ? tr("its listing failed") : server.error;
        }
        if (m_takeoverCandidate.isEmpty())
            text += tr(" No other server answers either.");
        else if (!candidateListingError.isEmpty())
            text +=
                tr(" %1 answers its probe, but cannot be listed either (%2).").arg(m_takeoverCandidate.toHtmlEscaped(), candidateListingError.toHtmlEscaped());
        else
            text += tr(" %1 answers. %2.").arg(m_takeoverCandidate.toHtmlEscaped(), why.toHtmlEscaped());
        m_text->setText(text);
        m_repoint->setVisible(!m_takeoverCandidate.isEmpty());
        m_repoint->setText(tr("Repoint to %1…").arg(m_takeoverCandidate));
        QPalette tinted = palette();
        tinted.setColor(QPalette::Window, toneColour(Tone::Bad, palette()).lighter(palette().color(QPalette::Window).lightness() > 128 ? 180 : 60));
        setPalette(tinted);
    }
}
