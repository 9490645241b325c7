// ownerlock — `ownerlock audit ...` (audit.c).
#ifndef OWNERLOCK_TOOL_AUDIT_H
#define OWNERLOCK_TOOL_AUDIT_H

#include <stddef.h>
#include <stdint.h>

// argv[0] is the subcommand (keygen, verify); the exit status.
int audit_main(int argc, char **argv);

// For the tests: the check of `ownerlock audit verify` (parse, the owner's
// key, every tag, the MAC) over an export in memory, silently; its status.
int audit_check_buffer(const char *export_text, size_t len, const uint8_t secret[32]);

#endif
