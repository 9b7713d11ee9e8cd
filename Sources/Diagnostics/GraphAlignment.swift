import DenseAlgebra
import Distributed
import PairGraph

/// Alignment of the relation graph G with the task labels, before any loss (docs/math.md section 8).
///
/// - within-class weight fraction: sum of G_ij over edges whose endpoints are both labelled and in
///   the same class, over the sum of G_ij over edges whose endpoints are both labelled (edges
///   touching an unlabelled row are left out). Each undirected edge is seen from both ends, which
///   does not change the ratio. `chance_fraction` is what a degree-preserving random rewiring of
///   the labelled subgraph would give, sum_c (vol_c / vol)^2 with vol_c the labelled-subgraph degree
///   volume of class c: compare the fraction with it (two balanced classes give 0.5 by chance).
/// - captured label energy of an eigenvector block: `LabelAlignment.capturedLabelEnergy` of the
///   block, i.e. of span(H V) over the labelled rows. Pass the K non-trivial eigenvectors (for A_n
///   drop the trivial column D^{1/2} 1 / sqrt(S) when `Spectrum.trivialFirst`).
///
/// Distributed: the graph is this rank's row block (`DistributedGraph`) and the labels its owned
/// rows; the labels of ghost columns arrive by one halo exchange, and the sums are all-reduced.
public enum GraphAlignment {
    /// Collective over the graph's communicator. Within-class edge weight of `graph` under
    /// `labels` (one label per owned row; `labels.communicator` must be the graph's).
    public static func withinClassWeight(_ graph: DistributedGraph, labels: LabelMatrix) throws -> WithinClassWeight {
        try labels.checkRows(graph.localRowCount, what: "graph")
        let owned = graph.localRowCount
        // Class of every local column (owned rows, then ghosts), carried as Doubles through the
        // same halo exchange as a matvec's vector.
        var cls = [Double](repeating: -1, count: max(graph.block.columnCount, owned, 1))
        for i in 0..<owned { cls[i] = Double(labels.classes[i]) }
        cls.withUnsafeMutableBufferPointer { graph.exchange.exchange($0.baseAddress!) }
        // sums[0] within, sums[1] total, sums[2...] the per-class labelled volumes.
        var sums = [Double](repeating: 0, count: 2 + labels.classCount)
        for i in 0..<owned where labels.classes[i] >= 0 {
            let ci = labels.classes[i]
            let (columns, weights) = graph.neighbours(ofLocal: i)
            for (j, w) in zip(columns, weights) {
                let cj = Int(cls[Int(j)])
                guard Int(j) != i, cj >= 0 else { continue }
                sums[1] += w
                sums[2 + ci] += w
                if cj == ci { sums[0] += w }
            }
        }
        graph.communicator.allreduceSum(&sums)
        let within = sums[0], total = sums[1]
        // Both directions were summed: report undirected weights.
        var chance: Double? = nil
        if total > 0 { chance = sums[2...].reduce(0) { $0 + ($1 / total) * ($1 / total) } }
        return WithinClassWeight(withinClassWeight: within / 2, labelledEdgeWeight: total / 2,
                                 fraction: total > 0 ? within / total : nil, chanceFraction: chance)
    }

    /// Collective over `labels.communicator`. Captured label energy of span(H V) for an eigenvector
    /// block V (this rank's rows, K columns); nil when fewer than two classes are present among
    /// the labelled rows.
    public static func eigenspaceLabelEnergy(_ eigenvectors: DenseMatrix, labels: LabelMatrix) throws -> Double? {
        try LabelAlignment.capturedLabelEnergy(eigenvectors, labels: labels)
    }

    /// Collective. The same, labelled with the operator's name ("L", "A_n", "G": `RelationOperatorKind.rawValue`).
    public static func operatorLabelEnergy(operator name: String, eigenvectors: DenseMatrix,
                                           labels: LabelMatrix) throws -> OperatorLabelEnergy {
        OperatorLabelEnergy(operatorName: name, dimension: eigenvectors.columns,
                            capturedLabelEnergy: try eigenspaceLabelEnergy(eigenvectors, labels: labels))
    }
}

/// Within-class edge weight of G (undirected weights: each edge once).
public struct WithinClassWeight: Codable, Sendable, Equatable {
    /// Weight of edges with both ends labelled and in the same class.
    public var withinClassWeight: Double
    /// Weight of edges with both ends labelled.
    public var labelledEdgeWeight: Double
    /// within / labelled; nil (key absent) when no edge has both ends labelled.
    public var fraction: Double?
    /// The fraction expected by chance, sum_c (vol_c / vol)^2.
    public var chanceFraction: Double?
}

/// Captured label energy of one operator's top-K eigenspace.
public struct OperatorLabelEnergy: Codable, Sendable, Equatable {
    /// "L", "A_n" or "G".
    public var operatorName: String
    /// K: eigenvectors in the block.
    public var dimension: Int
    public var capturedLabelEnergy: Double?
    /// The space measured, in words, when it is not just the top-K eigenspace (the whole tied
    /// eigenspace at K); nil: the top-K eigenspace.
    public var space: String?

    enum CodingKeys: String, CodingKey {
        case dimension, capturedLabelEnergy, space
        case operatorName = "operator"
    }

    public init(operatorName: String, dimension: Int, capturedLabelEnergy: Double?, space: String? = nil) {
        self.operatorName = operatorName
        self.dimension = dimension
        self.capturedLabelEnergy = capturedLabelEnergy
        self.space = space
    }
}

/// Everything about G versus the labels, for report.json.
public struct GraphAlignmentReport: Codable, Sendable, Equatable {
    public var withinClass: WithinClassWeight
    public var operators: [OperatorLabelEnergy]

    public init(withinClass: WithinClassWeight, operators: [OperatorLabelEnergy]) {
        self.withinClass = withinClass
        self.operators = operators
    }
}
