import Foundation
import NpyFormat
import Testing

extension CLITests {
    /// `generate sbm` then `embed`: every file, the report and the stdout table, checked against
    /// values computed here from the edge list text.
    @Suite struct EmbedEndToEnd {
        static let losses = ["vicreg", "simclr", "simclr-degree", "barlow"]

        @Test func generateThenEmbedWritesEveryFileAndAConsistentReport() throws {
            let dir = try TempDir("e2e")
            defer { dir.cleanup() }
            let gen = try eigenpair(["generate", "sbm", "--nodes", "200", "--classes", "4", "--p-in", "0.15",
                                     "--p-out", "0.01", "--seed", "3", "--out", "g.tsv"], in: dir.path)
            try #require(gen.status == 0, "\(gen.summary)")
            let run = try eigenpair(["embed", "g.tsv", "--out", "result", "--dim", "4", "--labels", "g.tsv.labels"],
                                    in: dir.path)
            try #require(run.status == 0, "\(run.summary)")

            let text = try String(contentsOfFile: dir.file("g.tsv"), encoding: .utf8)
            let graph = ReferenceGraph.edgeList(text)
            let n = graph.n
            #expect(n == 200)  // ids 0..199 all have an edge in this SBM (p-in 0.15, 50 per class)

            // Results directory: exactly the documented files, and no staging leftovers beside it.
            let expectedFiles = ["barlow.npy", "nodes.npy", "report.html", "report.json", "simclr-degree.npy", "simclr.npy",
                                 "spectrum-An.npy", "spectrum-G.npy", "spectrum-L.npy", "vicreg.npy"]
            #expect(dir.listing("result") == expectedFiles)
            #expect(dir.listing().filter { $0.hasPrefix(".") }.isEmpty, "leftovers: \(dir.listing())")

            for loss in Self.losses {
                let z = try readNpy(dir.file("result/\(loss).npy"))
                #expect(z.header.dtype == .float64, "\(loss)")
                #expect(z.header.shape == [n, 4], "\(loss)")
                #expect(z.doubles.allSatisfy { $0.isFinite }, "\(loss)")
                // Z* is not zero: each column carries one direction.
                for j in 0..<4 {
                    let normSquared = column(z.doubles, columns: 4, j).map { $0 * $0 }.reduce(0, +)
                    #expect(normSquared > 1e-6, "\(loss) col \(j)")
                }
            }
            let nodes = try readNpy(dir.file("result/nodes.npy"))
            #expect(nodes.header.dtype == .int64)
            #expect(nodes.header.shape == [n])
            #expect(nodes.integers == graph.ids.map { Int64($0) })

            let report = try readJSON(dir.file("result/report.json"))
            let g = try #require(report.object("graph"))
            #expect(g.int("nodes") == n)
            #expect(g.int("edges") == graph.edgeCount)
            #expect(g.int("input_entries") == graph.rawEntries)
            #expect(g.double("total_weight") == graph.totalWeight)
            #expect(g.int("components") == graph.components().count)
            #expect(report.int("ranks") == 1)

            // One solve per operator; the spectrum files hold exactly the report's eigenvalues.
            let solves = try #require(report.objects("solves"))
            #expect(solves.map { $0["operator"] as? String } == ["L", "G", "A_n"])
            let expectedCounts = ["L": 4, "G": 4, "A_n": 5]  // A_n: trivial + K for BarlowTwins
            for solve in solves {
                let op = try #require(solve["operator"] as? String)
                #expect(solve["converged"] as? Bool == true, "\(op)")
                let values = try #require(solve.doubles("eigenvalues"))
                let residuals = try #require(solve.doubles("residuals"))
                #expect(values.count == expectedCounts[op], "\(op)")
                #expect(residuals.count == values.count, "\(op)")
                #expect(residuals.allSatisfy { $0 >= 0 && $0 <= 1e-8 }, "\(op) residuals \(residuals)")
                // The certification, recomputed from the report's residuals and eigenvalues.
                let cert = try #require(solve.object("certification"), "\(op)")
                let tol = try #require(cert.double("tolerance")), floor = try #require(cert.double("floor"))
                let rho = zip(residuals, values).map { $0 / max(abs($1), floor) }
                #expect(abs(try #require(cert.double("worst")) - (rho.max() ?? 0)) <= 1e-9 * (rho.max() ?? 0), "\(op)")
                #expect(rho.allSatisfy { $0 <= tol } && tol == 1e-10, "\(op): \(rho)")
                #expect((cert.doubles("values") ?? []).count == values.count, "\(op)")
                let file = try #require(solve["file"] as? String)
                #expect(file == "spectrum-\(op == "A_n" ? "An" : op).npy")
                let spectrum = try readNpy(dir.file("result/\(file)"))
                #expect(spectrum.header.dtype == .float64)
                #expect(spectrum.header.shape == [values.count])
                #expect(spectrum.doubles == values, "\(file) differs from report.json")
            }
            let lap = try readNpy(dir.file("result/spectrum-L.npy")).doubles
            let adj = try readNpy(dir.file("result/spectrum-G.npy")).doubles
            let an = try readNpy(dir.file("result/spectrum-An.npy")).doubles
            #expect(lap == lap.sorted() && lap[0] > 1e-8, "L on 1-perp: ascending, positive (connected graph)")
            #expect(adj == adj.sorted(by: >), "G: descending")
            #expect(an == an.sorted(by: >) && abs(an[0] - 1) <= 1e-12 && an[1] < 1 - 1e-8, "A_n: trivial 1 first, once")

            // Loss at the written Z* equals the closed-form minimum.
            let losses = try #require(report.object("losses"))
            #expect(Set(losses.keys) == Set(Self.losses))
            let operators = ["vicreg": "L", "simclr": "G", "simclr-degree": "A_n", "barlow": "A_n"]
            for name in Self.losses {
                let l = try #require(losses.object(name), "\(name)")
                let value = try #require(l.double("loss_at_z_star"), "\(name)")
                let minimum = try #require(l.double("min_loss"), "\(name)")
                #expect(relativeDifference(value, minimum) <= 1e-9, "\(name): loss \(value) vs min_loss \(minimum)")
                #expect(l["file"] as? String == "\(name).npy")
                #expect(l["operator"] as? String == operators[name])
                #expect(l["available"] as? Bool == true)
                #expect(l.int("rank") == 4)
            }
            // SimCLR's minimum is -(N/S)^2 sum of the squared top-K eigenvalues of G (all positive here).
            let simclrMin = -adj.map { pow(Double(n) * $0 / graph.totalWeight, 2) }.reduce(0, +)
            #expect(relativeDifference(try #require(losses.object("simclr")?.double("min_loss")), simclrMin) <= 1e-9)

            let labels = try #require(report.object("labels"))
            #expect(labels.int("labelled") == 200)
            #expect(labels.int("classes") == 4)
            #expect(labels.int("not_in_graph") == 0)

            // The stdout summary table.
            let lines = run.stdout.split(separator: "\n").map(String.init)
            #expect(lines.first?.hasPrefix("graph     \(n) nodes, \(graph.edgeCount) edges, 1 components with edges") == true,
                    "\(run.stdout)")
            for op in ["L", "G", "A_n"] {
                #expect(lines.contains { $0.hasPrefix(op + " ") && $0.contains(" \(expectedCounts[op]!) ") }, "\(op) row")
            }
            #expect(lines.contains { $0.hasPrefix("operator") && $0.contains("max residual") && $0.contains("certified") })
            #expect(lines.contains { $0.hasPrefix("certified: ||M u - lambda u||") })
            #expect(lines.contains { $0.hasPrefix("loss") && $0.contains("closed-form min") })
            for name in Self.losses {
                #expect(lines.contains { $0.hasPrefix(name + " ") && $0.hasSuffix("result/\(name).npy") }, "\(name) row")
            }
            #expect(lines.contains { $0.hasPrefix("guidance  ") })
            #expect(lines.last?.hasSuffix("report: result/report.json") == true)
        }

