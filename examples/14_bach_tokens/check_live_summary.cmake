# Checks the timing of a bach_tokens --live run (cmake -DSUMMARY=FILE [-DSECONDS=S]
# [-DMAX_LATENESS_MS=M] -P check_live_summary.cmake): it played for the seconds asked (the time
# limit, not Ctrl-C or a closed sink), no MIDI message was sent more than M ms (default 5) after
# its time, and a generation step took less than 1% of the time between sixteenths at 120 bpm
# (125 ms).
cmake_minimum_required(VERSION 3.19)  # string(JSON)
if(NOT EXISTS "${SUMMARY}")
  message(STATUS "no summary: the run found no data")  # the test is then skipped
  return()
endif()
include(${CMAKE_CURRENT_LIST_DIR}/../common/summary_checks.cmake)  # summary, require_number
foreach(key seconds events steps_played max_lateness_ms mean_lateness_ms sixteenth_ms
            step_time_fraction step_time_fraction_120bpm)
  require_number(live ${key})
endforeach()
require_number(live step_time_ms mean)
require_number(live step_time_ms max)
string(JSON ended GET "${summary}" live ended)
string(JSON seconds GET "${summary}" live seconds)
string(JSON events GET "${summary}" live events)
string(JSON lateness GET "${summary}" live max_lateness_ms)
string(JSON fraction GET "${summary}" live step_time_fraction_120bpm)
string(JSON step GET "${summary}" live step_time_ms mean)
if(NOT ended STREQUAL "time limit")
  message(FATAL_ERROR "${SUMMARY}: the performance ended by '${ended}', not its time limit")
endif()
if(DEFINED SECONDS AND seconds LESS SECONDS)
  message(FATAL_ERROR "${SUMMARY}: played ${seconds} s, not ${SECONDS}")
endif()
if(events LESS 100)
  message(FATAL_ERROR "${SUMMARY}: only ${events} MIDI messages played")
endif()
if(NOT DEFINED MAX_LATENESS_MS)
  set(MAX_LATENESS_MS 5)
endif()
if(lateness GREATER MAX_LATENESS_MS)
  message(FATAL_ERROR "${SUMMARY}: a message was sent ${lateness} ms late (at most "
                      "${MAX_LATENESS_MS} allowed)")
endif()
if(NOT fraction LESS 0.01)
  message(FATAL_ERROR "${SUMMARY}: a generation step takes ${step} ms, not under 1% of the "
                      "125 ms between sixteenths at 120 bpm")
endif()
message(STATUS "live summary checked: ${events} messages in ${seconds} s, max lateness "
               "${lateness} ms, a step ${step} ms (${fraction} of a sixteenth at 120 bpm)")
