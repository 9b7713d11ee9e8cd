import Foundation
import NpyFormat
import Testing

/// `mpirun -np P eigenpair embed` for P = 2, 3, 4 against the plain (1-rank) run of the same
/// command: graph statistics identical, eigenvalues to 1e-10 relative, Z* and spectra written
/// row for row (columns of simple eigenvalues equal after the sign rule, tied eigenspaces by
/// their projectors), loss values, ranks and label numbers to 1e-9.
extension CLITests {
    @Suite(.serialized) struct MultiRank {
        static func run(ranks: Int, _ args: [String], in dir: TempDir, tcpOnly: Bool = false) throws -> ProcessResult {
            if ranks == 0 { return try eigenpair(args, in: dir.path) }
            let mpirun = try #require(mpirunPath)
            var launch = ["-np", "\(ranks)", "--oversubscribe"]
            if tcpOnly { launch += ["--mca", "pml", "ob1", "--mca", "btl", "tcp,self"] }
            return try runProcess(mpirun, launch + [try EigenpairBinary.require()] + args, in: dir.path)
        }

        /// Orthonormal basis (columns, modified Gram-Schmidt twice) of the span of Z's columns.
        static func basis(_ z: [Double], rows n: Int, columns k: Int) -> [[Double]] {
            var basis: [[Double]] = []
            for j in 0..<k {
                let original = column(z, columns: k, j)
                var v = original
                for _ in 0..<2 {
                    for b in basis {
                        let d = zip(v, b).map(*).reduce(0, +)
                        for i in 0..<n { v[i] -= d * b[i] }
                    }
                }
                let norm = v.map { $0 * $0 }.reduce(0, +).squareRoot()
                if norm > 1e-8 * max(1e-300, original.map { $0 * $0 }.reduce(0, +).squareRoot()) {
                    basis.append(v.map { $0 / norm })
                }
            }
            return basis
        }

        /// Largest principal angle (radians) between the column spans of two N x k matrices:
        /// cos^2 of the angles are the eigenvalues of M^T M, M = Qa^T Qb. O(N k^2), so it works at
        /// any N. Spans of different dimension give pi/2.
        static func largestAngle(_ a: [Double], _ b: [Double], rows n: Int, columns k: Int) -> Double {
            let qa = basis(a, rows: n, columns: k), qb = basis(b, rows: n, columns: k)
            guard qa.count == qb.count, !qa.isEmpty else { return qa.count == qb.count ? 0 : .pi / 2 }
            let m = qa.map { x in qb.map { y in zip(x, y).map(*).reduce(0, +) } }
            let r = qa.count
            let mtm = (0..<r).map { i in (0..<r).map { j in (0..<r).map { m[$0][i] * m[$0][j] }.reduce(0, +) } }
            let smallestCos2 = min(1, max(0, jacobiEigenvalues(mtm).min() ?? 1))
            // acos near 1 loses half the digits: use asin of sqrt(1 - cos^2) instead.
            return asin((1 - smallestCos2).squareRoot())
        }

