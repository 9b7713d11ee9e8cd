import CLAPACKE
import Foundation

/// Errors from dense LAPACK kernels.
public enum DenseAlgebraError: Error, CustomStringConvertible, Sendable, Codable {
    case lapack(String, Int32)

    public var description: String {
        switch self {
        case .lapack(let routine, let info): return "LAPACK \(routine) failed (info = \(info))"
        }
    }
}

/// Eigen-decomposition of a dense symmetric matrix, ascending eigenvalues (LAPACK dsyevd).
public struct SymmetricEigen: Sendable {
    public var values: [Double]
    /// Column j is the eigenvector of values[j].
    public var vectors: DenseMatrix

    /// Uses only the lower triangle of `matrix`.
    public init(_ matrix: DenseMatrix, vectors wantVectors: Bool = true) throws(DenseAlgebraError) {
        precondition(matrix.rows == matrix.columns, "matrix must be square")
        let n = matrix.rows
        var a = matrix.storage
        var w = [Double](repeating: 0, count: n)
        if n > 0 {
            let info = LAPACKE_dsyevd(LAPACK_COL_MAJOR, Int8(UInt8(ascii: wantVectors ? "V" : "N")),
                                      Int8(UInt8(ascii: "L")), Int32(n), &a, Int32(n), &w)
            if info != 0 { throw DenseAlgebraError.lapack("dsyevd", info) }
        }
        values = w
        vectors = wantVectors ? DenseMatrix(rows: n, columns: n, columnMajor: a) : DenseMatrix(rows: n, columns: 0)
    }
}

/// Singular values (descending) and, optionally, the thin factors, by LAPACK dgesdd.
public struct SingularValues: Sendable {
    public var values: [Double]
    public var left: DenseMatrix
    public var rightTransposed: DenseMatrix

    public init(_ matrix: DenseMatrix, vectors: Bool = false) throws {
        let m = matrix.rows, n = matrix.columns, k = min(m, n)
        var a = matrix.storage
        var s = [Double](repeating: 0, count: k)
        var u = [Double](repeating: 0, count: vectors ? m * k : 1)
        var vt = [Double](repeating: 0, count: vectors ? k * n : 1)
        if k > 0 {
            let info = LAPACKE_dgesdd(LAPACK_COL_MAJOR, Int8(UInt8(ascii: vectors ? "S" : "N")), Int32(m), Int32(n),
                                      &a, Int32(max(m, 1)), &s, &u, Int32(max(m, 1)), &vt, Int32(max(k, 1)))
            if info != 0 { throw DenseAlgebraError.lapack("dgesdd", info) }
        }
        values = s
        left = vectors ? DenseMatrix(rows: m, columns: k, columnMajor: u) : DenseMatrix(rows: m, columns: 0)
        rightTransposed = vectors ? DenseMatrix(rows: k, columns: n, columnMajor: vt) : DenseMatrix(rows: 0, columns: n)
    }
}

extension DenseMatrix {
    /// An orthonormal basis of the column span (thin SVD, dropping singular values below
    /// `relativeTolerance` times the largest).
    public func orthonormalBasis(relativeTolerance: Double = 1e-10) throws -> DenseMatrix {
        let svd = try SingularValues(self, vectors: true)
        guard let top = svd.values.first, top > 0 else { return DenseMatrix(rows: rows, columns: 0) }
        let r = svd.values.filter { $0 > relativeTolerance * top }.count
        return svd.left.columns(0..<r)
    }

    /// Numerical rank: singular values above `relativeTolerance` times the largest.
    public func numericalRank(relativeTolerance: Double = 1e-9) throws -> Int {
        let s = try SingularValues(self).values
        guard let top = s.first, top > 0 else { return 0 }
        return s.filter { $0 > relativeTolerance * top }.count
    }

    /// Solves (self) X = rhs for symmetric positive definite self (LAPACK dposv).
    public func solvingSPD(_ rhs: DenseMatrix) throws -> DenseMatrix {
        precondition(rows == columns && rhs.rows == rows)
        var a = storage
        var b = rhs.storage
        let info = LAPACKE_dposv(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "L")), Int32(rows), Int32(rhs.columns),
                                 &a, Int32(max(rows, 1)), &b, Int32(max(rows, 1)))
        if info != 0 { throw DenseAlgebraError.lapack("dposv", info) }
        return DenseMatrix(rows: rhs.rows, columns: rhs.columns, columnMajor: b)
    }
}

/// Principal angles (degrees, ascending) between the column spans of two matrices.
public func principalAngles(_ a: DenseMatrix, _ b: DenseMatrix) throws -> [Double] {
    let qa = try a.orthonormalBasis()
    let qb = try b.orthonormalBasis()
    if qa.columns == 0 || qb.columns == 0 { return [] }
    let cosines = try SingularValues(qa.transposeTimes(qb)).values
    return cosines.map { acos(Swift.min(1, Swift.max(-1, $0))) * 180 / Double.pi }
}
