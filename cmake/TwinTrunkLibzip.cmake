# Provides the target twintrunk::libzip.
# pkg-config first: Debian 12's libzip CMake package references /usr/bin/zipcmp and friends, which
# live in separate packages, and fails the configure step without them. Where pkg-config has no
# libzip (vcpkg on Windows), libzip's own CMake package is used.
find_package(PkgConfig QUIET)
if(PKG_CONFIG_FOUND)
    pkg_check_modules(LIBZIP QUIET IMPORTED_TARGET libzip>=1.7)
endif()

add_library(twintrunk_libzip INTERFACE)
add_library(twintrunk::libzip ALIAS twintrunk_libzip)
if(LIBZIP_FOUND)
    target_link_libraries(twintrunk_libzip INTERFACE PkgConfig::LIBZIP)
    message(STATUS "libzip ${LIBZIP_VERSION} (pkg-config)")
else()
    find_package(libzip 1.7 REQUIRED CONFIG)
    target_link_libraries(twintrunk_libzip INTERFACE libzip::zip)
endif()
