#pragma once

#include <QObject>
#include <QString>
#include <QVariant>

namespace TwinTrunk::Ui
{
    // One request to the workspace's worker (see WorkspaceController), as the one who asked sees
    // it: queued, then running, then over with exactly one outcome, told by finished(). A dialog
    // listens to its own requests only; what one request did never reads as another's failure.
    //
    // The controller owns requests and deletes them (deleteLater) once finished() was emitted: hold
    // one in a QPointer, and read its value in the slot connected to finished().
    class Request final : public QObject
    {
        Q_OBJECT
        Q_DISABLE_COPY_MOVE(Request)

    public:
        enum class Outcome
        {
            Pending,   // queued or running
            Succeeded, // value() holds the result
            Failed,    // it ran and could not do what was asked: errorMessage() says why
            Refused,   // it never ran: no workspace is open, or the same work is already under way
            Cancelled, // withdrawn before or while it ran (another workspace opened, the window closed)
        };
        Q_ENUM(Outcome)

        // What the request does, for messages ("Refresh", "Replicate", ...).
        Request(const QString &what, QObject *parent) : QObject(parent), m_what(what) {}

        QString what() const { return m_what; }
        Outcome outcome() const { return m_outcome; }
        bool isRunning() const { return m_running; }
        bool isOver() const { return m_outcome != Outcome::Pending; }
        bool succeeded() const { return m_outcome == Outcome::Succeeded; }
        // Why it failed, was refused or cancelled; empty after success.
        QString errorMessage() const { return m_error; }
        // The result once succeeded; a default T otherwise.
        template<typename T>
        T value() const
        {
            return m_value.value<T>();
        }

        // For the controller.
        void markStarted();
        void finish(Outcome outcome, const QVariant &value, const QString &error);
        void tell(const QString &line) { Q_EMIT message(line); }

    Q_SIGNALS:
        void started();                    // taken off the queue: the worker runs it now
        void message(const QString &line); // a step as it happens (a repoint's log, a repair's)
        void finished();

    private:
        QString m_what;
        Outcome m_outcome = Outcome::Pending;
        bool m_running = false;
        QVariant m_value;
        QString m_error;
    };
}
