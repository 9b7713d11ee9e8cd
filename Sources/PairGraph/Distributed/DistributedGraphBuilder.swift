import Distributed

/// The input stage of a run on P ranks (P = 1 included): every rank parses its own byte range of
/// the file, IDs are compacted in parallel, edges go to their rows' owners, and the rows are
/// balanced by nonzeros. No rank reads or holds the whole graph.
public enum DistributedGraphBuilder {
    /// Collective. Bad input on any rank makes every rank throw the same `InputError`: the one of
    /// the first bad line of the file (the lowest failing part), with its global line number.
    public static func read(path: String, merge rule: MergeRule,
                            communicator: Communicator) throws
        -> (graph: DistributedGraph, format: GraphFormat, phases: [String: Double]) {
        // Seconds of each input phase on this rank (the coordinator's go to the report).
        var phases: [String: Double] = [:]
        var mark = MatvecClock.now()
        func phase(_ name: String) {
            let now = MatvecClock.now()
            phases[name, default: 0] += now - mark
            mark = now
        }
        // Standard input, compressed and NumPy inputs: rank 0 reads them whole and deals the edges
        // out; plain text files: every rank parses its own byte range.
        var edges = try readSerially(path: path, communicator: communicator)
            ?? readByteRanges(path: path, communicator: communicator)
        phase("parse")
        let graph = try assemble(&edges.list, merge: rule, file: path, communicator: communicator, phase: phase)
        phase("halo_plan_components")
        return (graph, edges.format, phases)
    }

    /// Collective. This rank's share of the edges (any split: each edge on one rank) -> the
    /// distributed graph: IDs compacted in parallel, edges routed to their rows' owners and merged
    /// by `rule`, rows balanced by nonzeros. `list` is emptied once its IDs are compacted; `phase`
    /// is called as each input phase ends; `file` names the input in errors.
    public static func assemble(_ list: inout EdgeList, merge rule: MergeRule, file path: String,
                                communicator: Communicator, phase: (String) -> Void = { _ in }) throws
        -> DistributedGraph {
        let inputEntries = communicator.allreduceSum(list.count)
        let zeroWeights = communicator.allreduceSum(list.zeroWeightEdges)
        guard inputEntries > 0 else {
            throw InputError(file: path, reason: "empty graph: no edges"
                             + (zeroWeights > 0 ? " (\(zeroWeights) zero-weight edges skipped)" : ""))
        }
        let weighted = communicator.any(list.weights != nil)
        var compaction = try ParallelIDCompaction.compact(list, file: path, communicator: communicator)
        phase("compact_ids")
        // The assembly needs the endpoints as rows and the weights: the 16 bytes per edge of IDs
        // go now, the 8 of rows inside the assembly once they are bucketed.
        var weights = weighted ? (list.weights ?? [Double](repeating: 1, count: list.count)) : nil
        list = EdgeList()
        var first = compaction.first, second = compaction.second
        compaction = compaction.droppingEndpoints()
        let rows = DistributedAssembly.assemble(first: &first, second: &second, weights: &weights,
                                                nodeCount: compaction.nodeCount, merge: rule, communicator: communicator)
        phase("route_merge_balance")
        guard rows.edges > 0 else {
            throw InputError(file: path, reason: "empty graph: no edges left after dropping \(rows.selfLoopsDropped) self-loops")
        }
        guard rows.columns.count < Int(Int32.max) else {
            throw InputError(file: path, reason: "more than 2^31-1 nonzeros on one rank: use more ranks")
        }
        let nodeIDs = compaction.ownedNodeIDs(partition: rows.partition, group: communicator)
        var total = 0.0
        for w in rows.weights { total += w }
        let stats = GraphStatistics(
            nodes: compaction.nodeCount, edges: rows.edges, nonzeros: 2 * rows.edges, inputEntries: inputEntries,
            selfLoopsDropped: rows.selfLoopsDropped, duplicatesMerged: rows.duplicatesMerged, zeroWeightDropped: zeroWeights,
            isolatedNodes: 0, components: 0, componentsWithEdges: 0, largestComponent: 0,
            totalWeight: communicator.allreduceSum(total),
            // Unweighted input merged by sum carries multiplicities as weights, as on one process.
            weighted: weighted || rule == .sum && rows.duplicatesMerged > 0, mergeRule: rule.rawValue,
            nodesBeforeRestriction: nil)
        return DistributedGraph(communicator: communicator, partition: rows.partition, nodeIDs: nodeIDs,
                                rowPointers: rows.rowPointers, globalColumns: rows.columns,
                                weights: rows.weights, statistics: stats)
    }

    /// Collective. Every rank parses its byte range of the plain text file at `path`.
    private static func readByteRanges(path: String, communicator: Communicator) throws(InputError)
        -> (list: EdgeList, format: GraphFormat) {
        let available = DeclaredSizeBudget.availableToThisJob()
        let probe = try communicator.agree { () throws(InputError) in
            let probe = try GraphReader.probe(path: path)
            try DeclaredSizeBudget.check(probe, path: path, available: available)
            return probe
        }

        let parsed = Result { () throws(InputError) in
            try GraphReader.parse(path: path, part: communicator.rank, of: communicator.size, probe: probe)
        }
        // A failing part's line numbers count from its start: the offset needs every part's count.
        let lineCounts = communicator.allgather((try? parsed.get())?.lines ?? 0)
        let part = try communicator.agree(parsed.mapError {
            $0.offsetting(by: probe.lineOffset(part: communicator.rank, lineCounts: lineCounts))
        })
        if probe.format == .matrixMarket {
            let entryCounts = communicator.allgather(part.entries)
            try communicator.agree { () throws(InputError) in
                try MatrixMarketParser.checkEntryCount(path: path, probe: probe, entryCounts: entryCounts,
                                                       lineCounts: lineCounts)
            }
        }
        return (part.edges, probe.format)
    }
}
