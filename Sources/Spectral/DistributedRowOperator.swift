import Distributed
import PairGraph

/// The distributed relation operator of one rank: halo exchange, then the local CSR product.
/// `localDimension` is the rank's owned rows, exactly the PARPACK-local length, so it plugs into
/// `LanczosSolver` unchanged. `apply` is collective over the plan's ranks.
public final class DistributedRowOperator: LinearOperator {
    public let block: DistributedRowBlock
    public let exchange: HaloExchange
    /// x with its ghost tail (`block.columnCount` entries), allocated once.
    private let extended: UnsafeMutablePointer<Double>

    /// Not collective.
    /// - Precondition: the block and the exchange's plan describe the same rows and ghosts.
    public init(block: DistributedRowBlock, exchange: HaloExchange) {
        precondition(block.rowCount == exchange.plan.ownedCount && block.columnCount == exchange.plan.localWidth,
                     "block (\(block.rowCount) rows, \(block.columnCount) columns) does not match its halo plan "
                         + "(\(exchange.plan.ownedCount) owned, \(exchange.plan.localWidth) wide)")
        self.block = block
        self.exchange = exchange
        extended = .allocate(capacity: max(block.columnCount, 1))
        extended.initialize(repeating: 0, count: max(block.columnCount, 1))
    }

    /// Collective: exchanges the halo requests (see `HaloPlan(requests:communicator:)`).
    public convenience init(block: DistributedRowBlock, requests: HaloRequests, communicator: Communicator) {
        let plan = HaloPlan(requests: requests, communicator: communicator)
        self.init(block: block, exchange: HaloExchange(plan: plan, communicator: communicator))
    }

    deinit { extended.deallocate() }

    public var localDimension: Int { block.rowCount }

    /// Collective over the plan's ranks. y = A x on this rank's rows.
    public func apply(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>) {
        extended.update(from: x, count: block.rowCount)
        exchange.exchange(extended)
        block.apply(x: extended, y: y)
    }
}
