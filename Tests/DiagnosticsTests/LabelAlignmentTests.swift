import EigenpairTestSupport
import DenseAlgebra
import Foundation
import Testing
@testable import Diagnostics

@Suite(.mpiLock) struct LabelAlignmentTests {
    /// Labels with some unlabelled rows, every class present.
    static func labels(_ n: Int, classes c: Int, rng: inout SeededRNG) throws -> LabelMatrix {
        var cls = (0..<n).map { i in i < c ? i : rng.index(c) }
        for i in stride(from: c, to: n, by: 7) { cls[i] = -1 }
        return try LabelMatrix(classes: cls, classCount: c, communicator: single)
    }

    @Test func labelMatrixBasics() throws {
        let l = try LabelMatrix(classes: [0, 1, 1, -1, 2], communicator: single)
        #expect(l.classCount == 3)
        #expect(l.classCounts == [1, 2, 1])
        #expect(l.labelledRows == [0, 1, 2, 4])
        #expect(l.labelledCount == 4)
        let y = l.oneHot()
        #expect(y.rows == 5 && y.columns == 3)
        #expect(y.rowMajor == [1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1])
        #expect(throws: DiagnosticsError.self) { try LabelMatrix(classes: [0, 3], classCount: 2, communicator: single) }
        #expect(throws: DiagnosticsError.self) { try LabelMatrix(classes: [0, -2], communicator: single) }

        let byID = LabelMatrix(nodeIDs: [5, 9, 2, 7], labels: [9: "cat", 2: "ant", 7: "cat", 100: "zebra"], communicator: single)
        #expect(byID.classes == [-1, 1, 0, 1])
        #expect(byID.classNames == ["ant", "cat"])
    }

    @Test func energyIsOneAndAnglesZeroWhenZSpansHY() throws {
        var rng = SeededRNG(seed: 1)
        let n = 60, c = 4
        let labels = try Self.labels(n, classes: c, rng: &rng)
        // Z = Y R with R random invertible, plus junk in the unlabelled rows (excluded).
        var z = labels.oneHot() * rng.normalMatrix(rows: c, columns: c)
        for i in 0..<n where labels.classes[i] < 0 { for j in 0..<c { z[i, j] = 100 * rng.normal() } }
        let m = try LabelAlignment.measure(z, labels: labels)
        #expect(abs(m.capturedLabelEnergy! - 1) < 1e-12)
        #expect(m.principalAnglesDegrees.count == c - 1)
        #expect(m.principalAnglesDegrees.allSatisfy { $0 < 1e-5 })
        // Adding more directions keeps the energy at 1.
        var wider = DenseMatrix(rows: n, columns: c + 3)
        for j in 0..<c { wider.setColumn(j, z.column(j)) }
        let extra = rng.normalMatrix(rows: n, columns: 3)
        for j in 0..<3 { wider.setColumn(c + j, extra.column(j)) }
        #expect(abs(try LabelAlignment.capturedLabelEnergy(wider, labels: labels)! - 1) < 1e-12)
    }

    /// Projector on span(X) by normal equations (X (X^T X)^+ X^T through an eigen-decomposition of
    /// the Gram matrix): a different path from the TSQR bases the library uses.
    static func projector(_ x: DenseMatrix) throws -> DenseMatrix {
        let gram = try SymmetricEigen(x.transposeTimes(x))
        let top = gram.values.last ?? 0
        var p = DenseMatrix(rows: x.rows, columns: x.rows)
        for (j, v) in gram.values.enumerated() where v > 1e-12 * top {
            let u = x * DenseMatrix(rows: x.columns, columns: 1, columnMajor: Array(gram.vectors.column(j)))
            for b in 0..<x.rows { for a in 0..<x.rows { p[a, b] += u[a, 0] * u[b, 0] / v } }
        }
        return p
    }

