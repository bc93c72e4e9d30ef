# Compiles and runs the consumer program with no build system but the flags pkg-config gives
# for the bachprop.pc that check_install.cmake installed in PREFIX. Prints "skipped:" (and
# passes as skipped) where pkg-config is not installed (Debian: apt-get install pkg-config).
# Run as: cmake -DSOURCE_DIR=... -DWORK_DIR=... -DPREFIX=... -DVERSION=... [...]
#               -P check_pkg_config.cmake
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)

find_program(PKG_CONFIG NAMES pkg-config pkgconf)
if(NOT PKG_CONFIG)
  message("skipped: pkg-config is not installed")
  return()
endif()
if(NOT CMAKE_CXX_COMPILER)
  set(CMAKE_CXX_COMPILER c++)
endif()
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

set(ENV{PKG_CONFIG_PATH} ${PREFIX}/share/pkgconfig)
run(${PKG_CONFIG} --modversion bachprop)
string(STRIP "${run_output}" version)
if(NOT "${version}" STREQUAL "${VERSION}")
  message(FATAL_ERROR "pkg-config --modversion bachprop says '${version}', not ${VERSION}")
endif()
run(${PKG_CONFIG} --cflags bachprop)
separate_arguments(cflags UNIX_COMMAND "${run_output}")
run(${PKG_CONFIG} --libs bachprop)
separate_arguments(libs UNIX_COMMAND "${run_output}")
# The headers are found through the include folder pkg-config names (relative to bachprop.pc).
if(NOT cflags MATCHES "-I[^;]*include")
  message(FATAL_ERROR "pkg-config --cflags bachprop names no include folder: ${cflags}")
endif()

run(${CMAKE_CXX_COMPILER} -std=c++20 -O2 ${cflags} ${SOURCE_DIR}/tests/package/consumer/main.cpp
    -o ${WORK_DIR}/consumer ${libs})
run(${WORK_DIR}/consumer)
expect_text("${run_output}" "bachprop ${VERSION}" "the program built with pkg-config's flags")
message(STATUS "pkg-config check passed: ${cflags} ${libs}")
