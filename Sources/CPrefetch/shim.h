/* Swift has no prefetch intrinsic; the local sparse product (PairGraph's RowSums) asks for the
   entries of x it will gather a few dozen nonzeros ahead (docs/hardware-limit.md, "Software
   prefetch"). A hint only: it never faults and never changes a result. */
static inline void cprefetch_read(const void *address) {
    __builtin_prefetch(address, 0, 3);
}
