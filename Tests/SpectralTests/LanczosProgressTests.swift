@testable import Spectral
import EigenpairTestSupport
import Foundation
import Testing

/// A diagonal operator: its eigenvalues are its entries, so every Ritz estimate can be checked.
private struct Diagonal: LinearOperator {
    let entries: [Double]
    var localDimension: Int { entries.count }
    func apply(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>) {
        for i in entries.indices { y[i] = entries[i] * x[i] }
    }
}

@Suite(.serialized) struct LanczosProgressTests {
    /// The progress of a real solve: one snapshot per matvec, restarts growing one by one to one
    /// less than ARPACK's own iteration count (its last Ritz update follows its last matvec), the
    /// converged count never above the wanted one, the worst ratio falling, and an estimate given.
    @Test func followsARealSolve() throws {
        // Eigenvalues 1, 1 - 1/n, ...: a slowly converging top end, so the solve restarts many times.
        let n = 400
        let op = Diagonal(entries: (0..<n).map { 1 - Double($0) / Double(n) + 0.3 * sin(Double($0)) / Double(n) })
        let settings = LanczosSettings(tolerance: 1e-10, krylovDimension: 14)
        var solver = LanczosSolver(settings: settings, communicator: testMPI.single)
        solver.progressInterval = 0
        var seen: [LanczosProgress] = []
        solver.progress = { seen.append($0) }
        let start = (0..<n).map { 1 + 0.01 * Double($0 % 7) }
        // ARPACK keeps Fortran SAVE state: no other solve may run meanwhile.
        let (values, _, report) = try withSolverLock { try solver.largest(op, count: 6, globalDimension: n, start: start) }
        #expect(values.count == 6)
        #expect(seen.count == report.matvecs, "one snapshot per matvec at interval 0")
        #expect(zip(seen, seen.dropFirst()).allSatisfy { $1.restarts - $0.restarts <= 1 && $1.restarts >= $0.restarts })
        // The last Ritz update ARPACK makes is after its last matvec: one more than the progress saw.
        #expect(seen.last!.restarts == report.restarts - 1, "\(seen.last!.restarts) vs \(report.restarts)")
        #expect(report.restarts > 5)
        #expect(seen.allSatisfy { ($0.converged ?? 0) <= 6 })
        // Early on nothing has converged and the worst ratio is far above 1; it falls later.
        let ratios = seen.compactMap(\.worstRatio)
        #expect(ratios.first! > 1e3 && ratios.last! < ratios.first!)
        #expect(seen.contains { $0.restartsLeft != nil }, "an estimate once the rate is measured")
    }

    /// The estimate of work left: a worst ratio falling tenfold per restart from 1e6 at 2 s per
    /// restart leaves log(1e3)/log(10) = 3 restarts (6 s) when it reads 1e3.
    @Test func extrapolatesTheGeometricRate() {
        var tracker = LanczosProgressTracker(wanted: 2, tolerance: 1e-8)
        let ncv = 4
        for (step, worst) in [1e6, 1e5, 1e4, 1e3].enumerated() {
            // Ritz values 4, 3 (wanted) and 2, 1; the wanted estimates give ratios worst and 0.5.
            let ritz = [2.0, 4.0, 1.0, 3.0]
            let bounds = [9.0, worst * 1e-8 * 4, 9.0, 0.5 * 1e-8 * 3]
            ritz.withUnsafeBufferPointer { r in
                bounds.withUnsafeBufferPointer { b in
                    tracker.observe(ritz: r.baseAddress!, bounds: b.baseAddress!, ncv: ncv, seconds: 2 * Double(step + 1))
                }
            }
        }
        let p = tracker.snapshot(matvecs: 40, seconds: 8)
        #expect(p.restarts == 4 && p.converged == 1)
        #expect(abs(p.worstRatio! - 1e3) < 1e-9)
        #expect(p.restartsLeft == 3)
        #expect(abs(p.secondsLeft! - 6) < 1e-9)
        #expect(p.summary() == "40 matvecs, 4 restarts, 1 of 2 converged (worst estimate 1.0e+03 x tol), about 3 restarts (6 s) left, 8.0 s")
    }

    /// No estimate while the worst ratio does not fall, and none before three Ritz updates.
    @Test func saysNothingWithoutAFallingRate() {
        var tracker = LanczosProgressTracker(wanted: 1, tolerance: 1e-8)
        for (step, bound) in [1e-4, 2e-4, 3e-4].enumerated() {
            let ritz = [1.0, 0.5], bounds = [bound, 1.0]
            ritz.withUnsafeBufferPointer { r in
                bounds.withUnsafeBufferPointer { b in
                    tracker.observe(ritz: r.baseAddress!, bounds: b.baseAddress!, ncv: 2, seconds: Double(step))
                }
            }
            #expect(tracker.snapshot(matvecs: step, seconds: Double(step)).restartsLeft == nil)
        }
    }
}
