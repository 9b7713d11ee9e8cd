import Distributed
import Glibc

/// One rank's share of the pair graph: a contiguous block of rows of G (balanced by nonzeros), in
/// CSR with local columns (owned rows first, then the ghost columns other ranks own), the halo
/// plan that fills the ghosts, and the global facts every rank needs (node count, total weight,
/// component sizes, statistics). No rank holds the whole graph; with one rank the block is the
/// whole graph and the halo is empty, which is how a plain run works (same code path).
///
/// Row `r` of the global graph is node `nodeIDs[r - firstRow]` on its owner; rows are in ascending
/// node-ID order, the same for every rank count, so results do not depend on P.
public final class DistributedGraph: @unchecked Sendable {
    public let communicator: Communicator
    public let partition: RowPartition
    /// Node ID of each owned row.
    public let nodeIDs: [UInt64]
    /// Owned rows in local column numbering (owned `0..<localRowCount`, then ghosts), entries of
    /// each row in ascending global column order.
    public let block: DistributedRowBlock
    /// The halo plan and buffers of this rank (ghost entries of a vector, one exchange per matvec).
    public let exchange: HaloExchange
    /// Weighted degree of each owned row.
    public let degrees: [Double]
    /// Component of each owned row, and the sizes of all components (numbered as `Components`:
    /// largest first, ties by smallest row).
    public let components: DistributedComponents
    /// Global statistics, identical on every rank and for every rank count; the
    /// component fields are filled from `components`.
    public let statistics: GraphStatistics
    /// Largest weighted degree over all ranks.
    public let maxDegree: Double
    /// Owned rows sorted by (component, row), local indices; `componentStarts` indexes it.
    private let rowsByComponent: [Int32]
    private let componentOfSorted: [Int32]

    /// Collective (builds the halo plan and the components).
    /// - Parameters: rowPointers/globalColumns/weights: CSR of the owned rows of `partition`, global
    ///   columns ascending within each row, no self-loops; `statistics` the global statistics.
    public init(communicator: Communicator, partition: RowPartition, nodeIDs: [UInt64], rowPointers: [Int],
                globalColumns: [Int32], weights: [Double], statistics: GraphStatistics,
                knownConnected: Bool = false) {
        let me = communicator.rank
        precondition(partition.rankCount == communicator.size)
        precondition(nodeIDs.count == partition.rows(of: me).count)
        self.communicator = communicator
        self.partition = partition
        self.nodeIDs = nodeIDs
        let (block, requests) = DistributedRowBlock.localize(rowPointers: rowPointers,
                                                             globalColumns: globalColumns,
                                                             values: weights, partition: partition, rank: me)
        self.block = block
        exchange = HaloExchange(plan: HaloPlan(requests: requests, communicator: communicator), communicator: communicator)
        var d = [Double](repeating: 0, count: nodeIDs.count)
        var localMax = 0.0, longest = 0.0
        for i in 0..<nodeIDs.count {
            var s = 0.0
            for q in rowPointers[i]..<rowPointers[i + 1] { s += weights[q] }
            d[i] = s
            localMax = max(localMax, s)
            longest = max(longest, Double(rowPointers[i + 1] - rowPointers[i]))
        }
        degrees = d
        maxDegree = communicator.allreduceMax(localMax)
        let entries = Double(rowPointers[nodeIDs.count] - rowPointers[0])
        let rows = Double(partition.rowCount)
        spmvOrder = SpMVOrder.standard(meanRowEntries: rows > 0 ? communicator.allreduceSum(entries) / rows : 0,
                                       longestRow: communicator.allreduceMax(longest))
        // A restriction to one component is connected by construction: its labels need no rounds.
        let n = partition.rowCount
        let comps = knownConnected && n > 0
            ? DistributedComponents(partition: partition, rank: me, label: [Int32](repeating: 0, count: nodeIDs.count),
                                    representative: [Int32](repeating: 0, count: nodeIDs.count), count: 1,
                                    sizeClasses: [ComponentSizeClass(size: n, count: 1)], rounds: 0)
            : DistributedComponents.compute(rowPointers: rowPointers, localColumns: block.columnIndices,
                                            ghosts: requests.ghostColumns, partition: partition, group: communicator)
        components = comps
        let order = (0..<nodeIDs.count).sorted {
            let a = comps.label[$0], b = comps.label[$1]
            return a != b ? a < b : $0 < $1
        }
        rowsByComponent = order.map { Int32($0) }
        componentOfSorted = order.map { comps.label[$0] }
        // Component counts come from the distributed components, whatever the caller passed.
        var stats = statistics
        stats.components = comps.count
        stats.isolatedNodes = comps.isolatedCount
        stats.componentsWithEdges = comps.componentsWithEdges
        stats.largestComponent = comps.largestSize
        self.statistics = stats
    }

