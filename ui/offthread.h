#pragma once

#include <utility>

#include <QThreadPool>

namespace TwinTrunk::Ui
{
    // Lets go of a large value (a 30,000-row snapshot, a project's details) on a pool thread:
    // freeing tens of thousands of strings takes tens of milliseconds, too long for the UI thread.
    // Only for values nothing else on the UI thread will touch (Qt's implicit sharing counts
    // references atomically, so a copy still held elsewhere stays valid).
    template<typename T>
    void releaseOffThread(T &&value)
    {
        QThreadPool::globalInstance()->start([held = std::forward<T>(value)]() mutable { T released = std::move(held); });
    }
}
