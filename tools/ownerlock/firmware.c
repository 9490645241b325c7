// ownerlock — `ownerlock firmware`: signing keys, signed images, and their
// checks, on the owner's (or the maker's) computer (ownerlock/image.h). The
// check is the firmware's own code (ol_image_check, built-in Ed25519), so
// what this tool accepts is what a lock accepts; signing uses libsodium.
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1 // getrandom, fchmod: Linux and POSIX beyond ISO C
#endif
#include "firmware.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "ownerlock/image.h"

enum { DONE = 0, SYSTEM = 1, INPUT = 2 };

static const char help_text[] =
    "usage: ownerlock firmware keygen KEYFILE\n"
    "       ownerlock firmware sign --key KEYFILE --version N BODY IMAGE\n"
    "       ownerlock firmware verify --pub PUBLIC-KEY IMAGE\n"
    "       ownerlock firmware show IMAGE\n"
    "\n"
    "keygen  makes a new signing key: its secret into KEYFILE (a new file, readable\n"
    "        by you only; keep it offline), its public key on standard output,\n"
    "        64 hex digits: the key a lock pins to accept your images.\n"
    "sign    makes IMAGE from the program BODY (the linked binary): the header\n"
    "        with VERSION (1..4294967295; a lock never installs a lower one),\n"
    "        the body's SHA-256, and the signature by KEYFILE's key.\n"
    "verify  checks IMAGE as a lock does, against PUBLIC-KEY (64 hex digits):\n"
    "        its header, its length, its digest, its signature.\n"
    "show    prints IMAGE's version, size, digest and signer's key id, as the\n"
    "        lock shows them for you to compare before you confirm (unchecked).\n"
    "\n"
    "exit status: 0 done (verify: the image is good); 1 system error;\n"
    "             2 usage or input error, or the image is refused (the message\n"
    "             says why)\n";

static int fail(int status, const char *what, const char *detail) {
    fprintf(stderr, "ownerlock firmware: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    return status;
}

// The whole file into a new buffer (free it); NULL with errno on failure.
static uint8_t *read_file(const char *path, size_t *len, size_t cap) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    uint8_t *buf = malloc(cap + 1);
    size_t n = buf ? fread(buf, 1, cap + 1, f) : 0;
    int err = ferror(f) ? EIO : 0;
    fclose(f);
    if (buf == NULL || err || n > cap) {
        free(buf);
        errno = err ? err : EFBIG;
        return NULL;
    }
    *len = n;
    return buf;
}

static bool unhex32(uint8_t out[32], const char *hex) {
    size_t n = strlen(hex);
    while (n > 0 && (hex[n - 1] == '\n' || hex[n - 1] == '\r' || hex[n - 1] == ' ')) {
        n--;
    }
    if (n != 64) {
        return false;
    }
    for (size_t i = 0; i < 32; i++) {
        unsigned v;
        if (strspn(hex + 2 * i, "0123456789abcdefABCDEF") < 2 ||
            sscanf(hex + 2 * i, "%2x", &v) != 1) {
            return false;
        }
        out[i] = (uint8_t)v;
    }
    return true;
}

static void print_hex(const uint8_t *b, size_t n) {
    for (size_t i = 0; i < n; i++) {
        printf("%02x", b[i]);
    }
}

// The digest as the lock pages it: groups of 4 hex digits, 4 to a line.
static void print_groups(const uint8_t *b, size_t n) {
    for (size_t i = 0; i < n; i += 2) {
        printf("%02X%02X%s", b[i], b[i + 1], (i / 2) % 4 == 3 ? "\n" : " ");
    }
}

static void show(const ol_image_header *h) {
    printf("version   %lu\n", (unsigned long)h->version);
    printf("body      %lu bytes\n", (unsigned long)h->body_bytes);
    printf("signer    key id ");
    print_hex(h->key_id, sizeof h->key_id);
    printf("\ndigest    SHA-256 of the body:\n");
    print_groups(h->digest, sizeof h->digest);
}

