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

    public init(withinClassFraction: Double = 0.5, labelEnergy: Double = 0.5, lowDataPerClass: Int = 20) {
        self.withinClassFraction = withinClassFraction
        self.labelEnergy = labelEnergy
        self.lowDataPerClass = lowDataPerClass
    }
}

/// What one loss's Z* does with the labels (from its `LabelReport`).
public struct LossLabelNumbers: Sendable, Equatable {
    /// Captured label energy of span(H Z*); nil when unmeasured.
    public var labelEnergy: Double?
    /// Test accuracy of the ridge probe on Z*; nil when unmeasured.
    public var probeAccuracy: Double?
    /// When Z* is not unique: the best label energy of any optimal Z* (`LabelReport`).
    public var bestOptimalLabelEnergy: Double?

    public init(labelEnergy: Double?, probeAccuracy: Double?, bestOptimalLabelEnergy: Double? = nil) {
        self.labelEnergy = labelEnergy
        self.probeAccuracy = probeAccuracy
        self.bestOptimalLabelEnergy = bestOptimalLabelEnergy
    }

    /// What the verdict reads: the best optimal Z*'s energy when Z* is not unique (the returned
    /// one is an arbitrary basis of a tie), else Z*'s own.
    var decidingEnergy: Double? { bestOptimalLabelEnergy ?? labelEnergy }
}

/// The measured numbers the guideline reads.
public struct GuidanceInputs: Sendable, Equatable {
    /// `WithinClassWeight.fraction`; nil when unmeasured.
    public var withinClassFraction: Double?
    /// `WithinClassWeight.chanceFraction` (shown as evidence only).
    public var chanceWithinClassFraction: Double?
    /// Label energy of each operator's top-K eigenspace that was computed (on the whole tied
    /// eigenspace at K when there is a tie: `OperatorLabelEnergy.space`).
    public var operatorEnergies: [OperatorLabelEnergy]
    /// `ClosedFormSolution.rank` of each Z* that was computed.
    public var ranks: [LossName: Int]
    /// Label energy and probe accuracy of each Z* that was computed.
    public var perLoss: [LossName: LossLabelNumbers]
    /// K, the requested embedding dimension.
    public var dimension: Int?
    public var labelledCount: Int
    /// Classes present among the labelled rows.
    public var classCount: Int

    public init(withinClassFraction: Double? = nil, chanceWithinClassFraction: Double? = nil,
                operatorEnergies: [OperatorLabelEnergy] = [], ranks: [LossName: Int] = [:],
                perLoss: [LossName: LossLabelNumbers] = [:],
                dimension: Int? = nil, labelledCount: Int = 0, classCount: Int = 0) {
        self.withinClassFraction = withinClassFraction
        self.chanceWithinClassFraction = chanceWithinClassFraction
        self.operatorEnergies = operatorEnergies
        self.ranks = ranks
        self.perLoss = perLoss
        self.dimension = dimension
        self.labelledCount = labelledCount
        self.classCount = classCount
    }

    /// From the graph report, the closed forms' ranks and label numbers, and the labels.
    public init(graph: GraphAlignmentReport, ranks: [LossName: Int], perLoss: [LossName: LossLabelNumbers] = [:],
                dimension: Int?, labels: LabelMatrix) {
        self.init(withinClassFraction: graph.withinClass.fraction,
                  chanceWithinClassFraction: graph.withinClass.chanceFraction,
                  operatorEnergies: graph.operators, ranks: ranks, perLoss: perLoss, dimension: dimension,
                  labelledCount: labels.labelledCount, classCount: labels.presentClassCount)
    }
}

/// One loss's verdict in the guidance.
public struct LossVerdict: Codable, Sendable, Equatable {
    public var labelEnergy: Double?
    public var probeAccuracy: Double?
    /// Present when Z* is not unique: the best label energy of any optimal Z*, which the
    /// verdict reads (label_energy and probe_accuracy are the returned Z*'s).
    public var bestOptimalLabelEnergy: Double?
    /// "recovers the labels" (label energy >= the threshold), "misses the labels", or
    /// "not measured".
    public var verdict: String
}

/// A recommendation and where it comes from.
public struct Recommendation: Codable, Sendable, Equatable {
    public var text: String
    /// "measured here", "docs/reproduction.md", or the camera-ready paper.
    public var source: String
}

