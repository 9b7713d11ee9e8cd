import Foundation
@testable import Generators
import Testing
@testable import PairGraph

// MARK: - Helpers

private func makeTempDirectory() throws -> String {
    let dir = FileManager.default.temporaryDirectory
        .appendingPathComponent("eigenpair-gen-\(getpid())-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

private func pairs(_ e: EdgeList) -> [[UInt64]] {
    zip(e.sources, e.targets).map { [$0, $1] }
}

/// Union-find components over node IDs 0..<n.
private func components(_ e: EdgeList, nodes n: Int) -> [Int] {
    var parent = Array(0..<n)
    func find(_ x: Int) -> Int {
        var x = x
        while parent[x] != x { parent[x] = parent[parent[x]]; x = parent[x] }
        return x
    }
    for (u, v) in zip(e.sources, e.targets) {
        let a = find(Int(u)), b = find(Int(v))
        if a != b { parent[a] = b }
    }
    return (0..<n).map(find)
}

/// Exact kNN by brute force: distances sum_p (x_ip - x_jp)^2, ties by lower index.
private func bruteForceKNN(_ x: [Double], rows n: Int, columns p: Int, k: Int) -> [[Int]] {
    (0..<n).map { i in
        var d: [(Double, Int)] = []
        for j in 0..<n where j != i {
            var s = 0.0
            for q in 0..<p { let t = x[i * p + q] - x[j * p + q]; s += t * t }
            d.append((s, j))
        }
        d.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        return d.prefix(k).map { $0.1 }
    }
}

private func knnRows(_ g: GeneratedGraph, k: Int) -> [[Int]] {
    (0..<g.nodeCount).map { i in (0..<k).map { Int(g.edges.targets[i * k + $0]) } }
}

/// Data lines of a written file (comments and blank lines skipped), split on spaces.
private func dataLines(_ path: String) throws -> [[Substring]] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: " ") }
}

// MARK: - SplitMix64

@Suite struct SplitMix64Tests {
    @Test func matchesTheReferenceStream() {
        // Reference outputs of splitmix64.c (Vigna) from state 0.
        var rng = SplitMix64(seed: 0)
        #expect(rng.next() == 0xE220_A839_7B1D_CDAF)
        #expect(rng.next() == 0x6E78_9E6A_A1B9_65F4)
        #expect(rng.next() == 0x06C4_5D18_8009_454F)
    }

    @Test func uniformAndBoundedStayInRangeAndAreUnbiased() {
        var rng = SplitMix64(seed: 7)
        var counts = [Int](repeating: 0, count: 6)
        var sum = 0.0
        let draws = 60_000
        for _ in 0..<draws {
            let u = rng.uniform01()
            #expect(u >= 0 && u < 1)
            sum += u
            let b = rng.bounded(6)
            #expect(b < 6)
            counts[Int(b)] += 1
        }
        #expect(abs(sum / Double(draws) - 0.5) < 0.01)
        for c in counts { #expect(abs(Double(c) - 10_000) < 500) }  // sd ~ 91
    }
}

// MARK: - Augmentation graph

@Suite struct AugmentationGraphTests {
    @Test func withoutCrossEdgesItIsDisjointVCliques() throws {
        let n = 37, v = 5
        let g = try AugmentationGraph.generate(samples: n, views: v, crossFraction: 0, classes: 10, seed: 1)
        #expect(g.nodeCount == n * v)
        #expect(g.edges.count == n * v * (v - 1) / 2)
        #expect(g.edges.weights == nil)
        // Every edge joins two distinct views of one sample, and no pair repeats.
        var seen = Set<[UInt64]>()
        for (a, b) in zip(g.edges.sources, g.edges.targets) {
            #expect(a != b)
            #expect(a / UInt64(v) == b / UInt64(v))
            #expect(seen.insert([min(a, b), max(a, b)]).inserted)
        }
        // Components are exactly the samples, each of size V (so each is a V-clique: V(V-1)/2 distinct pairs).
        let comp = components(g.edges, nodes: g.nodeCount)
        for node in 0..<g.nodeCount {
            #expect(comp[node] == comp[(node / v) * v])
        }
        #expect(Set(comp).count == n)
        // Labels: sample s has class s % 10.
        #expect(g.labels?.ids == (0..<UInt64(n * v)).map { $0 })
        #expect(g.labels?.labels == (0..<(n * v)).map { ($0 / v) % 10 })
    }

