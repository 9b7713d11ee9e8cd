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
}

/// y ~ (L_c + sigma I)^{-1} x on this rank's rows of one component: hypre PCG preconditioned by one
/// BoomerAMG V-cycle, on the same rows the Lanczos vectors hold (docs/math.md 7.13). The hypre
/// matrix's rows are the component's rows numbered in global-row order (this rank's rows are a
/// contiguous range of it, since the partition is), so no vector is redistributed.
/// Not thread-safe; `solve` is collective over `communicator`.
final class AMGInverse: ShiftedLaplacianInverse {
    let localDimension: Int
    let shift: Double
    private(set) var report: AMGReport
    private let communicator: Communicator
    private var matrix: HYPRE_IJMatrix?
    private var rhs: HYPRE_IJVector?
    private var solution: HYPRE_IJVector?
    private var pcg: HYPRE_Solver?
    private var amg: HYPRE_Solver?
    private var parMatrix: HYPRE_ParCSRMatrix?
    private var parRHS: HYPRE_ParVector?
    private var parSolution: HYPRE_ParVector?
    /// The hypre rows of this rank, ilower..<ilower + localDimension.
    private let indices: [HYPRE_BigInt]

    /// hypre wants HYPRE_Init once per process, after MPI_Init.
    private static let initialised: Bool = HYPRE_Init() == 0

    /// Collective over `communicator` (the ranks holding rows of the component; every one holds
    /// at least one). Builds L_c + sigma I in hypre's IJ format and runs BoomerAMG's setup.
    init(block: ComponentBlock, sigma: Double, tolerance: Double, communicator: Communicator,
         settings: AMGSettings = AMGSettings()) throws {
        precondition(sigma > 0 && sigma.isFinite, "sigma must be positive")
        let began = Date()
        let n = block.rows.count
        localDimension = n
        shift = sigma
        self.communicator = communicator
        report = AMGReport(sigma: sigma, innerTolerance: tolerance)
        guard Self.initialised else { throw EigensolverError.multigrid("HYPRE_Init failed") }
        guard block.size <= Int(Int32.max) else {
            throw EigensolverError.multigrid("the component is beyond hypre's 32-bit row numbers")
        }
        let first = communicator.exclusivePrefixSum(n)
        indices = (0..<n).map { HYPRE_BigInt(first + $0) }

        // Column numbers: every neighbour of a component row is in the component, so one halo
        // exchange of the owned rows' hypre numbers gives the ghosts theirs (exact in a Double).
        var numbers = [Double](repeating: -1, count: max(block.width, 1))
        for (t, r) in block.rows.enumerated() { numbers[Int(r)] = Double(first + t) }
        numbers.withUnsafeMutableBufferPointer { block.exchange.exchange($0.baseAddress!) }

        let low = HYPRE_BigInt(first), high = HYPRE_BigInt(first + n - 1)
        try Self.check(HYPRE_IJMatrixCreate(communicator.handle, low, high, low, high, &matrix), "IJMatrixCreate")
        try Self.check(HYPRE_IJMatrixSetObjectType(matrix, HYPRE_PARCSR), "IJMatrixSetObjectType")
        var sizes = [HYPRE_Int](repeating: 0, count: n)
        for t in 0..<n { sizes[t] = HYPRE_Int(block.rowEnd[t] - block.rowStart[t] + 1) }
        try Self.check(HYPRE_IJMatrixSetRowSizes(matrix, sizes), "IJMatrixSetRowSizes")
        try Self.check(HYPRE_IJMatrixInitialize(matrix), "IJMatrixInitialize")
        var columns: [HYPRE_BigInt] = [], values: [Double] = []
        for t in 0..<n {
            // Row t: d_t + sigma on the diagonal, -w for every neighbour (L = D - G).
            columns.append(indices[t])
            values.append(block.degrees[t] + sigma)
            for q in block.rowStart[t]..<block.rowEnd[t] {
                let c = numbers[Int(block.columns[q])]
                precondition(c >= 0, "a neighbour outside the component")
                columns.append(HYPRE_BigInt(c))
                values.append(-block.weights[q])
            }
        }
        try Self.check(HYPRE_IJMatrixSetValues(matrix, HYPRE_Int(n), &sizes, indices, columns, values), "IJMatrixSetValues")
        try Self.check(HYPRE_IJMatrixAssemble(matrix), "IJMatrixAssemble")
        var object: UnsafeMutableRawPointer?
        try Self.check(HYPRE_IJMatrixGetObject(matrix, &object), "IJMatrixGetObject")
        parMatrix = OpaquePointer(object)

        for which in 0..<2 {
            var vector: HYPRE_IJVector?
            try Self.check(HYPRE_IJVectorCreate(communicator.handle, low, high, &vector), "IJVectorCreate")
            if which == 0 { rhs = vector } else { solution = vector }
            try Self.check(HYPRE_IJVectorSetObjectType(vector, HYPRE_PARCSR), "IJVectorSetObjectType")
            try Self.check(HYPRE_IJVectorInitialize(vector), "IJVectorInitialize")
            try Self.check(HYPRE_IJVectorAssemble(vector), "IJVectorAssemble")
            try Self.check(HYPRE_IJVectorGetObject(vector, &object), "IJVectorGetObject")
            if which == 0 { parRHS = OpaquePointer(object) } else { parSolution = OpaquePointer(object) }
        }

        try Self.check(HYPRE_BoomerAMGCreate(&amg), "BoomerAMGCreate")
        HYPRE_BoomerAMGSetCoarsenType(amg, settings.coarsening)
        HYPRE_BoomerAMGSetInterpType(amg, settings.interpolation)
        HYPRE_BoomerAMGSetPMaxElmts(amg, settings.interpolationMaxElements)
        HYPRE_BoomerAMGSetStrongThreshold(amg, settings.strongThreshold)
        HYPRE_BoomerAMGSetCycleRelaxType(amg, settings.relaxDown, 1)
        HYPRE_BoomerAMGSetCycleRelaxType(amg, settings.relaxUp, 2)
        HYPRE_BoomerAMGSetCycleRelaxType(amg, settings.relaxCoarsest, 3)
        HYPRE_BoomerAMGSetNumSweeps(amg, 1)
        // A preconditioner: exactly one V-cycle per application, no convergence test of its own.
        HYPRE_BoomerAMGSetMaxIter(amg, 1)
        HYPRE_BoomerAMGSetTol(amg, 0)
        HYPRE_BoomerAMGSetPrintLevel(amg, settings.printLevel)
        HYPRE_BoomerAMGSetAggNumLevels(amg, settings.aggressiveLevels)
        HYPRE_BoomerAMGSetMaxCoarseSize(amg, settings.maxCoarseSize)

        try Self.check(HYPRE_ParCSRPCGCreate(communicator.handle, &pcg), "ParCSRPCGCreate")
        HYPRE_ParCSRPCGSetTol(pcg, tolerance)
        HYPRE_ParCSRPCGSetMaxIter(pcg, settings.maxIterations)
        HYPRE_ParCSRPCGSetTwoNorm(pcg, 1)
        HYPRE_ParCSRPCGSetPrintLevel(pcg, 0)
        HYPRE_ParCSRPCGSetLogging(pcg, 1)
        try Self.check(chypre_pcg_set_boomeramg(pcg, amg), "ParCSRPCGSetPrecond")
        try Self.check(HYPRE_ParCSRPCGSetup(pcg, parMatrix, parRHS, parSolution), "ParCSRPCGSetup")
        report.setupSeconds = Date().timeIntervalSince(began)
    }

