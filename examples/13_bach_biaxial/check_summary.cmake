# Checks a bach_biaxial summary (cmake -DSUMMARY=FILE -P check_summary.cmake): the test NLL per
# frame (a number above 0 and below the 61 nats of keys drawn at a coin's toss), the training
# time, the generation step's time, and the statistics of the generated pieces for the biaxial
# model, the piano-roll RNN and the held-out pieces.
cmake_minimum_required(VERSION 3.19)  # string(JSON)
if(NOT EXISTS "${SUMMARY}")
  message(STATUS "no summary: the quick run found no data")  # the test is then skipped
  return()
endif()
include(${CMAKE_CURRENT_LIST_DIR}/../common/summary_checks.cmake)  # summary, require_number
require_number(test_nll_nats_per_frame)
string(JSON nll GET "${summary}" test_nll_nats_per_frame)
if(nll LESS_EQUAL 0 OR nll GREATER 61)
  message(FATAL_ERROR "${SUMMARY}: test_nll_nats_per_frame = ${nll}")
endif()
require_number(training_seconds)
require_number(piano_roll_rnn_test_nll_nats_per_frame)
require_number(generation step_ms)
foreach(model held_out biaxial piano_roll_rnn)
  foreach(key keys_per_frame in_key mean_note_length_quarters mean_range_semitones)
    require_number(generated_statistics ${model} ${key})
  endforeach()
endforeach()
message(STATUS "summary checked: test NLL ${nll} nats per frame")
