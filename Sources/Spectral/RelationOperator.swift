import DenseAlgebra
import PairGraph

/// M in {G, A_n, L} on a distributed graph (docs/math.md section 1): the one place the algebra of
/// the three relation operators over the whole graph is written. `apply` is the block product the
/// closed forms, the diagnostics and the certification use; the component solvers wrap the
/// component-restricted form (`ComponentOperator`) in `ShiftedOperator` or `ChebyshevFilter`.
public struct RelationOperator {
    public let kind: RelationOperatorKind
    public let graph: DistributedGraph

    /// Not collective.
    public init(_ kind: RelationOperatorKind, graph: DistributedGraph) {
        self.kind = kind
        self.graph = graph
    }

    /// Collective over `graph.communicator`. M V on this rank's rows, for V given by its owned rows
    /// (`graph.localRowCount` x k, column-major): G V by `DistributedGraph.multiply(_:)` (block
    /// products at P > 1, one halo exchange per 16 columns; each column's sums are bit for bit
    /// those of a vector product either way).
    public func apply(_ v: DenseMatrix) -> DenseMatrix {
        let n = graph.localRowCount
        precondition(v.rows == n, "\(v.rows) rows given for a block of \(n)")
        switch kind {
        case .adjacency:
            return graph.multiply(v)
        case .normalizedAdjacency:
            let inverseRoot = graph.degrees.map { $0 > 0 ? 1 / $0.squareRoot() : 0 }
            var out = graph.multiply(v.scalingRows(by: inverseRoot))
            for j in 0..<out.columns { for i in 0..<n { out[i, j] *= inverseRoot[i] } }
            return out
        case .laplacian:
            // D V - G V in place of G V: no n x k temporaries (each a first touch of fresh pages).
            var out = graph.multiply(v)
            let d = graph.degrees
            for j in 0..<out.columns { for i in 0..<n { out[i, j] = v[i, j] * d[i] - out[i, j] } }
            return out
        }
    }

    /// Not collective (`graph.maxDegree` is global). An upper bound of ||M||_2: ||G|| <= max row
    /// sum d_max (G >= 0, symmetric); ||A_n|| = 1; ||L|| <= ||D|| + ||G|| <= 2 d_max.
    public var normBound: Double {
        let maxDegree = graph.maxDegree
        switch kind {
        case .adjacency: return maxDegree
        case .normalizedAdjacency: return maxDegree > 0 ? 1 : 0
        case .laplacian: return 2 * maxDegree
        }
    }

    /// Collective. ||M v_j - values[j] v_j|| of each column, with the squares summed over ranks.
    /// One vector product per column into buffers reused from column to column, the residual summed
    /// as it is formed: the block form (`apply`, then the residual) allocated three n x k matrices,
    /// and at 300k rows cost almost four times its products (docs/benchmarks.md). Each entry is rounded as
    /// in `apply`, and each square summed in row order, so the values are those of the block form.
    public func residuals(values: [Double], vectors: DenseMatrix) -> [Double] {
        let n = graph.localRowCount, k = values.count
        precondition(vectors.rows == n && vectors.columns >= k, "\(vectors.rows) x \(vectors.columns) vectors for \(k) values")
        let inverseRoot = kind == .normalizedAdjacency ? graph.degrees.map { $0 > 0 ? 1 / $0.squareRoot() : 0 } : []
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: max(graph.block.columnCount, 1))
        let scaled = UnsafeMutablePointer<Double>.allocate(capacity: max(n, 1))
        let product = UnsafeMutablePointer<Double>.allocate(capacity: max(n, 1))
        defer {
            scratch.deallocate()
            scaled.deallocate()
            product.deallocate()
        }
        var squares = [Double](repeating: 0, count: k)
        vectors.storage.withUnsafeBufferPointer { storage in
            graph.degrees.withUnsafeBufferPointer { d in
                for j in 0..<k {
                    // Without rows (n = 0) the rank still takes part in the exchanges.
                    let x = storage.baseAddress.map { $0 + j * n } ?? UnsafePointer(scaled)
                    let lambda = values[j]
                    var sum = 0.0
                    switch kind {
                    case .adjacency:
                        graph.multiply(x, into: product, scratch: scratch)
                        for i in 0..<n {
                            let r = product[i] - lambda * x[i]
                            sum += r * r
                        }
                    case .normalizedAdjacency:
                        for i in 0..<n { scaled[i] = x[i] * inverseRoot[i] }
                        graph.multiply(scaled, into: product, scratch: scratch)
                        for i in 0..<n {
                            let r = product[i] * inverseRoot[i] - lambda * x[i]
                            sum += r * r
                        }
                    case .laplacian:
                        graph.multiply(x, into: product, scratch: scratch)
                        for i in 0..<n {
                            let r = (x[i] * d[i] - product[i]) - lambda * x[i]
                            sum += r * r
                        }
                    }
                    squares[j] = sum
                }
            }
        }
        graph.communicator.allreduceSum(&squares)
        return squares.map { $0.squareRoot() }
    }
}
