import Foundation
import NpyFormat
import Testing

extension CLITests {
    /// `compare` on embeddings that are optimal up to what the gap should forgive (a scale, a
    /// basis of a tied eigenspace) or that carry a constant column: gap >= 0 and never NaN,
    /// gap_at_best_scale and energy_in_optimal_subspace against dense computations done here
    /// (explicit loss formulas, a golden-section search over the scale, projectors on the group
    /// indicators of an augmentation graph).
    @Suite struct CompareOptimum {
        // MARK: dense reference losses (row-major Z, n x k), from the edge list text

        struct Dense {
            let g: [[Double]]
            let n: Int
            let s: Double
            let degrees: [Double]

            init(_ graph: ReferenceGraph) {
                g = graph.dense()
                n = graph.n
                s = graph.totalWeight
                degrees = g.map { $0.reduce(0, +) }
            }

            func laplacian() -> [[Double]] {
                var l = g.map { $0.map { -$0 } }
                for i in 0..<n { l[i][i] += degrees[i] }
                return l
            }

            static func centred(_ z: [Double], n: Int, k: Int, weights: [Double]? = nil) -> [Double] {
                var out = z
                let w = weights ?? [Double](repeating: 1, count: n)
                let total = w.reduce(0, +)
                for j in 0..<k {
                    var mean = 0.0
                    for i in 0..<n { mean += w[i] * z[i * k + j] }
                    mean /= total
                    for i in 0..<n { out[i * k + j] -= mean }
                }
                return out
            }

            func vicreg(_ z: [Double], k: Int, gamma: Double, beta: Double = 1) -> Double {
                let zc = Self.centred(z, n: n, k: k)
                var dev = 0.0
                for a in 0..<k {
                    for b in 0..<k {
                        var c = 0.0
                        for i in 0..<n { c += zc[i * k + a] * zc[i * k + b] }
                        c = c / Double(n) - (a == b ? 1 : 0)
                        dev += c * c
                    }
                }
                return beta * dev + 2 * gamma / Double(n) * traceZtMZ(z, rows: n, columns: k, laplacian())
            }

            func simclr(_ z: [Double], k: Int) -> Double {
                -(2 / s) * traceZtMZ(z, rows: n, columns: k, g) + gramFrobeniusSquared(z, rows: n, columns: k) / Double(n * n)
            }

            /// Degree-weighted standardisation; a zero-variance column standardises to 0.
            func barlow(_ z: [Double], k: Int, lambda: Double = 1) -> Double {
                let w = degrees.map { $0 / s }
                var zs = Self.centred(z, n: n, k: k, weights: degrees)
                for j in 0..<k {
                    var v = 0.0, ms = 0.0
                    for i in 0..<n { v += w[i] * zs[i * k + j] * zs[i * k + j]; ms += w[i] * z[i * k + j] * z[i * k + j] }
                    let inv = v > 1e-16 * ms ? 1 / v.squareRoot() : 0
                    for i in 0..<n { zs[i * k + j] *= inv }
                }
                var loss = 0.0
                for a in 0..<k {
                    for b in 0..<k {
                        var c = 0.0
                        for i in 0..<n { for l in 0..<n where g[i][l] != 0 { c += zs[i * k + a] * g[i][l] * zs[l * k + b] } }
                        c /= s
                        loss += a == b ? (1 - c) * (1 - c) : lambda * c * c
                    }
                }
                return loss
            }

            func loss(_ name: String, _ z: [Double], k: Int, gamma: Double) -> Double {
                switch name {
                case "vicreg": return vicreg(z, k: k, gamma: gamma)
                case "simclr": return simclr(z, k: k)
                default: return barlow(z, k: k)
                }
            }
        }

        /// min over c in [0, hi] of f(c), golden section (f is unimodal in c for these losses:
        /// a quadratic in c^2 with positive leading coefficient).
        static func goldenMinimum(_ f: (Double) -> Double, lo: Double = 0, hi: Double) -> Double {
            var a = lo, b = hi
            let r = (5.0.squareRoot() - 1) / 2
            for _ in 0..<200 {
                let c = b - r * (b - a), d = a + r * (b - a)
                if f(c) < f(d) { b = d } else { a = c }
            }
            return min(f((a + b) / 2), f(lo))
        }

