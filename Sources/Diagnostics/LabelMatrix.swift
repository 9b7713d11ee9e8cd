import DenseAlgebra
import PairGraph

/// Errors from the diagnostics: shapes that do not match, labels out of range.
public enum DiagnosticsError: Error, CustomStringConvertible, Sendable, Equatable {
    /// `what` has `got` rows where `expected` were needed (e.g. an embedding against the label rows).
    case rowMismatch(what: String, expected: Int, got: Int)
    /// A class index outside -1..<classCount.
    case invalidLabel(row: Int, value: Int, classCount: Int)

    public var description: String {
        switch self {
        case .rowMismatch(let what, let expected, let got):
            return "\(what) has \(got) rows, expected \(expected) (one per graph row)"
        case .invalidLabel(let row, let value, let classCount):
            return "label \(value) of row \(row) is outside -1..<\(classCount) (-1 marks an unlabelled row)"
        }
    }
}

/// Task labels, one per graph row, as class indices 0..<classCount; -1 marks an unlabelled row,
/// which every label metric excludes (it is neither centred over nor counted).
///
/// ```swift
/// let labels = try LabelMatrix(classes: [0, 1, 1, -1, 2])
/// labels.classCounts          // [1, 2, 1]
/// labels.oneHot()             // 5 x 3, row 3 all zero
/// ```
public struct LabelMatrix: Sendable, Equatable {
    /// Class index of each row, -1 when unlabelled.
    public let classes: [Int]
    /// C: the number of classes (columns of Y). Classes with no labelled row are allowed.
    public let classCount: Int
    /// A printable name for each class index (the original label values when built from a map).
    public let classNames: [String]

    /// - Parameter classCount: defaults to max(classes) + 1.
    /// - Throws: `DiagnosticsError.invalidLabel` for an entry outside -1..<classCount.
    public init(classes: [Int], classCount: Int? = nil, classNames: [String]? = nil) throws {
        let c = classCount ?? ((classes.max() ?? -1) + 1)
        for (row, value) in classes.enumerated() where value < -1 || value >= c {
            throw DiagnosticsError.invalidLabel(row: row, value: value, classCount: c)
        }
        self.classes = classes
        self.classCount = c
        if let names = classNames, names.count == c {
            self.classNames = names
        } else {
            self.classNames = (0..<c).map { String($0) }
        }
    }

    /// Labels for the rows `nodeIDs` (e.g. `SparseGraph.nodeIDs`) from a map node ID -> label value.
    /// Distinct label values become class indices in ascending order of value; a node missing from
    /// the map is unlabelled (-1); map entries for nodes not in `nodeIDs` are ignored.
    public init<Label: Hashable & Comparable>(nodeIDs: [UInt64], labels: [UInt64: Label]) {
        let present = Set(nodeIDs.compactMap { labels[$0] })
        let values = present.sorted()
        var index = [Label: Int]()
        for (i, v) in values.enumerated() { index[v] = i }
        classes = nodeIDs.map { id in labels[id].map { index[$0]! } ?? -1 }
        classCount = values.count
        classNames = values.map { String(describing: $0) }
    }

    /// N: the number of rows (labelled or not).
    public var rowCount: Int { classes.count }

    /// Rows with a label, ascending.
    public var labelledRows: [Int] { classes.indices.filter { classes[$0] >= 0 } }

    public var labelledCount: Int { classes.reduce(0) { $0 + ($1 >= 0 ? 1 : 0) } }

    /// Labelled rows per class.
    public var classCounts: [Int] {
        var counts = [Int](repeating: 0, count: classCount)
        for c in classes where c >= 0 { counts[c] += 1 }
        return counts
    }

    /// Classes with at least one labelled row.
    public var presentClassCount: Int { classCounts.filter { $0 > 0 }.count }

    /// Y, N x C one-hot; unlabelled rows are all zero.
    public func oneHot() -> DenseMatrix {
        oneHot(rows: Array(classes.indices))
    }

    /// The rows `rows` of Y, in that order (rows.count x C).
    public func oneHot(rows: [Int]) -> DenseMatrix {
        var y = DenseMatrix(rows: rows.count, columns: classCount)
        for (i, r) in rows.enumerated() where classes[r] >= 0 { y[i, classes[r]] = 1 }
        return y
    }

    /// Throws unless `matrix` has one row per label row.
    func checkRows(of matrix: DenseMatrix, what: String) throws {
        if matrix.rows != rowCount {
            throw DiagnosticsError.rowMismatch(what: what, expected: rowCount, got: matrix.rows)
        }
    }
}

extension DenseMatrix {
    /// The rows `rows`, in that order.
    func selectingRows(_ rows: [Int]) -> DenseMatrix {
        var out = DenseMatrix(rows: rows.count, columns: columns)
        for j in 0..<columns {
            let base = j * self.rows
            for (i, r) in rows.enumerated() { out.storage[j * rows.count + i] = storage[base + r] }
        }
        return out
    }
}

extension LabelMatrix {
    /// Labels for the rows `nodeIDs` from class indices per node ID (as `NodeLabels.read` and the
    /// generators give them). A node not listed is unlabelled (-1).
    /// - Parameter classNames: names of classes 0..<C (`NodeLabels.readWithClassNames`); C defaults
    ///   to the largest listed class + 1 (over every listed node, so the numbering survives a
    ///   restriction to one component).
    /// - Throws: `DiagnosticsError.invalidLabel` for a negative class or one past `classNames`.
    public init(nodeIDs: [UInt64], nodeLabels: NodeLabels, classNames: [String]? = nil) throws {
        var byID = [UInt64: Int](minimumCapacity: nodeLabels.count)
        for (id, c) in zip(nodeLabels.ids, nodeLabels.labels) { byID[id] = c }
        let count = classNames?.count ?? ((nodeLabels.labels.max() ?? -1) + 1)
        var classes = [Int](repeating: -1, count: nodeIDs.count)
        for (row, id) in nodeIDs.enumerated() {
            guard let c = byID[id] else { continue }
            if c < 0 || c >= count { throw DiagnosticsError.invalidLabel(row: row, value: c, classCount: count) }
            classes[row] = c
        }
        try self.init(classes: classes, classCount: count, classNames: classNames)
    }
}
