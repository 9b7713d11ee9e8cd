import Foundation
import NpyFormat
import Testing

extension CLITests {
    /// `mpirun -np 1 eigenpair embed` must be the same run as a plain `eigenpair embed`. The graph
    /// has 300 nodes in one component, above the dense limit (256), so the Lanczos (PARPACK) path runs.
    @Suite struct MPIRun {
        static func makeGraph(_ dir: TempDir) throws {
            let gen = try eigenpair(["generate", "sbm", "--nodes", "300", "--classes", "3", "--p-in", "0.1",
                                     "--p-out", "0.01", "--seed", "5", "--out", "h.tsv"], in: dir.path)
            try #require(gen.status == 0, "\(gen.summary)")
        }

        /// Flips each column so that its largest-magnitude entry is positive (the documented rule).
        static func signNormalized(_ z: [Double], columns k: Int) -> [Double] {
            var out = z
            for j in 0..<k {
                let col = column(z, columns: k, j)
                guard let largest = col.max(by: { abs($0) < abs($1) }), largest < 0 else { continue }
                for i in 0..<(z.count / k) { out[i * k + j] = -out[i * k + j] }
            }
            return out
        }

        @Test(.needsMPIRun)
        func mpirunOneRankMatchesPlainRun() throws {
            let mpirun = try #require(mpirunPath)
            let binary = try EigenpairBinary.require()
            let dir = try TempDir("mpi1")
            defer { dir.cleanup() }
            try Self.makeGraph(dir)
            let args = ["embed", "h.tsv", "--dim", "4", "--quiet", "--out"]
            let plain = try runProcess(binary, args + ["plain"], in: dir.path)
            try #require(plain.status == 0, "\(plain.summary)")
            let mpi = try runProcess(mpirun, ["-np", "1", binary] + args + ["mpi"], in: dir.path)
            try #require(mpi.status == 0, "\(mpi.summary)")

            let a = try readJSON(dir.file("plain/report.json"))
            let b = try readJSON(dir.file("mpi/report.json"))
            #expect(a.int("ranks") == 1 && b.int("ranks") == 1)
            let solvesA = try #require(a.objects("solves")), solvesB = try #require(b.objects("solves"))
            #expect(solvesA.count == 3 && solvesB.count == 3)
            // The large component really went through Lanczos in both runs.
            #expect(solvesA.allSatisfy { ($0.object("sources")?.int("lanczos") ?? 0) > 0 }, "expected Lanczos solves")
            for (sa, sb) in zip(solvesA, solvesB) {
                let op = sa["operator"] as? String ?? "?"
                #expect(sa["operator"] as? String == sb["operator"] as? String)
                let va = try #require(sa.doubles("eigenvalues")), vb = try #require(sb.doubles("eigenvalues"))
                #expect(va.count == vb.count, "\(op)")
                for (x, y) in zip(va, vb) { #expect(abs(x - y) <= 1e-12 * max(1, abs(x)), "\(op): \(va) vs \(vb)") }
                let file = try #require(sa["file"] as? String)
                let fa = try readNpy(dir.file("plain/\(file)")).doubles, fb = try readNpy(dir.file("mpi/\(file)")).doubles
                #expect(fa.count == fb.count)
                for (x, y) in zip(fa, fb) { #expect(abs(x - y) <= 1e-12 * max(1, abs(x)), "\(file)") }
            }
            #expect(try readNpy(dir.file("plain/nodes.npy")).integers == (try readNpy(dir.file("mpi/nodes.npy")).integers))

            // Z*: column by column after the sign rule, for the losses whose directions are simple
            // eigenvectors (vicreg: L, simclr: G); all four files in any case within 1e-9.
            let spectrumFor = ["vicreg": "spectrum-L.npy", "simclr": "spectrum-G.npy"]
            for loss in ["vicreg", "simclr", "simclr-degree", "barlow"] {
                let za = try readNpy(dir.file("plain/\(loss).npy")), zb = try readNpy(dir.file("mpi/\(loss).npy"))
                #expect(za.header.shape == zb.header.shape, "\(loss)")
                let k = za.columns
                let na = Self.signNormalized(za.doubles, columns: k), nb = Self.signNormalized(zb.doubles, columns: k)
                var simple = [Bool](repeating: true, count: k)
                if let spec = spectrumFor[loss] {
                    let values = try readNpy(dir.file("plain/\(spec)")).doubles
                    for j in 0..<k {
                        if j > 0 && abs(values[j] - values[j - 1]) < 1e-6 { simple[j] = false }
                        if j + 1 < values.count && abs(values[j + 1] - values[j]) < 1e-6 { simple[j] = false }
                    }
                    #expect(simple.allSatisfy { $0 }, "\(loss): test graph should have simple eigenvalues \(values)")
                    // The written columns already follow the sign rule.
                    #expect(na == za.doubles, "\(loss): a column of the plain run breaks the sign rule")
                    #expect(nb == zb.doubles, "\(loss): a column of the mpirun run breaks the sign rule")
                }
                for j in 0..<k where simple[j] {
                    let ca = column(na, columns: k, j), cb = column(nb, columns: k, j)
                    let scale = ca.map(abs).max() ?? 1
                    let diff = zip(ca, cb).map { abs($0 - $1) }.max() ?? 0
                    #expect(diff <= 1e-9 * max(1, scale), "\(loss) column \(j): max difference \(diff)")
                }
            }
        }
    }
}
