/// The choice of method around the Lanczos iteration (dense limit, the Laplacian's method and its
/// factor budget, how lambda_{K+1} is found), separate from the iteration's own settings
/// (`LanczosSettings`), as SLEPc keeps its EPS/ST types apart from its tolerances. Immutable; every
/// default is written once, in `init`.
public struct MethodChoice: Sendable, Codable, Equatable {
    /// Components with at most this many nodes are solved by dense LAPACK (exact, every eigenpair).
    public let denseLimit: Int
    /// How Lanczos reaches the smallest eigenvalues of L on a large component (docs/math.md section 7).
    public let laplacianMethod: LaplacianMethod
    /// Memory budget of the shift-invert factor under `.auto`: the factor of L_c + eps I is used when
    /// its estimated peak size (`CholmodFactor.estimatedBytes`: supernodal blocks and the largest
    /// update matrix, at least nnz(L) * 12 bytes) is at most
    /// max(factorBudgetBytes, factorBudgetRatio * bytes of the component's CSC matrix).
    public let factorBudgetBytes: Int
    public let factorBudgetRatio: Double
    /// How the eigenvalue after the K returned ones is found (it decides whether Z* is unique).
    /// Default `.converge`: pair K+1 converged with the K pairs. `.ritzBound` bounds it by a short
    /// Lanczos check instead and converges it only when the check cannot show the gap: fewer products
    /// when pair K+1 sits in a bulk, more when the gap is tiny (ARPACK with nev = K then converges
    /// slowly); measured both ways in docs/benchmarks.md, "Measurements behind code choices", which is
    /// why neither is best everywhere and the default stays the cheaper one on the demo and R-MAT.
    public let nextEigenvalue: NextEigenvalueMethod
    /// Lanczos on G and A_n: on the operator or on a Chebyshev filter of it (docs/math.md 7.11).
    public let filter: SpectralFilter

    public init(denseLimit: Int = 256, laplacianMethod: LaplacianMethod = .auto,
                factorBudgetBytes: Int = 2_000_000_000, factorBudgetRatio: Double = 8,
                nextEigenvalue: NextEigenvalueMethod = .converge, filter: SpectralFilter = .none) {
        self.denseLimit = denseLimit
        self.laplacianMethod = laplacianMethod
        self.factorBudgetBytes = factorBudgetBytes
        self.factorBudgetRatio = factorBudgetRatio
        self.nextEigenvalue = nextEigenvalue
        self.filter = filter
    }

    /// The factor budget for a component whose CSC matrix takes `componentBytes`.
    public func factorBudget(componentBytes: Int) -> Double {
        max(Double(factorBudgetBytes), factorBudgetRatio * Double(componentBytes))
    }

    enum CodingKeys: String, CodingKey {
        case denseLimit = "dense_limit"
        case laplacianMethod = "laplacian_method"
        case factorBudgetBytes = "factor_budget_bytes"
        case factorBudgetRatio = "factor_budget_ratio"
        case nextEigenvalue = "next_eigenvalue_method"
        case filter
    }

    /// Every key is optional on input (settings written before a key existed decode to `init`'s
    /// defaults).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = MethodChoice()
        self.init(denseLimit: try c.decodeIfPresent(Int.self, forKey: .denseLimit) ?? d.denseLimit,
                  laplacianMethod: try c.decodeIfPresent(LaplacianMethod.self, forKey: .laplacianMethod) ?? d.laplacianMethod,
                  factorBudgetBytes: try c.decodeIfPresent(Int.self, forKey: .factorBudgetBytes) ?? d.factorBudgetBytes,
                  factorBudgetRatio: try c.decodeIfPresent(Double.self, forKey: .factorBudgetRatio) ?? d.factorBudgetRatio,
                  nextEigenvalue: try c.decodeIfPresent(NextEigenvalueMethod.self, forKey: .nextEigenvalue) ?? d.nextEigenvalue,
                  filter: try c.decodeIfPresent(SpectralFilter.self, forKey: .filter) ?? d.filter)
    }
}

/// The iteration's settings and the method choice of one spectrum solve, written as one flat object
/// (report.json's `settings.lanczos` holds the keys of both).
public struct SolverConfiguration: Sendable, Codable, Equatable {
    public let lanczos: LanczosSettings
    public let method: MethodChoice

    public init(lanczos: LanczosSettings = LanczosSettings(), method: MethodChoice = MethodChoice()) {
        self.lanczos = lanczos
        self.method = method
    }

    public init(from decoder: any Decoder) throws {
        self.init(lanczos: try LanczosSettings(from: decoder), method: try MethodChoice(from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        try lanczos.encode(to: encoder)
        try method.encode(to: encoder)
    }
}

/// How the smallest eigenvalues of the Laplacian of a large component are computed (docs/math.md
/// section 7 allows both; the report says which was used, per component).
public enum LaplacianMethod: String, Codable, Sendable, CaseIterable {
    /// Shift-invert on a 1-rank run when the factor is predicted to fit, then does fit the memory
    /// budget, is predicted cheaper than the spectral shift, and factorises; the spectral shift
    /// otherwise (docs/math.md 7.11).
    case auto
    /// Lanczos on P (L_c + eps I)^{-1} P with a CHOLMOD Cholesky factor: lambda = 1/theta - eps.
    /// Needs a 1-rank run; ignores the memory budget; fails rather than falling back.
    case shiftInvert = "shift-invert"
    /// Lanczos on sigma I - L_c, sigma = max over edges of d_i + d_j (Anderson-Morley).
    case spectralShift = "spectral-shift"
    /// Lanczos on a Chebyshev polynomial filter of L_c (docs/math.md 7.11); any number of ranks.
    case chebyshev
    /// Lanczos on P (L_c + sigma I)^{-1} P with the inverse applied by hypre PCG preconditioned by
    /// BoomerAMG, on the Lanczos vectors' own row partition (docs/math.md 7.13); any number of ranks.
    case amg
    /// As `amg` with PCG preconditioned by diagonal scaling (Jacobi) instead of BoomerAMG: for
    /// hub-heavy graphs, where BoomerAMG's coarse operators fill in around the hubs while the
    /// diagonal scaling takes the hubs' huge rows down to the normalised Laplacian's scale
    /// (docs/math.md 7.13); any number of ranks.
    case jacobi
    /// hypre's LOBPCG on L_c + sigma I with a BoomerAMG preconditioner, the component's indicator as
    /// its constraint (docs/math.md 7.13): a reference point, never chosen by `auto`; any ranks.
    case lobpcg
}

/// How the (K+1)-th eigenvalue, which decides the uniqueness of Z*, is obtained (docs/math.md 7.12).
public enum NextEigenvalueMethod: String, Codable, Sendable, CaseIterable {
    /// Lanczos components: lambda_{K+1} bounded by a short Lanczos run on Q M Q (the gap check); the
    /// gap is "certified" only when that bound lies past lambda_K by more than its residual.
    case ritzBound = "ritz-bound"
    /// Converge pair K+1 to the tolerance in every Lanczos component (the exact value).
    case converge
}

