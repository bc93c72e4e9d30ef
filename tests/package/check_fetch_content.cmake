# The FetchContent consumer (fetch_content/): bachprop cloned from a git repository, built and
# run, and the consumer's `cmake --install` holding the consumer alone; then, with the package
# check_install.cmake installed in PREFIX on CMAKE_PREFIX_PATH, FIND_PACKAGE_ARGS taking the
# installed package instead of a clone. The repository cloned is a copy of the source tree as it
# is in the work tree (uncommitted changes included) committed into a scratch repository, so the
# check needs no network and tests what is being worked on. Prints "skipped:" without git or
# before CMake 3.24.
# Run as: cmake -DSOURCE_DIR=... -DWORK_DIR=... -DPREFIX=... -DVERSION=... [...]
#               -P check_fetch_content.cmake
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)

if(CMAKE_VERSION VERSION_LESS 3.24)
  message("skipped: FetchContent's FIND_PACKAGE_ARGS needs CMake 3.24, this is ${CMAKE_VERSION}")
  return()
endif()
find_program(GIT git)
if(NOT GIT)
  message("skipped: git is not installed")
  return()
endif()
file(REMOVE_RECURSE ${WORK_DIR})

# The repository: the work tree's files, one commit.
set(repository ${WORK_DIR}/repository)
copy_source_tree(${repository})
set(git ${GIT} -C ${repository} -c user.name=bachprop-tests -c user.email=tests@bachprop.invalid
    -c commit.gpgsign=false)
run(${git} init -q)
run(${git} add -A)
run(${git} commit -q --no-verify -m "The source tree under test")
run(${git} rev-parse HEAD)
string(STRIP "${run_output}" commit)

# 1. Cloned: nothing installed is used (CMAKE_DISABLE_FIND_PACKAGE_bachprop: not even a
#    bachprop installed on this machine).
set(consumer ${SOURCE_DIR}/tests/package/fetch_content)
run(${CMAKE_COMMAND} -S ${consumer} -B ${WORK_DIR}/cloned ${configure_args}
    -DBACHPROP_GIT_REPOSITORY=${repository} -DBACHPROP_GIT_TAG=${commit}
    -DCMAKE_DISABLE_FIND_PACKAGE_bachprop=ON -DCMAKE_BUILD_TYPE=Release
    -DCMAKE_INSTALL_PREFIX=${WORK_DIR}/cloned_prefix)
if(NOT EXISTS ${WORK_DIR}/cloned/_deps/bachprop-src/include/bachprop/bachprop.hpp)
  message(FATAL_ERROR "FetchContent did not clone bachprop into _deps/bachprop-src")
endif()
run(${CMAKE_COMMAND} --build ${WORK_DIR}/cloned)
run(${WORK_DIR}/cloned/consumer)
expect_text("${run_output}" "bachprop ${VERSION}" "the FetchContent consumer")
run(${CMAKE_COMMAND} --install ${WORK_DIR}/cloned)
file(GLOB_RECURSE installed RELATIVE ${WORK_DIR}/cloned_prefix ${WORK_DIR}/cloned_prefix/*)
if(NOT installed STREQUAL "bin/consumer")
  message(FATAL_ERROR "the consumer's install should hold bin/consumer alone, not: ${installed}")
endif()

# 2. Found: FIND_PACKAGE_ARGS takes the installed package, and nothing is cloned (configured
#    only: building against the installed package is check_package.cmake's).
run(${CMAKE_COMMAND} -S ${consumer} -B ${WORK_DIR}/found ${configure_args}
    -DBACHPROP_GIT_REPOSITORY=${repository} -DBACHPROP_GIT_TAG=${commit}
    -DCMAKE_PREFIX_PATH=${PREFIX} -DCMAKE_BUILD_TYPE=Release)
file(STRINGS ${WORK_DIR}/found/CMakeCache.txt found_dir REGEX "^bachprop_DIR:")
string(FIND "${found_dir}" "=${PREFIX}/" at)
if(at EQUAL -1 OR EXISTS ${WORK_DIR}/found/_deps/bachprop-src)
  message(FATAL_ERROR "FIND_PACKAGE_ARGS did not take the package installed in ${PREFIX} "
                      "(${found_dir})")
endif()
message(STATUS "FetchContent check passed: cloned, built, run and not installed; an installed "
               "package preferred")
