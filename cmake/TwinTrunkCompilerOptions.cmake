# Warnings and sanitizers for TwinTrunk's own targets (never for third-party code).
# twintrunk_warnings: the warnings and conventions alone, for build-time tools, which must not
# run under a sanitizer while the build runs them (a report would fail the build, not a test).
add_library(twintrunk_warnings INTERFACE)
add_library(twintrunk_compiler_options INTERFACE)
target_link_libraries(twintrunk_compiler_options INTERFACE twintrunk_warnings)

if(MSVC)
    target_compile_options(twintrunk_warnings INTERFACE /W4 /permissive- /utf-8)
else()
    # -Wshadow: a local that hides a member or an outer name is a bug waiting in a long function.
    # Not -Wmissing-field-initializers (part of -Wextra): GCC 12 gives it for designated
    # initialisers ({.name = ..., .status = ...}), where leaving the other fields to their
    # defaults is the point.
    target_compile_options(twintrunk_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wno-missing-field-initializers)
endif()

# Qt's own conventions for string handling: no implicit conversions from const char* or
# QByteArray to QString, so every encoding decision in the code is visible.
target_compile_definitions(twintrunk_warnings INTERFACE
    QT_NO_CAST_FROM_ASCII QT_NO_CAST_TO_ASCII QT_NO_CAST_FROM_BYTEARRAY
    QT_NO_URL_CAST_FROM_STRING QT_USE_QSTRINGBUILDER QT_NO_KEYWORDS
    QT_DISABLE_DEPRECATED_UP_TO=0x060400)

# TWINTRUNK_SANITIZE: ON or "address" (AddressSanitizer with UndefinedBehaviorSanitizer),
# "thread" (ThreadSanitizer: the console's worker thread, the pool threads that hash and check),
# or "fuzzer" (set by TWINTRUNK_FUZZ: libFuzzer's coverage with ASan and UBSan).
if(TWINTRUNK_SANITIZE)
    if(MSVC)
        message(FATAL_ERROR "TWINTRUNK_SANITIZE is supported with GCC and Clang")
    endif()
    if(TWINTRUNK_SANITIZE STREQUAL "fuzzer")
        # Coverage for libFuzzer in every target of ours; the fuzz binaries add -fsanitize=fuzzer.
        # Not UBSan's "function" check: with the fuzzer's coverage, Clang 14 cannot compile a
        # coroutine under it ("Cannot represent a difference across sections").
        set(_sanitizers -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize=function -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
    elseif(TWINTRUNK_SANITIZE STREQUAL "thread")
        set(_sanitizers -fsanitize=thread -fno-omit-frame-pointer)
    else()
        set(_sanitizers -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
    endif()
    target_compile_options(twintrunk_compiler_options INTERFACE ${_sanitizers})
    target_link_options(twintrunk_compiler_options INTERFACE ${_sanitizers})
endif()
