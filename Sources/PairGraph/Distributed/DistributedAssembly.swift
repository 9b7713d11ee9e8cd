import Distributed

/// This rank's rows of the assembled graph: CSR with global columns (ascending within a row),
/// merged, symmetric, without self-loops; plus the global counts the report shows.
public struct AssembledRows: Sendable {
    public var partition: RowPartition
    public var rowPointers: [Int]
    public var columns: [Int32]
    public var weights: [Double]
    /// Global counts, the same for every rank count.
    public var selfLoopsDropped: Int
    public var duplicatesMerged: Int
    public var edges: Int
}

/// Edges parsed on every rank -> rows on their owners:
/// self-loops dropped, both directions of each edge stored, entries for the same pair merged by
/// the rule, every count the same for every rank count (the tests check it against a one-process
/// reference assembly).
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
        let moved = RowMover.move(rowPointers: &pointers, columns: &cols, weights: &vals, from: uniform, to: partition,
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
/// the intersection of its old block with every new block). The rows that stay on their rank do
/// not go through MPI, and the inputs are consumed (emptied), so a rank holds its rows about twice
/// at the peak rather than four or five times: after a balancing step most rows stay.
public enum RowMover {
    public struct Rows {
        public var rowPointers: [Int]
        public var columns: [Int32]
        public var weights: [Double]
        /// One per row, or empty when none were given.
        public var rowIDs: [UInt64]
    }

    /// Collective. `rowIDs` (one per row, or nil on every rank) move along with the rows.
    public static func move(rowPointers: inout [Int], columns: inout [Int32], weights: inout [Double],
                            rowIDs: [UInt64]? = nil, from old: RowPartition, to new: RowPartition,
                            communicator: Communicator) -> Rows {
        if old == new {
            defer { rowPointers = []; columns = []; weights = [] }
            return Rows(rowPointers: rowPointers, columns: columns, weights: weights, rowIDs: rowIDs ?? [])
        }
        let p = communicator.size, me = communicator.rank
        let mine = old.rows(of: me)
        let base = mine.lowerBound
        // The rows this rank keeps: a contiguous run; rows before it go to lower ranks, after it to
        // higher ones (both partitions are ordered).
        let kept = mine.clamped(to: new.rows(of: me))
        let keptRows = kept.isEmpty ? (0..<0) : (kept.lowerBound - base)..<(kept.upperBound - base)
        var rowSend = [Int](repeating: 0, count: p)
        var entrySend = [Int](repeating: 0, count: p)
        for r in 0..<p where r != me {
            let overlap = mine.clamped(to: new.rows(of: r))
            rowSend[r] = overlap.count
            if !overlap.isEmpty {
                entrySend[r] = rowPointers[overlap.upperBound - base] - rowPointers[overlap.lowerBound - base]
            }
        }
        // Send buffers: every row outside the kept run, in rank (= row) order.
        let keptEntries = keptRows.isEmpty
            ? (rowPointers[lowerRowsEnd(mine: mine, new: new, me: me) - base]..<rowPointers[lowerRowsEnd(mine: mine, new: new, me: me) - base])
            : rowPointers[keptRows.lowerBound]..<rowPointers[keptRows.upperBound]
        let outsideRows = Array(0..<keptRows.lowerBound) + Array(keptRows.upperBound..<mine.count)
        let sendLengths = outsideRows.map { Int64(rowPointers[$0 + 1] - rowPointers[$0]) }
        let sendColumns = Array(columns[..<keptEntries.lowerBound]) + Array(columns[keptEntries.upperBound...])
        let sendBits = (Array(weights[..<keptEntries.lowerBound]) + Array(weights[keptEntries.upperBound...]))
            .map { Int64(bitPattern: $0.bitPattern) }
        let sendIDs = rowIDs.map { ids in outsideRows.map { ids[$0] } }
        let keptIDs = rowIDs.map { Array($0[keptRows]) } ?? []
        // Keep the run in place (no reallocation), drop the rest now.
        let keptLengths = keptRows.map { rowPointers[$0 + 1] - rowPointers[$0] }
        rowPointers = []
        columns.removeSubrange(keptEntries.upperBound...)
        columns.removeSubrange(..<keptEntries.lowerBound)
        weights.removeSubrange(keptEntries.upperBound...)
        weights.removeSubrange(..<keptEntries.lowerBound)

        let rowReceive = communicator.allToAll(rowSend)
        let entryReceive = communicator.allToAll(entrySend)
        let gotLengths = communicator.allToAllv(sendLengths, sendCounts: rowSend, receiveCounts: rowReceive)
        let gotColumns = communicator.allToAllv(int32: sendColumns, sendCounts: entrySend, receiveCounts: entryReceive)
        let gotBits = communicator.allToAllv(sendBits, sendCounts: entrySend, receiveCounts: entryReceive)
        let gotIDs = sendIDs.map { communicator.allToAllv(uint64: $0, sendCounts: rowSend, receiveCounts: rowReceive) } ?? []
        // Received rows from lower ranks come before the kept run, from higher ranks after it.
        let lowerRows = rowReceive.prefix(me).reduce(0, +)
        let lowerEntries = entryReceive.prefix(me).reduce(0, +)
        var out = Rows(rowPointers: [0], columns: [], weights: [], rowIDs: [])
        let total = gotColumns.count + columns.count
        out.columns.reserveCapacity(total)
        out.weights.reserveCapacity(total)
        out.rowPointers.reserveCapacity(gotLengths.count + keptLengths.count + 1)
        func appendLengths<S: Sequence>(_ ls: S) where S.Element: BinaryInteger {
            for l in ls { out.rowPointers.append(out.rowPointers[out.rowPointers.count - 1] + Int(l)) }
        }
        appendLengths(gotLengths[..<lowerRows])
        out.columns += gotColumns[..<lowerEntries]
        out.weights += gotBits[..<lowerEntries].map { Double(bitPattern: UInt64(bitPattern: $0)) }
        appendLengths(keptLengths)
        out.columns += columns
        out.weights += weights
        columns = []
        weights = []
        appendLengths(gotLengths[lowerRows...])
        out.columns += gotColumns[lowerEntries...]
        out.weights += gotBits[lowerEntries...].map { Double(bitPattern: UInt64(bitPattern: $0)) }
        if rowIDs != nil { out.rowIDs = Array(gotIDs[..<lowerRows]) + keptIDs + Array(gotIDs[lowerRows...]) }
        return out
    }

    /// The first row (global) of `mine` that goes to a higher rank when this rank keeps none:
    /// where the (empty) kept run sits.
    private static func lowerRowsEnd(mine: Range<Int>, new: RowPartition, me: Int) -> Int {
        min(max(new.rows(of: me).lowerBound, mine.lowerBound), mine.upperBound)
    }
}
