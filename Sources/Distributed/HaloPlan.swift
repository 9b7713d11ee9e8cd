/// What one rank needs from the others before a product with its row block: the ghost columns.
///
/// Rank r owns rows `first..<first + count` of the global matrix (its block of `partition`) and the
/// same entries of every vector. Its CSR rows reference global columns; those outside its own block
/// are *ghosts*. The ghost columns are kept sorted and unique, which groups them by owner rank in
/// ascending rank order (blocks are contiguous). Local column numbering: owned column
/// `first + i` is local `i`, ghost number g is local `count + g`, so a local vector has
/// `count + ghostCount` entries and its ghost tail is filled by the halo exchange.
///
/// Not collective: this is the first, purely local half of a `HaloPlan`.
public struct HaloRequests: Sendable, Equatable {
    public let partition: RowPartition
    public let rank: Int
    /// Global indices of the ghost columns, ascending (hence grouped by owner rank).
    public let ghostColumns: [Int]
    /// Ranks this rank receives ghosts from, ascending.
    public let receiveRanks: [Int]
    /// Ghosts `receiveOffsets[k]..<receiveOffsets[k + 1]` are owned by `receiveRanks[k]`
    /// (`receiveRanks.count + 1` entries).
    public let receiveOffsets: [Int]

    /// - Parameter globalColumns: the global column indices of this rank's local CSR (any order,
    ///   repeats allowed), each in 0..<partition.rowCount.
    public init(partition: RowPartition, rank: Int, globalColumns: some Sequence<Int>) {
        let owned = partition.rows(of: rank)
        let n = partition.rowCount
        var ghosts: [Int] = []
        for c in globalColumns {
            precondition(c >= 0 && c < n, "column \(c) outside 0..<\(n)")
            if !owned.contains(c) { ghosts.append(c) }
        }
        ghosts.sort()
        var unique: [Int] = []
        unique.reserveCapacity(ghosts.count)
        for c in ghosts where unique.last != c { unique.append(c) }
        self.init(partition: partition, rank: rank, sortedGhostColumns: unique)
    }

    /// From ghost columns already sorted, unique and outside this rank's block.
    public init(partition: RowPartition, rank: Int, sortedGhostColumns ghosts: [Int]) {
        let owned = partition.rows(of: rank)
        precondition(owned.count + ghosts.count <= Int(Int32.max),
                     "owned rows plus ghosts must fit 32-bit local column indices")
        var ranks: [Int] = []
        var offsets: [Int] = []
        for (g, c) in ghosts.enumerated() {
            precondition(g == 0 || ghosts[g - 1] < c, "ghost columns must be sorted and unique")
            precondition(!owned.contains(c), "ghost column \(c) is owned by rank \(rank)")
            let o = partition.owner(of: c)
            if ranks.last != o {
                ranks.append(o)
                offsets.append(g)
            }
        }
        offsets.append(ghosts.count)
        self.partition = partition
        self.rank = rank
        self.ghostColumns = ghosts
        self.receiveRanks = ranks
        self.receiveOffsets = offsets
    }

    /// This rank's global rows.
    public var ownedRows: Range<Int> { partition.rows(of: rank) }
    /// Rows (and vector entries) owned by this rank.
    public var ownedCount: Int { ownedRows.count }
    public var ghostCount: Int { ghostColumns.count }
    /// Length of a local vector: owned entries, then ghosts.
    public var localWidth: Int { ownedCount + ghostCount }

    /// The global columns requested from `owner` (empty when it is not a neighbour), ascending.
    public func requested(from owner: Int) -> ArraySlice<Int> {
        guard let k = neighbourPosition(owner) else { return [] }
        return ghostColumns[receiveOffsets[k]..<receiveOffsets[k + 1]]
    }

    /// How many ghost values `owner` sends to this rank per exchange.
    public func receiveCount(from owner: Int) -> Int { requested(from: owner).count }

