#include "json.h"

#include "sync/copyjob.h"

namespace TwinTrunk::Presentation
{
    namespace
    {
        QJsonValue textOrNull(const QString &text)
        {
            return text.isEmpty() ? QJsonValue() : QJsonValue(text);
        }
    }

    QJsonValue timeJson(const QDateTime &at)
    {
        return at.isValid() ? QJsonValue(at.toUTC().toString(Qt::ISODate)) : QJsonValue();
    }

    QJsonObject verdictJson(const Verdict &verdict)
    {
        return QJsonObject{{QStringLiteral("level"), levelName(verdict.level)}, {QStringLiteral("headline"), verdict.headline},
            {QStringLiteral("problems"), QJsonArray::fromStringList(verdict.problems)}};
    }

    QJsonObject projectJson(const Sync::ProjectSnapshot &project, const QDateTime &now)
    {
        // With a server of the project not listed (or records not read), what any server lacks of
        // it is not known: "missing" and "lag" are null and "complete" false; what was counted among
        // the servers listed is a lower bound, given as "missingAtLeast" and "lagAtLeast". An empty
        // list is only ever "nothing missing", checked.
        const bool complete = project.unreachable.isEmpty() && project.notChecked.isEmpty();
        QJsonObject counts, missing, damaged, digests, unreachable;
        for (const QString &server : project.servers)
        {
            // A server not reached: its counts and copies are unknown (null), never an empty list.
            const bool reached = !project.unreachable.contains(server);
            counts.insert(server, reached ? QJsonValue(project.counts.value(server)) : QJsonValue());
            missing.insert(server, reached ? QJsonValue(QJsonArray::fromStringList(project.missing.value(server))) : QJsonValue());
            damaged.insert(server, reached ? QJsonValue(QJsonArray::fromStringList(project.damaged.value(server))) : QJsonValue());
            if (project.digests.contains(server))
                digests.insert(server, QString::fromLatin1(project.digests.value(server)));
            if (project.unreachable.contains(server))
                unreachable.insert(server, project.unreachable.value(server));
        }
        QJsonArray lag;
        for (const Sync::Lag &entry : project.lag)
        {
            QJsonObject item{{QStringLiteral("from"), entry.from}, {QStringLiteral("to"), entry.to}, {QStringLiteral("versions"), entry.versions}};
            if (entry.oldestSince.isValid())
            {
                item.insert(QStringLiteral("oldestSince"), timeJson(entry.oldestSince));
                item.insert(QStringLiteral("sinceFrom"), entry.sinceFromListing ? QStringLiteral("listing") : QStringLiteral("first-seen"));
                item.insert(QStringLiteral("ageSeconds"), entry.oldestSince.secsTo(now));
            }
            lag.append(item);
        }
        QJsonObject json{{QStringLiteral("name"), project.project}, {QStringLiteral("counts"), counts}, {QStringLiteral("complete"), complete},
            {QStringLiteral("conflicts"), QJsonArray::fromStringList(project.conflicts)},
            {QStringLiteral("decided"), QJsonArray::fromStringList(project.decided)},
            {QStringLiteral("regressions"), QJsonArray::fromStringList(project.regressions)},
            {QStringLiteral("unknown"), QJsonArray::fromStringList(project.unknown)}, {QStringLiteral("unreachable"), unreachable},
            {QStringLiteral("notChecked"), QJsonArray::fromStringList(project.notChecked)}, {QStringLiteral("damaged"), damaged},
            {QStringLiteral("otherBytes"), QJsonArray::fromStringList(project.otherBytes)}, {QStringLiteral("digests"), digests},
            {QStringLiteral("inSync"), project.inSync}, {QStringLiteral("verdict"), verdictJson(projectVerdict(project))}};
        if (complete)
        {
            json.insert(QStringLiteral("missing"), missing);
            json.insert(QStringLiteral("lag"), lag);
        }
        else
        {
            QJsonObject unknown;
            for (const QString &server : project.servers)
                unknown.insert(server, QJsonValue());
            json.insert(QStringLiteral("missing"), unknown);
            json.insert(QStringLiteral("lag"), QJsonValue());
            json.insert(QStringLiteral("missingAtLeast"), missing);
            json.insert(QStringLiteral("lagAtLeast"), lag);
        }
        return json;
    }

