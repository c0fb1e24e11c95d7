#include "health.h"

#include "util/logging.h"

#include <algorithm>

#include <QElapsedTimer>

namespace TwinTrunk::Health
{
    QString errorClass(Error::Kind kind)
    {
        switch (kind)
        {
        case Error::Kind::Dns: return QStringLiteral("dns");
        case Error::Kind::Refused: return QStringLiteral("refused");
        case Error::Kind::Tls: return QStringLiteral("tls");
        case Error::Kind::Timeout: return QStringLiteral("timeout");
        case Error::Kind::Unauthorized:
        case Error::Kind::Forbidden: return QStringLiteral("auth");
        case Error::Kind::ServerError: return QStringLiteral("server");
        case Error::Kind::NotFound: return QStringLiteral("missing");
        case Error::Kind::HttpError:
        case Error::Kind::Truncated: return QStringLiteral("http");
        case Error::Kind::Io: return QStringLiteral("io");
        default: return QStringLiteral("other");
        }
    }

    qint64 nextProbeDelaySeconds(const HealthConfig &config, int consecutiveFailures)
    {
        if (consecutiveFailures <= 0)
            return config.intervalSeconds;
        // The first retry comes soon (a blip), then the waits double: 1/8, 1/4, 1/2, 1, 2, ... intervals.
        qint64 delay = std::max<qint64>(1, config.intervalSeconds / 8);
        for (int i = 1; i < consecutiveFailures && delay < config.maxBackoffSeconds; ++i)
            delay *= 2;
        return std::min(delay, config.maxBackoffSeconds);
    }

    LatencyStats latencyStats(const QList<State::HealthSample> &samples)
    {
        QList<qint64> latencies;
        for (const State::HealthSample &sample : samples)
        {
            if (sample.up && sample.latencyMs >= 0)
                latencies.append(sample.latencyMs);
        }
        LatencyStats stats;
        stats.samples = int(latencies.size());
        if (latencies.isEmpty())
            return stats;
        std::sort(latencies.begin(), latencies.end());
        auto rank = [&latencies](int percent) {
            const qsizetype index = (percent * latencies.size() + 99) / 100 - 1; // nearest rank
            return latencies.at(std::clamp<qsizetype>(index, 0, latencies.size() - 1));
        };
        stats.p50 = rank(50);
        stats.p95 = rank(95);
        return stats;
    }

    HealthMonitor::HealthMonitor(const Workspace &workspace, State::StateDatabase &state, QObject *parent)
            : QObject(parent), m_workspace(workspace), m_state(state)
    {
        Repository::RepositoryOptions options;
        options.retries = 0; // the monitor's own schedule retries, and a probe must say what one try saw
        options.idleTimeoutMs = 10000;
        options.listingTimeoutMs = 20000;
        for (const ServerConfig &server : workspace.servers())
        {
            m_repositories.insert(server.name,
                std::shared_ptr<Repository::Repository>(Repository::Repository::create(server.name, server.url, workspace.credentialsFor(server), options)));
            ServerHealth health;
            health.name = server.name;
            health.url = server.url.toDisplayString(QUrl::RemoveUserInfo);
            health.primary = server.primary;
            if (Result<QList<State::HealthSample>> samples = m_state.healthSamples(server.name, HistorySamples); samples)
            {
                health.history = samples.value();
                health.latency = latencyStats(health.history);
                // A run continues the back-off where the last one left it (the console probes
                // through a new monitor on each refresh).
                for (auto sample = health.history.crbegin(); sample != health.history.crend() && !sample->up; ++sample)
                    ++health.consecutiveFailures;
            }
            if (Result<State::HealthHistory> history = m_state.healthHistory(server.name); history)
            {
                health.lastSuccess = history->lastSuccess;
                health.stateSince = history->stateSince;
            }
            m_health.insert(server.name, health);
        }
    }

    HealthMonitor::~HealthMonitor()
    {
        stop();
    }