    @Test func crossEdgesHaveTheRequestedCountAndCrossSamples() throws {
        let n = 200, v = 4
        let within = n * v * (v - 1) / 2  // 1200
        let g = try AugmentationGraph.generate(samples: n, views: v, crossFraction: 0.05, classes: 3, seed: 9)
        #expect(g.edges.count == within + 60)
        for e in within..<g.edges.count {
            let a = g.edges.sources[e], b = g.edges.targets[e]
            #expect(a < UInt64(n * v) && b < UInt64(n * v))
            #expect(a / UInt64(v) != b / UInt64(v))
        }
        // The other endpoint covers the whole range: the first and last samples both appear.
        let cross = g.edges.sources[within...] + g.edges.targets[within...]
        #expect(cross.contains { $0 < UInt64(n * v / 4) } && cross.contains { $0 >= UInt64(3 * n * v / 4) })
        #expect(g.labels?.labels[7] == (7 / v) % 3)
        // Few samples, many cross edges: the endpoints never share a sample, and every node is reached.
        let small = try AugmentationGraph.generate(samples: 10, views: 4, crossFraction: 5, seed: 2)
        #expect(small.edges.count == 60 + 300)
        var hit = Set<UInt64>()
        for e in 60..<small.edges.count {
            let a = small.edges.sources[e], b = small.edges.targets[e]
            #expect(a / 4 != b / 4)
            hit.insert(a); hit.insert(b)
        }
        #expect(hit.count == 40)
        // round(0.0125 * 1200) = 15, round(0.00125 * 1200) = 1.5 -> 2 (half away from zero).
        let h = try AugmentationGraph.generate(samples: n, views: v, crossFraction: 0.00125, seed: 9)
        #expect(h.edges.count == within + 2)
    }

    @Test func sameSeedSameGraphDifferentSeedDifferent() throws {
        let a = try AugmentationGraph.generate(samples: 100, views: 3, crossFraction: 0.5, seed: 11)
        let b = try AugmentationGraph.generate(samples: 100, views: 3, crossFraction: 0.5, seed: 11)
        let c = try AugmentationGraph.generate(samples: 100, views: 3, crossFraction: 0.5, seed: 12)
        #expect(pairs(a.edges) == pairs(b.edges))
        #expect(pairs(a.edges) != pairs(c.edges))
    }

    @Test func rejectsNonsense() {
        #expect(throws: InputError.self) { try AugmentationGraph.generate(samples: 0, views: 4, seed: 1) }
        #expect(throws: InputError.self) { try AugmentationGraph.generate(samples: 5, views: 1, seed: 1) }
        #expect(throws: InputError.self) { try AugmentationGraph.generate(samples: 5, views: 2, crossFraction: -0.1, seed: 1) }
        #expect(throws: InputError.self) { try AugmentationGraph.generate(samples: 1, views: 4, crossFraction: 1, seed: 1) }
    }
}

// MARK: - Planted partition

@Suite struct PlantedPartitionTests {
    @Test func densitiesMatchPInAndPOut() throws {
        let n = 2000, c = 4, pIn = 0.1, pOut = 0.01
        let g = try PlantedPartition.generate(nodes: n, classes: c, pIn: pIn, pOut: pOut, seed: 3)
        let labels = try #require(g.labels).labels
        #expect(labels == (0..<n).map { $0 % c })
        var within = 0, between = 0
        var seen = Set<UInt64>()
        for (u, v) in zip(g.edges.sources, g.edges.targets) {
            #expect(u < v)  // no loops, emitted as (lower, higher)
            #expect(v < UInt64(n))
            #expect(seen.insert(u << 32 | v).inserted)  // no duplicates
            if labels[Int(u)] == labels[Int(v)] { within += 1 } else { between += 1 }
        }
        let withinPairs = Double(c) * Double(n / c) * Double(n / c - 1) / 2  // 499,000
        let betweenPairs = Double(n) * Double(n - 1) / 2 - withinPairs      // 1,500,000
        let sdIn = (withinPairs * pIn * (1 - pIn)).squareRoot()             // ~212
        let sdOut = (betweenPairs * pOut * (1 - pOut)).squareRoot()         // ~122
        #expect(abs(Double(within) - withinPairs * pIn) < 5 * sdIn)
        #expect(abs(Double(between) - betweenPairs * pOut) < 5 * sdOut)
    }

