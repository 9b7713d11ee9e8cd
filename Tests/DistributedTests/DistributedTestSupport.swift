// Helpers of the DistributedTests target: a global CSR reference matrix, test matrices (random
// sparse symmetric, R-MAT) and the in-process simulation of P ranks. MPI and the process-wide
// solver lock come from EigenpairTestSupport (`testMPI`, `withSolverLock`).

import Distributed
import EigenpairTestSupport
import Foundation
import Generators
import PairGraph
import Spectral

// MARK: - A global CSR reference

/// A global square matrix in CSR with global columns: the reference the blocks are checked against.
struct GlobalCSR {
    var n: Int
    var rowPointers: [Int]
    var columns: [Int]
    var values: [Double]

    var rowNonzeros: [Int] { (0..<n).map { rowPointers[$0 + 1] - rowPointers[$0] } }

    /// y = A x, each row summed in stored order.
    func multiply(_ x: [Double]) -> [Double] {
        (0..<n).map { i in
            var s = 0.0
            for p in rowPointers[i]..<rowPointers[i + 1] { s += values[p] * x[columns[p]] }
            return s
        }
    }

    /// (|A| |x|)_i: the scale of each row's rounding error.
    func absoluteMultiply(_ x: [Double]) -> [Double] {
        (0..<n).map { i in
            var s = 0.0
            for p in rowPointers[i]..<rowPointers[i + 1] { s += abs(values[p]) * abs(x[columns[p]]) }
            return s
        }
    }

    /// Rows `rows` in CSR with global columns (pointers rebased to 0).
    func rows(_ rows: Range<Int>) -> (pointers: [Int], columns: [Int], values: [Double]) {
        let base = rowPointers[rows.lowerBound]
        let end = rowPointers[rows.upperBound]
        return (rowPointers[rows.lowerBound...rows.upperBound].map { $0 - base },
                Array(columns[base..<end]), Array(values[base..<end]))
    }

    /// The same matrix from a CHOLMOD symmetric matrix (column j = row j).
    init(_ m: CholmodMatrix) {
        n = m.columns
        rowPointers = (0...n).map { Int(m.columnPointers[$0]) }
        columns = (0..<rowPointers[n]).map { Int(m.rowIndices[$0]) }
        values = (0..<rowPointers[n]).map { m.values[$0] }
    }

    init(n: Int, rowPointers: [Int], columns: [Int], values: [Double]) {
        self.n = n
        self.rowPointers = rowPointers
        self.columns = columns
        self.values = values
    }

    var isSymmetric: Bool {
        var entries: [Int: Double] = [:]
        for i in 0..<n { for p in rowPointers[i]..<rowPointers[i + 1] { entries[i * n + columns[p]] = values[p] } }
        return entries.allSatisfy { key, v in entries[(key % n) * n + key / n] == v }
    }
}

// MARK: - Test matrices

enum TestMatrices {
    /// A random sparse symmetric matrix: diagonal entries on some rows, about `averageDegree`
    /// off-diagonal entries per row with a few heavy rows, some rows empty, values in [-1, 1] with
    /// varied magnitudes; columns sorted within each row.
    static func randomSymmetric(n: Int, averageDegree: Double, seed: UInt64) -> GlobalCSR {
        var rng = SplitMix64(seed: seed)
        var rowsEntries = [[(Int, Double)]](repeating: [], count: n)
        // Rows i with i % 7 == 3 stay empty (isolated), unless they are hubs.
        let hubs = Set((0..<max(1, n / 100)).map { _ in Int(rng.bounded(UInt64(n))) })
        func allowed(_ i: Int) -> Bool { i % 7 != 3 || hubs.contains(i) }
        func value() -> Double { (2 * rng.uniform01() - 1) * pow(10, Double(rng.bounded(5)) - 2) }
        var seen = Set<Int>()
        for i in 0..<n where allowed(i) {
            if rng.bounded(3) == 0 { rowsEntries[i].append((i, value())) }
            let degree = hubs.contains(i) ? n / 2 : Int(rng.bounded(UInt64(max(1, Int(2 * averageDegree)))))
            for _ in 0..<(degree / 2) {
                let j = Int(rng.bounded(UInt64(n)))
                guard j != i, allowed(j), seen.insert(min(i, j) * n + max(i, j)).inserted else { continue }
                let v = value()
                rowsEntries[i].append((j, v))
                rowsEntries[j].append((i, v))
            }
        }
        var pointers = [0], columns: [Int] = [], values: [Double] = []
        for i in 0..<n {
            for (j, v) in rowsEntries[i].sorted(by: { $0.0 < $1.0 }) {
                columns.append(j)
                values.append(v)
            }
            pointers.append(columns.count)
        }
        return GlobalCSR(n: n, rowPointers: pointers, columns: columns, values: values)
    }

    /// The Graph500 R-MAT graph of `scale`, assembled by the production assembler.
    static func rmat(scale: Int, seed: UInt64) throws -> SparseGraph {
        let g = try RMAT.generate(scale: scale, seed: seed)
        return try GraphAssembler.assemble(g.edges, merge: .max, file: "rmat")
    }

