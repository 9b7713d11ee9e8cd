import ClosedForms
import Foundation

/// Whether G encodes the task.
public enum Alignment: String, Codable, Sendable {
    case aligned
    case misaligned
    case unknown
}

/// The thresholds of the alignment decision (see `Guidance.evaluate`).
public struct GuidanceThresholds: Codable, Sendable, Equatable {
    /// G counts as aligned only if at least this fraction of labelled edge weight is within-class
    /// (a majority of G's pairs are positives for the task).
    public var withinClassFraction: Double
    /// ... and the operator's top-K eigenspace captures at least this much label energy (more
    /// than half of the centred label signal is a linear function of Z*).
    public var labelEnergy: Double
    /// Fewer labelled samples than this per class (times the class count) is the low-data regime.
    public var lowDataPerClass: Int

    enum CodingKeys: String, CodingKey {
        case withinClassFraction = "within_class_fraction"
        case labelEnergy = "label_energy"
        case lowDataPerClass = "low_data_per_class"
    }

    public init(withinClassFraction: Double = 0.5, labelEnergy: Double = 0.5, lowDataPerClass: Int = 20) {
        self.withinClassFraction = withinClassFraction
        self.labelEnergy = labelEnergy
        self.lowDataPerClass = lowDataPerClass
    }
}

/// The measured numbers the guideline reads.
public struct GuidanceInputs: Sendable, Equatable {
    /// `WithinClassWeight.fraction`; nil when unmeasured.
    public var withinClassFraction: Double?
    /// `WithinClassWeight.chanceFraction` (shown as evidence only).
    public var chanceWithinClassFraction: Double?
    /// Label energy of each operator's top-K eigenspace that was computed.
    public var operatorEnergies: [OperatorLabelEnergy]
    /// `ClosedFormSolution.rank` of each Z* that was computed.
    public var ranks: [LossName: Int]
    /// K, the requested embedding dimension.
    public var dimension: Int?
    public var labelledCount: Int
    /// Classes present among the labelled rows.
    public var classCount: Int

    public init(withinClassFraction: Double? = nil, chanceWithinClassFraction: Double? = nil,
                operatorEnergies: [OperatorLabelEnergy] = [], ranks: [LossName: Int] = [:],
                dimension: Int? = nil, labelledCount: Int = 0, classCount: Int = 0) {
        self.withinClassFraction = withinClassFraction
        self.chanceWithinClassFraction = chanceWithinClassFraction
        self.operatorEnergies = operatorEnergies
        self.ranks = ranks
        self.dimension = dimension
        self.labelledCount = labelledCount
        self.classCount = classCount
    }

    /// From the graph report, the closed forms' ranks and the labels.
    public init(graph: GraphAlignmentReport, ranks: [LossName: Int], dimension: Int?, labels: LabelMatrix) {
        self.init(withinClassFraction: graph.withinClass.fraction,
                  chanceWithinClassFraction: graph.withinClass.chanceFraction,
                  operatorEnergies: graph.operators, ranks: ranks, dimension: dimension,
                  labelledCount: labels.labelledCount, classCount: labels.presentClassCount)
    }
}

/// The paper's guideline (MATH.md section 6) applied to measured numbers.
///
/// Decision (thresholds in `GuidanceThresholds`, defaults 0.5 and 0.5):
/// - the energy criterion reads A_n's top-K label energy (trivial vector excluded), or, when A_n was
///   not solved, L's, else G's. A_n comes first because it is degree-normalised: on sparse graphs
///   the smallest eigenvectors of the unnormalised L localise on low-degree nodes (an SBM whose
///   edges are 69% within-class gave L 0.06 but A_n 0.81 label energy at K = 16);
/// - **misaligned** if a measured criterion fails: within-class fraction < 0.5, or that label energy
///   < 0.5;
/// - **aligned** if both are measured and pass;
/// - **unknown** otherwise (no labels on both ends of any edge, fewer than two classes, no spectrum).
///
/// Aligned: every loss recovers the supervised solution; in the low-data regime (labelled samples
/// < lowDataPerClass x classes) prefer VICReg with a high invariance weight gamma. Misaligned:
/// prefer VICReg with a small gamma (full rank keeps information G does not encode) over SimCLR or
/// BarlowTwins, whose rank is capped by G's positive spectrum.
public struct Guidance: Codable, Sendable, Equatable {
    public var alignment: Alignment
    public var recommendation: String
    /// The numbers behind the decision, one sentence each.
    public var evidence: [String]
    /// nil when there are no labels.
    public var lowData: Bool?
    public var thresholds: GuidanceThresholds

    enum CodingKeys: String, CodingKey {
        case alignment
        case recommendation
        case evidence
        case lowData = "low_data"
        case thresholds
    }

