import ClosedForms
import DenseAlgebra
import Diagnostics
import Distributed
import Foundation
import NpyFormat
import Output
import PairGraph
import Spectral

/// input -> graph -> the user's rows of Z (each rank its own) -> one solve per operator ->
/// closed forms -> per loss: loss at Z, minimum, gap, principal angles, ranks, local/global
/// scores -> report.json, local-global.svg.
struct ComparePipeline {
    let settings: CompareSettings
    let context: RunContext
    private var options: CompareSettings { settings }
    private var communicator: Communicator { context.communicator }

    /// Collective.
    func run() throws {
        let context = self.context
        // The embedding's header first: a wrong shape or dtype fails before any work.
        let reader = try NpyRowReader(path: options.embedding)
        let h = reader.header
        guard h.shape.count == 2, h.dtype == .float64 || h.dtype == .float32 else {
            throw InputError(file: options.embedding,
                             reason: "expected a 2-D float64 or float32 array (N x K), found \(h.dtype.rawValue) of shape \(h.shape)")
        }
        let zRows = h.shape[0], zColumns = h.shape[1]
        guard zColumns >= 1 else { throw InputError(file: options.embedding, reason: "the embedding has no columns") }

        let (graph, format, _) = try context.readGraph(options.graph, options.solver)
        let n = graph.nodeCount
        let k = options.dim ?? zColumns
        guard k < n else {
            throw JobFailure(message: "--dim \(k) must be smaller than the number of nodes (\(n))\(options.dim == nil ? " (K defaults to the embedding's columns)" : "")", exitCode: 2)
        }
        if let ncv = options.solver.configuration.lanczos.krylovDimension, ncv <= k + 1 {
            throw JobFailure(message: "--ncv must exceed --dim + 1 (got ncv = \(ncv), dim = \(k))", exitCode: 2)
        }
        var hyper = options.hyper
        if !options.gammaGiven {
            hyper.gamma = GammaResolution.defaultGamma(beta: hyper.beta, nodes: n, totalWeight: graph.totalWeight)
        }

        // Which row of Z holds each owned node; then read exactly those rows.
        let z = try context.timed("read_embedding") { try readOwnRows(reader, graph: graph, rows: zRows, columns: zColumns) }
        let rowLabels = try context.readLabels(options.labels, graph: graph)
        let out = try OutputDirectory(path: options.out, force: options.force, communicator: communicator)

        // Every measure but the scale-dependent losses is invariant under Z -> Z / max|Z|; taking
        // them on that copy keeps squares and products finite for any finite Z.
        let largest = communicator.allreduceMax(z.storage.reduce(0) { max($0, abs($1)) })
        let unitScale = largest > 0 && largest.isFinite ? 1 / largest : 1
        let zUnit = unitScale * z
        let userScores = LocalGlobalScores.measure(zUnit, graph: graph)
        let userRank = try RankDiagnostics.numericalRank(zUnit, communicator: communicator)
        let userLabels = try rowLabels?.alignment(of: zUnit, graph: graph)
        var report = CompareReport(
            command: "compare", arguments: CommandLine.arguments, ranks: communicator.size,
            payload: ComparePayload(
            input: InputSummary(path: options.graph, format: format.rawValue, labels: options.labels),
            graph: graph.statistics,
            settings: SettingsSummary(dim: k, losses: options.losses.map(\.rawValue), hyperparameters: hyper,
                                          solver: options.solver.summary),
            embedding: CompareEmbedding(file: options.embedding, nodesFile: options.nodes, header: h, rowsUsed: n,
                                        numericalRank: userRank, scores: userScores, unitScale: unitScale, labels: userLabels)))

        let solver = context.solver(options.solver.configuration)
        var summaries: [String: LossSummary] = [:]
        var points: [PlotSeries] = []
        let tieCache = rowLabels?.tieCache ?? SpectrumCache()
        for kind in LossOperators.operatorsNeeded(options.losses) {
            let count = LossOperators.eigenpairCount(kind, losses: options.losses, dimension: k)
            let spectrum = try context.solve(kind, count: count, graph: graph, solver: solver, solves: &report.solves,
                                             file: nil, out: out)
            try context.recordLabelEnergy(rowLabels, spectrum: spectrum, dimension: k, graph: graph, solver: solver,
                                          into: &report.labels)
            for loss in options.losses where LossOperators.operatorFor(loss) == kind {
                let evaluation = try Evaluation(loss, spectrum: spectrum, graph: graph, dimension: k, hyper: hyper,
                                                labels: rowLabels, solver: solver, context: context)
                let (summary, zStar, span) = (evaluation.summary, evaluation.embedding, evaluation.span)
                summaries[loss.rawValue] = summary
                let function = LossFunction(loss, graph: graph, hyper: hyper)
                // BarlowTwins does not depend on the scale of Z: evaluated on the unit copy.
                var atZ = context.timed("losses") { function.value(loss == .barlow ? zUnit : z) }
                let best = loss == .barlow ? (scale: 1.0, value: atZ) : context.timed("losses") { function.bestScale(z) }
                let constantColumns = function.zeroVarianceColumns(zUnit)
                var overflow: String? = nil
                if !atZ.isFinite {
                    // Only a Z so large that its 4th powers overflow gets here (inf - inf = NaN);
                    // every loss's degree-4 term is positive, so the value is +inf.
                    atZ = .infinity
                    overflow = "the loss at Z overflows double precision (entries of Z up to \(largest)): reported as inf; gap_at_best_scale is computed on Z rescaled"
                }
                let weighted = loss == .barlow
                let userBasis = try context.timed("angles") { try SubspaceAngles.basis(SubspaceAngles.centred(zUnit, graph: graph, degreeWeighted: weighted), communicator: communicator) }
                var angles: [Double]? = nil
                var starRank: Int? = nil
                if let zStar {
                    let starBasis = try context.timed("angles") { try SubspaceAngles.basis(SubspaceAngles.centred(zStar, graph: graph, degreeWeighted: weighted), communicator: communicator) }
                    starRank = starBasis.columns
                    angles = try context.timed("angles") { try SubspaceAngles.anglesDegrees(userBasis, starBasis, communicator: communicator) }
                }
                var energy: OptimalSubspaceEnergy? = nil
                if let span {
                    energy = try context.timed("optimal_subspace") {
                        try OptimalSubspaceEnergy.measure(zUnit, loss: loss, span: span, spectrum: spectrum, graph: graph,
                                                          solver: solver, dimension: k, cache: tieCache)
                    }
                }
                var notes = [CompareNotes.surrogate(loss, hyper: hyper)] + (overflow.map { [$0] } ?? [])
                if !constantColumns.isEmpty { notes.append(CompareNotes.zeroVariance(constantColumns, loss: loss)) }
                let gap = summary.minLoss.map { CompareNotes.gap(atZ, minimum: $0, notes: &notes, what: "loss at Z") }
                let gapAtBest = summary.minLoss.map { CompareNotes.gap(best.value, minimum: $0, notes: &notes, what: "loss at the best scale") }
                let relativeGap = summary.minLoss.flatMap { m in gap.map { $0 / max(abs(m), 1e-300) } }
                if !summary.unique {
                    notes.append("Z* is not unique (a tied eigenspace at K or a collapse): principal angles to this one Z* depend on an arbitrary basis; read energy_in_optimal_subspace instead")
                }
                report.losses[loss.rawValue] = CompareLoss(
                    summary, lossAtEmbedding: atZ, gap: gap, relativeGap: relativeGap, gapAtBestScale: gapAtBest,
                    bestScale: summary.minLoss == nil ? nil : best.scale, energy: energy, zeroVarianceColumns: constantColumns,
                    principalAnglesDegrees: angles,
                    centring: weighted ? "degree-weighted: D^1/2 (Z - 1 m^T), m = d^T Z / S (what BarlowTwins' standardisation sees)"
                        : "H Z (column means removed over all N rows)",
                    numericalRank: userBasis.columns, closedFormNumericalRank: starRank, notes: notes)
                if let l = summary.localScore, let g = summary.globalScore {
                    points.append(PlotSeries(name: "\(loss.rawValue) Z* (K=\(k))", points: [(l, g)], style: .scatter))
                }
            }
        }
        if let l = userScores.local, let g = userScores.global {
            points.append(PlotSeries(name: "your embedding", points: [(l, g)], style: .scatter))
        }
        if var labels = report.labels {
            labels.guidance = rowLabels?.guidance(labels: labels, losses: summaries, dimension: k)
            report.labels = labels
        }
        try out.writeText("local-global.svg", LocalGlobalPlot.render(series: points))
        report.timings = context.finalTimings
        report.peakMemoryBytes = ProcessMemory.peakResidentBytes()
        try out.writeJSON("report.json", report)
        try out.commit()
        if communicator.isCoordinator { CompareTable.print(report: report, out: options.out) }
    }

    /// Collective. This rank's rows of Z, in the graph's row order. Row of node ID `id`: `id`
    /// itself, or its position in --nodes. A graph node without a row, a duplicate ID in --nodes
    /// or a --nodes file of the wrong shape is an input error on every rank.
    func readOwnRows(_ reader: NpyRowReader, graph: DistributedGraph, rows zRows: Int, columns: Int) throws -> DenseMatrix {
        var wanted = [Int](repeating: -1, count: graph.localRowCount)
        if let nodesPath = options.nodes {
            let ids = try NpyArray.read(path: nodesPath)
            guard ids.isInteger, ids.header.shape.count == 1, ids.header.shape[0] == zRows else {
                throw InputError(file: nodesPath, reason: "expected a 1-D int64 or uint64 array of \(zRows) node IDs (one per row of \(options.embedding)), found \(ids.header.dtype.rawValue) of shape \(ids.header.shape)")
            }
            var rowOf: [UInt64: Int] = [:]
            rowOf.reserveCapacity(zRows)
            for (r, v) in ids.integers.enumerated() {
                let id = UInt64(bitPattern: v)
                if let previous = rowOf.updateValue(r, forKey: id) {
                    throw InputError(file: nodesPath, reason: "node ID \(id) appears twice (rows \(previous) and \(r))")
                }
            }
            for (i, id) in graph.nodeIDs.enumerated() { wanted[i] = rowOf[id] ?? -1 }
        } else {
            for (i, id) in graph.nodeIDs.enumerated() where id < UInt64(zRows) { wanted[i] = Int(id) }
        }
        var missing = Int64.max
        var missingCount = 0
        for (i, r) in wanted.enumerated() where r < 0 {
            missingCount += 1
            missing = min(missing, Int64(bitPattern: graph.nodeIDs[i]))
        }
        let totalMissing = communicator.allreduceSum(missingCount)
        if totalMissing > 0 {
            var m = [missing]
            communicator.allreduceMin(&m)
            let how = options.nodes.map { "its ID is not in \($0)" } ?? "row i holds node ID i and the embedding has \(zRows) rows"
            throw InputError(file: options.embedding,
                             reason: "no row for graph node ID \(UInt64(bitPattern: m[0])) (\(totalMissing) of \(graph.nodeCount) graph nodes have none; \(how))")
        }
        let values = try reader.readRows(wanted)
        // A NaN or Inf would surface much later as a LAPACK argument error naming no file.
        var bad = Int64.max
        for (k, v) in values.enumerated() where !v.isFinite { bad = min(bad, Int64(wanted[k / columns])) }
        var lowest = [bad]
        communicator.allreduceMin(&lowest)
        if lowest[0] != Int64.max {
            throw InputError(file: options.embedding, reason: "row \(lowest[0]) has a non-finite value (NaN or Inf)")
        }
        return DenseMatrix(rows: wanted.count, columns: columns, rowMajor: values)
    }
}
