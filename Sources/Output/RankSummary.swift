import Distributed
import PairGraph

/// One rank's share of the run, gathered by the coordinator: the partition (rows, nonzeros,
/// ghosts), what a matvec moves (halo bytes) and where its time went, and peak memory.
public struct RankSummary: Encodable {
    public var rank: Int
    public var rows: Int
    public var nonzeros: Int
    public var ghosts: Int
    public var neighbours: Int
    public var haloBytesPerMatvec: Int
    public var matvecs: Int
    public var haloSeconds: Double
    public var spmvSeconds: Double
    public var peakMemoryBytes: Int
    /// Bytes of stored value the local SpMV reads per nonzero: 8, or 0 when every weight is 1 and
    /// the kernel reads the pattern alone (what a bandwidth model of the product must count).
    public var spmvValueBytesPerNonzero: Int

    /// Collective. Every rank's summary (in rank order) on every rank.
    public static func gather(_ graph: DistributedGraph) -> [RankSummary] {
        let c = graph.communicator
        let plan = graph.exchange.plan
        let ints = [graph.localRowCount, graph.block.nonzeros, plan.ghostCount, plan.neighbourCount,
                    plan.bytesReceivedPerExchange + plan.bytesSentPerExchange, graph.clock.matvecs,
                    ProcessMemory.peakResidentBytes(), graph.block.hasUnitValues ? 0 : 8].map { Int64($0) }
        let doubles = [graph.clock.haloSeconds, graph.clock.spmvSeconds]
        let allInts = c.allgatherv(int64: ints).values
        let allDoubles = c.allgatherv(double: doubles).values
        return (0..<c.size).map { r in
            let i = allInts[(8 * r)..<(8 * r + 8)].map { Int($0) }
            return RankSummary(rank: r, rows: i[0], nonzeros: i[1], ghosts: i[2], neighbours: i[3],
                               haloBytesPerMatvec: i[4], matvecs: i[5], haloSeconds: allDoubles[2 * r],
                               spmvSeconds: allDoubles[2 * r + 1], peakMemoryBytes: i[6],
                               spmvValueBytesPerNonzero: i[7])
        }
    }
}
