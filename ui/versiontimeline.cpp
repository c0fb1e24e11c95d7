#include "versiontimeline.h"

#include <QLabel>
#include <QListWidget>
#include <QVBoxLayout>

#include "appearance.h"
#include "request.h"
#include "workspacecontroller.h"

namespace TwinTrunk::Ui
{
    namespace
    {
        using Presentation::Level;

        QString when(const QDateTime &at)
        {
            return at.isValid() ? Presentation::localTime(at) : VersionTimeline::tr("at a time not known");
        }

        QString bytes(qint64 size, const QByteArray &sha256)
        {
            return VersionTimeline::tr("%1 bytes, SHA-256 %2").arg(size).arg(QString::fromLatin1(sha256));
        }

        // Who did it, from the journal's "user@host (program)" (State::currentActor): the console,
        // or twintrunkctl and its command (run by a person in a shell or by cron: the journal
        // cannot tell those two apart, so neither is claimed).
        QString byWhom(const State::JournalEntry &entry)
        {
            const qsizetype open = entry.who.lastIndexOf(QStringLiteral(" ("));
            if (open < 0 || !entry.who.endsWith(u')'))
                return entry.who.isEmpty() ? VersionTimeline::tr("someone not known") : entry.who;
            const QString person = entry.who.left(open);
            const QString program = entry.who.mid(open + 2).chopped(1);
            // A copy is made by a replication: Replicate in the console, `sync` on the command line.
            const bool copy = entry.operation == u"copy";
            if (program == u"twintrunk")
                return copy ? VersionTimeline::tr("the console's Replicate (%1)").arg(person) : VersionTimeline::tr("the console (%1)").arg(person);
            if (program == u"twintrunkctl")
            {
                const QString command = copy ? QStringLiteral("sync") : entry.operation.section(u'-', 0, 0);
                return VersionTimeline::tr("twintrunkctl %1 from a shell or cron (%2)").arg(command, person);
            }
            return entry.who;
        }

        TimelineLine fromJournal(const State::JournalEntry &entry)
        {
            const QString at = when(entry.at), by = byWhom(entry);
            const QString detail = entry.detail.isEmpty() ? QString() : QStringLiteral(": ") + entry.detail;
            if (entry.operation == u"copy")
            {
                if (entry.result == u"copied" || entry.result == u"ok")
                {
                    // The detail of a copy made says how it was verified: its bytes read back whole.
                    const QString how = entry.detail.isEmpty() ? VersionTimeline::tr(": how it was verified is not recorded") : detail;
                    return {VersionTimeline::tr("%1 copied from %2 to %3 by %4%5").arg(at, entry.source, entry.target, by, how),
                        entry.detail.isEmpty() ? Level::Unknown : Level::Good};
                }
                if (entry.result == u"already-present")
                    return {VersionTimeline::tr("%1 found already on %2 when %4 would copy it from %3%5").arg(at, entry.target, entry.source, by, detail),
                        Level::Note};
                return {VersionTimeline::tr("%1 copy from %2 to %3 %4 (%5)%6").arg(at, entry.source, entry.target, entry.result, by, detail), Level::Bad};
            }
            if (entry.operation == u"verify")
            {
                const bool damaged = entry.result == u"damaged";
                return {VersionTimeline::tr("%1 the copy on %2 read whole: %3 (%4)%5").arg(at, entry.target, entry.result, by, detail),
                    damaged ? Level::Bad : Level::Good};
            }
            const bool failed = entry.result == u"failed" || entry.result == u"damaged";
            const QString where = entry.target.isEmpty() ? entry.source : entry.target;
            return {VersionTimeline::tr("%1 %2 %3%4 (%5)%6")
                        .arg(at, entry.operation, entry.result, where.isEmpty() ? QString() : VersionTimeline::tr(" on %1").arg(where), by, detail),
                failed ? Level::Bad : Level::Note};
        }

        Tone toneOf(Level level)
        {
            if (level == Level::Good)
                return Tone::Good;
            return level == Level::Bad ? Tone::Bad : Tone::Warning;
        }
    }

