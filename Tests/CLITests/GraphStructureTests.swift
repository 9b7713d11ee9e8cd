import Foundation
import NpyFormat
import Testing

extension CLITests {
    /// Components, isolated nodes, --largest-component and --merge, checked against BFS and sums
    /// done here on the input text.
    @Suite struct GraphStructure {
        /// N = 20 declared, largest index used 16: a path {1,2,3}, a 6-cycle with a chord on
        /// {5,7,9,10,12,14}, an edge {15,16}; 4, 6, 8, 11, 13 and 17..20 are isolated. IDs are index - 1.
        static let disconnected = """
            %%MatrixMarket matrix coordinate pattern symmetric
            % three components with edges and nine isolated nodes
            20 20 10
            2 1
            3 2
            7 5
            9 7
            10 9
            12 10
            14 12
            14 5
            12 7
            16 15

            """

        @Test func matrixMarketComponentsAndIsolatedNodes() throws {
            let dir = try TempDir("components")
            defer { dir.cleanup() }
            try dir.write("d.mtx", Self.disconnected)
            let k = 4
            let run = try eigenpair(["embed", "d.mtx", "--out", "out", "--dim", "\(k)", "--quiet"], in: dir.path)
            try #require(run.status == 0, "\(run.summary)")

            let graph = ReferenceGraph.matrixMarket(Self.disconnected)
            let components = graph.components()
            let isolated = components.filter { $0.count == 1 }.count
            let withEdges = components.count - isolated
            #expect(graph.n == 20 && components.count == 12 && isolated == 9 && withEdges == 3)  // the fixture itself

            let report = try readJSON(dir.file("out/report.json"))
            let g = try #require(report.object("graph"))
            #expect(report.object("input")?["format"] as? String == "matrixMarket")
            #expect(g.int("nodes") == graph.n)
            #expect(g.int("edges") == graph.edgeCount)
            #expect(g.int("components") == components.count)
            #expect(g.int("isolated_nodes") == isolated)
            #expect(g.int("components_with_edges") == withEdges)
            #expect(g.int("largest_component") == components[0].count)
            #expect(try readNpy(dir.file("out/nodes.npy")).integers == (0..<20).map { Int64($0) })

            // A_n: eigenvalue 1 once per component with edges (K + 1 = 5 > 3 of them), nothing else near 1.
            let an = try readNpy(dir.file("out/spectrum-An.npy")).doubles
            #expect(an.count == k + 1)
            #expect(an.filter { abs($0 - 1) <= 1e-12 }.count == withEdges, "spectrum-An \(an)")
            #expect(an.filter { abs($0 - 1) > 1e-12 }.allSatisfy { $0 < 1 - 1e-6 }, "spectrum-An \(an)")
            // L on 1-perp: components - 1 = 11 zero eigenvalues, so the K smallest are all 0.
            let lap = try readNpy(dir.file("out/spectrum-L.npy")).doubles
            #expect(lap.count == k && lap.allSatisfy { abs($0) <= 1e-12 }, "spectrum-L \(lap)")
            // G: the top K of the whole (block-diagonal) matrix, across components.
            let adj = try readNpy(dir.file("out/spectrum-G.npy")).doubles
            let dense = Array(jacobiEigenvalues(graph.dense()).prefix(k))
            #expect(adj.count == k)
            for (x, y) in zip(adj, dense) { #expect(abs(x - y) <= 1e-10, "spectrum-G \(adj) vs dense \(dense)") }
        }

        @Test func largestComponentKeepsOnlyItsNodes() throws {
            let dir = try TempDir("largest")
            defer { dir.cleanup() }
            try dir.write("d.mtx", Self.disconnected)
            let run = try eigenpair(["embed", "d.mtx", "--out", "out", "--dim", "2", "--quiet", "--largest-component"],
                                    in: dir.path)
            try #require(run.status == 0, "\(run.summary)")
            let graph = ReferenceGraph.matrixMarket(Self.disconnected)
            let largest = graph.components()[0]
            let ids = largest.map { Int64(graph.ids[$0]) }
            #expect(ids == [4, 6, 8, 9, 11, 13])  // the fixture: the 6-cycle, index - 1
            let nodes = try readNpy(dir.file("out/nodes.npy"))
            #expect(nodes.integers == ids)
            let inside = Set(largest)
            let edgesInside = graph.weights.keys.filter { inside.contains($0.a) && inside.contains($0.b) }.count
            let g = try #require(try readJSON(dir.file("out/report.json")).object("graph"))
            #expect(g.int("nodes") == largest.count)
            #expect(g.int("edges") == edgesInside)
            #expect(g.int("nodes_before_restriction") == graph.n)
            #expect(g.int("components") == 1 && g.int("isolated_nodes") == 0 && g.int("components_with_edges") == 1)
            #expect(g.double("total_weight") == Double(2 * edgesInside))
            for loss in ["vicreg", "simclr", "simclr-degree", "barlow"] {
                #expect(try readNpy(dir.file("out/\(loss).npy")).header.shape == [largest.count, 2], "\(loss)")
            }
        }

        /// Every edge listed in both directions with weight 1: max keeps weight 1, sum doubles it.
        @Test func mergeSumDoublesTotalWeightOfBothDirectionEdges() throws {
            let dir = try TempDir("merge")
            defer { dir.cleanup() }
            var pairs = Set<[Int]>()
            var state: UInt64 = 99
            while pairs.count < 40 {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                let a = Int((state >> 33) % 20), b = Int((state >> 13) % 20)
                if a != b { pairs.insert([min(a, b), max(a, b)]) }
            }
            let text = pairs.sorted { $0.lexicographicallyPrecedes($1) }
                .map { "\($0[0]) \($0[1]) 1\n\($0[1]) \($0[0]) 1\n" }.joined()
            try dir.write("both.txt", text)
            let maxGraph = ReferenceGraph.edgeList(text, merge: "max")
            let sumGraph = ReferenceGraph.edgeList(text, merge: "sum")
            #expect(maxGraph.duplicatesMerged == 40 && maxGraph.edgeCount == 40)
            #expect(sumGraph.totalWeight == 2 * maxGraph.totalWeight)

            var reports: [String: [String: Any]] = [:]
            for rule in ["default", "sum"] {
                let extra = rule == "default" ? [] : ["--merge", rule]
                let run = try eigenpair(["embed", "both.txt", "--out", rule, "--dim", "2", "--quiet"] + extra, in: dir.path)
                try #require(run.status == 0, "\(run.summary)")
                let graphSection: [String: Any]? = try readJSON(dir.file("\(rule)/report.json")).object("graph")
                #expect(graphSection != nil)
                reports[rule] = graphSection
                #expect(run.stdout.contains("\(maxGraph.duplicatesMerged) duplicates merged"), "\(run.stdout)")
            }
            let byMax = try #require(reports["default"]), bySum = try #require(reports["sum"])
            #expect(byMax["merge_rule"] as? String == "max")
            #expect(bySum["merge_rule"] as? String == "sum")
            #expect(byMax.double("total_weight") == maxGraph.totalWeight)
            #expect(bySum.double("total_weight") == sumGraph.totalWeight)
            #expect(bySum.double("total_weight") == 2 * (byMax.double("total_weight") ?? 0))
            for g in [byMax, bySum] {
                #expect(g.int("duplicates_merged") == maxGraph.duplicatesMerged)
                #expect(g.int("edges") == maxGraph.edgeCount)
                #expect(g.int("input_entries") == 80)
                #expect(g.int("nodes") == maxGraph.n)
            }
        }
    }
}
