// The host's cap on the guest's largest allocation (device_bridge/sim/wasm/board.py sets it).
//
// A micro:bit V1 has about 10 KB of heap: at a fresh REPL its largest free block is 6048 bytes,
// so `bytearray(6049)` raises `MemoryError: memory allocation failed, allocating 6049 bytes`.
// The guest's heap is 128 MB (a V1-sized one makes collections cost too much simulated time),
// so for `sim@v1` the host caps what one allocation may ask for instead: the calls that
// py/malloc.c (m_malloc, m_realloc...) makes to gc_alloc and gc_realloc come here (the build
// compiles that one file with `-Dgc_alloc=tne_capped_gc_alloc -Dgc_realloc=tne_capped_gc_realloc`:
// scripts/build_guest_wasm.py; Zig's driver drops the linker's `--wrap=`), and a request over the
// cap gets NULL, as the V1's collector gives, so that MicroPython itself raises its own
// MemoryError with the V1's words (m_malloc_fail: "memory allocation failed, allocating N bytes").
//
// Only the host sets the cap, through the export `tne_set_alloc_cap`: no Python binding
// exists. 0 (the default) means no cap (sim@v2, and the simulator's own boot).

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "py/gc.h"

void *tne_capped_gc_alloc(size_t n_bytes, unsigned int alloc_flags);
void *tne_capped_gc_realloc(void *ptr, size_t n_bytes, bool allow_move);

static size_t alloc_cap;

__attribute__((export_name("tne_set_alloc_cap")))
void tne_set_alloc_cap(uint32_t cap) {
    alloc_cap = (size_t)cap;
}

void *tne_capped_gc_alloc(size_t n_bytes, unsigned int alloc_flags) {
    if (alloc_cap != 0 && n_bytes > alloc_cap) {
        return NULL;
    }
    return gc_alloc(n_bytes, alloc_flags);
}

void *tne_capped_gc_realloc(void *ptr, size_t n_bytes, bool allow_move) {
    if (alloc_cap != 0 && n_bytes > alloc_cap) {
        return NULL;
    }
    return gc_realloc(ptr, n_bytes, allow_move);
}