    @Test func everyBlockIsSampledUniformly() throws {
        // Uneven classes (N % C != 0) and a high p: each class triangle and each rectangle gets its share,
        // and edges are spread over the whole triangle (not only its first rows).
        let n = 303, c = 5, pIn = 0.3, pOut = 0.05
        let g = try PlantedPartition.generate(nodes: n, classes: c, pIn: pIn, pOut: pOut, seed: 5)
        var blockCount = [[Int]](repeating: [Int](repeating: 0, count: c), count: c)
        var lateRows = 0
        for (u, v) in zip(g.edges.sources, g.edges.targets) {
            let a = Int(u) % c, b = Int(v) % c
            blockCount[min(a, b)][max(a, b)] += 1
            if v >= UInt64(n / 2) { lateRows += 1 }
        }
        let sizes = (0..<c).map { n / c + ($0 < n % c ? 1 : 0) }
        for a in 0..<c {
            for b in a..<c {
                let pairs = a == b ? Double(sizes[a] * (sizes[a] - 1) / 2) : Double(sizes[a] * sizes[b])
                let p = a == b ? pIn : pOut
                let sd = (pairs * p * (1 - p)).squareRoot()
                #expect(abs(Double(blockCount[a][b]) - pairs * p) < 5 * sd, "block \(a),\(b)")
            }
        }
        // Pairs with max endpoint >= n/2 are about 3/4 of all pairs.
        #expect(abs(Double(lateRows) / Double(g.edges.count) - 0.75) < 0.05)
    }

    @Test func extremeProbabilities() throws {
        let full = try PlantedPartition.generate(nodes: 50, classes: 2, pIn: 1, pOut: 1, seed: 1)
        #expect(full.edges.count == 50 * 49 / 2)
        let none = try PlantedPartition.generate(nodes: 50, classes: 2, pIn: 0, pOut: 0, seed: 1)
        #expect(none.edges.count == 0)
        let blocks = try PlantedPartition.generate(nodes: 50, classes: 2, pIn: 1, pOut: 0, seed: 1)
        #expect(blocks.edges.count == 2 * 25 * 24 / 2)
        #expect(throws: InputError.self) { try PlantedPartition.generate(nodes: 50, classes: 2, pIn: 1.5, pOut: 0, seed: 1) }
        #expect(throws: InputError.self) { try PlantedPartition.generate(nodes: 5, classes: 6, pIn: 0.5, pOut: 0, seed: 1) }
    }

    @Test func sameSeedSameGraphDifferentSeedDifferent() throws {
        let a = try PlantedPartition.generate(nodes: 500, classes: 3, pIn: 0.05, pOut: 0.01, seed: 21)
        let b = try PlantedPartition.generate(nodes: 500, classes: 3, pIn: 0.05, pOut: 0.01, seed: 21)
        let c = try PlantedPartition.generate(nodes: 500, classes: 3, pIn: 0.05, pOut: 0.01, seed: 22)
        #expect(pairs(a.edges) == pairs(b.edges))
        #expect(pairs(a.edges) != pairs(c.edges))
    }
}

// MARK: - R-MAT

@Suite struct RMATTests {
    @Test func edgeCountRangeAndDegreeSkew() throws {
        let scale = 12
        let g = try RMAT.generate(scale: scale, edgeFactor: 16, seed: 5)
        let n = 1 << scale
        #expect(g.nodeCount == n)
        #expect(g.edges.count == 16 * n)
        #expect(g.edges.weights == nil)
        var degree = [Int](repeating: 0, count: n)
        for (u, v) in zip(g.edges.sources, g.edges.targets) {
            #expect(u < UInt64(n) && v < UInt64(n))
            degree[Int(u)] += 1
            degree[Int(v)] += 1
        }
        let mean = Double(2 * g.edges.count) / Double(n)  // 32
        let maxDegree = degree.max()!
        #expect(Double(maxDegree) > 20 * mean)            // R-MAT hubs: several thousand here
        #expect(degree.filter { $0 == 0 }.count > n / 10)   // and many isolated nodes
        // The permutation scatters the hubs: the highest-degree node is not node 0.
        #expect(degree.firstIndex(of: maxDegree)! != 0)
    }

