import PairGraph

/// The undirected edges of the graph, each once as (low, high) with low < high, bucketed by `low`
/// in ascending order of `high`. Self-loops are dropped and entries for the same unordered pair
/// are merged (max or sum); both are counted for the report.
struct UpperEdges {
    var nodeCount: Int
    /// bucketStart[a]..<bucketStart[a+1] index the neighbours b > a of node a.
    var bucketStart: [Int]
    var high: [Int32]
    /// nil when every weight is 1.
    var weights: [Double]?
    var selfLoopsDropped: Int
    var duplicatesMerged: Int

    var count: Int { high.count }
}

enum EdgeMerging {
    /// Counting sort by the lower endpoint, then a small sort inside each bucket: linear in the
    /// edges, with no global sort. Written here rather than with CHOLMOD's triplet assembly because
    /// that assembly can only sum duplicates, and the default rule is max.
    static func merge(_ edges: CompactedEdges, weights: [Double]?, rule: MergeRule) -> UpperEdges {
        let n = edges.nodeIDs.count
        let m = edges.first.count
        var counts = [Int](repeating: 0, count: n + 1)
        var loops = 0
        for i in 0..<m {
            let a = edges.first[i], b = edges.second[i]
            if a == b { loops += 1; continue }
            counts[Int(min(a, b)) + 1] += 1
        }
        for a in 0..<n { counts[a + 1] += counts[a] }
        let raw = counts[n]
        var cursor = counts
        var high = [Int32](repeating: 0, count: raw)
        var w: [Double]? = weights == nil ? nil : [Double](repeating: 0, count: raw)
        for i in 0..<m {
            let a = edges.first[i], b = edges.second[i]
            if a == b { continue }
            let lo = Int(min(a, b))
            let at = cursor[lo]
            high[at] = max(a, b)
            if let weights { w![at] = weights[i] }
            cursor[lo] = at + 1
        }
        // Sort each bucket, then compact duplicates in place.
        var out = 0
        var start = [Int](repeating: 0, count: n + 1)
        high.withUnsafeMutableBufferPointer { h in
            if var wv = w {
                wv.withUnsafeMutableBufferPointer { wb in
                    for a in 0..<n {
                        sortBucket(h, wb, counts[a], counts[a + 1])
                        start[a] = out
                        var p = counts[a]
                        while p < counts[a + 1] {
                            var value = wb[p]
                            var q = p + 1
                            while q < counts[a + 1] && h[q] == h[p] {
                                value = rule == .max ? max(value, wb[q]) : value + wb[q]
                                q += 1
                            }
                            h[out] = h[p]
                            wb[out] = value
                            out += 1
                            p = q
                        }
                    }
                }
                w = wv
            } else {
                for a in 0..<n {
                    let lo = counts[a], hi = counts[a + 1]
                    if hi - lo > 1 {
                        var bucket = UnsafeMutableBufferPointer(rebasing: h[lo..<hi])
                        bucket.sort()
                    }
                    start[a] = out
                    var p = lo
                    while p < hi {
                        var q = p + 1
                        while q < hi && h[q] == h[p] { q += 1 }
                        h[out] = h[p]
                        out += 1
                        p = q
                    }
                }
            }
        }
        start[n] = out
        high.removeLast(raw - out)
        if w != nil { w!.removeLast(raw - out) }
        // Unweighted input merged by sum carries multiplicities as weights.
        if weights == nil && rule == .sum && out < raw {
            w = multiplicities(edges, start: start, high: high)
        }
        return UpperEdges(nodeCount: n, bucketStart: start, high: high, weights: w,
                          selfLoopsDropped: loops, duplicatesMerged: raw - out)
    }

    /// Number of raw entries behind each merged edge (weights of `--merge sum` on unweighted input).
    private static func multiplicities(_ edges: CompactedEdges, start: [Int], high: [Int32]) -> [Double] {
        var mult = [Double](repeating: 0, count: high.count)
        for i in 0..<edges.first.count {
            let a = edges.first[i], b = edges.second[i]
            if a == b { continue }
            let lo = Int(min(a, b)), hi = max(a, b)
            // Binary search in the sorted bucket of `lo`.
            var l = start[lo], r = start[lo + 1]
            while l < r {
                let mid = (l + r) / 2
                if high[mid] < hi { l = mid + 1 } else { r = mid }
            }
            mult[l] += 1
        }
        return mult
    }

    /// Sorts keys[lo..<hi] carrying values along: insertion sort for the short buckets that
    /// dominate sparse graphs, an index sort for hubs.
    private static func sortBucket(_ keys: UnsafeMutableBufferPointer<Int32>, _ vals: UnsafeMutableBufferPointer<Double>,
                                   _ lo: Int, _ hi: Int) {
        let len = hi - lo
        if len < 2 { return }
        if len <= 32 {
            for i in (lo + 1)..<hi {
                let k = keys[i], v = vals[i]
                var j = i - 1
                while j >= lo && keys[j] > k {
                    keys[j + 1] = keys[j]
                    vals[j + 1] = vals[j]
                    j -= 1
                }
                keys[j + 1] = k
                vals[j + 1] = v
            }
            return
        }
        var pairs = (lo..<hi).map { (keys[$0], vals[$0]) }
        pairs.sort { $0.0 < $1.0 }
        for (o, p) in pairs.enumerated() {
            keys[lo + o] = p.0
            vals[lo + o] = p.1
        }
    }
}