        /// `--out r` (a one-character relative name) must work like any other name.
        @Test func singleCharacterOutputDirectoryName() throws {
            let dir = try TempDir("onechar")
            defer { dir.cleanup() }
            try dir.write("g.txt", "0 1\n1 2\n2 3\n3 0\n0 2\n")
            let run = try eigenpair(["embed", "g.txt", "--out", "r", "--dim", "2", "--quiet"], in: dir.path)
            #expect(run.status == 0, "\(run.summary.prefix(600))")
            #expect(dir.exists("r/report.json"))
            #expect(dir.listing().filter { $0.hasPrefix(".") }.isEmpty, "leftovers: \(dir.listing())")
        }

        /// Non-convergence exits with status 3 after the documented message, and leaves nothing.
        @Test func nonConvergenceExitsThreeAndLeavesNoFiles() throws {
            let dir = try TempDir("noconv")
            defer { dir.cleanup() }
            let gen = try eigenpair(["generate", "sbm", "--nodes", "300", "--classes", "3", "--p-in", "0.1",
                                     "--p-out", "0.01", "--seed", "5", "--out", "h.tsv"], in: dir.path)
            try #require(gen.status == 0, "\(gen.summary)")
            let run = try eigenpair(["embed", "h.tsv", "--out", "out", "--dim", "4", "--max-restarts", "1",
                                     "--ncv", "6", "--quiet"], in: dir.path)
            #expect(run.status == 3, "\(run.summary)")
            #expect(run.errorLines.count == 1)
            #expect(run.errorLines.first?.contains("did not converge") == true, "\(run.stderr)")
            #expect(!dir.exists("out"))
            #expect(dir.listing() == ["h.tsv", "h.tsv.labels"], "leftovers: \(dir.listing())")
        }
    }
}
