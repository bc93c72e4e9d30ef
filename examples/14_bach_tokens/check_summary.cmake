# Checks a bach_tokens summary (cmake -DSUMMARY=FILE [-DLSTM_WINS=ON] -P check_summary.cmake):
# the validation perplexity of the LSTM and of the Markov chain (numbers ≥ 1 and below twice the
# vocabulary's size: no infinite perplexity), their accuracies, the token counts and the
# vocabulary's size; the 8-bit model at least 3 times smaller than the float one and choosing
# its likeliest token in at least 95% of the validation steps; with LSTM_WINS, the LSTM's
# perplexity must be the lower.
cmake_minimum_required(VERSION 3.19)  # string(JSON)
if(NOT EXISTS "${SUMMARY}")
  message(STATUS "no summary: the run found no data")  # the test is then skipped
  return()
endif()
include(${CMAKE_CURRENT_LIST_DIR}/../common/summary_checks.cmake)  # summary, require_number
foreach(key train_tokens valid_tokens vocabulary_size train_pieces valid_pieces)
  require_number(data ${key})
endforeach()
string(JSON vocabulary GET "${summary}" data vocabulary_size)
math(EXPR most "2 * ${vocabulary}")
foreach(model lstm markov)
  require_number(validation_perplexity ${model})
  require_number(${model} validation_perplexity)
  require_number(${model} validation_accuracy)
  string(JSON perplexity GET "${summary}" validation_perplexity ${model})
  if(perplexity LESS 1 OR perplexity GREATER ${most})
    message(FATAL_ERROR "${SUMMARY}: the ${model}'s validation perplexity is ${perplexity}")
  endif()
  set(${model}_perplexity ${perplexity})
endforeach()
require_number(lstm validation_duration_perplexity)
require_number(generation step_ms)
foreach(key ratio argmax_agreement step_ms float_step_ms)
  require_number(quantised ${key})
endforeach()
string(JSON ratio GET "${summary}" quantised ratio)
string(JSON agreement GET "${summary}" quantised argmax_agreement)
if(ratio LESS 3 OR agreement LESS 0.95)
  message(FATAL_ERROR "${SUMMARY}: the 8-bit model is ${ratio} times smaller (at least 3 "
                      "expected) and agrees in ${agreement} of the steps (at least 0.95 expected)")
endif()
if(LSTM_WINS AND NOT lstm_perplexity LESS markov_perplexity)
  message(FATAL_ERROR "${SUMMARY}: the LSTM's validation perplexity ${lstm_perplexity} is not "
                      "below the Markov chain's ${markov_perplexity}")
endif()
message(STATUS "summary checked: validation perplexity LSTM ${lstm_perplexity}, Markov "
               "${markov_perplexity}, ${vocabulary} tokens; 8 bits ${ratio} times smaller, "
               "agreeing in ${agreement}")
