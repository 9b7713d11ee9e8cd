import DenseAlgebra

extension DistributedGraph {
    /// Columns per block product in `multiply(_:)`: wider blocks are done in chunks of this many,
    /// one halo exchange each, so the interleaved copies stay at 8 x 16 bytes per local column
    /// whatever k (4 and 8 were slower in the micro-benchmark: docs/hardware-limit.md).
    public static let blockProductWidth = 16

    /// Whether `multiply(_:)` multiplies blocks by default: no, at any rank count. On one rank the
    /// 16 vector products were faster than the block kernel, whose 128-byte rows of x miss the cache
    /// where a vector stays in it; at P = 2 too, on every graph measured, although one exchange then
    /// replaces 16 (the certification's block product 2.4-3.5x slower: docs/hardware-limit.md,
    /// "Block products"). `blocked: true` still asks for them. Both give the same bits.
    public static let blocksByDefault = false

    /// Collective: G V on the owned rows, V given by its owned rows (`localRowCount` x k,
    /// column-major). `blocked` (default `blocksByDefault`, the same on every rank): as block
    /// products (`multiply(block:width:into:scratch:)`) of up to `blockProductWidth` columns,
    /// interleaved here and back so callers keep column-major blocks; otherwise one vector product
    /// per column. Column j is the vector product of column j bit for bit either way. A rank
    /// without rows still takes part in the exchanges; every rank passes the same k.
    public func multiply(_ v: DenseMatrix, blocked: Bool? = nil) -> DenseMatrix {
        let n = localRowCount, k = v.columns
        precondition(v.rows == n, "\(v.rows) rows given for a block of \(n)")
        var out = DenseMatrix(rows: n, columns: k)
        guard k > 0 else { return out }
        let width = blocked ?? Self.blocksByDefault ? min(k, Self.blockProductWidth) : 1
        let extended = UnsafeMutablePointer<Double>.allocate(capacity: max(block.columnCount * width, 1))
        let product = UnsafeMutablePointer<Double>.allocate(capacity: max(n * width, 1))
        defer {
            extended.deallocate()
            product.deallocate()
        }
        v.storage.withUnsafeBufferPointer { x in
            out.storage.withUnsafeMutableBufferPointer { y in
                // Without rows (n = 0) nothing is read or written through these.
                let xBase = x.baseAddress ?? UnsafePointer(product), yBase = y.baseAddress ?? product
                for first in stride(from: 0, to: k, by: width) {
                    let w = min(width, k - first)
                    if w == 1 {
                        extended.update(from: xBase + first * n, count: n)
                        multiply(extendedBlock: extended, width: 1, into: yBase + first * n)
                        continue
                    }
                    // The chunk interleaved straight into the owned rows of the exchange's vector.
                    // Row by row: w sequential streams on the column-major side, contiguous on the
                    // interleaved side (column by column, every store would miss its cache line).
                    for i in 0..<n { for j in 0..<w { extended[i * w + j] = xBase[(first + j) * n + i] } }
                    multiply(extendedBlock: extended, width: w, into: product)
                    for i in 0..<n { for j in 0..<w { yBase[(first + j) * n + i] = product[i * w + j] } }
                }
            }
        }
        return out
    }
}