    /// The local column of a global column: `c - first` when owned, `count + g` for ghost g, nil
    /// when it is neither. O(log ghosts).
    public func localColumn(ofGlobal c: Int) -> Int? {
        let owned = ownedRows
        if owned.contains(c) { return c - owned.lowerBound }
        var lo = 0, hi = ghostColumns.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if ghostColumns[mid] < c { lo = mid + 1 } else { hi = mid }
        }
        return lo < ghostColumns.count && ghostColumns[lo] == c ? owned.count + lo : nil
    }

    /// The global column of a local column (inverse of `localColumn(ofGlobal:)`).
    public func globalColumn(ofLocal j: Int) -> Int {
        precondition(j >= 0 && j < localWidth, "local column \(j) outside 0..<\(localWidth)")
        return j < ownedCount ? ownedRows.lowerBound + j : ghostColumns[j - ownedCount]
    }

    /// The local CSR's global columns renumbered into 0..<localWidth (owned, then ghosts).
    /// - Precondition: every column is owned or a ghost of this plan (as when built from them).
    public func renumber(_ globalColumns: some Collection<Int>) -> [Int32] {
        var out: [Int32] = []
        out.reserveCapacity(globalColumns.count)
        for c in globalColumns {
            guard let j = localColumn(ofGlobal: c) else {
                preconditionFailure("column \(c) is neither owned by rank \(rank) nor one of its ghosts")
            }
            out.append(Int32(j))
        }
        return out
    }

    private func neighbourPosition(_ owner: Int) -> Int? {
        var lo = 0, hi = receiveRanks.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if receiveRanks[mid] < owner { lo = mid + 1 } else { hi = mid }
        }
        return lo < receiveRanks.count && receiveRanks[lo] == owner ? lo : nil
    }
}

/// The complete halo-exchange plan of one rank: what it receives (its `HaloRequests`) and what it
/// sends, namely the owned rows each neighbour requested, in the order requested (ascending), so
/// that the receiver can drop the values straight into its ghost slots.
///
/// Symmetry: what rank r receives from s (`requested(from: s)` on r) is exactly what s sends to r
/// (`sendRows(to: r)` on s, shifted by s's first row).
public struct HaloPlan: Sendable, Equatable {
    public let requests: HaloRequests
    /// Ranks this rank sends to, ascending.
    public let sendRanks: [Int]
    /// Entries `sendOffsets[k]..<sendOffsets[k + 1]` of `sendRows` go to `sendRanks[k]`.
    public let sendOffsets: [Int]
    /// Local row indices (0..<ownedCount) whose values are sent, neighbour by neighbour.
    public let sendRows: [Int32]

    /// Not collective. The plan from the requests every other rank sent to this one:
    /// `incoming[s]` lists the global rows rank s needs from this rank (ascending; empty for
    /// non-neighbours and for this rank itself).
    public init(requests: HaloRequests, incoming: [[Int]]) {
        let p = requests.partition.rankCount
        precondition(incoming.count == p, "need one request list per rank (\(p)), got \(incoming.count)")
        precondition(incoming[requests.rank].isEmpty, "a rank never requests its own rows")
        let owned = requests.ownedRows
        var ranks: [Int] = []
        var offsets: [Int] = [0]
        var rows: [Int32] = []
        rows.reserveCapacity(incoming.reduce(0) { $0 + $1.count })
        for (s, list) in incoming.enumerated() where !list.isEmpty {
            for (q, c) in list.enumerated() {
                precondition(owned.contains(c), "rank \(s) requested row \(c), not owned by rank \(requests.rank)")
                precondition(q == 0 || list[q - 1] < c, "requests from rank \(s) must be ascending and unique")
                rows.append(Int32(c - owned.lowerBound))
            }
            ranks.append(s)
            offsets.append(rows.count)
        }
        self.requests = requests
        self.sendRanks = ranks
        self.sendOffsets = offsets
        self.sendRows = rows
    }

