import Distributed
import Foundation
import PairGraph

/// Large components: PARPACK Lanczos over the distributed component operator.
extension SpectrumSolver {
    struct LanczosResult {
        var values: [Double]
        /// The component's local rows of the graph, and their rows of the vectors (column-major).
        var rows: [Int32]
        var vectors: [Double]
        var solve: ComponentSolve
        /// ARPACK's tolerance of this solve.
        var tolerance: Double
        /// Shift-invert: the factor, kept for a refinement.
        var factor: CholmodFactor? = nil
        /// `.ritzBound`: the gap check's interval for the component's next eigenvalue (`gapCheck`,
        /// docs/math.md 7.12); nil when not run or when it failed.
        var gapCheck: ClosedRange<Double>? = nil

        /// The intervals that bound lambda_{K+1} from this component: the gap check's (nil: unbounded).
        var tails: [ClosedRange<Double>?] { [gapCheck] }
    }

    /// What the solving ranks tell the others (values bit for bit).
    private struct Outcome: Codable {
        var values: [UInt64] = []
        var report: LanczosReport?
        var failure: EigensolverError?
        var chebyshev: ChebyshevReport?
        /// The ARPACK tolerance actually used, when the method chose its own (Chebyshev).
        var arpackTolerance: Double?
        /// `.ritzBound`: the gap check's interval on M's scale (bit patterns of its ends), and its products.
        var gapCheck: [UInt64]?
        var gapCheckMatvecs: Int?
        var amg: AMGReport?
        /// AMG shift-invert: the method `auto` settled on (AMG or the spectral shift), sigma, and why.
        var method: String?
        var sigma: Double?
        var methodNote: String?
    }

