# Installs bachprop into a scratch prefix, then configures, builds and runs the consumer project
# twice: through find_package on the installed package, and through add_subdirectory.
# Run as: cmake -DSOURCE_DIR=... -DWORK_DIR=... [-DCMAKE_CXX_COMPILER=...] -P check_package.cmake

foreach(var SOURCE_DIR WORK_DIR)
  if(NOT ${var})
    message(FATAL_ERROR "check_package.cmake: pass -D${var}=...")
  endif()
endforeach()

set(compiler_args "")
if(CMAKE_CXX_COMPILER)
  set(compiler_args "-DCMAKE_CXX_COMPILER=${CMAKE_CXX_COMPILER}")
endif()

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "failed (${result}): ${ARGN}\n${out}\n${err}")
  endif()
  message(STATUS "${out}")
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)

# 1. Install the library alone (no tests, examples or benchmarks).
run(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR}/library ${compiler_args}
    -DBACHPROP_BUILD_TESTS=OFF -DBACHPROP_BUILD_EXAMPLES=OFF -DCMAKE_INSTALL_PREFIX=${prefix})
run(${CMAKE_COMMAND} --install ${WORK_DIR}/library)
if(NOT EXISTS ${prefix}/include/bachprop/bachprop.hpp)
  message(FATAL_ERROR "the headers were not installed under ${prefix}/include")
endif()

# 2. find_package on the installed package.
run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/package/consumer -B ${WORK_DIR}/found ${compiler_args}
    -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_BUILD_TYPE=Release)
run(${CMAKE_COMMAND} --build ${WORK_DIR}/found)
run(${WORK_DIR}/found/consumer)

# The exported target must not impose architecture or optimisation flags on its consumers.
file(GLOB_RECURSE exported ${prefix}/*bachpropTargets*.cmake)
foreach(file ${exported})
  file(READ ${file} text)
  if(text MATCHES "march|-O[0-3]|fsanitize|Werror")
    message(FATAL_ERROR "${file} exports compile flags: consumers must choose their own")
  endif()
endforeach()

# 3. add_subdirectory of the source tree.
run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/package/consumer -B ${WORK_DIR}/subdirectory
    ${compiler_args} -DBACHPROP_SOURCE=${SOURCE_DIR} -DCMAKE_BUILD_TYPE=Release)
run(${CMAKE_COMMAND} --build ${WORK_DIR}/subdirectory)
run(${WORK_DIR}/subdirectory/consumer)
message(STATUS "package check passed: find_package and add_subdirectory both train XOR")