    @Test func quadrantProbabilitiesAreGraph500s() throws {
        // Unpermuted, bit l of u is the row choice at level l: P(row bit 1) = c + d = 0.24,
        // P(col bit 1) = b + d = 0.24, P(both) = d = 0.05.
        let g = try RMAT.generate(scale: 10, edgeFactor: 16, seed: 8, permute: false)
        var row = 0, col = 0, both = 0, trials = 0
        for (u, v) in zip(g.edges.sources, g.edges.targets) {
            for l in 0..<10 {
                let r = (u >> UInt64(l)) & 1, c = (v >> UInt64(l)) & 1
                row += Int(r); col += Int(c); both += Int(r & c); trials += 1
            }
        }
        let t = Double(trials)  // 163,840; sd of a proportion near 0.24 is ~0.0011
        #expect(abs(Double(row) / t - 0.24) < 0.006)
        #expect(abs(Double(col) / t - 0.24) < 0.006)
        #expect(abs(Double(both) / t - 0.05) < 0.003)
        // Node 0 (all quadrants a) is the biggest hub before permutation.
        var degree = [Int](repeating: 0, count: 1 << 10)
        for u in g.edges.sources { degree[Int(u)] += 1 }
        #expect(degree.max() == degree[0])
    }

    @Test func customQuadrantProbabilities() throws {
        // a = 0.45, b = 0.25, c = 0.15, d = 0.15: P(row bit) = c + d = 0.30, P(col bit) = b + d = 0.40.
        let g = try RMAT.generate(scale: 10, edgeFactor: 16, a: 0.45, b: 0.25, c: 0.15, seed: 8, permute: false)
        var row = 0, col = 0, both = 0, trials = 0
        for (u, v) in zip(g.edges.sources, g.edges.targets) {
            for l in 0..<10 {
                let r = (u >> UInt64(l)) & 1, c = (v >> UInt64(l)) & 1
                row += Int(r); col += Int(c); both += Int(r & c); trials += 1
            }
        }
        let t = Double(trials)
        #expect(abs(Double(row) / t - 0.30) < 0.006)
        #expect(abs(Double(col) / t - 0.40) < 0.006)
        #expect(abs(Double(both) / t - 0.15) < 0.005)
    }

    @Test func permutationIsABijectionOfTheSameEdges() throws {
        let p = try RMAT.generate(scale: 9, edgeFactor: 8, seed: 4, permute: true)
        let q = try RMAT.generate(scale: 9, edgeFactor: 8, seed: 4, permute: false)
        var map = [UInt64: UInt64]()
        for e in 0..<p.edges.count {
            for (x, y) in [(q.edges.sources[e], p.edges.sources[e]), (q.edges.targets[e], p.edges.targets[e])] {
                if let old = map[x] { #expect(old == y) } else { map[x] = y }
            }
        }
        #expect(Set(map.values).count == map.count)  // injective
        #expect(map.contains { $0.key != $0.value })
    }

    @Test func sameSeedSameGraphDifferentSeedDifferent() throws {
        let a = try RMAT.generate(scale: 8, seed: 1)
        let b = try RMAT.generate(scale: 8, seed: 1)
        let c = try RMAT.generate(scale: 8, seed: 2)
        #expect(pairs(a.edges) == pairs(b.edges))
        #expect(pairs(a.edges) != pairs(c.edges))
        #expect(throws: InputError.self) { try RMAT.generate(scale: 0, seed: 1) }
        #expect(throws: InputError.self) { try RMAT.generate(scale: 4, a: 0.6, b: 0.3, c: 0.2, seed: 1) }
    }
}

// MARK: - kNN

@Suite struct KNNGraphTests {
    @Test func matchesBruteForceOnRandomData() throws {
        var rng = SplitMix64(seed: 99)
        let n = 257, p = 6, k = 7
        // Offset far from the origin, so the ||x||^2 + ||y||^2 - 2<x,y> shortlist suffers cancellation.
        let x = (0..<(n * p)).map { _ in 1000 + rng.uniform01() }
        let reference = bruteForceKNN(x, rows: n, columns: p, k: k)
        for block in [1, 50, 1000] {
            let g = try KNNGraph.generate(features: x, rows: n, columns: p, k: k, blockRows: block)
            #expect(g.edges.count == n * k)
            #expect(g.edges.sources == (0..<n).flatMap { i in [UInt64](repeating: UInt64(i), count: k) })
            #expect(knnRows(g, k: k) == reference, "block \(block)")
        }
    }