    /// The best-aligned optimal subspace span(F) + (a `choose`-dim part of span(T)): against dense
    /// projectors (Ky Fan: the top eigenvalues of R^T P_M R, R the label residual off F, M the part
    /// of T off F), never beaten by random choices, and 1 when a part of T holds the labels.
    @Test func bestLabelEnergyOverATiedSpaceMatchesDenseKyFan() throws {
        var rng = SeededRNG(seed: 8)
        let n = 80, c = 4
        let labels = try Self.labels(n, classes: c, rng: &rng)
        let rows = labels.labelledRows
        let f = rng.normalMatrix(rows: n, columns: 2)
        var t = DenseMatrix(rows: n, columns: 6)
        let signal = labels.oneHot() * rng.normalMatrix(rows: c, columns: 2)
        let noise = rng.normalMatrix(rows: n, columns: 6)
        for j in 0..<6 { t.setColumn(j, (0..<n).map { i in noise[i, j] * 0.7 + (j < 2 ? signal[i, j] : 0) }) }
        for choose in [1, 2, 3] {
            let best = try #require(try LabelAlignment.bestLabelEnergy(fixed: f, tied: t, choose: choose, labels: labels))
            // Dense reference on the labelled rows, centred there.
            let hf = centreColumns(rowsOf(f, rows)), ht = centreColumns(rowsOf(t, rows))
            let hy = centreColumns(rowsOf(labels.oneHot(), rows))
            let pf = try Self.projector(hf)
            let offF = DenseMatrix.identity(rows.count) - pf
            let m = offF * ht, r = offF * hy
            let pm = try Self.projector(m)
            let ky = try SymmetricEigen(r.transposeTimes(pm * r)).values.sorted(by: >)
            let fy = pf * hy
            let total = hy.storage.reduce(0) { $0 + $1 * $1 }
            let dense = (fy.storage.reduce(0) { $0 + $1 * $1 } + ky.prefix(choose).reduce(0, +)) / total
            #expect(abs(best - dense) <= 1e-10, "choose \(choose): \(best) vs dense \(dense)")
            // No choose-dimensional part of span(T) does better.
            for _ in 0..<100 {
                let pick = t * rng.normalMatrix(rows: 6, columns: choose)
                var z = DenseMatrix(rows: n, columns: 2 + choose)
                for j in 0..<2 { z.setColumn(j, f.column(j)) }
                for j in 0..<choose { z.setColumn(2 + j, pick.column(j)) }
                #expect(try LabelAlignment.capturedLabelEnergy(z, labels: labels)! <= best + 1e-12)
            }
        }
        // T holds the whole label signal in 3 = c - 1 directions: the best 3 of them capture it all,
        // while the first 3 columns of a basis mixing noise in do not.
        var t2 = DenseMatrix(rows: n, columns: 5)
        let full = labels.oneHot() * rng.normalMatrix(rows: c, columns: 3), junk = rng.normalMatrix(rows: n, columns: 2)
        for j in 0..<3 { t2.setColumn(j + 2, full.column(j)) }
        for j in 0..<2 { t2.setColumn(j, junk.column(j)) }
        #expect(abs(try LabelAlignment.bestLabelEnergy(fixed: DenseMatrix(rows: n, columns: 0), tied: t2, choose: 3, labels: labels)! - 1) < 1e-10)
        #expect(try LabelAlignment.capturedLabelEnergy(t2.columns(0..<3), labels: labels)! < 0.9)
    }

    @Test func energyIsZeroAndAngles90WhenOrthogonal() throws {
        var rng = SeededRNG(seed: 2)
        let n = 50, c = 3, k = 4
        let labels = try Self.labels(n, classes: c, rng: &rng)
        let rows = labels.labelledRows
        // Random centred columns with span(H Y_l) projected out (Gram-Schmidt), on labelled rows.
        let hy = centreColumns(rowsOf(labels.oneHot(), rows))
        var basis: [[Double]] = []
        for j in 0..<c {
            var v = Array(hy.column(j))
            for b in basis { let d = zip(v, b).reduce(0) { $0 + $1.0 * $1.1 }; for i in v.indices { v[i] -= d * b[i] } }
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            if norm > 1e-10 { basis.append(v.map { $0 / norm }) }
        }
        #expect(basis.count == c - 1)
        var z = DenseMatrix(rows: n, columns: k)
        for j in 0..<k {
            var v = Array(centreColumns(rng.normalMatrix(rows: rows.count, columns: 1)).column(0))
            for b in basis { let d = zip(v, b).reduce(0) { $0 + $1.0 * $1.1 }; for i in v.indices { v[i] -= d * b[i] } }
            for (i, r) in rows.enumerated() { z[r, j] = v[i] }
        }
        let m = try LabelAlignment.measure(z, labels: labels)
        #expect(m.capturedLabelEnergy! < 1e-20)
        #expect(m.principalAnglesDegrees.count == c - 1)
        #expect(m.principalAnglesDegrees.allSatisfy { abs($0 - 90) < 1e-6 })
    }