        /// `CompareCLI.setUp` (120-node SBM, embed --dim 4 in e/) and its dense model: (model, N, K,
        /// embed's default gamma N / S).
        static func sbm(_ dir: TempDir) throws -> (Dense, Int, Int, Double) {
            try CompareCLI.setUp(dir)
            let dense = Dense(ReferenceGraph.edgeList(try String(contentsOfFile: dir.file("g.tsv"), encoding: .utf8)))
            return (dense, dense.n, 4, Double(dense.n) / dense.s)
        }

        static func compare(_ dir: TempDir, _ embedding: String, _ out: String, _ extra: [String]) throws -> [String: Any] {
            let r = try eigenpair(["compare", "g.tsv", "--embedding", embedding, "--out", out, "--quiet"] + extra, in: dir.path)
            try #require(r.status == 0, "\(r.summary)")
            return try #require(try readJSON(dir.file("\(out)/report.json")).object("losses"))
        }

        /// 3 Z*: the gap is the dense loss at 3 Z* minus the minimum, the best scale brings it back
        /// to 0 (c = 1/3 for the scale-dependent losses), and Z lies in the optimal subspace. A
        /// random Z: gap_at_best_scale equals a golden-section search over c on the dense loss.
        @Test func rescaledOptimumAndRandomEmbeddingAgainstDenseScaleSearch() throws {
            let dir = try TempDir("cmp-scale")
            defer { dir.cleanup() }
            let (dense, n, k, gamma) = try Self.sbm(dir)
            var state: UInt64 = 7
            func uniform() -> Double {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return Double(state >> 11) * 0x1.0p-53 - 0.5
            }
            for loss in ["vicreg", "simclr", "barlow"] {
                let zStar = try readNpy(dir.file("e/\(loss).npy")).doubles
                try writeNpy(dir.file("\(loss)-3.npy"), zStar.map { 3 * $0 }, shape: [n, k])
                let l = try #require(try Self.compare(dir, "\(loss)-3.npy", "c3-\(loss)", ["--loss", loss]).object(loss))
                let minLoss = try #require(l.double("min_loss"))
                let gap = try #require(l.double("gap")), best = try #require(l.double("gap_at_best_scale"))
                let expectedGap = dense.loss(loss, zStar.map { 3 * $0 }, k: k, gamma: gamma) - minLoss
                #expect(gap >= 0 && abs(gap - max(0, expectedGap)) <= 1e-8 * max(1, abs(expectedGap)), "\(loss): gap \(gap) vs dense \(expectedGap)")
                #expect(best >= 0 && best <= 1e-9 * max(1, abs(minLoss)), "\(loss): gap at best scale \(best)")
                if loss != "barlow" {
                    #expect(gap > 1, "\(loss): a rescaled optimum is far from optimal unscaled (\(gap))")
                    #expect(abs((l.double("best_scale") ?? 0) - 1.0 / 3) <= 1e-6, "\(loss): best scale \(String(describing: l.double("best_scale")))")
                }
                let energy = try #require(l.double("energy_in_optimal_subspace"))
                #expect(abs(energy - 1) <= 1e-9, "\(loss): energy \(energy)")

                // A random Z: the best scale against a dense golden-section search.
                let random = (0..<(n * k)).map { _ in uniform() }
                try writeNpy(dir.file("r-\(loss).npy"), random, shape: [n, k])
                let lr = try #require(try Self.compare(dir, "r-\(loss).npy", "cr-\(loss)", ["--loss", loss]).object(loss))
                // BarlowTwins is the same at every c > 0 (c = 0 would be a different, all-constant Z).
                let denseBest = Self.goldenMinimum({ c in dense.loss(loss, random.map { c * $0 }, k: k, gamma: gamma) },
                                                   lo: loss == "barlow" ? 0.5 : 0, hi: 50)
                let toolBest = try #require(lr.double("gap_at_best_scale")) + minLoss
                #expect(abs(toolBest - denseBest) <= 1e-8 * max(1, abs(denseBest)), "\(loss): best-scale loss \(toolBest) vs dense \(denseBest)")
                #expect(try #require(lr.double("gap_at_best_scale")) <= (lr.double("gap") ?? -1) + 1e-12)
                let er = try #require(lr.double("energy_in_optimal_subspace"))
                #expect(er > 0 && er < 0.9, "\(loss): a random Z is mostly outside the optimal subspace (\(er))")
            }
        }

