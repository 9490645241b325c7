# CMake toolchain file: bare-metal Arm (Cortex-M) with the GNU Arm Embedded
# toolchain (Debian: gcc-arm-none-eabi, libnewlib-arm-none-eabi).
#
#   cmake -S ports/mps2-an385 -B build-an385 \
#         -DCMAKE_TOOLCHAIN_FILE=$PWD/cmake/arm-none-eabi.cmake
#
# Only the compiler and the system are set here; the CPU flags belong to the
# board (ports/<board>/CMakeLists.txt), so one toolchain file serves every
# Cortex-M port.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

set(OL_CROSS_PREFIX "arm-none-eabi-" CACHE STRING "Prefix of the cross tools")

set(CMAKE_C_COMPILER ${OL_CROSS_PREFIX}gcc)
set(CMAKE_ASM_COMPILER ${OL_CROSS_PREFIX}gcc)
set(CMAKE_AR ${OL_CROSS_PREFIX}ar)
set(CMAKE_RANLIB ${OL_CROSS_PREFIX}ranlib)
set(CMAKE_OBJCOPY ${OL_CROSS_PREFIX}objcopy)
set(CMAKE_SIZE ${OL_CROSS_PREFIX}size)
set(CMAKE_NM ${OL_CROSS_PREFIX}nm)

# There is no OS to run a test executable on: let CMake's compiler check build
# a static library instead of linking a program without startup code.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