    /// Independent value: P = Zc (Zc^T Zc)^-1 Zc^T on the centred labelled rows.
    static func projectorEnergy(_ z: DenseMatrix, _ labels: LabelMatrix) throws -> Double {
        let rows = labels.labelledRows
        let zc = centreColumns(rowsOf(z, rows))
        let yc = centreColumns(rowsOf(labels.oneHot(), rows))
        let gramInverse = try zc.transposeTimes(zc).solvingSPD(DenseMatrix.identity(zc.columns))
        let p = zc * gramInverse * zc.transposed
        return sumOfSquares(p * yc) / sumOfSquares(yc)
    }

    @Test func energyMatchesExplicitProjector() throws {
        var rng = SeededRNG(seed: 3)
        let n = 40, c = 4, k = 3
        let labels = try Self.labels(n, classes: c, rng: &rng)
        // Mix of label signal and noise, so the energy is strictly between 0 and 1.
        let z = labels.oneHot() * rng.normalMatrix(rows: c, columns: k) + 0.8 * rng.normalMatrix(rows: n, columns: k)
        let expected = try Self.projectorEnergy(z, labels)
        let got = try LabelAlignment.capturedLabelEnergy(z, labels: labels)!
        #expect(expected > 0.05 && expected < 0.95)
        #expect(abs(got - expected) < 1e-12)

        // Rank deficiency: a repeated (scaled) column and a zero column change nothing.
        var deficient = DenseMatrix(rows: n, columns: k + 2)
        for j in 0..<k { deficient.setColumn(j, z.column(j)) }
        deficient.setColumn(k, z.column(0).map { -2.5 * $0 })
        let energy2 = try LabelAlignment.capturedLabelEnergy(deficient, labels: labels)!
        #expect(abs(energy2 - expected) < 1e-12)
    }

    @Test func undefinedWithOneClassAndShapeChecked() throws {
        let labels = try LabelMatrix(classes: [0, 0, -1, 0], classCount: 2, communicator: single)
        var rng = SeededRNG(seed: 4)
        #expect(try LabelAlignment.capturedLabelEnergy(rng.normalMatrix(rows: 4, columns: 2), labels: labels) == nil)
        #expect(throws: DiagnosticsError.self) { try LabelAlignment.measure(rng.normalMatrix(rows: 3, columns: 2), labels: labels) }
    }

    @Test func labelReportEncodesSnakeCase() throws {
        var rng = SeededRNG(seed: 5)
        let n = 80, c = 3
        let labels = try Self.labels(n, classes: c, rng: &rng)
        let z = labels.oneHot() * rng.normalMatrix(rows: c, columns: 2) + 0.1 * rng.normalMatrix(rows: n, columns: 2)
        let report = try LabelReport(embedding: z, labels: labels, nodeIDs: (0..<UInt64(n)).map { $0 })
        #expect(report.labelled == labels.labelledCount)
        #expect(report.numericalRank == 2)
        let data = try JSONEncoder().encode(report)
        let json = try #require(try reportObject(report))
        #expect(Set(json.keys) == ["labelled", "classes", "captured_label_energy", "principal_angles_deg", "probe", "numerical_rank"])
        let probe = try #require(json["probe"] as? [String: Any])
        #expect(Set(probe.keys) == ["train", "test", "accuracy", "train_accuracy", "ridge_alpha"])
        #expect(try JSONDecoder().decode(LabelReport.self, from: data) == report)
    }
}
