/// Settings of the implicitly restarted Lanczos iteration (ARPACK), as one immutable value
/// (KrylovKit style): every default is written once, in `init`; a variant is a new value
/// (`with(tolerance:)`). The choice of method around the iteration is `MethodChoice`.
public struct LanczosSettings: Sendable, Codable, Equatable {
    /// ARPACK's relative tolerance: a Ritz pair is accepted when ||A v - theta v|| <= tol |theta|.
    public let tolerance: Double
    /// Maximum number of implicit restarts (ARPACK's maxiter).
    public let maxRestarts: Int
    /// Krylov dimension (ncv); nil means `defaultKrylovDimension(nev)`, capped by the dimension.
    public let krylovDimension: Int?

    public init(tolerance: Double = 1e-10, maxRestarts: Int = 1000, krylovDimension: Int? = nil) {
        self.tolerance = tolerance
        self.maxRestarts = maxRestarts
        self.krylovDimension = krylovDimension
    }

    /// These settings with another ARPACK tolerance (a method that picks its own, e.g. Chebyshev).
    public func with(tolerance: Double) -> LanczosSettings {
        LanczosSettings(tolerance: tolerance, maxRestarts: maxRestarts, krylovDimension: krylovDimension)
    }

    /// nev + max(nev, 32). ARPACK's customary 2 nev + 1 restarts too often when the wanted
    /// eigenvalues cluster (R-MAT's A_n at K = 16: 25-40% more matvecs and time, docs/benchmarks.md);
    /// at least 32 spare directions fixed that, and at nev = 64 the two rules nearly agree.
    public static func defaultKrylovDimension(_ nev: Int) -> Int { nev + max(nev, 32) }

    /// The Krylov dimension for `nev` wanted pairs of an operator of dimension `dimension`.
    public func krylovDimension(nev: Int, dimension: Int) -> Int {
        min(dimension, krylovDimension ?? Self.defaultKrylovDimension(nev))
    }

    enum CodingKeys: String, CodingKey {
        case tolerance
        case maxRestarts = "max_restarts"
        case krylovDimension = "ncv"
    }
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
