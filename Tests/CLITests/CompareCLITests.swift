import Foundation
import NpyFormat
import Testing

extension CLITests {
    /// `eigenpair compare`: Z* itself has gap 0 and angles 0, other embeddings a positive gap,
    /// --nodes and float32 inputs, local/global scores against dense N x N algebra, P ranks, bad
    /// input.
    @Suite struct CompareCLI {
        static let losses = ["vicreg", "simclr", "simclr-degree", "barlow"]

        /// A 120-node SBM and `embed --dim 4` of it in `e/`.
        static func setUp(_ dir: TempDir) throws {
            let gen = try eigenpair(["generate", "sbm", "--nodes", "120", "--classes", "3", "--p-in", "0.15",
                                     "--p-out", "0.02", "--seed", "5", "--out", "g.tsv"], in: dir.path)
            try #require(gen.status == 0, "\(gen.summary)")
            let e = try eigenpair(["embed", "g.tsv", "--out", "e", "--dim", "4", "--quiet"], in: dir.path)
            try #require(e.status == 0, "\(e.summary)")
        }

        /// float32 C-order .npy, written by hand (the encoder writes float64 and int64 only).
        static func writeFloat32Npy(_ path: String, _ values: [Double], rows: Int, columns: Int) throws {
            var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(rows), \(columns)), }"
            while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
            header += "\n"
            var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count & 0xff), UInt8(header.utf8.count >> 8)]
            bytes += Array(header.utf8)
            for v in values { withUnsafeBytes(of: Float(v).bitPattern.littleEndian) { bytes += $0 } }
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        }

        static func losses(_ path: String) throws -> [String: Any] {
            try #require(try readJSON(path).object("losses"))
        }

        @Test func zStarItselfHasNoGapAndNoAngle() throws {
            let dir = try TempDir("cmp")
            defer { dir.cleanup() }
            try Self.setUp(dir)
            let embed = try Self.losses(dir.file("e/report.json"))
            for loss in Self.losses {
                let out = "c-\(loss)"
                let r = try eigenpair(["compare", "g.tsv", "--embedding", "e/\(loss).npy", "--out", out, "--quiet"], in: dir.path)
                try #require(r.status == 0, "\(r.summary)")
                let report = try readJSON(dir.file("\(out)/report.json"))
                let l = try #require(try Self.losses(dir.file("\(out)/report.json")).object(loss))
                let atZ = try #require(l.double("loss_at_embedding")), minLoss = try #require(l.double("min_loss"))
                let gap = try #require(l.double("gap"))
                #expect(abs(gap - (atZ - minLoss)) <= 1e-15 * max(1, abs(atZ)))
                #expect(abs(gap) <= 1e-9 * max(1, abs(minLoss)), "\(loss): gap \(gap)")
                #expect(minLoss == embed.object(loss)?.double("min_loss"), "\(loss): same closed form as embed")
                let angles = try #require(l.doubles("principal_angles_deg"))
                #expect(!angles.isEmpty && angles.allSatisfy { $0 < 1e-5 }, "\(loss): \(angles)")
                #expect(l.int("numerical_rank") == l.int("closed_form_numerical_rank"), "\(loss)")
                #expect(l.int("closed_form_rank") == embed.object(loss)?.int("rank"), "\(loss)")
                #expect(l.double("local_score") != nil && l.double("global_score") != nil, "\(loss)")
                // The embedding's own scores are those of Z*.
                let e = try #require(report.object("embedding"))
                #expect(e.int("extra_rows_ignored") == 0 && e.int("rows") == 120 && e.int("columns") == 4)
                #expect(abs((e.double("local_score") ?? -1) - (l.double("local_score") ?? -2)) <= 1e-9 * max(1, l.double("local_score") ?? 1), "\(loss)")
                #expect(abs((e.double("global_score") ?? -1) - (l.double("global_score") ?? -2)) <= 1e-9, "\(loss)")
                let plot = try #require(SVGSeriesCounter.parse(dir.file("\(out)/local-global.svg")))
                #expect(plot.series.count == 4 + 1, "\(plot.series)")
            }
        }

        @Test func perturbedAndRandomEmbeddingsHaveAPositiveGap() throws {
            let dir = try TempDir("cmp-gap")
            defer { dir.cleanup() }
            try Self.setUp(dir)
            let z = try readNpy(dir.file("e/vicreg.npy"))
            var state: UInt64 = 99
            func uniform() -> Double {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return Double(state >> 11) * 0x1.0p-53 - 0.5
            }
            let perturbed = z.doubles.map { $0 + 0.05 * uniform() }
            try writeNpy(dir.file("p.npy"), perturbed, shape: [120, 4])
            let random = z.doubles.map { _ in uniform() }
            try writeNpy(dir.file("r.npy"), random, shape: [120, 4])
            let p = try eigenpair(["compare", "g.tsv", "--embedding", "p.npy", "--out", "cp", "--quiet"], in: dir.path)
            try #require(p.status == 0, "\(p.summary)")
            let pv = try #require(try Self.losses(dir.file("cp/report.json")).object("vicreg"))
            #expect((pv.double("gap") ?? 0) > 1e-6, "\(pv)")
            #expect((pv.doubles("principal_angles_deg")?.max() ?? 0) > 1e-3)
            let r = try eigenpair(["compare", "g.tsv", "--embedding", "r.npy", "--out", "cr", "--quiet"], in: dir.path)
            try #require(r.status == 0, "\(r.summary)")
            let losses = try Self.losses(dir.file("cr/report.json"))
            for loss in Self.losses {
                let l = try #require(losses.object(loss))
                #expect((l.double("gap") ?? 0) > 1e-3, "\(loss): \(l)")
                #expect((l.doubles("principal_angles_deg")?.max() ?? 0) > 10, "\(loss)")
            }
            #expect((try Self.losses(dir.file("cr/report.json")).object("vicreg")?.double("gap") ?? 0)
                    > (pv.double("gap") ?? .infinity), "a random Z is further from Z* than a perturbed one")
        }

        /// Rows shuffled and given by --nodes, 3 extra rows of unknown IDs, float32: the same
        /// numbers as the plain float64 file, to float32 precision.
        @Test func nodesFileExtraRowsAndFloat32() throws {
            let dir = try TempDir("cmp-nodes")
            defer { dir.cleanup() }
            try Self.setUp(dir)
            let z = try readNpy(dir.file("e/vicreg.npy"))
            let ids = try readNpy(dir.file("e/nodes.npy")).integers
            let order = (0..<120).map { ($0 * 37) % 120 }  // a permutation (gcd(37, 120) = 1)
            var shuffled: [Double] = [], shuffledIDs: [Int64] = []
            for r in order {
                shuffled += z.doubles[(r * 4)..<(r * 4 + 4)]
                shuffledIDs.append(ids[r])
            }
            shuffled += [Double](repeating: 1, count: 12)
            shuffledIDs += [100_000, 100_001, 100_002]
            try writeNpy(dir.file("zs.npy"), shuffled, shape: [123, 4])
            try writeNpy(dir.file("ids.npy"), shuffledIDs, shape: [123])
            let r = try eigenpair(["compare", "g.tsv", "--embedding", "zs.npy", "--nodes", "ids.npy", "--out", "c", "--quiet"],
                                  in: dir.path)
            try #require(r.status == 0, "\(r.summary)")
            let report = try readJSON(dir.file("c/report.json"))
            #expect(report.object("embedding")?.int("extra_rows_ignored") == 3)
            let v = try #require(report.object("losses")?.object("vicreg"))
            #expect(abs(v.double("gap") ?? 1) <= 1e-9 * 4, "\(v)")
            #expect((v.doubles("principal_angles_deg") ?? [90]).allSatisfy { $0 < 1e-5 })

            try Self.writeFloat32Npy(dir.file("z32.npy"), z.doubles, rows: 120, columns: 4)
            let f = try eigenpair(["compare", "g.tsv", "--embedding", "z32.npy", "--out", "c32", "--quiet"], in: dir.path)
            try #require(f.status == 0, "\(f.summary)")
            let e32 = try #require(try readJSON(dir.file("c32/report.json")).object("embedding"))
            #expect(e32["dtype"] as? String == "<f4")
            let v32 = try #require(try Self.losses(dir.file("c32/report.json")).object("vicreg"))
            #expect(abs(v32.double("gap") ?? 1) <= 1e-5, "\(v32)")
            #expect((v32.doubles("principal_angles_deg") ?? [90]).allSatisfy { $0 < 1e-3 })
        }

        /// local = tr(Z^T L Z) / tr(Z^T H Z) and global = min_c ||G - c Z Z^T||_F / ||G||_F with
        /// N x N matrices formed here, for the embedding and for every Z*.
        @Test func localAndGlobalScoresMatchADenseComputation() throws {
            let dir = try TempDir("cmp-scores")
            defer { dir.cleanup() }
            try Self.setUp(dir)
            let graph = ReferenceGraph.edgeList(try String(contentsOfFile: dir.file("g.tsv"), encoding: .utf8))
            let g = graph.dense()
            let n = graph.n
            func scores(_ z: [Double], k: Int) -> (Double, Double) {
                let d = g.map { $0.reduce(0, +) }
                var lzz = 0.0, hzz = 0.0
                for a in 0..<k {
                    let col = column(z, columns: k, a)
                    let mean = col.reduce(0, +) / Double(n)
                    for i in 0..<n {
                        var lz = d[i] * col[i]
                        for j in 0..<n where g[i][j] != 0 { lz -= g[i][j] * col[j] }
                        lzz += col[i] * lz
                        hzz += col[i] * (col[i] - mean)
                    }
                }
                var inner = 0.0, zz2 = 0.0, g2 = 0.0
                var zzt = [Double](repeating: 0, count: n)
                for i in 0..<n {
                    for j in 0..<n {
                        var s = 0.0
                        for a in 0..<k { s += z[i * k + a] * z[j * k + a] }
                        zzt[j] = s
                    }
                    for j in 0..<n { inner += g[i][j] * zzt[j]; zz2 += zzt[j] * zzt[j]; g2 += g[i][j] * g[i][j] }
                }
                let c = inner / zz2
                var err = 0.0
                for i in 0..<n {
                    for j in 0..<n {
                        var s = 0.0
                        for a in 0..<k { s += z[i * k + a] * z[j * k + a] }
                        err += (g[i][j] - c * s) * (g[i][j] - c * s)
                    }
                }
                return (lzz / hzz, (err / g2).squareRoot())
            }
            // A smooth, non-optimal embedding: the node index and its square, plus Z* columns mixed.
            let zv = try readNpy(dir.file("e/vicreg.npy")).doubles
            var user: [Double] = []
            for i in 0..<n { user += [Double(i) / Double(n), zv[i * 4] + zv[i * 4 + 1], sin(Double(i))] }
            try writeNpy(dir.file("u.npy"), user, shape: [n, 3])
            let r = try eigenpair(["compare", "g.tsv", "--embedding", "u.npy", "--dim", "4", "--out", "c", "--quiet"], in: dir.path)
            try #require(r.status == 0, "\(r.summary)")
            let report = try readJSON(dir.file("c/report.json"))
            let e = try #require(report.object("embedding"))
            let (lu, gu) = scores(user, k: 3)
            #expect(abs((e.double("local_score") ?? 0) - lu) <= 1e-9 * lu, "\(e.double("local_score") ?? 0) vs \(lu)")
            #expect(abs((e.double("global_score") ?? 0) - gu) <= 1e-9, "\(e.double("global_score") ?? 0) vs \(gu)")
            let losses = try #require(report.object("losses"))
            for loss in Self.losses {
                let zs = try readNpy(dir.file("e/\(loss).npy")).doubles
                let (l, gl) = scores(zs, k: 4)
                let x = try #require(losses.object(loss))
                #expect(abs((x.double("local_score") ?? 0) - l) <= 1e-9 * l, "\(loss): \(x.double("local_score") ?? 0) vs \(l)")
                #expect(abs((x.double("global_score") ?? 0) - gl) <= 1e-9, "\(loss): \(x.double("global_score") ?? 0) vs \(gl)")
            }
            // VICReg is the local one, SimCLR the global one (the paper's finding).
            let vl = losses.object("vicreg")?.double("local_score") ?? 0, sl = losses.object("simclr")?.double("local_score") ?? 0
            let vg = losses.object("vicreg")?.double("global_score") ?? 0, sg = losses.object("simclr")?.double("global_score") ?? 0
            #expect(vl < sl && sg < vg, "local \(vl) vs \(sl), global \(vg) vs \(sg)")
        }

        @Test(.needsMPIRun)
        func twoAndThreeRanksGiveTheSameReport() throws {
            let dir = try TempDir("cmp-ranks")
            defer { dir.cleanup() }
            let gen = try eigenpair(["generate", "sbm", "--nodes", "600", "--classes", "4", "--p-in", "0.05",
                                     "--p-out", "0.005", "--seed", "11", "--out", "g.tsv"], in: dir.path)
            try #require(gen.status == 0, "\(gen.summary)")
            let e = try eigenpair(["embed", "g.tsv", "--out", "e", "--dim", "4", "--loss", "simclr", "--quiet"], in: dir.path)
            try #require(e.status == 0, "\(e.summary)")
            // A perturbed Z* so that every number is nonzero.
            let z = try readNpy(dir.file("e/simclr.npy"))
            let zp = z.doubles.enumerated().map { $0.element + 0.01 * sin(Double($0.offset)) }
            try writeNpy(dir.file("z.npy"), zp, shape: z.header.shape)
            let args = ["compare", "g.tsv", "--embedding", "z.npy", "--labels", "g.tsv.labels", "--quiet", "--out"]
            let plain = try MultiRank.run(ranks: 0, args + ["p1"], in: dir)
            try #require(plain.status == 0, "\(plain.summary)")
            let a = try readJSON(dir.file("p1/report.json"))
            for ranks in [2, 3] {
                let r = try MultiRank.run(ranks: ranks, args + ["p\(ranks)"], in: dir)
                try #require(r.status == 0, "\(r.summary)")
                let b = try readJSON(dir.file("p\(ranks)/report.json"))
                let ea = try #require(a.object("embedding")), eb = try #require(b.object("embedding"))
                for key in ["local_score", "global_score"] {
                    #expect(SweepCLI.close(ea.double(key), eb.double(key)), "P=\(ranks) embedding.\(key)")
                }
                #expect(ea.int("numerical_rank") == eb.int("numerical_rank"))
                #expect(SweepCLI.close(ea.object("labels")?.double("captured_label_energy"), eb.object("labels")?.double("captured_label_energy")))
                let la = try #require(a.object("losses")), lb = try #require(b.object("losses"))
                for loss in Self.losses {
                    let x = try #require(la.object(loss)), y = try #require(lb.object(loss))
                    for key in ["loss_at_embedding", "min_loss", "gap", "local_score", "global_score"] {
                        #expect(SweepCLI.close(x.double(key), y.double(key)), "P=\(ranks) \(loss).\(key): \(x[key] ?? "nil") vs \(y[key] ?? "nil")")
                    }
                    for key in ["numerical_rank", "closed_form_rank"] { #expect(x.int(key) == y.int(key), "P=\(ranks) \(loss).\(key)") }
                    let aa = x.doubles("principal_angles_deg") ?? [], ab = y.doubles("principal_angles_deg") ?? []
                    #expect(aa.count == ab.count && zip(aa, ab).allSatisfy { abs($0 - $1) <= 1e-6 }, "P=\(ranks) \(loss): \(aa) vs \(ab)")
                }
            }
        }

        @Test func badInputExitsTwoWithOneErrorLineAndNoOutput() throws {
            let dir = try TempDir("cmp-bad")
            defer { dir.cleanup() }
            try Self.setUp(dir)
            let z = try readNpy(dir.file("e/vicreg.npy"))
            // Missing rows: only the first 100 node IDs have a row.
            try writeNpy(dir.file("short.npy"), Array(z.doubles.prefix(400)), shape: [100, 4])
            try writeNpy(dir.file("flat.npy"), z.doubles, shape: [480])
            try writeNpy(dir.file("ids.npy"), (0..<50).map { Int64($0) }, shape: [50])
            try writeNpy(dir.file("ids-missing.npy"), (0..<120).map { Int64($0 == 7 ? 5000 : $0) }, shape: [120])
            let before = dir.listing()
            let cases: [([String], String)] = [
                (["--embedding", "short.npy"], "no row for graph node ID 100"),
                (["--embedding", "flat.npy"], "2-D"),
                (["--embedding", "e/vicreg.npy", "--nodes", "ids.npy"], "ids.npy"),
                (["--embedding", "e/vicreg.npy", "--nodes", "ids-missing.npy"], "no row for graph node ID 7"),
                (["--embedding", "nonexistent.npy"], "nonexistent.npy"),
                (["--embedding", "e/vicreg.npy", "--dim", "0"], "--dim"),
                (["--embedding", "e/vicreg.npy", "--dim", "500"], "--dim"),
            ]
            for (args, needle) in cases {
                let r = try eigenpair(["compare", "g.tsv", "--out", "c", "--quiet"] + args, in: dir.path)
                #expect(r.status == 2, "\(args): \(r.summary)")
                #expect(r.errorLines.count == 1 && r.errorLines.first?.contains(needle) == true, "\(args): \(r.stderr)")
                #expect(dir.listing() == before, "\(args): leftovers \(dir.listing())")
            }
        }
    }
}