    public var nodeCount: Int { partition.rowCount }
    public var totalWeight: Double { statistics.totalWeight }
    public var rank: Int { communicator.rank }
    /// Global index of local row 0.
    public var firstRow: Int { partition.firstRow(of: communicator.rank) }
    public var localRowCount: Int { block.rowCount }
    public var ownedRows: Range<Int> { partition.rows(of: communicator.rank) }
    public var ghostCount: Int { exchange.plan.ghostCount }

    /// Global row of a local column (owned or ghost).
    public func globalColumn(ofLocal j: Int) -> Int { exchange.plan.requests.globalColumn(ofLocal: j) }

    /// Not collective. Neighbours of local row `i`: local columns (owned, then ghosts) and weights.
    public func neighbours(ofLocal i: Int) -> (columns: ArraySlice<Int32>, weights: ArraySlice<Double>) {
        let range = block.rowPointers[i]..<block.rowPointers[i + 1]
        return (block.columnIndices[range], block.values[range])
    }

    /// Not collective. Local rows (ascending) of component `c` on this rank; empty when none.
    public func localRows(ofComponent c: Int) -> ArraySlice<Int32> {
        let target = Int32(c)
        var lo = 0, hi = componentOfSorted.count
        while lo < hi { let m = (lo + hi) / 2; if componentOfSorted[m] < target { lo = m + 1 } else { hi = m } }
        var end = lo
        hi = componentOfSorted.count
        while end < hi { let m = (end + hi) / 2; if componentOfSorted[m] <= target { end = m + 1 } else { hi = m } }
        return rowsByComponent[lo..<end]
    }

    /// Not collective. Components that have at least one row on this rank, ascending.
    public func localComponents() -> [Int] {
        var out: [Int] = []
        for c in componentOfSorted where out.last != Int(c) { out.append(Int(c)) }
        return out
    }

    /// Collective. Σ over each component's rows of `perRow` (owned rows), for all components:
    /// an all-reduce of `components.count` values.
    public func componentSums(_ perRow: [Double]) -> [Double] {
        precondition(perRow.count == localRowCount)
        var sums = [Double](repeating: 0, count: components.count)
        for i in 0..<localRowCount { sums[Int(components.label[i])] += perRow[i] }
        communicator.allreduceSum(&sums)
        return sums
    }

    /// Collective: y = G x on the owned rows. `x` and `y` have `localRowCount` entries;
    /// `scratch` at least `block.columnCount`.
    public func multiply(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>,
                         scratch: UnsafeMutablePointer<Double>) {
        scratch.update(from: x, count: localRowCount)
        prepareLocalProduct()
        let t0 = MatvecClock.now()
        exchange.exchange(scratch)
        let t1 = MatvecClock.now()
        localProduct(x: scratch, y: y)
        clock.record(halo: t1 - t0, spmv: MatvecClock.now() - t1)
    }

