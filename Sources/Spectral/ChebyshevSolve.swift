import Distributed
import Foundation

/// The Chebyshev-filtered Lanczos solve of one component's Laplacian, as the report lists it.
public struct ChebyshevReport: Codable, Sendable {
    /// Odd degree m of the filter T_m.
    public var degree: Int
    /// Eigenvalues below `cut` are amplified; [cut, upper] is damped into [-1, 1].
    public var cut: Double
    public var upper: Double
    /// Steps and seconds of the short Lanczos run that gave the bounds.
    public var boundSteps: Int
    public var boundSeconds: Double
    /// Smallest Ritz value of that run (an upper estimate of lambda_1 on 1_c-perp).
    public var lowestRitz: Double
    /// Times a returned Rayleigh quotient lay above the cut and the cut was raised.
    public var cutRaises: Int = 0
    /// ARPACK's tolerance on p(L) (tol * lambda_1 / upper, see `chebyshevSolve`).
    public var arpackTolerance: Double = 0
}

extension SpectrumSolver {
    /// Steps of the short Lanczos run for the bounds: one more Ritz value than wanted pairs is
    /// what the cut needs (interlacing), and 20 more let the extremes settle.
    static func boundSteps(count: Int) -> Int { count + 21 }

    /// Steps of the short Lanczos run behind `auto`'s factor prediction: lambda_1 only, the
    /// extreme end, which Lanczos finds first.
    static let predictionSteps = 20

    /// Not collective. The filter degree from a cost model (docs/math.md 7.11): filtering with
    /// degree m cuts ARPACK's steps by about sqrt(m) at m products each, so with a step costing
    /// a products the total is least near m = a. Measured: a = 0.2 ncv n / nnz (0.6 products on a
    /// planted partition of mean degree 20, 1.7 on an augmentation graph of mean degree 4.5, at
    /// ncv 49). Odd, between 3 and 31, and at most what keeps the filter's range
    /// T_m(t(0)) within `maxRange` (`rangeFactor` = acosh t(0)): a pair whose filtered value is
    /// near 1 carries rounding errors of u T_m(t(0)) relative, which the certification would reject.
    static func filterDegree(nodes: Int, nonzeros: Int, ncv: Int, rangeFactor: Double = 0, maxRange: Double = 1e4) -> Int {
        var m = Int((0.2 * Double(ncv) * Double(nodes) / Double(max(nonzeros, 1))).rounded())
        if rangeFactor > 0 { m = min(m, Int((acosh(maxRange) / rangeFactor).rounded(.down))) }
        let clamped = min(31, max(3, m))
        return clamped % 2 == 1 ? clamped : clamped - 1
    }

    /// Collective over `communicator` (the ranks holding the component). Lanczos on p(L_c), the
    /// Chebyshev filter over [cut, upper]; values are Rayleigh quotients on L_c, ascending. When a
    /// returned quotient is not below the cut (the pair lies where p does not order eigenvalues) the
    /// cut is raised above it and the solve resumes from the Ritz vectors, at most twice.
    /// `andersonMorley` caps the upper bound; `operatorNorm` is the certification's ||L||.
    func chebyshevSolve(block: ComponentBlock, deflation: Deflation, start: [Double], count: Int, tolerance: Double,
                        ncv: Int, nonzeros: Int, andersonMorley: Double, operatorNorm: Double,
                        previous: ChebyshevReport?,
                        label: String, reporting: Bool, communicator: Communicator)
        throws -> (values: [Double], vectors: [Double], report: LanczosReport, filter: ChebyshevReport) {
        let negative = ComponentOperator(block: block, kind: .laplacian, shift: 0, deflation: deflation)
        var filter: ChebyshevReport
        var arpackTolerance = tolerance
        if let previous {
            filter = previous
        } else {
            let bounds = try SpectrumBounds(negativeLaplacian: negative, start: start,
                                                      steps: Self.boundSteps(count: count), globalDimension: block.size,
                                                      andersonMorley: andersonMorley,
                                                      communicator: communicator)
            let cut = bounds.ritz[min(count, bounds.ritz.count - 1)]
            let upper = max(bounds.upper, cut * 1.01)
            let range = acosh((cut + upper) / (upper - cut))
            // Rounding of u T_m(t(0)) relative stays 100 times below the tolerance (at least 1e2).
            let maxRange = max(1e2, 1e-2 * tolerance / Double.ulpOfOne)
            filter = ChebyshevReport(degree: Self.filterDegree(nodes: block.size, nonzeros: nonzeros, ncv: ncv,
                                                               rangeFactor: range, maxRange: maxRange),
                                     cut: cut, upper: upper, boundSteps: bounds.steps,
                                     boundSeconds: bounds.seconds, lowestRitz: bounds.ritz.first ?? 0)
            // ARPACK's test on p(L) bounds the L-residual by about its tol * upper: aim at tol * lambda_1
            // (the floor of docs/math.md 7.10 in place of a tiny lambda_1).
            let floor = Certification.roundingFloor * operatorNorm / tolerance
            arpackTolerance = max(Self.tightestTolerance,
                                  min(tolerance, 0.5 * tolerance * max(filter.lowestRitz, floor) / filter.upper))
        }
        filter.arpackTolerance = arpackTolerance
        var begin = start
        var total: LanczosReport?
        while true {
            let op = ChebyshevFilter(negativeLaplacian: negative, degree: filter.degree, cut: filter.cut, upper: filter.upper)
            let settings = self.settings.with(tolerance: arpackTolerance)
            let progress = reporting ? self.progress : nil
            let solver = LanczosSolver(settings: settings, communicator: communicator) { state in
                progress?("lanczos \(label): \(state.summary(unit: "filter applications (degree \(filter.degree))"))")
            }
            var (values, vectors, report) = try solver.largest(op, count: count, globalDimension: block.size, start: begin)
            report.matvecs *= filter.degree
            (values, vectors) = rayleighQuotients(block: block, deflation: deflation, vectors: vectors,
                                                  count: values.count, communicator: communicator)
            if var t = total {
                t.matvecs += report.matvecs
                t.restarts += report.restarts
                t.seconds += report.seconds
                t.converged = report.converged
                t.info = report.info
                report = t
            }
            total = report
            let above = values.max() ?? 0
            guard above >= filter.cut, filter.cutRaises < 2, !values.isEmpty else {
                return (values, vectors, report, filter)
            }
            filter.cutRaises += 1
            filter.cut = min(1.5 * above, 0.5 * (above + filter.upper))
            let n = block.rows.count
            begin = (0..<n).map { t in (0..<values.count).reduce(0) { $0 + vectors[$1 * n + t] } }
            deflation.project(&begin)
        }
    }
}
