import CCHOLMOD

/// A real sparse matrix held by CHOLMOD (compressed columns, 32-bit indices). For the symmetric
/// relation matrix the columns are also the rows, so column j lists the neighbours of node j.
/// This type is the one place that allocates and frees the C buffers.
public final class CholmodMatrix: @unchecked Sendable {
    private let common: UnsafeMutablePointer<cholmod_common>
    private var sparse: UnsafeMutablePointer<cholmod_sparse>?

    /// An uninitialised `rows x columns` matrix with room for `nonzeros` entries.
    public init(rows: Int, columns: Int, nonzeros: Int) {
        common = UnsafeMutablePointer<cholmod_common>.allocate(capacity: 1)
        cholmod_start(common)
        common.pointee.print = 0
        sparse = cholmod_allocate_sparse(rows, columns, max(nonzeros, 1), 1, 1, 0, CHOLMOD_REAL, common)
        precondition(sparse != nil, "CHOLMOD could not allocate a \(rows)x\(columns) matrix with \(nonzeros) entries")
    }

    private init(common: UnsafeMutablePointer<cholmod_common>, sparse: UnsafeMutablePointer<cholmod_sparse>) {
        self.common = common
        self.sparse = sparse
    }

    deinit {
        cholmod_free_sparse(&sparse, common)
        cholmod_finish(common)
        common.deallocate()
    }

    public var rows: Int { sparse!.pointee.nrow }
    public var columns: Int { sparse!.pointee.ncol }
    public var nonzeros: Int { Int(columnPointers[columns]) }

    public var columnPointers: UnsafeMutablePointer<Int32> {
        sparse!.pointee.p.assumingMemoryBound(to: Int32.self)
    }

    public var rowIndices: UnsafeMutablePointer<Int32> {
        sparse!.pointee.i.assumingMemoryBound(to: Int32.self)
    }

    public var values: UnsafeMutablePointer<Double> {
        sparse!.pointee.x.assumingMemoryBound(to: Double.self)
    }

    /// Bytes of the index and value arrays (what the memory budget is stated against).
    public var storageBytes: Int { (columns + 1) * 4 + nonzeros * 12 }

    /// y = A^T x for `count` right-hand sides stored column-major (leading dimensions `rows` for
    /// x and `columns` for y). For the symmetric relation matrix A^T = A; the transposed product
    /// is the gather form (one dot product per column), the faster one for compressed columns.
    public func multiplyTransposed(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>, count: Int = 1) {
        var xd = cholmod_dense(nrow: rows, ncol: count, nzmax: rows * count, d: rows,
                               x: UnsafeMutableRawPointer(mutating: x), z: nil,
                               xtype: CHOLMOD_REAL, dtype: CHOLMOD_DOUBLE)
        var yd = cholmod_dense(nrow: columns, ncol: count, nzmax: columns * count, d: columns,
                               x: UnsafeMutableRawPointer(y), z: nil, xtype: CHOLMOD_REAL, dtype: CHOLMOD_DOUBLE)
        var alpha = [1.0, 0.0]
        var beta = [0.0, 0.0]
        let ok = cholmod_sdmult(sparse, 1, &alpha, &beta, &xd, &yd, common)
        precondition(ok != 0, "cholmod_sdmult failed (status \(common.pointee.status))")
    }

    /// The square submatrix on `indices` (sorted, 0-based), built by CHOLMOD.
    public func submatrix(_ indices: [Int32]) -> CholmodMatrix {
        var idx = indices
        let sub = idx.withUnsafeMutableBufferPointer { buf in
            cholmod_submatrix(sparse, buf.baseAddress, Int(buf.count), buf.baseAddress, Int(buf.count), 1, 1, common)
        }
        precondition(sub != nil, "cholmod_submatrix failed (status \(common.pointee.status))")
        let c = UnsafeMutablePointer<cholmod_common>.allocate(capacity: 1)
        cholmod_start(c)
        c.pointee.print = 0
        // The submatrix was allocated under `common`; CHOLMOD's allocator is plain malloc, so freeing it
        // under its own common later is safe. Copy the accounting so CHOLMOD's counters stay consistent.
        return CholmodMatrix(common: c, sparse: sub!)
    }
}
