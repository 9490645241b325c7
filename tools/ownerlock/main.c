// ownerlock — the owner's host tool. `ownerlock recovery split` turns the
// lock's recovery code into k-of-n share codes, `ownerlock recovery combine`
// rebuilds it (docs/RECOVERY-SHARES.md); `ownerlock firmware` signs and
// checks firmware images (firmware.c). It never talks to a lock.
//
// Secrets are read with read(2) and written with write(2), so no stdio buffer
// keeps a copy, and every buffer that held one is wiped before exit.
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1 // read, write, isatty, getrandom: POSIX and Linux, beyond ISO C
#endif
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <unistd.h>

#include "audit.h"
#include "firmware.h"
#include "shamir.h"

enum { EXIT_DONE = 0, EXIT_SYSTEM = 1, EXIT_INPUT = 2 };

#define LINE_BYTES 512

static const char usage_text[] =
    "usage: ownerlock recovery split --k K --n N [--code CODE]\n"
    "       ownerlock recovery combine [SHARE...]\n"
    "       ownerlock firmware keygen|sign|verify|show ...\n"
    "       ownerlock audit keygen|verify ...\n"
    "       ownerlock [recovery|firmware|audit] --help\n"
    "\n"
    "The owner's tool for an ownerlock safe lock. It runs on your own computer\n"
    "and never talks to a lock.\n"
    "\n"
    "commands:\n"
    "  recovery split     turn the lock's recovery code into N share codes, any K of\n"
    "                     which rebuild it; fewer than K tell nothing about it\n"
    "  recovery combine   rebuild the recovery code from K shares of one split\n"
    "  firmware ...       make a signing key, sign a firmware image, check one as a\n"
    "                     lock does, show what a lock shows of it\n"
    "  audit ...          make your audit key; check an exported audit trail (whole,\n"
    "                     unaltered, this lock's) and write it as CSV or JSON\n"
    "\n"
    "exit status: 0 done; 1 system error (no randomness, output failed);\n"
    "             2 usage or input error (the message says what and where)\n"
    "\n"
    "More: ownerlock recovery --help, docs/RECOVERY-SHARES.md\n";

static const char recovery_help_text[] =
    "usage: ownerlock recovery split --k K --n N [--code CODE]\n"
    "       ownerlock recovery combine [SHARE...]\n"
    "\n"
    "split    reads the recovery code the lock showed you: 25 digits, 5 groups of\n"
    "         4 digits each followed by its check digit (\"4821-7 0935-2 ...\";\n"
    "         spaces and dashes as you like), from standard input or --code\n"
    "         (standard input is better: a command line can end up in your shell\n"
    "         history), and prints N shares, one per line:\n"
    "           share 1 of 3 (any 2 rebuild the code): 8011-4 2133-5 ...\n"
    "         A share is 8 groups of 4 digits and a check digit; the last group\n"
    "         is a check over the other seven.\n"
    "  --k K        shares needed to rebuild the code, 2..N\n"
    "  --n N        shares to make, 2..9\n"
    "  --code CODE  the recovery code; without it, read from standard input\n"
    "\n"
    "combine  rebuilds the recovery code from K shares of one split and prints\n"
    "         it as the lock shows it. Give the shares as arguments (quote each\n"
    "         one) or on standard input, one per line; reading stops once K are\n"
    "         in. A line may keep its \"share 1 of 3 ...:\" label.\n"
    "\n"
    "Every group's check digit is verified, so a typo is reported with its group\n"
    "before it can cost a try at the lock. Shares of different splits, a share\n"
    "given twice and too few shares are refused.\n";

static void message(const char *text) {
    fprintf(stderr, "ownerlock: %s\n", text);
}

static bool write_all(const char *text, size_t len) {
    while (len > 0) {
        ssize_t w = write(STDOUT_FILENO, text, len);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            return false;
        }
        text += w;
        len -= (size_t)w;
    }
    return true;
}

