# One test program per module: every tests/test_*.c is built and registered
# with CTest under the label "unit"; every tests/validation/test_*.c under
# "validation". selsim_test() also registers programs by hand with another
# label, timeout, arguments or libraries.
#
# LIBS is the library the test links: the layer it tests (which brings the
# layers below it, CMakeLists.txt). A test links only what its layer may
# use, so a test of policies/ that reached into models/ fails to link. The
# default is experiments, the top layer: a globbed test of a lower layer
# declares its layer in SELSIM_TEST_LIBS below.
function(selsim_test name)
  cmake_parse_arguments(T "" "LABEL;TIMEOUT" "SOURCES;ARGS;LIBS" ${ARGN})
  if(NOT T_LABEL)
    set(T_LABEL unit)
  endif()
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  if(NOT T_LIBS)
    set(T_LIBS experiments)
  endif()
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS})
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/tests)
  add_test(NAME ${name} COMMAND ${name} ${T_ARGS}
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(${name} PROPERTIES TIMEOUT ${T_TIMEOUT} LABELS ${T_LABEL})
endfunction()

# The layer each globbed test of a lower layer links (test name, library);
# a test not listed links experiments.
set(SELSIM_TEST_LIBS
  # sim/
  test_engine              sim
  test_rng                 sim
  test_time                sim
  # policies/
  test_backoff             policies
  test_k3s_lb              policies
  test_k3s_shuffle         policies
  test_outlier             policies
  test_policies_load       policies
  test_policies_simple     policies
  test_policy_registry     policies
  test_policy_contract     policies
  test_policies_addrs      policies
  # models/
  test_dist                models
  test_jitter_study        models   # validation/
  test_queueing            models   # validation/
)
# test_policies_world, test_world and test_sweep build worlds from specs
# (experiments/spec.h, runner.h): they stay on experiments with test_output,
# test_plot, test_spec and test_stats.

function(selsim_test_libs name out)
  list(FIND SELSIM_TEST_LIBS ${name} i)
  if(i EQUAL -1)
    set(${out} experiments PARENT_SCOPE)
  else()
    math(EXPR i "${i} + 1")
    list(GET SELSIM_TEST_LIBS ${i} lib)
    set(${out} ${lib} PARENT_SCOPE)
  endif()
endfunction()

file(GLOB UNIT_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/test_*.c)
foreach(src ${UNIT_TESTS})
  get_filename_component(name ${src} NAME_WE)
  selsim_test_libs(${name} libs)
  selsim_test(${name} SOURCES ${src} LIBS ${libs})
endforeach()

file(GLOB VALIDATION_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/validation/test_*.c)
foreach(src ${VALIDATION_TESTS})
  get_filename_component(name ${src} NAME_WE)
  selsim_test_libs(${name} libs)
  selsim_test(${name} LABEL validation TIMEOUT 900 SOURCES ${src} LIBS ${libs})
endforeach()

# The command line, end to end: tests/cli/*.sh get the selsim binary's path.
file(GLOB CLI_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/cli/*.sh)
foreach(src ${CLI_TESTS})
  get_filename_component(name ${src} NAME_WE)
  add_test(NAME cli_${name} COMMAND bash ${src} $<TARGET_FILE:selsim>
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(cli_${name} PROPERTIES TIMEOUT 300 LABELS cli)
endforeach()
# cli_resume runs selsim some 40 times, five of them 2,000 scenarios:
# slow under ASan on a loaded machine
set_tests_properties(cli_resume PROPERTIES TIMEOUT 900)
# cli_report runs gnuplot on every plot of every shipped spec (the failover
# specs add 3-4 each): about 150 s on a loaded 2-core machine, 25 s of it
# CPU; over 300 s when five builds share it, or under ASan
set_tests_properties(cli_report PROPERTIES TIMEOUT 900)

# Plug-in policies: test_plugin loads the example module and broken ones,
# tests/plugin/bad_plugin.c built once per -DBAD_<case> (not globbed: it
# takes arguments). It exports its symbols, as selsim does, for the
# modules to call.
set(BAD_PLUGINS version noversion empty noname nomethod ownmax builtin dupe
    second wrongnext)
set(BAD_PLUGIN_TARGETS)
foreach(bad ${BAD_PLUGINS})
  add_library(selsim-bad-plugin-${bad} MODULE tests/plugin/bad_plugin.c)
  target_compile_definitions(selsim-bad-plugin-${bad} PRIVATE BAD_${bad})
  target_include_directories(selsim-bad-plugin-${bad} PRIVATE
    ${CMAKE_SOURCE_DIR} ${GLIB_INCLUDE_DIRS} ${GSL_INCLUDE_DIRS})
  list(APPEND BAD_PLUGIN_TARGETS selsim-bad-plugin-${bad})
endforeach()
selsim_test(test_plugin SOURCES tests/plugin/test_plugin.c LIBS policies
  ARGS $<TARGET_FILE:selsim-example-policy>
       $<TARGET_FILE_DIR:selsim-bad-plugin-version>)
set_target_properties(test_plugin PROPERTIES ENABLE_EXPORTS ON)
add_dependencies(test_plugin selsim-example-policy ${BAD_PLUGIN_TARGETS})

# models/ calls only downward: no model file calls one of its own layer or
# above (the order in models/world.h), read from the objects with nm.
add_test(NAME model_layers COMMAND bash ${CMAKE_SOURCE_DIR}/tests/model_layers.sh
         ${CMAKE_BINARY_DIR} WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(model_layers PROPERTIES TIMEOUT 60 LABELS unit)
include(tests/fuzz/fuzz.cmake)
include(tests/valgrind/valgrind.cmake)
