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
  selsim_test(${name} LABEL validation SOURCES ${src})
endforeach()

# The command line, end to end: tests/cli/*.sh get the selsim binary's path.
file(GLOB CLI_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/cli/*.sh)
foreach(src ${CLI_TESTS})
  get_filename_component(name ${src} NAME_WE)
  add_test(NAME cli_${name} COMMAND bash ${src} $<TARGET_FILE:selsim>
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(cli_${name} PROPERTIES TIMEOUT 300 LABELS cli)
endforeach()
