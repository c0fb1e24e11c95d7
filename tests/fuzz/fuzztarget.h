#pragma once

// What every fuzz target shares: its entry point (libFuzzer's, or replay.cpp's main in ordinary
// builds) and a check that stops the run on a broken property, as a crash would.

#include <QByteArray>
#include <QLoggingCategory>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

namespace TwinTrunk::Fuzz
{
    inline QByteArray bytes(const uint8_t *data, size_t size)
    {
        // A deep copy: the readers may keep slices of their input.
        return QByteArray(reinterpret_cast<const char *>(data), qsizetype(size));
    }

    // A property every accepted input must have; libFuzzer saves the input that breaks it.
    inline void require(bool holds, const char *property)
    {
        if (!holds)
        {
            std::fprintf(stderr, "fuzz: property broken: %s\n", property);
            std::abort();
        }
    }

    // The readers' warnings about bad input are the expected case here: not worth printing.
    inline void quiet()
    {
        static const bool once = [] {
            QLoggingCategory::setFilterRules(QStringLiteral("*=false"));
            return true;
        }();
        (void)once;
    }
}
