#pragma once

#include <optional>

#include <QSet>
#include <QString>
#include <QStringList>

#include "workspacecontroller.h"

namespace TwinTrunk::Ui
{
    // Which changes deserve a desktop notification (each can be turned off in View → Notifications).
    struct NotificationChoices
    {
        bool serverDown = true;
        bool newConflict = true;
        bool newRegression = true;
        bool syncFailed = true;
        bool damaged = true;
    };

    // One notification and where clicking it leads (a tray message has no buttons of its own: a
    // click on it, or the tray menu's entry for the latest event, takes the action).
    struct Notification
    {
        enum class Action
        {
            None,
            OpenConflict, // the conflict `project`/`name`
            Repoint,      // the primary `server` went down: the repoint wizard
        };
        QString text;
        Action action = Action::None;
        QString project;
        QString name;
        QString server;
    };

    // What changed from one refresh to the next that a box-admin must hear about: a server that
    // went down, a conflict, a regression or a damaged copy that was not there before. The first
    // refresh of a workspace (no `before`) reports what is wrong now. Conflicts in `toldBefore`
    // ("trunk/X-y.1.mcz") were announced already (this session or an earlier one): never new again,
    // even when a server down hid them for a while.
    QList<Notification> notificationEvents(const Refresh *before, const Refresh &after, const NotificationChoices &choices,
        const QSet<QString> &toldBefore = {});
    // The same as text only.
    QStringList notificationsBetween(const Refresh *before, const Refresh &after, const NotificationChoices &choices, const QSet<QString> &toldBefore = {});
    // The event a click acts on: the primary down first (the bad day this console is for), else
    // the first new conflict; nullopt when none leads anywhere.
    std::optional<Notification> actionableEvent(const QList<Notification> &events);
    // The open conflicts of a refresh as "project/name", as toldBefore takes them.
    QSet<QString> openConflicts(const Refresh &refresh);

    // The overall state in a few words, for the tray icon's tooltip.
    QString overallState(const Refresh &refresh);
}
