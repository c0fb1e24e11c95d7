#pragma once

#include <QList>
#include <QObject>
#include <QString>
#include <QThread>

#include "health/health.h"
#include "state/statedatabase.h"
#include "sync/syncengine.h"

namespace TwinTrunk::Ui
{
    // One refresh: where things stand and how each server is, with the recent journal.
    struct Refresh
    {
        Sync::StatusReport status;
        QList<Health::ServerHealth> health;
        QList<State::JournalEntry> journal; // newest last
    };

    class RefreshWorker;

    // The window's handle on a workspace. Everything that touches the network or the state database
    // runs on a worker thread with its own connection (the UI thread never blocks); results come
    // back as values through queued signals.
    class WorkspaceController final : public QObject
    {
        Q_OBJECT
        Q_DISABLE_COPY_MOVE(WorkspaceController)

    public:
        explicit WorkspaceController(QObject *parent = nullptr);
        ~WorkspaceController() override;

        QString workspacePath() const { return m_path; }
        bool isBusy() const { return m_busy; }

    public Q_SLOTS:
        // Opens a workspace file and refreshes it.
        void open(const QString &path);
        void refresh();

    Q_SIGNALS:
        void opened(const QString &path);
        void refreshed(const TwinTrunk::Ui::Refresh &refresh);
        void failed(const QString &message);
        void busyChanged(bool busy);

    private:
        void setBusy(bool busy);

        QThread m_thread;
        RefreshWorker *m_worker = nullptr;
        QString m_path;
        bool m_busy = false;
    };
}

Q_DECLARE_METATYPE(TwinTrunk::Ui::Refresh)
