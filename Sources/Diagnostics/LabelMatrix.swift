import DenseAlgebra
import Distributed
import PairGraph

/// Errors from the diagnostics: shapes that do not match, labels out of range.
public enum DiagnosticsError: Error, CustomStringConvertible, Sendable, Equatable, Codable {
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

/// Task labels of this rank's owned rows, as class indices 0..<classCount; -1 marks an unlabelled
/// row, which every label metric excludes (it is neither centred over nor counted).
///
/// Distributed like every N-row matrix: `classes` holds this rank's contiguous block of rows (the
/// blocks in rank order make up the whole graph), and `communicator` is the group that holds the
/// other blocks. The counts (`classCounts`, `labelledCount`, `presentClassCount`) are global,
/// all-reduced at construction, so they are the same on every rank. The label measures
/// (`LabelAlignment`, `LinearProbe`, `GraphAlignment`, `LabelReport`) take Z's owned rows with it
/// and are collective over its communicator. With one rank (`MPIEnvironment.single`) the block is
/// every row.
///
/// ```swift
/// let labels = try LabelMatrix(classes: [0, 1, 1, -1, 2], communicator: mpi.single)
/// labels.classCounts          // [1, 2, 1]
/// labels.oneHot()             // 5 x 3, row 3 all zero
/// ```
public struct LabelMatrix: Sendable, Equatable {
    /// Class index of each owned row, -1 when unlabelled.
    public let classes: [Int]
    /// C: the number of classes (columns of Y). Classes with no labelled row are allowed.
    public let classCount: Int
    /// A printable name for each class index (the original label values when built from a map).
    public let classNames: [String]
    /// Labelled rows per class, over all ranks.
    public let classCounts: [Int]
    /// Rows over all ranks (N).
    public let globalRowCount: Int
    /// Global row of owned row 0.
    public let firstRow: Int
    /// The group holding the other row blocks; the label measures are collective over it.
    public let communicator: Communicator

    /// Collective. `classes`: this rank's rows.
    /// - Parameter classCount: defaults to max(classes over all ranks) + 1; pass it on every rank or
    ///   on none.
    /// - Throws: `DiagnosticsError.invalidLabel` (on every rank, naming the lowest global row) for
    ///   an entry outside -1..<classCount.
    public init(classes: [Int], classCount: Int? = nil, classNames: [String]? = nil,
                communicator: Communicator) throws {
        let c = classCount ?? (communicator.allreduceMax(classes.max() ?? -1) + 1)
        let first = communicator.exclusivePrefixSum(classes.count)
        let bad = classes.indices.first { classes[$0] < -1 || classes[$0] >= c }.map { (first + $0, classes[$0]) }
        try Self.agreeOnInvalid(bad, classCount: c, communicator: communicator)
        let names = classNames.flatMap { $0.count == c ? $0 : nil } ?? (0..<c).map { String($0) }
        self.init(validated: classes, classCount: c, classNames: names, firstRow: first, communicator: communicator)
    }

    /// Collective. Labels for the owned rows `nodeIDs` from a map node ID -> label value, which
    /// must be the same on every rank. Distinct label values present on some row of any rank become
    /// class indices in ascending order of value; a node missing from the map is unlabelled (-1);
    /// map entries for nodes not in the graph are ignored.
    public init<Label: Hashable & Comparable>(nodeIDs: [UInt64], labels: [UInt64: Label], communicator: Communicator) {
        // Presence flags over every value of the (replicated) map, combined over ranks.
        let values = Set(labels.values).sorted()
        var position = [Label: Int]()
        for (i, v) in values.enumerated() { position[v] = i }
        var present = [Int64](repeating: 0, count: values.count)
        for id in nodeIDs { if let v = labels[id] { present[position[v]!] = 1 } }
        communicator.allreduceMax(&present)
        var index = [Label: Int]()
        var names: [String] = []
        for (i, v) in values.enumerated() where present[i] != 0 {
            index[v] = names.count
            names.append(String(describing: v))
        }
        let classes = nodeIDs.map { id in labels[id].map { index[$0]! } ?? -1 }
        self.init(validated: classes, classCount: names.count, classNames: names,
                  firstRow: communicator.exclusivePrefixSum(nodeIDs.count), communicator: communicator)
    }

