#pragma once

#include <utility>
#include <variant>

#include "error.h"

namespace TwinTrunk
{
    // A value or the Error that prevented it. Callers must look at ok() before value():
    // errors travel as values, never as exceptions across the event loop.
    template<typename T>
    class [[nodiscard]] Result final
    {
    public:
        Result(T value) : m_state(std::move(value)) {}
        Result(Error error) : m_state(std::move(error)) {}

        bool ok() const { return std::holds_alternative<T>(m_state); }
        explicit operator bool() const { return ok(); }

        const T &value() const & { return std::get<T>(m_state); }
        T &value() & { return std::get<T>(m_state); }
        // By value: `for (x : f().value())` then keeps the list alive (a reference into the
        // temporary Result would dangle).
        T value() && { return std::get<T>(std::move(m_state)); }
        const T *operator->() const { return &value(); }
        T *operator->() { return &value(); }
        const T &operator*() const & { return value(); }
        T &operator*() & { return value(); }

        const Error &error() const { return std::get<Error>(m_state); }

    private:
        std::variant<T, Error> m_state;
    };

    // For operations that produce nothing but can fail.
    template<>
    class [[nodiscard]] Result<void> final
    {
    public:
        Result() = default;
        Result(Error error) : m_error(std::move(error)), m_failed(true) {}

        bool ok() const { return !m_failed; }
        explicit operator bool() const { return ok(); }
        const Error &error() const { return m_error; }

    private:
        Error m_error;
        bool m_failed = false;
    };
}
