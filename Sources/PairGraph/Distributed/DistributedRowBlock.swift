import Distributed

/// One rank's contiguous block of rows of the global matrix in CSR form, with columns renumbered
/// into the local space of its `HaloRequests`: owned columns `0..<rowCount`, then the ghost
/// columns `rowCount..<columnCount`. `apply(x:y:)` is the purely local product; the halo
/// exchange that fills x's ghost tail is `DistributedRowOperator`'s job.
///
/// Storage: 8 (rowCount + 1) + 12 nnz bytes (Int row pointers, Int32 columns, Double values).
public struct DistributedRowBlock: Sendable, Equatable {
    /// Owned rows.
    public let rowCount: Int
    /// Owned rows plus ghost columns: the length of the x that `apply` reads.
    public let columnCount: Int
    /// `rowCount + 1` offsets into `columnIndices`/`values`, starting at 0.
    public let rowPointers: [Int]
    /// Local column of each entry, in 0..<columnCount.
    public let columnIndices: [Int32]
    public let values: [Double]
    /// Whether every stored value is exactly 1 (an unweighted graph). `apply` then reads the
    /// pattern alone: 4 instead of 12 bytes per nonzero, and the same sums bit for bit.
    public let hasUnitValues: Bool

    /// - Precondition: well-formed CSR (pointers start at 0, nondecreasing, end at the entry count;
    ///   columns in 0..<columnCount; as many values as columns).
    public init(rowPointers: [Int], columnIndices: [Int32], values: [Double], columnCount: Int) {
        precondition(!rowPointers.isEmpty && rowPointers[0] == 0, "row pointers must start at 0")
        precondition(rowPointers[rowPointers.count - 1] == columnIndices.count,
                     "the last row pointer must equal the entry count \(columnIndices.count)")
        precondition(values.count == columnIndices.count, "\(values.count) values for \(columnIndices.count) columns")
        for i in 1..<rowPointers.count {
            precondition(rowPointers[i] >= rowPointers[i - 1], "row pointers must be nondecreasing")
        }
        precondition(columnCount >= rowPointers.count - 1, "the local columns include every owned row")
        for c in columnIndices {
            precondition(c >= 0 && Int(c) < columnCount, "local column \(c) outside 0..<\(columnCount)")
        }
        self.rowCount = rowPointers.count - 1
        self.columnCount = columnCount
        self.rowPointers = rowPointers
        self.columnIndices = columnIndices
        self.values = values
        hasUnitValues = values.allSatisfy { $0 == 1 }
    }

    public var nonzeros: Int { columnIndices.count }

    /// Bytes of the three CSR arrays.
    public var storageBytes: Int { 8 * (rowCount + 1) + 12 * nonzeros }

    /// Not collective. y = B x: x has `columnCount` entries (owned, then ghosts), y `rowCount`.
    /// Each row is summed in the order `RowSums` fixes from its stored entries alone, so a block
    /// holding a matrix's rows in the matrix's order reproduces the global product's rounding.
    public func apply(x: UnsafePointer<Double>, y: UnsafeMutablePointer<Double>) {
        rowPointers.withUnsafeBufferPointer { ptr in
            columnIndices.withUnsafeBufferPointer { col in
                values.withUnsafeBufferPointer { val in
                    RowSums.products(rows: rowCount, x: x, columns: col, values: hasUnitValues ? nil : val, into: y) { i in
                        (i, ptr[i], ptr[i + 1])
                    }
                }
            }
        }
    }

    /// Not collective. Y = B X for a block of `width` interleaved columns (`RowSums.blockProducts`):
    /// X has `columnCount * width` entries, Y `rowCount * width`; column j of Y is `apply(x:y:)` of
    /// column j of X bit for bit.
    public func apply(block x: UnsafePointer<Double>, width: Int, y: UnsafeMutablePointer<Double>) {
        rowPointers.withUnsafeBufferPointer { ptr in
            columnIndices.withUnsafeBufferPointer { col in
                values.withUnsafeBufferPointer { val in
                    RowSums.blockProducts(rows: rowCount, width: width, x: x, columns: col,
                                          values: hasUnitValues ? nil : val, into: y) { i in (i, ptr[i], ptr[i + 1]) }
                }
            }
        }
    }

    /// Not collective. y = B x for an x of `columnCount` entries.
    public func apply(_ x: [Double]) -> [Double] {
        precondition(x.count == columnCount, "x has \(x.count) entries, the block \(columnCount) columns")
        var y = [Double](repeating: 0, count: rowCount)
        x.withUnsafeBufferPointer { xb in
            y.withUnsafeMutableBufferPointer { yb in
                if let yBase = yb.baseAddress, let xBase = xb.baseAddress { apply(x: xBase, y: yBase) }
            }
        }
        return y
    }

