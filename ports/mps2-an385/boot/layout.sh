# ownerlock — mps2-an385: what the QEMU boot tests share (sourced by
# run-boot-tests.sh, run-update-tests.sh, run-cut-tests.sh and size.sh): the
# flash file's layout as config.h's defaults make it, an erased flash file, and
# the TEST signing key the bootloader build pins (made once in TARGET_BUILD).
SECTOR=4096
FIRST=54 # OL_BOOT_FIRST_SECTOR
SLOT=13  # OL_BOOT_SLOT_SECTORS
SECTORS=$((FIRST + 3 * SLOT + 2))

# blank_flash FILE: every byte erased (0xFF), as a new board's flash.
blank_flash() { head -c $((SECTORS * SECTOR)) /dev/zero | tr '\000' '\377' >"$1"; }

# test_key TOOL TARGET_BUILD: the TEST key pair in TARGET_BUILD, made if missing;
# sets key to the secret key's path.
test_key() {
    key="$2/TEST-signing.key"
    [ -f "$key" ] || "$1" firmware keygen "$key" >"$2/TEST-signing.pub"
}
