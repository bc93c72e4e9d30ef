# Installs bachprop alone (no tests, examples or benchmarks) into WORK_DIR/prefix, which the
# other package checks use, and checks what is there: the headers with the generated
# version.hpp, the CMake package and bachprop.pc under share/, and nothing else (no programs or
# models without the examples). Then that BACHPROP_INSTALL=OFF installs nothing.
# Run as: cmake -DSOURCE_DIR=... -DWORK_DIR=... -DVERSION=... [...] -P check_install.cmake
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)

file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
run(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR}/library ${configure_args}
    -DBACHPROP_BUILD_TESTS=OFF -DBACHPROP_BUILD_EXAMPLES=OFF -DCMAKE_INSTALL_PREFIX=${prefix})
run(${CMAKE_COMMAND} --install ${WORK_DIR}/library)

foreach(file include/bachprop/bachprop.hpp include/bachprop/neural.hpp
             include/bachprop/version.hpp share/bachprop/cmake/bachpropConfig.cmake
             share/bachprop/cmake/bachpropConfigVersion.cmake share/pkgconfig/bachprop.pc)
  if(NOT EXISTS ${prefix}/${file})
    message(FATAL_ERROR "${file} was not installed under ${prefix}")
  endif()
endforeach()
file(GLOB_RECURSE installed RELATIVE ${prefix} ${prefix}/*)
foreach(file ${installed})
  if(NOT file MATCHES "^(include/bachprop/|share/bachprop/cmake/|share/pkgconfig/bachprop\\.pc$)")
    message(FATAL_ERROR "the library alone installed ${file}: only headers and package files")
  endif()
endforeach()

# version.hpp says the project's version, in both forms.
file(READ ${prefix}/include/bachprop/version.hpp text)
expect_text("${text}" "#define BACHPROP_VERSION_STRING \"${VERSION}\"" "version.hpp")
string(REPLACE "." ";" parts ${VERSION})
list(GET parts 0 major)
list(GET parts 1 minor)
list(GET parts 2 patch)
math(EXPR number "${major} * 10000 + ${minor} * 100 + ${patch}")
expect_text("${text}" "#define BACHPROP_VERSION ${number}\n" "version.hpp")

# The exported target must not impose architecture or optimisation flags on its consumers.
file(GLOB_RECURSE exported ${prefix}/*bachpropTargets*.cmake)
foreach(file ${exported})
  file(READ ${file} text)
  if(text MATCHES "march|-O[0-3]|fsanitize|Werror")
    message(FATAL_ERROR "${file} exports compile flags: consumers must choose their own")
  endif()
endforeach()

# BACHPROP_INSTALL=OFF: no installation rules at all, even with the examples.
run(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR}/no_install ${configure_args}
    -DBACHPROP_BUILD_TESTS=OFF -DBACHPROP_INSTALL=OFF -DCMAKE_INSTALL_PREFIX=${WORK_DIR}/none)
run(${CMAKE_COMMAND} --install ${WORK_DIR}/no_install)
if(EXISTS ${WORK_DIR}/none)
  file(GLOB_RECURSE installed ${WORK_DIR}/none/*)
  message(FATAL_ERROR "BACHPROP_INSTALL=OFF still installed: ${installed}")
endif()
message(STATUS "install check passed: ${prefix} holds the headers, version.hpp, the CMake "
               "package and bachprop.pc")