    QList<TimelineLine> versionTimeline(const State::VersionRecords &records, const QString &project, const QStringList &servers)
    {
        QList<TimelineLine> lines;
        // Where it appeared: the first listing that had it, per server.
        for (const QString &server : servers)
        {
            if (records.listed.contains(server))
            {
                const State::StoredEntry &entry = records.listed.value(server);
                if (entry.present)
                    lines.append({VersionTimeline::tr("%1: first listed %2").arg(server, when(entry.firstSeen)), Level::Note});
                else
                    lines.append(
                        {VersionTimeline::tr("%1: first listed %2, no longer listed after %3").arg(server, when(entry.firstSeen), when(entry.lastSeen)),
                            Level::Bad});
            }
            else if (records.projectListedAt.contains(server))
            {
                lines.append(
                    {VersionTimeline::tr("%1: not in its listing of %2 (last listed %3)").arg(server, project, when(records.projectListedAt.value(server))),
                        Level::Warning});
            }
            else
            {
                lines.append({VersionTimeline::tr("%1: not known: %2 was never listed on %1").arg(server, project), Level::Unknown});
            }
        }
        // What was done to it, oldest first.
        bool copied = false;
        for (const State::JournalEntry &entry : records.journal)
        {
            copied = copied || entry.operation == u"copy";
            lines.append(fromJournal(entry));
        }
        if (!copied)
            lines.append({VersionTimeline::tr("No copy of it in the journal: how it reached each server is not known"), Level::Note});
        // What is known of each copy's bytes now.
        for (const QString &server : servers)
        {
            if (!records.listed.contains(server) || !records.listed.value(server).present)
                continue;
            if (!records.copies.contains(server))
            {
                lines.append({VersionTimeline::tr("%1: its bytes: not known (never read whole)").arg(server), Level::Unknown});
                continue;
            }
            const State::CopyRecord &copy = records.copies.value(server);
            if (copy.isDamaged())
                lines.append({VersionTimeline::tr("%1: damaged since %2: %3").arg(server, when(copy.damagedAt), copy.damage), Level::Bad});
            else if (copy.hasDigest() && copy.readAt.isValid())
                lines.append(
                    {VersionTimeline::tr("%1: read whole and sound %2 (%3)").arg(server, when(copy.readAt), bytes(copy.size, copy.sha256)), Level::Good});
            else
                lines.append({VersionTimeline::tr("%1: its bytes: not known (never read whole)").arg(server), Level::Unknown});
        }
        return lines;
    }

    VersionTimeline::VersionTimeline(WorkspaceController *controller, QWidget *parent)
            : QWidget(parent), m_controller(controller), m_title(new QLabel(this)), m_lines(new QListWidget(this))
    {
        auto *layout = new QVBoxLayout(this);
        layout->setContentsMargins(0, 0, 0, 0);
        m_title->setObjectName(QStringLiteral("timelineTitle"));
        m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
        m_lines->setObjectName(QStringLiteral("timelineLines"));
        m_lines->setWordWrap(true);
        m_lines->setSelectionMode(QAbstractItemView::NoSelection);
        layout->addWidget(m_title);
        layout->addWidget(m_lines, 1);
        // A scroll area's own minimum (its scroll bar's arrows) would keep ~80 px: two lines do.
        m_lines->setMinimumHeight(2 * fontMetrics().lineSpacing() + 2 * m_lines->frameWidth() + 4);
        m_title->setVisible(false); // until a version is chosen: the hint is in the pane itself
        showVersion(QString(), QString());
        // A copy or a refresh may change what is known: the pane follows.
        connect(m_controller, &WorkspaceController::refreshed, this, &VersionTimeline::reload);
        connect(m_controller, &WorkspaceController::workspaceClosing, this, [this] { showVersion(QString(), QString()); });
    }

    QSize VersionTimeline::sizeHint() const
    {
        // Three lines: the hint alone, or a version's title and its first two lines.
        return QSize(QWidget::sizeHint().width(), 3 * (fontMetrics().lineSpacing() + 2) + 2 * m_lines->frameWidth());
    }

    void VersionTimeline::showVersion(const QString &project, const QString &name)
    {
        const bool same = project == m_project && name == m_name;
        m_project = project;
        m_name = name;
        if (name.isEmpty())
        {
            m_controller->cancel(m_loading);
            m_title->clear();
            m_title->setVisible(false);
            m_lines->clear();
            // The hint in the pane, not a caption over it: no line of the height is spent on it.
            auto *hint = new QListWidgetItem(tr("Select a version to see when it reached each server, who copied it and how it was verified."), m_lines);
            hint->setFlags(Qt::NoItemFlags); // drawn as disabled text, in light and dark
            m_hint = true;
            return;
        }
        m_title->setText(tr("Timeline of %1").arg(name));
        m_title->setVisible(true);
        if (!same || m_hint)
            m_lines->clear(); // never another version's lines under this title
        m_hint = false;
        reload();
    }

    void VersionTimeline::reload()
    {
        if (m_name.isEmpty())
            return;
        m_controller->cancel(m_loading); // an answer for the version shown before would arrive for nothing
        Request *loading = m_controller->loadVersionRecords(m_project, m_name);
        m_loading = loading;
        const QString project = m_project, name = m_name;
        connect(loading, &Request::finished, this, [this, loading, project, name] {
            if (project != m_project || name != m_name || loading->outcome() == Request::Outcome::Cancelled)
                return;
            if (!loading->succeeded())
                return showLines({{tr("Not known: the timeline could not be read: %1").arg(loading->errorMessage()), Level::Unknown}});
            showLines(versionTimeline(loading->value<State::VersionRecords>(), project, m_controller->servers()));
        });
    }

    void VersionTimeline::showLines(const QList<TimelineLine> &lines)
    {
        m_lines->clear();
        for (const TimelineLine &line : lines)
        {
            auto *item = new QListWidgetItem(line.text, m_lines);
            item->setToolTip(line.text);
            if (line.level != Level::Note)
                item->setForeground(toneColour(toneOf(line.level), palette()));
        }
    }

    QStringList VersionTimeline::lines() const
    {
        QStringList result;
        for (int row = 0; row < (m_hint ? 0 : m_lines->count()); ++row)
            result.append(m_lines->item(row)->text());
        return result;
    }
}
