import Foundation
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Counts `<g class="series">` elements per panel and checks the document is well-formed XML.
final class SVGSeriesCounter: NSObject, XMLParserDelegate {
    var series: [String] = []
    var panels = 0
    var ticks = 0
    var texts = 0
    var sawSVG = false

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        if name == "svg" { sawSVG = true }
        if name == "text" { texts += 1 }
        switch attributes["class"] {
        case "series": series.append(attributes["data-name"] ?? "")
        case "panel": panels += 1
        case "tick x", "tick y": ticks += 1
        default: break
        }
    }

    /// Parses `path`; nil when it is not well-formed XML.
    static func parse(_ path: String) -> SVGSeriesCounter? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let parser = XMLParser(data: data)
        let counter = SVGSeriesCounter()
        parser.delegate = counter
        return parser.parse() && counter.sawSVG ? counter : nil
    }
}

extension CLITests {
    /// `eigenpair sweep`: every point equals an individual `embed` run, the plots are SVG with the
    /// expected series, P ranks give the same numbers, bad input exits 2 with nothing written.
    @Suite struct SweepCLI {
        static let losses = ["vicreg", "simclr", "simclr-degree", "barlow"]

        static func makeGraph(_ dir: TempDir, nodes: Int = 120) throws {
            let gen = try eigenpair(["generate", "sbm", "--nodes", "\(nodes)", "--classes", "3", "--p-in", "0.15",
                                     "--p-out", "0.02", "--seed", "5", "--out", "g.tsv"], in: dir.path)
            try #require(gen.status == 0, "\(gen.summary)")
        }

        static func points(_ path: String) throws -> [[String: Any]] {
            try #require(try readJSON(path).objects("points"))
        }

        static func close(_ a: Double?, _ b: Double?, _ tol: Double = 1e-9) -> Bool {
            guard let a, let b else { return a == nil && b == nil }
            return abs(a - b) <= tol * max(1, abs(a), abs(b))
        }

        @Test func everyPointEqualsAnEmbedRunAndThePlotsHaveTheirSeries() throws {
            let dir = try TempDir("sweep")
            defer { dir.cleanup() }
            try Self.makeGraph(dir)
            let run = try eigenpair(["sweep", "g.tsv", "--out", "s", "--dims", "2,4", "--labels", "g.tsv.labels", "--quiet"],
                                    in: dir.path)
            try #require(run.status == 0, "\(run.summary)")
            #expect(run.stdout.contains("vicreg") && run.stdout.contains("guidance"), "\(run.stdout)")
            let report = try readJSON(dir.file("s/sweep.json"))
            let settings = try #require(report.object("settings"))
            let gammas = try #require(settings.doubles("gammas"))
            #expect(gammas.count == 13 + 1, "13 log-spaced values plus embed's default gamma")
            #expect(settings["dims"] as? [Any] != nil)
            // One solve per operator, at the largest K (A_n: K + 1 for BarlowTwins).
            let solves = try #require(report.objects("solves"))
            #expect(solves.map { $0.int("k") } == [4, 4, 5])
            // The default grid spans the thresholds beta / lambda_k of the solved spectrum.
            let lambda = try #require(solves[0].doubles("eigenvalues"))
            #expect(gammas.min()! < 1 / lambda.max()! && gammas.max()! > 1 / lambda.min()!, "\(gammas) vs \(lambda)")
            let points = try Self.points(dir.file("s/sweep.json"))
            #expect(points.count == 2 * 14 + 2 * 3)
            // VICReg's rank falls as gamma grows (the soft threshold).
            for k in [2, 4] {
                let ranks = points.filter { $0["loss"] as? String == "vicreg" && $0.int("dim") == k }
                    .sorted { $0.double("gamma")! < $1.double("gamma")! }.compactMap { $0.int("rank") }
                #expect(ranks == ranks.sorted(by: >) && ranks.first == k && ranks.last == 0, "K=\(k): \(ranks)")
            }
            let labels = try #require(report.object("labels"))
            #expect(labels.object("guidance")?["recommendation"] is String)

            // Individual embed runs at three grid points per K.
            for k in [2, 4] {
                for gi in [0, 6, gammas.count - 1] {
                    let g = gammas[gi]
                    let out = "e\(k)-\(gi)"
                    let e = try eigenpair(["embed", "g.tsv", "--out", out, "--dim", "\(k)", "--gamma", "\(g)",
                                           "--labels", "g.tsv.labels", "--quiet"], in: dir.path)
                    try #require(e.status == 0, "\(e.summary)")
                    let losses = try #require(try readJSON(dir.file("\(out)/report.json")).object("losses"))
                    for loss in Self.losses {
                        let p = try #require(points.first {
                            $0["loss"] as? String == loss && $0.int("dim") == k && (loss != "vicreg" || $0.double("gamma") == g)
                        }, "\(loss) K=\(k) gamma=\(g)")
                        let x = try #require(losses.object(loss))
                        let context = "\(loss) K=\(k) gamma=\(g)"
                        #expect(p.int("rank") == x.int("rank"), "\(context)")
                        #expect(p.int("numerical_rank") == x.int("numerical_rank"), "\(context)")
                        #expect(Self.close(p.double("loss_at_z_star"), x.double("loss_at_z_star")), "\(context): \(p) vs \(x)")
                        #expect(Self.close(p.double("min_loss"), x.double("min_loss")), "\(context)")
                        let xl = x.object("labels")
                        #expect(Self.close(p.double("captured_label_energy"), xl?.double("captured_label_energy")), "\(context)")
                        #expect(Self.close(p.double("probe_accuracy"), xl?.object("probe")?.double("accuracy")), "\(context)")
                        // embed carries the scores once the lead wires them (LossSummary.localScore/globalScore).
                        if x["local_score"] != nil || x["global_score"] != nil {
                            #expect(Self.close(p.double("local_score"), x.double("local_score")), "\(context)")
                            #expect(Self.close(p.double("global_score"), x.double("global_score")), "\(context)")
                        }
                    }
                }
            }

