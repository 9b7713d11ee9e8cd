import Foundation
import NpyFormat
import Testing

/// `eigenpair linear`: outputs, Z = X W, the sign rule, rank-count independence under mpirun,
/// --nodes / Fortran order / float32 inputs, the label graph, and bad inputs.
extension CLITests {
    @Suite(.serialized) struct LinearCLI {
        static let n = 150, p = 5

        /// A deterministic feature matrix (row-major), no library code involved.
        static func features(rows: Int, columns: Int, seed: UInt64) -> [Double] {
            var state = seed &* 0x9E3779B97F4A7C15 &+ 1
            func next() -> Double {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return Double(state >> 11) * 0x1p-53
            }
            return (0..<(rows * columns)).map { k in
                let j = k % columns
                return (next() - 0.5) * Double(j + 1) + 0.25 * Double(j) + (next() - 0.5) * (next() - 0.5)
            }
        }

        /// An SBM graph with labels, and X.npy for node IDs 0..<n.
        static func setup(_ dir: TempDir) throws -> [Double] {
            let gen = try eigenpair(["generate", "sbm", "--nodes", "\(n)", "--classes", "3", "--p-in", "0.12", "--p-out", "0.01",
                                     "--seed", "5", "--out", "g.tsv"], in: dir.path)
            try #require(gen.status == 0, "\(gen.summary)")
            // Noise plus a class signal (the generator's class of node i is i % 3), so that the
            // graph-aligned directions exist and every loss has its closed form at K = 2.
            var x = features(rows: n, columns: p, seed: 17)
            for i in 0..<n {
                x[i * p] += Double(i % 3)
                x[i * p + 1] += i % 3 == 1 ? 1.5 : 0
                x[i * p + 2] += i % 3 == 2 ? -1 : 0.5
            }
            try writeNpy(dir.file("X.npy"), x, shape: [n, p])
            return x
        }

        static func run(ranks: Int, _ args: [String], in dir: TempDir) throws -> ProcessResult {
            try MultiRank.run(ranks: ranks, args, in: dir)
        }

        /// Z = X[nodes] W for every loss written; the sign rule on W; loss = closed-form min.
        static func checkOutputs(_ dir: TempDir, _ out: String, x: [Double], rowOfID: (Int64) -> Int, k: Int,
                                 sourceLocation: SourceLocation = #_sourceLocation) throws {
            let report = try readJSON(dir.file("\(out)/report.json"))
            let losses = try #require(report.object("losses"), sourceLocation: sourceLocation)
            let nodes = try readNpy(dir.file("\(out)/nodes.npy")).integers
            for (name, value) in losses {
                let l = try #require(value as? [String: Any])
                guard l["available"] as? Bool == true else { continue }
                let w = try readNpy(dir.file("\(out)/\(name)-W.npy"))
                let z = try readNpy(dir.file("\(out)/\(name).npy"))
                #expect(w.header.shape == [p, k], "\(name)-W shape \(w.header.shape)", sourceLocation: sourceLocation)
                #expect(z.header.shape == [nodes.count, k], "\(name) shape \(z.header.shape)", sourceLocation: sourceLocation)
                var worst = 0.0
                let scale = z.doubles.map(abs).max() ?? 1
                for (r, id) in nodes.enumerated() {
                    let row = rowOfID(id)
                    for j in 0..<k {
                        var s = 0.0
                        for a in 0..<p { s += x[row * p + a] * w.doubles[a * k + j] }
                        worst = max(worst, abs(s - z.doubles[r * k + j]))
                    }
                }
                #expect(worst <= 1e-12 * max(scale, 1), "\(name): Z differs from X W by \(worst)", sourceLocation: sourceLocation)
                for j in 0..<k {
                    let column = (0..<p).map { w.doubles[$0 * k + j] }
                    let top = column.map(abs).max() ?? 0
                    let first = column.firstIndex { abs($0) == top }!
                    #expect(top == 0 || column[first] > 0, "\(name): column \(j) breaks the sign rule", sourceLocation: sourceLocation)
                }
                let loss = try #require(l.double("loss_at_z_star")), minLoss = try #require(l.double("min_loss"))
                #expect(abs(loss - minLoss) <= 1e-9 * max(1, abs(minLoss)), "\(name): loss \(loss) vs min \(minLoss)",
                        sourceLocation: sourceLocation)
            }
        }

