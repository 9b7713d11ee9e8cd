/// Settings of the implicitly restarted Lanczos solve, and of the choice of method around it, as
/// one immutable value (KrylovKit style): every default is written once, in `init`; a variant is
/// a new value (`with(tolerance:)`, or `init` with the fields that differ).
public struct LanczosSettings: Sendable, Codable {
    // The Lanczos iteration (ARPACK).

    /// ARPACK's relative tolerance: a Ritz pair is accepted when ||A v - theta v|| <= tol |theta|.
    public let tolerance: Double
    /// Maximum number of implicit restarts (ARPACK's maxiter).
    public let maxRestarts: Int
    /// Krylov dimension (ncv); nil means `defaultKrylovDimension(nev)`, capped by the dimension.
    public let krylovDimension: Int?

    // The choice of method.

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
    /// Default `.converge`: pair K+1 converged to the tolerance. `.ritzBound` (opt-in) localises it
    /// from ARPACK's final Ritz values and a short check instead (fewer matvecs when pair K+1 sits at
    /// a bulk edge: docs/benchmarks.md, "Measurements behind code choices"); its check interval is not yet a
    /// rigorous bound, so it is not the default (docs/math.md 7.12, "Known weakness").
    public let nextEigenvalue: NextEigenvalueMethod
    /// Lanczos on G and A_n: on the operator or on a Chebyshev filter of it (docs/math.md 7.11).
    public let filter: SpectralFilter

    public init(tolerance: Double = 1e-10, maxRestarts: Int = 1000, krylovDimension: Int? = nil,
                denseLimit: Int = 256, laplacianMethod: LaplacianMethod = .auto,
                factorBudgetBytes: Int = 2_000_000_000, factorBudgetRatio: Double = 8,
                nextEigenvalue: NextEigenvalueMethod = .converge, filter: SpectralFilter = .none) {
        self.tolerance = tolerance
        self.maxRestarts = maxRestarts
        self.krylovDimension = krylovDimension
        self.denseLimit = denseLimit
        self.laplacianMethod = laplacianMethod
        self.factorBudgetBytes = factorBudgetBytes
        self.factorBudgetRatio = factorBudgetRatio
        self.nextEigenvalue = nextEigenvalue
        self.filter = filter
    }

    /// These settings with another ARPACK tolerance (a method that picks its own, e.g. Chebyshev).
    public func with(tolerance: Double) -> LanczosSettings {
        LanczosSettings(tolerance: tolerance, maxRestarts: maxRestarts, krylovDimension: krylovDimension,
                        denseLimit: denseLimit, laplacianMethod: laplacianMethod, factorBudgetBytes: factorBudgetBytes,
                        factorBudgetRatio: factorBudgetRatio, nextEigenvalue: nextEigenvalue, filter: filter)
    }

    /// nev + max(nev, 32). ARPACK's customary 2 nev + 1 restarts too often when the wanted
    /// eigenvalues cluster (R-MAT's A_n at K = 16: 25-40% more matvecs and time, docs/benchmarks.md);
    /// at least 32 spare directions fixed that, and at nev = 64 the two rules nearly agree.
    public static func defaultKrylovDimension(_ nev: Int) -> Int { nev + max(nev, 32) }

    /// The factor budget for a component whose CSC matrix takes `componentBytes`.
    public func factorBudget(componentBytes: Int) -> Double {
        max(Double(factorBudgetBytes), factorBudgetRatio * Double(componentBytes))
    }

    enum CodingKeys: String, CodingKey {
        case tolerance
        case maxRestarts = "max_restarts"
        case krylovDimension = "ncv"
        case denseLimit = "dense_limit"
        case laplacianMethod = "laplacian_method"
        case factorBudgetBytes = "factor_budget_bytes"
        case factorBudgetRatio = "factor_budget_ratio"
        case nextEigenvalue = "next_eigenvalue_method"
        case filter
    }

