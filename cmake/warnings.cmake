# The warnings every C file is built with, host and target, as errors. The set
# itself is cmake/warnings.txt, one line, which the shell scripts that compile
# a host helper (bench/run-bench.sh, tests/fault/run.sh) read too.
file(STRINGS ${CMAKE_CURRENT_LIST_DIR}/warnings.txt OL_WARNINGS LIMIT_COUNT 1)
separate_arguments(OL_WARNINGS UNIX_COMMAND "${OL_WARNINGS}")
add_compile_options(${OL_WARNINGS})
