import DenseAlgebra
import Diagnostics
import EigenpairTestSupport
import Foundation
import Testing

@Suite(.serialized) struct SubspaceAnglesTests {
    /// Principal angles between span(A) and span(B) against the textbook reference: orthonormal
    /// bases by Gram-Schmidt here, then the singular values of Q_A^T Q_B (LAPACK) are the cosines.
    /// B shares one direction with A (angle 0); the other directions are generic.
    @Test func anglesMatchTheSingularValuesOfQaTransposeQb() throws {
        try withSolverLock {
            var rng = SeededRNG(seed: 11)
            let n = 40
            let a = rng.normalMatrix(rows: n, columns: 3)
            var b = rng.normalMatrix(rows: n, columns: 4)
            for i in 0..<n { b[i, 0] = a[i, 1] - 0.5 * a[i, 2] }
            let world = testMPI.world
            let qa = try SubspaceAngles.basis(a, communicator: world)
            let qb = try SubspaceAngles.basis(b, communicator: world)
            #expect(qa.columns == 3 && qb.columns == 4)
            let angles = try SubspaceAngles.anglesDegrees(qa, qb, communicator: world)

            let cosines = try SingularValues(Self.gramSchmidt(a).transposeTimes(Self.gramSchmidt(b))).values
            let reference = cosines.map { acos(min(1, $0)) * 180 / Double.pi }.sorted()
            #expect(angles.count == 3)
            #expect(abs(angles[0]) <= 1e-6, "shared direction: \(angles[0]) degrees")
            for (got, want) in zip(angles, reference).dropFirst() {
                #expect(abs(got - want) <= 1e-8, "\(got) vs \(want) degrees")
            }
        }
    }

    /// Modified Gram-Schmidt, twice (columns assumed independent).
    static func gramSchmidt(_ m: DenseMatrix) -> DenseMatrix {
        var q = m
        for _ in 0..<2 {
            for j in 0..<q.columns {
                for p in 0..<j {
                    let r = (0..<q.rows).reduce(0) { $0 + q[$1, p] * q[$1, j] }
                    for i in 0..<q.rows { q[i, j] -= r * q[i, p] }
                }
                let norm = (0..<q.rows).reduce(0) { $0 + q[$1, j] * q[$1, j] }.squareRoot()
                for i in 0..<q.rows { q[i, j] /= norm }
            }
        }
        return q
    }
}
