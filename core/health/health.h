#pragma once

#include <memory>

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QObject>
#include <QString>
#include <QTimer>

#include "repository/repository.h"
#include "state/statedatabase.h"
#include "util/task.h"
#include "workspace/workspace.h"

namespace TwinTrunk::Health
{
    // "dns", "refused", "tls", "timeout", "auth", "server" (5xx), "http" (another status),
    // "missing" (404), "io", "other": what kind of trouble, in words an admin acts on.
    QString errorClass(Error::Kind kind);

    // The wait before the next probe of a server after `consecutiveFailures` failed probes in a
    // row: the interval while it is up, then doubling up to the maximum while it is down.
    qint64 nextProbeDelaySeconds(const HealthConfig &config, int consecutiveFailures);

    struct LatencyStats
    {
        qint64 p50 = -1;
        qint64 p95 = -1;
        int samples = 0;
    };
    // Percentiles (nearest rank) of the answered probes among `samples`.
    LatencyStats latencyStats(const QList<State::HealthSample> &samples);

    struct ServerHealth
    {
        QString name;
        QString url;
        bool primary = false;
        bool probed = false; // false: not probed yet in this run
        bool up = false;
        qint64 latencyMs = -1; // of the latest probe
        int httpStatus = 0;
        QString error; // of the latest probe, when down
        QString errorClass;
        QDateTime probedAt;
        QDateTime lastSuccess; // across runs (state database)
        QDateTime stateSince;  // up (or down) since
        LatencyStats latency;  // over the recent history
        int consecutiveFailures = 0;
        QString stateWarning;               // the probe could not be kept in the state database
        QList<State::HealthSample> history; // recent samples, oldest first (for plots)
    };

    // Probes each server of a workspace: the start of the first project's listing, timed, with no
    // retries of its own (a down server is probed again later, less and less often). Every probe is
    // kept as a health sample in the state database. Used from the thread that created it.
    class HealthMonitor final : public QObject
    {
        Q_OBJECT

    public:
        static constexpr int HistorySamples = 120;

        HealthMonitor(const Workspace &workspace, State::StateDatabase &state, QObject *parent = nullptr);
        ~HealthMonitor() override;

        // Probes every server once, all at once, and returns their health.
        Task<QList<ServerHealth>> probeAll();
        // Probes each server on its own schedule (interval, back-off while down) until stop().
        void start();
        void stop();
        // The latest health of every server, in workspace order.
        QList<ServerHealth> current() const;

    Q_SIGNALS:
        void probed(const TwinTrunk::Health::ServerHealth &health);

    private:
        void probe(const QString &server, std::function<void()> done);
        Task<void> probeOnce(QString server);
        void schedule(const QString &server);

        Workspace m_workspace;
        State::StateDatabase &m_state;
        QHash<QString, ServerHealth> m_health;
        QHash<QString, QTimer *> m_timers;
        bool m_running = false;
        // Last, so destroyed first: a probe still under way is cancelled while m_health still exists.
        QHash<QString, std::shared_ptr<Repository::Repository>> m_repositories;
    };
}