    QJsonObject statusJson(const Sync::StatusReport &report)
    {
        QJsonArray servers, projects, watches;
        for (const Sync::ServerStatus &server : report.servers)
        {
            QJsonObject object{{QStringLiteral("name"), server.name}, {QStringLiteral("url"), server.url}, {QStringLiteral("primary"), server.primary},
                {QStringLiteral("reachable"), server.reachable}, {QStringLiteral("error"), textOrNull(server.error)}};
            if (!server.primary)
            {
                // The console's server card says the same: "Ready to take over", "Not ready: ...".
                const Takeover takeover = takeoverReadiness(report, server.name);
                object.insert(QStringLiteral("takeover"),
                    QJsonObject{{QStringLiteral("level"), levelName(takeover.level)}, {QStringLiteral("text"), takeover.text},
                        // Not known (null) unless checked: an empty list would read as "nothing".
                        {QStringLiteral("onlyOnPrimary"),
                            takeover.level == Level::Unknown ? QJsonValue() : QJsonValue(QJsonArray::fromStringList(takeover.missing))}});
            }
            servers.append(object);
        }
        for (const Sync::ProjectSnapshot &project : report.projects)
            projects.append(projectJson(project, report.at));
        for (const State::LateCommitWatch &watch : report.lateCommitWatches)
        {
            watches.append(QJsonObject{{QStringLiteral("oldPrimary"), watch.oldPrimary}, {QStringLiteral("newPrimary"), watch.newPrimary},
                {QStringLiteral("until"), timeJson(watch.until)}});
        }
        return QJsonObject{{QStringLiteral("at"), timeJson(report.at)}, {QStringLiteral("servers"), servers}, {QStringLiteral("projects"), projects},
            {QStringLiteral("lateCommitWatches"), watches}, {QStringLiteral("overall"), verdictJson(overallVerdict(report))}};
    }

    QJsonObject planJson(const QList<Sync::PlanItem> &items, int jobs, const QStringList &notChecked)
    {
        const Sync::PlanSummary summary = Sync::summarize(items, jobs);
        QJsonArray list;
        for (const Sync::PlanItem &item : items)
        {
            list.append(QJsonObject{{QStringLiteral("project"), item.project}, {QStringLiteral("name"), item.name}, {QStringLiteral("source"), item.source},
                {QStringLiteral("targets"), QJsonArray::fromStringList(item.targets)}, {QStringLiteral("size"), item.size}});
        }
        return QJsonObject{{QStringLiteral("event"), QStringLiteral("plan")}, {QStringLiteral("items"), list}, {QStringLiteral("copies"), summary.copies},
            {QStringLiteral("bytes"), summary.bytes}, {QStringLiteral("estimatedSeconds"), summary.estimatedSeconds},
            {QStringLiteral("complete"), notChecked.isEmpty()}, {QStringLiteral("notChecked"), QJsonArray::fromStringList(notChecked)}};
    }

    QJsonObject copyJson(const Sync::CopyOutcome &outcome)
    {
        return QJsonObject{{QStringLiteral("event"), QStringLiteral("copy")}, {QStringLiteral("project"), outcome.project},
            {QStringLiteral("name"), outcome.name}, {QStringLiteral("source"), outcome.source}, {QStringLiteral("target"), outcome.target},
            {QStringLiteral("result"), Sync::journalResult(outcome)}, {QStringLiteral("error"), textOrNull(outcome.error)}};
    }

    QJsonObject progressJson(const Sync::SyncProgress &progress)
    {
        return QJsonObject{{QStringLiteral("event"), QStringLiteral("progress")}, {QStringLiteral("itemsDone"), progress.itemsDone},
            {QStringLiteral("itemsTotal"), progress.itemsTotal}, {QStringLiteral("bytesDone"), progress.bytesDone},
            {QStringLiteral("bytesTotal"), progress.bytesTotal}, {QStringLiteral("bytesPerSecond"), qint64(progress.bytesPerSecond)},
            {QStringLiteral("etaSeconds"), progress.etaSeconds}};
    }

    QJsonObject syncSummaryJson(const Sync::SyncResult &result, const QStringList &notChecked, int conflictsLeft)
    {
        QJsonArray failures;
        for (const Sync::CopyOutcome &failure : result.failures)
        {
            failures.append(QJsonObject{{QStringLiteral("project"), failure.project}, {QStringLiteral("name"), failure.name},
                {QStringLiteral("source"), failure.source}, {QStringLiteral("target"), failure.target}, {QStringLiteral("error"), failure.error}});
        }
        QJsonObject json{{QStringLiteral("event"), QStringLiteral("summary")}, {QStringLiteral("copied"), result.copied},
            {QStringLiteral("alreadyPresent"), result.alreadyPresent}, {QStringLiteral("failed"), result.failed}, {QStringLiteral("damaged"), result.damaged},
            {QStringLiteral("notStarted"), result.notStarted}, {QStringLiteral("interruptedSettled"), result.interruptedSettled},
            {QStringLiteral("failures"), failures}, {QStringLiteral("notChecked"), QJsonArray::fromStringList(notChecked)},
            {QStringLiteral("notes"), QJsonArray::fromStringList(result.notes)},
            // Where a server was not listed, its conflicts are not known: null, never 0.
            {QStringLiteral("conflictsLeft"), notChecked.isEmpty() ? QJsonValue(conflictsLeft) : QJsonValue()}};
        if (!notChecked.isEmpty())
            json.insert(QStringLiteral("conflictsLeftAtLeast"), conflictsLeft);
        return json;
    }