    /// Collective over `graph.communicator`. PARPACK rejects a local dimension of 0 (pdsaupd info
    /// -1 on that rank, while the others wait for it forever), so the solve runs on the ranks that
    /// hold rows of the component (a sub-communicator when some hold none) and its lowest rank
    /// broadcasts values and report to the rest. `warmStart`: an earlier solve of the same component
    /// (refinement), whose Ritz vectors' sum starts this one and whose method is kept.
    func lanczos(_ graph: DistributedGraph, component c: Int, kind: RelationOperatorKind, weights: [Double],
                 count: Int, tolerance: Double, warmStart: LanczosResult? = nil) throws -> LanczosResult {
        let world = graph.communicator
        let block = ComponentBlock(graph: graph, component: c)
        let size = block.size
        let volume = kind == .adjacency ? 0 : world.allreduceSum(block.rows.reduce(0) { $0 + weights[Int($1)] })
        var label = "\(kind.rawValue), component \(c) (\(size) nodes)"
        var solve = ComponentSolve(component: c, nodes: size, shift: nil,
                                   report: LanczosReport(requested: count, converged: 0, restarts: 0, matvecs: 0,
                                                         krylovDimension: 0, dimension: size, seconds: 0, info: .normal))
        let holding = !block.rows.isEmpty
        let participants = world.allreduceSum(holding ? 1 : 0)
        let root = world.allreduceMin(holding ? world.rank : world.size)
        let solvers = participants == world.size ? world : world.split(color: holding ? 0 : 1, key: world.rank)
        defer { if participants != world.size { solvers.free() } }
        let reporting = world.isCoordinator

        let indicator = kind == .adjacency || !holding ? []
            : KnownEigenvectors.localIndicator(rows: block.rows, weights: weights, volume: volume)
        let deflation = Deflation(indicator, active: kind != .adjacency, communicator: solvers)
        var start = block.rows.map { StartVector.entry(globalRow: block.firstRow + Int($0)) }
        if let warmStart, !warmStart.values.isEmpty {
            let m = block.rows.count
            start = (0..<m).map { t in (0..<warmStart.values.count).reduce(0) { $0 + warmStart.vectors[$1 * m + t] } }
        }
        if holding { deflation.project(&start) }

        var factor: CholmodFactor?
        var shift: Double?
        var method: LaplacianMethod?
        var andersonMorley = 0.0
        var planBounds: SpectrumBounds?
        if kind == .laplacian, let warmStart {
            // A refinement keeps the method (and the factor or filter) of the solve it refines.
            solve = warmStart.solve
            factor = warmStart.factor
            method = warmStart.solve.method.flatMap(LaplacianMethod.init(rawValue:))
            if method == .chebyshev {
                // The filter's own rounding (u T_m(t(0))) may be what failed: refine by the spectral
                // shift instead, from the filtered Ritz vectors.
                method = .spectralShift
                solve.shift = block.andersonMorley(graph: graph)
                solve.method = method?.rawValue
                solve.methodNote = "chebyshev pairs failed the certification; refined by the spectral shift"
            }
            shift = method == .spectralShift ? solve.shift : nil
            label += ", " + (method?.rawValue ?? "")
        } else if let warmStart, let filter = warmStart.solve.chebyshev {
            // G, A_n: a refinement of a filtered solve runs on the operator itself.
            solve.chebyshev = filter
            solve.methodNote = "chebyshev pairs failed the certification; refined unfiltered"
        } else if kind == .laplacian {
            andersonMorley = block.andersonMorley(graph: graph)
            let plan = try shiftInvertPlan(graph, block: block, label: label, count: count, sigma: andersonMorley) {
                try SpectrumBounds(negativeLaplacian: ComponentOperator(block: block, kind: .laplacian, shift: 0,
                                                                        deflation: deflation),
                                   start: start, steps: Self.predictionSteps, globalDimension: size,
                                   andersonMorley: andersonMorley, communicator: solvers)
            }
            solve.factorNonzeros = plan.analysedNonzeros
            solve.factorBytes = plan.factorBytes
            solve.predictedFactorBytes = plan.predictedFactorBytes
            solve.methodNote = plan.note
            factor = plan.factor
            planBounds = plan.bounds
            if let factor {
                // Largest theta of P (L_c + eps I)^{-1} P; lambda = 1/theta - eps, same vectors.
                method = .shiftInvert
                solve.shift = -factor.epsilon
                solve.epsilon = factor.epsilon
                solve.factorOrdering = factor.ordering
                solve.factorSeconds = plan.seconds
            } else {
                method = plan.fallback
                // Under `auto` without a factor the method is chosen later (`amgChoice`): say only why
                // there is no factor here, and name the method once it is known.
                let undecided = self.method.laplacianMethod == .auto && plan.fallback == .amg
                if let note = plan.note, reporting {
                    progress?("lanczos \(label): " + (undecided ? "no shift-invert factor, since \(note)"
                                                                 : "\(plan.fallback.rawValue), since \(note)"))
                }
                if method == .spectralShift {
                    shift = andersonMorley
                    solve.shift = shift
                }
            }
            solve.method = method?.rawValue
            label += ", " + (method?.rawValue ?? "")
        }

        // The gap check on L runs on Q (sigma I - L) Q (collective over the whole communicator).
        let gapSigma = kind == .laplacian && self.method.nextEigenvalue == .ritzBound
            ? (andersonMorley > 0 ? andersonMorley : block.andersonMorley(graph: graph)) : 0
        var outcome = Outcome()
        var vectors: [Double] = []
        if holding {
            var solver = lanczosSolver(label: label, communicator: solvers, reporting: reporting, tolerance: tolerance)
            do {
                if method == .lobpcg && !Self.lobpcgFits(count: count, size: size) {
                    method = .spectralShift
                    shift = andersonMorley
                    outcome.method = method?.rawValue
                    outcome.methodNote = "spectral shift: the component is too small for a LOBPCG block of \(count)"
                }
                if (method == .amg || method == .jacobi || method == .lobpcg) && solve.epsilon == nil {
                    // sigma from lambda_1's estimate; `auto` also weighs AMG against the spectral
                    // shift here, where the holding ranks can run the estimate (docs/math.md 7.13).
                    let bounds = try planBounds ?? SpectrumBounds(
                        negativeLaplacian: ComponentOperator(block: block, kind: .laplacian, shift: 0, deflation: deflation),
                        start: start, steps: Self.predictionSteps, globalDimension: size,
                        andersonMorley: andersonMorley, communicator: solvers)
                    // The same short run gives the filter its bounds when `auto` picks it.
                    planBounds = bounds
                    if self.method.laplacianMethod == .auto {
                        let choice = amgChoice(block: block, bounds: bounds, andersonMorley: andersonMorley,
                                               communicator: solvers)
                        outcome.methodNote = choice.note
                        if choice.method != method, let from = method {
                            // The progress lines name the method that runs.
                            label = label.replacingOccurrences(of: ", " + from.rawValue, with: ", " + choice.method.rawValue)
                            solver = lanczosSolver(label: label, communicator: solvers, reporting: reporting,
                                                   tolerance: tolerance)
                        }
                        if reporting { progress?("lanczos \(label): \(choice.note)") }
                        method = choice.method
                    }
                    outcome.method = method?.rawValue
                    if method == .amg || method == .jacobi || method == .lobpcg {
                        outcome.sigma = Self.amgShift(bounds: bounds, andersonMorley: andersonMorley)
                        solve.epsilon = outcome.sigma
                    }
                }
                var amgSolution: AMGSolution?
                if method == .amg || method == .jacobi, let sigma = solve.epsilon {
                    let preconditioner: InnerPreconditioner = method == .jacobi ? .jacobi : .boomerAMG
                    if reporting {
                        progress?("pcg \(label): hypre PCG \(preconditioner == .jacobi ? "with diagonal scaling" : "with BoomerAMG (setup)") on L + sigma I, sigma = \(sigma)")
                    }
                    // `auto` falls back to the spectral shift when hypre fails; an explicit `amg`
                    // fails with it (docs/math.md 7.13, "When hypre fails").
                    let auto = self.method.laplacianMethod == .auto && warmStart == nil
                    // A first solve at `tolerance` itself is certified only after refinements on
                    // hub graphs (docs/math.md 7.13): start at `firstOuterTolerance`.
                    // The spectral shift of a fallback keeps `solver` at `tolerance`.
                    let outer = warmStart == nil ? Self.firstOuterTolerance(tolerance) : tolerance
                    let inverseSolver = outer == tolerance ? solver
                        : lanczosSolver(label: label, communicator: solvers, reporting: reporting, tolerance: outer)
                    do {
                        amgSolution = try amgShiftInvert(block: block, deflation: deflation, start: start, count: count,
                                                         sigma: sigma, tolerance: outer, trial: auto,
                                                         preconditioner: preconditioner, solver: inverseSolver,
                                                         communicator: solvers)
                        if outer != tolerance { outcome.arpackTolerance = outer }
                    } catch EigensolverError.multigrid(let why) where auto {
                        let note = "\(preconditioner == .jacobi ? "Jacobi" : "AMG") shift-invert failed (\(why)); fell back to the spectral shift"
                        if reporting { progress?("lanczos \(label): \(note)") }
                        outcome.methodNote = [outcome.methodNote, note].compactMap { $0 }.joined(separator: "; ")
                        method = .spectralShift
                        shift = andersonMorley
                        outcome.method = method?.rawValue
                        outcome.sigma = nil
                    }
                }
                // The method is final here. A refinement of a filtered solve runs unfiltered (L: by the
                // spectral shift, above), from the filtered Ritz vectors.
                let filtered = warmStart == nil
                    && (kind == .laplacian ? method == .chebyshev : self.method.filter == .chebyshev)
                var values: [Double]
                let report: LanczosReport
                if let factor {
                    let op = ShiftInvertOperator(inverse: factor, deflation: deflation)
                    (values, vectors, report) = try solver.largest(op, count: count, globalDimension: size, start: start)
                    values = values.map { 1 / $0 - factor.epsilon }
                } else if let amgSolution {
                    (values, vectors, report) = (amgSolution.values, amgSolution.vectors, amgSolution.report)
                    outcome.amg = amgSolution.amg
                } else if method == .lobpcg, let sigma = solve.epsilon {
                    if reporting { progress?("lobpcg \(label): hypre LOBPCG + BoomerAMG on L + sigma I, sigma = \(sigma)") }
                    let warm = warmStart.flatMap { $0.values.count == count ? $0.vectors : nil }
                    let amg: AMGReport
                    (values, vectors, report, amg) = try lobpcgSolve(block: block, deflation: deflation, count: count,
                                                                     sigma: sigma, tolerance: tolerance,
                                                                     andersonMorley: andersonMorley, warm: warm,
                                                                     communicator: solvers)
                    outcome.amg = amg
                } else if filtered {
                    let filter: ChebyshevReport
                    (values, vectors, report, filter) = try chebyshevSolve(
                        block: block, kind: kind, deflation: deflation, start: start, count: count, tolerance: tolerance,
                        bounds: planBounds, cap: kind == .laplacian ? andersonMorley : graph.maxDegree,
                        operatorNorm: RelationOperator(kind, graph: graph).normBound,
                        label: label, reporting: reporting, communicator: solvers)
                    outcome.chebyshev = filter
                    outcome.arpackTolerance = filter.arpackTolerance
                } else {
                    let op = ComponentOperator(block: block, kind: kind, shift: shift ?? 0, deflation: deflation)
                    (values, vectors, report) = try solver.largest(op, count: count, globalDimension: size, start: start)
                    if let shift { values = values.map { shift - $0 } }
                }
                if kind == .laplacian && !filtered {
                    (values, vectors) = rayleighQuotients(block: block, kind: kind, deflation: deflation, vectors: vectors,
                                                          count: values.count, communicator: solvers)
                }
                var counted = report
                if self.method.nextEigenvalue == .ritzBound,
                   let check = try? gapCheck(block: block, kind: kind, deflation: deflation, vectors: vectors,
                                             values: values, sigma: gapSigma, size: size, tolerance: tolerance,
                                             communicator: solvers) {
                    outcome.gapCheck = [check.interval.lowerBound.bitPattern, check.interval.upperBound.bitPattern]
                    counted.matvecs += check.matvecs
                    outcome.gapCheckMatvecs = check.matvecs
                }
                outcome.values = values.map(\.bitPattern)
                outcome.report = counted
            } catch let error as EigensolverError {
                outcome.failure = error
            } catch {
                outcome.failure = .invalidRequest("\(error)")
            }
        }
        outcome = world.broadcast(world.rank == root ? outcome : nil, root: root)
        if let failure = outcome.failure { throw failure }
        solve.report = outcome.report ?? solve.report
        solve.tolerance = outcome.arpackTolerance ?? tolerance
        if let filter = outcome.chebyshev { solve.chebyshev = filter }
        solve.gapCheckMatvecs = outcome.gapCheckMatvecs
        solve.amg = outcome.amg
        if let chosen = outcome.method {
            solve.method = chosen
            let inverse = [LaplacianMethod.amg, .jacobi, .lobpcg].map(\.rawValue).contains(chosen)
            solve.shift = inverse ? outcome.sigma.map { -$0 } : andersonMorley
            solve.epsilon = outcome.sigma
        }
        if let note = outcome.methodNote {
            solve.methodNote = [solve.methodNote, note].compactMap { $0 }.joined(separator: "; ")
        }
        var result = LanczosResult(values: outcome.values.map { Double(bitPattern: $0) }, rows: block.rows, vectors: vectors,
                                   solve: solve, tolerance: solve.tolerance ?? tolerance, factor: factor)
        if let ends = outcome.gapCheck { result.gapCheck = Double(bitPattern: ends[0])...Double(bitPattern: ends[1]) }
        return result
    }