    /// A deterministic dense-ish test vector over global rows.
    static func vector(_ n: Int, seed: UInt64) -> [Double] {
        var rng = SplitMix64(seed: seed)
        return (0..<n).map { _ in 2 * rng.uniform01() - 1 }
    }

    /// A synthetic power-law degree sequence (Zipf-like: a few huge hubs, a long tail of 0s and 1s),
    /// shuffled so that hubs sit anywhere.
    static func powerLawDegrees(n: Int, exponent: Double, maxDegree: Int, seed: UInt64) -> [Int] {
        var rng = SplitMix64(seed: seed)
        var d = (0..<n).map { k in Int(Double(maxDegree) / pow(Double(k + 1), exponent)) }
        var i = n - 1
        while i > 0 {
            d.swapAt(i, Int(rng.bounded(UInt64(i + 1))))
            i -= 1
        }
        return d
    }
}

// MARK: - In-process simulation of P ranks

/// What the P simulated ranks hold: their blocks, requests and plans.
struct SimulatedJob {
    var partition: RowPartition
    var blocks: [DistributedRowBlock]
    var requests: [HaloRequests]
    var plans: [HaloPlan]

    /// Splits `a` over `ranks` ranks balanced by nonzeros, localises every block and builds every
    /// plan with the pure constructor.
    init(_ a: GlobalCSR, ranks: Int) {
        partition = RowPartition.balanced(rowNonzeros: a.rowNonzeros, ranks: ranks)
        blocks = []
        requests = []
        for r in 0..<ranks {
            let rows = a.rows(partition.rows(of: r))
            let (b, q) = DistributedRowBlock.localize(rowPointers: rows.pointers, globalColumns: rows.columns,
                                                      values: rows.values, partition: partition, rank: r)
            blocks.append(b)
            requests.append(q)
        }
        plans = HaloPlan.simulated(requests)
    }

    /// Same, from a CHOLMOD matrix through `DistributedRowBlock.extract`.
    init(_ m: CholmodMatrix, partition: RowPartition) {
        self.partition = partition
        blocks = []
        requests = []
        for r in 0..<partition.rankCount {
            let (b, q) = DistributedRowBlock.extract(from: m, partition: partition, rank: r)
            blocks.append(b)
            requests.append(q)
        }
        plans = HaloPlan.simulated(requests)
    }

    /// Each rank's local vector: its owned entries of the global `x`, ghost tail filled with NaN
    /// (so an unfilled ghost poisons the product).
    func scatter(_ x: [Double]) -> [[Double]] {
        (0..<partition.rankCount).map { r in
            Array(x[partition.rows(of: r)]) + [Double](repeating: .nan, count: plans[r].ghostCount)
        }
    }

    /// The halo exchange performed by copying: every rank packs its send buffer with the plan's
    /// `pack`, and every receiver copies the segment its source addressed to it into its ghost
    /// slots. Returns false when a segment's length disagrees with the receiver's count.
    func exchange(_ locals: inout [[Double]]) -> Bool {
        let p = partition.rankCount
        let packed: [[Double]] = (0..<p).map { s in
            var buffer = [Double](repeating: 0, count: plans[s].sendCount)
            locals[s].withUnsafeBufferPointer { x in
                buffer.withUnsafeMutableBufferPointer { b in
                    if let xb = x.baseAddress, let bb = b.baseAddress { plans[s].pack(xb, into: bb) }
                }
            }
            return buffer
        }
        var ok = true
        for r in 0..<p {
            for (k, s) in plans[r].receiveRanks.enumerated() {
                guard let q = plans[s].sendRanks.firstIndex(of: r) else { ok = false; continue }
                let segment = packed[s][plans[s].sendOffsets[q]..<plans[s].sendOffsets[q + 1]]
                let lo = plans[r].receiveOffsets[k], hi = plans[r].receiveOffsets[k + 1]
                guard segment.count == hi - lo else { ok = false; continue }
                let owned = plans[r].ownedCount
                locals[r].replaceSubrange((owned + lo)..<(owned + hi), with: segment)
            }
        }
        return ok
    }

    /// The distributed product: scatter, exchange, local SpMV on every rank, concatenate.
    func multiply(_ x: [Double]) -> (y: [Double], exchangeConsistent: Bool) {
        var locals = scatter(x)
        let ok = exchange(&locals)
        var y: [Double] = []
        for r in 0..<partition.rankCount { y += blocks[r].apply(locals[r]) }
        return (y, ok)
    }
}

/// max_i |y_i - ref_i| / max(scale_i, tiny) over rows: the relative error in units of each
/// row's |A||x|.
func maxRelativeError(_ y: [Double], _ reference: [Double], scale: [Double]) -> Double {
    precondition(y.count == reference.count && y.count == scale.count)
    var worst = 0.0
    for i in y.indices {
        let e = abs(y[i] - reference[i])
        if e.isNaN { return .infinity }
        worst = max(worst, e / max(scale[i], .leastNormalMagnitude))
    }
    return worst
}
