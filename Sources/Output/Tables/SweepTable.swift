import Foundation

/// The sweep's table on stdout.
public enum SweepTable {
    public static func print(report: SweepReport, out: String) {
        let g = report.graph, pad = TableText.pad
        var lines: [String] = []
        lines.append("graph     \(g.nodes) nodes, \(g.edges) edges, \(g.componentsWithEdges) components with edges, \(g.isolatedNodes) isolated")
        lines.append("solves    " + report.solves.map { "\($0.operator) k=\($0.k)" }.joined(separator: ", ")
                     + "; \(report.points.count) points over K in \(report.settings.dims) and \(report.settings.gammas.count) gammas")
        lines.append("")
        lines.append(pad("loss", 15) + pad("K", 5) + pad("gamma", 12) + pad("rank", 6) + pad("num.rank", 10)
                     + pad("loss at Z*", 18) + pad("closed-form min", 18) + pad("label energy", 14) + pad("probe", 8)
                     + pad("local", 11) + "global")
        for p in report.points {
            let s = p.summary
            func num(_ v: Double?, _ f: String) -> String { v.map { String(format: f, $0) } ?? "-" }
            lines.append(pad(p.loss, 15) + pad("\(p.dim)", 5) + pad(num(p.gamma, "%.4g"), 12)
                         + pad(s.rank.map { "\($0)" } ?? "-", 6) + pad(s.numericalRank.map { "\($0)" } ?? "-", 10)
                         + pad(num(s.lossAtZStar, "%.10g"), 18) + pad(num(s.minLoss, "%.10g"), 18)
                         + pad(num(s.labels?.capturedLabelEnergy, "%.4f"), 14) + pad(num(s.labels?.probe.accuracy, "%.3f"), 8)
                         + pad(num(s.localScore, "%.4g"), 11) + num(s.globalScore, "%.4f"))
        }
        if let guidance = report.labels?.guidance {
            lines.append("")
            lines.append("guidance  \(guidance.recommendation)")
        }
        lines.append("")
        lines.append(String(format: "total %.2f s; report: %@/sweep.json, plots: %@/*.svg", report.timings["total"] ?? 0, out, out))
        Swift.print(lines.joined(separator: "\n"))
    }

}
