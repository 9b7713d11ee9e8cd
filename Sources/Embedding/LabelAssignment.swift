import ClosedForms
import DenseAlgebra
import Diagnostics
import Output
import PairGraph
import Spectral

/// Labels read from a file and matched to the graph's rows, with the diagnostics that use them.
struct LabelAssignment {
    let file: String
    let matrix: LabelMatrix
    let notInGraph: Int
    /// Tie extensions already solved (shared by the operator energies and the per-loss ones).
    let tieCache = SpectrumCache()

    /// Collective. The labels file is read in parallel (each rank parses a byte range; labels
    /// travel to the owners of their nodes), and every rank keeps its own rows' labels.
    init(path: String, graph: DistributedGraph) throws {
        let owned = try OwnedLabels.read(path: path, nodeIDs: graph.nodeIDs, communicator: graph.communicator)
        file = path
        notInGraph = owned.notInGraph
        matrix = try LabelMatrix(classes: owned.classes, classCount: owned.classNames.count,
                                 classNames: owned.classNames, communicator: graph.communicator)
        guard matrix.labelledCount > 0 else {
            throw InputError(file: path, reason: "no label matches a node of the graph")
        }
    }

    func summary(graph: DistributedGraph) -> LabelsSummary? {
        guard let within = try? GraphAlignment.withinClassWeight(graph, labels: matrix) else { return nil }
        return LabelsSummary(file: file, labelled: matrix.labelledCount, classes: matrix.presentClassCount,
                             notInGraph: notInGraph, withinClass: within)
    }

    func capturedEnergy(of eigenvectors: DenseMatrix) -> Double? {
        (try? GraphAlignment.eigenspaceLabelEnergy(eigenvectors, labels: matrix)) ?? nil
    }

    /// Collective. Label energy of the operator's top-K eigenspace (A_n: off the trivial vector),
    /// recorded in `labels`. When the K-th eigenvalue ties with the next, any K-column cut of the
    /// tie is an arbitrary basis, so the whole tied eigenspace is measured instead (solved further
    /// as needed) and `operator_label_energy_space` says so; if the tie runs past
    /// `TiedSpectrum.cap` pairs, only the eigenvectors above the tie are measured (a lower bound).
    func recordOperatorEnergy(_ spectrum: Spectrum, dimension k: Int, graph: DistributedGraph, solver: SpectrumSolver,
                              into summary: inout LabelsSummary?) throws {
        guard var labels = summary ?? self.summary(graph: graph) else { return }
        defer { summary = labels }
        let first = spectrum.trivialFirst ? 1 : 0
        let cut = min(first + k, spectrum.values.count)
        guard cut > first else { return }
        var vectors = spectrum.vectors.columns(first..<cut)
        var space: String? = nil
        if let next = spectrum.value(after: cut), nearlyEqual(next, spectrum.values[cut - 1]) {
            let tie = try TiedSpectrum.through(spectrum, boundary: cut - 1, graph: graph, solver: solver, cap: TiedSpectrum.cap(dimension: k),
                                                cache: tieCache)
            if tie.complete {
                vectors = tie.spectrum.vectors.columns(first..<tie.end)
                space = "the top-\(cut - first) eigenspace extended by the whole tied eigenspace at K (\(tie.end - first) eigenvectors: the K-th eigenvalue \(spectrum.values[cut - 1]) is tied)"
            } else {
                var start = cut - 1
                while start > first && nearlyEqual(spectrum.values[start - 1], spectrum.values[cut - 1]) { start -= 1 }
                vectors = spectrum.vectors.columns(first..<start)
                space = "the \(start - first) eigenvectors above the tie at K (the tied eigenspace runs past \(tie.spectrum.values.count) pairs): a lower bound"
            }
        }
        labels.operatorLabelEnergy[spectrum.kind.rawValue] = vectors.columns > 0 ? capturedEnergy(of: vectors) : 0
        if let space { labels.operatorLabelEnergySpace[spectrum.kind.rawValue] = space }
    }

    func alignment(of z: DenseMatrix, graph: DistributedGraph) throws -> LabelReport {
        try LabelReport(embedding: z, labels: matrix, nodeIDs: graph.nodeIDs)
    }

    /// Collective. When Z* is not unique because its last directions cut a tied eigenspace, the
    /// best label energy of any optimal Z* (`LabelAlignment.bestLabelEnergy` over the whole tie,
    /// solved further as needed); nil when Z* is unique, the span is not of that kind, or the tie
    /// runs past `TiedSpectrum.cap` pairs.
    func bestOptimalEnergy(span: OptimalSpan?, unique: Bool, spectrum: Spectrum, dimension k: Int,
                           graph: DistributedGraph, solver: SpectrumSolver) throws -> Double? {
        guard !unique, case .leading(let count, let offset, true)? = span, count > 0 else { return nil }
        let boundary = offset + count - 1
        let tie = try TiedSpectrum.through(spectrum, boundary: boundary, graph: graph, solver: solver, cap: TiedSpectrum.cap(dimension: k),
                                                cache: tieCache)
        guard tie.complete else { return nil }
        let values = tie.spectrum.values
        var start = boundary
        while start > offset && nearlyEqual(values[start - 1], values[boundary]) { start -= 1 }
        var fixed = tie.spectrum.vectors.columns(offset..<start), tied = tie.spectrum.vectors.columns(start..<tie.end)
        if spectrum.kind == .normalizedAdjacency {
            // Z-space directions D^{-1/2} U, as Z* has them.
            let rowScale = graph.degrees.map { $0 > 0 ? 1 / $0.squareRoot() : 0 }
            fixed = fixed.scalingRows(by: rowScale)
            tied = tied.scalingRows(by: rowScale)
        }
        return try LabelAlignment.bestLabelEnergy(fixed: fixed, tied: tied, choose: boundary + 1 - start, labels: matrix)
    }

    func guidance(labels: LabelsSummary, losses: [String: LossSummary], dimension: Int) -> Guidance {
        var ranks: [LossName: Int] = [:]
        var perLoss: [LossName: LossLabelNumbers] = [:]
        for (name, l) in losses {
            guard let loss = LossName(rawValue: name) else { continue }
            if let r = l.rank { ranks[loss] = r }
            if let report = l.labels {
                perLoss[loss] = LossLabelNumbers(labelEnergy: report.capturedLabelEnergy, probeAccuracy: report.probe.accuracy,
                                                 bestOptimalLabelEnergy: report.bestOptimalLabelEnergy)
            }
        }
        let energies = labels.operatorLabelEnergy.sorted { $0.key < $1.key }.map {
            OperatorLabelEnergy(operatorName: $0.key, dimension: dimension, capturedLabelEnergy: $0.value,
                                space: labels.operatorLabelEnergySpace[$0.key])
        }
        let report = GraphAlignmentReport(withinClass: labels.withinClass, operators: energies)
        return Guidance.evaluate(GuidanceInputs(graph: report, ranks: ranks, perLoss: perLoss, dimension: dimension, labels: matrix))
    }
}
