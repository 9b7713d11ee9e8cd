import ClosedForms
import Foundation

/// compare's table on stdout.
public enum CompareTable {
    public static func print(report: CompareReport, out: String) {
        let e = report.embedding
        func num(_ v: Double?, _ f: String) -> String { v.map { String(format: f, $0) } ?? "-" }
        var lines: [String] = []
        lines.append("embedding \(e.file): \(e.rows) x \(e.columns) \(e.dtype), \(e.rowsUsed) rows used, \(e.extraRowsIgnored) extra rows ignored; numerical rank \(e.numericalRank); local \(num(e.localScore, "%.4g")), global \(num(e.globalScore, "%.4f"))")
        lines.append("")
        let pad = TableText.pad
        // A non-unique Z* (ties, collapse) makes angles basis-dependent: the energy in the span of
        // every optimal solution is shown in their place.
        lines.append(pad("loss", 15) + pad("loss at Z", 18) + pad("closed-form min", 18) + pad("gap", 12) + pad("gap best scale", 16)
                     + pad("energy in opt.", 16) + pad("max angle", 11) + pad("rank Z/Z*", 11) + pad("local Z*", 10) + "global Z*")
        for name in LossName.allCases.map(\.rawValue) {
            guard let l = report.losses[name] else { continue }
            let angle = l.unique ? num(l.principalAnglesDegrees?.max(), "%.3g") : "(tied)"
            lines.append(pad(name, 15) + pad(num(l.lossAtEmbedding, "%.10g"), 18) + pad(num(l.minLoss, "%.10g"), 18)
                         + pad(num(l.gap, "%.4g"), 12) + pad(num(l.gapAtBestScale, "%.4g"), 16)
                         + pad(num(l.energyInOptimalSubspace, "%.4f"), 16) + pad(angle, 11)
                         + pad("\(l.numericalRank)/\(l.closedFormRank.map { "\($0)" } ?? "-")", 11) + pad(num(l.localScore, "%.4g"), 10)
                         + num(l.globalScore, "%.4f"))
        }
        if let guidance = report.labels?.guidance {
            lines.append("")
            lines.append("guidance  \(guidance.recommendation)")
        }
        lines.append("")
        lines.append("report: \(out)/report.json, plot: \(out)/local-global.svg")
        Swift.print(lines.joined(separator: "\n"))
    }
}
