#include "replicationschedule.h"

#include "presentation/verdict.h"
#include "workspacecontroller.h"

namespace TwinTrunk::Ui
{
    namespace
    {
        QString everyText(qint64 seconds)
        {
            if (seconds % 3600 == 0)
                return QObject::tr("%n h", nullptr, int(seconds / 3600));
            if (seconds % 60 == 0)
                return QObject::tr("%n min", nullptr, int(seconds / 60));
            return QObject::tr("%n s", nullptr, int(seconds));
        }
    }

    ReplicationSchedule::ReplicationSchedule(WorkspaceController *controller, QObject *parent) : QObject(parent), m_controller(controller)
    {
        m_timer.setSingleShot(true);
        connect(&m_timer, &QTimer::timeout, this, &ReplicationSchedule::runDue);
        // Any run's outcome is the last one, whether the schedule or the person started it.
        connect(controller, &WorkspaceController::syncFinished, this,
            [this](const Sync::SyncResult &result) { recordOutcome(Presentation::syncOutcome(result)); });
    }

    void ReplicationSchedule::setInterval(qint64 seconds)
    {
        m_interval = std::max<qint64>(seconds, 0);
        if (m_interval == 0)
            m_timer.stop();
        else if (!m_paused && !m_run)
            arm(m_interval);
        Q_EMIT changed();
    }

    void ReplicationSchedule::setPaused(bool paused)
    {
        m_paused = paused;
        if (paused)
            m_timer.stop();
        else if (m_interval > 0 && !m_run)
            arm(m_interval);
        Q_EMIT changed();
    }

    void ReplicationSchedule::runDue()
    {
        if (m_interval == 0 || m_paused || m_run)
            return;
        m_timer.stop();
        // Queued behind whatever the worker does now (a refresh, a verification): it runs after.
        m_run = m_controller->runScheduledSync();
        connect(m_run, &Request::started, this, &ReplicationSchedule::changed);
        connect(m_run, &Request::finished, this, [this, run = m_run] { finishRun(*run); });
        Q_EMIT changed();
    }

    void ReplicationSchedule::finishRun(const Request &run)
    {
        m_run.clear();
        // A success was recorded by syncFinished (as any run's is); a run that never copied says why.
        if (!run.succeeded())
            recordOutcome(tr("not run: %1").arg(run.errorMessage()));
        else if (m_interval > 0 && !m_paused)
            arm(m_interval);
        Q_EMIT changed();
    }

    void ReplicationSchedule::recordOutcome(const QString &outcome)
    {
        m_lastRun = QDateTime::currentDateTimeUtc();
        m_lastOutcome = outcome;
        if (!m_run && m_interval > 0 && !m_paused)
            arm(m_interval); // the next run counts from the last one, whoever started it
        Q_EMIT changed();
    }

    void ReplicationSchedule::arm(qint64 seconds)
    {
        m_next = QDateTime::currentDateTimeUtc().addSecs(seconds);
        m_timer.start(std::chrono::seconds(seconds));
    }

    QString ReplicationSchedule::describe() const
    {
        QString text = m_interval == 0 ? tr("Replication when asked")
            : m_paused                 ? tr("Replication every %1, paused").arg(everyText(m_interval))
                                       : tr("Replication every %1").arg(everyText(m_interval));
        if (m_lastRun.isValid())
            text += tr(" · last %1: %2").arg(Presentation::localTime(m_lastRun), m_lastOutcome);
        if (m_run)
            text += m_run->isRunning() ? tr(" · running") : tr(" · waiting to run");
        else if (nextRun().isValid())
            text += tr(" · next %1").arg(Presentation::localTime(m_next));
        return text;
    }
}