// One line of standard input into buf without its newline: 1 a line, 0 end of
// input, -1 longer than buf (the rest of the line is read and dropped), -2 a
// read error.
static int read_line(char *buf, size_t cap) {
    size_t len = 0;
    bool too_long = false;
    for (;;) {
        char c;
        ssize_t r = read(STDIN_FILENO, &c, 1);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r < 0) {
            buf[0] = '\0';
            return -2;
        }
        if (r == 0 || c == '\n') {
            buf[len < cap ? len : cap - 1] = '\0';
            if (too_long) {
                return -1;
            }
            return r == 0 && len == 0 ? 0 : 1;
        }
        if (len + 1 < cap) {
            buf[len++] = c;
        } else {
            too_long = true;
        }
    }
}

static bool blank(const char *s) {
    for (; *s != '\0'; s++) {
        if (*s != ' ' && *s != '\t' && *s != '\r') {
            return false;
        }
    }
    return true;
}

static bool fill_random(uint8_t *buf, size_t n) {
    while (n > 0) {
        ssize_t r = getrandom(buf, n, 0);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            return false;
        }
        buf += r;
        n -= (size_t)r;
    }
    return true;
}

// A uniformly random set id 0..9999 (rejection sampling: 60000 = 6 * 10000).
static bool random_set_id(uint16_t *id) {
    for (;;) {
        uint8_t b[2];
        if (!fill_random(b, sizeof b)) {
            return false;
        }
        unsigned v = (unsigned)b[0] << 8 | b[1];
        if (v < 6u * SHAMIR_SET_IDS) {
            *id = (uint16_t)(v % SHAMIR_SET_IDS);
            return true;
        }
    }
}

// "2, 4 and 5" from a bit set of 1-based group numbers.
static void group_list(char *out, size_t cap, unsigned bits) {
    size_t len = 0;
    unsigned total = 0, done = 0;
    for (unsigned g = 0; g < 32; g++) {
        total += (bits >> g) & 1u;
    }
    out[0] = '\0';
    for (unsigned g = 0; g < 32 && len < cap; g++) {
        if ((bits >> g) & 1u) {
            done++;
            const char *sep = done == 1 ? "" : done == total ? " and " : ", ";
            int w = snprintf(out + len, cap - len, "%s%u", sep, g + 1);
            len += w > 0 ? (size_t)w : 0;
        }
    }
}

// Tells the owner what is wrong with one piece of input, and where.
static void report_parse(const char *where, shamir_status st, const shamir_fault *f,
                         unsigned groups) {
    char text[256], list[64];
    switch (st) {
    case SHAMIR_ERR_CHAR:
        if (f->bad_char > ' ' && f->bad_char < 127) {
            snprintf(text, sizeof text,
                     "%s: unexpected character '%c' (digits, spaces and dashes only)", where,
                     f->bad_char);
        } else {
            snprintf(text, sizeof text,
                     "%s: unexpected character 0x%02x (digits, spaces and dashes only)", where,
                     (unsigned)(unsigned char)f->bad_char);
        }
        break;
    case SHAMIR_ERR_DIGIT_COUNT:
        if (f->group != 0) {
            snprintf(text, sizeof text,
                     "%s: group %u has a digit missing or one too many (%u digits, expected "
                     "%u: %u groups of 4 digits and a check digit)",
                     where, f->group, f->digits, f->expected, groups);
        } else {
            snprintf(text, sizeof text,
                     "%s: %u digits, expected %u (%u groups of 4 digits and a check digit)", where,
                     f->digits, f->expected, groups);
        }
        break;
    case SHAMIR_ERR_CHECK:
        group_list(list, sizeof list, f->bad_groups);
        snprintf(text, sizeof text,
                 "%s: typo in group%s %s (the check digit does not match); compare with the "
                 "written copy",
                 where, (f->bad_groups & (f->bad_groups - 1)) != 0 ? "s" : "", list);
        break;
    case SHAMIR_ERR_SUM:
        snprintf(text, sizeof text,
                 "%s: typo that the group check digits did not catch (the share check, group "
                 "8, does not match the rest); compare every group with the written copy",
                 where);
        break;
    case SHAMIR_ERR_HEADER:
        snprintf(text, sizeof text,
                 "%s: not a share of a recovery code (in group 2, the number of shares needed "
                 "must be 2..9 and the share number 1..9)",
                 where);
        break;
    case SHAMIR_ERR_RANGE:
        snprintf(text, sizeof text,
                 "%s: these digits are not a share (the value is too large); compare it with the "
                 "written copy",
                 where);
        break;
    default:
        snprintf(text, sizeof text, "%s: cannot be read", where);
        break;
    }
    message(text);
}

