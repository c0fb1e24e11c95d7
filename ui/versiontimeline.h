#pragma once

#include <QList>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QWidget>

#include "presentation/verdict.h"
#include "state/statedatabase.h"

class QLabel;
class QListWidget;

namespace TwinTrunk::Ui
{
    class Request;
    class WorkspaceController;

    // One line of a version's timeline and how it reads (the pane colours by it).
    struct TimelineLine
    {
        QString text;
        Presentation::Level level = Presentation::Level::Note;
    };

    // A version's timeline from what the state database remembers of it: when each server first
    // listed it (or that a server never listed the project, so whether it has the version is not
    // known), each copy, verification and damage the journal holds with who did it (the console or
    // twintrunkctl from a shell or cron), and what is known now of each copy's bytes. What is not
    // recorded is said to be not known: it never reads as fine. `servers` in workspace order.
    QList<TimelineLine> versionTimeline(const State::VersionRecords &records, const QString &project, const QStringList &servers);

    // The details pane under the version table: the timeline of the selected version, read on the
    // workspace's worker (WorkspaceController::loadVersionRecords), never on the UI thread.
    class VersionTimeline final : public QWidget
    {
        Q_OBJECT
        Q_DISABLE_COPY_MOVE(VersionTimeline)

    public:
        explicit VersionTimeline(WorkspaceController *controller, QWidget *parent = nullptr);

        // Shows the timeline of `name` in `project`; an empty name clears the pane. A reading
        // still under way for another version is withdrawn.
        void showVersion(const QString &project, const QString &name);
        // Reads the shown version's timeline again (after a refresh or a copy).
        void reload();

        // A few lines under the caption: the pane starts small, the version table gets the room.
        QSize sizeHint() const override;

        // For tests: the version shown, and the pane's lines as shown (none while it shows the hint).
        QString versionName() const { return m_name; }
        QStringList lines() const;

    private:
        void showLines(const QList<TimelineLine> &lines);

        WorkspaceController *m_controller;
        QLabel *m_title;
        QListWidget *m_lines;
        QString m_project;
        QString m_name;
        bool m_hint = false; // the pane shows the hint (no version chosen), not a timeline
        QPointer<Request> m_loading;
    };
}
