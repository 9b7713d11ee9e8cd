import DenseAlgebra

/// The losses Eigenpair solves, with the names used on the command line, in file names and as
/// report keys.
public enum LossName: String, CaseIterable, Codable, Sendable {
    case vicreg
    case simclr
    case simclrDegree = "simclr-degree"
    case barlow
}

/// Loss hyper-parameters (MATH.md sections 2 and 4).
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

/// Relative tie test for eigenvalues from different solves.
@inline(__always)
func nearlyEqual(_ a: Double, _ b: Double, tolerance: Double = 1e-9) -> Bool {
    abs(a - b) <= tolerance * max(1, abs(a), abs(b))
}