// ---- option parsing --------------------------------------------------------------

// Matches "--name VALUE" and "--name=VALUE" at argv[*i]: 1 and *value set (and
// *i past the value), 0 not this option, -1 the value is missing.
static int take_option(int argc, char **argv, int *i, const char *name, char **value) {
    size_t len = strlen(name);
    if (strncmp(argv[*i], name, len) != 0) {
        return 0;
    }
    if (argv[*i][len] == '=') {
        *value = argv[*i] + len + 1;
        return 1;
    }
    if (argv[*i][len] != '\0') {
        return 0;
    }
    if (*i + 1 >= argc) {
        return -1;
    }
    *i += 1;
    *value = argv[*i];
    return 1;
}

static bool small_number(const char *s, unsigned *out) {
    size_t len = strlen(s);
    if (len < 1 || len > 3 || strspn(s, "0123456789") != len) {
        return false;
    }
    unsigned v = 0;
    for (size_t i = 0; i < len; i++) {
        v = v * 10u + (unsigned)(s[i] - '0');
    }
    *out = v;
    return true;
}

static bool is_help(const char *arg) {
    return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

// ---- split -----------------------------------------------------------------------

static bool same_share(const shamir_share *a, const shamir_share *b) {
    return a->set_id == b->set_id && a->k == b->k && a->x == b->x &&
           memcmp(a->y, b->y, sizeof a->y) == 0;
}

// Every share reads back as itself and every k of them rebuild the secret;
// nothing is printed otherwise.
static bool split_self_check(const shamir_share *shares, unsigned k, unsigned n,
                             const uint8_t secret[SHAMIR_SECRET_BYTES]) {
    bool ok = true;
    char text[SHAMIR_SHARE_TEXT_BYTES];
    shamir_share back, subset[SHAMIR_MAX_N];
    uint8_t rebuilt[SHAMIR_SECRET_BYTES];
    for (unsigned i = 0; i < n && ok; i++) {
        ok = shamir_share_format(text, &shares[i]) == SHAMIR_OK &&
             shamir_share_parse(text, &back, NULL) == SHAMIR_OK && same_share(&back, &shares[i]);
    }
    for (unsigned mask = 0; mask < (1u << n) && ok; mask++) {
        size_t count = 0;
        for (unsigned i = 0; i < n; i++) {
            if ((mask >> i) & 1u) {
                subset[count++] = shares[i];
            }
        }
        if (count == k) {
            ok = shamir_combine(rebuilt, subset, count, NULL) == SHAMIR_OK &&
                 memcmp(rebuilt, secret, SHAMIR_SECRET_BYTES) == 0;
        }
    }
    shamir_wipe(text, sizeof text);
    shamir_wipe(&back, sizeof back);
    shamir_wipe(subset, sizeof subset);
    shamir_wipe(rebuilt, sizeof rebuilt);
    return ok;
}

static int split(int argc, char **argv) {
    unsigned k = 0, n = 0;
    char *code_arg = NULL;
    for (int i = 0; i < argc; i++) {
        char *value = NULL;
        int got;
        if (is_help(argv[i])) {
            fputs(recovery_help_text, stdout);
            return EXIT_DONE;
        } else if ((got = take_option(argc, argv, &i, "--k", &value)) != 0) {
            if (got < 0 || !small_number(value, &k)) {
                message("--k needs a number: how many shares rebuild the code");
                return EXIT_INPUT;
            }
        } else if ((got = take_option(argc, argv, &i, "--n", &value)) != 0) {
            if (got < 0 || !small_number(value, &n)) {
                message("--n needs a number: how many shares to make");
                return EXIT_INPUT;
            }
        } else if ((got = take_option(argc, argv, &i, "--code", &value)) != 0) {
            if (got < 0) {
                message("--code needs the recovery code (or leave it out and type the code)");
                return EXIT_INPUT;
            }
            code_arg = value;
        } else {
            fprintf(stderr, "ownerlock: recovery split: unknown argument '%s' (see --help)\n",
                    argv[i]);
            return EXIT_INPUT;
        }
    }
    if (k == 0 || n == 0) {
        message("recovery split needs --k K and --n N, e.g. --k 2 --n 3 (see --help)");
        return EXIT_INPUT;
    }
    if (n < SHAMIR_MIN_K || n > SHAMIR_MAX_N) {
        message("--n must be 2..9 (a share's number is one digit)");
        return EXIT_INPUT;
    }
    if (k < SHAMIR_MIN_K || k > n) {
        fprintf(stderr, "ownerlock: --k must be 2..%u (at most --n)\n", n);
        return EXIT_INPUT;
    }

    int status = EXIT_DONE;
    char line[LINE_BYTES];
    uint8_t secret[SHAMIR_SECRET_BYTES];
    uint8_t random[SHAMIR_RANDOM_BYTES(SHAMIR_MAX_N)];
    shamir_share shares[SHAMIR_MAX_N];
    char text[SHAMIR_SHARE_TEXT_BYTES];
    char out[LINE_BYTES];
    memset(secret, 0, sizeof secret);

    if (code_arg != NULL) {
        size_t len = strlen(code_arg);
        if (len >= sizeof line) {
            message("--code: too long for a recovery code");
            status = EXIT_INPUT;
            goto done;
        }
        memcpy(line, code_arg, len + 1);
        shamir_wipe(code_arg, len); // also out of /proc/PID/cmdline from here on
    } else {
        if (isatty(STDIN_FILENO)) {
            fputs("recovery code: ", stderr);
        }
        int got;
        do {
            got = read_line(line, sizeof line);
        } while (got == 1 && blank(line));
        if (got != 1) {
            message(got == 0    ? "no recovery code given (use --code or standard input)"
                    : got == -1 ? "the recovery code line is too long"
                                : "cannot read standard input");
            status = got == -2 ? EXIT_SYSTEM : EXIT_INPUT;
            goto done;
        }
    }

    shamir_fault fault;
    shamir_status st = shamir_code_parse(line, secret, &fault);
    if (st != SHAMIR_OK) {
        report_parse("the recovery code", st, &fault, OL_RECOVERY_GROUPS);
        status = EXIT_INPUT;
        goto done;
    }
    uint16_t set_id;
    if (!random_set_id(&set_id) || !fill_random(random, SHAMIR_RANDOM_BYTES(k))) {
        message("cannot get random bytes from the system (getrandom)");
        status = EXIT_SYSTEM;
        goto done;
    }
    if (shamir_split(shares, secret, k, n, set_id, random) != SHAMIR_OK ||
        !split_self_check(shares, k, n, secret)) {
        message("internal error: the shares failed their self-check; nothing printed");
        status = EXIT_SYSTEM;
        goto done;
    }
    for (unsigned i = 0; i < n && status == EXIT_DONE; i++) {
        (void)shamir_share_format(text, &shares[i]);
        int len = snprintf(out, sizeof out, "share %u of %u (any %u rebuild the code): %s\n", i + 1,
                           n, k, text);
        if (len <= 0 || (size_t)len >= sizeof out || !write_all(out, (size_t)len)) {
            message("cannot write the shares to standard output");
            status = EXIT_SYSTEM;
        }
    }

done:
    shamir_wipe(line, sizeof line);
    shamir_wipe(secret, sizeof secret);
    shamir_wipe(random, sizeof random);
    shamir_wipe(shares, sizeof shares);
    shamir_wipe(text, sizeof text);
    shamir_wipe(out, sizeof out);
    return status;
}

// ---- combine ---------------------------------------------------------------------

// Parses one share and adds it to have[]: refuses another split's share and a
// second share with an index already there. where names the input ("line 3").
static int add_share(shamir_share have[SHAMIR_MAX_N], size_t *count, const char *text,
                     const char *where) {
    shamir_share s;
    shamir_fault fault;
    char label[96];
    int status = EXIT_DONE;
    shamir_status st = shamir_share_parse(text, &s, &fault);
    if (st != SHAMIR_OK) {
        if (fault.x != 0) {
            snprintf(label, sizeof label, "%s (share %u)", where, fault.x);
        } else {
            snprintf(label, sizeof label, "%s", where);
        }
        report_parse(label, st, &fault, SHAMIR_SHARE_GROUPS);
        status = EXIT_INPUT;
    } else if (*count > 0 && (s.set_id != have[0].set_id || s.k != have[0].k)) {
        fprintf(stderr,
                "ownerlock: %s: share %u is from another split (set %04u, any %u rebuild) than "
                "the first share (set %04u, any %u rebuild); combine shares of one split only\n",
                where, s.x, s.set_id, s.k, have[0].set_id, have[0].k);
        status = EXIT_INPUT;
    } else {
        for (size_t j = 0; j < *count && status == EXIT_DONE; j++) {
            if (have[j].x != s.x) {
                continue;
            }
            if (memcmp(have[j].y, s.y, sizeof s.y) == 0) {
                fprintf(stderr,
                        "ownerlock: %s: share %u was already given; each share counts once\n",
                        where, s.x);
            } else {
                fprintf(stderr,
                        "ownerlock: %s: a second, different share %u of set %04u: one of the two "
                        "has a typo the check digits did not catch; compare both with their "
                        "written copies\n",
                        where, s.x, s.set_id);
            }
            status = EXIT_INPUT;
        }
        if (status == EXIT_DONE) {
            have[(*count)++] = s; // at most 9 distinct indices: never overflows
        }
    }
    shamir_wipe(&s, sizeof s);
    return status;
}

static int combine(int argc, char **argv) {
    for (int i = 0; i < argc; i++) {
        if (is_help(argv[i])) {
            fputs(recovery_help_text, stdout);
            return EXIT_DONE;
        }
        if (argv[i][0] == '-' && !(argv[i][1] >= '0' && argv[i][1] <= '9')) {
            fprintf(stderr, "ownerlock: recovery combine: unknown option '%s' (see --help)\n",
                    argv[i]);
            return EXIT_INPUT;
        }
    }

    int status = EXIT_DONE;
    shamir_share have[SHAMIR_MAX_N];
    size_t count = 0;
    char line[LINE_BYTES];
    char where[32];
    uint8_t secret[SHAMIR_SECRET_BYTES];
    char code[SHAMIR_CODE_TEXT_BYTES];
    memset(line, 0, sizeof line);
    memset(secret, 0, sizeof secret);
    memset(code, 0, sizeof code);

    if (argc > 0) {
        for (int i = 0; i < argc && status == EXIT_DONE; i++) {
            snprintf(where, sizeof where, "argument %d", i + 1);
            status = add_share(have, &count, argv[i], where);
            shamir_wipe(argv[i], strlen(argv[i]));
        }
    } else {
        bool tty = isatty(STDIN_FILENO);
        if (tty) {
            fputs("Enter the shares, one per line:\n", stderr);
        }
        for (unsigned n = 1; status == EXIT_DONE && (count == 0 || count < have[0].k); n++) {
            int got = read_line(line, sizeof line);
            snprintf(where, sizeof where, "line %u", n);
            if (got == 0) {
                break;
            }
            if (got < 0) {
                fprintf(stderr, "ownerlock: %s: %s\n", where,
                        got == -1 ? "too long for a share" : "cannot read standard input");
                status = got == -1 ? EXIT_INPUT : EXIT_SYSTEM;
            } else if (!blank(line)) {
                status = add_share(have, &count, line, where);
                if (status == EXIT_DONE && tty && count < have[0].k) {
                    fprintf(stderr, "share %u of set %04u taken; %zu more needed\n",
                            have[count - 1].x, have[0].set_id, have[0].k - count);
                }
            }
        }
    }
    if (status != EXIT_DONE) {
        goto done;
    }
    if (count == 0) {
        message("no shares given (as arguments or on standard input, one per line)");
        status = EXIT_INPUT;
        goto done;
    }
    if (count < have[0].k) {
        fprintf(stderr,
                "ownerlock: only %zu of the %u shares needed (set %04u); give %zu more of "
                "the same split\n",
                count, have[0].k, have[0].set_id, have[0].k - count);
        status = EXIT_INPUT;
        goto done;
    }
    size_t culprit;
    shamir_status st = shamir_combine(secret, have, count, &culprit);
    if (st == SHAMIR_ERR_MISMATCH) {
        fprintf(stderr,
                "ownerlock: share %u does not agree with the first %u: one of the shares has a "
                "typo the check digits did not catch; compare each with its written copy\n",
                have[culprit].x, have[0].k);
        status = EXIT_INPUT;
        goto done;
    }
    if (st != SHAMIR_OK) { // add_share already refused what combine refuses
        message("internal error: the shares cannot be combined");
        status = EXIT_SYSTEM;
        goto done;
    }
    if (shamir_code_format(code, secret) != SHAMIR_OK) {
        message("these shares do not rebuild a recovery code: one has a typo the check digits "
                "did not catch, or they come from two splits that drew the same set id; "
                "compare each with its written copy");
        status = EXIT_INPUT;
        goto done;
    }
    size_t len = strlen(code);
    code[len] = '\n';
    if (!write_all(code, len + 1)) {
        message("cannot write the recovery code to standard output");
        status = EXIT_SYSTEM;
    }

done:
    shamir_wipe(have, sizeof have);
    shamir_wipe(line, sizeof line);
    shamir_wipe(secret, sizeof secret);
    shamir_wipe(code, sizeof code);
    return status;
}

// ---- main ------------------------------------------------------------------------

int main(int argc, char **argv) {
    // A core dump would hold the code; this process never writes one.
    struct rlimit no_core = {0, 0};
    (void)setrlimit(RLIMIT_CORE, &no_core);

    if (argc >= 2 && is_help(argv[1])) {
        fputs(usage_text, stdout);
        return EXIT_DONE;
    }
    if (argc >= 2 && strcmp(argv[1], "firmware") == 0) {
        return firmware_main(argc - 2, argv + 2);
    }
    if (argc >= 2 && strcmp(argv[1], "audit") == 0) {
        return audit_main(argc - 2, argv + 2);
    }
    if (argc < 2 || strcmp(argv[1], "recovery") != 0) {
        if (argc >= 2) {
            fprintf(stderr, "ownerlock: unknown command '%s'\n", argv[1]);
        }
        fputs(usage_text, stderr);
        return EXIT_INPUT;
    }
    if (argc >= 3 && is_help(argv[2])) {
        fputs(recovery_help_text, stdout);
        return EXIT_DONE;
    }
    if (argc >= 3 && strcmp(argv[2], "split") == 0) {
        return split(argc - 3, argv + 3);
    }
    if (argc >= 3 && strcmp(argv[2], "combine") == 0) {
        return combine(argc - 3, argv + 3);
    }
    if (argc >= 3) {
        fprintf(stderr, "ownerlock: unknown recovery command '%s'\n", argv[2]);
    }
    fputs(recovery_help_text, stderr);
    return EXIT_INPUT;
}
