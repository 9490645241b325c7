// k-of-n recovery shares (tools/ownerlock/shamir.c): the GF(2^8) arithmetic
// against a slow reference, split/combine over every k-of-n and every subset,
// that fewer than k shares carry no information about the code, and the digit
// forms (round trips, every single-digit typo named by its group, every
// two-digit typo in a group caught by the share check).
//
// The tool's source is compiled into this test, so it needs no CMake target.
#include "check.h"
#include "../../tools/ownerlock/shamir.c"

// ---- helpers -----------------------------------------------------------------------

static uint64_t rng_state = 0x0123456789abcdefu;

static uint64_t rng_next(void) { // splitmix64: deterministic, so are the checks
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static void rng_fill(uint8_t *p, size_t n) {
    for (size_t i = 0; i < n; i++) {
        p[i] = (uint8_t)rng_next();
    }
}

// Carry-less product, then long division by 0x11b: the textbook way, nothing
// shared with gf256_mul.
static uint8_t slow_mul(uint8_t a, uint8_t b) {
    unsigned p = 0;
    for (unsigned i = 0; i < 8; i++) {
        if (b & (1u << i)) {
            p ^= (unsigned)a << i;
        }
    }
    for (unsigned bit = 14; bit >= 8; bit--) {
        if (p & (1u << bit)) {
            p ^= 0x11bu << (bit - 8);
        }
    }
    return (uint8_t)p;
}

static bool same_share(const shamir_share *a, const shamir_share *b) {
    return a->set_id == b->set_id && a->k == b->k && a->x == b->x &&
           memcmp(a->y, b->y, sizeof a->y) == 0;
}

// "dddd-c dddd-c ..." for n data digits given as a string, with correct check
// digits: builds inputs the tool never prints (bad headers, y >= 2^72).
static void grouped(char *out, const char *data) {
    size_t n = strlen(data);
    for (size_t g = 0; g * 4 < n; g++) {
        uint8_t d[4];
        for (unsigned i = 0; i < 4; i++) {
            d[i] = (uint8_t)(data[g * 4 + i] - '0');
            *out++ = data[g * 4 + i];
        }
        *out++ = '-';
        *out++ = (char)('0' + ol_check_digit(d, 4));
        *out++ = ' ';
    }
    out[-1] = '\0';
}

#define MAX_DIM SHAMIR_RANDOM_BYTES(SHAMIR_MAX_N)

// A share's text from its first 28 data digits: the share check appended
// (computed another way than the tool: two 14-digit halves), then grouped.
static void share_text(char *out, const char *data28) {
    uint64_t high = 0, low = 0;
    for (unsigned i = 0; i < 28; i++) {
        uint64_t *half = i < 14 ? &high : &low;
        *half = *half * 10u + (uint64_t)(data28[i] - '0');
    }
    const uint64_t p = 9973, ten14 = 100000000000000u;
    unsigned sum = (unsigned)(((high % p) * (ten14 % p) + low % p) % p);
    char data[33];
    snprintf(data, sizeof data, "%s%04u", data28, sum);
    grouped(out, data);
}

// Rank of a square dim x dim matrix over GF(2^8), by Gaussian elimination.
static unsigned gf_rank(uint8_t m[MAX_DIM][MAX_DIM], unsigned dim) {
    unsigned rank = 0;
    for (unsigned c = 0; c < dim; c++) {
        unsigned pivot = rank;
        while (pivot < dim && m[pivot][c] == 0) {
            pivot++;
        }
        if (pivot == dim) {
            continue;
        }
        for (unsigned j = 0; j < dim; j++) {
            uint8_t t = m[rank][j];
            m[rank][j] = m[pivot][j];
            m[pivot][j] = t;
        }
        uint8_t inv = gf256_inv(m[rank][c]);
        for (unsigned r = 0; r < dim; r++) {
            if (r != rank && m[r][c] != 0) {
                uint8_t f = gf256_mul(m[r][c], inv);
                for (unsigned j = c; j < dim; j++) {
                    m[r][j] ^= gf256_mul(f, m[rank][j]);
                }
            }
        }
        rank++;
    }
    return rank;
}

// ---- GF(2^8) -----------------------------------------------------------------------

static void test_field(void) {
    unsigned table_wrong = 0, not_commutative = 0;
    for (unsigned a = 0; a < 256; a++) {
        for (unsigned b = 0; b < 256; b++) {
            uint8_t p = gf256_mul((uint8_t)a, (uint8_t)b);
            table_wrong += p != slow_mul((uint8_t)a, (uint8_t)b);
            not_commutative += p != gf256_mul((uint8_t)b, (uint8_t)a);
        }
    }
    CHECK_EQ(table_wrong, 0);
    CHECK_EQ(not_commutative, 0);
    // FIPS-197, section 4.2: {57}*{83} = {c1}, {57}*{13} = {fe}; {53}^-1 = {ca}.
    CHECK_EQ(gf256_mul(0x57, 0x83), 0xc1);
    CHECK_EQ(gf256_mul(0x57, 0x13), 0xfe);
    CHECK_EQ(gf256_inv(0x53), 0xca);

    const uint8_t some[] = {0, 1, 2, 3, 0x53, 0x80, 0xca, 0xff};
    unsigned not_associative = 0, not_distributive = 0, bad_identity = 0;
    for (unsigned a = 0; a < 256; a++) {
        bad_identity += gf256_mul((uint8_t)a, 1) != a || gf256_mul((uint8_t)a, 0) != 0;
        for (unsigned b = 0; b < 256; b++) {
            for (size_t i = 0; i < sizeof some; i++) {
                uint8_t c = some[i];
                not_associative += gf256_mul(gf256_mul((uint8_t)a, (uint8_t)b), c) !=
                                   gf256_mul((uint8_t)a, gf256_mul((uint8_t)b, c));
                not_distributive += gf256_mul((uint8_t)a, (uint8_t)(b ^ c)) !=
                                    (gf256_mul((uint8_t)a, (uint8_t)b) ^ gf256_mul((uint8_t)a, c));
            }
        }
    }
    CHECK_EQ(not_associative, 0);
    CHECK_EQ(not_distributive, 0);
    CHECK_EQ(bad_identity, 0);

    // Every non-zero element has exactly one inverse, and gf256_inv finds it.
    unsigned bad_inverse = 0;
    for (unsigned a = 1; a < 256; a++) {
        unsigned found = 0, which = 0;
        for (unsigned b = 0; b < 256; b++) {
            if (gf256_mul((uint8_t)a, (uint8_t)b) == 1) {
                found++;
                which = b;
            }
        }
        bad_inverse += found != 1 || gf256_inv((uint8_t)a) != which;
    }
    CHECK_EQ(bad_inverse, 0);
    CHECK_EQ(gf256_inv(0), 0);

    // {03} generates all 255 non-zero elements: x^8+x^4+x^3+x+1 is the AES
    // polynomial, not some other one that also happens to reduce.
    bool seen[256] = {false};
    uint8_t g = 1;
    unsigned distinct = 0;
    for (unsigned i = 0; i < 255; i++) {
        distinct += !seen[g];
        seen[g] = true;
        g = gf256_mul(g, 3);
    }
    CHECK_EQ(distinct, 255);
    CHECK_EQ(g, 1);
}

// ---- split and combine ---------------------------------------------------------------

static void test_round_trip(void) {
    unsigned subsets = 0, wrong = 0, not_refused = 0, off_polynomial = 0;
    for (unsigned n = SHAMIR_MIN_K; n <= SHAMIR_MAX_N; n++) {
        for (unsigned k = SHAMIR_MIN_K; k <= n; k++) {
            uint8_t secret[SHAMIR_SECRET_BYTES], random[SHAMIR_RANDOM_BYTES(SHAMIR_MAX_N)];
            rng_fill(secret, sizeof secret);
            rng_fill(random, sizeof random);
            shamir_share shares[SHAMIR_MAX_N], subset[SHAMIR_MAX_N];
            uint16_t set_id = (uint16_t)(rng_next() % SHAMIR_SET_IDS);
            CHECK_EQ(shamir_split(shares, secret, k, n, set_id, random), SHAMIR_OK);
            for (unsigned i = 0; i < n; i++) {
                CHECK(shares[i].x == i + 1 && shares[i].k == k && shares[i].set_id == set_id);
                // Every share lies on the polynomial the first k define.
                uint8_t y[SHAMIR_SECRET_BYTES];
                shamir_interpolate(y, shares, k, shares[i].x);
                off_polynomial += memcmp(y, shares[i].y, sizeof y) != 0;
            }
            // Every subset: k or more rebuild the secret (in any order: the
            // mask's bits are taken from the top down when odd), fewer are refused.
            for (unsigned mask = 1; mask < (1u << n); mask++) {
                size_t count = 0;
                for (unsigned i = 0; i < n; i++) {
                    unsigned bit = (mask & 1u) ? n - 1 - i : i;
                    if ((mask >> bit) & 1u) {
                        subset[count++] = shares[bit];
                    }
                }
                uint8_t got[SHAMIR_SECRET_BYTES];
                size_t culprit = 99;
                shamir_status st = shamir_combine(got, subset, count, &culprit);
                if (count >= k) {
                    subsets++;
                    wrong += st != SHAMIR_OK || memcmp(got, secret, sizeof got) != 0;
                } else {
                    not_refused += st != SHAMIR_ERR_TOO_FEW;
                }
            }
        }
    }
    CHECK_EQ(subsets, 3084); // sum over 2 <= k <= n <= 9 of the subsets of k or more shares
    CHECK_EQ(wrong, 0);
    CHECK_EQ(not_refused, 0);
    CHECK_EQ(off_polynomial, 0);

    // Extreme secrets and coefficients.
    uint8_t zero[SHAMIR_SECRET_BYTES] = {0}, ones[SHAMIR_SECRET_BYTES];
    uint8_t no_random[SHAMIR_RANDOM_BYTES(SHAMIR_MAX_N)] = {0};
    memset(ones, 0xff, sizeof ones);
    shamir_share shares[SHAMIR_MAX_N];
    uint8_t got[SHAMIR_SECRET_BYTES];
    CHECK_EQ(shamir_split(shares, ones, 9, 9, 9999, no_random), SHAMIR_OK);
    CHECK_EQ(shamir_combine(got, shares, 9, NULL), SHAMIR_OK);
    CHECK_MEM(got, ones, sizeof got);
    CHECK_MEM(shares[4].y, ones, sizeof got); // zero coefficients: every y is the secret
    CHECK_EQ(shamir_split(shares, zero, 2, 9, 0, ones), SHAMIR_OK);
    CHECK_EQ(shamir_combine(got, &shares[7], 2, NULL), SHAMIR_OK);
    CHECK_MEM(got, zero, sizeof got);

    // Arguments out of range.
    CHECK_EQ(shamir_split(shares, zero, 1, 3, 0, no_random), SHAMIR_ERR_ARGS);
    CHECK_EQ(shamir_split(shares, zero, 4, 3, 0, no_random), SHAMIR_ERR_ARGS);
    CHECK_EQ(shamir_split(shares, zero, 2, 10, 0, no_random), SHAMIR_ERR_ARGS);
    CHECK_EQ(shamir_split(shares, zero, 2, 3, 10000, no_random), SHAMIR_ERR_ARGS);

    // Combine refuses what does not belong together, and says which share.
    uint8_t secret[SHAMIR_SECRET_BYTES], random[SHAMIR_RANDOM_BYTES(3)];
    rng_fill(secret, sizeof secret);
    rng_fill(random, sizeof random);
    CHECK_EQ(shamir_split(shares, secret, 3, 5, 1234, random), SHAMIR_OK);
    shamir_share s[5];
    size_t culprit = 0;
    memcpy(s, shares, sizeof s);
    s[2].set_id = 1235;
    CHECK_EQ(shamir_combine(got, s, 3, &culprit), SHAMIR_ERR_MIXED);
    CHECK_EQ(culprit, 2);
    memcpy(s, shares, sizeof s);
    s[1].k = 2;
    CHECK_EQ(shamir_combine(got, s, 3, &culprit), SHAMIR_ERR_MIXED);
    CHECK_EQ(culprit, 1);
    memcpy(s, shares, sizeof s);
    s[2] = s[0];
    CHECK_EQ(shamir_combine(got, s, 3, &culprit), SHAMIR_ERR_DUPLICATE);
    CHECK_EQ(culprit, 2);
    memcpy(s, shares, sizeof s);
    s[1].x = 0; // x = 0 would hand out the secret itself
    CHECK_EQ(shamir_combine(got, s, 3, &culprit), SHAMIR_ERR_HEADER);
    CHECK_EQ(culprit, 1);
    CHECK_EQ(shamir_combine(got, shares, 2, &culprit), SHAMIR_ERR_TOO_FEW);
    CHECK_EQ(shamir_combine(got, shares, 0, &culprit), SHAMIR_ERR_TOO_FEW);
    memcpy(s, shares, sizeof s);
    s[4].y[3] ^= 0x10; // a fifth share that is not on the polynomial
    CHECK_EQ(shamir_combine(got, s, 5, &culprit), SHAMIR_ERR_MISMATCH);
    CHECK_EQ(culprit, 4);
    CHECK_EQ(shamir_combine(got, s, 4, &culprit), SHAMIR_OK);
    CHECK_MEM(got, secret, sizeof got);
}

// ---- fewer than k shares say nothing ---------------------------------------------------

static void test_privacy(void) {
    // k = 2, exhaustively: for every share index x and every secret byte s, the
    // 256 coefficients give 256 different y. With a uniform coefficient every
    // y is equally likely, whatever s: one share is independent of the code.
    unsigned not_uniform = 0;
    for (unsigned s = 0; s < 256; s++) {
        uint16_t hits[SHAMIR_MAX_N][SHAMIR_SECRET_BYTES][256];
        memset(hits, 0, sizeof hits);
        for (unsigned c = 0; c < 256; c++) {
            uint8_t secret[SHAMIR_SECRET_BYTES], random[SHAMIR_SECRET_BYTES];
            for (unsigned b = 0; b < SHAMIR_SECRET_BYTES; b++) {
                secret[b] = (uint8_t)(s + 29u * b);
                random[b] = (uint8_t)(c + 71u * b);
            }
            shamir_share shares[SHAMIR_MAX_N];
            (void)shamir_split(shares, secret, 2, SHAMIR_MAX_N, 0, random);
            for (unsigned x = 0; x < SHAMIR_MAX_N; x++) {
                for (unsigned b = 0; b < SHAMIR_SECRET_BYTES; b++) {
                    hits[x][b][shares[x].y[b]]++;
                }
            }
        }
        for (unsigned x = 0; x < SHAMIR_MAX_N; x++) {
            for (unsigned b = 0; b < SHAMIR_SECRET_BYTES; b++) {
                for (unsigned y = 0; y < 256; y++) {
                    not_uniform += hits[x][b][y] != 1;
                }
            }
        }
    }
    CHECK_EQ(not_uniform, 0);

    // Any k: a share's y is secret + M * coefficients, linear in both...
    unsigned not_linear = 0;
    for (unsigned trial = 0; trial < 200; trial++) {
        unsigned k = SHAMIR_MIN_K + trial % (SHAMIR_MAX_N - 1);
        uint8_t s1[SHAMIR_SECRET_BYTES], s2[SHAMIR_SECRET_BYTES], s12[SHAMIR_SECRET_BYTES];
        uint8_t r1[SHAMIR_RANDOM_BYTES(SHAMIR_MAX_N)], r2[sizeof r1], r12[sizeof r1];
        rng_fill(s1, sizeof s1);
        rng_fill(s2, sizeof s2);
        rng_fill(r1, sizeof r1);
        rng_fill(r2, sizeof r2);
        for (size_t i = 0; i < sizeof s1; i++) {
            s12[i] = s1[i] ^ s2[i];
        }
        for (size_t i = 0; i < sizeof r1; i++) {
            r12[i] = r1[i] ^ r2[i];
        }
        shamir_share a[SHAMIR_MAX_N], b[SHAMIR_MAX_N], ab[SHAMIR_MAX_N];
        (void)shamir_split(a, s1, k, SHAMIR_MAX_N, 0, r1);
        (void)shamir_split(b, s2, k, SHAMIR_MAX_N, 0, r2);
        (void)shamir_split(ab, s12, k, SHAMIR_MAX_N, 0, r12);
        for (unsigned x = 0; x < SHAMIR_MAX_N; x++) {
            for (unsigned i = 0; i < SHAMIR_SECRET_BYTES; i++) {
                not_linear += ab[x].y[i] != (a[x].y[i] ^ b[x].y[i]);
            }
        }
    }
    CHECK_EQ(not_linear, 0);

    // ...and for every k and every k - 1 of the nine indices, M is invertible:
    // the matrix from all 9 * (k - 1) random bytes to the 9 * (k - 1) y bytes
    // of those shares, read off the shares of secret 0 with one random byte 1
    // at a time. So the k - 1 shares are a uniformly random vector for every
    // secret alike (each candidate code is matched by exactly one choice of
    // random bytes), and no byte's share leaks through another byte's.
    unsigned singular = 0, index_sets = 0;
    for (unsigned k = SHAMIR_MIN_K; k <= SHAMIR_MAX_N; k++) {
        static shamir_share column[MAX_DIM][SHAMIR_MAX_N]; // [random byte][share]
        static uint8_t m[MAX_DIM][MAX_DIM];
        const uint8_t zero[SHAMIR_SECRET_BYTES] = {0};
        const unsigned dim = (unsigned)SHAMIR_RANDOM_BYTES(k);
        for (unsigned j = 0; j < dim; j++) {
            uint8_t random[MAX_DIM] = {0};
            random[j] = 1;
            (void)shamir_split(column[j], zero, k, SHAMIR_MAX_N, 0, random);
        }
        for (unsigned mask = 0; mask < (1u << SHAMIR_MAX_N); mask++) {
            if ((unsigned)__builtin_popcount(mask) != k - 1) {
                continue;
            }
            unsigned row = 0;
            for (unsigned x = 0; x < SHAMIR_MAX_N; x++) {
                for (unsigned b = 0; b < SHAMIR_SECRET_BYTES && ((mask >> x) & 1u); b++) {
                    for (unsigned j = 0; j < dim; j++) {
                        m[row][j] = column[j][x].y[b];
                    }
                    row++;
                }
            }
            index_sets++;
            singular += gf_rank(m, dim) != dim;
        }
    }
    CHECK_EQ(index_sets, 511 - 1); // every subset of 1..8 of the nine indices
    CHECK_EQ(singular, 0);

    // And a plain statistical look at real splits: one share of 2-of-3 and of
    // 3-of-5 for one fixed secret, over 4096 random splits each.
    for (unsigned k = 2; k <= 3; k++) {
        unsigned bins[256] = {0};
        uint8_t secret[SHAMIR_SECRET_BYTES] = {0, 0, 0, 0, 0, 0, 0, 0, 42};
        for (unsigned t = 0; t < 4096; t++) {
            uint8_t random[SHAMIR_RANDOM_BYTES(3)];
            rng_fill(random, sizeof random);
            shamir_share shares[5];
            (void)shamir_split(shares, secret, k, 2 * k - 1, 0, random);
            for (unsigned b = 0; b < SHAMIR_SECRET_BYTES; b++) {
                bins[shares[0].y[b]]++;
            }
        }
        double expected = 4096.0 * SHAMIR_SECRET_BYTES / 256, chi2 = 0;
        for (unsigned v = 0; v < 256; v++) {
            chi2 += (bins[v] - expected) * (bins[v] - expected) / expected;
        }
        CHECK(chi2 < 330.5); // 255 degrees of freedom: p = 0.001
    }
}

// ---- digit forms ------------------------------------------------------------------------

static void test_code_text(void) {
    uint8_t secret[SHAMIR_SECRET_BYTES], again[SHAMIR_SECRET_BYTES];
    char text[SHAMIR_CODE_TEXT_BYTES];
    shamir_fault f;
    CHECK_EQ(shamir_code_parse("4821-7 0935-2 7710-0 2291-3 6603-8", secret, &f), SHAMIR_OK);
    // 48210935771022916603 = 0x029d0fa6a6b8fe7bfb
    const uint8_t expect[SHAMIR_SECRET_BYTES] = {0x02, 0x9d, 0x0f, 0xa6, 0xa6,
                                                 0xb8, 0xfe, 0x7b, 0xfb};
    CHECK_MEM(secret, expect, sizeof expect);
    CHECK_EQ(shamir_code_format(text, secret), SHAMIR_OK);
    CHECK(strcmp(text, "4821-7 0935-2 7710-0 2291-3 6603-8") == 0);

    const char *spellings[] = {
        "48217 09352 77100 22913 66038",
        "4821-7-0935-2-7710-0-2291-3-6603-8",
        "4821709352771002291366038",
        "recovery code: 4821 7\t0935 2 7710 0 2291 3 6603 8\r\n",
        "  4821-7  0935-2  7710-0  2291-3  6603-8  ",
    };
    for (size_t i = 0; i < sizeof spellings / sizeof spellings[0]; i++) {
        CHECK_EQ(shamir_code_parse(spellings[i], again, &f), SHAMIR_OK);
        CHECK_MEM(again, secret, sizeof again);
    }

    // Every single wrong digit is caught, in the group where it is.
    const char *good = "4821709352771002291366038";
    unsigned missed = 0, wrong_group = 0, swaps_missed = 0;
    for (unsigned pos = 0; pos < 25; pos++) {
        for (unsigned d = 1; d < 10; d++) {
            char bad[32];
            strcpy(bad, good);
            bad[pos] = (char)('0' + (bad[pos] - '0' + d) % 10);
            shamir_status st = shamir_code_parse(bad, again, &f);
            missed += st != SHAMIR_ERR_CHECK;
            wrong_group += f.group != pos / 5 + 1 || f.bad_groups != 1u << (pos / 5);
        }
        if (pos % 5 < 4 && good[pos] != good[pos + 1]) {
            char bad[32];
            strcpy(bad, good);
            bad[pos] = good[pos + 1];
            bad[pos + 1] = good[pos];
            swaps_missed += shamir_code_parse(bad, again, &f) != SHAMIR_ERR_CHECK;
        }
    }
    CHECK_EQ(missed, 0);
    CHECK_EQ(wrong_group, 0);
    CHECK_EQ(swaps_missed, 0);
    CHECK_EQ(shamir_code_parse("4821-7 0935-2 7710-1 2291-3 6603-9", again, &f), SHAMIR_ERR_CHECK);
    CHECK_EQ(f.bad_groups, (1u << 2) | (1u << 4));
    CHECK_EQ(f.group, 3);

    // Missing or extra digits: the group is named when the spacing shows it.
    CHECK_EQ(shamir_code_parse("4821-7 0935-2 771-0 2291-3 6603-8", again, &f),
             SHAMIR_ERR_DIGIT_COUNT);
    CHECK(f.group == 3 && f.digits == 24 && f.expected == 25);
    CHECK_EQ(shamir_code_parse("4821-7 0935-2 7710-0 22591-3 6603-8", again, &f),
             SHAMIR_ERR_DIGIT_COUNT);
    CHECK(f.group == 4 && f.digits == 26);
    CHECK_EQ(shamir_code_parse("482170935277100229136603", again, &f), SHAMIR_ERR_DIGIT_COUNT);
    CHECK_EQ(f.group, 0);
    CHECK_EQ(shamir_code_parse("", again, &f), SHAMIR_ERR_DIGIT_COUNT);
    CHECK_EQ(f.digits, 0);
    CHECK_EQ(shamir_code_parse("48210935771022916603", again, &f), SHAMIR_ERR_DIGIT_COUNT);
    CHECK_EQ(shamir_code_parse("4821-7 O935-2 7710-0 2291-3 6603-8", again, &f), SHAMIR_ERR_CHAR);
    CHECK_EQ(f.bad_char, 'O');

    // Round trips over the whole range; 10^20 and up is not a code.
    unsigned bad_round_trips = 0;
    for (unsigned t = 0; t < 2000; t++) {
        char data[21], in[40];
        for (unsigned i = 0; i < 20; i++) {
            data[i] = (char)('0' + rng_next() % 10);
        }
        data[20] = '\0';
        if (t == 0) {
            memset(data, '0', 20);
        } else if (t == 1) {
            memset(data, '9', 20);
        }
        grouped(in, data);
        bad_round_trips += shamir_code_parse(in, secret, &f) != SHAMIR_OK ||
                           shamir_code_format(text, secret) != SHAMIR_OK || strcmp(text, in) != 0;
    }
    CHECK_EQ(bad_round_trips, 0);
    const uint8_t ten_pow_20[SHAMIR_SECRET_BYTES] = {0x05, 0x6b, 0xc7, 0x5e, 0x2d,
                                                     0x63, 0x10, 0x00, 0x00};
    CHECK_EQ(shamir_code_format(text, ten_pow_20), SHAMIR_ERR_RANGE);
    memset(secret, 0xff, sizeof secret);
    CHECK_EQ(shamir_code_format(text, secret), SHAMIR_ERR_RANGE);
}

static void test_share_text(void) {
    char text[SHAMIR_SHARE_TEXT_BYTES];
    shamir_share s, back;
    shamir_fault f;
    unsigned bad_round_trips = 0, bad_shape = 0;
    for (unsigned t = 0; t < 2000; t++) {
        s.set_id = (uint16_t)(t == 0 ? 0 : t == 1 ? 9999 : rng_next() % SHAMIR_SET_IDS);
        s.k = (uint8_t)(2 + rng_next() % 8);
        s.x = (uint8_t)(1 + rng_next() % 9);
        rng_fill(s.y, sizeof s.y);
        if (t < 2) {
            memset(s.y, t == 0 ? 0x00 : 0xff, sizeof s.y); // 0 and 2^72 - 1
        }
        bad_round_trips += shamir_share_format(text, &s) != SHAMIR_OK ||
                           shamir_share_parse(text, &back, &f) != SHAMIR_OK ||
                           !same_share(&s, &back);
        // "dddd-c " seven times, the set id first, then k and x.
        bad_shape += strlen(text) != 55 || (unsigned)atoi(text) != s.set_id ||
                     text[7] != '0' + s.k || text[8] != '0' + s.x;
    }
    CHECK_EQ(bad_round_trips, 0);
    CHECK_EQ(bad_shape, 0);

    s.set_id = 9464;
    s.k = 2;
    s.x = 3;
    rng_fill(s.y, sizeof s.y);
    CHECK_EQ(shamir_share_format(text, &s), SHAMIR_OK);
    char labelled[128];
    snprintf(labelled, sizeof labelled, "share 3 of 3 (any 2 rebuild the code): %s\n", text);
    CHECK_EQ(shamir_share_parse(labelled, &back, &f), SHAMIR_OK);
    CHECK(same_share(&s, &back));

    // Every single wrong digit is caught in its group; from group 3 on, the
    // share is still named.
    unsigned missed = 0, wrong_group = 0, unnamed = 0;
    for (size_t pos = 0; text[pos] != '\0'; pos++) {
        if (text[pos] < '0' || text[pos] > '9') {
            continue;
        }
        unsigned group = (unsigned)(pos / 7 + 1);
        for (unsigned d = 1; d < 10; d++) {
            char bad[SHAMIR_SHARE_TEXT_BYTES];
            strcpy(bad, text);
            bad[pos] = (char)('0' + (bad[pos] - '0' + d) % 10);
            missed += shamir_share_parse(bad, &back, &f) != SHAMIR_ERR_CHECK;
            wrong_group += f.group != group;
            unnamed += f.x != (group >= 3 ? 3 : 0);
        }
    }
    CHECK_EQ(missed, 0);
    CHECK_EQ(wrong_group, 0);
    CHECK_EQ(unnamed, 0);

    // Two wrong digits in one group slip past its check digit about once in
    // nine; the share check catches every one of them.
    unsigned slipped = 0, sum_missed = 0;
    for (unsigned t = 0; t < 20; t++) {
        s.set_id = (uint16_t)(rng_next() % SHAMIR_SET_IDS);
        rng_fill(s.y, sizeof s.y);
        CHECK_EQ(shamir_share_format(text, &s), SHAMIR_OK);
        for (size_t p1 = 0; text[p1] != '\0'; p1++) {
            for (size_t p2 = p1 + 1; text[p2] != '\0' && p2 / 7 == p1 / 7; p2++) {
                if (text[p1] == '-' || text[p2] == '-' || text[p2] == ' ') {
                    continue;
                }
                for (unsigned d1 = 1; d1 < 10; d1++) {
                    for (unsigned d2 = 1; d2 < 10; d2++) {
                        char bad[SHAMIR_SHARE_TEXT_BYTES];
                        strcpy(bad, text);
                        bad[p1] = (char)('0' + (bad[p1] - '0' + d1) % 10);
                        bad[p2] = (char)('0' + (bad[p2] - '0' + d2) % 10);
                        shamir_status st = shamir_share_parse(bad, &back, &f);
                        if (st != SHAMIR_ERR_CHECK) {
                            slipped++;
                            sum_missed += st != SHAMIR_ERR_SUM;
                        }
                    }
                }
            }
        }
    }
    CHECK(slipped > 20 * 8 * 810 / 12); // 10 digit pairs * 81 changes per group
    CHECK_EQ(sum_missed, 0);

    // Well-formed digits that are no share: k or x out of range, y >= 2^72.
    char in[64];
    share_text(in, "0123"
                   "2"
                   "9"
                   "4722366482869645213695"); // 2^72 - 1
    CHECK_EQ(shamir_share_parse(in, &back, &f), SHAMIR_OK);
    CHECK_EQ(back.y[0] & back.y[8], 0xff);
    share_text(in, "0123"
                   "1"
                   "1"
                   "0000000000000000000000"); // k = 1
    CHECK_EQ(shamir_share_parse(in, &back, &f), SHAMIR_ERR_HEADER);
    share_text(in, "0123"
                   "2"
                   "0"
                   "0000000000000000000000"); // x = 0: the secret itself
    CHECK_EQ(shamir_share_parse(in, &back, &f), SHAMIR_ERR_HEADER);
    share_text(in, "0123"
                   "2"
                   "9"
                   "4722366482869645213696"); // 2^72
    CHECK_EQ(shamir_share_parse(in, &back, &f), SHAMIR_ERR_RANGE);
    share_text(in, "0123"
                   "2"
                   "9"
                   "9999999999999999999999");
    CHECK_EQ(shamir_share_parse(in, &back, &f), SHAMIR_ERR_RANGE);
    grouped(in, "0123"
                "2"
                "9"
                "4722366482869645213695"
                "0000"); // wrong share check
    CHECK_EQ(shamir_share_parse(in, &back, &f), SHAMIR_ERR_SUM);
    // A recovery code is not a share, nor the other way round.
    CHECK_EQ(shamir_share_parse("4821-7 0935-2 7710-0 2291-3 6603-8", &back, &f),
             SHAMIR_ERR_DIGIT_COUNT);
    uint8_t secret[SHAMIR_SECRET_BYTES];
    CHECK_EQ(shamir_code_parse(text, secret, &f), SHAMIR_ERR_DIGIT_COUNT);
    s.x = 0;
    CHECK_EQ(shamir_share_format(text, &s), SHAMIR_ERR_ARGS);
}

// The whole path: code text -> shares as text -> any k texts -> the code text.
static void test_text_round_trip(void) {
    const char *code = "4821-7 0935-2 7710-0 2291-3 6603-8";
    uint8_t secret[SHAMIR_SECRET_BYTES], random[SHAMIR_RANDOM_BYTES(3)];
    CHECK_EQ(shamir_code_parse(code, secret, NULL), SHAMIR_OK);
    rng_fill(random, sizeof random);
    shamir_share shares[5], picked[3];
    CHECK_EQ(shamir_split(shares, secret, 3, 5, 77, random), SHAMIR_OK);
    char texts[5][SHAMIR_SHARE_TEXT_BYTES];
    for (unsigned i = 0; i < 5; i++) {
        CHECK_EQ(shamir_share_format(texts[i], &shares[i]), SHAMIR_OK);
    }
    const unsigned pick[3] = {4, 0, 2};
    for (unsigned i = 0; i < 3; i++) {
        CHECK_EQ(shamir_share_parse(texts[pick[i]], &picked[i], NULL), SHAMIR_OK);
    }
    uint8_t got[SHAMIR_SECRET_BYTES];
    char text[SHAMIR_CODE_TEXT_BYTES];
    CHECK_EQ(shamir_combine(got, picked, 3, NULL), SHAMIR_OK);
    CHECK_EQ(shamir_code_format(text, got), SHAMIR_OK);
    CHECK(strcmp(text, code) == 0);
    shamir_wipe(got, sizeof got);
    const uint8_t zero[SHAMIR_SECRET_BYTES] = {0};
    CHECK_MEM(got, zero, sizeof got);
}

int main(void) {
    test_field();
    test_round_trip();
    test_privacy();
    test_code_text();
    test_share_text();
    test_text_round_trip();
    return check_done("test_shamir");
}
