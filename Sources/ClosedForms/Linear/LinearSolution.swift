import DenseAlgebra

/// One loss's closed-form optimal linear map W* (P x K) for Z = X W (MATH.md section 5).
public struct LinearSolution: Sendable {
    public var loss: LossName
    /// W*, P x K (column-major); nil when the closed form is not available (a singular
    /// P x P moment matrix, or K beyond the positive spectrum for BarlowTwins).
    public var weights: DenseMatrix?
    /// The generalised eigenvalues the closed form used (K of them, in the order of W's columns).
    public var eigenvalues: [Double]
    /// The per-direction scale factors (t_k, max(0, nu_k), or the water levels y_k).
    public var scales: [Double]
    /// Count of nonzero scale factors.
    public var rank: Int
    /// The closed-form minimum value.
    public var minLoss: Double?
    /// Whether W* is unique up to the loss's symmetries (rotation R, column signs).
    public var unique: Bool
    /// Condition number of the definite matrix (Sigma, Gamma or S_d) after scaling to unit
    /// diagonal; nil when it is singular.
    public var conditionNumber: Double?
    public var notes: [String]

    public init(loss: LossName, weights: DenseMatrix?, eigenvalues: [Double], scales: [Double], rank: Int,
                minLoss: Double?, unique: Bool, conditionNumber: Double?, notes: [String]) {
        self.loss = loss
        self.weights = weights
        self.eigenvalues = eigenvalues
        self.scales = scales
        self.rank = rank
        self.minLoss = minLoss
        self.unique = unique
        self.conditionNumber = conditionNumber
        self.notes = notes
    }

    static func unavailable(_ loss: LossName, _ note: String, conditionNumber: Double? = nil) -> LinearSolution {
        LinearSolution(loss: loss, weights: nil, eigenvalues: [], scales: [], rank: 0, minLoss: nil, unique: false,
                       conditionNumber: conditionNumber, notes: [note])
    }
}

/// Shared steps of the linear closed forms.
public enum LinearClosedForms {
    /// The sign rule for W's columns (every loss is invariant under flipping a column of W):
    /// the entry of largest magnitude of each column is made positive (ties: lowest row). It makes
    /// W, and so Z = X W, the same for every rank count.
    public static func applySignRule(_ w: DenseMatrix) -> DenseMatrix {
        var out = w
        for j in 0..<w.columns {
            var best = 0, magnitude = -1.0
            for i in 0..<w.rows where abs(w[i, j]) > magnitude {
                best = i
                magnitude = abs(w[i, j])
            }
            if magnitude > 0 && w[best, j] < 0 { for i in 0..<w.rows { out[i, j] = -w[i, j] } }
        }
        return out
    }

    /// A w = lambda B w, or the note saying why it cannot be solved (B singular).
    static func generalised(_ a: DenseMatrix, _ b: DenseMatrix, loss: LossName, name: String,
                            remedy: String) -> Result<GeneralizedSymmetricEigen, LinearSolutionFailure> {
        do {
            return .success(try GeneralizedSymmetricEigen(a, b))
        } catch let failure as GeneralizedSymmetricEigen.Failure {
            return .failure(LinearSolutionFailure(solution: .unavailable(
                loss, "\(name) is not positive definite: \(failure.description) (P = \(b.rows) features; the linear closed form needs rank X = P); \(remedy)")))
        } catch {
            return .failure(LinearSolutionFailure(solution: .unavailable(loss, "dense generalised eigen-solve failed: \(error)")))
        }
    }

    /// Whether eigenvalue `k` (0-based, in the solve's order `values`) is tied with the next one.
    static func tiedAt(_ values: [Double], _ k: Int) -> Bool {
        k + 1 < values.count && nearlyEqual(values[k], values[k + 1])
    }
}

struct LinearSolutionFailure: Error {
    var solution: LinearSolution
}
