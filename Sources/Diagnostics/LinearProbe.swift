import DenseAlgebra
import Distributed

/// Linear-probe accuracy of a ridge classifier on the embedding (docs/math.md section 8).
///
/// - Split: a labelled row is in the test set iff `splitHash(nodeID) % 5 == 0` (about 20%), with
///   `splitHash` the SplitMix64 output for seed nodeID (golden-ratio increment, then the
///   finaliser), i.e. `SplitMix64(seed: nodeID).next()`. The split depends on the node ID only:
///   not on row order, on restriction to a component, or on the rank count.
/// - Features: each column is standardised with the mean and (population) standard deviation of
///   the training rows. A column whose training standard deviation is 0, at most 1e-10 of its
///   mean's magnitude, or at most 1e-12 of the largest column's, carries no information (e.g. a
///   zero scale factor of Z*, or the constant trivial eigenvector) and is set to 0.
/// - Classifier: one-vs-rest least squares on the one-hot targets with an unpenalised intercept and
///   ridge alpha = 1e-6 * trace(X^T X) / K + 1e-12 (X the standardised training features, K its
///   columns). Because X is centred on the training rows, the intercept is the training class
///   frequency and W solves (X^T X + alpha I) W = X^T Y by Cholesky (`solvingSPD`).
/// - Prediction: the class of largest score (ties: lowest class index).
/// - Order: each rank processes its rows in ascending node-ID order, so a permutation of the rows
///   gives bitwise the same result for a given rank count; over ranks the partial sums are
///   all-reduced, which changes only rounding (results agree across rank counts to ~1e-15
///   relative, and the accuracies exactly unless a score is tied to that precision).
public enum LinearProbe {
    /// A row is a test row iff splitHash(nodeID) % testModulus == 0.
    public static let testModulus: UInt64 = 5

    /// SplitMix64(seed: nodeID).next(): the finaliser of nodeID + 0x9E3779B97F4A7C15.
    @inline(__always)
    public static func splitHash(_ nodeID: UInt64) -> UInt64 {
        var z = nodeID &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public static func isTest(nodeID: UInt64) -> Bool {
        splitHash(nodeID) % testModulus == 0
    }

    /// Collective over `labels.communicator`. Trains on the labelled training rows of `features`
    /// (this rank's rows, one per owned label row) over all ranks and scores both sets; the report
    /// is the same on every rank. Every statistic is a local partial (over the owned rows in
    /// ascending node-ID order) plus one all-reduce: the training counts per class, the column
    /// means, the variances, X^T X with X^T Y, and the correct predictions. The ridge system is
    /// K x C and solved identically on every rank.
    /// - Parameter nodeIDs: node ID of each owned row.
    /// - Throws: `DiagnosticsError.rowMismatch` (on every rank) on a shape mismatch; a LAPACK error
    ///   if the ridge system is not positive definite (it always is, alpha > 0).
    public static func evaluate(features: DenseMatrix, labels: LabelMatrix, nodeIDs: [UInt64]) throws -> ProbeReport {
        try labels.checkRows(of: features, what: "embedding")
        try labels.checkRows(nodeIDs.count, what: "node ID list")
        let comm = labels.communicator
        let ordered = labels.labelledRows.sorted { (nodeIDs[$0], $0) < (nodeIDs[$1], $1) }
        let trainRows = ordered.filter { !isTest(nodeID: nodeIDs[$0]) }
        let testRows = ordered.filter { isTest(nodeID: nodeIDs[$0]) }
        let k = features.columns, c = labels.classCount

        // Global set sizes and training rows per class (the intercept).
        var counts = [Int64](repeating: 0, count: 2 + c)
        counts[0] = Int64(trainRows.count)
        counts[1] = Int64(testRows.count)
        for r in trainRows { counts[2 + labels.classes[r]] += 1 }
        comm.allreduceSum(&counts)
        let trainCount = Int(counts[0]), testCount = Int(counts[1])
        var report = ProbeReport(train: trainCount, test: testCount, accuracy: nil,
                                 trainAccuracy: nil, ridgeAlpha: nil)
        guard trainCount > 0, c > 0 else { return report }

        // Standardise on the training rows of every rank.
        let xTrainRaw = features.selectingRows(trainRows)
        let nTrain = Double(trainCount)
        var means = [Double](repeating: 0, count: k)
        for j in 0..<k { for i in 0..<trainRows.count { means[j] += xTrainRaw[i, j] } }
        comm.allreduceSum(&means)
        means = means.map { $0 / nTrain }
        var variances = [Double](repeating: 0, count: k)
        for j in 0..<k { for i in 0..<trainRows.count { let d = xTrainRaw[i, j] - means[j]; variances[j] += d * d } }
        comm.allreduceSum(&variances)
        let stds = variances.map { ($0 / nTrain).squareRoot() }
        let maxStd = stds.max() ?? 0
        let scales = (0..<k).map { j -> Double in
            let s = stds[j]
            if s == 0 || s <= 1e-10 * abs(means[j]) || s <= 1e-12 * maxStd { return 0 }
            return 1 / s
        }
        func standardised(_ rows: [Int]) -> DenseMatrix {
            var x = features.selectingRows(rows)
            for j in 0..<k {
                for i in 0..<rows.count { x[i, j] = (x[i, j] - means[j]) * scales[j] }
            }
            return x
        }
        let xTrain = standardised(trainRows)
        let yTrain = labels.oneHot(rows: trainRows)
        let intercept = (0..<c).map { Double(counts[2 + $0]) / nTrain }

        var weights = DenseMatrix(rows: k, columns: c)
        var alpha = 1e-12
        if k > 0 {
            let reduced = RowBlockAlgebra.reducedProducts([(xTrain, xTrain), (xTrain, yTrain)], communicator: comm).products
            var gram = reduced[0]
            alpha = 1e-6 * gram.trace / Double(k) + 1e-12
            for j in 0..<k { gram[j, j] += alpha }
            weights = try gram.solvingSPD(reduced[1])
        }
        report.ridgeAlpha = alpha

        func correct(_ x: DenseMatrix, _ rows: [Int]) -> Int64 {
            let scores = k > 0 ? x * weights : DenseMatrix(rows: rows.count, columns: c)
            var hits: Int64 = 0
            for (i, r) in rows.enumerated() {
                var best = 0
                var bestScore = -Double.infinity
                for cls in 0..<c {
                    let s = scores[i, cls] + intercept[cls]
                    if s > bestScore { bestScore = s; best = cls }
                }
                if best == labels.classes[r] { hits += 1 }
            }
            return hits
        }
        var hits = [correct(xTrain, trainRows), correct(standardised(testRows), testRows)]
        comm.allreduceSum(&hits)
        report.trainAccuracy = Double(hits[0]) / Double(trainCount)
        report.accuracy = testCount > 0 ? Double(hits[1]) / Double(testCount) : nil
        return report
    }
}

/// Linear-probe result. Accuracies are nil (keys absent) when their set is empty.
public struct ProbeReport: Codable, Sendable, Equatable {
    /// Labelled training rows.
    public var train: Int
    /// Labelled test rows.
    public var test: Int
    /// Test accuracy.
    public var accuracy: Double?
    public var trainAccuracy: Double?
    /// The ridge alpha used (nil when there was nothing to train on).
    public var ridgeAlpha: Double?
}
