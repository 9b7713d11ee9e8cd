import Foundation
import NpyFormat
import Testing

extension CLITests {
    /// The written files checked against dense linear algebra done here from the edge list text
    /// (Jacobi eigenvalues, explicit loss formulas), with no library code involved.
    @Suite struct IndependentNumerics {
        enum Input: String, CaseIterable, CustomTestStringConvertible {
            /// `generate sbm`, 60 nodes, connected for this seed.
            case sbm
            /// Weighted edge list written here: node IDs 100 + 7 i (not contiguous), weights in (0.5, 2.5).
            case weighted

            var testDescription: String { rawValue }
        }

        /// Writes the input graph into `dir`, returns its file name.
        static func prepare(_ input: Input, in dir: TempDir) throws -> String {
            switch input {
            case .sbm:
                let gen = try eigenpair(["generate", "sbm", "--nodes", "60", "--classes", "3", "--p-in", "0.3",
                                         "--p-out", "0.03", "--seed", "2", "--out", "g.tsv"], in: dir.path)
                try #require(gen.status == 0, "\(gen.summary)")
                return "g.tsv"
            case .weighted:
                var state: UInt64 = 12345
                func next() -> UInt64 {
                    state = state &* 6364136223846793005 &+ 1442695040888963407
                    return state >> 33
                }
                var lines = ["# weighted test graph"]
                let n = 45
                for i in 0..<n {  // a ring keeps it connected, plus random chords
                    lines.append("\(100 + 7 * i) \(100 + 7 * ((i + 1) % n)) \(0.5 + Double(next() % 2000) / 1000)")
                }
                for _ in 0..<90 {
                    let a = Int(next() % UInt64(n)), b = Int(next() % UInt64(n))
                    lines.append("\(100 + 7 * a)\t\(100 + 7 * b)\t\(0.5 + Double(next() % 2000) / 1000)")
                }
                try dir.write("w.tsv", lines.joined(separator: "\n") + "\n")
                return "w.tsv"
            }
        }

