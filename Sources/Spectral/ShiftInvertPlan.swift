import Foundation
import PairGraph

extension SpectrumSolver {
    /// eps of L_c + eps I for shift-invert on a component whose largest degree is `maxDegree`.
    ///
    /// L_c + eps I has eigenvalues lambda + eps, and lambda = 1/theta - eps is exact for any eps, so
    /// eps only has to (a) keep the factorisation stable and (b) stay below the wanted lambdas, so
    /// that 1/(lambda + eps) still separates them. (a): L_c is singular (null vector 1_c), and the
    /// last pivot of the Cholesky factor of L_c + eps I is about n_c eps (det(L_c + eps I) ~ eps n_c
    /// tau, tau the spanning-tree count, over the leading minor ~ tau), computed by cancellation from
    /// entries of order d_max, so it carries a rounding error of order u d_max (u = 1.1e-16); the
    /// same bound limits how much of the 1/eps-amplified 1_c direction leaks into the solve.
    /// eps = 1e-10 d_max leaves a margin of n_c * 1e6 over that error. (b): d_max scales with the
    /// weights, and lambda_1 of a connected component is rarely below 1e-10 d_max (a path of
    /// 10^5 nodes has lambda_1 = 1e-9 d_max); accuracy is not at stake either way: the Ritz value theta
    /// is accurate to a few ulps, so lambda carries an absolute error of a few ulps of lambda + eps.
    static func shiftInvertEpsilon(maxDegree: Double) -> Double {
        1e-10 * maxDegree
    }

    struct ShiftInvertPlan {
        var factor: CholmodFactor?
        var analysedNonzeros: Int?
        var factorBytes: Int?
        var seconds: Double?
        var note: String?
        /// The method when there is no factor: the one asked for (spectral shift, Chebyshev, AMG);
        /// under `auto` AMG shift-invert, which `amgChoice` may still turn into Jacobi shift-invert
        /// or the Chebyshev filter where AMG measured slower (docs/math.md 7.13).
        var fallback: LaplacianMethod = .amg
        /// `auto`: the factor size predicted from the spectral treewidth bound, before any analysis.
        var predictedFactorBytes: Int?
        /// `auto`: the short Lanczos run behind the prediction.
        var bounds: SpectrumBounds?
    }

    /// Not collective. The predicted bytes of a Cholesky factor of L_c + eps I (docs/math.md 7.11).
    /// The spectral treewidth bound (Chandran and Subramanian 2003), tw >= 3 n mu / (4 (d_max + 2 mu))
    /// - 1 with mu = lambda_1(L_c) on 1_c-perp, taken with the average degree in place of d_max (the
    /// bound with d_max came out 25 times below the factor a 300k planted partition needs); every
    /// elimination order leaves a clique of tw + 1 columns, and nested dissection's levels add up to
    /// about tw^2 entries, of 12 bytes (value and row index). `mu` is the short Lanczos run's lowest
    /// Ritz value. A prediction, not a bound: it only decides whether the exact analysis is worth
    /// running.
    static func predictedFactorBytes(nodes: Int, mu: Double, averageDegree: Double) -> Double {
        guard mu > 0, averageDegree > 0 else { return 0 }
        let tw = max(0, (3 * Double(nodes) * mu / (4 * (averageDegree + 2 * mu))).rounded(.down) - 1)
        return 12 * tw * tw
    }

    /// Collective only in that every rank takes the same branch. Decides the method for one
    /// component's Laplacian and, for shift-invert, builds the factor (docs/math.md 7.5, 7.11:
    /// shift-invert only on one rank, where the block holds the whole component). Under `auto` the
    /// factor is first predicted from `bounds()` (a short Lanczos run for lambda_1); when the
    /// prediction exceeds the budget, or when hubs and sigma / lambda_1 send the component to Jacobi
    /// shift-invert (docs/math.md 7.13), no analysis runs at all.
    func shiftInvertPlan(_ graph: DistributedGraph, block: ComponentBlock, label: String, count: Int, sigma: Double,
                         bounds: () throws -> SpectrumBounds) throws -> ShiftInvertPlan {
        let forced = method.laplacianMethod == .shiftInvert
        switch method.laplacianMethod {
        case .spectralShift:
            return ShiftInvertPlan(fallback: .spectralShift)
        case .chebyshev:
            return ShiftInvertPlan(fallback: .chebyshev)
        case .amg, .jacobi, .lobpcg:
            // sigma's estimate runs later, on the ranks holding the component only.
            return ShiftInvertPlan(fallback: method.laplacianMethod)
        case .auto, .shiftInvert:
            break
        }
        let ranks = graph.communicator.size
        guard ranks == 1 else {
            let why = "shift-invert needs a 1-rank run (this one has \(ranks) ranks)"
            if forced { throw EigensolverError.invalidRequest(why) }
            return ShiftInvertPlan(note: why)
        }
        // Bytes of the component's CSC matrix as CHOLMOD stores it (32-bit column pointers and row
        // indices, 64-bit values).
        let componentBytes = (block.rows.count + 1) * 4 + block.nonzeros * 12
        let budget = method.factorBudget(componentBytes: componentBytes)
        var prediction: (bytes: Int, bounds: SpectrumBounds)?
        if !forced {
            let b = try bounds()
            let averageDegree = block.degrees.reduce(0, +) / Double(max(block.size, 1))
            let bytes = Self.predictedFactorBytes(nodes: block.size, mu: b.ritz.first ?? 0, averageDegree: averageDegree)
            prediction = (Int(min(bytes, Double(Int.max / 2))), b)
            // Hubs: the treewidth prediction misses their fill (R-MAT 18: 7 MB predicted, 11.7 GB
            // analysed after 9 s of AMD), and where the factor fits it barely beats Jacobi
            // shift-invert (R-MAT 16: 14.1 s against 17.0 s). `amgChoice` (the rule that runs after
            // the plan) decides on this one rank's whole component.
            let choice = amgChoice(block: block, bounds: b, andersonMorley: sigma, communicator: graph.communicator)
            if choice.method == .jacobi {
                return ShiftInvertPlan(note: String(format: "%@: no analysis was run (decided in %.2f s)", choice.note, b.seconds),
                                       predictedFactorBytes: prediction?.bytes, bounds: b)
            }
            if bytes > budget {
                return ShiftInvertPlan(note: String(format: "the factor of L + eps I is predicted to need %.0f MB (spectral treewidth estimate from lambda_1 about %.3g and average degree %.3g), over the budget of %.0f MB; no analysis was run (predicted in %.2f s)",
                                                    bytes / 1e6, b.ritz.first ?? 0, averageDegree, budget / 1e6, b.seconds),
                                       predictedFactorBytes: prediction?.bytes, bounds: b)
            }
        }
        var cost: CostModel?
        if let prediction {
            let ncv = settings.krylovDimension(nev: count, dimension: block.size)
            cost = CostModel(nodes: block.size, nonzeros: block.nonzeros, count: count, ncv: ncv, sigma: sigma,
                             lambda: prediction.bounds.ritz.first ?? 0)
        }
        var plan = try analysedPlan(block: block, label: label, budget: budget, forced: forced, cost: cost)
        plan.predictedFactorBytes = prediction?.bytes
        plan.bounds = prediction?.bounds
        return plan
    }

