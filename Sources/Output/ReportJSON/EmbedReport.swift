import ClosedForms
import PairGraph
import Spectral

/// report.json of `eigenpair embed`: everything a reader needs to trust or reproduce the run.
public typealias EmbedReport = Report<EmbedPayload>

/// embed's part of its report (the header is `ReportHeader`).
public struct EmbedPayload: Encodable {
    public var input: InputSummary
    public var graph: GraphStatistics
    public var settings: SettingsSummary
    public var solves: [SolveSummary] = []
    public var losses: [String: LossSummary] = [:]
    public var labels: LabelsSummary?
    /// The coordinator's peak RSS so far at the end of each phase (the phase where it jumps holds the peak).
    public var peakMemoryAfterPhase: [String: Int] = [:]
    public var matrixBytes: Int
    /// One entry per rank: partition, halo and matvec time split, peak memory.
    public var rankDetails: [RankSummary] = []

    public init(input: InputSummary, graph: GraphStatistics, settings: SettingsSummary, matrixBytes: Int) {
        (self.input, self.graph, self.settings) = (input, graph, settings)
        self.matrixBytes = matrixBytes
    }
}

public struct InputSummary: Encodable {
    public var path: String
    public var format: String
    public var labels: String?

    public init(path: String, format: String, labels: String?) {
        self.path = path
        self.format = format
        self.labels = labels
    }
}

/// `settings` of embed's and compare's reports.
public struct SettingsSummary: Encodable {
    public var dim: Int
    public var losses: [String]
    public var hyperparameters: Hyperparameters
    public var lanczos: SolverConfiguration
    public var merge: String
    public var largestComponent: Bool

    public init(dim: Int, losses: [String], hyperparameters: Hyperparameters, solver: SolverSummary) {
        (self.dim, self.losses, self.hyperparameters) = (dim, losses, hyperparameters)
        (lanczos, merge, largestComponent) = (solver.lanczos, solver.merge, solver.largestComponent)
    }
}

/// The solver and graph settings of every command that solves a spectrum (embed, sweep, compare),
/// as their `settings` list them: `lanczos` (the Lanczos settings and the method choice, one flat
/// object), `merge` and `largest_component`.
public struct SolverSummary: Sendable {
    public var lanczos: SolverConfiguration
    public var merge: String
    public var largestComponent: Bool

    public init(lanczos: SolverConfiguration, merge: String, largestComponent: Bool) {
        (self.lanczos, self.merge, self.largestComponent) = (lanczos, merge, largestComponent)
    }
}

/// One operator's solve, as the report lists it.
public struct SolveSummary: Encodable {
    public var `operator`: String
    public var which: String
    public var method: String
    public var k: Int
    public var eigenvalues: [Double]
    public var residuals: [Double]
    public var maxResidual: Double
    public var sources: [String: Int]
    public var matvecs: Int
    public var restarts: Int
    public var converged: Bool
    public var convergedCount: Int
    public var seconds: Double
    public var nextEigenvalue: Double?
    /// Whether lambda_{K+1} is certified apart from lambda_K, with the numbers (docs/math.md 7.12).
    public var gap: GapCertificate?
    public var lanczos: [ComponentSolve]
    /// The residual test on M itself: norm, tolerance, per-pair and worst value (docs/math.md 7.10).
    public var certification: Certification
    public var file: String

