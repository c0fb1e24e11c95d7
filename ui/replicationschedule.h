#pragma once

#include <QDateTime>
#include <QObject>
#include <QPointer>
#include <QTimer>

namespace TwinTrunk::Ui
{
    class Request;
    class WorkspaceController;

    // The console's replication schedule (the workspace's "sync.every"): a run every interval while
    // the window is open, as `twintrunkctl sync` would do it (copies only; conflicts left to a
    // person). A run falls due while other work is under way: it waits a minute and tries again.
    // The person can pause it for the session, on a bad day.
    class ReplicationSchedule final : public QObject
    {
        Q_OBJECT
        Q_DISABLE_COPY_MOVE(ReplicationSchedule)

    public:
        ReplicationSchedule(WorkspaceController *controller, QObject *parent = nullptr);

        // 0 switches it off; another interval starts counting from now.
        void setInterval(qint64 seconds);
        qint64 interval() const { return m_interval; }
        void setPaused(bool paused);
        bool paused() const { return m_paused; }
        QDateTime nextRun() const { return m_timer.isActive() ? m_next : QDateTime(); }
        // "Replication every 15 min · last 14:05: 3 copied · next 14:20", for the status bar.
        QString describe() const;

    public Q_SLOTS:
        // What the timer does when a run falls due (tests call it instead of waiting).
        void runDue();

    Q_SIGNALS:
        void changed();

    private:
        void arm(qint64 seconds);
        void recordOutcome(const QString &outcome);
        void finishRun(const Request &run);

        WorkspaceController *m_controller;
        QTimer m_timer;
        qint64 m_interval = 0;
        bool m_paused = false;
        QPointer<Request> m_run; // a run of ours, queued or under way
        QDateTime m_next;
        QDateTime m_lastRun;
        QString m_lastOutcome;
    };
}
