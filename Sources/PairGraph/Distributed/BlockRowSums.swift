/// The inner loop of the local product with a block of k vectors (SpMM): one pass over a row's
/// stored entries applies each entry to all k columns.
///
/// The block is interleaved (row-major): entry i's k values are `x[i * k ..< (i + 1) * k]`, so one
/// gathered row of x is k contiguous values (one or two cache lines at k = 16) instead of k
/// scattered gathers. Each column is summed exactly as `RowSums` sums a vector: entry q of a row
/// (counted from the row's first entry) into partial sum q mod 4, the leftovers after the last full
/// group of four into sums 0, 1, 2, and (s0 + s1) + (s2 + s3). So column j of the block product is
/// the vector product of column j bit for bit, whatever k (docs/hardware-limit.md, "Block products").
extension RowSums {
    /// Every row's k sums: row t spans entries `row(t).lo..<row(t).hi` and goes to
    /// `y[row(t).slot * k ..< (row(t).slot + 1) * k]`; weighted by `values` unless they are nil
    /// (every stored value is 1); 0 for every row when there are no entries at all.
    ///
    /// One pass over each row's entries: entry q's k values of x are read once (two cache lines
    /// at k = 16) and added to the k columns of partial sum q mod 4, held in a 4k-entry buffer that
    /// stays in L1. (Four passes of four columns each read every x row four times; on R-MAT's hub
    /// rows the lines did not survive between passes and the product was slower than k vector
    /// products.)
    /// - Precondition: k >= 1; `x` holds k values per column the entries reference.
    @inlinable
    public static func blockProducts(rows count: Int, width k: Int, x: UnsafePointer<Double>,
                                     columns: UnsafeBufferPointer<Int32>, values: UnsafeBufferPointer<Double>?,
                                     into y: UnsafeMutablePointer<Double>,
                                     row: (Int) -> (slot: Int, lo: Int, hi: Int)) {
        precondition(k >= 1, "block width \(k)")
        guard let c = columns.baseAddress else {
            for t in 0..<count { (y + row(t).slot * k).update(repeating: 0, count: k) }
            return
        }
        let w = values?.baseAddress
        let partial = UnsafeMutablePointer<Double>.allocate(capacity: 4 * k)
        partial.initialize(repeating: 0, count: 4 * k)
        defer { partial.deallocate() }
        let s1 = partial + k, s2 = partial + 2 * k, s3 = partial + 3 * k
        for t in 0..<count {
            let r = row(t)
            partial.update(repeating: 0, count: 4 * k)
            var q = r.lo
            while q + 4 <= r.hi {
                accumulate(partial, x + Int(c[q]) * k, weight: w?[q], width: k)
                accumulate(s1, x + Int(c[q + 1]) * k, weight: w?[q + 1], width: k)
                accumulate(s2, x + Int(c[q + 2]) * k, weight: w?[q + 2], width: k)
                accumulate(s3, x + Int(c[q + 3]) * k, weight: w?[q + 3], width: k)
                q += 4
            }
            if q < r.hi { accumulate(partial, x + Int(c[q]) * k, weight: w?[q], width: k) }
            if q + 1 < r.hi { accumulate(s1, x + Int(c[q + 1]) * k, weight: w?[q + 1], width: k) }
            if q + 2 < r.hi { accumulate(s2, x + Int(c[q + 2]) * k, weight: w?[q + 2], width: k) }
            let out = y + r.slot * k
            var j = 0
            while j + 4 <= k {
                let a = load(partial + j) + load(s1 + j), b = load(s2 + j) + load(s3 + j)
                UnsafeMutableRawPointer(out + j).storeBytes(of: a + b, as: SIMD4<Double>.self)
                j += 4
            }
            while j < k {
                out[j] = (partial[j] + s1[j]) + (s2[j] + s3[j])
                j += 1
            }
        }
    }

    /// s[j] += x[j] (times `weight` when given) for j in 0..<k, four lanes at a time: lane-wise
    /// IEEE operations, so each column rounds as a scalar sum would.
    @inlinable @inline(__always)
    static func accumulate(_ s: UnsafeMutablePointer<Double>, _ x: UnsafePointer<Double>, weight: Double?, width k: Int) {
        var j = 0
        if let weight {
            while j + 4 <= k {
                UnsafeMutableRawPointer(s + j).storeBytes(of: load(s + j) + weight * load(x + j), as: SIMD4<Double>.self)
                j += 4
            }
            while j < k { s[j] += weight * x[j]; j += 1 }
        } else {
            while j + 4 <= k {
                UnsafeMutableRawPointer(s + j).storeBytes(of: load(s + j) + load(x + j), as: SIMD4<Double>.self)
                j += 4
            }
            while j < k { s[j] += x[j]; j += 1 }
        }
    }

    @inlinable @inline(__always)
    static func load(_ p: UnsafePointer<Double>) -> SIMD4<Double> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Double>.self)
    }

    @inlinable @inline(__always)
    static func load(_ p: UnsafeMutablePointer<Double>) -> SIMD4<Double> { load(UnsafePointer(p)) }
}
