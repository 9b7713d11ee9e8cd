import PairGraph

/// Connected components, numbered by size (largest first; ties by lowest row), each with its
/// rows in ascending order. Isolated nodes are components of size 1.
public struct Components: Sendable {
    /// Component index of each row.
    public var label: [Int32]
    /// members[offsets[c]..<offsets[c+1]] are the rows of component c, ascending.
    public var offsets: [Int]
    public var members: [Int32]

    public var count: Int { offsets.count - 1 }
    public func size(_ c: Int) -> Int { offsets[c + 1] - offsets[c] }
    public func rows(_ c: Int) -> ArraySlice<Int32> { members[offsets[c]..<offsets[c + 1]] }

    /// Union-find over the upper edges; deterministic for a given row order.
    init(nodeCount n: Int, edges: UpperEdges) {
        var parent = (0..<n).map { Int32($0) }
        func find(_ x: Int32) -> Int32 {
            var r = x
            while parent[Int(r)] != r { r = parent[Int(r)] }
            var y = x
            while parent[Int(y)] != r {
                let next = parent[Int(y)]
                parent[Int(y)] = r
                y = next
            }
            return r
        }
        for a in 0..<n {
            for p in edges.bucketStart[a]..<edges.bucketStart[a + 1] {
                let ra = find(Int32(a)), rb = find(edges.high[p])
                if ra != rb {
                    if ra < rb { parent[Int(rb)] = ra } else { parent[Int(ra)] = rb }
                }
            }
        }
        self.init(nodeCount: n, root: (0..<n).map { find(Int32($0)) })
    }

    /// Numbers the components whose representative of row i is root[i].
    init(nodeCount n: Int, root: [Int32]) {
        var firstOrder = [Int32](repeating: -1, count: n)
        var sizes: [Int] = []
        var provisional = [Int32](repeating: 0, count: n)
        for i in 0..<n {
            let r = Int(root[i])
            if firstOrder[r] < 0 {
                firstOrder[r] = Int32(sizes.count)
                sizes.append(0)
            }
            provisional[i] = firstOrder[r]
            sizes[Int(firstOrder[r])] += 1
        }
        // Largest first; ties keep first-appearance order (stable sort), which is lowest row.
        let order = sizes.indices.sorted { sizes[$0] != sizes[$1] ? sizes[$0] > sizes[$1] : $0 < $1 }
        var rank = [Int32](repeating: 0, count: sizes.count)
        for (newIndex, old) in order.enumerated() { rank[old] = Int32(newIndex) }
        var offsets = [Int](repeating: 0, count: sizes.count + 1)
        for (newIndex, old) in order.enumerated() { offsets[newIndex + 1] = offsets[newIndex] + sizes[old] }
        var cursor = offsets
        var members = [Int32](repeating: 0, count: n)
        var label = [Int32](repeating: 0, count: n)
        for i in 0..<n {
            let c = Int(rank[Int(provisional[i])])
            label[i] = Int32(c)
            members[cursor[c]] = Int32(i)
            cursor[c] += 1
        }
        self.label = label
        self.offsets = offsets
        self.members = members
    }
}
