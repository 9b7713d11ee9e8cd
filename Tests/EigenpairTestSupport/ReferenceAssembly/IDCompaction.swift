import PairGraph

/// Maps arbitrary 64-bit node IDs to rows 0..<n in ascending ID order, so that row order (and
/// with it the start vector and the output) is the same however the input was split.
struct CompactedEdges {
    var nodeIDs: [UInt64]
    var first: [Int32]
    var second: [Int32]
}

enum IDCompaction {
    static func compact(_ edges: EdgeList, file: String) throws -> CompactedEdges {
        let m = edges.count
        if let n = edges.declaredNodeCount {
            guard n <= Int(Int32.max) else { throw InputError(file: file, reason: "more than 2^31-1 nodes are not supported") }
            let a = edges.sources.map { Int32(truncatingIfNeeded: $0) }
            let b = edges.targets.map { Int32(truncatingIfNeeded: $0) }
            return CompactedEdges(nodeIDs: (0..<UInt64(n)).map { $0 }, first: a, second: b)
        }
        var maxID: UInt64 = 0
        for i in 0..<m { maxID = max(maxID, edges.sources[i], edges.targets[i]) }
        // A direct lookup table is the fastest map when the IDs are dense enough to afford it.
        if maxID < UInt64(max(1 << 24, 4 * m)) {
            var slot = [Int32](repeating: -1, count: Int(maxID) + 1)
            for i in 0..<m {
                slot[Int(edges.sources[i])] = 0
                slot[Int(edges.targets[i])] = 0
            }
            var ids: [UInt64] = []
            var next: Int32 = 0
            for id in 0..<slot.count where slot[id] == 0 {
                guard next < Int32.max else { throw InputError(file: file, reason: "more than 2^31-1 nodes are not supported") }
                slot[id] = next
                ids.append(UInt64(id))
                next += 1
            }
            let a = edges.sources.map { slot[Int($0)] }
            let b = edges.targets.map { slot[Int($0)] }
            return CompactedEdges(nodeIDs: ids, first: a, second: b)
        }
        var all = edges.sources + edges.targets
        all.sort()
        var ids: [UInt64] = []
        ids.reserveCapacity(all.count / 4)
        for id in all where ids.last != id { ids.append(id) }
        all = []
        guard ids.count < Int(Int32.max) else { throw InputError(file: file, reason: "more than 2^31-1 nodes are not supported") }
        var map: [UInt64: Int32] = [:]
        map.reserveCapacity(ids.count)
        for (r, id) in ids.enumerated() { map[id] = Int32(r) }
        let a = edges.sources.map { map[$0]! }
        let b = edges.targets.map { map[$0]! }
        return CompactedEdges(nodeIDs: ids, first: a, second: b)
    }
}
