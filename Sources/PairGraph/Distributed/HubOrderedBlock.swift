/// How the local product lays out a block's rows and columns in memory (docs/hardware-limit.md,
/// "SpMV locality"). Every layout computes the same sums bit for bit: a row's entries are added
/// in their stored order (ascending global column, `RowSums`), whatever index x's entries carry
/// in memory, so the choice changes speed only, never a result, for any rank count.
public enum SpMVOrder: String, Sendable, CaseIterable {
    /// The block's own layout: owned rows ascending, then the ghost columns ascending.
    case natural
    /// Columns hub-first (x copied into that order once per product, one access per column),
    /// rows in the block's order: the gathers of the most-referenced entries of x share cache lines.
    case hubColumns = "hub-columns"
    /// Rows and columns hub-first: also the rows with the most entries first, y written back to
    /// the block's row order once per product.
    case hub

    /// Rows at least this many times longer than the average make a graph hub-heavy.
    public static let hubRatio = 30.0
    /// Rows this short on average make the loop's exit branch the cost: `.hub` sorts rows by length.
    public static let shortRows = 10.0

    /// Not collective. The layout of a graph's distributed products unless the caller sets
    /// `DistributedGraph.spmvOrder`, from the global mean and longest row (docs/hardware-limit.md,
    /// "Which layout"): `.hub` where rows are heavy-tailed (hot columns share cache lines: R-MAT 18,
    /// 1.17x) or short (rows of equal length in a row, so the loop exits predictably: aug1m, 4.5 per
    /// row, 1.2-1.3x); `.natural` where every row holds about the same tens of entries, since there
    /// the two permutation passes cost more than they save (sbm1m, 19.5 per row: 1.1-1.4x;
    /// planted partition 300k: 1.03-1.13x). Speed only: every layout gives the same sums.
    public static func standard(meanRowEntries mean: Double, longestRow: Double) -> SpMVOrder {
        longestRow > hubRatio * mean || mean < shortRows ? .hub : .natural
    }
}

/// A copy of a `DistributedRowBlock`'s CSR arrays in a hub-first layout (`SpMVOrder`), with the
/// scratch vector its product gathers x into. Inputs and outputs stay in the block's order, so
/// nothing outside the product sees the layout: the product costs one extra pass over the
/// columns (and, for `.hub`, over the rows) per matvec, against one gather per nonzero.
///
/// Hub-first: local columns by how many entries of this block reference them, descending (the
/// degree within the block; on one rank the graph degree), ties by local column; rows (`.hub`)
/// by entry count, descending, ties by local row. The layout may differ between rank counts;
/// the sums never do (see `SpMVOrder`).
public final class HubOrderedBlock: @unchecked Sendable {
    public let order: SpMVOrder
    public let rowCount: Int
    public let columnCount: Int
    /// Block row of each stored row (`.hub`); empty when rows keep the block's order.
    let rowOfSlot: [Int32]
    let rowPointers: [Int]
    /// Column slots (positions in the gathered x) of each entry, entries in the block's order.
    let columnIndices: [Int32]
    /// Empty when every value is 1 (the pattern-only kernel).
    let values: [Double]
    /// Block column gathered into each slot.
    let columnOfSlot: [Int32]
    private let gathered: UnsafeMutablePointer<Double>
    /// The gathered block of the k-column product (`columnCount` times the widest k so far).
    private var gatheredBlock: UnsafeMutablePointer<Double>?
    private var gatheredBlockCapacity = 0

    /// Not collective. - Precondition: `order` is not `.natural` (that layout is the block itself).
    public init(_ block: DistributedRowBlock, order: SpMVOrder) {
        precondition(order != .natural, "the natural layout is the block itself")
        self.order = order
        rowCount = block.rowCount
        columnCount = block.columnCount
        let src = block.rowPointers, cols = block.columnIndices
        var references = [Int](repeating: 0, count: columnCount)
        for c in cols { references[Int(c)] += 1 }
        let columnOfSlot = Self.descending(references)
        var slotOfColumn = [Int32](repeating: 0, count: columnCount)
        for (slot, c) in columnOfSlot.enumerated() { slotOfColumn[Int(c)] = Int32(slot) }
        self.columnOfSlot = columnOfSlot
        rowOfSlot = order == .hub ? Self.descending((0..<rowCount).map { src[$0 + 1] - src[$0] }) : []
        let unit = block.hasUnitValues
        var pointers = [Int](repeating: 0, count: rowCount + 1)
        var columns = [Int32](repeating: 0, count: cols.count)
        var weights = [Double](repeating: 0, count: unit ? 0 : cols.count)
        var q = 0
        for t in 0..<rowCount {
            let r = rowOfSlot.isEmpty ? t : Int(rowOfSlot[t])
            for p in src[r]..<src[r + 1] {
                columns[q] = slotOfColumn[Int(cols[p])]
                if !unit { weights[q] = block.values[p] }
                q += 1
            }
            pointers[t + 1] = q
        }
        rowPointers = pointers
        columnIndices = columns
        values = weights
        gathered = .allocate(capacity: max(columnCount, 1))
        gathered.initialize(repeating: 0, count: max(columnCount, 1))
    }

