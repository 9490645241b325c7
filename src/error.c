// ownerlock — names of the error values (include/ownerlock/error.h).
#include "ownerlock/error.h"

const char *ol_err_name(ol_err err) {
    switch (err) {
    case OL_OK:
        return "ok";
    case OL_ERR_ARG:
        return "arg";
    case OL_ERR_FLASH:
        return "flash";
    case OL_ERR_CORRUPT:
        return "corrupt";
    case OL_ERR_NOT_FOUND:
        return "not_found";
    case OL_ERR_FULL:
        return "full";
    case OL_ERR_TOO_BIG:
        return "too_big";
    case OL_ERR_AUTH:
        return "auth";
    case OL_ERR_STATE:
        return "state";
    case OL_ERR_POWER:
        return "power";
    }
    return "unknown";
}
