# What the package checks share (included by the check_*.cmake scripts, run with cmake -P).
# They take -DSOURCE_DIR=... -DWORK_DIR=... and optionally -DCMAKE_CXX_COMPILER=...,
# -DGENERATOR=... (the parent build's), -DVERSION=... (bachprop's, which the consumer prints).
cmake_minimum_required(VERSION 3.22...3.25)

foreach(var SOURCE_DIR WORK_DIR)
  if(NOT ${var})
    message(FATAL_ERROR "${CMAKE_SCRIPT_MODE_FILE}: pass -D${var}=...")
  endif()
endforeach()

# The arguments every configure of a project takes: the parent build's compiler and generator.
set(configure_args "")
if(CMAKE_CXX_COMPILER)
  list(APPEND configure_args "-DCMAKE_CXX_COMPILER=${CMAKE_CXX_COMPILER}")
endif()
if(GENERATOR)
  list(APPEND configure_args -G "${GENERATOR}")
endif()

# git reads the repository the work tree is in, whatever the environment of a hook may say.
unset(ENV{GIT_DIR})
unset(ENV{GIT_WORK_TREE})
unset(ENV{GIT_INDEX_FILE})

# run(COMMAND...): runs it, stops the check with its output if it fails; its standard output is
# left in `run_output`.
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "failed (${result}): ${ARGN}\n${out}\n${err}")
  endif()
  message(STATUS "${out}")
  set(run_output "${out}" PARENT_SCOPE)
endfunction()

# expect_text(TEXT NEEDLE WHAT): stops the check unless TEXT contains NEEDLE (as it is: paths
# are no regular expressions).
function(expect_text text needle what)
  string(FIND "${text}" "${needle}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${what}: expected output containing '${needle}', got:\n${text}")
  endif()
endfunction()

# copy_source_tree(DEST): a copy of SOURCE_DIR as it is in the work tree, uncommitted changes
# included: the files git tracks or would add (not ignored ones, nor build folders). Without git
# or outside a checkout, every top-level entry but .git and build*.
function(copy_source_tree dest)
  file(REMOVE_RECURSE ${dest})
  file(MAKE_DIRECTORY ${dest})
  find_program(GIT git)
  set(listed 1)
  if(GIT)
    execute_process(COMMAND ${GIT} -C ${SOURCE_DIR} ls-files --cached --others --exclude-standard
                    RESULT_VARIABLE listed OUTPUT_VARIABLE files ERROR_QUIET)
  endif()
  if(listed EQUAL 0 AND files)
    string(REPLACE "\n" ";" files "${files}")
    set(present "")
    foreach(file ${files})
      if(EXISTS ${SOURCE_DIR}/${file})  # not a tracked file deleted in the work tree
        string(APPEND present "${file}\n")
      endif()
    endforeach()
    file(WRITE ${dest}.files "${present}")
    run(${CMAKE_COMMAND} -E chdir ${SOURCE_DIR}
        ${CMAKE_COMMAND} -E tar cf ${dest}.tar --files-from=${dest}.files)
    run(${CMAKE_COMMAND} -E chdir ${dest} ${CMAKE_COMMAND} -E tar xf ${dest}.tar)
    file(REMOVE ${dest}.tar ${dest}.files)
  else()
    file(GLOB entries LIST_DIRECTORIES true ${SOURCE_DIR}/*)
    foreach(entry ${entries})
      get_filename_component(name ${entry} NAME)
      if(NOT name MATCHES "^(build.*|\\.git)$")
        file(COPY ${entry} DESTINATION ${dest})
      endif()
    endforeach()
  endif()
endfunction()
