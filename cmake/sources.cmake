# The firmware library's sources, listed once for every build that compiles
# them: the host build (CMakeLists.txt), the target build
# (ports/mps2-an385/CMakeLists.txt), the fuzz build (fuzz/CMakeLists.txt) and
# the system tests' keypad rig (ports/mps2-an385/systest/CMakeLists.txt).
#
#   OL_CORE_SRC       the library but its crypto backend: src (ol_err_name), src/core, src/store,
#                     src/crypto/*.c, src/link, src/frontend, src/image,
#                     src/boot, src/otc
#   OL_BUILTIN_SRC    the built-in crypto backend (portable C; the firmware's)
#   OL_SODIUM_SRC     the libsodium crypto backend (host only)
#   OL_HOST_PORT_SRC  the host port (ports/host)
#   OL_COMMON_SRC     what the simulator and the tests share (tools/common): the
#                     lock body and the keypad unit on a simulated cable
#                     (safe_rig), a growable array (grow)
#   OL_REPORT_SRC     what the owner's tool and the fleet service share (tools/common,
#                     host only, not in OL_COMMON_SRC): the audit report (audit_report)
#                     and the growing text it is written into (text_buffer)
#   OL_ROOT           the source tree
get_filename_component(OL_ROOT ${CMAKE_CURRENT_LIST_DIR}/.. ABSOLUTE)
file(GLOB OL_CORE_SRC CONFIGURE_DEPENDS
     ${OL_ROOT}/src/*.c ${OL_ROOT}/src/core/*.c ${OL_ROOT}/src/store/*.c ${OL_ROOT}/src/crypto/*.c
     ${OL_ROOT}/src/link/*.c ${OL_ROOT}/src/frontend/*.c ${OL_ROOT}/src/image/*.c
     ${OL_ROOT}/src/boot/*.c ${OL_ROOT}/src/otc/*.c)
file(GLOB OL_BUILTIN_SRC CONFIGURE_DEPENDS ${OL_ROOT}/src/crypto/builtin/*.c)
file(GLOB OL_SODIUM_SRC CONFIGURE_DEPENDS ${OL_ROOT}/src/crypto/sodium/*.c)
file(GLOB OL_HOST_PORT_SRC CONFIGURE_DEPENDS ${OL_ROOT}/ports/host/*.c)
file(GLOB OL_COMMON_SRC CONFIGURE_DEPENDS ${OL_ROOT}/tools/common/*.c)
set(OL_REPORT_SRC ${OL_ROOT}/tools/common/audit_report.c ${OL_ROOT}/tools/common/text_buffer.c)
list(REMOVE_ITEM OL_COMMON_SRC ${OL_REPORT_SRC})
