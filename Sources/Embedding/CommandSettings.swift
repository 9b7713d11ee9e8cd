import ClosedForms
import Foundation
import PairGraph

/// Validated settings of `embed` (bad values throw `UsageError`: exit status 2 before any work).
public struct EmbedSettings: CommandSettings {
    public let graph: String
    public let out: String
    let dim: Int
    let losses: [LossName]
    /// gamma as given, or 1 until it is resolved from the graph (`gammaGiven` false).
    let hyper: Hyperparameters
    let gammaGiven: Bool
    let solver: SolverSettings
    let labels: String?
    public let force: Bool

    public init(graph: String, out: String, dim: Int, losses: String, gamma: Double?, beta: Double, lambda: Double,
                labels: String?, solver: some SolverChoices, force: Bool) throws {
        self.graph = graph
        self.out = out
        self.dim = dim
        guard dim >= 1 else { throw UsageError("--dim must be at least 1 (got \(dim))") }
        self.losses = try Validation.losses(losses)
        hyper = try Validation.hyperparameters(gamma: gamma, beta: beta, lambda: lambda)
        gammaGiven = gamma != nil
        self.solver = try SolverSettings(solver, dimension: dim, dimensionOption: "--dim")
        self.labels = labels
        self.force = force
    }

    public func run(in context: RunContext) throws { try EmbedPipeline(settings: self, context: context).run() }
}

/// Validated settings of `sweep`.
public struct SweepSettings: CommandSettings {
    public let graph: String
    public let out: String
    /// nil: 2, 4, 8, 16 below N.
    let dims: [Int]?
    /// nil: the default log grid (`GammaResolution`).
    let gammas: [Double]?
    let losses: [LossName]
    let beta: Double
    let lambda: Double
    let labels: String?
    let solver: SolverSettings
    public let force: Bool

    static let defaultDims = [2, 4, 8, 16]

    /// `dims`, `gammas`: the comma-separated lists as typed.
    public init(graph: String, out: String, dims: String?, gammas: String?, losses: String, beta: Double, lambda: Double,
                labels: String?, solver: some SolverChoices, force: Bool) throws {
        self.graph = graph
        self.out = out
        self.dims = try dims.map { try Self.list($0, option: "--dims", what: "an integer >= 1") { Int($0).flatMap { $0 >= 1 ? $0 : nil } } }
        self.gammas = try gammas.map {
            try Self.list($0, option: "--gammas", what: "a finite number > 0") { Double($0).flatMap { $0.isFinite && $0 > 0 ? $0 : nil } }
        }
        self.losses = try Validation.losses(losses)
        _ = try Validation.hyperparameters(gamma: nil, beta: beta, lambda: lambda)
        self.beta = beta
        self.lambda = lambda
        self.labels = labels
        self.solver = try SolverSettings(solver, dimension: (self.dims ?? Self.defaultDims).max()!)
        self.force = force
    }

    /// The distinct values of a comma-separated list, ascending.
    private static func list<T: Comparable>(_ text: String, option: String, what: String, _ parse: (String) -> T?) throws -> [T] {
        var values: [T] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let v = parse(part.trimmingCharacters(in: .whitespaces)) else {
                throw UsageError("\(option): '\(part)' is not \(what)")
            }
            if !values.contains(v) { values.append(v) }
        }
        return values.sorted()
    }

    public func run(in context: RunContext) throws { try SweepPipeline(settings: self, context: context).run() }
}

/// Validated settings of `compare`.
public struct CompareSettings: CommandSettings {
    public let graph: String
    let embedding: String
    public let out: String
    let nodes: String?
    let labels: String?
    /// nil: the embedding's columns.
    let dim: Int?
    let losses: [LossName]
    let hyper: Hyperparameters
    let gammaGiven: Bool
    let solver: SolverSettings
    public let force: Bool

    public init(graph: String, embedding: String, out: String, nodes: String?, labels: String?, dim: Int?, losses: String,
                gamma: Double?, beta: Double, lambda: Double, solver: some SolverChoices, force: Bool) throws {
        self.graph = graph
        self.embedding = embedding
        self.out = out
        self.nodes = nodes
        self.labels = labels
        try Validation.dimension(dim)
        self.dim = dim
        self.losses = try Validation.losses(losses)
        hyper = try Validation.hyperparameters(gamma: gamma, beta: beta, lambda: lambda)
        gammaGiven = gamma != nil
        self.solver = try SolverSettings(solver, dimension: dim ?? 1)
        self.force = force
    }

    public func run(in context: RunContext) throws { try ComparePipeline(settings: self, context: context).run() }
}

/// Validated settings of `linear`.
public struct LinearSettings: CommandSettings {
    let graph: String?
    let features: String
    public let out: String
    /// nil: min(16, P), resolved once P is known.
    let dim: Int?
    let losses: [LossName]
    let hyper: Hyperparameters
    let gammaGiven: Bool
    /// --pairs-from-labels.
    let labels: String?
    let weighting: LabelWeighting
    let nodes: String?
    let merge: MergeRule
    public let force: Bool

    public init(graph: String?, features: String, out: String, dim: Int?, losses: String, gamma: Double?, beta: Double,
                pairsFromLabels: String?, labelWeighting: String, nodes: String?, merge: String, force: Bool) throws {
        self.graph = graph
        self.features = features
        self.out = out
        labels = pairsFromLabels
        switch (graph, pairsFromLabels) {
        case (nil, nil): throw UsageError("give a GRAPH, or --pairs-from-labels LABELS")
        case (.some, .some): throw UsageError("give either a GRAPH or --pairs-from-labels LABELS, not both")
        default: break
        }
        try Validation.dimension(dim)
        self.dim = dim
        self.losses = try Validation.losses(losses, allowed: linearLosses, command: "linear")
        hyper = try Validation.hyperparameters(gamma: gamma, beta: beta)
        gammaGiven = gamma != nil
        guard let w = LabelWeighting(rawValue: labelWeighting) else {
            throw UsageError("--label-weighting must be inverse-size or uniform (got \(labelWeighting))")
        }
        weighting = w
        self.nodes = nodes
        self.merge = try Validation.merge(merge)
        self.force = force
    }

    public func run(in context: RunContext) throws { try LinearPipeline(settings: self, context: context).run() }
}
