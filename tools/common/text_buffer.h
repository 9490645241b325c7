// A text that grows as it is written, for the host programs that make a file
// or an answer whole before it goes out (the owner's tool, the fleet service):
//
//     text_buffer t = {0};
//     bool ok = text_printf(&t, "<p>%u records</p>", n) && text_html(&t, name);
//     ... t.s, t.len ...
//     text_free(&t);
//
// Unlike grow.h, running out of memory ends nothing: the buffer remembers it
// (`failed`), every later write is refused, and the caller checks once. A
// service must not exit because one request's answer did not fit.
#ifndef OWNERLOCK_TEXT_BUFFER_H
#define OWNERLOCK_TEXT_BUFFER_H

#include <stdbool.h>
#include <stddef.h>

typedef struct text_buffer {
    char *s;     // NUL-terminated once anything is written; NULL before
    size_t len;  // bytes of text, without the NUL
    size_t cap;  // bytes allocated
    bool failed; // out of memory: s holds only what was written before
} text_buffer;

// Appends printf's text; false once the buffer has failed.
bool text_printf(text_buffer *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

// Appends s as HTML (and XML) text: & < > " ' as character references, so a
// name from a database or a file reads as itself in an element or an
// attribute, never as markup. False once the buffer has failed.
bool text_html(text_buffer *t, const char *s);

// Frees the text; the buffer is empty again.
void text_free(text_buffer *t);

#endif