    deinit {
        if let pcg { HYPRE_ParCSRPCGDestroy(pcg) }
        if let amg { HYPRE_BoomerAMGDestroy(amg) }
        if let rhs { HYPRE_IJVectorDestroy(rhs) }
        if let solution { HYPRE_IJVectorDestroy(solution) }
        if let matrix { HYPRE_IJMatrixDestroy(matrix) }
    }

    /// Collective. y = the PCG solution of (L_c + sigma I) y = x from y = 0, to the inner
    /// tolerance or the iteration cap (counted in `report`, never fatal).
    func solve(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>) {
        let n = localDimension
        var zeros = [Double](repeating: 0, count: n)
        indices.withUnsafeBufferPointer { rows in
            HYPRE_IJVectorSetValues(rhs, HYPRE_Int(n), rows.baseAddress, x)
            HYPRE_IJVectorSetValues(solution, HYPRE_Int(n), rows.baseAddress, &zeros)
            // A solve that stops at the cap raises HYPRE_ERROR_CONV; the residual below says so.
            HYPRE_ParCSRPCGSolve(pcg, parMatrix, parRHS, parSolution)
            HYPRE_ClearAllErrors()
            HYPRE_IJVectorGetValues(solution, HYPRE_Int(n), rows.baseAddress, y)
        }
        var iterations: HYPRE_Int = 0
        var residual = 0.0
        HYPRE_ParCSRPCGGetNumIterations(pcg, &iterations)
        HYPRE_ParCSRPCGGetFinalRelativeResidualNorm(pcg, &residual)
        report.solves += 1
        report.iterations += Int(iterations)
        report.worstRelativeResidual = max(report.worstRelativeResidual, residual)
        if residual > report.innerTolerance { report.unconverged += 1 }
    }

    private static func check(_ code: HYPRE_Int, _ call: String) throws {
        guard code != 0 else { return }
        HYPRE_ClearAllErrors()
        throw EigensolverError.multigrid("\(call) failed (error \(code))")
    }
}
