import EigenpairTestSupport
import DenseAlgebra
import PairGraph
import Testing
@testable import Diagnostics

@Suite(.mpiLock) struct LinearProbeTests {
    /// Gaussian clusters around 10 e_c (plus extra noise dimensions), class of row i drawn at random.
    static func clusters(n: Int, classes c: Int, dims k: Int, spread: Double, seed: UInt64)
        -> (z: DenseMatrix, labels: [Int], ids: [UInt64]) {
        var rng = SeededRNG(seed: seed)
        var z = DenseMatrix(rows: n, columns: k)
        var labels = [Int]()
        for i in 0..<n {
            let cls = rng.index(c)
            labels.append(cls)
            for j in 0..<k { z[i, j] = (j == cls ? 10 : 0) + spread * rng.normal() }
        }
        let ids = (0..<n).map { UInt64(1000 + 7 * $0) }
        return (z, labels, ids)
    }

    @Test func splitHashIsSplitMix64() {
        for id: UInt64 in [0, 1, 2, 42, 1 << 40, UInt64.max] {
            var g = SplitMix64(seed: id)
            #expect(LinearProbe.splitHash(id) == g.next())
            #expect(LinearProbe.isTest(nodeID: id) == (LinearProbe.splitHash(id) % 5 == 0))
        }
        let tests = (0..<UInt64(10000)).filter { LinearProbe.isTest(nodeID: $0) }.count
        #expect(tests > 1800 && tests < 2200)
    }

    @Test func separableClustersAreClassifiedPerfectly() throws {
        let (z, cls, ids) = Self.clusters(n: 600, classes: 3, dims: 4, spread: 0.5, seed: 11)
        let labels = try LabelMatrix(classes: cls, classCount: 3, communicator: single)
        let r = try LinearProbe.evaluate(features: z, labels: labels, nodeIDs: ids)
        #expect(r.train + r.test == 600)
        #expect(r.test == ids.filter { LinearProbe.isTest(nodeID: $0) }.count)
        #expect(r.test > 80 && r.test < 160)
        #expect(r.accuracy == 1.0)
        #expect(r.trainAccuracy == 1.0)
        #expect(r.ridgeAlpha! > 0)
    }

    @Test func noiseLabelsGiveChanceAccuracy() throws {
        var rng = SeededRNG(seed: 12)
        let n = 4000, c = 4
        let z = rng.normalMatrix(rows: n, columns: 5)
        let labels = try LabelMatrix(classes: (0..<n).map { _ in rng.index(c) }, classCount: c, communicator: single)
        let r = try LinearProbe.evaluate(features: z, labels: labels, nodeIDs: (0..<UInt64(n)).map { $0 * 3 + 1 })
        let acc = try #require(r.accuracy)
        #expect(abs(acc - 1.0 / Double(c)) < 0.07, "accuracy \(acc)")
    }

    @Test func splitAndAccuracyIndependentOfRowOrder() throws {
        var (z, cls, ids) = Self.clusters(n: 500, classes: 3, dims: 3, spread: 6, seed: 13)
        for i in stride(from: 0, to: 500, by: 9) { cls[i] = -1 }   // unlabelled rows are skipped
        let labels = try LabelMatrix(classes: cls, classCount: 3, communicator: single)
        let r = try LinearProbe.evaluate(features: z, labels: labels, nodeIDs: ids)
        let acc = try #require(r.accuracy)
        #expect(acc > 0.4 && acc < 0.97, "a case where errors happen: \(acc)")
        #expect(r.train + r.test == labels.labelledCount)

        var rng = SeededRNG(seed: 14)
        let perm = rng.permutation(500)
        let zp = rowsOf(z, perm)
        let labelsP = try LabelMatrix(classes: perm.map { cls[$0] }, classCount: 3, communicator: single)
        let idsP = perm.map { ids[$0] }
        let rp = try LinearProbe.evaluate(features: zp, labels: labelsP, nodeIDs: idsP)
        #expect(rp == r)
    }

    @Test func constantAndZeroColumnsAreHarmless() throws {
        var (z, cls, ids) = Self.clusters(n: 300, classes: 2, dims: 2, spread: 0.5, seed: 15)
        var wider = DenseMatrix(rows: 300, columns: 4)
        wider.setColumn(0, z.column(0))
        wider.setColumn(1, z.column(1))
        wider.setColumn(2, [Double](repeating: 0.3, count: 300))   // constant
        // column 3 stays zero (a zero scale factor of Z*)
        z = wider
        cls[0] = 1
        let r = try LinearProbe.evaluate(features: z, labels: try LabelMatrix(classes: cls, classCount: 2, communicator: single), nodeIDs: ids)
        #expect(r.accuracy! > 0.98)
        // An empty embedding predicts the training majority class.
        let empty = try LinearProbe.evaluate(features: DenseMatrix(rows: 300, columns: 0),
                                             labels: try LabelMatrix(classes: cls, classCount: 2, communicator: single), nodeIDs: ids)
        #expect(empty.accuracy! < 0.75)
        #expect(throws: DiagnosticsError.self) {
            try LinearProbe.evaluate(features: z, labels: try LabelMatrix(classes: cls, classCount: 2, communicator: single), nodeIDs: Array(ids.dropLast()))
        }
    }
}
