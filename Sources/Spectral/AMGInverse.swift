import CHypre
import Distributed
import Foundation

/// What one AMG shift-invert solve reports (docs/math.md 7.13).
public struct AMGReport: Codable, Sendable {
    /// sigma of L_c + sigma I.
    public var sigma: Double
    /// PCG's relative tolerance ||b - A x|| / ||b|| per inner solve.
    public var innerTolerance: Double
    /// Inner solves (one per ARPACK product) and their PCG iterations in all.
    public var solves: Int = 0
    public var iterations: Int = 0
    /// The largest final relative residual PCG reported, and how many solves stopped above the
    /// tolerance (at the iteration cap); the outer certification decides whether that mattered.
    public var worstRelativeResidual: Double = 0
    public var unconverged: Int = 0
    /// Building the hypre matrix and BoomerAMG's setup, before ARPACK starts (not in report.seconds).
    public var setupSeconds: Double = 0

    enum CodingKeys: String, CodingKey {
        case sigma
        case innerTolerance = "inner_tolerance"
        case solves, iterations
        case worstRelativeResidual = "worst_relative_residual"
        case unconverged
        case setupSeconds = "setup_seconds"
    }
}

/// The preconditioner of the inner PCG of iterative shift-invert (docs/math.md 7.13).
enum InnerPreconditioner: Sendable, Equatable {
    /// One BoomerAMG V-cycle (`LaplacianMethod.amg`).
    case boomerAMG
    /// hypre's diagonal scaling, x = D^-1 r with D the diagonal of L_c + sigma I (`LaplacianMethod.jacobi`).
    case jacobi
}

/// BoomerAMG's settings for graph Laplacians (docs/math.md 7.13, measured in docs/benchmarks.md).
/// hypre's codes: coarsening 10 = HMIS, interpolation 6 = extended+i, relaxation 13/14 = l1 hybrid
/// Gauss-Seidel forward on the way down and backward on the way up, so that one V-cycle is a
/// symmetric operator and PCG stays valid; 9 = Gaussian elimination on the coarsest level.
struct AMGSettings: Sendable {
    /// HMIS with one level of aggressive (distance-2) coarsening and at most 2 interpolation
    /// weights per row: on a 20k planted partition the default (no aggressive level, 4 weights)
    /// made level 1 29% dense (operator complexity 6.5, setup 4.4 s); this gives 1.05 and 0.3 s.
    var aggressiveLevels: Int32 = 1
    var printLevel: Int32 = 0
    var maxCoarseSize: Int32 = 9
    var coarsening: Int32 = 10
    var interpolation: Int32 = 6
    var strongThreshold: Double = 0.25
    var interpolationMaxElements: Int32 = 2
    var relaxDown: Int32 = 13
    var relaxUp: Int32 = 14
    var relaxCoarsest: Int32 = 9
    /// PCG stops here even above the tolerance (the certification then judges the pairs).
    var maxIterations: Int32 = 500
    /// PCG's preconditioner: one BoomerAMG V-cycle, or diagonal scaling (`LaplacianMethod.jacobi`).
    var preconditioner: InnerPreconditioner = .boomerAMG
}

/// y ~ (L_c + sigma I)^{-1} x on this rank's rows of one component: hypre PCG preconditioned by one
/// BoomerAMG V-cycle or by diagonal scaling (`AMGSettings.preconditioner`), on the same rows the
/// Lanczos vectors hold (docs/math.md 7.13; the matrix: `HypreLaplacian`). Not thread-safe; `solve` is collective over the component's ranks.
final class AMGInverse: ShiftedLaplacianInverse {
    let localDimension: Int
    let shift: Double
    private(set) var report: AMGReport
    /// Inner solves whose residual came out NaN or infinite (their results are zeroed before ARPACK
    /// sees them); any makes the solve fail (docs/math.md 7.13, "When hypre fails").
    private(set) var nonFiniteSolves = 0
    private let laplacian: HypreLaplacian
    private var pcg: HYPRE_Solver?
    private var amg: HYPRE_Solver?