        /// Everything the plain run `a` and the P-rank run `b` (output directories) must share.
        static func expectSameRun(_ dir: TempDir, _ a: String, _ b: String, context: String,
                                  sourceLocation: SourceLocation = #_sourceLocation) throws {
            let ra = try readJSON(dir.file("\(a)/report.json")), rb = try readJSON(dir.file("\(b)/report.json"))
            let ga = try #require(ra.object("graph")), gb = try #require(rb.object("graph"))
            for key in ga.keys.sorted() where key != "total_weight" {
                #expect("\(ga[key] ?? "nil")" == "\(gb[key] ?? "nil")", "\(context): graph.\(key)", sourceLocation: sourceLocation)
            }
            #expect(relativeDifference(try #require(ga.double("total_weight")), try #require(gb.double("total_weight"))) <= 1e-12,
                    "\(context)", sourceLocation: sourceLocation)
            #expect(try readNpy(dir.file("\(a)/nodes.npy")).integers == (try readNpy(dir.file("\(b)/nodes.npy")).integers),
                    "\(context)", sourceLocation: sourceLocation)
            let sa = try #require(ra.objects("solves")), sb = try #require(rb.objects("solves"))
            #expect(sa.count == sb.count, "\(context)", sourceLocation: sourceLocation)
            var spectra: [String: [Double]] = [:]
            for (x, y) in zip(sa, sb) {
                let va = try #require(x.doubles("eigenvalues")), vb = try #require(y.doubles("eigenvalues"))
                let scale = va.map(abs).max() ?? 1
                #expect(va.count == vb.count, "\(context)", sourceLocation: sourceLocation)
                for (p, q) in zip(va, vb) {
                    #expect(abs(p - q) <= 1e-10 * max(scale, 1e-300), "\(context): \(va) vs \(vb)", sourceLocation: sourceLocation)
                }
                spectra[x["file"] as? String ?? "?"] = va
                // The uniqueness verdict (docs/math.md 7.12) does not depend on P.
                let gapA = x["gap_certificate"] as? [String: Any], gapB = y["gap_certificate"] as? [String: Any]
                #expect((gapA?["certified"] as? Bool) == (gapB?["certified"] as? Bool), "\(context): gap \(String(describing: gapA)) vs \(String(describing: gapB))",
                        sourceLocation: sourceLocation)
            }
            let la = try #require(ra.object("losses")), lb = try #require(rb.object("losses"))
            #expect(Set(la.keys) == Set(lb.keys), "\(context)", sourceLocation: sourceLocation)
            for loss in la.keys.sorted() {
                let x = try #require(la.object(loss)), y = try #require(lb.object(loss))
                for key in ["rank", "numerical_rank"] {
                    #expect(x.int(key) == y.int(key), "\(context): \(loss).\(key)", sourceLocation: sourceLocation)
                }
                for key in ["loss_at_z_star", "min_loss"] {
                    if let p = x.double(key), let q = y.double(key) {
                        #expect(abs(p - q) <= 1e-9 * max(1, abs(p)), "\(context): \(loss).\(key) \(p) vs \(q)", sourceLocation: sourceLocation)
                    } else {
                        #expect(x.double(key) == nil && y.double(key) == nil, "\(context): \(loss).\(key)", sourceLocation: sourceLocation)
                    }
                }
                if let xl = x.object("labels") {
                    let yl = try #require(y.object("labels"))
                    for key in ["captured_label_energy", "numerical_rank"] {
                        #expect(abs((xl.double(key) ?? -1) - (yl.double(key) ?? -1)) <= 1e-9, "\(context): \(loss).labels.\(key)",
                                sourceLocation: sourceLocation)
                    }
                    let pa = xl.object("probe"), pb = yl.object("probe")
                    #expect(pa?.double("accuracy") == pb?.double("accuracy"), "\(context): \(loss) probe", sourceLocation: sourceLocation)
                    let anglesA = xl.doubles("principal_angles_deg") ?? [], anglesB = yl.doubles("principal_angles_deg") ?? []
                    #expect(anglesA.count == anglesB.count && zip(anglesA, anglesB).allSatisfy { abs($0 - $1) <= 1e-6 },
                            "\(context): \(loss) angles \(anglesA) vs \(anglesB)", sourceLocation: sourceLocation)
                }
                guard let file = x["file"] as? String else { continue }
                let za = try readNpy(dir.file("\(a)/\(file)")), zb = try readNpy(dir.file("\(b)/\(file)"))
                #expect(za.header.shape == zb.header.shape, "\(context): \(file)", sourceLocation: sourceLocation)
                let n = za.header.shape[0], k = za.columns
                let scale = za.doubles.map(abs).max() ?? 1
                let diff = zip(za.doubles, zb.doubles).map { abs($0 - $1) }.max() ?? 0
                if diff > 1e-9 * scale {
                    // Tied eigenvalues: any basis of the eigenspace is optimal; compare the spans.
                    let angle = largestAngle(za.doubles, zb.doubles, rows: n, columns: k)
                    #expect(angle <= 1e-6, "\(context): \(file) differs by \(diff) and its span by \(angle) rad",
                            sourceLocation: sourceLocation)
                    #expect(x["unique"] as? Bool == false, "\(context): \(file) differs (\(diff)) though the optimum is unique",
                            sourceLocation: sourceLocation)
                }
            }
        }

        @Test(.needsMPIRun)
        func twoToFourRanksMatchThePlainRun() throws {
            let dir = try TempDir("ranks")
            defer { dir.cleanup() }
            // 600 nodes in one component (Lanczos), labels for the diagnostics.
            let gen = try eigenpair(["generate", "sbm", "--nodes", "600", "--classes", "4", "--p-in", "0.05",
                                     "--p-out", "0.005", "--seed", "11", "--out", "g.tsv"], in: dir.path)
            try #require(gen.status == 0, "\(gen.summary)")
            let args = ["embed", "g.tsv", "--dim", "5", "--labels", "g.tsv.labels", "--quiet", "--out"]
            let plain = try Self.run(ranks: 0, args + ["p1"], in: dir)
            try #require(plain.status == 0, "\(plain.summary)")
            for ranks in 2...4 {
                let r = try Self.run(ranks: ranks, args + ["p\(ranks)"], in: dir)
                try #require(r.status == 0, "\(r.summary)")
                #expect(r.stdout.components(separatedBy: "report.json").count == plain.stdout.components(separatedBy: "report.json").count,
                        "the summary is printed once")
                try Self.expectSameRun(dir, "p1", "p\(ranks)", context: "P=\(ranks)")
                let report = try readJSON(dir.file("p\(ranks)/report.json"))
                #expect(report.int("ranks") == ranks)
                let details = try #require(report.objects("rank_details"))
                #expect(details.count == ranks)
                #expect(details.compactMap { $0.int("rows") }.reduce(0, +) == 600)
                #expect(details.allSatisfy { ($0.int("ghosts") ?? 0) > 0 && ($0.int("halo_bytes_per_matvec") ?? 0) > 0 })
            }
        }

        /// The Laplacian methods for any rank count (the Chebyshev filter, AMG shift-invert) give the
        /// same VICReg result at P = 1, 2, 3, 4 (eigenvalues to 1e-10 relative, Z* by subspace),
        /// certified at every P.
        @Test(.needsMPIRun, arguments: ["chebyshev", "amg"])
        func iterativeLaplacianMatchesForOneToFourRanks(_ method: String) throws {
            let dir = try TempDir(method)
            defer { dir.cleanup() }
            let gen = try eigenpair(["generate", "sbm", "--nodes", "800", "--classes", "5", "--p-in", "0.04",
                                     "--p-out", "0.004", "--seed", "12", "--out", "g.tsv"], in: dir.path)
            try #require(gen.status == 0, "\(gen.summary)")
            let args = ["embed", "g.tsv", "--dim", "6", "--loss", "vicreg", "--laplacian-method", method, "--quiet", "--out"]
            let plain = try Self.run(ranks: 0, args + ["p1"], in: dir)
            try #require(plain.status == 0, "\(plain.summary)")
            for ranks in 2...4 {
                let r = try Self.run(ranks: ranks, args + ["p\(ranks)"], in: dir)
                try #require(r.status == 0, "\(r.summary)")
                try Self.expectSameRun(dir, "p1", "p\(ranks)", context: "\(method) P=\(ranks)")
            }
            for name in ["p1", "p2", "p3", "p4"] {
                let solve = try #require(try readJSON(dir.file("\(name)/report.json")).objects("solves")?.first)
                #expect(solve.objects("lanczos")?.first?["method"] as? String == method, "\(name)")
                #expect((solve.object("certification")?.double("worst") ?? 1) <= 1e-10, "\(name)")
            }
        }

        /// Disconnected graph with identical components (tied eigenvalues across components),
        /// isolated nodes (Matrix Market declares more nodes than the entries use), an augmentation
        /// structure for BarlowTwins' collapse, over TCP only.
        @Test(.needsMPIRun)
        func disconnectedGraphOverTCPMatchesThePlainRun() throws {
            let dir = try TempDir("tcp")
            defer { dir.cleanup() }
            let gen = try eigenpair(["generate", "augmentation", "--samples", "40", "--views", "4", "--seed", "3",
                                     "--out", "aug.tsv"], in: dir.path)
            try #require(gen.status == 0, "\(gen.summary)")
            let args = ["embed", "aug.tsv", "--dim", "6", "--lambda", "0.5", "--quiet", "--out"]
            let plain = try Self.run(ranks: 0, args + ["p1"], in: dir)
            try #require(plain.status == 0, "\(plain.summary)")
            let tcp = try Self.run(ranks: 3, args + ["tcp"], in: dir, tcpOnly: true)
            try #require(tcp.status == 0, "\(tcp.summary)")
            try Self.expectSameRun(dir, "p1", "tcp", context: "TCP P=3")
        }

        /// A generated planted-partition graph of about 100k nodes (a few components, labels): the
        /// partition is balanced by nonzeros, and every number equals the 1-rank run for P = 2, 3, 4.
        /// G and A_n only: their Lanczos solves run the same way on any P, while L's solve is
        /// shift-invert on one rank and the (slow, on this graph) spectral shift on several; the
        /// 600-node test above covers L across rank counts.
        @Test(.needsMPIRun)
        func hundredThousandNodeGraphMatchesForEveryRankCount() throws {
            let dir = try TempDir("sbm100k")
            defer { dir.cleanup() }
            let gen = try eigenpair(["generate", "sbm", "--nodes", "102000", "--classes", "10", "--p-in", "0.0004",
                                     "--p-out", "0.00002", "--seed", "4", "--out", "s.tsv"], in: dir.path)
            try #require(gen.status == 0, "\(gen.summary)")
            let args = ["embed", "s.tsv", "--dim", "4", "--loss", "simclr,simclr-degree,barlow", "--labels", "s.tsv.labels",
                        "--quiet", "--out"]
            let plain = try Self.run(ranks: 0, args + ["p1"], in: dir)
            try #require(plain.status == 0, "\(plain.summary)")
            let nodes = try #require(try readJSON(dir.file("p1/report.json")).object("graph")?.int("nodes"))
            #expect(nodes > 100_000)
            for ranks in 2...4 {
                let r = try Self.run(ranks: ranks, args + ["p\(ranks)"], in: dir)
                try #require(r.status == 0, "\(r.summary)")
                try Self.expectSameRun(dir, "p1", "p\(ranks)", context: "SBM 100k, P=\(ranks)")
                // Balanced by nonzeros + rows: no rank holds more than its share by much.
                let details = try #require(try readJSON(dir.file("p\(ranks)/report.json")).objects("rank_details"))
                let weights = details.map { Double(($0.int("nonzeros") ?? 0) + ($0.int("rows") ?? 0)) }
                let total = weights.reduce(0, +)
                #expect((weights.max() ?? 0) <= 1.01 * total / Double(ranks), "partition weights \(weights)")
            }
        }

        /// A bad line that only the last rank's byte range holds: one error line from the
        /// coordinator with the file's own line number, status 2, no output.
        @Test(.needsMPIRun)
        func badInputOnOneRankStopsTheJobWithOneMessage() throws {
            let dir = try TempDir("bad")
            defer { dir.cleanup() }
            var text = (0..<3000).map { "\($0) \(($0 * 7 + 1) % 3000)" }.joined(separator: "\n") + "\n"
            text += "2990 2991 nan-weight\n"
            try dir.write("bad.tsv", text)
            let plain = try Self.run(ranks: 0, ["embed", "bad.tsv", "--out", "o1", "--quiet"], in: dir)
            #expect(plain.status == 2)
            let r = try Self.run(ranks: 3, ["embed", "bad.tsv", "--out", "o3", "--quiet"], in: dir)
            #expect(r.status == 2, "\(r.summary)")
            #expect(r.errorLines.count == 1, "\(r.stderr)")
            #expect(r.errorLines == plain.errorLines, "\(r.stderr) vs \(plain.stderr)")
            #expect(r.errorLines.first?.contains("bad.tsv:3001") == true, "\(r.stderr)")
            #expect(dir.listing() == ["bad.tsv"], "leftovers: \(dir.listing())")
        }
    }
}
