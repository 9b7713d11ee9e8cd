import Diagnostics
import Distributed
import Foundation
import Output
import PairGraph
import Spectral

/// What every command's run shares: the communicator, progress lines, the time of each phase
/// (and the peak memory at its end), and the steps each pipeline repeats: read the graph (and
/// keep its largest component), solve an operator and check the solve, write its spectrum,
/// record the operator's label energy.
public final class RunContext {
    public let communicator: Communicator
    let progress: Progress
    /// Seconds per phase (accumulated over the phase's calls).
    private(set) var timings: [String: Double] = [:]
    /// The peak RSS so far at the end of each phase: where the run's peak is reached.
    private(set) var peakAfter: [String: Int] = [:]

    init(communicator: Communicator, progress: Progress) {
        self.communicator = communicator
        self.progress = progress
    }

    /// `body`, its time added to `phase`.
    func timed<T>(_ phase: String, _ body: () throws -> T) rethrows -> T {
        let t0 = Date()
        defer {
            timings[phase, default: 0] += Date().timeIntervalSince(t0)
            peakAfter[phase] = ProcessMemory.peakResidentBytes()
        }
        return try body()
    }

    func record(_ phase: String, seconds: Double) { timings[phase] = seconds }

    func note(_ line: String) { progress.note(line) }

    /// The phase timings with the run's `total`, for the report header.
    var finalTimings: [String: Double] {
        var all = timings
        all["total"] = progress.elapsed
        return all
    }

    /// Collective. Reads `path` (each rank its rows), keeping only the largest component when
    /// asked. Phases `read` (and `largest_component`).
    func readGraph(_ path: String, _ settings: SolverSettings)
        throws -> (graph: DistributedGraph, format: GraphFormat, inputPhases: [String: Double]) {
        note("reading \(path) on \(communicator.size) rank\(communicator.size == 1 ? "" : "s")")
        var (graph, format, phases) = try timed("read") {
            try DistributedGraphBuilder.read(path: path, merge: settings.merge, communicator: communicator)
        }
        if settings.largestComponent { graph = timed("largest_component") { graph.largestComponent() } }
        return (graph, format, phases)
    }

    /// Collective. Labels read and matched to the graph's rows (phase `labels`).
    func readLabels(_ path: String?, graph: DistributedGraph) throws -> LabelAssignment? {
        try timed("labels") { try path.map { try LabelAssignment(path: $0, graph: graph) } }
    }

    func solver(_ configuration: SolverConfiguration) -> SpectrumSolver {
        SpectrumSolver(settings: configuration.lanczos, method: configuration.method) { [progress] line in
            progress.note(line)
        }
    }

    /// Collective. `count` eigenpairs of `kind` (phase `solve_<operator>`), listed in `solves`
    /// before the check, so a report of a failed run would show it; `NotConverged` unless every
    /// pair converged and is certified. With `file`, the eigenvalues are written there.
    func solve(_ kind: RelationOperatorKind, count: Int, graph: DistributedGraph, solver: SpectrumSolver,
               solves: inout [SolveSummary], file: String?, out: OutputDirectory) throws -> Spectrum {
        note("solving \(kind.rawValue): \(count) eigenpairs")
        let spectrum = try timed(kind.solvePhase) { try solver.solve(graph, kind: kind, count: count) }
        solves.append(SolveSummary(spectrum, file: file ?? ""))
        guard spectrum.converged else { throw NotConverged(spectrum: spectrum) }
        if let file { try timed("write") { try out.writeNpy(file, spectrum.values) } }
        return spectrum
    }

    /// Collective. The label energy of the operator's top-`k` eigenspace, into `summary` (phase `labels`).
    func recordLabelEnergy(_ labels: LabelAssignment?, spectrum: Spectrum, dimension k: Int, graph: DistributedGraph,
                           solver: SpectrumSolver, into summary: inout LabelsSummary?) throws {
        guard let labels else { return }
        try timed("labels") {
            try labels.recordOperatorEnergy(spectrum, dimension: k, graph: graph, solver: solver, into: &summary)
        }
    }
}