    @Test func tiesGoToTheLowerIndex() throws {
        // A 6 x 6 integer grid with duplicated points: equal distances everywhere.
        var x: [Double] = []
        for i in 0..<6 { for j in 0..<6 { x += [Double(i), Double(j)] } }
        x += [2, 3, 0, 0, 5, 5, 2, 3]
        let n = x.count / 2
        for k in [1, 4, 9] {
            let g = try KNNGraph.generate(features: x, rows: n, columns: 2, k: k, blockRows: 7)
            #expect(knnRows(g, k: k) == bruteForceKNN(x, rows: n, columns: 2, k: k), "k \(k)")
        }
        // Row 0 = (0,0): nearest is its duplicate row 37 (distance 0), then (0,1) = row 1 and (1,0) = row 6.
        let g = try KNNGraph.generate(features: x, rows: n, columns: 2, k: 3)
        #expect(knnRows(g, k: 3)[0] == [37, 1, 6])
    }

    @Test func tiesSurviveCancellationFarFromTheOrigin() throws {
        // The same grid shifted far away: differences (and so the exact distances and their ties) are
        // unchanged, but ||x||^2 + ||y||^2 - 2<x,y> now carries rounding errors far above zero, which
        // break the ties at random. The exact rescoring of the shortlist must restore them.
        var grid: [Double] = []
        for i in 0..<7 { for j in 0..<7 { grid += [Double(i) * 0.5, Double(j) * 0.5] } }
        let n = grid.count / 2
        let reference = bruteForceKNN(grid, rows: n, columns: 2, k: 6)
        for offset in [12_345.678, 3.0e6] {
            let x = grid.map { $0 + offset }
            #expect(bruteForceKNN(x, rows: n, columns: 2, k: 6) == reference)
            let g = try KNNGraph.generate(features: x, rows: n, columns: 2, k: 6, blockRows: 10)
            #expect(knnRows(g, k: 6) == reference, "offset \(offset)")
        }
    }

    @Test func gaussianWeightsUseTheMedianDistance() throws {
        var rng = SplitMix64(seed: 5)
        let n = 60, p = 3, k = 4
        let x = (0..<(n * p)).map { _ in rng.uniform01() }
        let g = try KNNGraph.generate(features: x, rows: n, columns: p, k: k, gaussian: true)
        let w = try #require(g.edges.weights)
        var d = [Double]()
        for e in 0..<g.edges.count {
            let i = Int(g.edges.sources[e]), j = Int(g.edges.targets[e])
            var s = 0.0
            for q in 0..<p { let t = x[i * p + q] - x[j * p + q]; s += t * t }
            d.append(s.squareRoot())
        }
        let sorted = d.sorted()
        let sigma = (sorted[n * k / 2 - 1] + sorted[n * k / 2]) / 2
        for e in 0..<d.count {
            #expect(abs(w[e] - exp(-d[e] * d[e] / (2 * sigma * sigma))) < 1e-14)
        }
        // Weights fall with distance along each row, and an explicit sigma is honoured.
        #expect(w[0] >= w[1] && w[1] >= w[2])
        let h = try KNNGraph.generate(features: x, rows: n, columns: p, k: k, gaussian: true, sigma: 0.5)
        #expect(abs(h.edges.weights![0] - exp(-d[0] * d[0] / 0.5)) < 1e-14)
    }

