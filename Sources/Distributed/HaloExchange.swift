import CMPI

/// Fills the ghost tail of a local vector from the neighbours' owned entries, following a
/// `HaloPlan`: one non-blocking receive per source neighbour straight into the ghost slots, one
/// non-blocking send per destination from a packed buffer, then MPI_Waitall.
///
/// The send buffer and the request array are allocated once, here, and reused by every exchange
/// (the send buffer grows once to the widest block exchanged). One instance per plan and communicator; exchanges on it must not overlap (it is not
/// thread-safe, and it keeps running totals).
public final class HaloExchange {
    public let plan: HaloPlan
    public let communicator: Communicator
    /// The point-to-point tag of halo messages. MPI keeps messages between two ranks with one tag
    /// in order, so consecutive exchanges never mix.
    public let tag: Int32
    private var sendBuffer: UnsafeMutablePointer<Double>
    /// Entries `sendBuffer` holds: `plan.sendCount` times the widest block exchanged so far.
    private var sendCapacity: Int
    private let requests: UnsafeMutablePointer<MPI_Request?>
    private let requestCount: Int

    /// Exchanges performed so far.
    public private(set) var exchangeCount = 0
    /// Vector bytes received and sent so far (8 per value, MPI envelope not counted).
    public private(set) var bytesReceived = 0
    public private(set) var bytesSent = 0

    /// Not collective.
    /// - Precondition: the communicator has the plan's rank count and this is the plan's rank.
    public init(plan: HaloPlan, communicator: Communicator, tag: Int32 = 0x4841) {
        precondition(communicator.size == plan.partition.rankCount,
                     "the plan has \(plan.partition.rankCount) ranks, the communicator \(communicator.size)")
        precondition(communicator.rank == plan.rank, "plan of rank \(plan.rank) used on rank \(communicator.rank)")
        self.plan = plan
        self.communicator = communicator
        self.tag = tag
        sendCapacity = max(plan.sendCount, 1)
        sendBuffer = .allocate(capacity: sendCapacity)
        sendBuffer.initialize(repeating: 0, count: sendCapacity)
        requestCount = plan.receiveRanks.count + plan.sendRanks.count
        requests = .allocate(capacity: max(requestCount, 1))
        requests.initialize(repeating: cmpi_request_null(), count: max(requestCount, 1))
    }

    deinit {
        sendBuffer.deallocate()
        requests.deinitialize(count: max(requestCount, 1))
        requests.deallocate()
    }

    /// Bytes of vector entries received per exchange (8 per ghost).
    public var bytesReceivedPerExchange: Int { plan.bytesReceivedPerExchange }
    /// Bytes of vector entries sent per exchange.
    public var bytesSentPerExchange: Int { plan.bytesSentPerExchange }

    /// Collective over the neighbours (every rank of the plan calls it, in the same order).
    /// `x` holds `plan.localWidth` entries: the owned ones `x[0..<ownedCount]` are read (and sent),
    /// the ghosts `x[ownedCount..<localWidth]` are overwritten with the owners' values.
    public func exchange(_ x: UnsafeMutablePointer<Double>) {
        exchange(x, width: 1)
    }

    /// Collective over the neighbours, with the same `width` on every rank. The exchange of a block
    /// of `width` columns stored interleaved (entry i's values at `x[i * width ..< (i + 1) * width]`,
    /// `plan.localWidth * width` entries): still one message per neighbour, carrying `width` values
    /// per ghost, so a k-column product pays the latency of one exchange, not k. Width 0 sends
    /// nothing.
    public func exchange(_ x: UnsafeMutablePointer<Double>, width: Int) {
        precondition(width >= 0, "block width \(width)")
        guard width > 0 else { return }
        reserveSendBuffer(width: width)
        let comm = communicator.handle
        let double = cmpi_double()
        var r = 0
        // Receives first, so that sends can complete eagerly into posted buffers.
        for k in plan.receiveRanks.indices {
            let lo = plan.receiveOffsets[k] * width, count = plan.receiveOffsets[k + 1] * width - lo
            precondition(count <= Int(Int32.max), "message too long")
            let rc = MPI_Irecv(x + plan.ownedCount * width + lo, Int32(count), double, Int32(plan.receiveRanks[k]), tag,
                               comm, requests + r)
            precondition(rc == cmpi_success(), "MPI_Irecv from rank \(plan.receiveRanks[k]) failed (\(rc))")
            r += 1
        }
        plan.pack(UnsafePointer(x), width: width, into: sendBuffer)
        for k in plan.sendRanks.indices {
            let lo = plan.sendOffsets[k] * width, count = plan.sendOffsets[k + 1] * width - lo
            precondition(count <= Int(Int32.max), "message too long")
            let rc = MPI_Isend(sendBuffer + lo, Int32(count), double, Int32(plan.sendRanks[k]), tag, comm, requests + r)
            precondition(rc == cmpi_success(), "MPI_Isend to rank \(plan.sendRanks[k]) failed (\(rc))")
            r += 1
        }
        if requestCount > 0 {
            let rc = MPI_Waitall(Int32(requestCount), requests, cmpi_statuses_ignore())
            precondition(rc == cmpi_success(), "MPI_Waitall of the halo exchange failed (\(rc))")
        }
        exchangeCount += 1
        bytesReceived += width * plan.bytesReceivedPerExchange
        bytesSent += width * plan.bytesSentPerExchange
    }

    /// Grows the send buffer to `plan.sendCount * width` entries (once per new widest block).
    private func reserveSendBuffer(width: Int) {
        let needed = plan.sendCount * width
        guard needed > sendCapacity else { return }
        sendBuffer.deallocate()
        sendCapacity = needed
        sendBuffer = .allocate(capacity: needed)
        sendBuffer.initialize(repeating: 0, count: needed)
    }
}
