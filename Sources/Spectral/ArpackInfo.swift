/// ARPACK's `info` after pdsaupd (the iteration) or pdseupd (the extraction), with the meaning
/// arpack-ng documents for each code (PARPACK/SRC/MPI/pdsaupd.f and pdseupd.f, "INFO"). Reports
/// carry the code itself (`code`), as ARPACK users read it.
public enum ArpackInfo: Sendable, Equatable, Codable, CustomStringConvertible {
    /// 0: normal exit.
    case normal
    /// 1 (pdsaupd): the maximum number of restarts was taken; the report's `converged` says how
    /// many wanted Ritz values did converge.
    case maximumRestarts
    /// 3 (pdsaupd): no shifts could be applied during a restart cycle; a larger ncv may help.
    case noShiftsApplied
    /// -8: LAPACK's dsteqr failed on the projected tridiagonal matrix.
    case tridiagonalEigenFailed
    /// -9: the starting vector is zero.
    case zeroStartVector
    /// -14 (pdseupd): pdsaupd found no eigenvalue to sufficient accuracy.
    case noConvergedValues
    /// -9999 (pdsaupd): no Lanczos factorisation could be built.
    case noFactorization
    /// A code for arguments ARPACK rejects (n, nev, ncv, restarts, which, bmat, workspace, mode,
    /// howmny, or a converged count changed between the two calls): a bug in the caller.
    case invalidCall(code: Int)
    /// A code arpack-ng does not document (2 has been unused since ARPACK release 2).
    case undocumented(code: Int)

    public init(code: Int) {
        switch code {
        case 0: self = .normal
        case 1: self = .maximumRestarts
        case 3: self = .noShiftsApplied
        case -8: self = .tridiagonalEigenFailed
        case -9: self = .zeroStartVector
        case -14: self = .noConvergedValues
        case -9999: self = .noFactorization
        case _ where Self.invalidCallReasons[code] != nil: self = .invalidCall(code: code)
        default: self = .undocumented(code: code)
        }
    }

    /// The number ARPACK returned.
    public var code: Int {
        switch self {
        case .normal: return 0
        case .maximumRestarts: return 1
        case .noShiftsApplied: return 3
        case .tridiagonalEigenFailed: return -8
        case .zeroStartVector: return -9
        case .noConvergedValues: return -14
        case .noFactorization: return -9999
        case .invalidCall(let code), .undocumented(let code): return code
        }
    }

    /// Whether the routine failed (negative codes); 1 and 3 end an iteration that still returns
    /// its converged pairs.
    public var isError: Bool { code < 0 }

    public var description: String {
        switch self {
        case .normal: return "normal exit"
        case .maximumRestarts: return "maximum number of restarts taken"
        case .noShiftsApplied: return "no shifts could be applied (try a larger ncv)"
        case .tridiagonalEigenFailed: return "LAPACK dsteqr failed on the tridiagonal matrix"
        case .zeroStartVector: return "the starting vector is zero"
        case .noConvergedValues: return "pdsaupd found no eigenvalue to sufficient accuracy"
        case .noFactorization: return "could not build a Lanczos factorisation"
        case .invalidCall(let code): return Self.invalidCallReasons[code] ?? "invalid call"
        case .undocumented(let code): return "undocumented info \(code)"
        }
    }

    /// arpack-ng's text for the argument codes (-12 means one thing for each routine).
    private static let invalidCallReasons: [Int: String] = [
        -1: "N must be positive",
        -2: "NEV must be positive",
        -3: "NCV must be greater than NEV and at most N",
        -4: "the maximum number of restarts must be positive",
        -5: "WHICH must be one of LM, SM, LA, SA or BE",
        -6: "BMAT must be I or G",
        -7: "the WORKL array is too short",
        -10: "IPARAM(7) (mode) must be 1 to 5",
        -11: "mode 1 and BMAT = G are incompatible",
        -12: "IPARAM(1) must be 0 or 1 (pdsaupd), or NEV and WHICH = BE are incompatible (pdseupd)",
        -13: "NEV and WHICH = BE are incompatible",
        -15: "HOWMNY must be A or S",
        -16: "HOWMNY = S is not implemented",
        -17: "pdseupd counted a different number of converged Ritz values than pdsaupd",
    ]

    /// Encoded as the bare code, as the reports have always written it.
    public init(from decoder: any Decoder) throws {
        self.init(code: try decoder.singleValueContainer().decode(Int.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(code)
    }
}
