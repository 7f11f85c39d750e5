# One test program per module. selsim_test(NAME LABEL label SOURCES ...)
# builds tests/NAME from its sources, links every layer, and registers it
# with CTest under a timeout and a label.
function(selsim_test name)
  cmake_parse_arguments(T "" "LABEL;TIMEOUT" "SOURCES;ARGS" ${ARGN})
  if(NOT T_LABEL)
    set(T_LABEL unit)
  endif()
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE experiments)
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/tests)
  add_test(NAME ${name} COMMAND ${name} ${T_ARGS}
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(${name} PROPERTIES TIMEOUT ${T_TIMEOUT} LABELS ${T_LABEL})
endfunction()

selsim_test(test_time   SOURCES tests/test_time.c)
selsim_test(test_engine SOURCES tests/test_engine.c)
selsim_test(test_rng    SOURCES tests/test_rng.c)

# The CLI, end to end: a short bench must run and print its lines.
add_test(NAME cli_bench COMMAND selsim bench --events 20000 --sizes 10,1000)
set_tests_properties(cli_bench PROPERTIES TIMEOUT 60 LABELS cli
  PASS_REGULAR_EXPRESSION "pending=1000 engine_events_per_s=[0-9]+ baseline_events_per_s=[0-9]+ ratio=[0-9.]+")