// --key FILE's seed: the 32 bytes a key pair grows from (hex, one line).
static int read_key(const char *path, uint8_t pub[32], uint8_t sk[64]) {
    size_t len = 0;
    uint8_t *text = read_file(path, &len, 200);
    if (text == NULL) {
        return fail(INPUT, path,
                    errno == EFBIG ? "not a signing key (64 hex digits)" : strerror(errno));
    }
    text[len] = '\0';
    uint8_t seed[32];
    bool ok = unhex32(seed, (const char *)text);
    sodium_memzero(text, len);
    free(text);
    if (!ok) {
        return fail(INPUT, path, "not a signing key (64 hex digits)");
    }
    crypto_sign_seed_keypair(pub, sk, seed);
    sodium_memzero(seed, sizeof seed);
    return DONE;
}

static int keygen(int argc, char **argv) {
    if (argc != 1) {
        return fail(INPUT, "keygen takes one KEYFILE", NULL);
    }
    uint8_t seed[32], pub[32], sk[64];
    if (getrandom(seed, sizeof seed, 0) != (ssize_t)sizeof seed) {
        return fail(SYSTEM, "no randomness", strerror(errno));
    }
    int fd = open(argv[0], O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
        sodium_memzero(seed, sizeof seed);
        return fail(errno == EEXIST ? INPUT : SYSTEM, argv[0],
                    errno == EEXIST ? "exists already (a key is never overwritten)"
                                    : strerror(errno));
    }
    char hex[65];
    sodium_bin2hex(hex, sizeof hex, seed, sizeof seed);
    hex[64] = '\n';
    bool written = write(fd, hex, sizeof hex) == (ssize_t)sizeof hex && fsync(fd) == 0;
    written = close(fd) == 0 && written;
    sodium_memzero(hex, sizeof hex);
    crypto_sign_seed_keypair(pub, sk, seed);
    sodium_memzero(seed, sizeof seed);
    sodium_memzero(sk, sizeof sk);
    if (!written) {
        return fail(SYSTEM, argv[0], "could not be written");
    }
    print_hex(pub, sizeof pub);
    printf("\n");
    return DONE;
}

static int sign(int argc, char **argv) {
    const char *key = NULL, *version = NULL, *files[2];
    int nfiles = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--key") == 0 && i + 1 < argc) {
            key = argv[++i];
        } else if (strcmp(argv[i], "--version") == 0 && i + 1 < argc) {
            version = argv[++i];
        } else if (argv[i][0] != '-' && nfiles < 2) {
            files[nfiles++] = argv[i];
        } else {
            return fail(INPUT, "sign: unexpected argument", argv[i]);
        }
    }
    if (key == NULL || version == NULL || nfiles != 2) {
        return fail(INPUT, "sign needs --key KEYFILE --version N BODY IMAGE", NULL);
    }
    char *end;
    errno = 0;
    unsigned long v = strtoul(version, &end, 10);
    if (errno || *end != '\0' || version[0] < '0' || version[0] > '9' || v < 1 ||
        v > 0xffffffffUL) {
        return fail(INPUT, "--version: a number 1..4294967295", version);
    }
    uint8_t pub[32], sk[64];
    int status = read_key(key, pub, sk);
    if (status != DONE) {
        return status;
    }
    size_t len = 0;
    uint8_t *body = read_file(files[0], &len, OL_IMAGE_MAX_BODY);
    if (body == NULL || len == 0) {
        sodium_memzero(sk, sizeof sk);
        free(body);
        return fail(INPUT, files[0],
                    body             ? "empty"
                    : errno == EFBIG ? "larger than 1 MiB"
                                     : strerror(errno));
    }
    ol_image_header h;
    memset(&h, 0, sizeof h);
    h.version = (uint32_t)v;
    h.body_bytes = (uint32_t)len;
    ol_sha256(h.digest, body, len);
    ol_image_key_id(h.key_id, pub);
    uint8_t header[OL_IMAGE_HEADER_BYTES];
    ol_image_header_encode(header, &h);
    crypto_sign_detached(h.signature, NULL, header, OL_IMAGE_SIGNED_BYTES, sk);
    sodium_memzero(sk, sizeof sk);
    ol_image_header_encode(header, &h);
    FILE *out = fopen(files[1], "wb");
    bool ok = out != NULL && fwrite(header, 1, sizeof header, out) == sizeof header &&
              fwrite(body, 1, len, out) == len;
    ok = (out != NULL && fclose(out) == 0) && ok;
    free(body);
    if (!ok) {
        return fail(SYSTEM, files[1], "could not be written");
    }
    show(&h);
    return DONE;
}

