#if canImport(Glibc)
import Glibc
#endif

/// The Krylov basis V (local rows x ncv doubles), ARPACK's largest work array, which every
/// Lanczos step streams through twice or more (orthogonalisation) and every restart once per kept
/// vector. Anonymous memory, 2 MiB-aligned and marked for transparent huge pages (the machine's
/// `madvise` THP mode leaves ordinary malloc memory on 4 KiB pages): fewer TLB misses on those
/// streams. Its pages read as zero and are first touched where written. One owner allocates and
/// frees; a `LanczosSolver` given one as its `workspace` leaves its basis there (the Chebyshev cut
/// refinement reads it).
final class KrylovBasisStorage {
    let count: Int
    let pointer: UnsafeMutablePointer<Double>
    private let mapping: UnsafeMutableRawPointer
    private let mappedBytes: Int

    init(count: Int) {
        self.count = max(count, 1)
        let huge = 2 << 20
        let bytes = (self.count * MemoryLayout<Double>.stride + huge - 1) / huge * huge
        // One extra huge page lets the start move up to the next 2 MiB boundary.
        mappedBytes = bytes + huge
        guard let raw = mmap(nil, mappedBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              raw != MAP_FAILED else {
            fatalError("out of memory: a Krylov basis of \(self.count) doubles")
        }
        mapping = raw
        let aligned = raw + (huge - Int(bitPattern: raw) % huge) % huge
        #if canImport(Glibc)
        // Not below one huge page: a small basis's first write would zero a whole 2 MiB page.
        if self.count * MemoryLayout<Double>.stride >= huge { _ = madvise(aligned, bytes, 14 /* MADV_HUGEPAGE */) }
        #endif
        // Anonymous pages read as zero: the memory is initialised without touching it.
        pointer = aligned.bindMemory(to: Double.self, capacity: self.count)
    }

    /// Whether `count` doubles fit.
    func holds(_ count: Int) -> Bool { count <= self.count }

    deinit { munmap(mapping, mappedBytes) }
}
