import ClosedForms
import Foundation
import Spectral

/// embed's short human summary on stdout.
public enum SummaryTable {
    /// "gap certified" with lambda_K, the interval for lambda_{K+1} and the gap, or "not certified"
    /// and why (docs/math.md 7.12).
    public static func gapLine(_ op: String, _ g: GapCertificate) -> String {
        let interval = "[\(g.nextLower.map { String(format: "%.6g", $0) } ?? "-inf"), \(g.nextUpper.map { String(format: "%.6g", $0) } ?? "inf")]"
        let head = "\(op): lambda_K = \(String(format: "%.10g", g.lambdaK)), lambda_K+1 in \(interval)"
        if g.certified { return "gap certified   " + head + String(format: ", gap %.3g", g.gap ?? 0) }
        return "gap not certified   " + head + " (" + g.reason + "): uniqueness of Z* not claimed"
    }

    public static func print(report: EmbedReport, losses: [(LossName, LossSummary)], out: String) {
        let g = report.graph, pad = TableText.pad
        var lines: [String] = []
        lines.append("graph     \(g.nodes) nodes, \(g.edges) edges, \(g.componentsWithEdges) components with edges (largest \(g.largestComponent) nodes), \(g.isolatedNodes) isolated; \(g.selfLoopsDropped) self-loops dropped, \(g.duplicatesMerged) duplicates merged")
        lines.append("")
        lines.append(pad("operator", 9) + pad("k", 5) + pad("from components/dense/lanczos", 31) + pad("matvecs", 9) + pad("restarts", 10) + pad("max residual", 14) + pad("certified", 11) + "seconds")
        for s in report.solves {
            let src = "\(s.sources["component"] ?? 0)/\(s.sources["dense"] ?? 0)/\(s.sources["lanczos"] ?? 0)"
            lines.append(pad(s.operator, 9) + pad("\(s.k)", 5) + pad(src, 31) + pad("\(s.matvecs)", 9) + pad("\(s.restarts)", 10)
                         + pad(String(format: "%.2e", s.maxResidual), 14)
                         + pad(String(format: "%.2e", s.certification.worst), 11) + String(format: "%.2f", s.seconds))
        }
        if let c = report.solves.first?.certification {
            lines.append(String(format: "certified: %@ <= tol %.1e for every pair", c.norm, c.tolerance))
        }
        for s in report.solves { if let gap = s.gap { lines.append(gapLine(s.operator, gap)) } }
        lines.append("")
        lines.append(pad("loss", 15) + pad("rank", 6) + pad("loss at Z*", 20) + pad("closed-form min", 20) + pad("label energy", 14) + "file")
        for (name, l) in losses {
            let energy = l.labels?.capturedLabelEnergy.map { String(format: "%.4f", $0) } ?? "-"
            lines.append(pad(name.rawValue, 15) + pad(l.rank.map { "\($0)" } ?? "-", 6)
                         + pad(l.lossAtZStar.map { String(format: "%.12g", $0) } ?? "-", 20)
                         + pad(l.minLoss.map { String(format: "%.12g", $0) } ?? "-", 20) + pad(energy, 14)
                         + (l.file.map { "\(out)/\($0)" } ?? "not written: " + (l.notes.first ?? "")))
        }
        if let guidance = report.labels?.guidance {
            lines.append("")
            lines.append("guidance  \(guidance.recommendation)")
        }
        lines.append("")
        lines.append(String(format: "total %.2f s, peak memory %.1f MiB; report: %@/report.json",
                            report.timings["total"] ?? 0, Double(report.peakMemoryBytes) / 1_048_576, out))
        Swift.print(lines.joined(separator: "\n"))
    }

}
