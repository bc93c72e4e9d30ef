# Configures, builds and runs the consumer project twice: through find_package on the package
# that check_install.cmake installed in PREFIX, and through add_subdirectory of the source tree;
# the second one's `cmake --install` must install the consumer and nothing of bachprop.
# Run as: cmake -DSOURCE_DIR=... -DWORK_DIR=... -DPREFIX=... -DVERSION=... [...]
#               -P check_package.cmake
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)

file(REMOVE_RECURSE ${WORK_DIR})

# 1. find_package on the installed package.
run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/package/consumer -B ${WORK_DIR}/found
    ${configure_args} -DCMAKE_PREFIX_PATH=${PREFIX} -DCMAKE_BUILD_TYPE=Release)
run(${CMAKE_COMMAND} --build ${WORK_DIR}/found)
run(${WORK_DIR}/found/consumer)
expect_text("${run_output}" "bachprop ${VERSION}" "the consumer of the installed package")

# 2. add_subdirectory of the source tree.
run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/package/consumer -B ${WORK_DIR}/subdirectory
    ${configure_args} -DBACHPROP_SOURCE=${SOURCE_DIR} -DCMAKE_BUILD_TYPE=Release
    -DCMAKE_INSTALL_PREFIX=${WORK_DIR}/subdirectory_prefix)
run(${CMAKE_COMMAND} --build ${WORK_DIR}/subdirectory)
run(${WORK_DIR}/subdirectory/consumer)
expect_text("${run_output}" "bachprop ${VERSION}" "the consumer of the source tree")
run(${CMAKE_COMMAND} --install ${WORK_DIR}/subdirectory)
file(GLOB_RECURSE installed RELATIVE ${WORK_DIR}/subdirectory_prefix
     ${WORK_DIR}/subdirectory_prefix/*)
if(NOT installed STREQUAL "bin/consumer")
  message(FATAL_ERROR "the consumer's install should hold bin/consumer alone, not: ${installed}")
endif()
message(STATUS "package check passed: find_package and add_subdirectory both train XOR")