    /// Not collective. Rank `rank`'s rows of `partition`, given in CSR with *global* column indices
    /// (`rowPointers` has `partition.rows(of: rank).count + 1` entries), renumbered into the local
    /// space. Returns the block and its ghost requests (the first half of its `HaloPlan`).
    public static func localize(rowPointers: [Int], globalColumns: some Collection<Int>, values: [Double],
                                partition: RowPartition, rank: Int) -> (block: DistributedRowBlock, requests: HaloRequests) {
        precondition(rowPointers.count == partition.rows(of: rank).count + 1,
                     "\(rowPointers.count - 1) rows given for a block of \(partition.rows(of: rank).count)")
        let requests = HaloRequests(partition: partition, rank: rank, globalColumns: globalColumns)
        let block = DistributedRowBlock(rowPointers: rowPointers, columnIndices: requests.renumber(globalColumns),
                                        values: values, columnCount: requests.localWidth)
        return (block, requests)
    }

    /// Not collective. As `localize(rowPointers:globalColumns:values:partition:rank:)` for 32-bit
    /// global columns, in concrete loops: the generic version calls through a protocol per entry,
    /// which costs seconds on tens of millions of nonzeros, and an Int copy would cost 8 bytes each.
    public static func localize(rowPointers: [Int], globalColumns: [Int32], values: [Double],
                                partition: RowPartition, rank: Int) -> (block: DistributedRowBlock, requests: HaloRequests) {
        let owned = partition.rows(of: rank)
        precondition(rowPointers.count == owned.count + 1,
                     "\(rowPointers.count - 1) rows given for a block of \(owned.count)")
        // A bitmap of the graph's rows when it is no larger than the column indices themselves.
        let bitmap = partition.rowCount / 8 <= 4 * globalColumns.count
        let (local, ghosts) = localColumns(globalColumns, owned: owned, rowCount: partition.rowCount, bitmap: bitmap)
        let requests = HaloRequests(partition: partition, rank: rank, sortedGhostColumns: ghosts.map { Int($0) })
        let block = DistributedRowBlock(rowPointers: rowPointers, columnIndices: local, values: values,
                                        columnCount: owned.count + ghosts.count)
        return (block, requests)
    }

    /// Not collective. Each entry's local column (an owned column c is c - first owned row, a ghost
    /// owned count + its position among the ghosts) and the ghosts, ascending and unique. Two ways
    /// to the same numbers: `bitmap` marks the ghosts in one bit per row of the graph and numbers
    /// them by counting bits, linear in the entries (sorting sbm1m's 4.9 M ghost entries per rank at
    /// P = 2 and searching each took 1.0 s: docs/benchmarks.md); otherwise the ghost entries are
    /// sorted and each is found by binary search, which needs no memory per graph row.
    static func localColumns(_ globalColumns: [Int32], owned: Range<Int>, rowCount: Int,
                             bitmap: Bool) -> (local: [Int32], ghosts: [Int32]) {
        let lo = Int32(owned.lowerBound), hi = Int32(owned.upperBound), n = Int32(owned.count)
        var local = [Int32](repeating: 0, count: globalColumns.count)
        var ghosts: [Int32] = []
        if bitmap {
            var bits = [UInt64](repeating: 0, count: (rowCount + 63) / 64)
            for c in globalColumns where c < lo || c >= hi {
                precondition(c >= 0 && Int(c) < rowCount, "column \(c) outside 0..<\(rowCount)")
                bits[Int(c) >> 6] |= 1 << UInt64(c & 63)
            }
            // Ghosts in the words before each word.
            var before = [Int32](repeating: 0, count: bits.count)
            var count: Int32 = 0
            for w in bits.indices {
                before[w] = count
                count += Int32(bits[w].nonzeroBitCount)
                var b = bits[w]
                while b != 0 {
                    ghosts.append(Int32(w << 6 + b.trailingZeroBitCount))
                    b &= b - 1
                }
            }
            bits.withUnsafeBufferPointer { words in
                before.withUnsafeBufferPointer { first in
                    globalColumns.withUnsafeBufferPointer { cols in
                        for q in 0..<cols.count {
                            let c = cols[q]
                            if c >= lo && c < hi { local[q] = c - lo; continue }
                            let w = Int(c) >> 6, below = words[w] & ((1 << UInt64(c & 63)) - 1)
                            local[q] = n + first[w] + Int32(below.nonzeroBitCount)
                        }
                    }
                }
            }
            return (local, ghosts)
        }
        for c in globalColumns where c < lo || c >= hi {
            precondition(c >= 0 && Int(c) < rowCount, "column \(c) outside 0..<\(rowCount)")
            ghosts.append(c)
        }
        ghosts.sort()
        var unique: [Int32] = []
        for c in ghosts where unique.last != c { unique.append(c) }
        unique.withUnsafeBufferPointer { g in
            globalColumns.withUnsafeBufferPointer { cols in
                for q in 0..<cols.count {
                    let c = cols[q]
                    if c >= lo && c < hi { local[q] = c - lo; continue }
                    var a = 0, b = g.count
                    while a < b { let m = (a + b) / 2; if g[m] < c { a = m + 1 } else { b = m } }
                    local[q] = n + Int32(a)
                }
            }
        }
        return (local, unique)
    }
}

