# One test program per module: every tests/test_*.c is built and registered
# with CTest under the label "unit"; every tests/validation/test_*.c under
# "validation". selsim_test() also registers programs by hand with another
# label, timeout or arguments.
function(selsim_test name)
  cmake_parse_arguments(T "" "LABEL;TIMEOUT" "SOURCES;ARGS" ${ARGN})
  if(NOT T_LABEL)
    set(T_LABEL unit)
  endif()
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE experiments)
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/tests)
  add_test(NAME ${name} COMMAND ${name} ${T_ARGS}
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(${name} PROPERTIES TIMEOUT ${T_TIMEOUT} LABELS ${T_LABEL})
endfunction()

file(GLOB UNIT_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/test_*.c)
foreach(src ${UNIT_TESTS})
  get_filename_component(name ${src} NAME_WE)
  selsim_test(${name} SOURCES ${src})
endforeach()

file(GLOB VALIDATION_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/validation/test_*.c)
foreach(src ${VALIDATION_TESTS})
  get_filename_component(name ${src} NAME_WE)
  selsim_test(${name} LABEL validation TIMEOUT 900 SOURCES ${src})
endforeach()

# The command line, end to end: tests/cli/*.sh get the selsim binary's path.
file(GLOB CLI_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/cli/*.sh)
foreach(src ${CLI_TESTS})
  get_filename_component(name ${src} NAME_WE)
  add_test(NAME cli_${name} COMMAND bash ${src} $<TARGET_FILE:selsim>
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(cli_${name} PROPERTIES TIMEOUT 300 LABELS cli)
endforeach()

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
selsim_test(test_plugin SOURCES tests/plugin/test_plugin.c
  ARGS $<TARGET_FILE:selsim-example-policy>
       $<TARGET_FILE_DIR:selsim-bad-plugin-version>)
set_target_properties(test_plugin PROPERTIES ENABLE_EXPORTS ON)
add_dependencies(test_plugin selsim-example-policy ${BAD_PLUGIN_TARGETS})
