/// The inner loop of every local sparse product: one row's sum over its stored entries.
///
/// One running sum makes the loop wait on the previous addition (the latency of one addition per
/// nonzero capped the product: docs/hardware-limit.md); four partial sums let four additions overlap. Entry q of
/// a row (counted from the row's first entry) goes to partial sum q mod 4, the leftover entries
/// after the last full group of four to sums 0, 1, 2 in order, and the row's value is
/// (s0 + s1) + (s2 + s3). The order depends only on the row's entries in stored order, so every
/// partition of the rows (every rank count) rounds a row the same way.
public enum RowSums {
    @inlinable @inline(__always)
    public static func pattern(_ x: UnsafePointer<Double>, columns col: UnsafePointer<Int32>,
                               from lo: Int, to hi: Int) -> Double {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var q = lo
        while q + 4 <= hi {
            s0 += x[Int(col[q])]
            s1 += x[Int(col[q + 1])]
            s2 += x[Int(col[q + 2])]
            s3 += x[Int(col[q + 3])]
            q += 4
        }
        if q < hi { s0 += x[Int(col[q])] }
        if q + 1 < hi { s1 += x[Int(col[q + 1])] }
        if q + 2 < hi { s2 += x[Int(col[q + 2])] }
        return (s0 + s1) + (s2 + s3)
    }

    @inlinable @inline(__always)
    public static func weighted(_ x: UnsafePointer<Double>, columns col: UnsafePointer<Int32>,
                                values w: UnsafePointer<Double>, from lo: Int, to hi: Int) -> Double {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var q = lo
        while q + 4 <= hi {
            s0 += w[q] * x[Int(col[q])]
            s1 += w[q + 1] * x[Int(col[q + 1])]
            s2 += w[q + 2] * x[Int(col[q + 2])]
            s3 += w[q + 3] * x[Int(col[q + 3])]
            q += 4
        }
        if q < hi { s0 += w[q] * x[Int(col[q])] }
        if q + 1 < hi { s1 += w[q + 1] * x[Int(col[q + 1])] }
        if q + 2 < hi { s2 += w[q + 2] * x[Int(col[q + 2])] }
        return (s0 + s1) + (s2 + s3)
    }

    /// Every row's sum, in the order above: row t spans entries `row(t).lo..<row(t).hi` and goes
    /// to y[row(t).slot]; weighted by `values` unless they are nil (every stored value is 1), and
    /// 0 for every row when there are no entries at all. The loop every local product runs
    /// (`DistributedRowBlock`, `HubOrderedBlock`, the component operators of Spectral).
    @inlinable @inline(__always)
    public static func products(rows count: Int, x: UnsafePointer<Double>, columns: UnsafeBufferPointer<Int32>,
                                values: UnsafeBufferPointer<Double>?, into y: UnsafeMutablePointer<Double>,
                                row: (Int) -> (slot: Int, lo: Int, hi: Int)) {
        guard let c = columns.baseAddress else {
            for t in 0..<count { y[row(t).slot] = 0 }
            return
        }
        if let v = values?.baseAddress {
            for t in 0..<count {
                let r = row(t)
                y[r.slot] = weighted(x, columns: c, values: v, from: r.lo, to: r.hi)
            }
        } else {
            for t in 0..<count {
                let r = row(t)
                y[r.slot] = pattern(x, columns: c, from: r.lo, to: r.hi)
            }
        }
    }
}