    Task<QList<ServerHealth>> HealthMonitor::probeAll()
    {
        std::vector<std::function<Task<void>()>> tasks;
        for (const ServerConfig &server : m_workspace.servers())
            tasks.push_back([this, name = server.name] { return probeOnce(name); });
        const int all = int(tasks.size());
        co_await runBounded(std::move(tasks), all);
        co_return current();
    }

    Task<void> HealthMonitor::probeOnce(QString server)
    {
        auto probeIt = [this, server](std::function<void()> done) { probe(server, std::move(done)); };
        co_await whenCalled(probeIt);
    }

    void HealthMonitor::start()
    {
        m_running = true;
        for (const ServerConfig &server : m_workspace.servers())
            probe(server.name, [this, name = server.name] { schedule(name); });
    }

    void HealthMonitor::stop()
    {
        m_running = false;
        qDeleteAll(m_timers);
        m_timers.clear();
    }

    void HealthMonitor::schedule(const QString &server)
    {
        if (!m_running)
            return;
        QTimer *timer = m_timers.value(server);
        if (!timer)
        {
            timer = new QTimer(this);
            timer->setSingleShot(true);
            connect(timer, &QTimer::timeout, this, [this, server] { probe(server, [this, server] { schedule(server); }); });
            m_timers.insert(server, timer);
        }
        timer->start(std::chrono::seconds(nextProbeDelaySeconds(m_workspace.health(), m_health.value(server).consecutiveFailures)));
    }

    QList<ServerHealth> HealthMonitor::current() const
    {
        QList<ServerHealth> result;
        for (const ServerConfig &server : m_workspace.servers())
            result.append(m_health.value(server.name));
        return result;
    }

    void HealthMonitor::probe(const QString &server, std::function<void()> done)
    {
        auto clock = std::make_shared<QElapsedTimer>();
        clock->start();
        Repository::ResultReply<Repository::PingResult> *reply = m_repositories.value(server)->ping(m_workspace.projects().constFirst());
        connect(reply, &Repository::Reply::finished, this, [this, server, reply, clock, done = std::move(done)] {
            reply->deleteLater();
            if (reply->failed() && reply->error().kind == Error::Kind::Cancelled)
                return done(); // the monitor is stopping: this probe says nothing about the server
            State::HealthSample sample{server, QDateTime::currentDateTimeUtc(), !reply->failed(), -1, 0, QString(), QString()};
            if (reply->failed())
            {
                sample.error = reply->error().toString();
                sample.errorClass = errorClass(reply->error().kind);
            }
            else
            {
                sample.latencyMs = clock->elapsed();
                sample.httpStatus = reply->result().httpStatus;
            }

            qCDebug(Log::health).noquote() << server << (sample.up ? "up" : "down") << sample.latencyMs << "ms" << sample.error;
            ServerHealth &health = m_health[server];
            if (!health.probed || health.up != sample.up)
                health.stateSince = sample.at;
            // A run's first probe may continue the state the database remembers.
            if (!health.probed && !health.history.isEmpty() && health.history.constLast().up == sample.up)
            {
                if (Result<State::HealthHistory> history = m_state.healthHistory(server); history && history->stateSince.isValid())
                    health.stateSince = history->stateSince;
            }
            health.probed = true;
            health.up = sample.up;
            health.latencyMs = sample.latencyMs;
            health.httpStatus = sample.httpStatus;
            health.error = sample.error;
            health.errorClass = sample.errorClass;
            health.probedAt = sample.at;
            health.consecutiveFailures = sample.up ? 0 : health.consecutiveFailures + 1;
            if (sample.up)
                health.lastSuccess = sample.at;
            health.history.append(sample);
            while (health.history.size() > HistorySamples)
                health.history.removeFirst();
            health.latency = latencyStats(health.history);
            // A sample that cannot be kept costs the plot a point, never the probe its result.
            Result<void> recorded = m_state.recordHealthSample(sample);
            health.stateWarning = recorded ? QString() : recorded.error().toString();
            Q_EMIT probed(health);
            done();
        });
    }
}
