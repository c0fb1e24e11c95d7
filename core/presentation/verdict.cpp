#include "verdict.h"

#include <QCoreApplication>

#include "sync/copyjob.h"
#include "sync/syncengine.h"

#include <algorithm>

namespace TwinTrunk::Presentation
{
    namespace
    {
        // Most urgent first: what is not known, then what needs a person, then what a copy settles.
        int urgency(Level level)
        {
            switch (level)
            {
            case Level::Unknown: return 0;
            case Level::Bad: return 1;
            case Level::Warning: return 2;
            case Level::Note: return 3;
            case Level::Good: return 4;
            }
            return 4;
        }

        QString tr(const char *text, int n = -1)
        {
            return QCoreApplication::translate("TwinTrunk::Presentation", text, nullptr, n);
        }

        // One phrase per server with names, in the servers' order: `phrase` takes the server as %1
        // and the count as %n ("box4 lacks 3, box2 lacks 1").
        QString perServer(const Sync::ProjectSnapshot &project, const QHash<QString, QStringList> &names, const char *phrase)
        {
            QStringList parts;
            for (const QString &server : project.servers)
            {
                if (const qsizetype count = names.value(server).size(); count > 0)
                    parts.append(tr(phrase, int(count)).arg(server));
            }
            return parts.join(QStringLiteral(", "));
        }
    }

    QString levelName(Level level)
    {
        switch (level)
        {
        case Level::Good: return QStringLiteral("good");
        case Level::Note: return QStringLiteral("note");
        case Level::Warning: return QStringLiteral("warning");
        case Level::Bad: return QStringLiteral("bad");
        case Level::Unknown: return QStringLiteral("unknown");
        }
        return QString();
    }

    Verdict projectVerdict(const Sync::ProjectSnapshot &project)
    {
        QList<std::pair<Level, QString>> found;
        auto add = [&found](Level level, const QString &problem) { found.append({level, problem}); };
        if (!project.unreachable.isEmpty())
        {
            QStringList servers;
            for (const QString &server : project.servers)
            {
                if (project.unreachable.contains(server))
                    servers.append(server);
            }
            add(Level::Unknown, tr("Not checked: %1 unreachable").arg(servers.join(QStringLiteral(", "))));
        }
        for (const QString &what : project.notChecked)
            add(Level::Unknown, tr("Not checked: %1 could not be read").arg(what));
        if (!project.damaged.isEmpty())
            add(Level::Bad, tr("Damaged: %1").arg(perServer(project, project.damaged, QT_TRANSLATE_NOOP("TwinTrunk::Presentation", "%n on %1"))));
        if (!project.regressions.isEmpty())
            add(Level::Bad, tr("Regressions: %n no longer listed", int(project.regressions.size())));
        if (!project.conflicts.isEmpty())
            add(Level::Bad, tr("Conflicts: %n to resolve", int(project.conflicts.size())));
        if (!project.missing.isEmpty())
            add(Level::Warning, tr("Behind: %1").arg(perServer(project, project.missing, QT_TRANSLATE_NOOP("TwinTrunk::Presentation", "%1 lacks %n"))));
        if (!project.unknown.isEmpty())
            add(Level::Warning, tr("Ids not read everywhere: %n", int(project.unknown.size())));
        if (!project.otherBytes.isEmpty())
            add(Level::Note, tr("Same version, other bytes: %n (a note, not damage)", int(project.otherBytes.size())));
        if (!project.inSync && std::none_of(found.cbegin(), found.cend(), [](const auto &problem) { return problem.first != Level::Note; }))
            add(Level::Warning, tr("Not in sync: the servers' (name, id) sets differ")); // say so rather than guess

        // Most urgent first: what is not known, then what needs a person, then what a copy settles.
        std::stable_sort(found.begin(), found.end(), [](const auto &a, const auto &b) { return urgency(a.first) < urgency(b.first); });
        Verdict verdict;
        for (const auto &problem : std::as_const(found))
            verdict.problems.append(problem.second);
        if (project.inSync)
        {
            verdict.level = found.isEmpty() ? Level::Good : Level::Note;
            verdict.headline = tr("In sync");
            return verdict;
        }
        verdict.level = found.first().first;
        verdict.headline = found.first().second;
        return verdict;
    }

    Verdict overallVerdict(const Sync::StatusReport &report)
    {
        Verdict overall;
        QStringList unreached;
        for (const Sync::ServerStatus &server : report.servers)
        {
            if (!server.reachable)
                unreached.append(server.name);
        }
        QList<std::pair<Verdict, QString>> notFine; // with the project's name
        for (const Sync::ProjectSnapshot &project : report.projects)
        {
            const Verdict verdict = projectVerdict(project);
            for (const QString &problem : verdict.problems)
                overall.problems.append(QStringLiteral("%1: %2").arg(project.project, problem));
            if (verdict.level != Level::Good && verdict.level != Level::Note)
                notFine.append({verdict, project.project});
        }
        std::stable_sort(notFine.begin(), notFine.end(), [](const auto &a, const auto &b) { return urgency(a.first.level) < urgency(b.first.level); });
        if (!unreached.isEmpty())
        {
            overall.level = Level::Unknown;
            overall.headline = tr("Not checked: %1 unreachable").arg(unreached.join(QStringLiteral(", ")));
            overall.problems.prepend(overall.headline);
            return overall;
        }
        if (report.projects.isEmpty())
        {
            overall.level = Level::Unknown;
            overall.headline = tr("Not checked: no project was listed");
            return overall;
        }
        if (notFine.isEmpty())
        {
            overall.level = overall.problems.isEmpty() ? Level::Good : Level::Note;
            overall.headline = tr("Every project in sync");
            return overall;
        }
        overall.level = notFine.first().first.level;
        overall.headline = QStringLiteral("%1: %2").arg(notFine.first().second, notFine.first().first.headline);
        if (notFine.size() > 1)
            overall.headline += tr(", and %1 more").arg(counted(notFine.size() - 1, tr("project"), tr("projects")));
        return overall;
    }

    QHash<QString, QDateTime> lastCopies(const QList<State::JournalEntry> &journal)
    {
        QHash<QString, QDateTime> last;
        for (const State::JournalEntry &entry : journal)
        {
            if (Sync::journalsCopyMade(entry) && entry.at > last.value(entry.project))
                last.insert(entry.project, entry.at);
        }
        return last;
    }

    QString counted(qint64 n, const QString &one, const QString &many)
    {
        return QStringLiteral("%1 %2").arg(n).arg(n == 1 ? one : many);
    }

    QString age(const QDateTime &since, const QDateTime &now)
    {
        if (!since.isValid())
            return QString();
        const qint64 seconds = since.secsTo(now);
        if (seconds < 120)
            return tr("%n s", int(seconds));
        if (seconds < 7200)
            return tr("%n min", int(seconds / 60));
        if (seconds < 172800)
            return tr("%n h", int(seconds / 3600));
        return tr("%n d", int(seconds / 86400));
    }
}
