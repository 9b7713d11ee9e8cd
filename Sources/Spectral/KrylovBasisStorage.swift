#if canImport(Glibc)
import Glibc
#endif

/// The Krylov basis V (local rows x ncv doubles), ARPACK's largest work array, which every
/// Lanczos step streams through twice or more (orthogonalisation) and every restart once per kept
/// vector. It is allocated 2 MiB-aligned and marked for transparent huge pages (the machine's
/// `madvise` THP mode leaves ordinary malloc memory on 4 KiB pages): fewer TLB misses on those
/// streams. One owner allocates and frees.
final class KrylovBasisStorage {
    let count: Int
    let pointer: UnsafeMutablePointer<Double>

    init(count: Int) {
        self.count = max(count, 1)
        let bytes = self.count * MemoryLayout<Double>.stride
        let huge = 2 << 20
        var raw: UnsafeMutableRawPointer?
        if bytes >= huge, posix_memalign(&raw, huge, (bytes + huge - 1) / huge * huge) == 0, let raw {
            #if canImport(Glibc)
            _ = madvise(raw, (bytes + huge - 1) / huge * huge, 14 /* MADV_HUGEPAGE */)
            #endif
            pointer = raw.bindMemory(to: Double.self, capacity: self.count)
        } else {
            pointer = UnsafeMutableRawPointer(malloc(bytes)!).bindMemory(to: Double.self, capacity: self.count)
        }
        pointer.initialize(repeating: 0, count: self.count)
    }

    deinit { free(pointer) }
}
