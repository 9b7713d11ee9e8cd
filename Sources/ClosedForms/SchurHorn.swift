import DenseAlgebra

/// An orthogonal R with diag(R^T diag(a) R) = (1, ..., 1), for a >= 0 with sum(a) = count(a)
/// (it exists by Schur-Horn). Built deterministically from Givens rotations: each rotation mixes the
/// lowest-index entry above 1 with the lowest-index entry below 1 so that the first becomes exactly
/// 1; the two never meet again, so at most K - 1 rotations are needed and the rotated block stays
/// diagonal on the entries not yet fixed.
public enum SchurHorn {
    public static func unitDiagonalRotation(_ a: [Double], tolerance: Double = 1e-13) -> DenseMatrix {
        let k = a.count
        var diag = a
        var fixed = [Bool](repeating: false, count: k)
        var r = DenseMatrix.identity(k)
        while true {
            guard let i = (0..<k).first(where: { !fixed[$0] && diag[$0] > 1 + tolerance }),
                  let j = (0..<k).first(where: { !fixed[$0] && diag[$0] < 1 - tolerance }) else { break }
            let c2 = (1 - diag[j]) / (diag[i] - diag[j])
            let c = c2.squareRoot(), s = (1 - c2).squareRoot()
            // Columns i, j of R <- [c r_i + s r_j, -s r_i + c r_j].
            for row in 0..<k {
                let ri = r[row, i], rj = r[row, j]
                r[row, i] = c * ri + s * rj
                r[row, j] = -s * ri + c * rj
            }
            diag[j] = diag[i] + diag[j] - 1
            diag[i] = 1
            fixed[i] = true
        }
        return r
    }
}
