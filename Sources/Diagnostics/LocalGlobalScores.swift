import DenseAlgebra
import Distributed
import PairGraph
import Spectral

/// How local and how global an embedding is, side by side (the paper's title: VICReg recovers a
/// local spectral embedding, SimCLR a global one).
///
/// - local score = tr(Z^T L Z) / tr(Z^T H Z): the Dirichlet energy per unit of (centred) variance,
///   what Laplacian Eigenmaps and VICReg minimise. 0 when every column is constant on each
///   component; small when neighbours sit close. Invariant to scaling and shifting Z.
/// - global score = min_c ||G - c Z Z^T||_F / ||G||_F: the relative error of the best scaled
///   reconstruction of G by the Gram matrix of Z (what SimCLR's spectral form, an MDS, fits).
///   With <G, Z Z^T> = tr(Z^T G Z) and ||Z Z^T||_F = ||Z^T Z||_F, the best c is
///   c* = <G, ZZ^T> / ||ZZ^T||_F^2 (any sign) and
///   score^2 = 1 - <G, ZZ^T>^2 / (||G||_F^2 ||ZZ^T||_F^2), in [0, 1]; 1 means Z Z^T explains
///   nothing of G. Z is used as given (not centred), as Z Z^T is.
///
/// Nothing of size N x N is formed: G Z is one distributed matvec per column, and every sum over
/// rows (tr(Z^T G Z), sum_i d_i |z_i|^2, column sums, Z^T Z, sum of squared weights) is a local
/// partial followed by one all-reduce, so the scores are the same on every rank.
public struct LocalGlobalScores: Codable, Sendable, Equatable {
    /// tr(Z^T L Z) / tr(Z^T H Z); nil when H Z = 0.
    public var local: Double?
    /// min_c ||G - c Z Z^T||_F / ||G||_F; nil when G or Z is zero.
    public var global: Double?
    /// The best scale c* of Z Z^T; nil when Z = 0.
    public var scale: Double?

    enum CodingKeys: String, CodingKey {
        case local = "local_score"
        case global = "global_score"
        case scale = "global_fit_scale"
    }

    /// Collective over `graph.communicator`. `z`: this rank's owned rows (`graph.localRowCount` x K).
    /// `adjacencyProduct`: G Z on the owned rows when the caller has it (saves K matvecs).
    public static func measure(_ z: DenseMatrix, graph: DistributedGraph,
                               adjacencyProduct given: DenseMatrix? = nil) -> LocalGlobalScores {
        let comm = graph.communicator
        let n = graph.localRowCount, k = z.columns
        precondition(z.rows == n, "\(z.rows) rows given for a block of \(n)")
        let gz = given ?? adjacencyProduct(z, graph: graph)
        // buffer: [tr(Z^T G Z), sum_i d_i |z_i|^2, sum_i |z_i|^2, ||G||_F^2 (owned rows), column sums (k), Z^T Z (k*k)]
        var buffer = [Double](repeating: 0, count: 4 + k + k * k)
        for j in 0..<k {
            var zgz = 0.0, dz = 0.0, zz = 0.0, sum = 0.0
            for i in 0..<n {
                let v = z[i, j]
                zgz += v * gz[i, j]
                dz += graph.degrees[i] * v * v
                zz += v * v
                sum += v
            }
            buffer[0] += zgz
            buffer[1] += dz
            buffer[2] += zz
            buffer[4 + j] = sum
        }
        var g2 = 0.0
        for i in 0..<n {
            for w in graph.neighbours(ofLocal: i).weights { g2 += w * w }
        }
        buffer[3] = g2
        let gram = z.transposeTimes(z)
        for q in 0..<(k * k) { buffer[4 + k + q] = gram.storage[q] }
        comm.allreduceSum(&buffer)
        let zgz = buffer[0], dz = buffer[1], zz = buffer[2], gNorm2 = buffer[3]
        let nodes = Double(graph.nodeCount)
        var meanSquares = 0.0
        for j in 0..<k { meanSquares += buffer[4 + j] * buffer[4 + j] }
        let centred = zz - meanSquares / nodes  // tr(Z^T H Z)
        var gramNorm2 = 0.0
        for q in 0..<(k * k) { gramNorm2 += buffer[4 + k + q] * buffer[4 + k + q] }
        let dirichlet = dz - zgz  // tr(Z^T L Z)
        // H Z = 0 up to rounding (every column constant): no variance to measure the energy against.
        let local: Double? = centred > 1e-12 * zz && centred > 0 ? max(0, dirichlet) / centred : nil
        var global: Double? = nil
        var scale: Double? = nil
        if gramNorm2 > 0 {
            scale = zgz / gramNorm2
            if gNorm2 > 0 {
                let explained = zgz * zgz / (gNorm2 * gramNorm2)
                global = max(0, 1 - explained).squareRoot()
            }
        }
        return LocalGlobalScores(local: local, global: global, scale: scale)
    }

    /// Collective. G Z on the owned rows (one halo exchange per column).
    static func adjacencyProduct(_ z: DenseMatrix, graph: DistributedGraph) -> DenseMatrix {
        RelationOperator(.adjacency, graph: graph).apply(z)
    }
}
