// ol_err_name: every error value has its own non-empty name, and anything else
// gets the fallback. (A value added to ol_err without a name does not build:
// the switch in src/error.c has no default, and -Wswitch is an error.)
#include <string.h>

#include "check.h"
#include "ownerlock/error.h"

static const ol_err ALL[] = {
    OL_OK,       OL_ERR_ARG,     OL_ERR_FLASH, OL_ERR_CORRUPT, OL_ERR_NOT_FOUND,
    OL_ERR_FULL, OL_ERR_TOO_BIG, OL_ERR_AUTH,  OL_ERR_STATE,   OL_ERR_POWER,
};
#define N_ALL (sizeof ALL / sizeof ALL[0])

static void test_names_distinct(void) {
    for (size_t i = 0; i < N_ALL; i++) {
        const char *a = ol_err_name(ALL[i]);
        CHECK(a != NULL);
        if (a == NULL) {
            continue;
        }
        CHECK(a[0] != '\0');
        CHECK(strcmp(a, "unknown") != 0);
        for (size_t j = 0; j < i; j++) {
            CHECK(strcmp(a, ol_err_name(ALL[j])) != 0);
        }
    }
    CHECK(strcmp(ol_err_name(OL_OK), "ok") == 0);
    CHECK(strcmp(ol_err_name(OL_ERR_AUTH), "auth") == 0);
}

// Every integer that is not one of ALL is "unknown"; the listed values are
// exactly the ones with a name (so ALL above misses none).
static void test_fallback(void) {
    for (int v = -300; v <= 300; v++) {
        int listed = 0;
        for (size_t i = 0; i < N_ALL; i++) {
            listed |= (int)ALL[i] == v;
        }
        const char *name = ol_err_name((ol_err)v);
        CHECK(name != NULL && name[0] != '\0');
        CHECK_EQ(strcmp(name, "unknown") != 0, listed);
    }
}

int main(void) {
    test_names_distinct();
    test_fallback();
    return check_done("test_error");
}
