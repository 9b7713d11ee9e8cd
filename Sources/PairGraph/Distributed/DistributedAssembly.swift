import Distributed

/// This rank's rows of the assembled graph: CSR with global columns (ascending within a row),
/// merged, symmetric, without self-loops; plus the global counts the report shows.
public struct AssembledRows: Sendable {
    public var partition: RowPartition
    public var rowPointers: [Int]
    public var columns: [Int32]
    public var weights: [Double]
    /// Global counts, equal to the one-process `GraphAssembler`'s.
    public var selfLoopsDropped: Int
    public var duplicatesMerged: Int
    public var edges: Int
}

/// Edges parsed on every rank -> rows on their owners, as `GraphAssembler` does on one process:
/// self-loops dropped, both directions of each edge stored, entries for the same pair merged by
/// the rule, every count identical to the one-process assembly.
///
/// Two exchanges: (1) each entry (row, column, weight) to the rank owning its row under a uniform
/// split of the rows, where rows are merged; (2) whole rows to the owners under the final
/// partition, balanced by nonzeros (R-MAT degrees are skewed, so a uniform split is not).
/// Memory per rank: the parsed edges' compacted endpoints, 16 bytes per entry sent away and
/// received, and 12 bytes per merged entry.
public enum DistributedAssembly {
    /// Collective.
    /// - Parameters: first/second: this rank's parsed edges as compacted rows; weights nil when
    ///   unweighted; nodeCount the global N.
    /// The endpoint and weight arrays are emptied once they are no longer needed (their memory is
    /// the largest transient of the input stage).
    public static func assemble(first: inout [Int32], second: inout [Int32], weights: inout [Double]?, nodeCount n: Int,
                                merge rule: MergeRule, communicator: Communicator) -> AssembledRows {
        let p = communicator.size, me = communicator.rank
        let uniform = RowPartition(uniformRows: n, ranks: p)
        let myUniform = uniform.rows(of: me)
        let m = first.count

        // 1. Count entries per destination rank (remote) and per owned row (local).
        var sendCounts = [Int](repeating: 0, count: p)
        var rowCounts = [Int](repeating: 0, count: myUniform.count)
        var loops = 0
        func countEntry(_ row: Int) {
            let owner = uniform.owner(of: row)
            if owner == me { rowCounts[row - myUniform.lowerBound] += 1 } else { sendCounts[owner] += 1 }
        }
        for i in 0..<m {
            let a = Int(first[i]), b = Int(second[i])
            if a == b { loops += 1; continue }
            countEntry(a)
            countEntry(b)
        }
        var offsets = [0]
        for c in sendCounts { offsets.append(offsets[offsets.count - 1] + c) }
        var keys = [Int64](repeating: 0, count: offsets[p])
        var bits = [Int64](repeating: 0, count: weights == nil ? 0 : offsets[p])
        var cursor = offsets
        func sendEntry(_ row: Int, _ col: Int, _ i: Int) {
            let owner = uniform.owner(of: row)
            if owner == me { return }
            keys[cursor[owner]] = Int64(row) << 32 | Int64(col)
            if let weights { bits[cursor[owner]] = Int64(bitPattern: weights[i].bitPattern) }
            cursor[owner] += 1
        }
        for i in 0..<m {
            let a = Int(first[i]), b = Int(second[i])
            if a == b { continue }
            sendEntry(a, b, i)
            sendEntry(b, a, i)
        }
        let receiveCounts = communicator.allToAll(sendCounts)
        let receivedKeys = communicator.allToAllv(keys, sendCounts: sendCounts, receiveCounts: receiveCounts)
        let receivedBits = weights == nil ? [] : communicator.allToAllv(bits, sendCounts: sendCounts, receiveCounts: receiveCounts)
        keys = []
        bits = []
        for key in receivedKeys { rowCounts[Int(key >> 32) - myUniform.lowerBound] += 1 }

        // 2. Bucket by row (counting sort): local entries straight from the edges, then received ones.
        var start = [Int](repeating: 0, count: myUniform.count + 1)
        for r in 0..<myUniform.count { start[r + 1] = start[r] + rowCounts[r] }
        var fill = start
        var cols = [Int32](repeating: 0, count: start[myUniform.count])
        var vals = [Double](repeating: 1, count: start[myUniform.count])
        func keepEntry(_ row: Int, _ col: Int, _ i: Int) {
            guard myUniform.contains(row) else { return }
            let at = fill[row - myUniform.lowerBound]
            cols[at] = Int32(col)
            if let weights { vals[at] = weights[i] }
            fill[row - myUniform.lowerBound] = at + 1
        }
        for i in 0..<m {
            let a = Int(first[i]), b = Int(second[i])
            if a == b { continue }
            keepEntry(a, b, i)
            keepEntry(b, a, i)
        }
        first = []
        second = []
        weights = nil
        for (q, key) in receivedKeys.enumerated() {
            let r = Int(key >> 32) - myUniform.lowerBound
            let at = fill[r]
            cols[at] = Int32(truncatingIfNeeded: key & 0xFFFF_FFFF)
            if !receivedBits.isEmpty { vals[at] = Double(bitPattern: UInt64(bitPattern: receivedBits[q])) }
            fill[r] = at + 1
        }

        // 3. Sort each row by (column, weight) and merge duplicates. Sorting by weight too makes a
        //    sum-merge add the same values in the same order in row a and in row b: G stays exactly
        //    symmetric, and the sum is the same for any rank count.
        var out = 0
        var rawUpper = 0
        var uniqueUpper = 0
        var pointers = [0]
        pointers.reserveCapacity(myUniform.count + 1)
        cols.withUnsafeMutableBufferPointer { c in
            vals.withUnsafeMutableBufferPointer { v in
                for r in 0..<myUniform.count {
                    let lo = start[r], hi = start[r + 1]
                    let row = Int32(myUniform.lowerBound + r)
                    sortRow(c, v, lo, hi)
                    var q = lo
                    while q < hi {
                        var value = v[q]
                        var e = q + 1
                        while e < hi && c[e] == c[q] {
                            value = rule == .max ? max(value, v[e]) : value + v[e]
                            e += 1
                        }
                        if c[q] > row {
                            rawUpper += e - q
                            uniqueUpper += 1
                        }
                        c[out] = c[q]
                        v[out] = value
                        out += 1
                        q = e
                    }
                    pointers.append(out)
                }
            }
        }
        // Exact-size copies: the merged rows live on, the bucket arrays (with duplicates) go.
        cols = Array(cols[..<out])
        vals = Array(vals[..<out])

        let rowNonzeros = (0..<myUniform.count).map { pointers[$0 + 1] - pointers[$0] }
        let partition = RowPartition.balanced(localRowNonzeros: rowNonzeros, communicator: communicator)
        let moved = RowMover.move(rowPointers: pointers, columns: cols, weights: vals, from: uniform, to: partition,
                                  communicator: communicator)
        return AssembledRows(partition: partition, rowPointers: moved.rowPointers, columns: moved.columns,
                             weights: moved.weights, selfLoopsDropped: communicator.allreduceSum(loops),
                             duplicatesMerged: communicator.allreduceSum(rawUpper - uniqueUpper),
                             edges: communicator.allreduceSum(uniqueUpper))
    }