            // embed's default gamma (beta N / S, no --gamma) is a grid point, bit for bit.
            let plain = try eigenpair(["embed", "g.tsv", "--out", "plain", "--dim", "4", "--loss", "vicreg", "--quiet"], in: dir.path)
            try #require(plain.status == 0, "\(plain.summary)")
            let plainReport = try readJSON(dir.file("plain/report.json"))
            let defaultGamma = try #require(plainReport.object("settings")?.object("hyperparameters")?.double("gamma"))
            #expect(gammas.contains(defaultGamma), "\(defaultGamma) not in \(gammas)")
            let atDefault = points.first { $0["loss"] as? String == "vicreg" && $0.int("dim") == 4 && $0.double("gamma") == defaultGamma }
            #expect(Self.close(atDefault?.double("min_loss"), plainReport.object("losses")?.object("vicreg")?.double("min_loss")))

            // Plots: well-formed SVG, the expected series.
            let rank = try #require(SVGSeriesCounter.parse(dir.file("s/rank-vs-gamma.svg")), "rank-vs-gamma.svg is not XML")
            #expect(rank.series.count == 2 + 3, "\(rank.series)")  // vicreg per K + 3 flat losses
            #expect(rank.series.filter { $0.contains("flat") }.count == 3)
            #expect(rank.ticks >= 4 && rank.texts >= 6)
            let energy = try #require(SVGSeriesCounter.parse(dir.file("s/label-energy-vs-gamma.svg")))
            #expect(energy.series.count == 5, "\(energy.series)")
            let spectrum = try #require(SVGSeriesCounter.parse(dir.file("s/spectrum.svg")))
            #expect(spectrum.panels == 3)
            // L + one threshold per gamma; G + zero line; A_n + zero line.
            #expect(spectrum.series.count == 1 + 14 + 2 + 2, "\(spectrum.series)")
            #expect(spectrum.series.filter { $0.hasPrefix("beta/gamma") }.count == 14)
            let lg = try #require(SVGSeriesCounter.parse(dir.file("s/local-global.svg")))
            #expect(lg.series.count == 4, "\(lg.series)")
        }

        @Test func givenGridsAndLossesWithoutLabels() throws {
            let dir = try TempDir("sweep-grid")
            defer { dir.cleanup() }
            try Self.makeGraph(dir)
            let run = try eigenpair(["sweep", "g.tsv", "--out", "s", "--dims", "3", "--gammas", "0.1,0.5,2",
                                     "--loss", "vicreg,simclr", "--quiet"], in: dir.path)
            try #require(run.status == 0, "\(run.summary)")
            let points = try Self.points(dir.file("s/sweep.json"))
            #expect(points.count == 3 + 1)
            #expect(points.allSatisfy { $0["captured_label_energy"] == nil })
            #expect(!dir.exists("s/label-energy-vs-gamma.svg"))
            #expect(SVGSeriesCounter.parse(dir.file("s/rank-vs-gamma.svg"))?.series.count == 2)
            #expect(SVGSeriesCounter.parse(dir.file("s/spectrum.svg"))?.panels == 2)
        }

        @Test(.needsMPIRun)
        func twoAndThreeRanksGiveTheSameSweep() throws {
            let dir = try TempDir("sweep-ranks")
            defer { dir.cleanup() }
            // 600 nodes in one component: the Lanczos path, across rank counts.
            let gen = try eigenpair(["generate", "sbm", "--nodes", "600", "--classes", "4", "--p-in", "0.05",
                                     "--p-out", "0.005", "--seed", "11", "--out", "g.tsv"], in: dir.path)
            try #require(gen.status == 0, "\(gen.summary)")
            let args = ["sweep", "g.tsv", "--dims", "2,4", "--labels", "g.tsv.labels", "--quiet", "--out"]
            let plain = try MultiRank.run(ranks: 0, args + ["p1"], in: dir)
            try #require(plain.status == 0, "\(plain.summary)")
            let reference = try Self.points(dir.file("p1/sweep.json"))
            for ranks in [2, 3] {
                let r = try MultiRank.run(ranks: ranks, args + ["p\(ranks)"], in: dir)
                try #require(r.status == 0, "\(r.summary)")
                let other = try Self.points(dir.file("p\(ranks)/sweep.json"))
                try #require(other.count == reference.count)
                for (a, b) in zip(reference, other) {
                    let context = "P=\(ranks) \(a["loss"] ?? "") K=\(a.int("dim") ?? 0) gamma=\(a.double("gamma") ?? 0)"
                    #expect(a["loss"] as? String == b["loss"] as? String && a.int("dim") == b.int("dim"), "\(context)")
                    #expect(Self.close(a.double("gamma"), b.double("gamma"), 1e-12), "\(context)")
                    for key in ["rank", "numerical_rank"] { #expect(a.int(key) == b.int(key), "\(context): \(key)") }
                    for key in ["loss_at_z_star", "min_loss", "captured_label_energy", "probe_accuracy", "local_score", "global_score"] {
                        #expect(Self.close(a.double(key), b.double(key)), "\(context): \(key) \(a[key] ?? "nil") vs \(b[key] ?? "nil")")
                    }
                }
            }
        }

        @Test func badInputExitsTwoWithNothingWritten() throws {
            let dir = try TempDir("sweep-bad")
            defer { dir.cleanup() }
            try Self.makeGraph(dir, nodes: 30)
            let before = dir.listing()
            for args in [["--dims", "0"], ["--dims", "2,x"], ["--dims", "30"], ["--gammas", "-1"], ["--gammas", "0.1,nan"],
                         ["--loss", "hinge"], ["--beta", "0"], ["--lambda", "2"]] {
                let r = try eigenpair(["sweep", "g.tsv", "--out", "s", "--quiet"] + args, in: dir.path)
                #expect(r.status == 2, "\(args): \(r.summary)")
                #expect(r.errorLines.count == 1, "\(args): \(r.stderr)")
                #expect(dir.listing() == before, "\(args): leftovers \(dir.listing())")
            }
        }
    }
}
