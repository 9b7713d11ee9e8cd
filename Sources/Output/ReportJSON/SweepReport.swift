import PairGraph
import Spectral

/// sweep.json: the header (`ReportHeader`) and `SweepPayload`.
public typealias SweepReport = Report<SweepPayload>

/// sweep's part of sweep.json.
public struct SweepPayload: Encodable {
    public var input: InputSummary
    public var graph: GraphStatistics
    public var settings: Settings
    public var solves: [SolveSummary] = []
    public var points: [SweepPoint] = []
    public var labels: LabelsSummary?

    public init(input: InputSummary, graph: GraphStatistics, settings: Settings) {
        (self.input, self.graph, self.settings) = (input, graph, settings)
    }

    public struct Settings: Encodable {
        public var dims: [Int]
        public var gammas: [Double]
        public var gammaGrid: String
        public var beta: Double
        public var lambda: Double
        public var losses: [String]
        public var lanczos: SolverConfiguration
        public var merge: String
        public var largestComponent: Bool

        public init(dims: [Int], gammas: [Double], gammaGrid: String, beta: Double, lambda: Double, losses: [String],
                    solver: SolverSummary) {
            (self.dims, self.gammas, self.gammaGrid) = (dims, gammas, gammaGrid)
            (self.beta, self.lambda) = (beta, lambda)
            self.losses = losses
            (lanczos, merge, largestComponent) = (solver.lanczos, solver.merge, solver.largestComponent)
        }
    }
}

/// One point of the sweep.
public struct SweepPoint: Encodable {
    public var loss: String
    public var dim: Int
    /// VICReg only.
    public var gamma: Double?
    public var summary: LossSummary

    public init(loss: String, dim: Int, gamma: Double?, summary: LossSummary) {
        self.loss = loss
        self.dim = dim
        self.gamma = gamma
        self.summary = summary
    }

    enum CodingKeys: String, CodingKey {
        case loss, dim, gamma, `operator`, available, rank, numericalRank, lossAtZStar, minLoss
        case capturedLabelEnergy, probeAccuracy, localScore, globalScore, unique, scales, notes
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(loss, forKey: .loss)
        try c.encode(dim, forKey: .dim)
        try c.encodeIfPresent(gamma, forKey: .gamma)
        try c.encode(summary.operator, forKey: .operator)
        try c.encode(summary.available, forKey: .available)
        try c.encode(summary.rank, forKey: .rank)
        try c.encodeIfPresent(summary.numericalRank, forKey: .numericalRank)
        try c.encodeIfPresent(summary.lossAtZStar, forKey: .lossAtZStar)
        try c.encodeIfPresent(summary.minLoss, forKey: .minLoss)
        try c.encodeIfPresent(summary.labels?.capturedLabelEnergy, forKey: .capturedLabelEnergy)
        try c.encodeIfPresent(summary.labels?.probe.accuracy, forKey: .probeAccuracy)
        try c.encodeIfPresent(summary.localScore, forKey: .localScore)
        try c.encodeIfPresent(summary.globalScore, forKey: .globalScore)
        try c.encode(summary.unique, forKey: .unique)
        try c.encode(summary.scales, forKey: .scales)
        try c.encode(summary.notes, forKey: .notes)
    }
}
