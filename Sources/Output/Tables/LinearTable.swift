import Foundation

/// linear's table on stdout.
public enum LinearTable {
    public static func print(report: LinearReport, losses: [(String, LinearLossSummary)], out: String) {
        var lines: [String] = []
        if let g = report.graph {
            lines.append("graph     \(g.nodes) nodes, \(g.edges) edges; features \(report.features.rows) x \(report.features.columns) (\(report.features.rowsIgnored) rows ignored)")
        } else if let l = report.labelGraph {
            lines.append("labels    \(l.nodes) nodes in \(l.classes) classes (\(l.weighting) weighting, not materialised); features \(report.features.rows) x \(report.features.columns)")
        }
        let pad = TableText.pad
        lines.append(pad("loss", 9) + pad("rank", 6) + pad("loss at W*", 20) + pad("closed-form min", 20) + "file")
        for (name, l) in losses {
            lines.append(pad(name, 9) + pad(l.rank.map { "\($0)" } ?? "-", 6)
                         + pad(l.lossAtZStar.map { String(format: "%.12g", $0) } ?? "-", 20)
                         + pad(l.minLoss.map { String(format: "%.12g", $0) } ?? "-", 20)
                         + (l.file.map { "\(out)/\($0), \(out)/\(l.weightsFile ?? "")" } ?? "not written: " + (l.notes.first ?? "")))
        }
        Swift.print(lines.joined(separator: "\n"))
    }
}