    @Test func rejectsBadInput() {
        #expect(throws: InputError.self) { try KNNGraph.generate(features: [1, 2, 3], rows: 3, columns: 1, k: 3) }
        #expect(throws: InputError.self) { try KNNGraph.generate(features: [1, 2, 3], rows: 3, columns: 1, k: 0) }
        #expect(throws: InputError.self) { try KNNGraph.generate(features: [1, .nan, 3], rows: 3, columns: 1, k: 1) }
        #expect(throws: InputError.self) { try KNNGraph.generate(features: [1e200, 1, 3], rows: 3, columns: 1, k: 1) }
        #expect(throws: InputError.self) {
            try KNNGraph.generate(features: [1, 1, 1], rows: 3, columns: 1, k: 1, gaussian: true)  // median 0
        }
    }
}

// MARK: - Writer

@Suite struct EdgeListWriterTests {
    @Test func weightedRoundTripIsExact() throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var e = EdgeList()
        let weights = [0.1, 1.0 / 3, 1e-300, 123_456.789, Double.pi, 2.5e17, Double.leastNonzeroMagnitude, 1]
        let ids: [(UInt64, UInt64)] = [(0, 1), (10, 9), (UInt64.max, 0), (123_456_789, 987_654_321),
                                       (7, 7), (1, 2), (3, 4), (1_000_000_000_000, 5)]
        for (t, (u, v)) in ids.enumerated() { e.append(u, v, weight: weights[t]) }
        let path = dir + "/g.txt"
        try EdgeListWriter.write(e, to: path, header: ["made by a test", "second line"])
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasPrefix("# made by a test\n# second line\n# 8 edges; columns: u v w\n"))
        let lines = try dataLines(path)
        #expect(lines.count == 8)
        for (t, f) in lines.enumerated() {
            #expect(f.count == 3)
            #expect(UInt64(f[0]) == ids[t].0 && UInt64(f[1]) == ids[t].1)
            #expect(Double(f[2])?.bitPattern == weights[t].bitPattern, "weight \(t): \(f[2])")
        }
        // 17 significant digits, as %.17g writes them.
        #expect(lines[0][2] == "0.10000000000000001")
        #expect(lines[7][2] == "1")
    }

    @Test func unweightedAndLabelsRoundTrip() throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let g = try PlantedPartition.generate(nodes: 300, classes: 3, pIn: 0.2, pOut: 0.02, seed: 8)
        let path = dir + "/sbm.txt", labelsPath = dir + "/sbm.txt.labels"
        let bytes = try EdgeListWriter.write(g.edges, to: path, header: [g.description])
        try EdgeListWriter.writeLabels(g.labels!, to: labelsPath, header: [g.description])
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int == bytes)
        let lines = try dataLines(path)
        #expect(lines.count == g.edges.count)
        #expect(lines.map { $0.count } == [Int](repeating: 2, count: lines.count))
        #expect(lines.map { [UInt64($0[0])!, UInt64($0[1])!] } == pairs(g.edges))
        let first = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")[0]
        #expect(first == "# " + g.description)
        let labelLines = try dataLines(labelsPath)
        #expect(labelLines.map { UInt64($0[0])! } == g.labels!.ids)
        #expect(labelLines.map { Int($0[1])! } == g.labels!.labels)
    }

    @Test func refusesToOverwriteWithoutForce() throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/out.txt"
        var e = EdgeList()
        e.append(1, 2)
        try EdgeListWriter.write(e, to: path)
        let before = try String(contentsOfFile: path, encoding: .utf8)
        var bigger = e
        bigger.append(3, 4)
        #expect(throws: InputError(file: path, reason: "exists; pass --force to overwrite")) {
            try EdgeListWriter.write(bigger, to: path)
        }
        #expect(throws: InputError(file: path, reason: "exists; pass --force to overwrite")) {
            try EdgeListWriter.writeLabels(NodeLabels(ids: [1], labels: [0]), to: path)
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == before)
        try EdgeListWriter.write(bigger, to: path, force: true)
        #expect(try dataLines(path).count == 2)
        // No partial files are left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["out.txt"])
    }

    @Test func aFileThatAppearsDuringTheWriteIsNotReplaced() throws {
        // Another process creates the destination after the up-front check: the final move must
        // still refuse (without force) and keep the other file; with force it replaces it.
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/race.txt"
        #expect(throws: InputError(file: path, reason: "exists; pass --force to overwrite")) {
            _ = try EdgeListWriter.writeAtomically(path, force: false) { out in
                try out.comment("ours")
                _ = FileManager.default.createFile(atPath: path, contents: Data("theirs\n".utf8))
            }
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "theirs\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["race.txt"])
        _ = try EdgeListWriter.writeAtomically(path, force: true) { out in try out.comment("ours") }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "# ours\n")
    }

    @Test func unwritableDestinationThrowsAndLeavesNothing() throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var e = EdgeList()
        e.append(1, 2)
        #expect(throws: InputError.self) { try EdgeListWriter.write(e, to: dir + "/missing/out.txt") }
        // A directory in the way: the move fails and the partial file is removed.
        try FileManager.default.createDirectory(atPath: dir + "/taken", withIntermediateDirectories: false)
        #expect(throws: InputError.self) { try EdgeListWriter.write(e, to: dir + "/taken", force: true) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["taken"])
    }
}
