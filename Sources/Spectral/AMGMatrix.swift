import CHypre
import Distributed
import Foundation

/// L_c + sigma I on this rank's rows of one component, as a hypre IJ (ParCSR) matrix, with two
/// work vectors of the same partition and a BoomerAMG preconditioner built for it (docs/math.md
/// 7.13). The hypre matrix's rows are the component's rows numbered in global-row order (this
/// rank's rows are a contiguous range of it, since the partition is), so no vector is
/// redistributed between Eigenpair and hypre. Shared by AMG shift-invert (PCG) and hypre's
/// LOBPCG. Not thread-safe.
final class HypreLaplacian {
    let localDimension: Int
    let sigma: Double
    let communicator: Communicator
    /// The hypre rows of this rank, ilower..<ilower + localDimension.
    let indices: [HYPRE_BigInt]
    private var matrix: HYPRE_IJMatrix?
    private var vectors: [HYPRE_IJVector?] = []
    private(set) var parMatrix: HYPRE_ParCSRMatrix?
    /// Two ParCSR vectors on the matrix's partition (a right-hand side and a solution, or LOBPCG's
    /// sample vector).
    private(set) var parVectors: [HYPRE_ParVector?] = []

    /// hypre wants HYPRE_Init once per process, after MPI_Init.
    private static let initialised: Bool = HYPRE_Init() == 0

    /// Collective over `communicator` (the ranks holding rows of the component; every one holds
    /// at least one).
    init(block: ComponentBlock, sigma: Double, communicator: Communicator) throws {
        precondition(sigma >= 0 && sigma.isFinite, "sigma must be finite and non-negative")
        let n = block.rows.count
        localDimension = n
        self.sigma = sigma
        self.communicator = communicator
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

        for _ in 0..<2 {
            var vector: HYPRE_IJVector?
            try Self.check(HYPRE_IJVectorCreate(communicator.handle, low, high, &vector), "IJVectorCreate")
            vectors.append(vector)
            try Self.check(HYPRE_IJVectorSetObjectType(vector, HYPRE_PARCSR), "IJVectorSetObjectType")
            try Self.check(HYPRE_IJVectorInitialize(vector), "IJVectorInitialize")
            try Self.check(HYPRE_IJVectorAssemble(vector), "IJVectorAssemble")
            try Self.check(HYPRE_IJVectorGetObject(vector, &object), "IJVectorGetObject")
            parVectors.append(OpaquePointer(object))
        }
    }

    deinit {
        for vector in vectors { if let vector { HYPRE_IJVectorDestroy(vector) } }
        if let matrix { HYPRE_IJMatrixDestroy(matrix) }
    }

    /// Not collective. IJ vector `which` (0 or 1) <- this rank's entries `x`.
    func set(_ which: Int, _ x: UnsafePointer<Double>) {
        indices.withUnsafeBufferPointer { rows in
            _ = HYPRE_IJVectorSetValues(vectors[which], HYPRE_Int(localDimension), rows.baseAddress, x)
        }
    }

    /// Not collective. This rank's entries of IJ vector `which` -> `y`.
    func get(_ which: Int, into y: UnsafeMutablePointer<Double>) {
        indices.withUnsafeBufferPointer { rows in
            _ = HYPRE_IJVectorGetValues(vectors[which], HYPRE_Int(localDimension), rows.baseAddress, y)
        }
    }

    /// Not collective. A BoomerAMG solver configured as one V-cycle of a preconditioner with
    /// `settings` (set up later, by the Krylov method that uses it); the caller destroys it.
    /// hypre validates each setting, and a rejected one is an error here.
    static func boomerAMG(_ settings: AMGSettings) throws -> HYPRE_Solver? {
        var amg: HYPRE_Solver?
        try check(HYPRE_BoomerAMGCreate(&amg), "BoomerAMGCreate")
        do {
            try check(HYPRE_BoomerAMGSetCoarsenType(amg, settings.coarsening), "BoomerAMGSetCoarsenType")
            try check(HYPRE_BoomerAMGSetInterpType(amg, settings.interpolation), "BoomerAMGSetInterpType")
            try check(HYPRE_BoomerAMGSetPMaxElmts(amg, settings.interpolationMaxElements), "BoomerAMGSetPMaxElmts")
            try check(HYPRE_BoomerAMGSetStrongThreshold(amg, settings.strongThreshold), "BoomerAMGSetStrongThreshold")
            try check(HYPRE_BoomerAMGSetCycleRelaxType(amg, settings.relaxDown, 1), "BoomerAMGSetCycleRelaxType")
            try check(HYPRE_BoomerAMGSetCycleRelaxType(amg, settings.relaxUp, 2), "BoomerAMGSetCycleRelaxType")
            try check(HYPRE_BoomerAMGSetCycleRelaxType(amg, settings.relaxCoarsest, 3), "BoomerAMGSetCycleRelaxType")
            try check(HYPRE_BoomerAMGSetNumSweeps(amg, 1), "BoomerAMGSetNumSweeps")
            // A preconditioner: exactly one V-cycle per application, no convergence test of its own.
            try check(HYPRE_BoomerAMGSetMaxIter(amg, 1), "BoomerAMGSetMaxIter")
            try check(HYPRE_BoomerAMGSetTol(amg, 0), "BoomerAMGSetTol")
            try check(HYPRE_BoomerAMGSetPrintLevel(amg, settings.printLevel), "BoomerAMGSetPrintLevel")
            try check(HYPRE_BoomerAMGSetAggNumLevels(amg, settings.aggressiveLevels), "BoomerAMGSetAggNumLevels")
            try check(HYPRE_BoomerAMGSetMaxCoarseSize(amg, settings.maxCoarseSize), "BoomerAMGSetMaxCoarseSize")
        } catch {
            HYPRE_BoomerAMGDestroy(amg)
            throw error
        }
        return amg
    }

    static func check(_ code: HYPRE_Int, _ call: String) throws {
        guard code != 0 else { return }
        HYPRE_ClearAllErrors()
        throw EigensolverError.multigrid("\(call) failed (error \(code))")
    }
}
