import DenseAlgebra
import Distributed
import Foundation

/// Upper bounds of the smallest eigenvalues of L_c on 1_c-perp from the indicator vectors of the
/// component's lowest-degree rows (docs/math.md 7.11, "The low-degree cut"); no product of L.
///
/// For the m rows S of least weighted degree (ties by global row, so the same rows at every rank
/// count), the Rayleigh-Ritz of L_c on span{P e_i : i in S}, P the projection onto 1_c-perp, has
/// e_i' L_c e_j = (D - W)_ij (L_c 1_c = 0) and Gram matrix I - 1 1'/n_c >= (1 - m/n_c) I. By
/// Courant-Fischer, lambda_j(L_c on 1_c-perp) <= theta_j(D_S - W_SS) / (1 - m/n_c): `values[j-1]`.
/// A random graph's lowest degrees sit just above the bottom of L's spectrum (the 300k planted
/// partition: lambda_17 = 4.58, the bound on lambda_18 5.00), where the unfiltered probe that it
/// replaces spent 94 products for 8.03.
struct LowDegreeBound {
    /// Upper bounds of lambda_1, lambda_2, ... of L_c on 1_c-perp, ascending (`rows` of them).
    let values: [Double]
    /// m, the number of lowest-degree rows.
    let rows: Int
    let seconds: Double

    /// m = `rowsPerWanted` (count + 1), so that the (count+1)-th bound has room below it to fall.
    static let rowsPerWanted = 4

    /// Collective over `communicator` (the ranks holding the component). Nil when the component is
    /// too small for m rows to leave most of it outside S (then the probe gives the cut).
    init?(block: ComponentBlock, count: Int, communicator: Communicator) throws {
        let began = Date()
        let m = Self.rowsPerWanted * (count + 1)
        guard 2 * m <= block.size else { return nil }
        // This rank's m lowest (degree, global row); then the component's, identically on every rank.
        let local = Self.lowest(m, of: block.degrees)
        let (degrees, _) = communicator.allgatherv(double: local.map { block.degrees[$0] })
        let (globals, _) = communicator.allgatherv(int64: local.map { Int64(block.firstRow + Int(block.rows[$0])) })
        let chosen = degrees.indices.sorted { (degrees[$0], globals[$0]) < (degrees[$1], globals[$1]) }.prefix(m)
        var position = [Int64: Int]()
        for (a, k) in chosen.enumerated() { position[globals[k]] = a }
        // D_S - W_SS: each row from the rank that owns it; the sum adds zeros to it, exactly.
        var matrix = [Double](repeating: 0, count: m * m)
        let plan = block.exchange.plan.requests
        for t in local {
            guard let a = position[Int64(block.firstRow + Int(block.rows[t]))] else { continue }
            matrix[a * m + a] += block.degrees[t]
            for q in block.rowStart[t]..<block.rowEnd[t] {
                let column = Int64(plan.globalColumn(ofLocal: Int(block.columns[q])))
                if let b = position[column] { matrix[a * m + b] -= block.hasUnitWeights ? 1 : block.weights[q] }
            }
        }
        communicator.allreduceSum(&matrix)
        let theta = try SymmetricEigen(DenseMatrix(rows: m, columns: m, rowMajor: matrix), vectors: false).values
        let gram = 1 - Double(m) / Double(block.size)
        values = theta.map { max($0, 0) / gram }
        rows = m
        seconds = Date().timeIntervalSince(began)
    }

    /// Not collective. Indices of the `m` least values, ascending by (value, index): one pass that
    /// keeps a sorted list of at most m (a full sort of a million degrees would cost more than the
    /// rest of the bound).
    static func lowest(_ m: Int, of values: [Double]) -> [Int] {
        var kept: [Int] = []
        kept.reserveCapacity(m + 1)
        for i in values.indices {
            if kept.count == m, let last = kept.last, values[i] >= values[last] { continue }
            // i is larger than every kept index, so among equal values it goes last.
            var lo = 0, hi = kept.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if values[kept[mid]] <= values[i] { lo = mid + 1 } else { hi = mid }
            }
            kept.insert(i, at: lo)
            if kept.count > m { kept.removeLast() }
        }
        return kept
    }
}
