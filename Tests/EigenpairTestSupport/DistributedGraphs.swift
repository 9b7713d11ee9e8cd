// How tests get distributed graphs and whole spectra: every DistributedGraph a test uses is built
// from an edge list by `DistributedGraph.fromEdges`, through the production assembly.

import DenseAlgebra
import Distributed
import PairGraph
import Spectral

extension DistributedGraph {
    /// Collective over `communicator`. The one way tests build a distributed graph: `edges` is the
    /// whole edge list, the same on every rank; rank r keeps the r-th contiguous slice of it (the
    /// split a P-rank parse of a file makes) and the production assembly
    /// (`DistributedGraphBuilder.assemble`) does the rest. `file` names the input in errors.
    public static func fromEdges(_ edges: EdgeList, merge rule: MergeRule = .max, file: String = "test",
                                 communicator: Communicator) throws -> DistributedGraph {
        let p = communicator.size, me = communicator.rank
        let lo = edges.count * me / p, hi = edges.count * (me + 1) / p
        var mine = EdgeList(sources: Array(edges.sources[lo..<hi]), targets: Array(edges.targets[lo..<hi]),
                            weights: edges.weights.map { Array($0[lo..<hi]) },
                            declaredNodeCount: edges.declaredNodeCount,
                            zeroWeightEdges: me == 0 ? edges.zeroWeightEdges : 0)
        return try DistributedGraphBuilder.assemble(&mine, merge: rule, file: file, communicator: communicator)
    }
}

extension SparseGraph {
    /// Collective over `communicator`. This graph built distributed from its edges (`fromEdges`).
    public func distributed(over communicator: Communicator) throws -> DistributedGraph {
        try withSolverLock { try DistributedGraph.fromEdges(edges, merge: mergeRule, communicator: communicator) }
    }
}

/// The whole graph as a 1-rank distributed graph (MPI_COMM_SELF), built under the MPI lock. The
/// reference assembly already accepted these edges, so the production one must too.
public func singleGraph(_ graph: SparseGraph) -> DistributedGraph {
    do {
        return try graph.distributed(over: single)
    } catch {
        preconditionFailure("the distributed assembly rejected edges the reference assembly took: \(error)")
    }
}

/// Collective over `communicator`, under the MPI lock. `count` eigenpairs of `kind` of `graph`
/// spread over `communicator`, with the vectors gathered: N x taken on every rank (`firstRow` 0).
public func solveWhole(_ graph: SparseGraph, kind: RelationOperatorKind, count: Int,
                       settings: LanczosSettings = LanczosSettings(), method: MethodChoice = MethodChoice(),
                       communicator: Communicator) throws -> Spectrum {
    try withSolverLock {
        let distributed = try graph.distributed(over: communicator)
        var spectrum = try SpectrumSolver(settings: settings, method: method).solve(distributed, kind: kind, count: count)
        spectrum.vectors = gatherRows(spectrum.vectors, partition: distributed.partition, communicator: communicator)
        spectrum.firstRow = 0
        return spectrum
    }
}

/// Solves `count` eigenpairs of `kind` under the MPI lock, the graph spread over the world
/// communicator, the vectors gathered whole. `denseLimit` small forces the Lanczos path on every
/// component larger than it.
public func solveSpectrum(_ graph: SparseGraph, kind: RelationOperatorKind, count: Int,
                   denseLimit: Int = MethodChoice().denseLimit) throws -> Spectrum {
    try solveWhole(graph, kind: kind, count: count, method: MethodChoice(denseLimit: denseLimit),
                   communicator: testMPI.world)
}

/// Collective. Every rank's rows of a column-major block, stacked by the partition.
public func gatherRows(_ local: DenseMatrix, partition: RowPartition, communicator: Communicator) -> DenseMatrix {
    let k = local.columns
    let (all, counts) = communicator.allgatherv(double: local.storage)
    var full = DenseMatrix(rows: partition.rowCount, columns: k)
    var at = 0
    for s in 0..<counts.count {
        let rows = partition.rows(of: s)
        precondition(counts[s] == rows.count * k, "rank \(s) sent \(counts[s]) values for \(rows.count) rows")
        for j in 0..<k {
            for i in 0..<rows.count { full[rows.lowerBound + i, j] = all[at + j * rows.count + i] }
        }
        at += counts[s]
    }
    return full
}

extension DistributedRowBlock {
    /// Not collective. Rank `rank`'s rows of a symmetric CHOLMOD matrix held whole (column j is
    /// row j, entries in stored order), the partition's row count equal to the matrix's: the
    /// reference assembly followed by a split.
    public static func extract(from matrix: CholmodMatrix, partition: RowPartition,
                               rank: Int) -> (block: DistributedRowBlock, requests: HaloRequests) {
        precondition(matrix.rows == matrix.columns && matrix.columns == partition.rowCount,
                     "a \(matrix.rows)x\(matrix.columns) matrix for a partition of \(partition.rowCount) rows")
        let rows = partition.rows(of: rank)
        let p = matrix.columnPointers, idx = matrix.rowIndices, val = matrix.values
        let base = rows.isEmpty ? 0 : Int(p[rows.lowerBound])
        var pointers = [0]
        pointers.reserveCapacity(rows.count + 1)
        for j in rows { pointers.append(Int(p[j + 1]) - base) }
        let count = pointers[pointers.count - 1]
        let columns = (0..<count).map { Int(idx[base + $0]) }
        let values = (0..<count).map { val[base + $0] }
        return localize(rowPointers: pointers, globalColumns: columns, values: values, partition: partition, rank: rank)
    }
}