        /// 1e200 Z*: the loss overflows double precision (inf, never NaN, with a note), while every
        /// scale-free measure and the best-scale search are those of Z*; tiny entries (1e-200) and
        /// an all-zero Z are finite too.
        @Test func extremeFiniteEmbeddingsGiveNoNaN() throws {
            let dir = try TempDir("cmp-extreme")
            defer { dir.cleanup() }
            let (_, n, k, _) = try Self.sbm(dir)
            let zStar = try readNpy(dir.file("e/simclr.npy")).doubles
            try writeNpy(dir.file("big.npy"), zStar.map { 1e200 * $0 }, shape: [n, k])
            try writeNpy(dir.file("tiny.npy"), zStar.map { 1e-200 * $0 }, shape: [n, k])
            try writeNpy(dir.file("zero.npy"), [Double](repeating: 0, count: n * k), shape: [n, k])
            for name in ["big", "tiny", "zero"] {
                let losses = try Self.compare(dir, "\(name).npy", "c-\(name)", [])
                let text = try String(contentsOfFile: dir.file("c-\(name)/report.json"), encoding: .utf8)
                #expect(!text.contains("nan"), "\(name): NaN in the report")
                let simclr = try #require(losses.object("simclr"))
                let minLoss = try #require(simclr.double("min_loss"))
                if name == "zero" {
                    #expect(simclr.double("gap") == -minLoss && simclr["energy_in_optimal_subspace"] == nil, "\(simclr)")
                    continue
                }
                #expect((simclr.double("gap_at_best_scale") ?? 1) <= 1e-9 * max(1, abs(minLoss)), "\(name): \(simclr)")
                #expect(abs((simclr.double("energy_in_optimal_subspace") ?? 0) - 1) <= 1e-9, "\(name)")
                #expect((simclr.doubles("principal_angles_deg")?.max() ?? 90) < 1e-5, "\(name)")
                if name == "big" {
                    #expect(simclr["gap"] as? String == "inf" && simclr["loss_at_embedding"] as? String == "inf", "\(simclr)")
                    #expect((simclr["notes"] as? [String])?.contains { $0.contains("overflows double precision") } == true)
                }
            }
        }

