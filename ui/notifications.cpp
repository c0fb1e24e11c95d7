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

    QStringList notificationsBetween(const Refresh *before, const Refresh &after, const NotificationChoices &choices, const QSet<QString> &toldBefore)
    {
        QStringList messages;
        if (choices.serverDown)
        {
            const QSet<QString> down = downServers(after) - (before ? downServers(*before) : QSet<QString>());
            for (const QString &server : sorted(down))
            {
                for (const Health::ServerHealth &health : after.health)
                {
                    if (health.name == server)
                        messages.append(QObject::tr("%1 is down (%2): %3").arg(server, health.errorClass, health.error));
                }
            }
        }
        if (choices.newConflict)
        {
            const QSet<QString> fresh = openConflicts(after) - (before ? openConflicts(*before) : QSet<QString>()) - toldBefore;
            for (const QString &name : sorted(fresh))
                messages.append(QObject::tr("New duplicate-name conflict: %1").arg(name));
        }
        if (choices.newRegression)
        {
            const QSet<QString> fresh =
                qualified(after, &Sync::ProjectSnapshot::regressions) - (before ? qualified(*before, &Sync::ProjectSnapshot::regressions) : QSet<QString>());
            for (const QString &name : sorted(fresh))
                messages.append(QObject::tr("A server no longer lists %1").arg(name));
        }
        if (choices.damaged)
        {
            const QSet<QString> fresh = damagedCopies(after) - (before ? damagedCopies(*before) : QSet<QString>());
            for (const QString &copy : sorted(fresh))
                messages.append(QObject::tr("Damaged copy: %1 (Servers > Damaged Copies)").arg(copy));
        }
        return messages;
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
