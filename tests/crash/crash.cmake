# Self-test of crash/crash_release (tests/crash/crash_release.c): the library
# is built twice more, each with one flaw of ordering planted in
# src/core/onetime.c (OL_CRASH_TEST_FLAW=N, TEST ONLY), and a cut between the
# two writes it swaps must fail the test:
#   1  the release turns one-time codes off before saving its code's counter:
#      off, and the release code works again once the key comes back
#   2  OTC_SET saves the key before raising the counter to the file's: the key
#      with the lock's old counter, so codes issued below the file's open
# A test passes only if its program exits 1 and printed that failure: another
# one does not count, and a crash or a sanitizer report exits otherwise.
set(OL_CRASH_WANT_1 "off, and the release code's counter not used")
set(OL_CRASH_WANT_2 "the key kept with a counter below the file's")
foreach(n 1 2)
  add_library(ownerlock_crash_flaw_${n} STATIC ${OL_CORE_SRC} ${OL_BUILTIN_SRC})
  target_include_directories(ownerlock_crash_flaw_${n} PUBLIC include PRIVATE src)
  target_compile_options(ownerlock_crash_flaw_${n} PRIVATE -ffreestanding
                         -DOL_CRASH_TEST_FLAW=${n})
  add_executable(crash_release_flaw_${n} ${CMAKE_CURRENT_LIST_DIR}/crash_release.c)
  target_include_directories(crash_release_flaw_${n} PRIVATE ${CMAKE_SOURCE_DIR}/tests/unit
                             ${CMAKE_SOURCE_DIR}/src)
  target_link_libraries(crash_release_flaw_${n} PRIVATE ownerlock_crash_flaw_${n} ownerlock_host m)
  add_test(NAME must-fail/crash_release_flaw_${n}
           COMMAND sh -c "\"$0\" > \"$0.out\" 2>&1; status=$?; tail -n 20 \"$0.out\"; test $status -eq 1 && grep -qF \"$1\" \"$0.out\""
                   $<TARGET_FILE:crash_release_flaw_${n}> "${OL_CRASH_WANT_${n}}")
endforeach()
