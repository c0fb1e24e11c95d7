#include "reply.h"

namespace TwinTrunk::Repository
{
    void Reply::abort()
    {
        if (m_finished)
            return;
        Q_EMIT aborted();
        finishWithError(Error{.message = QStringLiteral("cancelled"), .kind = Error::Kind::Cancelled});
    }

    void Reply::finishWithError(const Error &error)
    {
        if (m_finished)
            return;
        m_error = error;
        finish();
    }

    void Reply::finishSuccessfully()
    {
        if (m_finished)
            return;
        finish();
    }

    void Reply::finish()
    {
        m_finished = true;
        Q_EMIT finished();
    }
}
