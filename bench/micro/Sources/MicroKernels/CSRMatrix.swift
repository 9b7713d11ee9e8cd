/// A square sparse matrix in the CSR layout of Eigenpair's `DistributedRowBlock` on one rank:
/// Int row pointers, Int32 columns, Double values (8 (n + 1) + 12 nnz bytes).
public struct CSRMatrix: Sendable {
    public let rowCount: Int
    public let rowPointers: [Int]
    public let columnIndices: [Int32]
    public let values: [Double]

    public init(rowPointers: [Int], columnIndices: [Int32], values: [Double]) {
        precondition(rowPointers.first == 0 && rowPointers.last == columnIndices.count && values.count == columnIndices.count)
        self.rowCount = rowPointers.count - 1
        self.rowPointers = rowPointers
        self.columnIndices = columnIndices
        self.values = values
    }

    public var nonzeros: Int { columnIndices.count }

    /// y = A x with one running sum per row: the loop `DistributedRowBlock.apply(x:y:)` had before
    /// it moved to four partial sums (`RowSums`), kept as the baseline of that lever.
    public func apply(x: UnsafePointer<Double>, y: UnsafeMutablePointer<Double>) {
        rowPointers.withUnsafeBufferPointer { ptr in
            columnIndices.withUnsafeBufferPointer { col in
                values.withUnsafeBufferPointer { val in
                    for i in 0..<rowCount {
                        var s = 0.0
                        for p in ptr[i]..<ptr[i + 1] { s += val[p] * x[Int(col[p])] }
                        y[i] = s
                    }
                }
            }
        }
    }

    /// y = A x with four partial sums per row (entries p, p+4, ... in accumulator p mod 4, added
    /// as (s0 + s1) + (s2 + s3)): the order of `PairGraph.RowSums.weighted`, which Eigenpair now
    /// runs; a copy because this target also builds without the main package (the benchmarks of
    /// the real `DistributedRowBlock.apply` are in the `canImport(PairGraph)` part). It breaks the
    /// one-add-per-nonzero latency chain of the stored-order sum. Still deterministic and independent of the rank count (a
    /// row is never split across ranks), but it rounds differently from the stored-order sum.
    public func applyFourAccumulators(x: UnsafePointer<Double>, y: UnsafeMutablePointer<Double>) {
        rowPointers.withUnsafeBufferPointer { ptr in
            columnIndices.withUnsafeBufferPointer { col in
                values.withUnsafeBufferPointer { val in
                    for i in 0..<rowCount {
                        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
                        var p = ptr[i]
                        let end = ptr[i + 1]
                        while p + 4 <= end {
                            s0 += val[p] * x[Int(col[p])]
                            s1 += val[p + 1] * x[Int(col[p + 1])]
                            s2 += val[p + 2] * x[Int(col[p + 2])]
                            s3 += val[p + 3] * x[Int(col[p + 3])]
                            p += 4
                        }
                        if p < end { s0 += val[p] * x[Int(col[p])] }
                        if p + 1 < end { s1 += val[p + 1] * x[Int(col[p + 1])] }
                        if p + 2 < end { s2 += val[p + 2] * x[Int(col[p + 2])] }
                        y[i] = (s0 + s1) + (s2 + s3)
                    }
                }
            }
        }
    }

    /// Bytes per product in the issue's accounting: 12 per nonzero (column + value), 8 per row of
    /// y, 8 per x access (one per nonzero). Row pointers are not counted.
    public var bytesPerProductIssueModel: Int { 20 * nonzeros + 8 * rowCount }

    /// Compulsory traffic of one product: the CSR arrays (8 (n + 1) + 12 nnz), x read once, y
    /// written once. A kernel at this count is at the bandwidth bound; the roofline uses it.
    public var bytesPerProductCompulsory: Int { 8 * (rowCount + 1) + 12 * nonzeros + 16 * rowCount }

    /// The matrix with rows and columns renumbered: row `newIndex[i]` of the result is row i of
    /// self, columns mapped the same way and sorted within each row.
    public func permuted(newIndex: [Int32]) -> CSRMatrix {
        precondition(newIndex.count == rowCount)
        var oldOfNew = [Int](repeating: 0, count: rowCount)
        for (old, new) in newIndex.enumerated() { oldOfNew[Int(new)] = old }
        var pointers = [Int](repeating: 0, count: rowCount + 1)
        for new in 0..<rowCount {
            let old = oldOfNew[new]
            pointers[new + 1] = pointers[new] + (rowPointers[old + 1] - rowPointers[old])
        }
        var columns = [Int32](repeating: 0, count: nonzeros)
        var vals = [Double](repeating: 0, count: nonzeros)
        var pairs: [(Int32, Double)] = []
        for new in 0..<rowCount {
            let old = oldOfNew[new]
            pairs.removeAll(keepingCapacity: true)
            for p in rowPointers[old]..<rowPointers[old + 1] { pairs.append((newIndex[Int(columnIndices[p])], values[p])) }
            pairs.sort { $0.0 < $1.0 }
            var q = pointers[new]
            for (c, v) in pairs { columns[q] = c; vals[q] = v; q += 1 }
        }
        return CSRMatrix(rowPointers: pointers, columnIndices: columns, values: vals)
    }

    /// Rows (and columns) by descending degree, ties in the present order: the hubs' x entries
    /// then share cache lines, which is the reordering lever of the memory-system notes.
    public func degreeOrder() -> [Int32] {
        let order = (0..<rowCount).sorted {
            let da = rowPointers[$0 + 1] - rowPointers[$0], db = rowPointers[$1 + 1] - rowPointers[$1]
            return da != db ? da > db : $0 < $1
        }
        var newIndex = [Int32](repeating: 0, count: rowCount)
        for (new, old) in order.enumerated() { newIndex[old] = Int32(new) }
        return newIndex
    }

    /// A uniformly random renumbering (seeded).
    public func randomOrder(seed: UInt64) -> [Int32] {
        var rng = SplitMix64(seed: seed)
        var newIndex = (0..<rowCount).map { Int32($0) }
        if rowCount > 1 {
            for i in stride(from: rowCount - 1, to: 0, by: -1) {
                let j = Int(rng.next() % UInt64(i + 1))
                newIndex.swapAt(i, j)
            }
        }
        return newIndex
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014).
public struct SplitMix64: Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