/// The guideline (docs/math.md, diagnostics) applied to measured numbers: each loss is judged by
/// its own Z*, never by a blanket statement.
///
/// Alignment of G (thresholds in `GuidanceThresholds`, defaults 0.5 and 0.5):
/// - the energy criterion reads A_n's top-K label energy (trivial vector excluded), or, when A_n was
///   not solved, L's, else G's. A_n comes first because it is degree-normalised: on sparse graphs
///   the smallest eigenvectors of the unnormalised L localise on low-degree nodes (an SBM whose
///   edges are 69% within-class gave L 0.06 but A_n 0.81 label energy at K = 16). When the K-th
///   eigenvalue is tied with the next, the energy is measured on the whole tied eigenspace (the
///   callers do that and say so in `OperatorLabelEnergy.space`): a basis cut inside a tie is
///   arbitrary;
/// - **misaligned** if a measured criterion fails: within-class fraction < 0.5, or that label energy
///   < 0.5; **aligned** if both are measured and pass; **unknown** otherwise.
///
/// Per loss (`perLoss`): label energy of Z* >= the label-energy threshold "recovers the labels",
/// below it "misses the labels". The recommendation names the losses that recover the labels here
/// and the best probe accuracy among them. Only two statements come from outside this run, each
/// with its source, and only where they apply:
/// - misaligned G: the camera-ready paper's "BarlowTwins or VICReg with small gamma", next to
///   docs/reproduction.md's finding that small-gamma VICReg beats BarlowTwins there but only ties
///   SimCLR;
/// - aligned G and low data (labelled samples < lowDataPerClass x classes): the camera-ready
///   paper's "SimCLR or VICReg with high gamma", next to docs/reproduction.md's finding that
///   high-gamma VICReg was never best in low data.
/// Nothing is said about low data unless `lowData` is true.
public struct Guidance: Codable, Sendable, Equatable {
    public var alignment: Alignment
    /// The recommendations joined into one paragraph (what the summary table prints).
    public var recommendation: String
    public var recommendations: [Recommendation]
    /// Each computed loss's label energy, probe accuracy and verdict.
    public var perLoss: [String: LossVerdict]
    /// The numbers behind the decision, one sentence each.
    public var evidence: [String]
    /// nil when there are no labels.
    public var lowData: Bool?
    public var thresholds: GuidanceThresholds

    public init(alignment: Alignment, recommendations: [Recommendation], perLoss: [String: LossVerdict],
                evidence: [String], lowData: Bool?, thresholds: GuidanceThresholds) {
        self.alignment = alignment
        self.recommendations = recommendations
        self.recommendation = recommendations.map { "\($0.text) [\($0.source)]" }.joined(separator: " ")
        self.perLoss = perLoss
        self.evidence = evidence
        self.lowData = lowData
        self.thresholds = thresholds
    }

    /// Operators in the order the energy criterion prefers them.
    static let energyPreference = ["A_n", "L", "G"]

    static let cameraReady = "Balestriero & LeCun, NeurIPS 2022 camera-ready"
    static let reproduction = "docs/reproduction.md"
    static let measured = "measured here"

