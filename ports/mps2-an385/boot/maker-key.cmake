# ownerlock — writes maker_key.h (OL_MAKER_KEY, the bootloader's pinned-by-
# default Ed25519 public key) from a file of 64 hex digits (`ownerlock
# firmware keygen`'s output). usage: cmake -DIN=PUB -DOUT=maker_key.h -P maker-key.cmake
file(READ ${IN} hex)
string(STRIP "${hex}" hex)
string(LENGTH "${hex}" n)
if(NOT n EQUAL 64 OR NOT hex MATCHES "^[0-9a-fA-F]+$")
  message(FATAL_ERROR "${IN}: not a public key (64 hex digits)")
endif()
string(REGEX REPLACE "([0-9a-fA-F][0-9a-fA-F])" "0x\\1," bytes "${hex}")
file(WRITE ${OUT} "// Generated from ${IN} by maker-key.cmake: do not edit.\n#define OL_MAKER_KEY ${bytes}\n")
