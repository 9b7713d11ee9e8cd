import DenseAlgebra
import Distributed

/// One loss's closed-form optimal linear map W* (P x K) for Z = X W (docs/math.md section 5).
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
    /// Condition number of the covariance matrix B (Sigma, Gamma or S_d) on its range, after
    /// scaling to unit diagonal; nil when it has no range.
    public var conditionNumber: Double?
    /// Null directions of B left out (`GeneralizedSymmetricEigen`): P minus the rank of the
    /// features under this loss's centring.
    public var droppedDirections: Int = 0
    /// Why `weights` is nil: `.input` (the features or K: e.g. K above the rank of the features,
    /// or above r for BarlowTwins) or `.numerical` (a dense LAPACK kernel failed); nil when solved.
    public var failure: FailureKind?
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

    static func unavailable(_ loss: LossName, _ note: String, conditionNumber: Double? = nil,
                            failure: FailureKind = .input) -> LinearSolution {
        var s = LinearSolution(loss: loss, weights: nil, eigenvalues: [], scales: [], rank: 0, minLoss: nil, unique: false,
                               conditionNumber: conditionNumber, notes: [note])
        s.failure = failure
        return s
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

    /// A w = lambda B w on the range of B (`GeneralizedSymmetricEigen`), or the unavailable
    /// solution saying why: B has no range, the range is smaller than K, or LAPACK failed.
    static func generalised(_ a: DenseMatrix, _ b: DenseMatrix, dimension k: Int, loss: LossName,
                            name: String) -> Result<GeneralizedSymmetricEigen, LinearSolutionFailure> {
        let eigen: GeneralizedSymmetricEigen
        do {
            eigen = try GeneralizedSymmetricEigen(a, b)
        } catch let failure as GeneralizedSymmetricEigen.Failure {
            return .failure(LinearSolutionFailure(solution: .unavailable(loss, "\(name): \(failure.description)")))
        } catch {
            return .failure(LinearSolutionFailure(solution: .unavailable(
                loss, "dense generalised eigen-solve failed: \(error)", failure: .numerical)))
        }
        let r = eigen.values.count
        guard k <= r else {
            return .failure(LinearSolutionFailure(solution: .unavailable(
                loss, "K = \(k) exceeds r = \(r), the rank of \(name) (P = \(b.rows) features, \(eigen.droppedDirections) null directions: constant or collinear feature combinations); use --dim \(r) or less",
                conditionNumber: eigen.conditionOfB)))
        }
        return .success(eigen)
    }

    /// The note on the null directions left out, when there are any.
    static func rangeNote(_ eigen: GeneralizedSymmetricEigen, name: String) -> [String] {
        guard eigen.droppedDirections > 0 else { return [] }
        return ["solved on the range of \(name): \(eigen.droppedDirections) null direction(s) left out (constant or collinear feature combinations, eigenvalue <= \(GeneralizedSymmetricEigen.defaultRangeTolerance) of the largest after scaling to unit diagonal); they would only add constant or zero columns to Z"]
    }

    /// Whether eigenvalue `k` (0-based, in the solve's order `values`) is tied with the next one.
    static func tiedAt(_ values: [Double], _ k: Int) -> Bool {
        k + 1 < values.count && nearlyEqual(values[k], values[k + 1])
    }
}

struct LinearSolutionFailure: Error {
    var solution: LinearSolution
}
