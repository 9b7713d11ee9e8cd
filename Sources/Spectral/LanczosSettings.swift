/// Settings of the implicitly restarted Lanczos solve; defaults in one place.
public struct LanczosSettings: Sendable, Codable {
    /// ARPACK's relative tolerance: a Ritz pair is accepted when ||A v - theta v|| <= tol |theta|.
    public var tolerance: Double = 1e-10
    /// Maximum number of implicit restarts (ARPACK's maxiter).
    public var maxRestarts: Int = 3000
    /// Krylov dimension (ncv); nil means max(2 nev + 1, 20), capped by the dimension.
    public var krylovDimension: Int? = nil
    /// Components with at most this many nodes are solved by dense LAPACK (exact, every eigenpair).
    public var denseLimit: Int = 256

    public init() {}

    enum CodingKeys: String, CodingKey {
        case tolerance
        case maxRestarts = "max_restarts"
        case krylovDimension = "ncv"
        case denseLimit = "dense_limit"
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
    /// ARPACK's info: 0 ok, 1 maximum restarts reached, 3 no shifts could be applied.
    public var info: Int

    enum CodingKeys: String, CodingKey {
        case requested, converged, restarts, matvecs
        case krylovDimension = "ncv"
        case dimension, seconds, info
    }
}

/// Typed errors of the eigensolver.
public enum EigensolverError: Error, CustomStringConvertible, Sendable {
    case arpack(routine: String, info: Int)
    case invalidRequest(String)

    public var description: String {
        switch self {
        case .arpack(let routine, let info):
            return "ARPACK \(routine) failed with info = \(info) (see arpack-ng's documentation of \(routine))"
        case .invalidRequest(let why): return why
        }
    }
}
