import Foundation

/// report.html of `eigenpair embed`: one self-contained page (inline CSS and SVG, no script, no
/// network) built from the report value, after the run: the summary, the spectra with the
/// thresholds the closed forms apply, the ranks of each Z*, the label diagnostics, a 2-D view of
/// each Z* coloured by label, and the processes. It is well-formed XML (XHTML), and every number
/// taken from the report carries `data-key` (its path in report.json, `.`-separated, array
/// indices as numbers) and `data-value` (the exact value), so a reader or a test can check the
/// page against report.json.
public enum ReportPage {
    public static func html(report: EmbedReport, views: [EmbeddingView], classNames: [String]) -> String {
        var page = Page()
        page.add("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
        page.add("<title>Eigenpair report: \(escape(report.input.path))</title>\n<style>\(style)</style>\n</head>\n<body>\n")
        page.add("<h1>Eigenpair report</h1>\n<p class=\"command\">\(escape(report.arguments.joined(separator: " ")))</p>\n")
        summary(report, &page)
        embeddings(report, views: views, classNames: classNames, &page)
        spectra(report, &page)
        ranks(report, &page)
        labels(report, &page)
        processes(report, &page)
        page.add("<p class=\"foot\">\(escape(report.tool)) \(escape(report.version)); numbers as in report.json (shown to 6 significant digits).</p>\n</body>\n</html>\n")
        return page.text
    }

    // MARK: - Sections

    private static func summary(_ r: EmbedReport, _ page: inout Page) {
        let g = r.graph, h = r.settings.hyperparameters
        page.add("<section id=\"summary\">\n<h2>Summary</h2>\n<div class=\"grid\">\n<table class=\"facts\">\n")
        page.row("input", "\(escape(r.input.path)) (\(escape(r.input.format)))")
        page.row("nodes", page.int(g.nodes, "graph.nodes"))
        page.row("edges", page.int(g.edges, "graph.edges"))
        page.row("total weight S", page.num(g.totalWeight, "graph.total_weight"))
        page.row("components (with edges)", page.int(g.components, "graph.components") + " (" + page.int(g.componentsWithEdges, "graph.components_with_edges") + ")")
        page.row("largest component", page.int(g.largestComponent, "graph.largest_component"))
        page.row("isolated nodes", page.int(g.isolatedNodes, "graph.isolated_nodes"))
        page.row("dimension K", page.int(r.settings.dim, "settings.dim"))
        page.row("losses", escape(r.settings.losses.joined(separator: ", ")))
        page.row("gamma, beta, lambda", page.num(h.gamma, "settings.hyperparameters.gamma") + ", "
                 + page.num(h.beta, "settings.hyperparameters.beta") + ", " + page.num(h.lambda, "settings.hyperparameters.lambda"))
        page.row("processes (MPI ranks)", page.int(r.ranks, "ranks"))
        if let total = r.timings["total"] { page.row("total seconds", page.num(total, "timings.total")) }
        page.row("peak memory (bytes, rank 0)", page.int(r.peakMemoryBytes, "peak_memory_bytes"))
        page.add("</table>\n")
        page.add("<table>\n<tr><th>loss</th><th>operator</th><th>loss at Z*</th><th>closed-form minimum</th><th>local score</th><th>global score</th><th>file</th></tr>\n")
        for name in r.losses.keys.sorted(by: lossOrder) {
            let l = r.losses[name]!, key = "losses.\(name)."
            page.add("<tr><td>\(escape(name))</td><td>\(escape(l.operator))</td>"
                     + page.cell(l.lossAtZStar, key + reportKey(LossSummary.CodingKeys.lossAtZStar))
                     + page.cell(l.minLoss, key + reportKey(LossSummary.CodingKeys.minLoss))
                     + page.cell(l.localScore, key + reportKey(LossSummary.CodingKeys.localScore))
                     + page.cell(l.globalScore, key + reportKey(LossSummary.CodingKeys.globalScore))
                     + "<td>\(escape(l.file ?? "-"))</td></tr>\n")
        }
        page.add("</table>\n</div>\n</section>\n")
    }

    private static func spectra(_ r: EmbedReport, _ page: inout Page) {
        page.add("<section id=\"spectra\">\n<h2>Spectra and thresholds</h2>\n")
        let h = r.settings.hyperparameters
        page.add("<div class=\"grid\">\n")
        for (i, s) in r.solves.enumerated() {
            let points = s.eigenvalues.enumerated().map { (x: Double($0.offset + 1), y: $0.element) }
            var series = [PlotSeries(name: "eigenvalues of \(s.operator)", points: points)]
            let title: String
            switch s.operator {
            case "L":
                title = "L on 1-perp: VICReg keeps lambda_k < beta/gamma"
                series.append(.horizontal(String(format: "beta/gamma = %.4g", h.beta / h.gamma), y: h.beta / h.gamma))
            case "G":
                title = "G: SimCLR keeps mu_k > 0"
                series.append(.horizontal("0", y: 0))
            default:
                title = "\(s.operator) (trivial 1 first): keeps mu_k > 0"
                series.append(.horizontal("0", y: 0))
            }
            var figure = SVGFigure(PlotPanel(title: title, xLabel: "k", yLabel: "eigenvalue", series: series))
            figure.width = 560
            figure.panelHeight = 320
            figure.idPrefix = "spectrum-\(i)"
            page.add("<figure class=\"spectrum\" data-operator=\"\(escape(s.operator))\">\n" + figure.render(standalone: false) + "</figure>\n")
        }
        page.add("</div>\n")
        page.add("<table>\n<tr><th>operator</th><th>k</th><th>converged</th><th>max residual</th><th>matvecs</th><th>restarts</th><th>next eigenvalue</th><th>seconds</th></tr>\n")
        for (i, s) in r.solves.enumerated() {
            let key = "solves.\(i)."
            page.add("<tr><td>\(escape(s.operator))</td>" + page.intCell(s.k, key + "k")
                     + "<td>\(s.converged ? "yes" : "no") (\(s.convergedCount))</td>"
                     + page.cell(s.maxResidual, key + reportKey(SolveSummary.CodingKeys.maxResidual))
                     + page.intCell(s.matvecs, key + "matvecs") + page.intCell(s.restarts, key + "restarts")
                     + page.cell(s.nextEigenvalue, key + reportKey(SolveSummary.CodingKeys.nextEigenvalue))
                     + page.cell(s.seconds, key + "seconds") + "</tr>\n")
        }
        page.add("</table>\n</section>\n")
    }

    private static func ranks(_ r: EmbedReport, _ page: inout Page) {
        page.add("<section id=\"ranks\">\n<h2>Ranks of Z*</h2>\n<p>K = \(r.settings.dim). The closed-form rank counts the directions a loss keeps; the numerical rank is that of the centred Z* as computed.</p>\n")
        page.add("<table>\n<tr><th>loss</th><th>rank</th><th>numerical rank</th><th>unique</th><th>notes</th></tr>\n")
        for name in r.losses.keys.sorted(by: lossOrder) {
            let l = r.losses[name]!, key = "losses.\(name)."
            page.add("<tr><td>\(escape(name))</td>"
                     + (l.rank.map { page.intCell($0, key + reportKey(LossSummary.CodingKeys.rank)) } ?? "<td>none (no closed form)</td>")
                     + (l.numericalRank.map { page.intCell($0, key + reportKey(LossSummary.CodingKeys.numericalRank)) } ?? "<td>-</td>")
                     + "<td>\(l.unique ? "yes" : "no")</td><td class=\"notes\">\(escape(l.notes.joined(separator: " ")))</td></tr>\n")
        }
        page.add("</table>\n</section>\n")
    }

    private static func labels(_ r: EmbedReport, _ page: inout Page) {
        page.add("<section id=\"labels\">\n<h2>Label diagnostics</h2>\n")
        guard let labels = r.labels else {
            page.add("<p>No labels were given (--labels).</p>\n</section>\n")
            return
        }
        page.add("<table class=\"facts\">\n")
        page.row("labels file", escape(labels.file))
        page.row("labelled nodes", page.int(labels.labelled, "labels.labelled"))
        page.row("classes", page.int(labels.classes, "labels.classes"))
        page.row("label entries not in the graph", page.int(labels.notInGraph, "labels.not_in_graph"))
        if let f = labels.withinClass.fraction {
            page.row("within-class edge weight fraction", page.num(f, "labels.within_class.fraction")
                     + (labels.withinClass.chanceFraction.map { " (chance " + page.num($0, "labels.within_class.chance_fraction") + ")" } ?? ""))
        }
        for op in labels.operatorLabelEnergy.keys.sorted() {
            page.row("label energy of \(escape(op))'s top-K eigenspace",
                     page.num(labels.operatorLabelEnergy[op]!, "labels.operator_label_energy.\(op)"))
        }
        page.add("</table>\n")
        page.add("<table>\n<tr><th>loss</th><th>captured label energy</th><th>probe accuracy (test)</th><th>principal angles (degrees)</th></tr>\n")
        for name in r.losses.keys.sorted(by: lossOrder) {
            guard let l = r.losses[name]?.labels else { continue }
            let key = "losses.\(name).labels."
            page.add("<tr><td>\(escape(name))</td>" + page.cell(l.capturedLabelEnergy, key + "captured_label_energy")
                     + page.cell(l.probe.accuracy, key + "probe.accuracy")
                     + "<td>" + l.principalAnglesDegrees.enumerated().map { page.num($0.element, key + "principal_angles_deg.\($0.offset)") }.joined(separator: ", ") + "</td></tr>\n")
        }
        page.add("</table>\n")
        if let guidance = labels.guidance {
            page.add("<p class=\"guidance\"><strong>Guidance (\(escape("\(guidance.alignment)"))):</strong> \(escape(guidance.recommendation))</p>\n<ul>\n")
            for line in guidance.evidence { page.add("<li>\(escape(line))</li>\n") }
            page.add("</ul>\n")
        }
        page.add("</section>\n")
    }

    private static func embeddings(_ r: EmbedReport, views: [EmbeddingView], classNames: [String], _ page: inout Page) {
        page.add("<section id=\"embeddings\">\n<h2>Embeddings</h2>\n<p>Each Z* on its first two non-constant columns, coloured by label")
        if let view = views.first, view.x.count < view.rows {
            page.add("; \(view.x.count) of \(view.rows) rows shown (every row floor(j N / \(view.x.count)))")
        }
        page.add(".</p>\n<div class=\"grid\">\n")
        for view in views {
            page.add("<figure class=\"embedding\" data-loss=\"\(escape(view.loss))\" data-points=\"\(view.x.count)\" "
                     + "data-rows=\"\(view.rows)\" data-columns=\"\(view.columns.map(String.init).joined(separator: ","))\">\n")
            guard !view.columns.isEmpty else {
                page.add("<figcaption>\(escape(view.loss)): every column of Z* is constant (rank 0): nothing to draw.</figcaption>\n</figure>\n")
                continue
            }
            var groups: [Int: [(x: Double, y: Double)]] = [:]
            for i in view.x.indices { groups[view.classes.isEmpty ? 0 : view.classes[i], default: []].append((view.x[i], view.y[i])) }
            let radius = view.x.count > 1500 ? 1.8 : 3.2
            var series: [PlotSeries] = groups.keys.sorted { ($0 < 0 ? Int.max : $0) < ($1 < 0 ? Int.max : $1) }.map { c in
                let name = view.classes.isEmpty ? "all rows (no labels)" : c < 0 ? "unlabelled"
                    : (c < classNames.count ? classNames[c] : "class \(c)")
                return PlotSeries(name: name, points: groups[c]!, style: .scatter, markerRadius: radius)
            }
            if series.count > 40 { series = Array(series.prefix(40)) }
            let x = "Z* column \(view.columns[0] + 1)"
            let y = view.columns.count > 1 ? "Z* column \(view.columns[1] + 1)" : "row (only one non-constant column)"
            // Eigenvectors can put a few rows far out (localised on low-degree nodes): the view
            // spans the 1%-99% quantiles plus a margin, and says how many rows fall outside it.
            let xRange = robustRange(view.x), yRange = robustRange(view.y)
            let outside = view.x.indices.filter { !xRange.contains(view.x[$0]) || !yRange.contains(view.y[$0]) }.count
            let rank = r.losses[view.loss]?.rank.map(String.init) ?? "none"
            var panel = PlotPanel(title: "\(view.loss): rank \(rank)", xLabel: x, yLabel: y,
                                  series: series, yRange: yRange,
                                  note: outside > 0 ? "\(outside) of \(view.x.count) rows lie outside this view (beyond the 1%-99% quantiles)" : nil)
            panel.xRange = xRange
            var figure = SVGFigure(panel)
            figure.width = 640
            figure.panelHeight = 420
            figure.idPrefix = "z-\(view.loss)"
            page.add(figure.render(standalone: false) + "</figure>\n")
        }
        page.add("</div>\n</section>\n")
    }

    private static func processes(_ r: EmbedReport, _ page: inout Page) {
        page.add("<section id=\"processes\">\n<h2>Processes</h2>\n<table>\n<tr><th>rank</th><th>rows</th><th>nonzeros</th><th>ghost rows</th><th>matvecs</th><th>SpMV s</th><th>halo s</th><th>peak memory (bytes)</th></tr>\n")
        for (i, d) in r.rankDetails.enumerated() {
            let key = "rank_details.\(i)."
            page.add("<tr>" + page.intCell(d.rank, key + "rank") + page.intCell(d.rows, key + "rows")
                     + page.intCell(d.nonzeros, key + "nonzeros") + page.intCell(d.ghosts, key + "ghosts")
                     + page.intCell(d.matvecs, key + "matvecs") + page.cell(d.spmvSeconds, key + "spmv_seconds")
                     + page.cell(d.haloSeconds, key + "halo_seconds") + page.intCell(d.peakMemoryBytes, key + "peak_memory_bytes") + "</tr>\n")
        }
        page.add("</table>\n</section>\n")
    }

    // MARK: - Helpers

    /// [q01 - w/4, q99 + w/4] with w = q99 - q01, within the data's own range; the data's range
    /// when that is empty.
    static func robustRange(_ values: [Double]) -> ClosedRange<Double> {
        let sorted = values.sorted()
        guard let lowest = sorted.first, let highest = sorted.last, highest > lowest else {
            let v = sorted.first ?? 0
            return (v - 1)...(v + 1)
        }
        let q01 = sorted[Int(0.01 * Double(sorted.count - 1))], q99 = sorted[Int((0.99 * Double(sorted.count - 1)).rounded(.up))]
        let margin = (q99 - q01) / 4
        let range = max(lowest, q01 - margin)...min(highest, q99 + margin)
        // Most rows at one value (a component indicator, say): the quantiles say nothing, show all.
        guard range.upperBound - range.lowerBound > 1e-6 * (highest - lowest) else {
            let pad = 0.03 * (highest - lowest)
            return (lowest - pad)...(highest + pad)
        }
        let pad = 0.03 * (range.upperBound - range.lowerBound)
        return (range.lowerBound - pad)...(range.upperBound + pad)
    }

    /// Losses in the CLI's order (vicreg, simclr, simclr-degree, barlow), others after.
    private static func lossOrder(_ a: String, _ b: String) -> Bool {
        let order = ["vicreg", "simclr", "simclr-degree", "barlow"]
        return (order.firstIndex(of: a) ?? order.count, a) < (order.firstIndex(of: b) ?? order.count, b)
    }

    private static let style = """
    body{font-family:Helvetica,Arial,sans-serif;margin:24px;color:#222;max-width:1180px}\
    h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;border-bottom:1px solid #ccc;padding-bottom:3px;margin-top:28px}\
    .command{font-family:monospace;font-size:12px;color:#555;word-break:break-all}\
    table{border-collapse:collapse;margin:8px 0 12px;font-size:13px}\
    td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}th{background:#f3f3f3}\
    td.num{text-align:right;font-variant-numeric:tabular-nums}table.facts td:first-child{color:#555}\
    td.notes{font-size:11px;color:#555;max-width:520px}figure{margin:4px 0}svg{max-width:100%;height:auto}.grid{display:flex;flex-wrap:wrap;gap:4px 16px;align-items:flex-start}\
    .guidance{background:#f6f8fa;padding:8px;border-left:3px solid #1f77b4}.foot{color:#777;font-size:11px;margin-top:24px}
    """
}

/// The page being written, with the cells that carry report numbers.
private struct Page {
    var text = ""

    mutating func add(_ s: String) { text += s }

    mutating func row(_ name: String, _ value: String) {
        text += "<tr><td>\(escape(name))</td><td>\(value)</td></tr>\n"
    }

    /// A number with its report.json path and exact value.
    func num(_ v: Double, _ key: String) -> String {
        let shown = v.isFinite ? String(format: "%.6g", v) : "\(v)"
        return "<span class=\"num\" data-key=\"\(escape(key))\" data-value=\"\(v)\">\(shown)</span>"
    }

    func int(_ v: Int, _ key: String) -> String {
        "<span class=\"num\" data-key=\"\(escape(key))\" data-value=\"\(v)\">\(v)</span>"
    }

    func cell(_ v: Double?, _ key: String) -> String {
        v.map { "<td class=\"num\">" + num($0, key) + "</td>" } ?? "<td class=\"num\">-</td>"
    }

    func intCell(_ v: Int, _ key: String) -> String { "<td class=\"num\">" + int(v, key) + "</td>" }
}

/// A property's path segment in report.json, by the reports' one key strategy (`snakeCase`).
private func reportKey(_ key: some CodingKey) -> String { snakeCase(key.stringValue) }
