import PairGraph

/// The memory layouts of the local product that the benchmarks compare, all on the real kernels
/// (`DistributedRowBlock.apply`, `HubOrderedBlock.apply`).
public enum Layout: String, Sendable, CaseIterable {
    /// The block as assembled: rows and columns in scrambled-ID (random) order.
    case natural
    /// `SpMVOrder.hubColumns`: x gathered into hub-first order per product, rows as assembled.
    case hubColumns = "hub-columns"
    /// `SpMVOrder.hub`: rows and columns hub-first, y written back per product.
    case hub
    /// The matrix itself renumbered hub-first (rows, columns, entries sorted within each row), as a
    /// global renumbering would store it: no per-product gather, but other sums than Eigenpair's.
    case renumbered
}

/// One layout's product y = B x on x and y in the block's order (`renumbered`: in its own order).
public struct LocalProduct {
    public let layout: Layout
    public let block: DistributedRowBlock
    let ordered: HubOrderedBlock?
    let renumbered: DistributedRowBlock?

    public init(_ block: DistributedRowBlock, layout: Layout) {
        self.layout = layout
        self.block = block
        switch layout {
        case .natural: ordered = nil; renumbered = nil
        case .hubColumns: ordered = HubOrderedBlock(block, order: .hubColumns); renumbered = nil
        case .hub: ordered = HubOrderedBlock(block, order: .hub); renumbered = nil
        case .renumbered: ordered = nil; renumbered = Self.renumberedByDegree(block)
        }
    }

    public func apply(x: UnsafePointer<Double>, y: UnsafeMutablePointer<Double>) {
        if let ordered { return ordered.apply(x: x, y: y) }
        (renumbered ?? block).apply(x: x, y: y)
    }

    /// Bytes per product in the issue's accounting: per nonzero 4 (column) + the value bytes the
    /// kernel reads (0 for a unit-valued block) + 8 per x access; 8 per row of y.
    public var bytesIssueModel: Int { (12 + valueBytes) * block.nonzeros + 8 * block.rowCount }

    /// Compulsory traffic, as bench/roofline.py counts it: the CSR arrays the kernel reads
    /// (8 (n + 1) + (4 + value bytes) nnz), x read once, y written once. The same for every
    /// layout (the gather of the hub layouts is overhead, not compulsory).
    public var bytesCompulsory: Int {
        8 * (block.rowCount + 1) + (4 + valueBytes) * block.nonzeros + 8 * block.columnCount + 8 * block.rowCount
    }

    var valueBytes: Int { block.hasUnitValues ? 0 : 8 }

    /// Rows and columns by entry count descending (ties by index), entries sorted within rows.
    static func renumberedByDegree(_ b: DistributedRowBlock) -> DistributedRowBlock {
        precondition(b.rowCount == b.columnCount, "a 1-rank block (no ghosts)")
        let n = b.rowCount
        let degree = (0..<n).map { b.rowPointers[$0 + 1] - b.rowPointers[$0] }
        let oldOfNew = (0..<n).sorted { degree[$0] != degree[$1] ? degree[$0] > degree[$1] : $0 < $1 }
        var newOfOld = [Int32](repeating: 0, count: n)
        for (new, old) in oldOfNew.enumerated() { newOfOld[old] = Int32(new) }
        var pointers = [0], columns: [Int32] = [], values: [Double] = []
        columns.reserveCapacity(b.nonzeros)
        values.reserveCapacity(b.nonzeros)
        for old in oldOfNew {
            let range = b.rowPointers[old]..<b.rowPointers[old + 1]
            let entries = range.map { (newOfOld[Int(b.columnIndices[$0])], b.values[$0]) }.sorted { $0.0 < $1.0 }
            for (c, v) in entries { columns.append(c); values.append(v) }
            pointers.append(columns.count)
        }
        return DistributedRowBlock(rowPointers: pointers, columnIndices: columns, values: values, columnCount: n)
    }
}
