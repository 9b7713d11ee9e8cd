import Distributed

extension DistributedGraph {
    /// Collective. The subgraph of component 0 (the largest), renumbered 0..<size in the same
    /// (ascending node ID) order and re-balanced by nonzeros; statistics describe the component
    /// (`nodesBeforeRestriction` keeps the node count before).
    public func largestComponent() -> DistributedGraph {
        if components.count == 1 { return self }
        let kept = localRows(ofComponent: 0).map { Int($0) }
        let newFirst = communicator.exclusivePrefixSum(kept.count)
        // New index of every local column: owned rows set here, ghosts by one halo exchange.
        // Every neighbour of a kept row is kept (a component is closed), so each lookup succeeds.
        var index = [Double](repeating: -1, count: max(block.columnCount, 1))
        for (t, i) in kept.enumerated() { index[i] = Double(newFirst + t) }
        index.withUnsafeMutableBufferPointer { exchange.exchange($0.baseAddress!) }
        var pointers = [0]
        var columns: [Int32] = []
        var weights: [Double] = []
        var total = 0.0
        for i in kept {
            let (cols, w) = neighbours(ofLocal: i)
            for (c, x) in zip(cols, w) {
                columns.append(Int32(index[Int(c)]))
                weights.append(x)
                total += x
            }
            pointers.append(columns.count)
        }
        let size = components.largestSize
        let pieces = RowPartition(boundaries: communicator.allgather(newFirst) + [size])
        let rowNonzeros = (0..<kept.count).map { pointers[$0 + 1] - pointers[$0] }
        let keptNonzeros = columns.count
        let partition = RowPartition.balanced(localRowNonzeros: rowNonzeros, communicator: communicator)
        let moved = RowMover.move(rowPointers: &pointers, columns: &columns, weights: &weights,
                                  rowIDs: kept.map { nodeIDs[$0] }, from: pieces, to: partition,
                                  communicator: communicator)
        var stats = statistics
        stats.nodesBeforeRestriction = nodeCount
        stats.nodes = size
        stats.nonzeros = communicator.allreduceSum(keptNonzeros)
        stats.edges = stats.nonzeros / 2
        stats.totalWeight = communicator.allreduceSum(total)
        return DistributedGraph(communicator: communicator, partition: partition,
                                nodeIDs: moved.rowIDs,
                                rowPointers: moved.rowPointers, globalColumns: moved.columns,
                                weights: moved.weights, statistics: stats, knownConnected: true)
    }
}
