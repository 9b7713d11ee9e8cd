import EigenpairTestSupport
import ClosedForms
import DenseAlgebra
import Foundation
import Testing
@testable import Diagnostics

@Suite(.mpiLock) struct GuidanceTests {
    static func energy(_ op: String, _ v: Double) -> OperatorLabelEnergy {
        OperatorLabelEnergy(operatorName: op, dimension: 8, capturedLabelEnergy: v)
    }

    static func text(_ g: Guidance) -> String { g.recommendations.map(\.text).joined(separator: " ") }

    @Test func flipsBetweenAlignedAndMisaligned() throws {
        let aligned = Guidance.evaluate(GuidanceInputs(
            withinClassFraction: 0.9, chanceWithinClassFraction: 0.5, operatorEnergies: [Self.energy("L", 0.95)],
            ranks: [.vicreg: 8, .simclr: 8], dimension: 8, labelledCount: 1000, classCount: 2))
        #expect(aligned.alignment == .aligned)
        #expect(aligned.lowData == false)
        // No blanket claim, nothing about low data, no paper citation when data is plentiful.
        #expect(!aligned.recommendation.contains("every loss"))
        #expect(!aligned.recommendation.lowercased().contains("low data") && !aligned.recommendation.contains("few labels"))
        #expect(aligned.recommendations.allSatisfy { $0.source == "measured here" })
        #expect(aligned.recommendations[0].text.contains("0.9") && aligned.recommendations[0].text.contains("0.95"))
        #expect(aligned.evidence.contains { $0.contains("0.9") && $0.contains("within-class") })
        #expect(aligned.evidence.contains { $0.contains("0.95") && $0.contains("L") })

        // Low fraction -> misaligned, with the camera-ready recommendation and this project's evidence.
        let byFraction = Guidance.evaluate(GuidanceInputs(
            withinClassFraction: 0.2, operatorEnergies: [Self.energy("L", 0.95)],
            ranks: [.vicreg: 8, .simclr: 3, .barlow: 8], dimension: 8, labelledCount: 1000, classCount: 2))
        #expect(byFraction.alignment == .misaligned)
        let paper = try #require(byFraction.recommendations.first { $0.source.contains("camera-ready") })
        #expect(paper.text.contains("BarlowTwins or VICReg with a small invariance weight gamma"))
        let ours = try #require(byFraction.recommendations.first { $0.source == "docs/reproduction.md" })
        #expect(ours.text.contains("beat BarlowTwins") && ours.text.contains("only tied SimCLR"))
        #expect(!byFraction.recommendation.contains("few labels"))

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
        // The camera-ready wording, and this project's finding next to it.
        #expect(few.recommendations.contains { $0.source.contains("camera-ready") && $0.text.contains("SimCLR or VICReg with a high invariance weight gamma") })
        #expect(few.recommendations.contains { $0.source == "docs/reproduction.md" && $0.text.contains("never won in low data") })

        let nothing = Guidance.evaluate(GuidanceInputs())
        #expect(nothing.alignment == .unknown)
        #expect(nothing.lowData == nil)
        #expect(nothing.recommendations.allSatisfy { $0.source == "measured here" })
        // Fraction passes but no energy measured: still unknown.
        #expect(Guidance.evaluate(GuidanceInputs(withinClassFraction: 0.9, labelledCount: 100, classCount: 2)).alignment == .unknown)
        // Without A_n, L's energy decides.
        let an = GuidanceInputs(withinClassFraction: 0.9, operatorEnergies: [Self.energy("L", 0.2), Self.energy("G", 0.9)],
                                labelledCount: 100, classCount: 2)
        #expect(Guidance.evaluate(an).alignment == .misaligned)

        let data = try JSONEncoder().encode(few)
        let json = try #require(try reportObject(few))
        #expect(Set(json.keys) == ["alignment", "recommendation", "recommendations", "per_loss", "evidence", "low_data", "thresholds"])
        #expect(json["alignment"] as? String == "aligned")
        #expect(try JSONDecoder().decode(Guidance.self, from: data) == few)
    }

