// ownerlock — `ownerlock audit ...` (audit.c).
#ifndef OWNERLOCK_TOOL_AUDIT_H
#define OWNERLOCK_TOOL_AUDIT_H

// argv[0] is the subcommand (keygen, verify); the exit status.
int audit_main(int argc, char **argv);

#endif