    public static func evaluate(_ inputs: GuidanceInputs, thresholds: GuidanceThresholds = GuidanceThresholds()) -> Guidance {
        var evidence: [String] = []
        func fmt(_ x: Double) -> String { String(format: "%.4g", x) }
        func percent(_ x: Double) -> String { String(format: "%.1f%%", 100 * x) }

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
            var line = "captured label energy of \(e.space ?? "the top-\(e.dimension) eigenspace") of \(e.operatorName): \(fmt(v))"
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

        // Per loss, from each Z*'s own numbers.
        var perLoss: [String: LossVerdict] = [:]
        var recovering: [(LossName, LossLabelNumbers)] = [], missing: [(LossName, LossLabelNumbers)] = []
        for loss in LossName.allCases {
            guard let numbers = inputs.perLoss[loss] else { continue }
            let verdict: String
            if let e = numbers.decidingEnergy {
                if e >= thresholds.labelEnergy {
                    verdict = numbers.bestOptimalLabelEnergy == nil ? "recovers the labels"
                        : "an optimal Z* recovers the labels (Z* is not unique; the returned basis of the tie may not)"
                    recovering.append((loss, numbers))
                } else {
                    verdict = numbers.bestOptimalLabelEnergy == nil ? "misses the labels" : "no optimal Z* recovers the labels"
                    missing.append((loss, numbers))
                }
            } else {
                verdict = "not measured"
            }
            perLoss[loss.rawValue] = LossVerdict(labelEnergy: numbers.labelEnergy, probeAccuracy: numbers.probeAccuracy,
                                                 bestOptimalLabelEnergy: numbers.bestOptimalLabelEnergy, verdict: verdict)
        }
        func describe(_ item: (LossName, LossLabelNumbers)) -> String {
            var text = "\(item.0.rawValue) (label energy \(item.1.labelEnergy.map(fmt) ?? "-")"
            if let p = item.1.probeAccuracy { text += ", probe \(percent(p))" }
            if let b = item.1.bestOptimalLabelEnergy { text += "; Z* is not unique: the best optimal Z* captures \(fmt(b))" }
            return text + ")"
        }

        // The alignment sentence names the numbers that decided it.
        var criteria: [String] = []
        if let f = inputs.withinClassFraction {
            criteria.append("within-class edge weight fraction \(fmt(f)) \(fractionPasses == true ? ">=" : "<") \(fmt(thresholds.withinClassFraction))")
        }
        if let name = usedOperator, let e = inputs.operatorEnergies.first(where: { $0.operatorName == name })?.capturedLabelEnergy {
            criteria.append("label energy of \(name)'s top-K eigenspace \(fmt(e)) \(energyPasses == true ? ">=" : "<") \(fmt(thresholds.labelEnergy))")
        }
        var recommendations: [Recommendation] = []
        switch alignment {
        case .aligned:
            recommendations.append(Recommendation(text: "G is aligned with the task (\(criteria.joined(separator: ", "))).", source: measured))
        case .misaligned:
            recommendations.append(Recommendation(text: "G is misaligned with the task (\(criteria.joined(separator: ", "))).", source: measured))
        case .unknown:
            recommendations.append(Recommendation(text: "Alignment of G with the task could not be measured (it needs edges with both ends labelled, at least two classes and an operator's top-K label energy).", source: measured))
        }
        if !recovering.isEmpty || !missing.isEmpty {
            // Best first by probe accuracy (then label energy), so the first named is the one to try.
            let ordered = recovering.sorted { ($0.1.probeAccuracy ?? -1, $0.1.decidingEnergy ?? -1) > ($1.1.probeAccuracy ?? -1, $1.1.decidingEnergy ?? -1) }
            var text = ""
            if ordered.isEmpty {
                text = "No computed Z* recovers the labels at this K"
            } else {
                text = "The Z* that recover the labels here, best probe first: " + ordered.map(describe).joined(separator: ", ")
            }
            if !missing.isEmpty {
                text += "; \(missing.count == 1 ? "this one misses them" : "these miss them"): " + missing.map(describe).joined(separator: ", ")
            }
            recommendations.append(Recommendation(text: text + ".", source: measured))
        }
        // A known cause, documented in docs/math.md, when the numbers show it: VICReg misses while a
        // degree-normalised loss (built on A_n) recovers the labels.
        if missing.contains(where: { $0.0 == .vicreg }) && recovering.contains(where: { $0.0 == .simclrDegree || $0.0 == .barlow }) {
            recommendations.append(Recommendation(text: "VICReg's Z* is made of the smallest eigenvectors of the unnormalised Laplacian L, which on sparse graphs localise on low-degree nodes; the degree-normalised losses (A_n) do not.", source: "docs/math.md"))
        }
        if alignment == .misaligned {
            recommendations.append(Recommendation(text: "On a misaligned G the paper recommends BarlowTwins or VICReg with a small invariance weight gamma.", source: cameraReady))
            recommendations.append(Recommendation(text: "On digits (linear regime) small-gamma VICReg beat BarlowTwins on a misaligned G but only tied SimCLR.", source: reproduction))
        }
        if alignment == .aligned && lowData == true {
            recommendations.append(Recommendation(text: "With few labels the paper recommends SimCLR or VICReg with a high invariance weight gamma.", source: cameraReady))
            recommendations.append(Recommendation(text: "On digits (linear regime) high-gamma VICReg never won in low data (at best it tied).", source: reproduction))
        }
        return Guidance(alignment: alignment, recommendations: recommendations, perLoss: perLoss, evidence: evidence,
                        lowData: lowData, thresholds: thresholds)
    }
}