    /// Insertion sort for short rows, else an index sort; by (column, weight).
    private static func sortRow(_ c: UnsafeMutableBufferPointer<Int32>, _ v: UnsafeMutableBufferPointer<Double>,
                                _ lo: Int, _ hi: Int) {
        if hi - lo <= 32 {
            var i = lo + 1
            while i < hi {
                let kc = c[i], kv = v[i]
                var j = i - 1
                while j >= lo && (c[j] > kc || c[j] == kc && v[j] > kv) {
                    c[j + 1] = c[j]
                    v[j + 1] = v[j]
                    j -= 1
                }
                c[j + 1] = kc
                v[j + 1] = kv
                i += 1
            }
            return
        }
        var pairs = (lo..<hi).map { (c[$0], v[$0]) }
        pairs.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        for (k, pair) in pairs.enumerated() {
            c[lo + k] = pair.0
            v[lo + k] = pair.1
        }
    }
}

/// Moves contiguous blocks of CSR rows between two partitions of the same rows (each rank sends
/// the intersection of its old block with every new block): three all-to-all-v's, no-op when the
/// partitions are equal.
public enum RowMover {
    /// Collective.
    /// `rowIDs` (one per row, or nil on every rank) move along with the rows.
    public static func move(rowPointers: [Int], columns: [Int32], weights: [Double], rowIDs: [UInt64]? = nil,
                            from old: RowPartition, to new: RowPartition, communicator: Communicator)
        -> (rowPointers: [Int], columns: [Int32], weights: [Double], rowIDs: [UInt64]) {
        if old == new { return (rowPointers, columns, weights, rowIDs ?? []) }
        let p = communicator.size, me = communicator.rank
        let mine = old.rows(of: me)
        var rowSend = [Int](repeating: 0, count: p)
        var entrySend = [Int](repeating: 0, count: p)
        for r in 0..<p {
            let overlap = mine.clamped(to: new.rows(of: r))
            rowSend[r] = overlap.count
            if !overlap.isEmpty {
                entrySend[r] = rowPointers[overlap.upperBound - mine.lowerBound] - rowPointers[overlap.lowerBound - mine.lowerBound]
            }
        }
        let lengths = (0..<mine.count).map { Int64(rowPointers[$0 + 1] - rowPointers[$0]) }
        let rowReceive = communicator.allToAll(rowSend)
        let entryReceive = communicator.allToAll(entrySend)
        let gotLengths = communicator.allToAllv(lengths, sendCounts: rowSend, receiveCounts: rowReceive)
        let gotColumns = communicator.allToAllv(int32: columns, sendCounts: entrySend, receiveCounts: entryReceive)
        let bits = weights.map { Int64(bitPattern: $0.bitPattern) }
        let gotBits = communicator.allToAllv(bits, sendCounts: entrySend, receiveCounts: entryReceive)
        let gotIDs = rowIDs.map { communicator.allToAllv(uint64: $0, sendCounts: rowSend, receiveCounts: rowReceive) } ?? []
        var pointers = [0]
        pointers.reserveCapacity(gotLengths.count + 1)
        for l in gotLengths { pointers.append(pointers[pointers.count - 1] + Int(l)) }
        return (pointers, gotColumns, gotBits.map { Double(bitPattern: UInt64(bitPattern: $0)) }, gotIDs)
    }
}
