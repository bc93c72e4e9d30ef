# The 8-bit model's compact file generating on its own (cmake -DPROGRAM=bach_tokens -DOUT=DIR
# "-DARGS=primer and decoding" -P check_quantised_file.cmake): OUT/quick.bpq, written by the
# test example.bach_tokens.quantised, is at least 3 times smaller than the float model's JSON,
# loads without a corpus, and with the same primer and argmax decoding gives the tokens and
# durations that the model quantised at load gave (OUT/quantised_summary.json).
cmake_minimum_required(VERSION 3.19)  # string(JSON)
file(SIZE "${OUT}/quick.bpq" compact)
file(SIZE "${OUT}/quick.json" float_json)
math(EXPR compact_times_3 "3 * ${compact}")
if(compact_times_3 GREATER float_json)
  message(FATAL_ERROR "quick.bpq is ${compact} bytes, not a third of quick.json's ${float_json}")
endif()
execute_process(COMMAND ${PROGRAM} --model ${OUT}/quick.bpq ${ARGS} --out ${OUT}/compact
                        --force --summary ${OUT}/compact_summary.json
                RESULT_VARIABLE status OUTPUT_VARIABLE output ERROR_VARIABLE output)
if(NOT status EQUAL 0 OR NOT output MATCHES "8-bit model .*quick.bpq loaded")
  message(FATAL_ERROR "bach_tokens --model quick.bpq failed (${status}):\n${output}")
endif()
file(READ "${OUT}/quantised_summary.json" at_load)
file(READ "${OUT}/compact_summary.json" from_file)
foreach(key tokens durations)
  string(JSON a GET "${at_load}" generation ${key})
  string(JSON b GET "${from_file}" generation ${key})
  if(NOT a STREQUAL b)
    message(FATAL_ERROR "the compact file generated other ${key}:\n${b}\nthan the model "
                        "quantised at load:\n${a}")
  endif()
endforeach()
message(STATUS "compact file checked: ${compact} bytes against ${float_json} of JSON, the same "
               "tokens as the model quantised at load")