        /// Two runs agree: W and Z to 1e-9 (relative to their largest entry), report numbers to 1e-9.
        static func expectSame(_ dir: TempDir, _ a: String, _ b: String, context: String,
                               sourceLocation: SourceLocation = #_sourceLocation) throws -> Double {
            let ra = try readJSON(dir.file("\(a)/report.json")), rb = try readJSON(dir.file("\(b)/report.json"))
            let la = try #require(ra.object("losses")), lb = try #require(rb.object("losses"))
            #expect(Set(la.keys) == Set(lb.keys), "\(context)", sourceLocation: sourceLocation)
            #expect(try readNpy(dir.file("\(a)/nodes.npy")).integers == (try readNpy(dir.file("\(b)/nodes.npy")).integers),
                    "\(context): nodes", sourceLocation: sourceLocation)
            var worst = 0.0
            for name in la.keys.sorted() {
                let x = try #require(la.object(name)), y = try #require(lb.object(name))
                #expect(x["available"] as? Bool == y["available"] as? Bool, "\(context) \(name)", sourceLocation: sourceLocation)
                for key in ["rank", "numerical_rank"] {
                    #expect(x.int(key) == y.int(key), "\(context): \(name).\(key)", sourceLocation: sourceLocation)
                }
                for key in ["loss_at_z_star", "min_loss"] {
                    let p = x.double(key), q = y.double(key)
                    #expect((p == nil) == (q == nil), "\(context): \(name).\(key)", sourceLocation: sourceLocation)
                    if let p, let q {
                        worst = max(worst, abs(p - q) / max(1, abs(p)))
                        #expect(abs(p - q) <= 1e-9 * max(1, abs(p)), "\(context): \(name).\(key) \(p) vs \(q)", sourceLocation: sourceLocation)
                    }
                }
                for key in ["eigenvalues", "variances", "second_moments", "water_levels"] {
                    let p = x.doubles(key) ?? [], q = y.doubles(key) ?? []
                    #expect(p.count == q.count && zip(p, q).allSatisfy { abs($0 - $1) <= 1e-9 * max(1, abs($0)) },
                            "\(context): \(name).\(key) \(p) vs \(q)", sourceLocation: sourceLocation)
                }
                guard x["available"] as? Bool == true else { continue }
                for file in ["\(name)-W.npy", "\(name).npy"] {
                    let u = try readNpy(dir.file("\(a)/\(file)")), v = try readNpy(dir.file("\(b)/\(file)"))
                    #expect(u.header.shape == v.header.shape, "\(context): \(file)", sourceLocation: sourceLocation)
                    let scale = max(u.doubles.map(abs).max() ?? 1, 1e-300)
                    let diff = zip(u.doubles, v.doubles).map { abs($0 - $1) }.max() ?? 0
                    worst = max(worst, diff / scale)
                    #expect(diff <= 1e-9 * scale, "\(context): \(file) differs by \(diff) (scale \(scale))", sourceLocation: sourceLocation)
                }
            }
            return worst
        }

        @Test func writesWAndZForEveryLoss() throws {
            let dir = try TempDir("linear")
            defer { dir.cleanup() }
            let x = try Self.setup(dir)
            let r = try eigenpair(["linear", "g.tsv", "--features", "X.npy", "--out", "out", "--dim", "2", "--quiet"], in: dir.path)
            try #require(r.status == 0, "\(r.summary)")
            #expect(r.stdout.contains("vicreg") && r.stdout.contains("barlow"), "\(r.stdout)")
            #expect(dir.listing("out") == ["barlow-W.npy", "barlow.npy", "nodes.npy", "report.json", "simclr-W.npy", "simclr.npy",
                                           "vicreg-W.npy", "vicreg.npy"])
            try Self.checkOutputs(dir, "out", x: x, rowOfID: { Int($0) }, k: 2)
            let report = try readJSON(dir.file("out/report.json"))
            let f = try #require(report.object("features"))
            #expect(f.int("columns") == Self.p && f.int("rows") == Self.n)
            #expect(f.int("rows_used")! + f.int("rows_ignored")! == Self.n)
            let settings = try #require(report.object("settings"))
            let graph = try #require(report.object("graph"))
            let gamma = try #require(settings.object("hyperparameters")?.double("gamma"))
            #expect(abs(gamma - Double(graph.int("nodes")!) / graph.double("total_weight")!) <= 1e-12 * gamma, "default gamma = beta N / S")
            #expect((report.objects("rank_details") ?? []).count == 1)
            // The default K is min(16, P) = P.
            // BarlowTwins needs K <= r (positive eigenvalues of M_b): at K = P = 5 a requested
            // BarlowTwins cannot be written, so the run fails (exit 2, the input's K) with the
            // reason, and writes nothing; without it the other losses are written.
            let all = try eigenpair(["linear", "g.tsv", "--features", "X.npy", "--out", "full", "--quiet"], in: dir.path)
            #expect(all.status == 2, "\(all.summary)")
            let errors = all.stderr.split(separator: "\n").filter { $0.hasPrefix("error:") }
            #expect(errors.count == 1 && errors[0].contains("barlow") && errors[0].contains("exceeds r"), "\(all.stderr)")
            #expect(!dir.exists("full"))
            let two = try eigenpair(["linear", "g.tsv", "--features", "X.npy", "--out", "full", "--loss", "vicreg,simclr", "--quiet"], in: dir.path)
            try #require(two.status == 0, "\(two.summary)")
            #expect(try readNpy(dir.file("full/vicreg-W.npy")).header.shape == [Self.p, Self.p])
            try Self.checkOutputs(dir, "full", x: x, rowOfID: { Int($0) }, k: Self.p)
        }

        /// The project's digits (bench/data/digits: 64 pixels, 3 of them constant): the README's
        /// LDA example writes W* and its columns are Fisher LDA directions, checked here against the
        /// scatter matrices (S_b w = lambda S_w w with lambda > 0: S_b has rank C - 1, so these
        /// span the LDA subspace); a kNN graph on the raw pixels gives every loss's W*; K above the
        /// rank of the pixels exits 2 with the reason.
        @Test func rawDigitsPixelsAndTheReadmeLDAExample() throws {
            let dir = try TempDir("linear-digits")
            defer { dir.cleanup() }
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().path
            let xPath = root + "/bench/data/digits/X.npy", yPath = root + "/bench/data/digits/y.npy"
            let lda = try eigenpair(["linear", "--pairs-from-labels", yPath, "--features", xPath, "--out", "lda", "--dim", "9",
                                     "--loss", "vicreg"], in: dir.path)
            try #require(lda.status == 0, "\(lda.summary)")
            let x = try readNpy(xPath), y = try readNpy(yPath).integers
            let n = x.rows, p = x.columns, classes = Int(y.max()!) + 1
            let entry = try #require(try readJSON(dir.file("lda/report.json")).object("losses")?.object("vicreg"))
            // The null directions are the constant pixels (counted here): no combination of the
            // others is constant on these images.
            let constantPixels = (0..<p).filter { j in (0..<n).allSatisfy { x.doubles[$0 * p + j] == x.doubles[j] } }.count
            #expect(constantPixels == 3 && entry.int("null_directions_dropped") == constantPixels, "\(entry)")
            // Within- and between-class scatter, dense.
            var mean = [Double](repeating: 0, count: p)
            var classMean = [[Double]](repeating: [Double](repeating: 0, count: p), count: classes)
            var size = [Double](repeating: 0, count: classes)
            for i in 0..<n {
                size[Int(y[i])] += 1
                for j in 0..<p { mean[j] += x.doubles[i * p + j] / Double(n); classMean[Int(y[i])][j] += x.doubles[i * p + j] }
            }
            for c in 0..<classes { classMean[c] = classMean[c].map { $0 / size[c] } }
            var sw = [[Double]](repeating: [Double](repeating: 0, count: p), count: p), sb = sw
            for i in 0..<n {
                let m = classMean[Int(y[i])]
                for a in 0..<p { for b in 0..<p { sw[a][b] += (x.doubles[i * p + a] - m[a]) * (x.doubles[i * p + b] - m[b]) } }
            }
            for c in 0..<classes { for a in 0..<p { for b in 0..<p { sb[a][b] += size[c] * (classMean[c][a] - mean[a]) * (classMean[c][b] - mean[b]) } } }
            func times(_ m: [[Double]], _ v: [Double]) -> [Double] { m.map { row in zip(row, v).reduce(0) { $0 + $1.0 * $1.1 } } }
            let w = try readNpy(dir.file("lda/vicreg-W.npy"))
            #expect(w.header.shape == [p, 9])
            for k in 0..<9 {
                let col = (0..<p).map { w.doubles[$0 * 9 + k] }
                let bw = times(sb, col), ww = times(sw, col)
                let lambda = zip(col, bw).reduce(0) { $0 + $1.0 * $1.1 } / zip(col, ww).reduce(0) { $0 + $1.0 * $1.1 }
                let residual = zip(bw, ww).map { ($0 - lambda * $1) * ($0 - lambda * $1) }.reduce(0, +).squareRoot()
                let scale = bw.map { $0 * $0 }.reduce(0, +).squareRoot()
                #expect(lambda > 1e-3 && residual <= 1e-8 * scale, "column \(k): lambda \(lambda), residual \(residual) of \(scale)")
            }

            // A kNN graph on the raw pixels: every loss's W* is written (K = 16).
            let knn = try eigenpair(["generate", "knn", "--features", xPath, "--k", "10", "--out", "knn.tsv"], in: dir.path)
            try #require(knn.status == 0, "\(knn.summary)")
            let all = try eigenpair(["linear", "knn.tsv", "--features", xPath, "--out", "all", "--loss", "all", "--quiet"], in: dir.path)
            try #require(all.status == 0, "\(all.summary)")
            for loss in ["vicreg", "simclr", "barlow"] {
                #expect(try readNpy(dir.file("all/\(loss)-W.npy")).header.shape == [p, 16], "\(loss)")
            }
            // 61 = 64 - 3 constant pixels is the largest K VICReg can have.
            let over = try eigenpair(["linear", "knn.tsv", "--features", xPath, "--out", "over", "--loss", "vicreg", "--dim", "62"], in: dir.path)
            #expect(over.status == 2 && over.errorLines.count == 1 && over.errorLines[0].contains("exceeds r = 61"), "\(over.summary)")
            #expect(!dir.exists("over"))
        }

        /// mpirun -np 1, 2, 3 give the plain run's W, Z and report numbers (1e-9).
        @Test(.needsMPIRun) func sameResultsOnOneTwoAndThreeRanks() throws {
            let dir = try TempDir("linear-mpi")
            defer { dir.cleanup() }
            _ = try Self.setup(dir)
            // K = 2: BarlowTwins' M_b has r = 2 positive eigenvalues on these features.
            let args = ["linear", "g.tsv", "--features", "X.npy", "--dim", "2", "--quiet", "--out"]
            let plain = try eigenpair(args + ["plain"], in: dir.path)
            try #require(plain.status == 0, "\(plain.summary)")
            var worst: [Int: Double] = [:]
            for ranks in [1, 2, 3] {
                let r = try Self.run(ranks: ranks, args + ["np\(ranks)"], in: dir)
                try #require(r.status == 0, "np \(ranks): \(r.summary)")
                worst[ranks] = try Self.expectSame(dir, "plain", "np\(ranks)", context: "np \(ranks)")
                let report = try readJSON(dir.file("np\(ranks)/report.json"))
                #expect(report.int("ranks") == ranks)
                #expect((report.objects("rank_details") ?? []).count == ranks)
            }
            // The label graph, too.
            let labelArgs = ["linear", "--pairs-from-labels", "g.tsv.labels", "--features", "X.npy", "--dim", "2", "--quiet", "--out"]
            let lplain = try eigenpair(labelArgs + ["lplain"], in: dir.path)
            try #require(lplain.status == 0, "\(lplain.summary)")
            let l3 = try Self.run(ranks: 3, labelArgs + ["l3"], in: dir)
            try #require(l3.status == 0, "\(l3.summary)")
            let labelWorst = try Self.expectSame(dir, "lplain", "l3", context: "labels np 3")
            if ProcessInfo.processInfo.environment["EIGENPAIR_TEST_VERBOSE"] != nil {
                print("linear CLI: largest relative difference to the plain run: \(worst.sorted { $0.key < $1.key }), labels np 3: \(labelWorst)")
            }
        }

        /// --nodes (rows shuffled, extra rows for IDs not in the graph), a Fortran-order file and
        /// float32 features give the same results as the plain layout.
        @Test func nodeIDsFortranOrderAndFloat32() throws {
            let dir = try TempDir("linear-layout")
            defer { dir.cleanup() }
            let x = try Self.setup(dir)
            let base = ["linear", "g.tsv", "--dim", "2", "--quiet", "--features"]
            try #require(try eigenpair(base + ["X.npy", "--out", "plain"], in: dir.path).status == 0)
            // Shuffled rows with IDs, plus 7 rows for IDs the graph does not have.
            let extra = 7
            var order = Array(0..<Self.n)
            var state: UInt64 = 99
            for i in stride(from: order.count - 1, to: 0, by: -1) {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                order.swapAt(i, Int(state >> 33) % (i + 1))
            }
            var shuffled: [Double] = []
            var ids: [Int64] = []
            for (k, id) in order.enumerated() {
                if k % 20 == 0 && ids.count < extra + Self.n {
                    ids.append(Int64(10_000 + k))
                    shuffled += Self.features(rows: 1, columns: Self.p, seed: UInt64(k))
                }
                ids.append(Int64(id))
                shuffled += x[(id * Self.p)..<((id + 1) * Self.p)]
            }
            try writeNpy(dir.file("Xs.npy"), shuffled, shape: [ids.count, Self.p])
            try writeNpy(dir.file("ids.npy"), ids, shape: [ids.count])
            let r = try eigenpair(base + ["Xs.npy", "--nodes", "ids.npy", "--out", "ids"], in: dir.path)
            try #require(r.status == 0, "\(r.summary)")
            _ = try Self.expectSame(dir, "plain", "ids", context: "--nodes")
            let f = try #require(try readJSON(dir.file("ids/report.json")).object("features"))
            #expect(f.int("rows_ignored") == ids.count - Self.n)
            var rowOf: [Int64: Int] = [:]
            for (r, id) in ids.enumerated() { rowOf[id] = r }
            try Self.checkOutputs(dir, "ids", x: shuffled, rowOfID: { rowOf[$0]! }, k: 2)

            // Fortran order: the same matrix stored column by column.
            var header = NpyHeader(dtype: .float64, shape: [Self.n, Self.p], fortranOrder: true).encoded()
            var columnMajor: [Double] = []
            for j in 0..<Self.p { for i in 0..<Self.n { columnMajor.append(x[i * Self.p + j]) } }
            columnMajor.withUnsafeBytes { header.append(contentsOf: $0) }
            try Data(header).write(to: URL(fileURLWithPath: dir.file("Xf.npy")))
            try #require(try eigenpair(base + ["Xf.npy", "--out", "fortran"], in: dir.path).status == 0)
            _ = try Self.expectSame(dir, "plain", "fortran", context: "Fortran order")

            // float32: read exactly as its float values.
            let single = x.map { Double(Float($0)) }
            var f32 = NpyHeader(dtype: .float32, shape: [Self.n, Self.p]).encoded()
            x.map { Float($0) }.withUnsafeBytes { f32.append(contentsOf: $0) }
            try Data(f32).write(to: URL(fileURLWithPath: dir.file("X32.npy")))
            try writeNpy(dir.file("X32as64.npy"), single, shape: [Self.n, Self.p])
            try #require(try eigenpair(base + ["X32.npy", "--out", "f32"], in: dir.path).status == 0)
            try #require(try eigenpair(base + ["X32as64.npy", "--out", "f32as64"], in: dir.path).status == 0)
            _ = try Self.expectSame(dir, "f32", "f32as64", context: "float32")
        }

        /// The label graph: LDA-like VICReg, loss from the class sums, the report's label_graph.
        @Test func pairsFromLabels() throws {
            let dir = try TempDir("linear-labels")
            defer { dir.cleanup() }
            let x = try Self.setup(dir)
            for weighting in ["inverse-size", "uniform"] {
                let r = try eigenpair(["linear", "--pairs-from-labels", "g.tsv.labels", "--features", "X.npy", "--dim", "2",
                                       "--label-weighting", weighting, "--out", weighting, "--quiet"], in: dir.path)
                try #require(r.status == 0, "\(r.summary)")
                try Self.checkOutputs(dir, weighting, x: x, rowOfID: { Int($0) }, k: 2)
                let report = try readJSON(dir.file("\(weighting)/report.json"))
                let lg = try #require(report.object("label_graph"))
                #expect(lg.int("nodes") == Self.n && lg.int("classes") == 3 && lg["weighting"] as? String == weighting)
                #expect(lg["materialised"] as? Bool == false)
                #expect(report["graph"] == nil)
                let sizes = try #require(lg.doubles("class_sizes"))
                let s = try #require(lg.double("total_weight"))
                let expected = weighting == "uniform" ? sizes.reduce(0) { $0 + $1 * ($1 - 1) } : sizes.reduce(0) { $0 + ($1 - 1) }
                #expect(abs(s - expected) <= 1e-9 * expected, "S = \(s), expected \(expected)")
            }
        }

        struct BadCase: Sendable, CustomTestStringConvertible {
            var name: String
            var arguments: [String]
            var expected: [String]
            var testDescription: String { name }
        }

        static let badCases: [BadCase] = [
            BadCase(name: "missing node row", arguments: ["g.tsv", "--features", "short.npy"],
                    expected: ["error: short.npy: node ", "has no row"]),
            BadCase(name: "integer features", arguments: ["g.tsv", "--features", "int.npy"],
                    expected: ["error: int.npy: features must be float64 or float32, found dtype <i8"]),
            BadCase(name: "ids shape mismatch", arguments: ["g.tsv", "--features", "X.npy", "--nodes", "fewids.npy"],
                    expected: ["error: fewids.npy: has 10 node IDs but X.npy has 150 rows"]),
            BadCase(name: "ids missing a node", arguments: ["g.tsv", "--features", "X.npy", "--nodes", "shiftedids.npy"],
                    expected: ["error: shiftedids.npy: node 0 of the graph has no row in X.npy"]),
            BadCase(name: "3-D features", arguments: ["g.tsv", "--features", "cube.npy"],
                    expected: ["error: cube.npy: features must be a 2-D array"]),
            BadCase(name: "not npy", arguments: ["g.tsv", "--features", "g.tsv"],
                    expected: ["error: g.tsv: not a NumPy .npy file"]),
            BadCase(name: "NaN feature", arguments: ["g.tsv", "--features", "nan.npy"],
                    expected: ["error: nan.npy: row 3 (node 3) has a non-finite value"]),
            BadCase(name: "--dim above P", arguments: ["g.tsv", "--features", "X.npy", "--dim", "6"],
                    expected: ["error: --dim 6 must be at most the number of features P = 5"]),
            BadCase(name: "graph and labels", arguments: ["g.tsv", "--pairs-from-labels", "g.tsv.labels", "--features", "X.npy"],
                    expected: ["error: give either a GRAPH or --pairs-from-labels"]),
            BadCase(name: "simclr-degree", arguments: ["g.tsv", "--features", "X.npy", "--loss", "simclr-degree"],
                    expected: ["error: --loss: unknown loss 'simclr-degree' for linear"]),
            BadCase(name: "bad weighting", arguments: ["--pairs-from-labels", "g.tsv.labels", "--features", "X.npy",
                                                       "--label-weighting", "sqrt"],
                    expected: ["error: --label-weighting must be inverse-size or uniform"]),
        ]

        /// Exit 2, one `error:` line, nothing written; on 1 rank and under mpirun -np 2.
        @Test(arguments: badCases)
        func badInputExitsTwo(_ c: BadCase) throws {
            try Self.expectExitTwo(c, ranks: 0)
        }

        @Test(.needsMPIRun, arguments: badCases)
        func badInputExitsTwoOnTwoRanks(_ c: BadCase) throws {
            try Self.expectExitTwo(c, ranks: 2)
        }

        /// One `error:` line, exit 2, nothing written, run plainly (`ranks` 0) or under mpirun.
        static func expectExitTwo(_ c: BadCase, ranks: Int) throws {
            let dir = try TempDir("linear-bad")
            defer { dir.cleanup() }
            let x = try Self.setup(dir)
            try writeNpy(dir.file("short.npy"), Array(x[..<(100 * Self.p)]), shape: [100, Self.p])
            try writeNpy(dir.file("int.npy"), (0..<(Self.n * Self.p)).map { Int64($0) }, shape: [Self.n, Self.p])
            try writeNpy(dir.file("fewids.npy"), (0..<10).map { Int64($0) }, shape: [10])
            try writeNpy(dir.file("shiftedids.npy"), (0..<Self.n).map { Int64($0 + 1) }, shape: [Self.n])
            try writeNpy(dir.file("cube.npy"), Array(x[..<60]), shape: [3, 4, 5])
            var nan = x
            nan[3 * Self.p + 2] = .nan
            try writeNpy(dir.file("nan.npy"), nan, shape: [Self.n, Self.p])
            let r = try Self.run(ranks: ranks, ["linear"] + c.arguments + ["--out", "out"], in: dir)
            #expect(r.status == 2, "np \(ranks): \(r.summary)")
            #expect(r.errorLines.count == 1, "np \(ranks): \(r.summary)")
            let line = String(r.errorLines.first ?? "")
            for e in c.expected { #expect(line.contains(e), "np \(ranks): '\(line)' lacks '\(e)'") }
            #expect(!dir.exists("out"), "np \(ranks): output written")
            #expect(!dir.listing().contains { $0.hasPrefix(".out") }, "np \(ranks): staging left: \(dir.listing())")
        }
    }
}
