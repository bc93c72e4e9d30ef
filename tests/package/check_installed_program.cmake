# bach_generate as a user installs it: configured from a copy of the source tree (Release, the
# parent build's BACHPROP_NATIVE and warnings, no tests), only bach_generate built, installed
# into a scratch prefix. Then the copy and its build folder are deleted and the installed program
# runs from another folder: it must find the model installed beside it (share/bachprop/models),
# prefer $BACHPROP_MODELS, still find its model when the whole prefix is moved, and, with no
# model anywhere, name every place it looked.
# Run as: cmake -DSOURCE_DIR=... -DWORK_DIR=... [-DNATIVE=ON|OFF] [-DWARNINGS_AS_ERRORS=ON|OFF]
#               [...] -P check_installed_program.cmake
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)

file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
file(REAL_PATH ${WORK_DIR} work)  # the program sees its own path with symbolic links resolved
set(source ${work}/source)
set(build ${work}/build)
set(prefix ${work}/prefix)
set(options "")
foreach(option NATIVE WARNINGS_AS_ERRORS)
  if(DEFINED ${option})
    list(APPEND options -DBACHPROP_${option}=${${option}})
  endif()
endforeach()

copy_source_tree(${source})
run(${CMAKE_COMMAND} -S ${source} -B ${build} ${configure_args} ${options}
    -DCMAKE_BUILD_TYPE=Release -DBACHPROP_BUILD_TESTS=OFF -DCMAKE_INSTALL_PREFIX=${prefix})
run(${CMAKE_COMMAND} --build ${build} --target bach_generate)
run(${CMAKE_COMMAND} --install ${build})
set(model bach_melody_rnn.json)
foreach(file bin/bach_generate share/bachprop/models/${model} include/bachprop/version.hpp)
  if(NOT EXISTS ${prefix}/${file})
    message(FATAL_ERROR "${file} was not installed under ${prefix}")
  endif()
endforeach()
file(GLOB programs RELATIVE ${prefix}/bin ${prefix}/bin/*)
if(NOT programs STREQUAL "bach_generate")
  message(FATAL_ERROR "only bach_generate was built, so only it is installed, not: ${programs}")
endif()
file(REMOVE_RECURSE ${source} ${build})

# generate(PROGRAM NAME [VAR=VALUE...]): runs PROGRAM from a folder of its own, with
# $BACHPROP_MODELS unset or set as given; its output (both streams) in `generated`, its exit
# code in `exit_code`.
set(elsewhere ${work}/elsewhere)
file(MAKE_DIRECTORY ${elsewhere})
function(generate program name)
  execute_process(
    COMMAND ${CMAKE_COMMAND} -E env --unset=BACHPROP_MODELS ${ARGN}
            ${program} "C4 D4 E4 F4 G4" --length 8 --out ${work}/out --force --name ${name}
    WORKING_DIRECTORY ${elsewhere} RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE out)
  message(STATUS "${program} (${ARGN}):\n${out}")
  set(generated "${out}" PARENT_SCOPE)
  set(exit_code "${result}" PARENT_SCOPE)
endfunction()

# 1. The model installed beside the program.
generate(${prefix}/bin/bach_generate installed)
expect_text("${generated}" "Model ${prefix}/share/bachprop/models/${model}" "installed")
expect_text("${generated}" "Continuation (8 notes" "installed")
if(NOT exit_code EQUAL 0 OR NOT EXISTS ${work}/out/installed.mid)
  message(FATAL_ERROR "the installed bach_generate wrote no MIDI file (exit code ${exit_code})")
endif()

# 2. $BACHPROP_MODELS first.
file(COPY ${prefix}/share/bachprop/models/${model} DESTINATION ${work}/my_models)
generate(${prefix}/bin/bach_generate from_variable BACHPROP_MODELS=${work}/my_models)
expect_text("${generated}" "Model ${work}/my_models/${model}" "BACHPROP_MODELS")

# 3. The prefix moved elsewhere: the model is found from the program's own place.
file(RENAME ${prefix} ${work}/moved)
generate(${work}/moved/bin/bach_generate moved)
expect_text("${generated}" "Model ${work}/moved/share/bachprop/models/${model}" "moved prefix")
if(NOT EXISTS ${work}/out/moved.mid)
  message(FATAL_ERROR "bach_generate in a moved prefix wrote no MIDI file")
endif()

# 4. No model anywhere: an error naming every place looked at and what to do.
file(RENAME ${work}/moved/share/bachprop/models ${work}/models_away)
file(MAKE_DIRECTORY ${work}/empty)
generate(${work}/moved/bin/bach_generate missing BACHPROP_MODELS=${work}/empty)
if(exit_code EQUAL 0)
  message(FATAL_ERROR "bach_generate ran with no model to be found")
endif()
foreach(needle "${work}/empty/${model}" "${work}/moved/share/bachprop/models/${model}"
               "BACHPROP_MODELS" "--model")
  expect_text("${generated}" "${needle}" "no model")
endforeach()
message(STATUS "installed program check passed: bach_generate found its model installed, in "
               "$BACHPROP_MODELS and in a moved prefix, and said where it looked when it could not")
