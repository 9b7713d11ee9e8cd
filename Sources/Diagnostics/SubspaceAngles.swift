import DenseAlgebra
import Distributed
import Foundation
import PairGraph

/// Principal angles between the column spans of two block-row-distributed matrices, by TSQR.
public enum SubspaceAngles {
    public static let relativeTolerance = 1e-9

    /// Collective. H Z (column means over all rows removed), or, `degreeWeighted`, D^1/2 (Z - 1 m^T)
    /// with m = d^T Z / S (BarlowTwins' standardisation; isolated rows become 0).
    public static func centred(_ z: DenseMatrix, graph: DistributedGraph, degreeWeighted: Bool) -> DenseMatrix {
        let k = z.columns
        var sums = [Double](repeating: 0, count: k)
        for j in 0..<k {
            for i in 0..<z.rows { sums[j] += (degreeWeighted ? graph.degrees[i] : 1) * z[i, j] }
        }
        graph.communicator.allreduceSum(&sums)
        let total = degreeWeighted ? graph.totalWeight : Double(graph.nodeCount)
        var out = z
        for j in 0..<k {
            let mean = sums[j] / total
            for i in 0..<z.rows {
                out[i, j] -= mean
                if degreeWeighted { out[i, j] *= graph.degrees[i].squareRoot() }
            }
        }
        return out
    }

    /// Collective. Orthonormal basis (this rank's rows) of the span: left singular vectors above
    /// 1e-9 of the largest singular value (its column count is the numerical rank).
    public static func basis(_ a: DenseMatrix, communicator: Communicator) throws -> DenseMatrix {
        let svd = try TallSkinnySVD(a, rank: communicator.rank, vectors: true) { communicator.allgatherv(double: $0) }
        return svd.left.columns(0..<svd.rank(relativeTolerance: relativeTolerance))
    }

    /// Collective. Angles (degrees, ascending) between span(qa) and span(qb), orthonormal bases:
    /// min(dim a, dim b) of them. Cosines are the singular values of Qa^T Qb; small angles come
    /// from the sines, the singular values of Qb - Qa (Qa^T Qb), which keep full relative accuracy
    /// near 0 (acos of a cosine near 1 does not).
    public static func anglesDegrees(_ qa: DenseMatrix, _ qb: DenseMatrix, communicator: Communicator) throws -> [Double] {
        var (a, b) = (qa, qb)
        if b.columns > a.columns { swap(&a, &b) }
        guard b.columns > 0 else { return [] }
        var m = a.transposeTimes(b)
        communicator.allreduceSum(&m.storage)
        let cosines = try SingularValues(m).values  // descending: angles ascending
        let residual = b - a * m
        let sines = try TallSkinnySVD(residual, rank: communicator.rank, vectors: false) { communicator.allgatherv(double: $0) }
            .values.sorted()  // ascending: pairs with descending cosines
        return cosines.enumerated().map { i, c in
            let s = i < sines.count ? sines[i] : (1 - min(1, c * c)).squareRoot()
            let radians = c > 0.7 ? asin(min(1, s)) : acos(max(-1, min(1, c)))
            return radians * 180 / Double.pi
        }
    }
}