    /// Not collective. Every rank's plan from every rank's requests (`all[s]` is rank s's), as the
    /// MPI constructor would build them: an in-process simulation of the request exchange.
    public static func simulated(_ all: [HaloRequests]) -> [HaloPlan] {
        let p = all.count
        for (s, q) in all.enumerated() {
            precondition(q.rank == s, "requests[\(s)] belongs to rank \(q.rank)")
            precondition(q.partition == all[0].partition && q.partition.rankCount == p,
                         "all requests must share one partition over \(p) ranks")
        }
        return all.map { mine in
            HaloPlan(requests: mine, incoming: all.map { Array($0.requested(from: mine.rank)) })
        }
    }

    /// Collective. Exchanges the requests (MPI_Alltoall of the counts, then MPI_Alltoallv of the
    /// global indices) and builds this rank's plan.
    /// - Precondition: `communicator` has `partition.rankCount` ranks and this is rank `requests.rank`.
    public init(requests: HaloRequests, communicator: Communicator) {
        let p = requests.partition.rankCount
        precondition(communicator.size == p, "the partition has \(p) ranks, the communicator \(communicator.size)")
        precondition(communicator.rank == requests.rank,
                     "requests of rank \(requests.rank) used on rank \(communicator.rank)")
        let sendCounts = (0..<p).map { requests.receiveCount(from: $0) }
        let receiveCounts = communicator.allToAll(sendCounts)
        // Ghosts are sorted, so grouped by owner in rank order: exactly Alltoallv's layout.
        let flat = communicator.allToAllv(requests.ghostColumns.map { Int64($0) },
                                          sendCounts: sendCounts, receiveCounts: receiveCounts)
        var incoming: [[Int]] = []
        var at = 0
        for c in receiveCounts {
            incoming.append(flat[at..<(at + c)].map { Int($0) })
            at += c
        }
        self.init(requests: requests, incoming: incoming)
    }

    // MARK: - Receive side, forwarded

    public var rank: Int { requests.rank }
    public var partition: RowPartition { requests.partition }
    public var ownedCount: Int { requests.ownedCount }
    public var ghostCount: Int { requests.ghostCount }
    public var localWidth: Int { requests.localWidth }
    public var ghostColumns: [Int] { requests.ghostColumns }
    public var receiveRanks: [Int] { requests.receiveRanks }
    public var receiveOffsets: [Int] { requests.receiveOffsets }

    // MARK: - Send side

    /// The local rows sent to `destination` (empty when it is not a neighbour), ascending.
    public func sendRows(to destination: Int) -> ArraySlice<Int32> {
        guard let k = sendRanks.firstIndex(of: destination) else { return [] }
        return sendRows[sendOffsets[k]..<sendOffsets[k + 1]]
    }

    /// Values sent per exchange (all neighbours).
    public var sendCount: Int { sendRows.count }

    /// Ranks this rank exchanges with in either direction. For a symmetric matrix the two
    /// directions coincide.
    public var neighbourCount: Int { Set(sendRanks).union(receiveRanks).count }

    /// Bytes of vector entries received per exchange (8 per ghost).
    public var bytesReceivedPerExchange: Int { ghostCount * MemoryLayout<Double>.size }

    /// Bytes of vector entries sent per exchange.
    public var bytesSentPerExchange: Int { sendCount * MemoryLayout<Double>.size }

    /// Gathers the owned values to send into `buffer` (`sendCount` entries, neighbour by neighbour
    /// in `sendRanks` order): `buffer[q] = x[sendRows[q]]`.
    public func pack(_ x: UnsafePointer<Double>, into buffer: UnsafeMutablePointer<Double>) {
        pack(x, width: 1, into: buffer)
    }

    /// As `pack(_:into:)` for a block of `width` interleaved columns (entry i's values at
    /// `x[i * width ..< (i + 1) * width]`): row q of `buffer` (`sendCount * width` entries) is row
    /// `sendRows[q]` of x.
    public func pack(_ x: UnsafePointer<Double>, width: Int, into buffer: UnsafeMutablePointer<Double>) {
        sendRows.withUnsafeBufferPointer { rows in
            if width == 1 {
                for q in 0..<rows.count { buffer[q] = x[Int(rows[q])] }
                return
            }
            for q in 0..<rows.count {
                (buffer + q * width).update(from: x + Int(rows[q]) * width, count: width)
            }
        }
    }
}
