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
        // Four columns at a time in SIMD lanes (lane-wise IEEE additions: the same roundings as
        // four scalar sums), the rest one at a time.
        let lanes = k - k % 4
        for t in 0..<count {
            let r = row(t)
            let out = y + r.slot * k
            var j = 0
            while j < lanes {
                let sums = laneSums(x + j, stride: k, columns: c, values: w, from: r.lo, to: r.hi)
                UnsafeMutableRawPointer(out + j).storeBytes(of: sums, as: SIMD4<Double>.self)
                j += 4
            }
            while j < k {
                out[j] = w.map { weighted(x + j, stride: k, columns: c, values: $0, from: r.lo, to: r.hi) }
                    ?? pattern(x + j, stride: k, columns: c, from: r.lo, to: r.hi)
                j += 1
            }
        }
    }

    /// Four adjacent columns of one row's sum, in `RowSums`' order per lane.
    @inlinable @inline(__always)
    static func laneSums(_ x: UnsafePointer<Double>, stride k: Int, columns col: UnsafePointer<Int32>,
                         values w: UnsafePointer<Double>?, from lo: Int, to hi: Int) -> SIMD4<Double> {
        @inline(__always) func load(_ q: Int) -> SIMD4<Double> {
            let v = UnsafeRawPointer(x + Int(col[q]) * k).loadUnaligned(as: SIMD4<Double>.self)
            return w.map { $0[q] * v } ?? v
        }
        var s0 = SIMD4<Double>(), s1 = SIMD4<Double>(), s2 = SIMD4<Double>(), s3 = SIMD4<Double>()
        var q = lo
        while q + 4 <= hi {
            s0 += load(q)
            s1 += load(q + 1)
            s2 += load(q + 2)
            s3 += load(q + 3)
            q += 4
        }
        if q < hi { s0 += load(q) }
        if q + 1 < hi { s1 += load(q + 1) }
        if q + 2 < hi { s2 += load(q + 2) }
        return (s0 + s1) + (s2 + s3)
    }
}
