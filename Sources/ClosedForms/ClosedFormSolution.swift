import DenseAlgebra

/// The losses Eigenpair solves, with the names used on the command line, in file names and as
/// report keys.
public enum LossName: String, CaseIterable, Codable, Sendable {
    case vicreg
    case simclr
    case simclrDegree = "simclr-degree"
    case barlow
}

/// Loss hyper-parameters (docs/math.md sections 2 and 4).
public struct Hyperparameters: Codable, Sendable, Equatable {
    /// VICReg invariance weight.
    public var gamma: Double = 1
    /// VICReg variance/covariance weight (alpha = beta).
    public var beta: Double = 1
    /// BarlowTwins off-diagonal weight.
    public var lambda: Double = 1

    public init(gamma: Double = 1, beta: Double = 1, lambda: Double = 1) {
        self.gamma = gamma
        self.beta = beta
        self.lambda = lambda
    }
}

/// One loss's closed-form optimum.
public struct ClosedFormSolution: Sendable {
    public var loss: LossName
    /// Z*, N x K (column-major); nil when no closed form exists for these settings.
    public var embedding: DenseMatrix?
    /// The per-direction scale factors of the closed form (t_k, (N^2/S) mu_k, mu_k, or y_k).
    public var scales: [Double]
    /// Count of nonzero scale factors.
    public var rank: Int
    /// The closed-form minimum value.
    public var minLoss: Double?
    /// Whether Z* is unique up to the loss's symmetries (rotation R, shift b).
    public var unique: Bool
    public var notes: [String]
    /// Which eigenvectors span every optimal solution (nil when no closed form exists).
    public var optimalSpan: OptimalSpan?

    public init(loss: LossName, embedding: DenseMatrix?, scales: [Double], rank: Int, minLoss: Double?,
                unique: Bool, notes: [String]) {
        self.loss = loss
        self.embedding = embedding
        self.scales = scales
        self.rank = rank
        self.minLoss = minLoss
        self.unique = unique
        self.notes = notes
    }
}

/// The span of every optimal solution of one loss (over R, b and, on ties, the basis of the tied
/// eigenspace), in terms of the spectrum the closed form was built from.
public enum OptimalSpan: Sendable, Equatable {
    /// Spectrum columns offset..<offset + count (as Z-space directions: U for L and G,
    /// D^{-1/2} U for A_n) and, when `tiedAtBoundary`, every eigenvector whose eigenvalue ties with
    /// column offset + count - 1 (the whole tied eigenspace at the K boundary).
    case leading(count: Int, offset: Int, tiedAtBoundary: Bool)
    /// Every centred embedding (BarlowTwins 4b with K > m: the isometry J ranges over the whole
    /// eigenvalue -1/(V-1) space, so the optimal solutions span all of v0-perp).
    case everything
}

/// The note of a solve whose (K+1)-th eigenvalue was only localised, not certified apart from the
/// K-th (docs/math.md 7.12): uniqueness is not claimed, which is the safe side.
let uncertifiedGapNote = "lambda_{K+1} is not certified apart from lambda_K (see the report's gap): uniqueness of Z* is not claimed; --next-eigenvalue converge decides it by converging pair K+1"

/// Relative tie test for eigenvalues from different solves.
@inline(__always)
public func nearlyEqual(_ a: Double, _ b: Double, tolerance: Double = 1e-9) -> Bool {
    abs(a - b) <= tolerance * max(1, abs(a), abs(b))
}
