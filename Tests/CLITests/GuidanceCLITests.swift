import Foundation
import NpyFormat
import Testing

extension CLITests {
    /// What the reports say about labels and closed forms, read back against the numbers in the
    /// same report: the guidance per loss on the `make demo` graph, class-pure augmentation cliques
    /// judged aligned, notes that were false (collapse rank, lambda wording, impossible --dim), rank
    /// null without a closed form, and compare on an embedding whose scores equal Z*'s.
    @Suite struct GuidanceCLI {
        /// The `make demo` graph and command (Makefile), at the debug build.
        @Test func demoGuidanceIsConsistentWithItsOwnNumbers() throws {
            let dir = try TempDir("guidance-demo")
            defer { dir.cleanup() }
            let gen = try eigenpair(["generate", "sbm", "--nodes", "3000", "--classes", "10", "--p-in", "0.02", "--p-out", "0.001",
                                     "--seed", "1", "--out", "demo.tsv", "--labels-out", "demo.labels"], in: dir.path)
            try #require(gen.status == 0, "\(gen.summary)")
            let run = try eigenpair(["embed", "demo.tsv", "--out", "demo", "--dim", "16", "--loss", "all", "--labels", "demo.labels"],
                                    in: dir.path)
            try #require(run.status == 0, "\(run.summary)")
            let report = try readJSON(dir.file("demo/report.json"))
            let losses = try #require(report.object("losses"))
            let guidance = try #require(report.object("labels")?.object("guidance"))
            let perLoss = try #require(guidance.object("per_loss"))
            let threshold = try #require(guidance.object("thresholds")?.double("label_energy"))
            #expect(guidance["low_data"] as? Bool == false)
            var recovering: [String] = [], missing: [String] = []
            for name in ["vicreg", "simclr", "simclr-degree", "barlow"] {
                let own = try #require(losses.object(name)?.object("labels"))
                let entry = try #require(perLoss.object(name), "\(name) has a verdict")
                #expect(entry.double("label_energy") == own.double("captured_label_energy"), "\(name)")
                #expect(entry.double("probe_accuracy") == own.object("probe")?.double("accuracy"), "\(name)")
                let energy = try #require(entry.double("label_energy"))
                #expect((entry["verdict"] as? String == "recovers the labels") == (energy >= threshold), "\(name): \(entry)")
                if energy >= threshold { recovering.append(name) } else { missing.append(name) }
            }
            // VICReg's Z* on this sparse SBM holds little label energy (L's smallest eigenvectors
            // localise); the others hold most of it. The text must say what the numbers say.
            #expect(missing == ["vicreg"] && recovering.count == 3, "recovering \(recovering), missing \(missing)")
            let text = try #require(guidance["recommendation"] as? String)
            #expect(!text.contains("every loss"), "\(text)")
            #expect(!text.lowercased().contains("low data") && !text.contains("few labels") && !text.contains("high invariance"), "\(text)")
            #expect(text.contains("misses them: vicreg"), "\(text)")
            let recs = try #require(guidance["recommendations"] as? [[String: Any]])
            #expect(recs.allSatisfy { ($0["source"] as? String)?.isEmpty == false })
            // Best probe first among the recovering losses.
            let accuracies = recovering.map { perLoss.object($0)!.double("probe_accuracy")! }
            let named = recovering.sorted { text.range(of: "\($0) (label")!.lowerBound < text.range(of: "\($1) (label")!.lowerBound }
            #expect(named.map { perLoss.object($0)!.double("probe_accuracy")! } == accuracies.sorted(by: >), "\(text)")
        }

        /// 40 groups of 4 views, each group inside one class: every operator's top-K eigenspace is
        /// tied at K, so G's alignment is measured on the whole tied space (aligned), and each
        /// loss's verdict reads the best optimal Z*.
        @Test func classPureAugmentationCliquesAreAligned() throws {
            let dir = try TempDir("guidance-aug")
            defer { dir.cleanup() }
            let gen = try eigenpair(["generate", "augmentation", "--samples", "40", "--views", "4", "--classes", "5", "--out", "aug.tsv"],
                                    in: dir.path)
            try #require(gen.status == 0, "\(gen.summary)")
            let run = try eigenpair(["embed", "aug.tsv", "--out", "e", "--dim", "6", "--labels", "aug.tsv.labels", "--quiet"], in: dir.path)
            try #require(run.status == 0, "\(run.summary)")
            let labels = try #require(try readJSON(dir.file("e/report.json")).object("labels"))
            #expect(labels.object("within_class")?.double("fraction") == 1)
            let guidance = try #require(labels.object("guidance"))
            #expect(guidance["alignment"] as? String == "aligned", "\(guidance)")
            let spaces = try #require(labels.object("operator_label_energy_space"))
            for op in ["L", "G", "A_n"] {
                #expect((spaces[op] as? String)?.contains("whole tied eigenspace") == true, "\(op): \(spaces)")
                #expect(abs((labels.object("operator_label_energy")?.double(op) ?? 0) - 1) <= 1e-9, "\(op)")
            }
            let perLoss = try #require(guidance.object("per_loss"))
            for name in ["vicreg", "simclr", "simclr-degree", "barlow"] {
                let entry = try #require(perLoss.object(name))
                // The whole tied space holds the class indicators (C - 1 = 4 <= K directions).
                #expect(abs((entry.double("best_optimal_label_energy") ?? 0) - 1) <= 1e-9, "\(name): \(entry)")
                #expect((entry["verdict"] as? String)?.contains("recovers") == true, "\(name): \(entry)")
            }
        }