static int verify_or_show(int argc, char **argv, bool verify) {
    const char *pub_hex = NULL, *file = NULL;
    for (int i = 0; i < argc; i++) {
        if (verify && strcmp(argv[i], "--pub") == 0 && i + 1 < argc) {
            pub_hex = argv[++i];
        } else if (argv[i][0] != '-' && file == NULL) {
            file = argv[i];
        } else {
            return fail(INPUT, "unexpected argument", argv[i]);
        }
    }
    if (file == NULL || (verify && pub_hex == NULL)) {
        return fail(INPUT, verify ? "verify needs --pub PUBLIC-KEY IMAGE" : "show needs IMAGE",
                    NULL);
    }
    uint8_t pub[32];
    if (verify && !unhex32(pub, pub_hex)) {
        return fail(INPUT, "--pub: a public key is 64 hex digits", pub_hex);
    }
    size_t len = 0;
    uint8_t *image = read_file(file, &len, OL_IMAGE_HEADER_BYTES + OL_IMAGE_MAX_BODY);
    if (image == NULL) {
        return fail(INPUT, file, errno == EFBIG ? "larger than any image" : strerror(errno));
    }
    ol_image_header h;
    ol_image_status s =
        verify ? ol_image_check(image, len, pub, &h) : ol_image_parse(image, len, &h);
    free(image);
    if (s == OL_IMAGE_NOT_IMAGE) {
        return fail(INPUT, file, "not an ownerlock firmware image (NOT AN IMAGE)");
    }
    show(&h);
    if (s != OL_IMAGE_OK) {
        static const char *why[] = {
            [OL_IMAGE_TRUNCATED] = "its length is not what its header says (WRONG LENGTH)",
            [OL_IMAGE_CORRUPT] = "its body is not what was signed (IMAGE CORRUPT)",
            [OL_IMAGE_OTHER_KEY] = "not signed by that key (OTHER SIGNER)",
        };
        return fail(INPUT, file, why[s]);
    }
    if (verify) {
        printf("good: signed by that key\n");
    }
    return DONE;
}

int firmware_main(int argc, char **argv) {
    if (argc < 1 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) {
        fputs(help_text, argc < 1 ? stderr : stdout);
        return argc < 1 ? INPUT : DONE;
    }
    if (sodium_init() < 0) {
        return fail(SYSTEM, "libsodium did not start", NULL);
    }
    if (strcmp(argv[0], "keygen") == 0) {
        return keygen(argc - 1, argv + 1);
    }
    if (strcmp(argv[0], "sign") == 0) {
        return sign(argc - 1, argv + 1);
    }
    if (strcmp(argv[0], "verify") == 0) {
        return verify_or_show(argc - 1, argv + 1, true);
    }
    if (strcmp(argv[0], "show") == 0) {
        return verify_or_show(argc - 1, argv + 1, false);
    }
    fprintf(stderr, "ownerlock firmware: unknown command '%s'\n", argv[0]);
    fputs(help_text, stderr);
    return INPUT;
}
