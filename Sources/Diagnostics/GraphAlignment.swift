import DenseAlgebra
import PairGraph

/// Alignment of the relation graph G with the task labels, before any loss (MATH.md section 6).
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
public enum GraphAlignment {
    /// Within-class edge weight of `graph` under `labels` (one label per graph row).
    public static func withinClassWeight(_ graph: SparseGraph, labels: LabelMatrix) throws -> WithinClassWeight {
        if graph.nodeCount != labels.rowCount {
            throw DiagnosticsError.rowMismatch(what: "label list", expected: graph.nodeCount, got: labels.rowCount)
        }
        let cls = labels.classes
        var within = 0.0, total = 0.0
        var volume = [Double](repeating: 0, count: labels.classCount)
        for i in 0..<graph.nodeCount where cls[i] >= 0 {
            let (columns, weights) = graph.neighbours(of: i)
            for q in 0..<columns.count {
                let j = Int(columns[q])
                guard j != i, cls[j] >= 0 else { continue }
                let w = weights[q]
                total += w
                volume[cls[i]] += w
                if cls[j] == cls[i] { within += w }
            }
        }
        // Both directions were summed: report undirected weights.
        var chance: Double? = nil
        if total > 0 { chance = volume.reduce(0) { $0 + ($1 / total) * ($1 / total) } }
        return WithinClassWeight(withinClassWeight: within / 2, labelledEdgeWeight: total / 2,
                                 fraction: total > 0 ? within / total : nil, chanceFraction: chance)
    }

    /// Captured label energy of span(H V) for an eigenvector block V (N x K); nil when fewer than
    /// two classes are present among the labelled rows.
    public static func eigenspaceLabelEnergy(_ eigenvectors: DenseMatrix, labels: LabelMatrix) throws -> Double? {
        try LabelAlignment.capturedLabelEnergy(eigenvectors, labels: labels)
    }

    /// The same, labelled with the operator's name ("L", "A_n", "G": `RelationOperatorKind.rawValue`).
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

    enum CodingKeys: String, CodingKey {
        case withinClassWeight = "within_class_weight"
        case labelledEdgeWeight = "labelled_edge_weight"
        case fraction
        case chanceFraction = "chance_fraction"
    }

    public init(withinClassWeight: Double, labelledEdgeWeight: Double, fraction: Double?, chanceFraction: Double?) {
        self.withinClassWeight = withinClassWeight
        self.labelledEdgeWeight = labelledEdgeWeight
        self.fraction = fraction
        self.chanceFraction = chanceFraction
    }
}

/// Captured label energy of one operator's top-K eigenspace.
public struct OperatorLabelEnergy: Codable, Sendable, Equatable {
    /// "L", "A_n" or "G".
    public var operatorName: String
    /// K: eigenvectors in the block.
    public var dimension: Int
    public var capturedLabelEnergy: Double?

    enum CodingKeys: String, CodingKey {
        case operatorName = "operator"
        case dimension
        case capturedLabelEnergy = "captured_label_energy"
    }

    public init(operatorName: String, dimension: Int, capturedLabelEnergy: Double?) {
        self.operatorName = operatorName
        self.dimension = dimension
        self.capturedLabelEnergy = capturedLabelEnergy
    }
}

/// Everything about G versus the labels, for report.json.
public struct GraphAlignmentReport: Codable, Sendable, Equatable {
    public var withinClass: WithinClassWeight
    public var operators: [OperatorLabelEnergy]

    enum CodingKeys: String, CodingKey {
        case withinClass = "within_class"
        case operators
    }

    public init(withinClass: WithinClassWeight, operators: [OperatorLabelEnergy]) {
        self.withinClass = withinClass
        self.operators = operators
    }
}