    public init(alignment: Alignment, recommendation: String, evidence: [String], lowData: Bool?,
                thresholds: GuidanceThresholds) {
        self.alignment = alignment
        self.recommendation = recommendation
        self.evidence = evidence
        self.lowData = lowData
        self.thresholds = thresholds
    }

    /// Operators in the order the energy criterion prefers them.
    static let energyPreference = ["A_n", "L", "G"]

    public static func evaluate(_ inputs: GuidanceInputs, thresholds: GuidanceThresholds = GuidanceThresholds()) -> Guidance {
        var evidence: [String] = []
        func fmt(_ x: Double) -> String { String(format: "%.4g", x) }

        // Criterion 1: within-class weight fraction.
        var fractionPasses: Bool? = nil
        if let f = inputs.withinClassFraction {
            fractionPasses = f >= thresholds.withinClassFraction
            var line = "within-class edge weight fraction \(fmt(f)) (aligned needs >= \(fmt(thresholds.withinClassFraction))"
            if let chance = inputs.chanceWithinClassFraction { line += "; chance level \(fmt(chance))" }
            evidence.append(line + ")")
        } else {
            evidence.append("within-class edge weight fraction not measured (no edge with both ends labelled)")
        }

        // Criterion 2: label energy of the preferred operator's top-K eigenspace.
        var energyPasses: Bool? = nil
        var usedOperator: String? = nil
        for name in energyPreference {
            if let e = inputs.operatorEnergies.first(where: { $0.operatorName == name && $0.capturedLabelEnergy != nil }) {
                usedOperator = name
                energyPasses = e.capturedLabelEnergy! >= thresholds.labelEnergy
                break
            }
        }
        for e in inputs.operatorEnergies {
            guard let v = e.capturedLabelEnergy else { continue }
            var line = "captured label energy of the top-\(e.dimension) eigenspace of \(e.operatorName): \(fmt(v))"
            if e.operatorName == usedOperator { line += " (decides; aligned needs >= \(fmt(thresholds.labelEnergy)))" }
            evidence.append(line)
        }
        if usedOperator == nil {
            evidence.append("label energy of an operator's top-K eigenspace not measured")
        }

        // Ranks of the closed forms.
        for loss in LossName.allCases {
            guard let r = inputs.ranks[loss] else { continue }
            if let k = inputs.dimension {
                evidence.append("rank of the \(loss.rawValue) closed form: \(r) of K = \(k)")
            } else {
                evidence.append("rank of the \(loss.rawValue) closed form: \(r)")
            }
        }

        // Data regime.
        var lowData: Bool? = nil
        if inputs.labelledCount > 0 {
            let limit = thresholds.lowDataPerClass * max(inputs.classCount, 1)
            lowData = inputs.labelledCount < limit
            evidence.append("\(inputs.labelledCount) labelled samples over \(inputs.classCount) classes "
                            + "(low-data regime below \(limit))")
        } else {
            evidence.append("no labelled samples")
        }

        let alignment: Alignment
        if fractionPasses == false || energyPasses == false {
            alignment = .misaligned
        } else if fractionPasses == true && energyPasses == true {
            alignment = .aligned
        } else {
            alignment = .unknown
        }

        let recommendation: String
        switch alignment {
        case .aligned:
            recommendation = lowData == true
                ? "G is aligned with the task, so every loss recovers the supervised solution; with this few labels prefer VICReg with a high invariance weight gamma."
                : "G is aligned with the task, so every loss (VICReg, SimCLR, BarlowTwins) recovers the supervised solution; in a low-data regime prefer VICReg with a high invariance weight gamma."
        case .misaligned:
            var text = "G is misaligned with the task: prefer VICReg with a small invariance weight gamma (its full rank keeps information G does not encode) over SimCLR or BarlowTwins, whose rank is capped by G's positive spectrum."
            if let k = inputs.dimension {
                let capped = [LossName.simclr, .simclrDegree, .barlow].filter { (inputs.ranks[$0] ?? k) < k }
                if !capped.isEmpty {
                    text += " Here " + capped.map { "\($0.rawValue) has rank \(inputs.ranks[$0]!)" }.joined(separator: ", ")
                        + " of K = \(k)."
                }
            }
            recommendation = text
        case .unknown:
            recommendation = "Alignment of G with the task could not be measured (it needs edges with both ends labelled, at least two classes and an operator's top-K label energy). If G is aligned, every loss recovers the supervised solution (prefer VICReg with a high gamma when labels are few); if not, prefer VICReg with a small gamma over SimCLR or BarlowTwins."
        }
        return Guidance(alignment: alignment, recommendation: recommendation, evidence: evidence,
                        lowData: lowData, thresholds: thresholds)
    }
}
