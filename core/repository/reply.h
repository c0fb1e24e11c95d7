#pragma once

#ifndef Q_MOC_RUN // moc cannot parse the standard library's concepts
#include <coroutine>
#endif
#include <memory>
#include <optional>

#include <QObject>
#include <QStringList>

#include "util/error.h"

namespace TwinTrunk::Repository
{
    // One asynchronous repository operation, in the manner of QNetworkReply: it finishes once,
    // emitting finished(); then either error() is set or the typed result is valid. The caller
    // owns it (deleteLater() after finished); deleting it earlier cancels the operation.
    class Reply : public QObject
    {
        Q_OBJECT
        Q_DISABLE_COPY_MOVE(Reply)

    public:
        explicit Reply(QObject *parent = nullptr) : QObject(parent) {}

        bool isFinished() const { return m_finished; }
        bool failed() const { return m_error.has_value(); }
        const Error &error() const { return *m_error; }
        // Body bytes moved over the network (or read from disk) for this operation.
        qint64 bytesTransferred() const { return m_bytesTransferred; }
        // Things worth telling the user that did not stop the operation.
        const QStringList &warnings() const { return m_warnings; }

        // Stops the operation; it finishes with a Cancelled error.
        void abort();

        // Used by repositories to complete the reply.
        void addWarning(const QString &warning) { m_warnings.append(warning); }
        void addBytesTransferred(qint64 bytes) { m_bytesTransferred += bytes; }
        void finishWithError(const Error &error);
        void finishSuccessfully();

    Q_SIGNALS:
        void finished();
        void progress(qint64 bytesDone, qint64 bytesTotal);
        void aborted();

    private:
        void finish();

        bool m_finished = false;
        std::optional<Error> m_error;
        qint64 m_bytesTransferred = 0;
        QStringList m_warnings;
    };

    // A Reply carrying a value of type T once it finished without error.
    template<typename T>
    class ResultReply final : public Reply
    {
    public:
        using Reply::Reply;
        const T &result() const { return m_result; }
        T &result() { return m_result; }

    private:
        T m_result{};
    };

    // co_await whenFinished(repository.fetch(...)) in a Task: suspends until the reply finished
    // (resumed from the event loop), then hands it over. The awaiting frame owns the reply
    // meanwhile: cancelling the task deletes the reply, which aborts its request.
    template<typename ReplyType>
    class [[nodiscard]] ReplyAwaiter final
    {
    public:
        explicit ReplyAwaiter(ReplyType *reply) : m_reply(reply) {}
        bool await_ready() const noexcept { return m_reply->isFinished(); }
        void await_suspend(std::coroutine_handle<> handle)
        {
            QObject::connect(
                m_reply.get(), &Reply::finished, m_reply.get(), [handle] { handle.resume(); },
                Qt::ConnectionType(Qt::QueuedConnection | Qt::SingleShotConnection));
        }
        std::unique_ptr<ReplyType> await_resume() noexcept { return std::move(m_reply); }

    private:
        std::unique_ptr<ReplyType> m_reply;
    };

    template<typename ReplyType>
    ReplyAwaiter<ReplyType> whenFinished(ReplyType *reply)
    {
        return ReplyAwaiter<ReplyType>(reply);
    }
}
