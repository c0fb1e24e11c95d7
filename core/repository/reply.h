#pragma once

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
}
