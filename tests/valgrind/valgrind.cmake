# valgrind memcheck on a short run of every shipped experiment and study
# (tests/valgrind/memcheck.sh), label "valgrind"; skipped (exit 77) when
# valgrind is absent. `make test` installs valgrind (TEST_PACKAGES) and
# runs them with the rest.
# Not in a sanitizer or fuzz build: valgrind cannot run ASan's programs.
if(SELSIM_SANITIZE OR SELSIM_FUZZ)
  return()
endif()
file(GLOB SHIPPED_SPECS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/experiments/specs/*.json)
foreach(spec ${SHIPPED_SPECS})
  get_filename_component(name ${spec} NAME_WE)
  add_test(NAME valgrind_${name}
           COMMAND bash ${CMAKE_SOURCE_DIR}/tests/valgrind/memcheck.sh
                   $<TARGET_FILE:selsim> ${spec}
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(valgrind_${name} PROPERTIES TIMEOUT 300
                       LABELS valgrind SKIP_RETURN_CODE 77)
endforeach()
