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
    }

    /// What the solving ranks tell the others (values bit for bit).
    private struct Outcome: Codable {
        var values: [UInt64] = []
        var report: LanczosReport?
        var arpackRoutine: String?
        var arpackInfo: Int?
        var message: String?
    }

    /// Collective over `graph.communicator`. PARPACK rejects a local dimension of 0 (pdsaupd info
    /// -1 on that rank, while the others wait for it forever), so the solve runs on the ranks that
    /// hold rows of the component (a sub-communicator when some hold none) and its lowest rank
    /// broadcasts values and report to the rest.
    func lanczos(_ graph: DistributedGraph, component c: Int, kind: RelationOperatorKind, weights: [Double],
                 count: Int) throws -> LanczosResult {
        let world = graph.communicator
        let block = ComponentBlock(graph: graph, component: c)
        let size = block.size
        let volume = kind == .adjacency ? 0 : world.allreduceSum(block.rows.reduce(0) { $0 + weights[Int($1)] })
        var label = "\(kind.rawValue), component \(c) (\(size) nodes)"
        var solve = ComponentSolve(component: c, nodes: size, shift: nil,
                                   report: LanczosReport(requested: count, converged: 0, restarts: 0, matvecs: 0,
                                                         krylovDimension: 0, dimension: size, seconds: 0, info: 0))
        let holding = !block.rows.isEmpty
        let participants = world.allreduceSum(holding ? 1 : 0)
        let root = world.allreduceMin(holding ? world.rank : world.size)
        let solvers = participants == world.size ? world : world.split(color: holding ? 0 : 1, key: world.rank)
        defer { if participants != world.size { solvers.free() } }
        let reporting = world.isCoordinator

        var factor: CholmodFactor?
        var shift: Double?
        if kind == .laplacian {
            let plan = try shiftInvertPlan(graph, block: block, label: label)
            solve.factorNonzeros = plan.analysedNonzeros
            solve.factorBytes = plan.factorBytes
            solve.methodNote = plan.note
            factor = plan.factor
            if let factor {
                // Largest theta of P (L_c + eps I)^{-1} P; lambda = 1/theta - eps, same vectors.
                solve.method = LaplacianMethod.shiftInvert.rawValue
                solve.shift = -factor.epsilon
                solve.epsilon = factor.epsilon
                solve.factorOrdering = factor.ordering
                solve.factorSeconds = plan.seconds
                label += ", shift-invert"
            } else {
                if let note = plan.note, reporting { progress?("lanczos \(label): spectral shift (sigma I - L), since \(note)") }
                solve.method = LaplacianMethod.spectralShift.rawValue
                shift = block.andersonMorley(graph: graph)
                solve.shift = shift
            }
        }

        var outcome = Outcome()
        var vectors: [Double] = []
        if holding {
            let indicator = kind == .adjacency ? [] : KnownEigenvectors.localIndicator(rows: block.rows, weights: weights,
                                                                                        volume: volume)
            let deflation = Deflation(indicator, active: kind != .adjacency, communicator: solvers)
            var start = block.rows.map { StartVector.entry(globalRow: block.firstRow + Int($0)) }
            deflation.project(&start)
            let solver = lanczosSolver(label: label, communicator: solvers, reporting: reporting)
            do {
                var values: [Double]
                let report: LanczosReport
                if let factor {
                    let op = ShiftInvertOperator(factor: factor, deflation: deflation)
                    (values, vectors, report) = try solver.largest(op, count: count, globalDimension: size, start: start)
                    values = values.map { 1 / $0 - factor.epsilon }
                } else {
                    let op = ComponentOperator(block: block, kind: kind, shift: shift ?? 0, deflation: deflation)
                    (values, vectors, report) = try solver.largest(op, count: count, globalDimension: size, start: start)
                    if let shift { values = values.map { shift - $0 } }
                }
                outcome.values = values.map(\.bitPattern)
                outcome.report = report
            } catch EigensolverError.arpack(let routine, let info) {
                outcome.arpackRoutine = routine
                outcome.arpackInfo = info
            } catch {
                outcome.message = "\(error)"
            }
        }
        var bytes = world.rank == root ? try JSONEncoder().encode(outcome).map { $0 } : []
        world.broadcast(&bytes, root: root)
        outcome = try JSONDecoder().decode(Outcome.self, from: Data(bytes))
        if let routine = outcome.arpackRoutine { throw EigensolverError.arpack(routine: routine, info: outcome.arpackInfo ?? 0) }
        if let message = outcome.message { throw EigensolverError.invalidRequest(message) }
        solve.report = outcome.report ?? solve.report
        return LanczosResult(values: outcome.values.map { Double(bitPattern: $0) }, rows: block.rows, vectors: vectors,
                             solve: solve)
    }

    private func lanczosSolver(label: String, communicator: Communicator, reporting: Bool) -> LanczosSolver {
        let progress = reporting ? self.progress : nil
        return LanczosSolver(settings: settings, communicator: communicator) { matvecs, seconds in
            progress?(String(format: "lanczos %@: %d matvecs, %.1f s", label, matvecs, seconds))
        }
    }
}
