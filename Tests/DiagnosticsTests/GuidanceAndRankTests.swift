import ClosedForms
import DenseAlgebra
import Foundation
import Testing
@testable import Diagnostics

@Suite(.mpiLock) struct GuidanceTests {
    static func energy(_ op: String, _ v: Double) -> OperatorLabelEnergy {
        OperatorLabelEnergy(operatorName: op, dimension: 8, capturedLabelEnergy: v)
    }

    @Test func flipsBetweenAlignedAndMisaligned() throws {
        let aligned = Guidance.evaluate(GuidanceInputs(
            withinClassFraction: 0.9, chanceWithinClassFraction: 0.5, operatorEnergies: [Self.energy("L", 0.95)],
            ranks: [.vicreg: 8, .simclr: 8], dimension: 8, labelledCount: 1000, classCount: 2))
        #expect(aligned.alignment == .aligned)
        #expect(aligned.lowData == false)
        #expect(aligned.recommendation.contains("every loss"))
        #expect(aligned.evidence.contains { $0.contains("0.9") && $0.contains("within-class") })
        #expect(aligned.evidence.contains { $0.contains("0.95") && $0.contains("L") })

        // Low fraction -> misaligned.
        let byFraction = Guidance.evaluate(GuidanceInputs(
            withinClassFraction: 0.2, operatorEnergies: [Self.energy("L", 0.95)],
            ranks: [.vicreg: 8, .simclr: 3, .barlow: 8], dimension: 8, labelledCount: 1000, classCount: 2))
        #expect(byFraction.alignment == .misaligned)
        #expect(byFraction.recommendation.contains("small invariance weight gamma"))
        #expect(byFraction.recommendation.contains("simclr has rank 3 of K = 8"))
        #expect(!byFraction.recommendation.contains("barlow has rank"))

        // High fraction, low A_n energy -> misaligned, whatever L captures.
        let byEnergy = Guidance.evaluate(GuidanceInputs(
            withinClassFraction: 0.9, operatorEnergies: [Self.energy("L", 0.9), Self.energy("A_n", 0.1)],
            labelledCount: 1000, classCount: 2))
        #expect(byEnergy.alignment == .misaligned)

        // Exactly at the thresholds counts as aligned; just below flips.
        let edge = GuidanceInputs(withinClassFraction: 0.5, operatorEnergies: [Self.energy("L", 0.5)],
                                  labelledCount: 1000, classCount: 2)
        #expect(Guidance.evaluate(edge).alignment == .aligned)
        var below = edge
        below.withinClassFraction = 0.4999
        #expect(Guidance.evaluate(below).alignment == .misaligned)
        #expect(Guidance.evaluate(edge, thresholds: GuidanceThresholds(withinClassFraction: 0.6)).alignment == .misaligned)
    }

    @Test func lowDataUnknownAndFallback() throws {
        let few = Guidance.evaluate(GuidanceInputs(
            withinClassFraction: 0.8, operatorEnergies: [Self.energy("L", 0.8)], labelledCount: 30, classCount: 3))
        #expect(few.alignment == .aligned)
        #expect(few.lowData == true)
        #expect(few.recommendation.contains("VICReg with a high invariance weight gamma"))

        let nothing = Guidance.evaluate(GuidanceInputs())
        #expect(nothing.alignment == .unknown)
        #expect(nothing.lowData == nil)
        // Fraction passes but no energy measured: still unknown.
        #expect(Guidance.evaluate(GuidanceInputs(withinClassFraction: 0.9, labelledCount: 100, classCount: 2)).alignment == .unknown)
        // Without A_n, L's energy decides.
        let an = GuidanceInputs(withinClassFraction: 0.9, operatorEnergies: [Self.energy("L", 0.2), Self.energy("G", 0.9)],
                                labelledCount: 100, classCount: 2)
        #expect(Guidance.evaluate(an).alignment == .misaligned)

        let data = try JSONEncoder().encode(few)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(json.keys) == ["alignment", "recommendation", "evidence", "low_data", "thresholds"])
        #expect(json["alignment"] as? String == "aligned")
        #expect(try JSONDecoder().decode(Guidance.self, from: data) == few)
    }
}

@Suite(.mpiLock) struct RankDiagnosticsTests {
    @Test func numericalRankOfCentredEmbedding() throws {
        var rng = TestRNG(21)
        let n = 30
        let a = rng.matrix(n, 1), b = rng.matrix(n, 1)
        var z = DenseMatrix(rows: n, columns: 5)
        z.setColumn(0, a.column(0))
        z.setColumn(1, a.column(0).map { 2 * $0 })            // dependent
        z.setColumn(2, b.column(0))
        // column 3 zero
        z.setColumn(4, [Double](repeating: 1.7, count: n))     // constant: centring removes it
        #expect(try RankDiagnostics.numericalRank(z, communicator: single) == 2)
        // A direction at 1e-12 relative is below the 1e-9 tolerance; at 1e-6 it counts.
        var tiny = z
        tiny.setColumn(3, rng.matrix(n, 1).column(0).map { 1e-12 * $0 })
        #expect(try RankDiagnostics.numericalRank(tiny, communicator: single) == 2)
        tiny.setColumn(3, rng.matrix(n, 1).column(0).map { 1e-6 * $0 })
        #expect(try RankDiagnostics.numericalRank(tiny, communicator: single) == 3)

        let r = try RankDiagnostics.report(embedding: z, closedFormRank: 2, communicator: single)
        #expect(r.numericalRank == 2 && r.columns == 5 && r.agrees == true)
        let mismatch = try RankDiagnostics.report(embedding: z, closedFormRank: 3, communicator: single)
        #expect(mismatch.agrees == false)
        let solution = ClosedFormSolution(loss: .simclr, embedding: nil, scales: [], rank: 0, minLoss: nil,
                                          unique: false, notes: [])
        #expect(try RankDiagnostics.report(solution, communicator: single).numericalRank == nil)

        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(r)) as? [String: Any]
        #expect(Set(json!.keys) == ["closed_form_rank", "numerical_rank", "columns", "relative_tolerance", "agrees"])
        #expect(try JSONDecoder().decode(RankReport.self, from: JSONEncoder().encode(r)) == r)
    }
}
