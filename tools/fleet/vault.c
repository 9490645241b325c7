// ownerlock-fleet — secrets: the owner's key-encryption key, the locks' OTC
// keys at rest, the dispatchers' passwords.
//
// An OTC key is stored only as crypto_aead_xchacha20poly1305_ietf under the
// owner's key, with a random nonce per box (192 bits: random is safe) and the
// lock number in the associated data: a box copied to another lock's row does
// not open there. Secrets are read with read(2), never through stdio, and
// every buffer that held one is wiped before it goes out of scope.
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1 // read, isatty, tcgetattr: POSIX, beyond ISO C
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "hexdigit.h"
#include "fleet.h"

#define OTC_KEY_AD "ownerlock fleet otc key 1"
#define KEY_CHECK_AD "ownerlock fleet key check 1"

void hex_encode(char *out, const uint8_t *in, size_t len) {
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * len] = '\0';
}

int hex_decode(uint8_t *out, size_t len, const char *hex) {
    for (size_t i = 0; i < len; i++) {
        int hi = hex_digit_value(hex[2 * i]);
        int lo = hi < 0 ? -1 : hex_digit_value(hex[2 * i + 1]);
        if (lo < 0) {
            return -1;
        }
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return hex[2 * len] == '\0' ? 0 : -1;
}

fleet_status vault_load_kek(fleet *f) {
    const char *path = getenv("OWNERLOCK_FLEET_KEY");
    if (path == NULL || path[0] == '\0') {
        fleet_say("OWNERLOCK_FLEET_KEY is not set: it names the file that holds the owner's "
                  "key (64 hex digits)");
        return FLEET_INPUT;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fleet_say("OWNERLOCK_FLEET_KEY: %s: %s", path, strerror(errno));
        return FLEET_INPUT;
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        fleet_say("OWNERLOCK_FLEET_KEY: %s: not a regular file", path);
        close(fd);
        return FLEET_INPUT;
    }
    // A key anyone on the machine can read is no longer the owner's alone.
    if ((sb.st_mode & (S_IROTH | S_IWOTH)) != 0) {
        fleet_say("OWNERLOCK_FLEET_KEY: %s: others may read or write it (chmod 600 it)", path);
        close(fd);
        return FLEET_INPUT;
    }
    // 64 digits and a newline fit; anything longer is not a key.
    char buf[80];
    size_t len = 0;
    for (;;) {
        ssize_t r = read(fd, buf + len, sizeof buf - len);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r < 0) {
            fleet_say("OWNERLOCK_FLEET_KEY: %s: %s", path, strerror(errno));
            close(fd);
            sodium_memzero(buf, sizeof buf);
            return FLEET_INPUT;
        }
        if (r == 0 || (len += (size_t)r) == sizeof buf) {
            break;
        }
    }
    close(fd);
    while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r')) {
        len--;
    }
    fleet_status st = FLEET_OK;
    if (len != 2 * FLEET_KEK_BYTES) {
        st = FLEET_INPUT;
    } else {
        buf[len] = '\0';
        if (hex_decode(f->kek, FLEET_KEK_BYTES, buf) != 0) {
            st = FLEET_INPUT;
        }
    }
    sodium_memzero(buf, sizeof buf);
    if (st != FLEET_OK) {
        sodium_memzero(f->kek, sizeof f->kek);
        // Never what the file holds: it may be a key with a typo.
        fleet_say("OWNERLOCK_FLEET_KEY: %s: not a key (64 hex digits, one line)", path);
        return st;
    }
    f->have_kek = true;
    return FLEET_OK;
}

fleet_status vault_make_check(const fleet *f, char nonce_hex[FLEET_NONCE_HEX],
                              char tag_hex[FLEET_TAG_HEX]) {
    uint8_t nonce[FLEET_SEAL_NONCE_BYTES], tag[FLEET_SEAL_TAG_BYTES];
    unsigned long long tag_len;
    randombytes_buf(nonce, sizeof nonce);
    crypto_aead_xchacha20poly1305_ietf_encrypt(tag, &tag_len, NULL, 0,
                                               (const uint8_t *)KEY_CHECK_AD,
                                               sizeof KEY_CHECK_AD - 1, NULL, nonce, f->kek);
    hex_encode(nonce_hex, nonce, sizeof nonce);
    hex_encode(tag_hex, tag, sizeof tag);
    return FLEET_OK;
}

fleet_status vault_verify_check(const fleet *f, const char *nonce_hex, const char *tag_hex) {
    uint8_t nonce[FLEET_SEAL_NONCE_BYTES], tag[FLEET_SEAL_TAG_BYTES];
    if (hex_decode(nonce, sizeof nonce, nonce_hex) != 0 ||
        hex_decode(tag, sizeof tag, tag_hex) != 0) {
        fleet_say("the database's key check is damaged (fleet.meta)");
        return FLEET_SYSTEM;
    }
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(NULL, NULL, NULL, tag, sizeof tag,
                                                   (const uint8_t *)KEY_CHECK_AD,
                                                   sizeof KEY_CHECK_AD - 1, nonce, f->kek) != 0) {
        fleet_say("OWNERLOCK_FLEET_KEY: not the key this fleet database was set up with");
        return FLEET_INPUT;
    }
    return FLEET_OK;
}

static void otc_key_ad(uint8_t ad[sizeof OTC_KEY_AD - 1 + 4], uint32_t lock) {
    memcpy(ad, OTC_KEY_AD, sizeof OTC_KEY_AD - 1);
    for (int i = 0; i < 4; i++) {
        ad[sizeof OTC_KEY_AD - 1 + (size_t)i] = (uint8_t)(lock >> (8 * i));
    }
}