        @Test(arguments: Input.allCases)
        func spectraAndLossesMatchDenseComputation(_ input: Input) throws {
            let dir = try TempDir("numerics")
            defer { dir.cleanup() }
            let file = try Self.prepare(input, in: dir)
            let k = 4
            let run = try eigenpair(["embed", file, "--out", "out", "--dim", "\(k)", "--quiet"], in: dir.path)
            try #require(run.status == 0, "\(run.summary)")

            let graph = ReferenceGraph.edgeList(try String(contentsOfFile: dir.file(file), encoding: .utf8))
            let n = graph.n
            let s = graph.totalWeight
            try #require(graph.components().count == 1, "test graph must be connected")
            let nodes = try readNpy(dir.file("out/nodes.npy"))
            #expect(nodes.integers == graph.ids.map { Int64($0) })

            // Dense operators.
            let g = graph.dense()
            let degree = g.map { $0.reduce(0, +) }
            let laplacian = (0..<n).map { i in (0..<n).map { j in (i == j ? degree[i] : 0) - g[i][j] } }
            let normalized = (0..<n).map { i in (0..<n).map { j in g[i][j] / (degree[i] * degree[j]).squareRoot() } }
            let eigG = jacobiEigenvalues(g)
            let eigL = jacobiEigenvalues(laplacian).reversed().map { $0 }  // ascending
            let eigAn = jacobiEigenvalues(normalized)
            #expect(abs(eigL[0]) <= 1e-10 && eigL[1] > 1e-6, "connected: one zero Laplacian eigenvalue")
            #expect(abs(eigAn[0] - 1) <= 1e-10)

            func close(_ a: [Double], _ b: [Double], _ what: String) {
                #expect(a.count == b.count, "\(what): \(a.count) vs \(b.count) values")
                for (x, y) in zip(a, b) {
                    #expect(abs(x - y) <= 1e-9 * max(1, abs(y)), "\(what): \(a) vs dense \(b)")
                }
            }
            let specG = try readNpy(dir.file("out/spectrum-G.npy")).doubles
            let specL = try readNpy(dir.file("out/spectrum-L.npy")).doubles
            let specAn = try readNpy(dir.file("out/spectrum-An.npy")).doubles
            close(specG, Array(eigG.prefix(k)), "spectrum-G")
            close(specL, Array(eigL[1...k]), "spectrum-L (on 1-perp)")
            close(specAn, Array(eigAn.prefix(k + 1)), "spectrum-An (trivial + K)")

            let report = try readJSON(dir.file("out/report.json"))
            let losses = try #require(report.object("losses"))
            #expect(report.object("graph")?.int("nodes") == n)
            #expect(report.object("graph")?.int("edges") == graph.edgeCount)
            let reportedS = try #require(report.object("graph")?.double("total_weight"))
            #expect(relativeDifference(reportedS, s) <= 1e-12)

            // SimCLR (uniform negatives) at the written Z: -(2/S) tr(Z^T G Z) + (1/N^2) ||Z^T Z||_F^2.
            let simclr = try readNpy(dir.file("out/simclr.npy"))
            #expect(simclr.header.shape == [n, k])
            let z = simclr.doubles
            let nn = Double(n)
            let lossAtZ = -(2 / s) * traceZtMZ(z, rows: n, columns: k, g) + gramFrobeniusSquared(z, rows: n, columns: k) / (nn * nn)
            let simclrMin = try #require(losses.object("simclr")?.double("min_loss"))
            #expect(relativeDifference(lossAtZ, simclrMin) <= 1e-9, "loss at simclr.npy \(lossAtZ) vs min_loss \(simclrMin)")
            // Closed form: minimise -2 lambda s^2 / S + s^4 / N^2 per direction -> -(N lambda / S)^2.
            let expectedMin = -eigG.prefix(k).filter { $0 > 0 }.map { pow(nn * $0 / s, 2) }.reduce(0, +)
            #expect(relativeDifference(simclrMin, expectedMin) <= 1e-9, "min_loss \(simclrMin) vs dense \(expectedMin)")
            // Each column is an eigenvector of G with ||z_j||^2 = N^2 lambda_j / S, largest-magnitude entry positive.
            for j in 0..<k {
                let col = column(z, columns: k, j)
                let lambda = eigG[j]
                var residual = 0.0
                for i in 0..<n {
                    var gz = 0.0
                    for l in 0..<n { gz += g[i][l] * col[l] }
                    residual += (gz - lambda * col[i]) * (gz - lambda * col[i])
                }
                let normSquared = col.map { $0 * $0 }.reduce(0, +)
                #expect(residual.squareRoot() <= 1e-8 * max(1, lambda) * normSquared.squareRoot(), "column \(j) is not an eigenvector")
                #expect(relativeDifference(normSquared, nn * nn * lambda / s) <= 1e-9, "column \(j) scale")
                let largest = col.max { abs($0) < abs($1) }!
                #expect(largest > 0, "sign rule: column \(j) largest-magnitude entry \(largest)")
            }

            // VICReg at the written Z: beta ||Cov(Z) - I||_F^2 + (2 gamma / N) tr(Z^T L Z), default
            // beta = 1, gamma = beta N / S.
            let vicreg = try readNpy(dir.file("out/vicreg.npy")).doubles
            let gamma = nn / s
            #expect(relativeDifference(try #require(losses.object("vicreg")?.object("hyperparameters")?.double("gamma")), gamma) <= 1e-12)
            var covDeviation = 0.0
            let means = (0..<k).map { j in column(vicreg, columns: k, j).reduce(0, +) / nn }
            for a in 0..<k {
                for b in 0..<k {
                    var c = 0.0
                    for i in 0..<n { c += (vicreg[i * k + a] - means[a]) * (vicreg[i * k + b] - means[b]) }
                    c /= nn
                    covDeviation += pow(c - (a == b ? 1 : 0), 2)
                }
            }
            let vicregAtZ = covDeviation + 2 * gamma / nn * traceZtMZ(vicreg, rows: n, columns: k, laplacian)
            let vicregMin = try #require(losses.object("vicreg")?.double("min_loss"))
            #expect(abs(vicregAtZ - vicregMin) <= 1e-9 * max(1, abs(vicregMin)), "vicreg loss at Z \(vicregAtZ) vs min_loss \(vicregMin)")
        }
    }
}
