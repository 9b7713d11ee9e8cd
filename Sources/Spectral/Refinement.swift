import DenseAlgebra
import PairGraph

/// What the certification loop of `SpectrumSolver.solve` needs (docs/math.md 7.10): the merged
/// pairs' vectors, and the ARPACK tolerances of the re-solves.
extension SpectrumSolver {
    /// Re-solves of a component with failing pairs, at most this many rounds.
    static let maxRefinements = 3
    /// The tightest ARPACK tolerance a refinement asks for (a few unit roundoffs: ARPACK cannot
    /// resolve a Ritz residual below about u ||A||).
    static let tightestTolerance = 1e-15

    /// Not collective (everything it reads is identical on every rank). For each Lanczos component
    /// that holds a failing pair: the ARPACK tolerance of its re-solve, scaled from the one used by
    /// the worst ratio of allowed to measured residual, with a margin of 2; none when the tolerance
    /// cannot tighten further or a failing pair comes from elsewhere (closed form, dense).
    func refinementTolerances(_ cert: Certification, taken: [Candidate], residuals: [Double],
                              lanczos: [Int: LanczosResult]) -> [Int: Double] {
        var ratio: [Int: Double] = [:]
        for j in cert.failing {
            guard case .lanczos(let c, _) = taken[j].origin else { return [:] }
            let r = cert.allowedResidual(taken[j].value) / residuals[j]
            ratio[c] = min(ratio[c] ?? 1, r.isFinite ? r : 0)
        }
        var tolerances: [Int: Double] = [:]
        for (c, r) in ratio {
            let used = lanczos[c]!.tolerance
            let tighter = max(Self.tightestTolerance, used * 0.5 * r)
            guard tighter < used else { return [:] }
            tolerances[c] = tighter
        }
        return tolerances
    }

    /// Collective. This rank's rows of the chosen pairs' vectors, sign rule applied.
    func assembleVectors(_ taken: [Candidate], graph: DistributedGraph, kind: RelationOperatorKind,
                                 weights: [Double], helmertCount: Int, dense: DenseComponents,
                                 lanczos: [Int: LanczosResult]) throws -> DenseMatrix {
        let world = graph.communicator
        var vectors = DenseMatrix(rows: graph.localRowCount, columns: taken.count)
        let chosenDense = taken.enumerated().compactMap { j, cand -> (component: Int, index: Int, column: Int)? in
            if case .dense(let c, let i) = cand.origin { return (c, i, j) }
            return nil
        }
        if !chosenDense.isEmpty {
            try dense.scatterVectors(chosenDense, kind: kind, graph: graph, into: &vectors)
        }
        let volumes = helmertCount > 0 && taken.contains(where: { $0.origin.rank == 1 })
            ? KnownEigenvectors.leadingVolumes(graph, weights: weights, count: helmertCount + 1) : []
        for (j, cand) in taken.enumerated() {
            switch cand.origin {
            case .trivial:
                let total = world.allreduceSum(weights.reduce(0, +))
                vectors.setColumn(j, KnownEigenvectors.trivialEntries(weights: weights, total: total))
            case .helmert(let h):
                vectors.setColumn(j, KnownEigenvectors.helmertEntries(h, graph: graph, weights: weights, volumes: volumes))
            case .isolated(let c):
                if let r = graph.localRows(ofComponent: c).first { vectors[Int(r), j] = 1 }
            case .dense:
                break
            case .lanczos(let c, let i):
                let result = lanczos[c]!
                let rows = result.rows
                for (t, r) in rows.enumerated() { vectors[Int(r), j] = result.vectors[i * rows.count + t] }
            }
        }
        SignRule.normalize(&vectors, firstRow: graph.firstRow, communicator: world)
        return vectors
    }
}