    /// Collective: Y = G X on the owned rows for a block of `width` columns stored interleaved
    /// (entry i's values at `[i * width ..< (i + 1) * width]`): `x` and `y` have
    /// `localRowCount * width` entries, `scratch` at least `block.columnCount * width`. One halo
    /// exchange carrying `width` values per ghost and one pass over the CSR; column j of Y is
    /// `multiply` of column j of X bit for bit. Every rank passes the same `width` (0 does nothing).
    public func multiply(block x: UnsafePointer<Double>, width: Int, into y: UnsafeMutablePointer<Double>,
                         scratch: UnsafeMutablePointer<Double>) {
        guard width > 0 else { return }
        scratch.update(from: x, count: localRowCount * width)
        multiply(extendedBlock: scratch, width: width, into: y)
    }

    /// Collective: `multiply(block:width:into:scratch:)` with X already in the owned rows of
    /// `extended` (`block.columnCount * width` entries; its ghost rows are overwritten); width 1
    /// is `multiply(_:into:scratch:)`'s vector product.
    func multiply(extendedBlock extended: UnsafeMutablePointer<Double>, width: Int, into y: UnsafeMutablePointer<Double>) {
        prepareLocalProduct()
        let t0 = MatvecClock.now()
        exchange.exchange(extended, width: width)
        let t1 = MatvecClock.now()
        if width == 1 {
            localProduct(x: extended, y: y)
        } else {
            localProduct(block: extended, width: width, y: y)
        }
        clock.record(halo: t1 - t0, spmv: MatvecClock.now() - t1, products: width)
    }

    /// The layout of the local product (`SpMVOrder.standard` of the graph's rows unless the caller
    /// chose): a speed setting only, every layout gives the same sums.
    public var spmvOrder: SpMVOrder = .natural {
        didSet { if spmvOrder != orderedBlock?.order { orderedBlock = nil } }
    }
    /// The block in `spmvOrder`'s layout, built by the first product that needs it (a graph
    /// restricted to its largest component never multiplies with the full graph's block).
    private var orderedBlock: HubOrderedBlock?

    /// Not collective. y = B x, the local product of `block` (x with its ghost tail, y the owned
    /// rows, both in the block's order) in the layout `spmvOrder`: the same sums bit for bit.
    public func localProduct(x: UnsafePointer<Double>, y: UnsafeMutablePointer<Double>) {
        if spmvOrder == .natural { return block.apply(x: x, y: y) }
        prepareLocalProduct()
        orderedBlock!.apply(x: x, y: y)
    }

    /// Not collective. Y = B X for a block of `width` interleaved columns (X with its ghost rows,
    /// Y the owned rows), in the layout `spmvOrder`: column j is `localProduct(x:y:)` of column j
    /// bit for bit.
    public func localProduct(block x: UnsafePointer<Double>, width: Int, y: UnsafeMutablePointer<Double>) {
        if spmvOrder == .natural { return block.apply(block: x, width: width, y: y) }
        prepareLocalProduct()
        orderedBlock!.apply(block: x, width: width, y: y)
    }

    /// Not collective. Builds the layout of `localProduct` now (seconds at R-MAT 18-20: docs/benchmarks.md), so that
    /// callers can keep it out of the matvec clock.
    public func prepareLocalProduct() {
        if spmvOrder != .natural && orderedBlock == nil { orderedBlock = HubOrderedBlock(block, order: spmvOrder) }
    }

    /// Where this rank's matvec time went (halo exchange vs local SpMV), for the report.
    public let clock = MatvecClock()

    /// Bytes of this rank's CSR block.
    public var storageBytes: Int { block.storageBytes }
}

/// Cumulative seconds of the two halves of every distributed matvec on this rank. The halo
/// share includes waiting for the slowest neighbour, so it also measures load imbalance.
public final class MatvecClock: @unchecked Sendable {
    public private(set) var matvecs = 0
    public private(set) var haloSeconds = 0.0
    public private(set) var spmvSeconds = 0.0

    public init() {}

    /// One exchange and local product of `products` vectors (a block product counts its columns).
    public func record(halo: Double, spmv: Double, products: Int = 1) {
        matvecs += products
        haloSeconds += halo
        spmvSeconds += spmv
    }

    public static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + 1e-9 * Double(t.tv_nsec)
    }
}
