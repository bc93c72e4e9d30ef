# Checks a bach_harmonise summary (cmake -DSUMMARY=FILE -P check_summary.cmake): every row of the
# evaluation (Bach's own and each model's) has "per_100_chords" with one number per rule the
# evaluation lists (at least the ten of music/evaluate/voice_leading.hpp), and "line_statistics"
# with each voice's note-length shares; every model row has "accuracy_mean" in 0..1; Bach's
# spread and the harmonisation's rules and violations are there.
cmake_minimum_required(VERSION 3.19)  # string(JSON), if(IN_LIST)
if(NOT EXISTS "${SUMMARY}")
  message(STATUS "no summary: the fast run found no data")  # the test is then skipped
  return()
endif()
file(READ "${SUMMARY}" summary)

# The rules the evaluation lists must include these ten.
string(JSON rule_count LENGTH "${summary}" evaluation rules)
set(rules "")
math(EXPR last_rule "${rule_count} - 1")
foreach(i RANGE ${last_rule})
  string(JSON rule GET "${summary}" evaluation rules ${i})
  list(APPEND rules "${rule}")
endforeach()
foreach(rule parallel_fifths parallel_octaves contrary_fifths contrary_octaves hidden_fifths
             hidden_octaves crossings spacing out_of_range unresolved_leading_tones)
  if(NOT rule IN_LIST rules)
    message(FATAL_ERROR "${SUMMARY}: the evaluation's rules ${rules} lack ${rule}")
  endif()
endforeach()

function(require_number where value)
  if(NOT value MATCHES "^-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?$")
    message(FATAL_ERROR "${SUMMARY}: ${where} is '${value}', not a number")
  endif()
endfunction()

# Every row: a rate per rule, line statistics per voice; a model's row: its mean accuracy.
string(JSON count LENGTH "${summary}" evaluation rows)
set(found "")
math(EXPR last "${count} - 1")
foreach(i RANGE ${last})
  string(JSON name GET "${summary}" evaluation rows ${i} model)
  foreach(rule ${rules})
    string(JSON rate GET "${summary}" evaluation rows ${i} per_100_chords ${rule})
    require_number("rows[${i}] (${name}) per_100_chords.${rule}" "${rate}")
  endforeach()
  foreach(voice Soprano Alto Tenor Bass)
    string(JSON type TYPE "${summary}" evaluation rows ${i} line_statistics voices ${voice}
           note_lengths)
    if(NOT type STREQUAL "OBJECT")
      message(FATAL_ERROR "${SUMMARY}: rows[${i}] (${name}) has no note lengths for ${voice}")
    endif()
    string(JSON short GET "${summary}" evaluation rows ${i} line_statistics voices ${voice}
           short_notes_per_100_chords)
    require_number("rows[${i}] (${name}) ${voice} short notes" "${short}")
  endforeach()
  if(i GREATER 0)
    string(JSON accuracy GET "${summary}" evaluation rows ${i} accuracy_mean)
    require_number("rows[${i}] (${name}) accuracy_mean" "${accuracy}")
    if(accuracy LESS 0 OR accuracy GREATER 1)
      message(FATAL_ERROR "${SUMMARY}: rows[${i}] (${name}) has accuracy_mean ${accuracy}")
    endif()
  endif()
  list(APPEND found "${name}")
endforeach()
list(GET found 0 first)
if(NOT first MATCHES "^Bach")
  message(FATAL_ERROR "${SUMMARY}: the first row is ${first}, not Bach's own")
endif()

# Bach's spread, and the harmonisation's rates and violations.
string(JSON p90 GET "${summary}" evaluation bach_spread Bass stepwise_share p90)
require_number("Bach's spread of the bass's stepwise share" "${p90}")
foreach(rule ${rules})
  string(JSON rate GET "${summary}" harmonisation per_100_chords ${rule})
  require_number("the harmonisation's per_100_chords.${rule}" "${rate}")
endforeach()
string(JSON type TYPE "${summary}" harmonisation violations)
if(NOT type STREQUAL "ARRAY")
  message(FATAL_ERROR "${SUMMARY}: the harmonisation has no list of violations")
endif()
message(STATUS "summary rows: ${found}")
