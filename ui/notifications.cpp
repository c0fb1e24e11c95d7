#include "notifications.h"

#include <QObject>
#include <QSet>

#include "presentation/verdict.h"

namespace TwinTrunk::Ui
{
    namespace
    {
        QSet<QString> qualified(const Refresh &refresh, QStringList Sync::ProjectSnapshot::*list)
        {
            QSet<QString> names;
            for (const Sync::ProjectSnapshot &project : refresh.status.projects)
            {
                for (const QString &name : project.*list)
                    names.insert(project.project + u'/' + name);
            }
            return names;
        }

        QSet<QString> downServers(const Refresh &refresh)
        {
            QSet<QString> down;
            for (const Health::ServerHealth &health : refresh.health)
            {
                if (health.probed && !health.up)
                    down.insert(health.name);
            }
            return down;
        }

        QSet<QString> damagedCopies(const Refresh &refresh)
        {
            QSet<QString> copies;
            for (const Sync::DamagedCopy &copy : refresh.damaged)
                copies.insert(QObject::tr("%1 on %2").arg(copy.copy.project + u'/' + copy.copy.name, copy.copy.server));
            return copies;
        }

        QStringList sorted(const QSet<QString> &set)
        {
            QStringList list(set.cbegin(), set.cend());
            list.sort();
            return list;
        }
    }

    QSet<QString> openConflicts(const Refresh &refresh)
    {
        return qualified(refresh, &Sync::ProjectSnapshot::conflicts);
    }

    QList<Notification> notificationEvents(const Refresh *before, const Refresh &after, const NotificationChoices &choices, const QSet<QString> &toldBefore)
    {
        QList<Notification> events;
        if (choices.serverDown)
        {
            const QSet<QString> down = downServers(after) - (before ? downServers(*before) : QSet<QString>());
            for (const QString &server : sorted(down))
            {
                for (const Health::ServerHealth &health : after.health)
                {
                    if (health.name != server)
                        continue;
                    Notification event{.text = QObject::tr("%1 is down (%2): %3").arg(server, health.errorClass, health.error), .server = server};
                    if (health.primary)
                        event.action = Notification::Action::Repoint;
                    events.append(event);
                }
            }
        }
        if (choices.newConflict)
        {
            const QSet<QString> fresh = openConflicts(after) - (before ? openConflicts(*before) : QSet<QString>()) - toldBefore;
            for (const QString &name : sorted(fresh))
            {
                events.append(Notification{.text = QObject::tr("New duplicate-name conflict: %1").arg(name),
                    .action = Notification::Action::OpenConflict,
                    .project = name.section(u'/', 0, 0),
                    .name = name.section(u'/', 1)});
            }
        }
        if (choices.newRegression)
        {
            const QSet<QString> fresh =
                qualified(after, &Sync::ProjectSnapshot::regressions) - (before ? qualified(*before, &Sync::ProjectSnapshot::regressions) : QSet<QString>());
            for (const QString &name : sorted(fresh))
                events.append(Notification{.text = QObject::tr("A server no longer lists %1").arg(name)});
        }
        if (choices.damaged)
        {
            const QSet<QString> fresh = damagedCopies(after) - (before ? damagedCopies(*before) : QSet<QString>());
            for (const QString &copy : sorted(fresh))
                events.append(Notification{.text = QObject::tr("Damaged copy: %1 (Servers > Damaged Copies)").arg(copy)});
        }
        return events;
    }

    QStringList notificationsBetween(const Refresh *before, const Refresh &after, const NotificationChoices &choices, const QSet<QString> &toldBefore)
    {
        QStringList messages;
        for (const Notification &event : notificationEvents(before, after, choices, toldBefore))
            messages.append(event.text);
        return messages;
    }

    std::optional<Notification> actionableEvent(const QList<Notification> &events)
    {
        for (const Notification::Action action : {Notification::Action::Repoint, Notification::Action::OpenConflict})
        {
            for (const Notification &event : events)
            {
                if (event.action == action)
                    return event;
            }
        }
        return std::nullopt;
    }

    QString overallState(const Refresh &refresh)
    {
        // The same words as the last line of `twintrunkctl status`; what the state database could
        // not tell makes it "not checked", never "in sync".
        if (!refresh.notChecked.isEmpty())
            return QObject::tr("TwinTrunk: not checked: %1").arg(refresh.notChecked.first());
        if (const QStringList down = sorted(downServers(refresh)); !down.isEmpty())
            return QObject::tr("TwinTrunk: %1 down").arg(down.join(QStringLiteral(", ")));
        return QObject::tr("TwinTrunk: %1").arg(Presentation::overallVerdict(refresh.status).headline);
    }
}
