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
    /// (`graph.localRowCount` x k, column-major): G V by `DistributedGraph.multiply(_:)` (one vector
    /// product per column by default), then `finish` column by column in place.
    public func apply(_ v: DenseMatrix) -> DenseMatrix {
        let n = graph.localRowCount
        precondition(v.rows == n, "\(v.rows) rows given for a block of \(n)")
        let inverseRoot = kind == .normalizedAdjacency ? Self.inverseRoots(graph.degrees) : []
        var out = graph.multiply(kind == .normalizedAdjacency ? v.scalingRows(by: inverseRoot) : v)
        finish(v, product: &out, inverseRoot: inverseRoot)
        return out
    }

    /// Not collective. L V = D V - G V from G V on this rank's rows (`kind` must be `.laplacian`):
    /// for a caller that already holds G V.
    public func laplacian(_ v: DenseMatrix, adjacencyProduct gv: DenseMatrix) -> DenseMatrix {
        precondition(kind == .laplacian, "laplacian(_:adjacencyProduct:) on \(kind)")
        precondition(v.rows == gv.rows && v.columns == gv.columns, "V and G V must have the same shape")
        var out = gv
        finish(v, product: &out, inverseRoot: [])
        return out
    }

    /// d^{-1/2} of each degree (0 for an isolated row).
    private static func inverseRoots(_ degrees: [Double]) -> [Double] { degrees.map { $0 > 0 ? 1 / $0.squareRoot() : 0 } }

    /// Not collective. The products of G (with the columns of V scaled by d^{-1/2} first, for A_n)
    /// made into M V in place: A_n's d^{-1/2} G d^{-1/2} v, L's (v d) - G v. The one place each
    /// operator's algebra is written; `apply` and `residuals` both end here.
    private func finish(_ v: DenseMatrix, product out: inout DenseMatrix, inverseRoot: [Double]) {
        v.storage.withUnsafeBufferPointer { x in
            out.storage.withUnsafeMutableBufferPointer { y in
                guard let xb = x.baseAddress, let yb = y.baseAddress else { return }
                for j in 0..<v.columns {
                    finish(xb + j * v.rows, product: yb + j * v.rows, rows: v.rows, inverseRoot: inverseRoot)
                }
            }
        }
    }

    /// One column of `finish(_:product:inverseRoot:)`.
    private func finish(_ x: UnsafePointer<Double>, product y: UnsafeMutablePointer<Double>, rows n: Int,
                        inverseRoot: [Double]) {
        switch kind {
        case .adjacency:
            return
        case .normalizedAdjacency:
            for i in 0..<n { y[i] *= inverseRoot[i] }
        case .laplacian:
            graph.degrees.withUnsafeBufferPointer { d in
                for i in 0..<n { y[i] = x[i] * d[i] - y[i] }
            }
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
        let inverseRoot = kind == .normalizedAdjacency ? Self.inverseRoots(graph.degrees) : []
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
            for j in 0..<k {
                // Without rows (n = 0) the rank still takes part in the exchanges.
                let x = storage.baseAddress.map { $0 + j * n } ?? UnsafePointer(scaled)
                if kind == .normalizedAdjacency {
                    for i in 0..<n { scaled[i] = x[i] * inverseRoot[i] }
                    graph.multiply(scaled, into: product, scratch: scratch)
                } else {
                    graph.multiply(x, into: product, scratch: scratch)
                }
                finish(x, product: product, rows: n, inverseRoot: inverseRoot)
                var sum = 0.0
                for i in 0..<n {
                    let r = product[i] - values[j] * x[i]
                    sum += r * r
                }
                squares[j] = sum
            }
        }
        graph.communicator.allreduceSum(&squares)
        return squares.map { $0.squareRoot() }
    }
}
