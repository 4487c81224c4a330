#include <stdint.h>

/// Atomic operations on 64-bit words anywhere in memory (the pool's metrics live in a
/// MAP_SHARED mapping that every forked worker process writes). Relaxed order: counters.
static inline void CAtomics_add(uint64_t *word, uint64_t value) {
    __atomic_fetch_add(word, value, __ATOMIC_RELAXED);
}

static inline uint64_t CAtomics_load(const uint64_t *word) {
    return __atomic_load_n(word, __ATOMIC_RELAXED);
}

/// Sets `*word` to `desired` if it holds `expected`; returns what it held before.
static inline uint64_t CAtomics_compare_exchange(uint64_t *word, uint64_t expected, uint64_t desired) {
    __atomic_compare_exchange_n(word, &expected, desired, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
    return expected;
}
