import CLAPACKE

/// A dense matrix stored column-major (the layout LAPACK, CHOLMOD and ARPACK use), so that
/// eigenvectors are contiguous columns. `.npy` output converts to C order at write time.
public struct DenseMatrix: Equatable, Sendable {
    public var rows: Int
    public var columns: Int
    public var storage: [Double]

    public init(rows: Int, columns: Int, repeating value: Double = 0) {
        self.rows = rows
        self.columns = columns
        storage = [Double](repeating: value, count: rows * columns)
    }

    public init(rows: Int, columns: Int, columnMajor: [Double]) {
        precondition(columnMajor.count == rows * columns, "storage size mismatch")
        self.rows = rows
        self.columns = columns
        storage = columnMajor
    }

    public init(rows: Int, columns: Int, rowMajor: [Double]) {
        precondition(rowMajor.count == rows * columns, "storage size mismatch")
        self.rows = rows
        self.columns = columns
        storage = [Double](repeating: 0, count: rows * columns)
        for i in 0..<rows { for j in 0..<columns { storage[j * rows + i] = rowMajor[i * columns + j] } }
    }

    public static func identity(_ n: Int) -> DenseMatrix {
        var m = DenseMatrix(rows: n, columns: n)
        for i in 0..<n { m[i, i] = 1 }
        return m
    }

    @inline(__always)
    public subscript(i: Int, j: Int) -> Double {
        get { storage[j * rows + i] }
        set { storage[j * rows + i] = newValue }
    }

    public func column(_ j: Int) -> ArraySlice<Double> {
        storage[(j * rows)..<((j + 1) * rows)]
    }

    public mutating func setColumn(_ j: Int, _ values: some Collection<Double>) {
        precondition(values.count == rows)
        var i = j * rows
        for v in values { storage[i] = v; i += 1 }
    }

    /// C-order (row-major) copy, as NumPy expects.
    public var rowMajor: [Double] {
        var out = [Double](repeating: 0, count: rows * columns)
        for j in 0..<columns { for i in 0..<rows { out[i * columns + j] = storage[j * rows + i] } }
        return out
    }

    public var transposed: DenseMatrix {
        DenseMatrix(rows: columns, columns: rows, rowMajor: storage)
    }

    public var frobeniusNorm: Double {
        storage.reduce(0) { $0 + $1 * $1 }.squareRoot()
    }

    /// Columns `range` as a new matrix.
    public func columns(_ range: Range<Int>) -> DenseMatrix {
        DenseMatrix(rows: rows, columns: range.count,
                    columnMajor: Array(storage[(range.lowerBound * rows)..<(range.upperBound * rows)]))
    }

    /// self^T * other (columns x other.columns), by BLAS dgemm.
    public func transposeTimes(_ other: DenseMatrix) -> DenseMatrix {
        precondition(rows == other.rows)
        var out = DenseMatrix(rows: columns, columns: other.columns)
        if rows == 0 || columns == 0 || other.columns == 0 { return out }
        storage.withUnsafeBufferPointer { a in
            other.storage.withUnsafeBufferPointer { b in
                out.storage.withUnsafeMutableBufferPointer { c in
                    cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, Int32(columns), Int32(other.columns),
                                Int32(rows), 1, a.baseAddress, Int32(rows), b.baseAddress, Int32(rows),
                                0, c.baseAddress, Int32(columns))
                }
            }
        }
        return out
    }

    /// self * other, by BLAS dgemm.
    public static func * (lhs: DenseMatrix, rhs: DenseMatrix) -> DenseMatrix {
        precondition(lhs.columns == rhs.rows)
        var out = DenseMatrix(rows: lhs.rows, columns: rhs.columns)
        if lhs.rows == 0 || rhs.columns == 0 || lhs.columns == 0 { return out }
        lhs.storage.withUnsafeBufferPointer { a in
            rhs.storage.withUnsafeBufferPointer { b in
                out.storage.withUnsafeMutableBufferPointer { c in
                    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, Int32(lhs.rows), Int32(rhs.columns),
                                Int32(lhs.columns), 1, a.baseAddress, Int32(lhs.rows), b.baseAddress,
                                Int32(rhs.rows), 0, c.baseAddress, Int32(lhs.rows))
                }
            }
        }
        return out
    }

    public static func + (lhs: DenseMatrix, rhs: DenseMatrix) -> DenseMatrix {
        precondition(lhs.rows == rhs.rows && lhs.columns == rhs.columns)
        var out = lhs
        for i in 0..<out.storage.count { out.storage[i] += rhs.storage[i] }
        return out
    }

    public static func - (lhs: DenseMatrix, rhs: DenseMatrix) -> DenseMatrix {
        precondition(lhs.rows == rhs.rows && lhs.columns == rhs.columns)
        var out = lhs
        for i in 0..<out.storage.count { out.storage[i] -= rhs.storage[i] }
        return out
    }

    public static func * (lhs: Double, rhs: DenseMatrix) -> DenseMatrix {
        var out = rhs
        for i in 0..<out.storage.count { out.storage[i] *= lhs }
        return out
    }

    /// Multiplies column j by factors[j].
    public func scalingColumns(by factors: [Double]) -> DenseMatrix {
        precondition(factors.count == columns)
        return scalingEntries { _, j in factors[j] }
    }

    /// Multiplies row i by factors[i].
    public func scalingRows(by factors: [Double]) -> DenseMatrix {
        precondition(factors.count == rows)
        return scalingEntries { i, _ in factors[i] }
    }

    /// Entry (i, j) times factor(i, j), in storage order.
    @inline(__always)
    private func scalingEntries(_ factor: (_ row: Int, _ column: Int) -> Double) -> DenseMatrix {
        var out = self
        for j in 0..<columns {
            for i in 0..<rows { out.storage[j * rows + i] *= factor(i, j) }
        }
        return out
    }

    /// Subtracts each column's mean: H * self, with H = I - 11^T/n.
    public var centered: DenseMatrix {
        var out = self
        guard rows > 0 else { return out }
        for j in 0..<columns {
            var s = 0.0
            for i in 0..<rows { s += storage[j * rows + i] }
            let mean = s / Double(rows)
            for i in 0..<rows { out.storage[j * rows + i] -= mean }
        }
        return out
    }

    public var trace: Double {
        var t = 0.0
        for i in 0..<min(rows, columns) { t += self[i, i] }
        return t
    }
}