fleet_status vault_new_otc_key(const fleet *f, uint32_t lock, char nonce_hex[FLEET_NONCE_HEX],
                               char box_hex[FLEET_KEY_BOX_HEX]) {
    uint8_t key[OL_OTC_KEY_BYTES], nonce[FLEET_SEAL_NONCE_BYTES], box[FLEET_KEY_BOX_BYTES];
    uint8_t ad[sizeof OTC_KEY_AD - 1 + 4];
    unsigned long long box_len;
    randombytes_buf(key, sizeof key);
    randombytes_buf(nonce, sizeof nonce);
    otc_key_ad(ad, lock);
    crypto_aead_xchacha20poly1305_ietf_encrypt(box, &box_len, key, sizeof key, ad, sizeof ad, NULL,
                                               nonce, f->kek);
    sodium_memzero(key, sizeof key);
    hex_encode(nonce_hex, nonce, sizeof nonce);
    hex_encode(box_hex, box, sizeof box);
    return FLEET_OK;
}

fleet_status vault_open_otc_key(const fleet *f, uint32_t lock, const char *nonce_hex,
                                const char *box_hex, uint8_t key[OL_OTC_KEY_BYTES]) {
    uint8_t nonce[FLEET_SEAL_NONCE_BYTES], box[FLEET_KEY_BOX_BYTES];
    uint8_t ad[sizeof OTC_KEY_AD - 1 + 4];
    if (hex_decode(nonce, sizeof nonce, nonce_hex) != 0 ||
        hex_decode(box, sizeof box, box_hex) != 0) {
        fleet_say("lock %lu: its stored key has the wrong size", (unsigned long)lock);
        return FLEET_SYSTEM;
    }
    otc_key_ad(ad, lock);
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(key, NULL, NULL, box, sizeof box, ad, sizeof ad,
                                                   nonce, f->kek) != 0) {
        sodium_memzero(key, OL_OTC_KEY_BYTES);
        // The owner's key passed the check: the row was altered or moved.
        fleet_say("lock %lu: its stored key does not open (altered, or another lock's)",
                  (unsigned long)lock);
        return FLEET_SYSTEM;
    }
    return FLEET_OK;
}

fleet_status vault_read_password(char pw[FLEET_PASSWORD_MAX + 1], const char *name) {
    struct termios saved, quiet;
    int tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
    if (tty) {
        fprintf(stderr, "password of %s: ", name);
        quiet = saved;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    size_t len = 0;
    int too_long = 0, failed = 0;
    for (;;) {
        char c;
        ssize_t r = read(STDIN_FILENO, &c, 1);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r < 0) {
            failed = 1;
            break;
        }
        if (r == 0 || c == '\n') {
            break;
        }
        if (len < FLEET_PASSWORD_MAX) {
            pw[len++] = c;
        } else {
            too_long = 1;
        }
    }
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
        fputc('\n', stderr);
    }
    if (len > 0 && pw[len - 1] == '\r') {
        len--;
    }
    pw[len] = '\0';
    if (failed) {
        fleet_say("cannot read the password from standard input: %s", strerror(errno));
        sodium_memzero(pw, FLEET_PASSWORD_MAX + 1);
        return FLEET_SYSTEM;
    }
    if (too_long || len == 0) {
        fleet_say(too_long ? "the password is longer than %d bytes"
                           : "no password on standard input (one line; %d bytes at most)",
                  FLEET_PASSWORD_MAX);
        sodium_memzero(pw, FLEET_PASSWORD_MAX + 1);
        return FLEET_INPUT;
    }
    return FLEET_OK;
}

fleet_status vault_hash_password(char *out, size_t out_len, const char *pw) {
    if (out_len < crypto_pwhash_STRBYTES) {
        return FLEET_SYSTEM;
    }
    // The interactive limits (64 MiB, a fraction of a second): a dispatcher
    // waits for each check; an offline guesser pays the same per guess.
    if (crypto_pwhash_str(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        fleet_say("cannot hash the password: out of memory");
        return FLEET_SYSTEM;
    }
    return FLEET_OK;
}

bool vault_password_ok(const char *stored, const char *pw) {
    return crypto_pwhash_str_verify(stored, pw, strlen(pw)) == 0;
}

// crypto_kdf's context (8 bytes) for the key of the names' tags: a key of its
// own, never the one that seals the OTC keys; the action chain's likewise.
#define NAME_TAG_CONTEXT "olfnames"
#define ACTION_TAG_CONTEXT "olfchain"

fleet_status vault_action_tag(const fleet *f, const uint8_t hash[32], uint8_t tag[32]) {
    if (!f->have_kek) {
        fleet_say("internal: an action's tag needs the owner's key");
        return FLEET_SYSTEM;
    }
    uint8_t key[crypto_auth_hmacsha256_KEYBYTES];
    crypto_kdf_derive_from_key(key, sizeof key, 2, ACTION_TAG_CONTEXT, f->kek);
    crypto_auth_hmacsha256(tag, hash, 32, key);
    sodium_memzero(key, sizeof key);
    return FLEET_OK;
}

fleet_status vault_name_tag(const fleet *f, const char *name, char tag_hex[FLEET_NAME_TAG_HEX]) {
    if (!f->have_kek) {
        fleet_say("internal: a name's tag needs the owner's key");
        return FLEET_SYSTEM;
    }
    uint8_t key[crypto_generichash_KEYBYTES], tag[FLEET_NAME_TAG_BYTES];
    crypto_kdf_derive_from_key(key, sizeof key, 1, NAME_TAG_CONTEXT, f->kek);
    crypto_generichash(tag, sizeof tag, (const uint8_t *)name, strlen(name), key, sizeof key);
    hex_encode(tag_hex, tag, sizeof tag);
    sodium_memzero(key, sizeof key);
    sodium_memzero(tag, sizeof tag);
    return FLEET_OK;
}
