# Fuzzing (tests/fuzz/fuzz.h). One harness per loader; HARNESS_SEEDS are
# the seed corpora `make fuzz` starts from and the replay tests feed too.
#
#   fuzz_replay_NAME (CTest, label unit): the harness built with the normal
#     compiler and tests/fuzz/replay.c, fed every file of
#     tests/fuzz/regressions/NAME/ (each a crash once found, now fixed) and
#     of the seed corpus.
#   fuzz_NAME (only with -DSELSIM_FUZZ=ON and clang, `make fuzz`): the
#     harness with libFuzzer.
#
# The checkpoint journal's reader: tests/fuzz/fuzz_journal.c feeds
# journal_parse(); its seeds are a shard's run.journal, whole and cut
# mid-record, of both statistics modes, and a compacted one (format 4).
set(FUZZ_HARNESSES spec study results journal)
set(FUZZ_SEEDS_spec ${CMAKE_SOURCE_DIR}/experiments/specs)
set(FUZZ_SEEDS_study ${CMAKE_SOURCE_DIR}/experiments/specs)
set(FUZZ_SEEDS_results ${CMAKE_SOURCE_DIR}/tests/fuzz/seeds/results)
set(FUZZ_SEEDS_journal ${CMAKE_SOURCE_DIR}/tests/fuzz/seeds/journal)

foreach(h ${FUZZ_HARNESSES})
  if(SELSIM_FUZZ)
    add_executable(fuzz_${h} ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_${h}.c)
    target_link_libraries(fuzz_${h} PRIVATE experiments)
    target_include_directories(fuzz_${h} PRIVATE ${CMAKE_SOURCE_DIR})
    target_link_options(fuzz_${h} PRIVATE -fsanitize=fuzzer)
  endif()
  selsim_test(fuzz_replay_${h}
    SOURCES ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_${h}.c
            ${CMAKE_SOURCE_DIR}/tests/fuzz/replay.c
    ARGS ${CMAKE_SOURCE_DIR}/tests/fuzz/regressions/${h} ${FUZZ_SEEDS_${h}})
endforeach()
