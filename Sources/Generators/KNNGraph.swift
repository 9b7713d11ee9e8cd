import DenseAlgebra
import Dispatch
import Foundation
import PairGraph

/// The k-nearest-neighbour graph of the rows of an N x P matrix (e.g. features read from `.npy`).
///
/// - For each row i, its k nearest other rows by Euclidean distance, ties broken by the lower row
///   index; the directed pair (i, j) is emitted for each neighbour j, in order of distance. Node ID =
///   row index. The graph is not symmetric; assembly symmetrises it (merge rule `max` keeps weights).
/// - Weight 1, or with `gaussian` exp(-d^2 / (2 sigma^2)), sigma = `sigma` if given, else the median
///   of the N * k neighbour distances (the mean of the two middle ones when N * k is even).
/// - Method: rows are processed in blocks of B; for a block, squared distances to every row come from
///   ||x_i||^2 + ||x_j||^2 - 2 <x_i, x_j> with the inner products from one dgemm (B x N). That formula
///   loses accuracy by cancellation, so it only shortlists: every row whose approximate distance is
///   within a rounding bound of the k-th smallest is rescored exactly as sum_p (x_ip - x_jp)^2, and the
///   final choice and the weights use the exact values. The result is the exact kNN set, ties included.
///   Memory: the features plus O(B * N) (B defaults to about 2^22 / N rows, i.e. 32 MiB of scores).
///
/// ```swift
/// let x = try NpyArray.read(path: "X.npy")
/// let g = try KNNGraph.generate(features: x.doubles, rows: x.rows, columns: x.columns, k: 10)
/// ```
public enum KNNGraph {
    /// - Parameters:
    ///   - features: row-major N x P values (`NpyArray.doubles`).
    ///   - source: the file name used in errors and in the description.
    ///   - blockRows: rows per dgemm block (nil: about 2^22 / N).
    /// - Throws: `InputError` naming `source` when k < 1 or k >= N, P < 1, a value is not finite (or
    ///   so large that squared norms overflow), or the Gaussian bandwidth would be 0 or not finite.
    public static func generate(features: [Double], rows n: Int, columns p: Int, k: Int,
                                gaussian: Bool = false, sigma: Double? = nil, source: String = "features",
                                blockRows: Int? = nil) throws -> GeneratedGraph {
        func bad(_ why: String) -> InputError { InputError(file: source, reason: why) }
        guard features.count == n * p else { throw bad("expected \(n) x \(p) values, got \(features.count)") }
        guard p >= 1 else { throw bad("features need at least one column") }
        guard k >= 1 else { throw bad("k must be at least 1, got \(k)") }
        guard k < n else { throw bad("k (\(k)) must be smaller than the number of rows (\(n))") }
        if let bad = features.firstIndex(where: { !$0.isFinite }) {
            throw InputError(file: source, reason: "row \(bad / p), column \(bad % p) is not finite (\(features[bad]))")
        }
        if let s = sigma, !(s > 0 && s.isFinite) { throw bad("sigma must be positive and finite, got \(s)") }

        // Column-major P x N is the row-major N x P array as it stands: column j is row j of X.
        let xt = DenseMatrix(rows: p, columns: n, columnMajor: features)
        var norms = [Double](repeating: 0, count: n)
        for j in 0..<n {
            var s = 0.0
            for q in 0..<p { s += features[j * p + q] * features[j * p + q] }
            norms[j] = s
        }
        let maxNorm = norms.max() ?? 0
        guard maxNorm.isFinite else { throw bad("values too large: squared row norms overflow a double") }
        let block = max(1, min(n, blockRows ?? max(1, (1 << 22) / n)))
        // |computed - exact| <= ~(P + 2) eps (||x_i||^2 + ||x_j||^2) for the dgemm route; 8x margin.
        let slackFactor = 8 * Double(p + 4) * Double.ulpOfOne

        var neighbours = [Int](repeating: 0, count: n * k)
        var distances2 = [Double](repeating: 0, count: n * k)
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))

        neighbours.withUnsafeMutableBufferPointer { nb in
            distances2.withUnsafeMutableBufferPointer { d2 in
                features.withUnsafeBufferPointer { x in
                    norms.withUnsafeBufferPointer { nrm in
                        let out = SendableOutput(neighbours: nb, distances2: d2)
                        var start = 0
                        while start < n {
                            let end = min(n, start + block)
                            // N x b: column bi holds <x_j, x_(start+bi)> for every j.
                            let scores = xt.transposeTimes(xt.columns(start..<end))
                            let b = end - start, first = start
                            let chunk = (b + workers - 1) / workers
                            scores.storage.withUnsafeBufferPointer { g in
                                let input = SendableInput(x: x, norms: nrm, scores: g)
                                DispatchQueue.concurrentPerform(iterations: workers) { w in
                                    let lo = w * chunk, hi = min(b, lo + chunk)
                                    guard lo < hi else { return }
                                    var scratch = SelectionScratch(k: k)
                                    for bi in lo..<hi {
                                        selectRow(first + bi, column: bi, n: n, p: p, k: k, input: input,
                                                  output: out, slack: slackFactor * (input.norms[first + bi] + maxNorm),
                                                  scratch: &scratch)
                                    }
                                }
                            }
                            start = end
                        }
                    }
                }
            }
        }

        var weights: [Double]? = nil
        var bandwidth = 0.0
        if gaussian {
            if let s = sigma {
                bandwidth = s
            } else {
                let sorted = distances2.sorted()
                let m = sorted.count
                bandwidth = m % 2 == 1 ? sorted[m / 2].squareRoot()
                    : (sorted[m / 2 - 1].squareRoot() + sorted[m / 2].squareRoot()) / 2
                guard bandwidth > 0 else {
                    throw bad("the median kNN distance is 0 (duplicate rows); give sigma explicitly")
                }
            }
            let scale = -1 / (2 * bandwidth * bandwidth)
            weights = distances2.map { exp($0 * scale) }
        }
        var sources = [UInt64](repeating: 0, count: n * k)
        for i in 0..<n { for t in 0..<k { sources[i * k + t] = UInt64(i) } }
        let targets = neighbours.map { UInt64($0) }
        var description = "knn features=\(source) rows=\(n) columns=\(p) k=\(k)"
        if gaussian {
            description += " gaussian sigma=\(bandwidth.description)\(sigma == nil ? " (median kNN distance)" : "")"
        }
        description += " (edge i -> each of row i's k nearest rows; ties by lower index)"
        return GeneratedGraph(edges: EdgeList(sources: sources, targets: targets, weights: weights),
                              nodeCount: n, labels: nil, description: description)
    }

    /// Row i: shortlist by the dgemm scores, rescore the shortlist exactly, keep the k best.
    @inline(__always)
    private static func selectRow(_ i: Int, column bi: Int, n: Int, p: Int, k: Int, input: SendableInput,
                                  output: SendableOutput, slack: Double, scratch: inout SelectionScratch) {
        let g = input.scores.baseAddress! + bi * n
        let nrm = input.norms
        let ni = nrm[i]
        // Pass 1: the k smallest approximate values (insertion into a sorted array of k).
        scratch.reset()
        for j in 0..<n where j != i {
            let d = ni + nrm[j] - 2 * g[j]
            if d < scratch.worst { scratch.insert(d) }
        }
        let limit = scratch.worst + 2 * slack
        // Pass 2: every row within the bound, rescored exactly.
        scratch.candidates.removeAll(keepingCapacity: true)
        let x = input.x.baseAddress!
        let xi = x + i * p
        for j in 0..<n where j != i {
            let d = ni + nrm[j] - 2 * g[j]
            if d <= limit {
                let xj = x + j * p
                var s = 0.0
                for q in 0..<p {
                    let t = xi[q] - xj[q]
                    s += t * t
                }
                scratch.candidates.append((s, j))
            }
        }
        // Order by exact distance, ties by lower index.
        scratch.candidates.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        for t in 0..<k {
            output.neighbours[i * k + t] = scratch.candidates[t].1
            output.distances2[i * k + t] = scratch.candidates[t].0
        }
    }
}

/// The k smallest values seen so far, ascending (values only: pass 1 needs just the k-th).
private struct SelectionScratch {
    var values: [Double]
    var candidates: [(Double, Int)] = []
    let k: Int

    init(k: Int) {
        self.k = k
        values = [Double](repeating: .infinity, count: k)
        candidates.reserveCapacity(4 * k)
    }

    var worst: Double { values[k - 1] }

    mutating func reset() {
        for t in 0..<k { values[t] = .infinity }
    }

    @inline(__always)
    mutating func insert(_ d: Double) {
        var t = k - 1
        while t > 0 && values[t - 1] > d {
            values[t] = values[t - 1]
            t -= 1
        }
        values[t] = d
    }
}

/// Read-only views shared by the worker threads of one block.
private struct SendableInput: @unchecked Sendable {
    let x: UnsafeBufferPointer<Double>
    let norms: UnsafeBufferPointer<Double>
    let scores: UnsafeBufferPointer<Double>
}

/// Output rows; each worker writes only its own rows.
private struct SendableOutput: @unchecked Sendable {
    let neighbours: UnsafeMutableBufferPointer<Int>
    let distances2: UnsafeMutableBufferPointer<Double>
}
