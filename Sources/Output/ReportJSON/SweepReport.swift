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
        self.input = input
        self.graph = graph
        self.settings = settings
    }

    public struct Settings: Encodable {
        public var dims: [Int]
        public var gammas: [Double]
        public var gammaGrid: String
        public var beta: Double
        public var lambda: Double
        public var losses: [String]
        public var lanczos: LanczosSettings
        public var merge: String
        public var largestComponent: Bool

        public init(dims: [Int], gammas: [Double], gammaGrid: String, beta: Double, lambda: Double, losses: [String],
                    lanczos: LanczosSettings, merge: String, largestComponent: Bool) {
            self.dims = dims
            self.gammas = gammas
            self.gammaGrid = gammaGrid
            self.beta = beta
            self.lambda = lambda
            self.losses = losses
            self.lanczos = lanczos
            self.merge = merge
            self.largestComponent = largestComponent
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