        /// One column of Z* made constant (or zero): the gap is >= 0, finite and equals the dense
        /// loss (BarlowTwins: the column standardises to 0); the column is named; the centred Z
        /// still lies in the optimal subspace. A switched-off VICReg direction (t_K = 0) made
        /// constant changes nothing: gap and gap at best scale ~ 0.
        @Test func constantColumnIsNamedAndNeverBelowTheMinimum() throws {
            let dir = try TempDir("cmp-const")
            defer { dir.cleanup() }
            let (dense, n, k, gamma) = try Self.sbm(dir)
            for loss in ["vicreg", "simclr", "barlow"] {
                let zStar = try readNpy(dir.file("e/\(loss).npy")).doubles
                for (tag, value) in [("const", 5.0), ("zero", 0.0)] {
                    var z = zStar
                    for i in 0..<n { z[i * k + 1] = value }
                    try writeNpy(dir.file("\(tag)-\(loss).npy"), z, shape: [n, k])
                    let l = try #require(try Self.compare(dir, "\(tag)-\(loss).npy", "c-\(tag)-\(loss)", ["--loss", loss]).object(loss))
                    let minLoss = try #require(l.double("min_loss"))
                    let gap = try #require(l.double("gap"))
                    let expected = dense.loss(loss, z, k: k, gamma: gamma) - minLoss
                    #expect(gap.isFinite && gap >= 0, "\(loss) \(tag): gap \(gap)")
                    #expect(abs(gap - expected) <= 1e-8 * max(1, abs(expected)), "\(loss) \(tag): gap \(gap) vs dense \(expected)")
                    #expect((l["zero_variance_columns"] as? [Any])?.count == 1 && (l["zero_variance_columns"] as? [Double])?.first == 1,
                            "\(loss) \(tag): \(String(describing: l["zero_variance_columns"]))")
                    #expect((l["notes"] as? [String])?.contains { $0.contains("column 1 (0-based) has zero variance") } == true)
                    let energy = try #require(l.double("energy_in_optimal_subspace"))
                    #expect(abs(energy - 1) <= 1e-9, "\(loss) \(tag): energy \(energy)")
                    #expect((l.double("gap_at_best_scale") ?? -1) >= 0)
                }
            }
            // VICReg with gamma between beta/lambda_4 and beta/lambda_3: t_4 = 0, column 3 of Z* is 0.
            let lambda = try #require(try readJSON(dir.file("e/report.json")).objects("solves")?.first?.doubles("eigenvalues"))
            try #require(lambda[2] < lambda[3])
            let g = 2 / (lambda[2] + lambda[3])
            let e = try eigenpair(["embed", "g.tsv", "--out", "e2", "--dim", "4", "--loss", "vicreg", "--gamma", "\(g)", "--quiet"], in: dir.path)
            try #require(e.status == 0, "\(e.summary)")
            var z = try readNpy(dir.file("e2/vicreg.npy")).doubles
            #expect(column(z, columns: k, 3).allSatisfy { $0 == 0 }, "t_4 = 0 gives a zero column")
            for i in 0..<n { z[i * k + 3] = 2.5 }
            try writeNpy(dir.file("off.npy"), z, shape: [n, k])
            let l = try #require(try Self.compare(dir, "off.npy", "c-off", ["--loss", "vicreg", "--gamma", "\(g)"]).object("vicreg"))
            let minLoss = try #require(l.double("min_loss"))
            for key in ["gap", "gap_at_best_scale"] {
                let v = try #require(l.double(key))
                #expect(v >= 0 && v <= 1e-9 * max(1, abs(minLoss)), "\(key) \(v)")
            }
            #expect(abs((l.double("energy_in_optimal_subspace") ?? 0) - 1) <= 1e-9)
            #expect(abs(dense.vicreg(z, k: k, gamma: g) - minLoss) <= 1e-9 * max(1, abs(minLoss)), "dense loss of the shifted Z*")
        }