    QString findingName(Sync::ScrubFinding::Kind kind)
    {
        switch (kind)
        {
        case Sync::ScrubFinding::Kind::Sound: return QStringLiteral("sound");
        case Sync::ScrubFinding::Kind::Healed: return QStringLiteral("healed");
        case Sync::ScrubFinding::Kind::Damaged: return QStringLiteral("damaged");
        case Sync::ScrubFinding::Kind::Unreadable: return QStringLiteral("unreadable");
        }
        return QString();
    }

    QJsonObject scrubJson(const Sync::ScrubResult &result, const QDateTime &now)
    {
        QJsonArray findings, damaged, coverage;
        for (const Sync::ScrubFinding &finding : result.findings)
        {
            if (finding.kind == Sync::ScrubFinding::Kind::Sound && finding.detail.isEmpty())
                continue; // the sound ones are counted; listing thousands helps nobody
            findings.append(QJsonObject{{QStringLiteral("server"), finding.server}, {QStringLiteral("project"), finding.project},
                {QStringLiteral("name"), finding.name}, {QStringLiteral("result"), findingName(finding.kind)}, {QStringLiteral("detail"), finding.detail}});
        }
        for (const Sync::DamagedCopy &copy : result.damaged)
        {
            damaged.append(QJsonObject{{QStringLiteral("server"), copy.copy.server}, {QStringLiteral("project"), copy.copy.project},
                {QStringLiteral("name"), copy.copy.name}, {QStringLiteral("why"), copy.copy.damage}, {QStringLiteral("since"), timeJson(copy.copy.damagedAt)},
                {QStringLiteral("soundOn"), QJsonArray::fromStringList(copy.soundOn)}});
        }
        for (auto it = result.coverage.cbegin(); it != result.coverage.cend(); ++it)
        {
            const QDateTime full = it->fullyVerifiedAt();
            coverage.append(QJsonObject{{QStringLiteral("project"), it.key()}, {QStringLiteral("copies"), it->listed}, {QStringLiteral("read"), it->read},
                {QStringLiteral("fullyVerifiedAt"), timeJson(full)},
                {QStringLiteral("fullyVerifiedAgeSeconds"), full.isValid() ? QJsonValue(full.secsTo(now)) : QJsonValue()}});
        }
        return QJsonObject{{QStringLiteral("read"), result.read}, {QStringLiteral("bytesRead"), result.bytesRead}, {QStringLiteral("sound"), result.sound},
            {QStringLiteral("healed"), result.healed}, {QStringLiteral("damagedFound"), result.damagedFound}, {QStringLiteral("unreadable"), result.unreadable},
            {QStringLiteral("notRead"), result.notRead}, {QStringLiteral("findings"), findings}, {QStringLiteral("damaged"), damaged},
            {QStringLiteral("coverage"), coverage}, {QStringLiteral("otherBytes"), QJsonArray::fromStringList(result.otherBytes)},
            {QStringLiteral("clean"), result.clean()}};
    }

    QJsonObject healthJson(const Health::ServerHealth &health)
    {
        return QJsonObject{{QStringLiteral("name"), health.name}, {QStringLiteral("url"), health.url}, {QStringLiteral("primary"), health.primary},
            {QStringLiteral("probed"), health.probed},
            // The console card's words: "Up", "Down", "Not probed yet", and why it is down.
            {QStringLiteral("state"), healthWords(health).state}, {QStringLiteral("why"), textOrNull(healthWords(health).why)},
            // Not probed yet: up or down is not known.
            {QStringLiteral("up"), health.probed ? QJsonValue(health.up) : QJsonValue()},
            {QStringLiteral("latencyMs"), health.latencyMs >= 0 ? QJsonValue(health.latencyMs) : QJsonValue()},
            {QStringLiteral("p50Ms"), health.latency.p50 >= 0 ? QJsonValue(health.latency.p50) : QJsonValue()},
            {QStringLiteral("p95Ms"), health.latency.p95 >= 0 ? QJsonValue(health.latency.p95) : QJsonValue()},
            {QStringLiteral("lastSuccess"), timeJson(health.lastSuccess)}, {QStringLiteral("since"), timeJson(health.stateSince)},
            {QStringLiteral("error"), health.up ? QJsonValue() : textOrNull(health.error)},
            {QStringLiteral("errorClass"), health.up ? QJsonValue() : textOrNull(health.errorClass)}};
    }

    QJsonArray readinessJson(const QList<Health::UpdateReadiness> &list)
    {
        QJsonArray array;
        for (const Health::UpdateReadiness &readiness : list)
        {
            QJsonArray maps;
            for (const Health::MapCheck &map : readiness.maps)
            {
                maps.append(QJsonObject{{QStringLiteral("map"), map.map}, {QStringLiteral("versions"), map.versions},
                    {QStringLiteral("missing"), QJsonArray::fromStringList(map.missing)}, {QStringLiteral("error"), textOrNull(map.error)}});
            }
            array.append(QJsonObject{{QStringLiteral("project"), readiness.project}, {QStringLiteral("ready"), readiness.ready()},
                {QStringLiteral("maps"), maps}, {QStringLiteral("error"), textOrNull(readiness.error)}});
        }
        return array;
    }
}
