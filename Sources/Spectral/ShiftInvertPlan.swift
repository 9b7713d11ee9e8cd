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
    }

    /// Collective only in that every rank takes the same branch. Decides between shift-invert and
    /// the spectral shift for one component's Laplacian and, for shift-invert, builds the factor
    /// (MATH.md section 1: shift-invert only on one rank, where the block holds the whole component).
    func shiftInvertPlan(_ graph: DistributedGraph, block: ComponentBlock, label: String) throws -> ShiftInvertPlan {
        let forced = settings.laplacianMethod == .shiftInvert
        switch settings.laplacianMethod {
        case .spectralShift:
            return ShiftInvertPlan()
        case .auto, .shiftInvert:
            break
        }
        let ranks = graph.communicator.size
        guard ranks == 1 else {
            let why = "shift-invert needs a 1-rank run (this one has \(ranks) ranks)"
            if forced { throw EigensolverError.invalidRequest(why) }
            return ShiftInvertPlan(note: why)
        }
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
        // Bytes of the component's CSC matrix (column pointers, row indices, values), as
        // CholmodMatrix.storageBytes counts them.
        let componentBytes = (block.rows.count + 1) * 4 + block.nonzeros * 12
        let budget = settings.factorBudget(componentBytes: componentBytes)
        let factorBytes = Double(factor.estimatedBytes)
        if !forced && factorBytes > budget {
            return ShiftInvertPlan(analysedNonzeros: factor.factorNonzeros, factorBytes: factor.estimatedBytes,
                                   note: String(format: "the factor of L + eps I needs %.0f MB (nnz(L) = %d, %@ ordering), over the budget of %.0f MB",
                                                factorBytes / 1e6, factor.factorNonzeros, factor.ordering, budget / 1e6))
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
