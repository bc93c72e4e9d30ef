# What the check_summary.cmake scripts of the programs share (include() it after checking that
# SUMMARY exists): the summary read into `summary`, and require_number(KEY...), which fails the
# test unless the JSON value at that path is a number.
file(READ "${SUMMARY}" summary)
function(require_number)
  string(JSON type TYPE "${summary}" ${ARGN})
  if(NOT type STREQUAL "NUMBER")
    string(REPLACE ";" "." where "${ARGN}")
    message(FATAL_ERROR "${SUMMARY}: ${where} is ${type}, not a number")
  endif()
endfunction()
