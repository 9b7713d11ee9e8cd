import PairGraph

/// One relation operator (G, A_n, or sigma I - L) restricted to one connected component, with the
/// component's known eigenvector projected out of every input and output (MATH.md section 1):
/// Lanczos then never spends Krylov directions on it.
final class ComponentOperator: LinearOperator {
    let localDimension: Int
    private let matrix: CholmodMatrix
    /// Rows of the component in the full graph when products go through the full matrix.
    private let gatherRows: [Int32]?
    private let fullDimension: Int
    /// d^{-1/2} on the component (A_n), else nil.
    private let scale: [Double]?
    /// sigma - d_i on the component (sigma I - L), else nil.
    private let diagonal: [Double]?
    private let deflation: Deflation
    private let bufferIn: UnsafeMutablePointer<Double>
    private let bufferOut: UnsafeMutablePointer<Double>
    private let projected: UnsafeMutablePointer<Double>

    init(graph: SparseGraph, rows: [Int32], kind: RelationOperatorKind, shift: Double, deflation: Deflation) {
        localDimension = rows.count
        fullDimension = graph.nodeCount
        let componentNonzeros = rows.reduce(0) { $0 + graph.neighbours(of: Int($1)).columns.count }
        if rows.count == graph.nodeCount {
            matrix = graph.matrix
            gatherRows = nil
        } else if 2 * componentNonzeros > graph.matrix.nonzeros {
            // The component holds most of G: a copy would cost more memory than the full-length
            // scratch vectors that gathering needs.
            matrix = graph.matrix
            gatherRows = rows
        } else {
            matrix = graph.matrix.submatrix(rows)
            gatherRows = nil
        }
        let d = rows.map { graph.degrees[Int($0)] }
        switch kind {
        case .adjacency:
            scale = nil
            diagonal = nil
        case .normalizedAdjacency:
            scale = d.map { $0 > 0 ? 1 / $0.squareRoot() : 0 }
            diagonal = nil
        case .laplacian:
            scale = nil
            diagonal = d.map { shift - $0 }
        }
        self.deflation = deflation
        let bufferLength = gatherRows == nil ? rows.count : fullDimension
        bufferIn = .allocate(capacity: max(bufferLength, 1))
        bufferOut = .allocate(capacity: max(bufferLength, 1))
        bufferIn.initialize(repeating: 0, count: max(bufferLength, 1))
        bufferOut.initialize(repeating: 0, count: max(bufferLength, 1))
        projected = .allocate(capacity: max(rows.count, 1))
    }

    deinit {
        bufferIn.deallocate()
        bufferOut.deallocate()
        projected.deallocate()
    }

    func apply(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>) {
        let n = localDimension
        for i in 0..<n { projected[i] = x[i] }
        deflation.project(projected)
        if let rows = gatherRows {
            for i in 0..<n { bufferIn[Int(rows[i])] = scale.map { projected[i] * $0[i] } ?? projected[i] }
            matrix.multiplyTransposed(bufferIn, into: bufferOut)
            for i in 0..<n { y[i] = bufferOut[Int(rows[i])] }
        } else {
            if let scale {
                for i in 0..<n { bufferIn[i] = projected[i] * scale[i] }
                matrix.multiplyTransposed(bufferIn, into: y)
            } else {
                matrix.multiplyTransposed(projected, into: y)
            }
        }
        if let scale { for i in 0..<n { y[i] *= scale[i] } }
        if let diagonal { for i in 0..<n { y[i] += diagonal[i] * projected[i] } }
        deflation.project(y)
    }
}