    public init(_ s: Spectrum, file: String) {
        `operator` = s.kind.rawValue
        which = s.kind.wantsSmallest ? "smallest (on 1-perp, constant vector excluded)" : "largest algebraic"
        switch s.kind {
        case .laplacian:
            let used = Set(s.solves.compactMap(\.method)).sorted()
            let lanczos = used.isEmpty ? "no Lanczos solve was needed"
                : "PARPACK Lanczos with the component indicator deflated, by " + used.map {
                    switch LaplacianMethod(rawValue: $0) {
                    case .shiftInvert?: return "shift-invert (largest of (L + eps I)^-1, CHOLMOD factor)"
                    case .amg?: return "AMG shift-invert (largest of (L + sigma I)^-1, hypre PCG with a BoomerAMG V-cycle)"
                    case .jacobi?: return "Jacobi shift-invert (largest of (L + sigma I)^-1, hypre PCG with diagonal scaling)"
                    case .chebyshev?: return "Chebyshev filter of L"
                    case .lobpcg?: return "hypre LOBPCG (smallest of L + sigma I, BoomerAMG preconditioner; not Lanczos)"
                    default: return "spectral shift (largest of sigma I - L, sigma = max over edges of d_i + d_j, Anderson-Morley)"
                    }
                }.joined(separator: " and ")
            method = "component-wise: Helmert basis of component indicators (eigenvalue 0), dense LAPACK dsyevd for small components; large components: " + lanczos
        case .normalizedAdjacency:
            method = "component-wise: trivial D^{1/2}1 and Helmert basis of D^{1/2}1_c (eigenvalue 1), isolated nodes (eigenvalue 0), dense LAPACK dsyevd for small components, PARPACK Lanczos (largest algebraic) with D^{1/2}1_c deflated"
        case .adjacency:
            method = "component-wise: isolated nodes (eigenvalue 0), dense LAPACK dsyevd for small components, PARPACK Lanczos (largest algebraic) for large ones"
        }
        k = s.requested
        eigenvalues = s.values
        residuals = s.residuals
        maxResidual = s.residuals.max() ?? 0
        sources = [EigenpairSource.component, .dense, .lanczos].reduce(into: [:]) { $0[$1.rawValue] = s.count(from: $1) }
        matvecs = s.solves.reduce(0) { $0 + $1.report.matvecs }
        restarts = s.solves.reduce(0) { $0 + $1.report.restarts }
        converged = s.converged
        convergedCount = s.values.count
        seconds = s.seconds
        nextEigenvalue = s.nextValue
        gap = s.gap
        lanczos = s.solves
        certification = s.certification
        self.file = file
    }

    enum CodingKeys: String, CodingKey {
        case `operator`, which, method, k, eigenvalues, residuals, maxResidual, sources, matvecs, restarts
        case converged, convergedCount, seconds, nextEigenvalue, lanczos, certification, file
        case gap = "gap_certificate"
    }
}

/// One loss's closed form, as the report lists it.
public struct LossSummary: Encodable {
    public var `operator`: String
    public var available: Bool
    /// The closed-form rank; nil (JSON null, not 0, which would read as total collapse) when no
    /// closed form exists.
    public var rank: Int?
    public var numericalRank: Int?
    /// The loss at Z* (`loss_at_z_star` in every report).
    public var lossAtZStar: Double?
    public var minLoss: Double?
    public var scales: [Double]
    public var hyperparameters: [String: Double]
    public var unique: Bool
    public var notes: [String]
    public var file: String?
    public var labels: LabelAlignmentSummary?
    /// tr(Z*^T L Z*) / tr(Z*^T H Z*) (Diagnostics `LocalGlobalScores`); nil without Z*.
    public var localScore: Double?
    /// min_c ||G - c Z* Z*^T||_F / ||G||_F (Diagnostics `LocalGlobalScores`); nil without Z*.
    public var globalScore: Double?

    public init(_ solution: ClosedFormSolution, operator op: RelationOperatorKind, lossAtZStar: Double?,
                numericalRank: Int?, hyperparameters: [String: Double], file: String?) {
        `operator` = op.rawValue
        available = solution.embedding != nil
        rank = solution.embedding == nil ? nil : solution.rank
        self.numericalRank = numericalRank
        self.lossAtZStar = lossAtZStar
        minLoss = solution.minLoss
        scales = solution.scales
        self.hyperparameters = hyperparameters
        unique = solution.unique
        notes = solution.notes
        self.file = file
    }

    enum CodingKeys: String, CodingKey {
        case `operator`, available, rank, numericalRank, lossAtZStar, minLoss, scales, hyperparameters, unique
        case notes, file, labels, localScore, globalScore
    }

    /// `rank` is written as null when absent; the other optionals are left out.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(`operator`, forKey: .operator)
        try c.encode(available, forKey: .available)
        try c.encode(rank, forKey: .rank)
        try c.encodeIfPresent(numericalRank, forKey: .numericalRank)
        try c.encodeIfPresent(lossAtZStar, forKey: .lossAtZStar)
        try c.encodeIfPresent(minLoss, forKey: .minLoss)
        try c.encode(scales, forKey: .scales)
        try c.encode(hyperparameters, forKey: .hyperparameters)
        try c.encode(unique, forKey: .unique)
        try c.encode(notes, forKey: .notes)
        try c.encodeIfPresent(file, forKey: .file)
        try c.encodeIfPresent(labels, forKey: .labels)
        try c.encodeIfPresent(localScore, forKey: .localScore)
        try c.encodeIfPresent(globalScore, forKey: .globalScore)
    }
}
