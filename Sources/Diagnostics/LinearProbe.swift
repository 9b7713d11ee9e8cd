import DenseAlgebra

/// Linear-probe accuracy of a ridge classifier on the embedding (MATH.md section 6).
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
/// - Order: rows are processed in ascending node-ID order, so a permutation of the rows gives
///   bitwise the same result.
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

    /// Trains on the labelled training rows of `features` (N x K) and scores both sets.
    /// - Parameter nodeIDs: node ID of each row (N of them).
    /// - Throws: `DiagnosticsError.rowMismatch` on a shape mismatch; a LAPACK error if the ridge
    ///   system is not positive definite (it always is, alpha > 0).
    public static func evaluate(features: DenseMatrix, labels: LabelMatrix, nodeIDs: [UInt64]) throws -> ProbeReport {
        try labels.checkRows(of: features, what: "embedding")
        if nodeIDs.count != labels.rowCount {
            throw DiagnosticsError.rowMismatch(what: "node ID list", expected: labels.rowCount, got: nodeIDs.count)
        }
        let ordered = labels.labelledRows.sorted { (nodeIDs[$0], $0) < (nodeIDs[$1], $1) }
        let trainRows = ordered.filter { !isTest(nodeID: nodeIDs[$0]) }
        let testRows = ordered.filter { isTest(nodeID: nodeIDs[$0]) }
        let k = features.columns, c = labels.classCount
        var report = ProbeReport(train: trainRows.count, test: testRows.count, accuracy: nil,
                                 trainAccuracy: nil, ridgeAlpha: nil)
        guard !trainRows.isEmpty, c > 0 else { return report }

        // Standardise on the training rows.
        let xTrainRaw = features.selectingRows(trainRows)
        let nTrain = Double(trainRows.count)
        var means = [Double](repeating: 0, count: k)
        var stds = [Double](repeating: 0, count: k)
        for j in 0..<k {
            var s = 0.0
            for i in 0..<trainRows.count { s += xTrainRaw[i, j] }
            let mean = s / nTrain
            var v = 0.0
            for i in 0..<trainRows.count { let d = xTrainRaw[i, j] - mean; v += d * d }
            means[j] = mean
            stds[j] = (v / nTrain).squareRoot()
        }
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
        var intercept = [Double](repeating: 0, count: c)
        for r in trainRows { intercept[labels.classes[r]] += 1 / nTrain }

        var weights = DenseMatrix(rows: k, columns: c)
        var alpha = 1e-12
        if k > 0 {
            var gram = xTrain.transposeTimes(xTrain)
            alpha = 1e-6 * gram.trace / Double(k) + 1e-12
            for j in 0..<k { gram[j, j] += alpha }
            weights = try gram.solvingSPD(xTrain.transposeTimes(yTrain))
        }
        report.ridgeAlpha = alpha

        func accuracy(_ x: DenseMatrix, _ rows: [Int]) -> Double? {
            guard !rows.isEmpty else { return nil }
            let scores = k > 0 ? x * weights : DenseMatrix(rows: rows.count, columns: c)
            var correct = 0
            for (i, r) in rows.enumerated() {
                var best = 0
                var bestScore = -Double.infinity
                for cls in 0..<c {
                    let s = scores[i, cls] + intercept[cls]
                    if s > bestScore { bestScore = s; best = cls }
                }
                if best == labels.classes[r] { correct += 1 }
            }
            return Double(correct) / Double(rows.count)
        }
        report.trainAccuracy = accuracy(xTrain, trainRows)
        report.accuracy = accuracy(standardised(testRows), testRows)
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

    enum CodingKeys: String, CodingKey {
        case train
        case test
        case accuracy
        case trainAccuracy = "train_accuracy"
        case ridgeAlpha = "ridge_alpha"
    }

    public init(train: Int, test: Int, accuracy: Double?, trainAccuracy: Double?, ridgeAlpha: Double?) {
        self.train = train
        self.test = test
        self.accuracy = accuracy
        self.trainAccuracy = trainAccuracy
        self.ridgeAlpha = ridgeAlpha
    }
}