        /// 6 disjoint 4-cliques (an augmentation graph), K = 3 < m = 5: every loss's Z* sits in a
        /// tied eigenspace. Another orthonormal basis of the group indicators is just as optimal:
        /// gap and gap at best scale ~ 0, energy 1, while the principal angles to the one Z* the
        /// solve returned are large; the summary shows "(tied)" instead of an angle. A random Z's
        /// energy equals the dense projection on the centred group indicators.
        @Test func anotherBasisOfATiedOptimumIsOptimal() throws {
            let dir = try TempDir("cmp-tied")
            defer { dir.cleanup() }
            let groups = 6, views = 4, n = groups * views, k = 3
            var lines: [String] = []
            for gi in 0..<groups { for a in 0..<views { for b in (a + 1)..<views { lines.append("\(gi * views + a) \(gi * views + b)") } } }
            try dir.write("g.tsv", lines.joined(separator: "\n") + "\n")
            // Indicators of the groups, centred, and an orthonormal basis of a 3-dim subspace that
            // mixes all of them (Gram-Schmidt of fixed combinations).
            func indicator(_ gi: Int) -> [Double] { (0..<n).map { $0 / views == gi ? 1 : 0 } }
            func orthonormal(_ vs: [[Double]]) -> [[Double]] {
                var out: [[Double]] = []
                for var v in vs {
                    for q in out { let d = zip(v, q).reduce(0) { $0 + $1.0 * $1.1 }; v = zip(v, q).map { $0 - d * $1 } }
                    let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
                    if norm > 1e-12 { out.append(v.map { $0 / norm }) }
                }
                return out
            }
            let mix: [[Double]] = [[1, 2, -1, 0.5, 3, -2], [0.3, -1, 2, 2, -0.7, 1], [-2, 0.4, 1, -1, 1.5, 0.2]]
            func combine(_ coefficients: [Double], centred: Bool) -> [Double] {
                var v = [Double](repeating: 0, count: n)
                for gi in 0..<groups { v = zip(v, indicator(gi)).map { $0 + coefficients[gi] * $1 } }
                if centred { let m = v.reduce(0, +) / Double(n); v = v.map { $0 - m } }
                return v
            }
            func rowMajor(_ cols: [[Double]], scale: Double) -> [Double] {
                (0..<(n * cols.count)).map { scale * cols[$0 % cols.count][$0 / cols.count] }
            }
            let centredBasis = orthonormal(mix.map { combine($0, centred: true) })
            let plainBasis = orthonormal(mix.map { combine($0, centred: false) })
            // VICReg: lambda = 0 on the indicators, t = 1, Cov = I: Z = sqrt(N) Q. SimCLR: G's top
            // eigenvalue V - 1 on the (uncentred) indicators: Z = sqrt((N^2 / S)(V - 1)) Q.
            // BarlowTwins: scale-free, any Q in the eigenvalue-1 space of A_n off v0.
            let s = Double(groups * views * (views - 1))
            let candidates: [(String, [Double])] = [
                ("vicreg", rowMajor(centredBasis, scale: Double(n).squareRoot())),
                ("simclr", rowMajor(plainBasis, scale: (Double(n * n) / s * Double(views - 1)).squareRoot())),
                ("barlow", rowMajor(centredBasis, scale: 1)),
            ]
            for (loss, z) in candidates {
                try writeNpy(dir.file("\(loss).npy"), z, shape: [n, k])
                let r = try eigenpair(["compare", "g.tsv", "--embedding", "\(loss).npy", "--out", "c-\(loss)", "--loss", loss], in: dir.path)
                try #require(r.status == 0, "\(r.summary)")
                let l = try #require(try readJSON(dir.file("c-\(loss)/report.json")).object("losses")?.object(loss))
                let minLoss = try #require(l.double("min_loss"))
                #expect(l["unique"] as? Bool == false, "\(loss): the optimum is tied")
                for key in ["gap", "gap_at_best_scale"] {
                    let v = try #require(l.double(key))
                    #expect(v >= 0 && v <= 1e-9 * max(1, abs(minLoss)), "\(loss): \(key) \(v)")
                }
                let energy = try #require(l.double("energy_in_optimal_subspace"))
                #expect(abs(energy - 1) <= 1e-9, "\(loss): energy \(energy)")
                #expect((l["optimal_subspace"] as? String)?.contains("tied") == true, "\(loss)")
                #expect((l.doubles("principal_angles_deg")?.max() ?? 0) > 1, "\(loss): this basis differs from the solve's")
                #expect(r.stdout.contains("(tied)"), "\(r.stdout)")
            }
            // A random Z under VICReg: energy = ||P H Z||^2 / ||H Z||^2 with P on the m = 5 centred
            // indicators (the whole tied eigenvalue-0 space of L), computed here.
            var state: UInt64 = 3
            let random = (0..<(n * k)).map { _ -> Double in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return Double(state >> 11) * 0x1.0p-53 - 0.5
            }
            try writeNpy(dir.file("random.npy"), random, shape: [n, k])
            let r = try eigenpair(["compare", "g.tsv", "--embedding", "random.npy", "--out", "c-random", "--loss", "vicreg", "--quiet"], in: dir.path)
            try #require(r.status == 0, "\(r.summary)")
            let l = try #require(try readJSON(dir.file("c-random/report.json")).object("losses")?.object("vicreg"))
            let space = orthonormal((0..<groups).map { gi in combine((0..<groups).map { $0 == gi ? 1 : 0 }, centred: true) })
            #expect(space.count == groups - 1)
            let zc = Dense.centred(random, n: n, k: k)
            var inside = 0.0, total = 0.0
            for j in 0..<k {
                let col = column(zc, columns: k, j)
                total += col.reduce(0) { $0 + $1 * $1 }
                for q in space { let d = zip(col, q).reduce(0) { $0 + $1.0 * $1.1 }; inside += d * d }
            }
            let energy = try #require(l.double("energy_in_optimal_subspace"))
            #expect(abs(energy - inside / total) <= 1e-10, "energy \(energy) vs dense \(inside / total)")
        }
    }
}
