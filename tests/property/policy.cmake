# Self-test of property/policy_search (tests/property/policy_search.c): the
# engine is built six more times, each with one old flaw brought back
# (OL_REGRESS_FINDING=N, see src/core), and the search must find each:
#   1  TOO LIKE ANOTHER costs nothing, and a function login clears the count
#   2  *11 with fewer hours replaces the running time lock
#   3  *13 override accepted from a lone manager outside a window
#   4  the recovery code shown stays behind a shut door, kept without type-back
#   5  plain mode's limit does not count duress variants (docs/POLICY.md, "How
#      many codes"): *06 turns duress on with 5 codes, *02 enrols a fifth
#   6  an opening forgives every wrong try, as before outside evaluation 7
#      (docs/POLICY.md, "Wrong tries": only as many as the lock has earned, one
#      per day of powered time): the guesses before it wiped by any opening
# A test passes only if its program exits 1 (what the search returns when it
# found the violation asked for with --want) and printed a violation of that
# kind: another difference met on the way does not count, and a crash or a
# sanitizer report exits otherwise and fails it. Sanitizers are off in these
# libraries only.
set(OL_POLICY_WANT_1 "wrong-try count")
set(OL_POLICY_WANT_2 "*11 shortened the running time lock")
set(OL_POLICY_WANT_3 "relaxing *13 accepted while not served")
set(OL_POLICY_WANT_4 "recovery code")
set(OL_POLICY_WANT_5 "TOO MANY CODES not refused")
set(OL_POLICY_WANT_6 "wrong tries taken back by an opening: the model took back 0")
foreach(n 1 2 3 4 5 6)
  add_library(ownerlock_regress_${n} STATIC ${OL_CORE_SRC} ${OL_BUILTIN_SRC})
  target_include_directories(ownerlock_regress_${n} PUBLIC include PRIVATE src)
  target_compile_options(ownerlock_regress_${n} PRIVATE -ffreestanding -fno-sanitize=all
                         -DOL_REGRESS_FINDING=${n})
  add_executable(policy_search_regress_${n} ${CMAKE_CURRENT_LIST_DIR}/policy_search.c)
  target_include_directories(policy_search_regress_${n} PRIVATE ${CMAKE_CURRENT_LIST_DIR}
                             ${CMAKE_SOURCE_DIR}/tests/unit)
  target_link_libraries(policy_search_regress_${n} PRIVATE ownerlock_regress_${n} ownerlock_host m)
  add_test(NAME property/policy_search_finds_${n}
           COMMAND sh -c "\"$0\" --first --want \"$1\" > \"$0.out\" 2>&1; status=$?; tail -n 60 \"$0.out\"; test $status -eq 1 && grep -qF \"VIOLATION [$1\" \"$0.out\""
                   $<TARGET_FILE:policy_search_regress_${n}> "${OL_POLICY_WANT_${n}}")
endforeach()