        /// BarlowTwins' notes on an augmentation graph at lambda = 1 and < 1 (collapse rank
        /// min(K, m), no "1.0 < 1"), a graph with no positive eigenvalue of A_n off the trivial one
        /// (no "--dim 0"; rank null), and lambda < 1 off augmentation graphs (rank null).
        @Test func notesSayOnlyWhatHolds() throws {
            let dir = try TempDir("notes")
            defer { dir.cleanup() }
            let gen = try eigenpair(["generate", "augmentation", "--samples", "5", "--views", "3", "--classes", "5", "--out", "aug.tsv"],
                                    in: dir.path)
            try #require(gen.status == 0, "\(gen.summary)")
            // m = 4 groups - 1 = 4; K = 6 > m and K = 3 <= m; lambda = 1 and 0.5.
            for (k, lambda) in [(6, "1"), (3, "1"), (6, "0.5")] {
                let out = "b\(k)-\(lambda)"
                let r = try eigenpair(["embed", "aug.tsv", "--out", out, "--dim", "\(k)", "--loss", "barlow", "--lambda", lambda, "--quiet"],
                                      in: dir.path)
                try #require(r.status == 0, "\(r.summary)")
                let barlow = try #require(try readJSON(dir.file("\(out)/report.json")).object("losses")?.object("barlow"))
                let note = try #require((barlow["notes"] as? [String])?.first)
                #expect(barlow.int("rank") == min(k, 4), "\(out): \(barlow)")
                #expect(note.contains("rank min(K, m) = \(min(k, 4))"), "\(note)")
                #expect(!note.contains("1.0 < 1") && !note.contains("1 < 1"), "\(note)")
                #expect(note.contains(k > 4 ? "dimensional collapse" : "no collapse"), "\(note)")
            }
            // Complete bipartite K_{2,3}: A_n has eigenvalues 1, -1 and 0 only: r = 0.
            try dir.write("bip.tsv", "0 2\n0 3\n0 4\n1 2\n1 3\n1 4\n")
            let bip = try eigenpair(["embed", "bip.tsv", "--out", "bip", "--dim", "1", "--loss", "barlow", "--quiet"], in: dir.path)
            try #require(bip.status == 0, "\(bip.summary)")
            let b = try #require(try readJSON(dir.file("bip/report.json")).object("losses")?.object("barlow"))
            #expect(b["available"] as? Bool == false)
            #expect(b.keys.contains("rank") && b["rank"] is NSNull, "rank must be null, not 0: \(b)")
            let note = try #require((b["notes"] as? [String])?.first)
            #expect(note.contains("r = 0") && !note.contains("--dim 0"), "\(note)")
            // lambda < 1 on a graph that is not an augmentation graph: no closed form, rank null.
            let lam = try eigenpair(["embed", "bip.tsv", "--out", "lam", "--dim", "1", "--loss", "barlow", "--lambda", "0.5", "--quiet"], in: dir.path)
            try #require(lam.status == 0, "\(lam.summary)")
            let l = try #require(try readJSON(dir.file("lam/report.json")).object("losses")?.object("barlow"))
            #expect(l["rank"] is NSNull && l["available"] as? Bool == false, "\(l)")
        }

        /// The crash: `compare --loss vicreg --gamma 0.02` on 3 Z*(0.02) has local and
        /// global scores equal to Z*'s (a roundoff-wide plot axis). It must finish, with a
        /// well-formed plot and gap at best scale 0.
        @Test func compareWhenTheScoresEqualZStars() throws {
            let dir = try TempDir("cmp-equal-scores")
            defer { dir.cleanup() }
            let gen = try eigenpair(["generate", "sbm", "--nodes", "300", "--classes", "3", "--p-in", "0.05", "--p-out", "0.005",
                                     "--seed", "4", "--out", "g.tsv"], in: dir.path)
            try #require(gen.status == 0, "\(gen.summary)")
            let e = try eigenpair(["embed", "g.tsv", "--out", "e", "--dim", "4", "--loss", "vicreg", "--gamma", "0.02", "--quiet"], in: dir.path)
            try #require(e.status == 0, "\(e.summary)")
            let z = try readNpy(dir.file("e/vicreg.npy"))
            try writeNpy(dir.file("z3.npy"), z.doubles.map { 3 * $0 }, shape: [z.rows, z.columns])
            let r = try eigenpair(["compare", "g.tsv", "--embedding", "z3.npy", "--out", "c", "--loss", "vicreg", "--gamma", "0.02", "--quiet"],
                                  in: dir.path)
            try #require(r.status == 0, "\(r.summary)")
            let plot = try #require(SVGSeriesCounter.parse(dir.file("c/local-global.svg")), "local-global.svg is not XML")
            #expect(plot.series.count == 2, "\(plot.series)")
            let l = try #require(try readJSON(dir.file("c/report.json")).object("losses")?.object("vicreg"))
            #expect((l.double("gap_at_best_scale") ?? 1) <= 1e-9 * max(1, abs(l.double("min_loss") ?? 1)), "\(l)")
            #expect((l.double("gap") ?? 0) > 1)
        }
    }
}