    /// Collective over `communicator` (the ranks holding the component). The Rayleigh quotients
    /// lambda_j = v_j' M v_j / v_j' v_j of the Ritz vectors on M itself, the wanted end first, with the
    /// vectors in that order: sigma - theta loses the digits of a small lambda below sigma (about u sigma), and a
    /// filtered operator's theta does not map back at all; the quotient is accurate to O(residual^2).
    func rayleighQuotients(block: ComponentBlock, kind: RelationOperatorKind, deflation: Deflation, vectors: [Double],
                           count: Int, communicator: Communicator) -> ([Double], [Double]) {
        let n = block.rows.count
        // shift 0: the operator is -L, G or A_n on the component (deflated); M = sign times it.
        let sign: Double = kind == .laplacian ? -1 : 1
        let base = ComponentOperator(block: block, kind: kind, shift: 0, deflation: deflation)
        var sums = [Double](repeating: 0, count: 2 * count)
        // One product buffer reused from column to column (a vector product each, as
        // `apply(columns:)` does by default): an n x count block of products was a first touch of
        // fresh pages. Each sum runs over the rows in order, as before.
        let product = UnsafeMutablePointer<Double>.allocate(capacity: max(n, 1))
        defer { product.deallocate() }
        vectors.withUnsafeBufferPointer { v in
            for j in 0..<count {
                let x = v.baseAddress.map { $0 + j * n } ?? UnsafePointer(product)
                base.apply(x, into: product)
                var quotient = 0.0, norm = 0.0
                for i in 0..<n {
                    quotient += sign * x[i] * product[i]
                    norm += x[i] * x[i]
                }
                sums[2 * j] = quotient
                sums[2 * j + 1] = norm
            }
        }
        communicator.allreduceSum(&sums)
        let quotients = (0..<count).map { sums[2 * $0] / sums[2 * $0 + 1] }
        // The wanted end first: ascending for L, descending for G and A_n.
        let order = (0..<count).sorted {
            quotients[$0] != quotients[$1] ? sign * quotients[$0] > sign * quotients[$1] : $0 < $1
        }
        if order.elementsEqual(0..<count) { return (quotients, vectors) }
        var sorted: [Double] = []
        sorted.reserveCapacity(n * count)
        for j in order { sorted.append(contentsOf: vectors[(j * n)..<((j + 1) * n)]) }
        return (order.map { quotients[$0] }, sorted)
    }

    private func lanczosSolver(label: String, communicator: Communicator, reporting: Bool,
                               tolerance: Double) -> LanczosSolver {
        let progress = reporting ? self.progress : nil
        let settings = self.settings.with(tolerance: tolerance)
        return LanczosSolver(settings: settings, communicator: communicator) { state in
            progress?("lanczos \(label): \(state.summary())")
        }
    }
}