    /// Collective over `communicator` (the ranks holding rows of the component; every one holds
    /// at least one). Builds L_c + sigma I in hypre's IJ format and runs the preconditioner's setup.
    init(block: ComponentBlock, sigma: Double, tolerance: Double, communicator: Communicator,
         settings: AMGSettings = AMGSettings()) throws {
        precondition(sigma > 0 && sigma.isFinite, "sigma must be positive")
        let began = Date()
        localDimension = block.rows.count
        shift = sigma
        report = AMGReport(sigma: sigma, innerTolerance: tolerance)
        laplacian = try HypreLaplacian(block: block, sigma: sigma, communicator: communicator)
        if settings.preconditioner == .boomerAMG { amg = try HypreLaplacian.boomerAMG(settings) }
        let check = HypreLaplacian.check
        try check(HYPRE_ParCSRPCGCreate(communicator.handle, &pcg), "ParCSRPCGCreate")
        try check(HYPRE_ParCSRPCGSetTol(pcg, tolerance), "ParCSRPCGSetTol")
        try check(HYPRE_ParCSRPCGSetMaxIter(pcg, settings.maxIterations), "ParCSRPCGSetMaxIter")
        try check(HYPRE_ParCSRPCGSetTwoNorm(pcg, 1), "ParCSRPCGSetTwoNorm")
        try check(HYPRE_ParCSRPCGSetPrintLevel(pcg, 0), "ParCSRPCGSetPrintLevel")
        try check(HYPRE_ParCSRPCGSetLogging(pcg, 1), "ParCSRPCGSetLogging")
        switch settings.preconditioner {
        case .boomerAMG: try check(chypre_pcg_set_boomeramg(pcg, amg), "ParCSRPCGSetPrecond")
        case .jacobi: try check(chypre_pcg_set_diagscale(pcg), "ParCSRPCGSetPrecond")
        }
        try check(HYPRE_ParCSRPCGSetup(pcg, laplacian.parMatrix, laplacian.parVectors[0], laplacian.parVectors[1]),
                  "ParCSRPCGSetup (the preconditioner's setup)")
        report.setupSeconds = Date().timeIntervalSince(began)
    }

    deinit {
        if let pcg { HYPRE_ParCSRPCGDestroy(pcg) }
        if let amg { HYPRE_BoomerAMGDestroy(amg) }
    }

    /// Collective. y = the PCG solution of (L_c + sigma I) y = x from y = 0, to the inner
    /// tolerance or the iteration cap (counted in `report`, never fatal). A non-finite result is
    /// counted in `nonFiniteSolves` and replaced by zeros.
    func solve(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>) {
        let n = localDimension
        let zeros = [Double](repeating: 0, count: n)
        laplacian.set(0, x)
        laplacian.set(1, zeros)
        // A solve that stops at the cap raises HYPRE_ERROR_CONV; the residual below says so.
        HYPRE_ParCSRPCGSolve(pcg, laplacian.parMatrix, laplacian.parVectors[0], laplacian.parVectors[1])
        HYPRE_ClearAllErrors()
        laplacian.get(1, into: y)
        var iterations: HYPRE_Int = 0
        var residual = 0.0
        HYPRE_ParCSRPCGGetNumIterations(pcg, &iterations)
        HYPRE_ParCSRPCGGetFinalRelativeResidualNorm(pcg, &residual)
        // PCG's residual is a global norm (the same on every rank), and a NaN or infinity in any
        // iterate reaches it through the dot products.
        if !residual.isFinite {
            nonFiniteSolves += 1
            for i in 0..<n { y[i] = 0 }
        }
        report.solves += 1
        report.iterations += Int(iterations)
        report.worstRelativeResidual = max(report.worstRelativeResidual, residual.isFinite ? residual : .infinity)
        if !(residual <= report.innerTolerance) { report.unconverged += 1 }
    }
}
