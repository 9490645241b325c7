// ownerlock — `ownerlock firmware ...` (firmware.c).
#ifndef OWNERLOCK_TOOL_FIRMWARE_H
#define OWNERLOCK_TOOL_FIRMWARE_H

// argv[0] is the subcommand (keygen, sign, verify, show); the exit status.
int firmware_main(int argc, char **argv);

#endif
