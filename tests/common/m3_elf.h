// ownerlock — a Cortex-M3 harness image in Unicorn, for the host programs
// that run one: the fault sweep (tests/fault/skip.c) and the constant-time
// trace (tests/ct/m3-trace.c). The ELF file read and checked, its sections,
// segments and symbols, and an emulator with the image loaded as the
// mps2-an385 test link (ports/mps2-an385/an385-test.ld) places it.
//
// Header only, like tests/unit's helpers: the scripts that compile these
// programs (tests/fault/run.sh, tests/ct/run-m3.sh) need only an -I for it.
// Define M3_TOOL, the name the program's messages start with, before including
// it. Every error here ends the program with status 2 (the tool failed, not
// the check).
#ifndef OWNERLOCK_TEST_M3_ELF_H
#define OWNERLOCK_TEST_M3_ELF_H

#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicorn/unicorn.h>

#ifndef M3_TOOL
#error "define M3_TOOL (the name messages start with) before including m3_elf.h"
#endif

// The memory of an385-test.ld.
#define M3_CODE_BASE 0x00000000u
#define M3_CODE_SIZE (4u << 20)
#define M3_RAM_BASE 0x20000000u
#define M3_RAM_SIZE (4u << 20)
#define M3_NOR_BASE 0x21000000u
#define M3_NOR_SIZE (16u << 20)
// Functions the host calls return here: mapped, never executed.
#define M3_RETURN_ADDR (M3_CODE_BASE + M3_CODE_SIZE - 0x100u)

static inline void m3_die(const char *what) {
    fprintf(stderr, M3_TOOL ": %s\n", what);
    exit(2);
}

static inline void m3_check(uc_err e, const char *what) {
    if (e != UC_ERR_OK) {
        fprintf(stderr, M3_TOOL ": %s: %s\n", what, uc_strerror(e));
        exit(2);
    }
}

// ---- the ELF file -------------------------------------------------------------------

typedef struct m3_elf {
    uint8_t *bytes;
    size_t len;
} m3_elf;

// len bytes at off, which must be inside the file.
static inline const void *m3_at(const m3_elf *elf, uint64_t off, uint64_t len) {
    if (off > elf->len || len > elf->len - off) {
        m3_die("truncated or malformed ELF");
    }
    return elf->bytes + off;
}

static inline const Elf32_Ehdr *m3_header(const m3_elf *elf) {
    return m3_at(elf, 0, sizeof(Elf32_Ehdr));
}

static inline const Elf32_Shdr *m3_section(const m3_elf *elf, unsigned i) {
    const Elf32_Ehdr *eh = m3_header(elf);
    return m3_at(elf, eh->e_shoff + (uint64_t)i * eh->e_shentsize, sizeof(Elf32_Shdr));
}

static inline const Elf32_Phdr *m3_segment(const m3_elf *elf, unsigned i) {
    const Elf32_Ehdr *eh = m3_header(elf);
    return m3_at(elf, eh->e_phoff + (uint64_t)i * eh->e_phentsize, sizeof(Elf32_Phdr));
}

// Reads the harness at path; it must be a 32-bit ARM ELF file.
static inline void m3_load(m3_elf *elf, const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(2);
    }
    if (fseek(f, 0, SEEK_END) != 0) {
        m3_die("cannot read the harness");
    }
    long len = ftell(f);
    rewind(f);
    elf->bytes = malloc((size_t)len);
    if (len <= 0 || !elf->bytes || fread(elf->bytes, 1, (size_t)len, f) != (size_t)len) {
        m3_die("cannot read the harness");
    }
    fclose(f);
    elf->len = (size_t)len;
    const Elf32_Ehdr *eh = m3_header(elf);
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS32 ||
        eh->e_machine != EM_ARM) {
        m3_die("not a 32-bit ARM ELF");
    }
}

// ---- its symbols --------------------------------------------------------------------

// The symbol table (an ELF file has at most one) and *n, its symbols; NULL
// and 0 when the file has none.
static inline const Elf32_Shdr *m3_symtab(const m3_elf *elf, size_t *n) {
    const Elf32_Ehdr *eh = m3_header(elf);
    for (unsigned i = 0; i < eh->e_shnum; i++) {
        const Elf32_Shdr *sh = m3_section(elf, i);
        if (sh->sh_type == SHT_SYMTAB) {
            *n = sh->sh_size / sizeof(Elf32_Sym);
            return sh;
        }
    }
    *n = 0;
    return NULL;
}

// The k-th symbol of symtab, and *name its name.
static inline const Elf32_Sym *m3_sym(const m3_elf *elf, const Elf32_Shdr *symtab, size_t k,
                                      const char **name) {
    const Elf32_Sym *s =
        m3_at(elf, symtab->sh_offset + (uint64_t)k * sizeof(Elf32_Sym), sizeof(Elf32_Sym));
    *name = m3_at(elf, m3_section(elf, symtab->sh_link)->sh_offset + s->st_name, 1);
    return s;
}

// The address of the symbol name, and *size its size (size may be NULL); a
// symbol the harness does not have ends the program.
static inline uint32_t m3_symbol(const m3_elf *elf, const char *name, uint32_t *size) {
    size_t n = 0;
    const Elf32_Shdr *symtab = m3_symtab(elf, &n);
    for (size_t k = 0; k < n; k++) {
        const char *s_name = NULL;
        const Elf32_Sym *s = m3_sym(elf, symtab, k, &s_name);
        if (strcmp(s_name, name) == 0) {
            if (size) {
                *size = s->st_size;
            }
            return s->st_value;
        }
    }
    fprintf(stderr, M3_TOOL ": symbol %s not found\n", name);
    exit(2);
}

// ---- the emulator -------------------------------------------------------------------

// A Cortex-M3 with the board's memory and the loadable segments at their run
// addresses (.data where the startup code would have copied it, .bss zero:
// no startup code runs). The code is read-only, like the MCU's flash: a
// faulted run that writes there crashes instead of changing the code every
// later run executes.
static inline uc_engine *m3_open(const m3_elf *elf) {
    uc_engine *uc = NULL;
    m3_check(uc_open(UC_ARCH_ARM, UC_MODE_THUMB | UC_MODE_MCLASS, &uc), "open");
    m3_check(uc_ctl_set_cpu_model(uc, UC_CPU_ARM_CORTEX_M3), "cpu model");
    m3_check(uc_mem_map(uc, M3_CODE_BASE, M3_CODE_SIZE, UC_PROT_READ | UC_PROT_EXEC), "map code");
    m3_check(uc_mem_map(uc, M3_RAM_BASE, M3_RAM_SIZE, UC_PROT_ALL), "map RAM");
    m3_check(uc_mem_map(uc, M3_NOR_BASE, M3_NOR_SIZE, UC_PROT_READ | UC_PROT_WRITE), "map NOR");
    for (unsigned i = 0; i < m3_header(elf)->e_phnum; i++) {
        const Elf32_Phdr *ph = m3_segment(elf, i);
        if (ph->p_type == PT_LOAD && ph->p_filesz) {
            m3_check(
                uc_mem_write(uc, ph->p_vaddr, m3_at(elf, ph->p_offset, ph->p_filesz), ph->p_filesz),
                "load segment");
        }
    }
    return uc;
}

#endif