    /// Collective: the global counts of already validated classes.
    private init(validated classes: [Int], classCount: Int, classNames: [String], firstRow: Int,
                 communicator: Communicator) {
        var counts = [Int64](repeating: 0, count: classCount + 1)
        for c in classes where c >= 0 { counts[c] += 1 }
        counts[classCount] = Int64(classes.count)
        communicator.allreduceSum(&counts)
        self.classes = classes
        self.classCount = classCount
        self.classNames = classNames
        self.classCounts = counts.prefix(classCount).map { Int($0) }
        self.globalRowCount = Int(counts[classCount])
        self.firstRow = firstRow
        self.communicator = communicator
    }

    /// Collective. Throws `invalidLabel` for the invalid entry of lowest global row over all ranks,
    /// on every rank: rows are in rank order, so it is the lowest failing rank's first one.
    static func agreeOnInvalid(_ local: (row: Int, value: Int)?, classCount: Int,
                               communicator: Communicator) throws(DiagnosticsError) {
        let failure = local.map { DiagnosticsError.invalidLabel(row: $0.row, value: $0.value, classCount: classCount) }
        try communicator.agree(failure: failure)
    }

    public static func == (a: LabelMatrix, b: LabelMatrix) -> Bool {
        a.classes == b.classes && a.classCount == b.classCount && a.classNames == b.classNames
            && a.classCounts == b.classCounts && a.globalRowCount == b.globalRowCount && a.firstRow == b.firstRow
            && a.communicator.handle == b.communicator.handle
    }

    /// Owned rows (labelled or not).
    public var rowCount: Int { classes.count }

    /// Owned rows with a label, ascending (local indices).
    public var labelledRows: [Int] { classes.indices.filter { classes[$0] >= 0 } }

    /// Labelled rows over all ranks.
    public var labelledCount: Int { classCounts.reduce(0, +) }

    /// Classes with at least one labelled row on any rank.
    public var presentClassCount: Int { classCounts.filter { $0 > 0 }.count }

    /// The owned rows of Y (rowCount x C, one-hot); unlabelled rows are all zero.
    public func oneHot() -> DenseMatrix {
        oneHot(rows: Array(classes.indices))
    }

    /// The owned rows `rows` of Y, in that order (rows.count x C).
    public func oneHot(rows: [Int]) -> DenseMatrix {
        var y = DenseMatrix(rows: rows.count, columns: classCount)
        for (i, r) in rows.enumerated() where classes[r] >= 0 { y[i, classes[r]] = 1 }
        return y
    }

    /// Collective. Throws on every rank unless `rows` (on each rank) equals its owned row count;
    /// the error gives the totals over ranks.
    func checkRows(_ rows: Int, what: String) throws {
        if communicator.any(rows != rowCount) {
            throw DiagnosticsError.rowMismatch(what: what, expected: globalRowCount, got: communicator.allreduceSum(rows))
        }
    }

    /// Collective. Throws unless `matrix` has one row per owned label row on every rank.
    func checkRows(of matrix: DenseMatrix, what: String) throws {
        try checkRows(matrix.rows, what: what)
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
    /// Collective. Labels for the owned rows `nodeIDs` from class indices per node ID (as
    /// `NodeLabels.read` and the generators give them). A node not listed is unlabelled (-1).
    /// - Parameter classNames: names of classes 0..<C (`NodeLabels.readWithClassNames`); C defaults
    ///   to the largest listed class + 1 over every rank's list (so the numbering survives a
    ///   restriction to one component).
    /// - Throws: `DiagnosticsError.invalidLabel` (on every rank, lowest global row) for a negative
    ///   class or one past `classNames`.
    public init(nodeIDs: [UInt64], nodeLabels: NodeLabels, classNames: [String]? = nil,
                communicator: Communicator) throws {
        var byID = [UInt64: Int](minimumCapacity: nodeLabels.count)
        for (id, c) in zip(nodeLabels.ids, nodeLabels.labels) { byID[id] = c }
        let count = classNames?.count ?? (communicator.allreduceMax(nodeLabels.labels.max() ?? -1) + 1)
        let first = communicator.exclusivePrefixSum(nodeIDs.count)
        var classes = [Int](repeating: -1, count: nodeIDs.count)
        var bad: (row: Int, value: Int)? = nil
        for (row, id) in nodeIDs.enumerated() {
            guard let c = byID[id] else { continue }
            if c < 0 || c >= count {
                if bad == nil { bad = (first + row, c) }
                continue
            }
            classes[row] = c
        }
        try Self.agreeOnInvalid(bad, classCount: count, communicator: communicator)
        try self.init(classes: classes, classCount: count, classNames: classNames, communicator: communicator)
    }
}
