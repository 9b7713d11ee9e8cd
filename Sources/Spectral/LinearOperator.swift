/// A symmetric linear operator y = A x on this rank's rows. Solvers are generic over it, so a
/// distributed operator (halo exchange + local product) plugs in unchanged.
public protocol LinearOperator {
    /// Rows held by this rank.
    var localDimension: Int { get }
    /// Collective when the operator is distributed. `x` and `y` do not overlap (an operator may read
    /// x while it writes y, as ARPACK's separate workd slices allow).
    func apply(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>)
}

/// The three relation operators of docs/math.md section 7.
public enum RelationOperatorKind: String, Codable, Sendable, CaseIterable {
    /// G itself (SimCLR, uniform negatives): largest algebraic eigenvalues.
    case adjacency = "G"
    /// A_n = D^{-1/2} G D^{-1/2} (SimCLR degree-weighted, BarlowTwins): largest algebraic.
    case normalizedAdjacency = "A_n"
    /// L = D - G on 1-perp (VICReg): smallest, computed as the largest of sigma I - L.
    case laplacian = "L"

    /// Whether the wanted end of the spectrum is the smallest eigenvalues.
    public var wantsSmallest: Bool { self == .laplacian }

    /// Name used in output file names (`spectrum-<name>.npy`).
    public var fileName: String {
        switch self {
        case .adjacency: return "G"
        case .normalizedAdjacency: return "An"
        case .laplacian: return "L"
        }
    }
}
