import CHypre
import Distributed
import Foundation

/// hypre's LOBPCG preconditioned by BoomerAMG (`--laplacian-method lobpcg`, docs/math.md 7.13): a
/// reference point next to ARPACK, on the same hypre matrix and preconditioner as AMG shift-invert.
extension SpectrumSolver {
    /// LOBPCG's iteration cap; a block that has not converged by then is reported, and judged by the
    /// certification like any other.
    static let lobpcgMaxIterations: Int32 = 1000
    /// LOBPCG needs room for its three blocks (X, the residuals, the previous directions) and the
    /// constraint; with a block near a third of the component hypre's LOBPCG broke down (a 30-node
    /// cycle, K = 8: residuals 0.7 |theta| after 2 iterations), so components under 10 K rows take the
    /// spectral shift.
    static func lobpcgFits(count: Int, size: Int) -> Bool { size >= 10 * count }

    /// Collective over `communicator` (the ranks holding the component). The `count` smallest
    /// eigenpairs of L_c on 1_c-perp: LOBPCG on L_c + sigma I with the component's indicator as its
    /// constraint and one BoomerAMG V-cycle of L_c + sigma I as the preconditioner, from a block of
    /// start vectors that depends on global rows only (or `warm`, the vectors of the solve a
    /// refinement refines). hypre's test is ||r_j|| <= max(absolute, relative |theta_j|) with
    /// theta_j = lambda_j + sigma; relative = tol / 4 keeps it inside the certification's
    /// tol lambda_j for sigma up to 3 lambda_j, and the certification judges the rest.
    func lobpcgSolve(block: ComponentBlock, deflation: Deflation, count: Int, sigma: Double, tolerance: Double,
                     andersonMorley: Double, warm: [Double]?,
                     communicator: Communicator) throws -> (values: [Double], vectors: [Double], report: LanczosReport, amg: AMGReport) {
        let began = Date()
        let n = block.rows.count
        let relative = max(tolerance, Self.tightestTolerance) / 4
        let absolute = 0.5 * Certification.roundingFloor * andersonMorley
        var amgReport = AMGReport(sigma: sigma, innerTolerance: relative)
        let laplacian = try HypreLaplacian(block: block, sigma: sigma, communicator: communicator)
        let amg = try HypreLaplacian.boomerAMG(amgSettings)
        defer { HYPRE_BoomerAMGDestroy(amg) }
        amgReport.setupSeconds = Date().timeIntervalSince(began)

        // Start columns from global rows only (any P starts alike); a refinement's first ones are
        // the vectors it refines.
        let warmed = warm?.count == n * count ? count : 0
        var start = [Double](repeating: 0, count: n * count)
        if let warm, warmed > 0 { start = warm }
        for j in warmed..<count {
            for (t, r) in block.rows.enumerated() {
                start[j * n + t] = StartVector.entry(globalRow: block.firstRow + Int(r), seed: 0x5EED_E16E_0000_0001 &+ UInt64(j))
            }
        }
        var values = [Double](repeating: 0, count: count)
        var vectors = [Double](repeating: 0, count: n * count)
        var residuals = [Double](repeating: 0, count: count)
        var iterations: HYPRE_Int = 0
        try HypreLaplacian.check(
            chypre_lobpcg_boomeramg(laplacian.parMatrix, laplacian.parMatrix, laplacian.parVectors[0], amg,
                                    HYPRE_Int(count), HYPRE_Int(n), deflation.vector, start, absolute, relative,
                                    Self.lobpcgMaxIterations, &values, &vectors, &residuals, &iterations),
            "LOBPCG")
        guard values.allSatisfy(\.isFinite), residuals.allSatisfy(\.isFinite) else {
            throw EigensolverError.multigrid("LOBPCG returned non-finite eigenvalues or residuals")
        }
        // hypre 2.26's LOBPCG also stops, without an error, when the Cholesky factorisation of its
        // Gram matrix fails; near rounding level that leaves pairs above its test (at tol 1e-10 on
        // 100-200 node graphs: 1.3e-10 |theta| after 38 iterations), and those count as unconverged.
        // Its residual norms are those of the last iteration's test, which the returned vectors then
        // improved on (a kNN graph at tol 1e-8 stopped with a norm of 1.004 times its threshold), so
        // a pair counts as converged within twice the threshold: tol/2, inside the certification's tol.
        let converged = zip(values, residuals).filter { $1 <= 2 * max(absolute, relative * abs($0)) }.count
        amgReport.iterations = Int(iterations)
        // One V-cycle per unconverged vector per iteration, at most.
        amgReport.solves = Int(iterations) * count
        amgReport.worstRelativeResidual = zip(values, residuals).map { $1 / max(abs($0), .leastNormalMagnitude) }.max() ?? 0
        amgReport.unconverged = count - converged
        let report = LanczosReport(requested: count, converged: converged, restarts: Int(iterations),
                                   matvecs: Int(iterations) * count, krylovDimension: 3 * count, dimension: block.size,
                                   seconds: Date().timeIntervalSince(began),
                                   info: converged == count ? .normal : .maximumRestarts)
        return (values.map { $0 - sigma }, vectors, report, amgReport)
    }
}
