import DenseAlgebra

extension DistributedGraph {
    /// Columns per block product in `multiply(_:)`: wider blocks are done in chunks of this many,
    /// one halo exchange each, so the interleaved copies stay at 8 x 16 bytes per local column
    /// (about L3-sized for R-MAT 18's largest component on one rank) whatever k.
    public static let blockProductWidth = 16

    /// Collective: G V on the owned rows, V given by its owned rows (`localRowCount` x k,
    /// column-major), as block products (`multiply(block:width:into:scratch:)`) of up to
    /// `blockProductWidth` columns: the columns are interleaved here and back, so callers keep
    /// their column-major blocks. Column j is the vector product of column j bit for bit. A rank
    /// without rows still takes part in the exchanges; every rank passes the same k.
    public func multiply(_ v: DenseMatrix) -> DenseMatrix {
        let n = localRowCount, k = v.columns
        precondition(v.rows == n, "\(v.rows) rows given for a block of \(n)")
        var out = DenseMatrix(rows: n, columns: k)
        let width = min(k, Self.blockProductWidth)
        guard width > 0 else { return out }
        let extended = UnsafeMutablePointer<Double>.allocate(capacity: max(block.columnCount * width, 1))
        let product = UnsafeMutablePointer<Double>.allocate(capacity: max(n * width, 1))
        defer {
            extended.deallocate()
            product.deallocate()
        }
        v.storage.withUnsafeBufferPointer { x in
            out.storage.withUnsafeMutableBufferPointer { y in
                for first in stride(from: 0, to: k, by: width) {
                    let w = min(width, k - first)
                    // The chunk interleaved straight into the owned rows of the exchange's vector.
                    for j in 0..<w { for i in 0..<n { extended[i * w + j] = x[(first + j) * n + i] } }
                    multiply(extendedBlock: extended, width: w, into: product)
                    for j in 0..<w { for i in 0..<n { y[(first + j) * n + i] = product[i * w + j] } }
                }
            }
        }
        return out
    }
}