    deinit {
        gathered.deallocate()
        gatheredBlock?.deallocate()
    }

    /// Bytes of the copy (CSR arrays and permutations) and its scratch vector.
    public var storageBytes: Int {
        8 * rowPointers.count + 4 * columnIndices.count + 8 * values.count + 4 * rowOfSlot.count + 12 * columnCount
    }

    /// Indices 0..<keys.count by key descending, ties ascending: a stable counting sort.
    static func descending(_ keys: [Int]) -> [Int32] {
        let top = keys.max() ?? 0
        var start = [Int](repeating: 0, count: top + 2)
        for k in keys { start[top - k + 1] += 1 }
        for b in 1..<start.count { start[b] += start[b - 1] }
        var out = [Int32](repeating: 0, count: keys.count)
        for (i, k) in keys.enumerated() {
            out[start[top - k]] = Int32(i)
            start[top - k] += 1
        }
        return out
    }

    /// Not collective. y = B x with x (`columnCount` entries) and y (`rowCount`) in the block's
    /// order; the same sums as `DistributedRowBlock.apply` bit for bit.
    public func apply(x: UnsafePointer<Double>, y: UnsafeMutablePointer<Double>) {
        let g = gathered
        columnOfSlot.withUnsafeBufferPointer { perm in
            for k in 0..<perm.count { g[k] = x[Int(perm[k])] }
        }
        rowSums(g, width: 1, into: y)
    }

    /// Not collective. Y = B X for a block of `width` interleaved columns, X (`columnCount * width`)
    /// and Y (`rowCount * width`) in the block's order: column j is `apply(x:y:)` of column j of X
    /// bit for bit (`RowSums.blockProducts`). One copy of k contiguous values per column slot.
    public func apply(block x: UnsafePointer<Double>, width: Int, y: UnsafeMutablePointer<Double>) {
        if gatheredBlockCapacity < columnCount * width {
            gatheredBlock?.deallocate()
            gatheredBlockCapacity = columnCount * width
            gatheredBlock = .allocate(capacity: gatheredBlockCapacity)
        }
        let g = gatheredBlock ?? gathered
        columnOfSlot.withUnsafeBufferPointer { perm in
            for slot in 0..<perm.count { (g + slot * width).update(from: x + Int(perm[slot]) * width, count: width) }
        }
        rowSums(g, width: width, into: y)
    }

    /// The stored rows' sums of the gathered `g` into y in the block's row order: the vector kernel
    /// at width 1, the block kernel otherwise.
    private func rowSums(_ g: UnsafePointer<Double>, width: Int, into y: UnsafeMutablePointer<Double>) {
        rowPointers.withUnsafeBufferPointer { ptr in
            columnIndices.withUnsafeBufferPointer { col in
                rowOfSlot.withUnsafeBufferPointer { rows in
                    values.withUnsafeBufferPointer { val in
                        let weights = values.isEmpty ? nil : val
                        @inline(__always) func run(_ row: (Int) -> (slot: Int, lo: Int, hi: Int)) {
                            if width == 1 {
                                RowSums.products(rows: rowCount, x: g, columns: col, values: weights, into: y, row: row)
                            } else {
                                RowSums.blockProducts(rows: rowCount, width: width, x: g, columns: col, values: weights,
                                                      into: y, row: row)
                            }
                        }
                        if rows.isEmpty {
                            run { t in (t, ptr[t], ptr[t + 1]) }
                        } else {
                            run { t in (Int(rows[t]), ptr[t], ptr[t + 1]) }
                        }
                    }
                }
            }
        }
    }
}