    /// The `make demo` numbers (SBM, 3,000 nodes, K = 16): G is aligned, yet VICReg's Z* holds 0.06
    /// of the label energy. The guidance must say so per loss and recommend by the numbers.
    @Test func perLossVerdictsFollowEachZStar() throws {
        let inputs = GuidanceInputs(
            withinClassFraction: 0.6959, chanceWithinClassFraction: 0.1, operatorEnergies: [Self.energy("A_n", 0.8136), Self.energy("L", 0.06)],
            ranks: [.vicreg: 16, .simclr: 16, .simclrDegree: 16, .barlow: 16],
            perLoss: [.vicreg: LossLabelNumbers(labelEnergy: 0.05999, probeAccuracy: 0.7252),
                      .simclr: LossLabelNumbers(labelEnergy: 0.7122, probeAccuracy: 0.9585),
                      .simclrDegree: LossLabelNumbers(labelEnergy: 0.8135, probeAccuracy: 0.9712),
                      .barlow: LossLabelNumbers(labelEnergy: 0.8140, probeAccuracy: 0.9728)],
            dimension: 16, labelledCount: 3000, classCount: 10)
        let g = Guidance.evaluate(inputs)
        #expect(g.alignment == .aligned && g.lowData == false)
        #expect(g.perLoss["vicreg"]?.verdict == "misses the labels")
        #expect(g.perLoss["barlow"]?.verdict == "recovers the labels")
        #expect(g.perLoss["vicreg"]?.labelEnergy == 0.05999 && g.perLoss["vicreg"]?.probeAccuracy == 0.7252)
        let measured = Self.text(g)
        // Best probe first, and VICReg named as missing the labels.
        let order = ["barlow", "simclr-degree", "simclr"].map { measured.range(of: "\($0) (label")!.lowerBound }
        #expect(order == order.sorted(), "\(measured)")
        #expect(measured.contains("misses them: vicreg (label energy 0.05999, probe 72.5%)"), "\(measured)")
        #expect(!measured.contains("every loss") && !measured.contains("low data") && !measured.contains("few labels"))
        #expect(g.recommendations.contains { $0.source == "docs/math.md" && $0.text.contains("localise on low-degree nodes") })

        // Consistency over many inputs: a loss is called recovering exactly when its deciding energy
        // passes the threshold, and low-data advice appears exactly when low_data is true and G aligned.
        var rng = SeededRNG(seed: 5)
        for _ in 0..<200 {
            var per: [LossName: LossLabelNumbers] = [:]
            for loss in LossName.allCases where rng.uniform() < 0.8 {
                per[loss] = LossLabelNumbers(labelEnergy: rng.uniform(), probeAccuracy: rng.uniform(),
                                             bestOptimalLabelEnergy: rng.uniform() < 0.3 ? rng.uniform() : nil)
            }
            let x = Guidance.evaluate(GuidanceInputs(withinClassFraction: rng.uniform(), operatorEnergies: [Self.energy("A_n", rng.uniform())],
                                                      perLoss: per, dimension: 8, labelledCount: 10 + rng.index(400), classCount: 4))
            for (loss, numbers) in per {
                let e = numbers.bestOptimalLabelEnergy ?? numbers.labelEnergy!
                let verdict = try #require(x.perLoss[loss.rawValue]?.verdict)
                #expect((e >= 0.5) == (verdict.contains("recovers") && !verdict.hasPrefix("no ")), "\(loss): \(e) -> \(verdict)")
            }
            let lowAdvice = x.recommendations.contains { $0.text.contains("few labels") || $0.text.contains("low data") }
            #expect(lowAdvice == (x.lowData == true && x.alignment == .aligned))
            let misalignedAdvice = x.recommendations.contains { $0.text.contains("misaligned G") }
            #expect(misalignedAdvice == (x.alignment == .misaligned))
            // The localisation remark only when VICReg misses and an A_n-based loss recovers.
            func recovers(_ l: LossName) -> Bool? { x.perLoss[l.rawValue].map { $0.verdict.contains("recovers") && !$0.verdict.hasPrefix("no ") } }
            let remark = x.recommendations.contains { $0.source == "docs/math.md" }
            #expect(remark == (recovers(.vicreg) == false && (recovers(.simclrDegree) == true || recovers(.barlow) == true)))
        }
    }
}

@Suite(.mpiLock) struct RankDiagnosticsTests {
    @Test func numericalRankOfCentredEmbedding() throws {
        var rng = SeededRNG(seed: 21)
        let n = 30
        let a = rng.normalMatrix(rows: n, columns: 1), b = rng.normalMatrix(rows: n, columns: 1)
        var z = DenseMatrix(rows: n, columns: 5)
        z.setColumn(0, a.column(0))
        z.setColumn(1, a.column(0).map { 2 * $0 })            // dependent
        z.setColumn(2, b.column(0))
        // column 3 zero
        z.setColumn(4, [Double](repeating: 1.7, count: n))     // constant: centring removes it
        #expect(try RankDiagnostics.numericalRank(z, communicator: single) == 2)
        // A direction at 1e-12 relative is below the 1e-9 tolerance; at 1e-6 it counts.
        var tiny = z
        tiny.setColumn(3, rng.normalMatrix(rows: n, columns: 1).column(0).map { 1e-12 * $0 })
        #expect(try RankDiagnostics.numericalRank(tiny, communicator: single) == 2)
        tiny.setColumn(3, rng.normalMatrix(rows: n, columns: 1).column(0).map { 1e-6 * $0 })
        #expect(try RankDiagnostics.numericalRank(tiny, communicator: single) == 3)
    }
}
