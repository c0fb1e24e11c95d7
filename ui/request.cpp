#include "request.h"

namespace TwinTrunk::Ui
{
    void Request::markStarted()
    {
        m_running = true;
        Q_EMIT started();
    }

    void Request::finish(Outcome outcome, const QVariant &value, const QString &error)
    {
        Q_ASSERT(outcome != Outcome::Pending && m_outcome == Outcome::Pending);
        m_running = false;
        m_outcome = outcome;
        m_value = value;
        m_error = error;
        Q_EMIT finished();
        deleteLater();
    }
}