    /// The keys added with shift-invert are optional on input (settings written before them decode
    /// to the defaults of `init`); the others are required as before.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = LanczosSettings()
        self.init(tolerance: try c.decode(Double.self, forKey: .tolerance),
                  maxRestarts: try c.decode(Int.self, forKey: .maxRestarts),
                  krylovDimension: try c.decodeIfPresent(Int.self, forKey: .krylovDimension),
                  denseLimit: try c.decode(Int.self, forKey: .denseLimit),
                  laplacianMethod: try c.decodeIfPresent(LaplacianMethod.self, forKey: .laplacianMethod)
                      ?? defaults.laplacianMethod,
                  factorBudgetBytes: try c.decodeIfPresent(Int.self, forKey: .factorBudgetBytes) ?? defaults.factorBudgetBytes,
                  factorBudgetRatio: try c.decodeIfPresent(Double.self, forKey: .factorBudgetRatio) ?? defaults.factorBudgetRatio,
                  nextEigenvalue: try c.decodeIfPresent(NextEigenvalueMethod.self, forKey: .nextEigenvalue)
                      ?? defaults.nextEigenvalue,
                  filter: try c.decodeIfPresent(SpectralFilter.self, forKey: .filter) ?? defaults.filter)
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
}

/// How the (K+1)-th eigenvalue, which decides the uniqueness of Z*, is obtained (docs/math.md 7.12).
public enum NextEigenvalueMethod: String, Codable, Sendable, CaseIterable {
    /// Lanczos components: an interval from ARPACK's final Ritz value past the wanted ones and its
    /// Ritz estimate; the gap is "certified" only when that interval lies strictly past lambda_K.
    case ritzBound = "ritz-bound"
    /// Converge pair K+1 to the tolerance in every Lanczos component (the exact value).
    case converge
}

/// Outcome of one Lanczos solve, as arpack-ng and SLEPc report it.
public struct LanczosReport: Sendable, Codable {
    public var requested: Int
    public var converged: Int
    public var restarts: Int
    public var matvecs: Int
    public var krylovDimension: Int
    public var dimension: Int
    public var seconds: Double
    /// ARPACK's info after pdsaupd (`.normal`, `.maximumRestarts` or `.noShiftsApplied`).
    public var info: ArpackInfo
    /// The largest Ritz value past the `requested` wanted ones in ARPACK's final Krylov space, and
    /// its Ritz estimate (residual norm): an eigenvalue of the operator ARPACK ran on lies within
    /// it (docs/math.md 7.12). On that operator's scale (shifted, inverted or filtered).
    public var nextRitzValue: Double? = nil
    public var nextRitzBound: Double? = nil
    /// The largest Ritz value and its estimate, converged or not (not encoded: the gap check's input).
    public var leadingRitz: (value: Double, bound: Double)? = nil
    /// Every Ritz value of ARPACK's final Krylov space, descending (not encoded). By Cauchy
    /// interlacing finalRitz[j] <= lambda_{j+1} of the operator ARPACK ran on (docs/math.md 7.11).
    public var finalRitz: [Double] = []
    /// Seconds spent in the operator's products; `seconds` minus this is ARPACK's own work (not encoded).
    public var operatorSeconds: Double = 0

    public init(requested: Int, converged: Int, restarts: Int, matvecs: Int, krylovDimension: Int, dimension: Int,
                seconds: Double, info: ArpackInfo, nextRitzValue: Double? = nil, nextRitzBound: Double? = nil) {
        self.requested = requested
        self.converged = converged
        self.restarts = restarts
        self.matvecs = matvecs
        self.krylovDimension = krylovDimension
        self.dimension = dimension
        self.seconds = seconds
        self.info = info
        self.nextRitzValue = nextRitzValue
        self.nextRitzBound = nextRitzBound
    }

    enum CodingKeys: String, CodingKey {
        case requested, converged, restarts, matvecs
        case krylovDimension = "ncv"
        case dimension, seconds, info
        case nextRitzValue = "next_ritz_value"
        case nextRitzBound = "next_ritz_bound"
    }
}

/// Typed errors of the eigensolver.
public enum EigensolverError: Error, CustomStringConvertible, Sendable, Codable {
    case arpack(routine: String, info: ArpackInfo)
    case invalidRequest(String)
    /// CHOLMOD could not analyse or factorise L + eps I (shift-invert).
    case factorization(String)
    /// hypre could not build L + sigma I or set up BoomerAMG (`--laplacian-method amg`).
    case multigrid(String)

    public var description: String {
        switch self {
        case .arpack(let routine, let info):
            return "ARPACK \(routine) failed with info = \(info.code): \(info) (see arpack-ng's documentation of \(routine))"
        case .invalidRequest(let why): return why
        case .factorization(let why): return "shift-invert factorisation: " + why
        case .multigrid(let why): return "AMG shift-invert (hypre): " + why
        }
    }
}