    /// Analyses (and, within the budget, factorises) L_c + eps I on a 1-rank run.
    /// `auto`'s time comparison of the two Lanczos routes, in units of memory-bound flops
    /// (docs/math.md 7.11). Spectral shift: about 5 K sqrt(sigma / lambda_1) steps (measured: 330 on
    /// a 300k planted partition, about 1,500 on a 10k augmentation graph), each a product and ARPACK's
    /// orthogonalisation, 2 nnz + 4 ncv n. Shift-invert: the factorisation's flops (dense BLAS-3,
    /// counted at a fifth) and about 8 K solves of 4 nnz(L) each.
    struct CostModel {
        var nodes: Int, nonzeros: Int, count: Int, ncv: Int
        var sigma: Double, lambda: Double

        var spectralShift: Double {
            guard lambda > 0 else { return .infinity }
            let steps = 5 * Double(count) * (sigma / lambda).squareRoot()
            return steps * (2 * Double(nonzeros) + 4 * Double(ncv) * Double(nodes))
        }

        func shiftInvert(factorFlops: Double, factorNonzeros: Int) -> Double {
            factorFlops / 5 + 8 * Double(count) * 4 * Double(factorNonzeros)
        }
    }

    private func analysedPlan(block: ComponentBlock, label: String, budget: Double, forced: Bool,
                              cost: CostModel?) throws -> ShiftInvertPlan {
        let began = Date()
        let epsilon = Self.shiftInvertEpsilon(maxDegree: block.degrees.max() ?? 0)
        let factor: CholmodFactor
        do {
            progress?("cholmod \(label): analysing L + eps I")
            factor = try CholmodFactor(block: block, epsilon: epsilon)
        } catch {
            if forced { throw error }
            return ShiftInvertPlan(note: "\(error)")
        }
        let factorBytes = Double(factor.estimatedBytes)
        if !forced && factorBytes > budget {
            return ShiftInvertPlan(analysedNonzeros: factor.factorNonzeros, factorBytes: factor.estimatedBytes,
                                   note: String(format: "the factor of L + eps I needs %.0f MB (nnz(L) = %d, %@ ordering), over the budget of %.0f MB",
                                                factorBytes / 1e6, factor.factorNonzeros, factor.ordering, budget / 1e6))
        }
        if !forced, let cost {
            let invert = cost.shiftInvert(factorFlops: factor.flops, factorNonzeros: factor.factorNonzeros)
            let shift = cost.spectralShift
            if invert > shift {
                return ShiftInvertPlan(analysedNonzeros: factor.factorNonzeros, factorBytes: factor.estimatedBytes,
                                       note: String(format: "the factor fits (%.0f MB) but shift-invert is predicted to cost %.3g flop-equivalents (factorisation %.3g flops, nnz(L) = %d) against %.3g for Lanczos without a factor (priced as the spectral shift, sigma / lambda_1 about %.3g; the method is chosen next)",
                                                    factorBytes / 1e6, invert, factor.flops, factor.factorNonzeros, shift,
                                                    cost.sigma / cost.lambda))
            }
        }
        do {
            progress?(String(format: "cholmod %@: factorising, nnz(L) = %d (%@ ordering), about %.0f MB, %.3g flops",
                             label, factor.factorNonzeros, factor.ordering, Double(factor.estimatedBytes) / 1e6,
                             factor.flops))
            try factor.factorize()
        } catch {
            if forced { throw error }
            return ShiftInvertPlan(analysedNonzeros: factor.factorNonzeros, factorBytes: factor.estimatedBytes,
                                   note: "\(error)")
        }
        return ShiftInvertPlan(factor: factor, analysedNonzeros: factor.factorNonzeros,
                               factorBytes: factor.estimatedBytes, seconds: Date().timeIntervalSince(began))
    }
}
