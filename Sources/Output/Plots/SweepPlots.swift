import ClosedForms
import Foundation
import Spectral

/// The sweep's SVG plots (Output's `SVGFigure`), written by rank 0 into the staging directory.
public enum SweepPlots {
    /// Collective (rank 0 renders and writes; errors agreed).
    public static func write(report: SweepReport, spectra: [RelationOperatorKind: [Double]], dims: [Int], gammas: [Double],
                      beta: Double, labelled: Bool, out: OutputDirectory) throws {
        let kMax = dims.max() ?? 0
        try out.writeText("rank-vs-gamma.svg", versusGamma(report, dims: dims, kMax: kMax, title: "Closed-form rank vs gamma",
                                                   yLabel: "rank of Z*") { $0.rank.map(Double.init) })
        if labelled {
            try out.writeText("label-energy-vs-gamma.svg", versusGamma(report, dims: dims, kMax: kMax, title: "Captured label energy vs gamma",
                                                       yLabel: "captured label energy") { $0.labels?.capturedLabelEnergy })
        }
        try out.writeText("spectrum.svg", spectrum(spectra, gammas: gammas, beta: beta))
        try out.writeText("local-global.svg", localGlobal(report, kMax: kMax))
    }

    /// VICReg: one line per K over gamma; the other losses do not depend on gamma: a horizontal
    /// reference line each, at K_max.
    static func versusGamma(_ report: SweepReport, dims: [Int], kMax: Int, title: String, yLabel: String,
                            value: (LossSummary) -> Double?) -> String {
        var series: [PlotSeries] = []
        for k in dims {
            let pts = report.points.filter { $0.loss == LossName.vicreg.rawValue && $0.dim == k }
                .compactMap { p -> (x: Double, y: Double)? in
                    guard let g = p.gamma, let v = value(p.summary) else { return nil }
                    return (g, v)
                }
            if !pts.isEmpty { series.append(PlotSeries(name: "vicreg K=\(k)", points: pts)) }
        }
        for p in report.points where p.loss != LossName.vicreg.rawValue && p.dim == kMax {
            if let v = value(p.summary) { series.append(.horizontal("\(p.loss) K=\(kMax) (flat in gamma)", y: v)) }
        }
        return SVGFigure(PlotPanel(title: title, xLabel: "VICReg invariance weight gamma (log scale)", yLabel: yLabel,
                                   logX: true, series: series,
                                   note: "solid: VICReg per K; dashed: losses that do not depend on gamma")).render()
    }

    /// L's spectrum with the thresholds beta/gamma of the grid; G's and A_n's in their own panels.
    static func spectrum(_ spectra: [RelationOperatorKind: [Double]], gammas: [Double], beta: Double) -> String {
        var panels: [PlotPanel] = []
        if let lambda = spectra[.laplacian] {
            var series = [PlotSeries(name: "lambda_k of L", points: lambda.enumerated().map { (Double($0.offset + 1), $0.element) })]
            for g in gammas {
                series.append(.horizontal(String(format: "beta/gamma, gamma=%.3g", g), y: beta / g))
            }
            let top = max(lambda.max() ?? 1, 1e-12) * 1.15
            panels.append(PlotPanel(title: "Laplacian spectrum (on 1-perp) and VICReg thresholds", xLabel: "k",
                                    yLabel: "lambda_k", series: series, yRange: (-0.05 * top)...top,
                                    note: "VICReg keeps direction k iff lambda_k < beta/gamma (dashed; lines above the panel not drawn)"))
        }
        if let mu = spectra[.adjacency] {
            panels.append(PlotPanel(title: "Spectrum of G (largest algebraic)", xLabel: "k", yLabel: "mu_k(G)",
                                    series: [PlotSeries(name: "mu_k of G", points: mu.enumerated().map { (Double($0.offset + 1), $0.element) }),
                                             .horizontal("0 (SimCLR keeps mu_k > 0)", y: 0)]))
        }
        if let mu = spectra[.normalizedAdjacency] {
            panels.append(PlotPanel(title: "Spectrum of A_n = D^-1/2 G D^-1/2 (largest algebraic, trivial 1 first)", xLabel: "k",
                                    yLabel: "mu_k(A_n)",
                                    series: [PlotSeries(name: "mu_k of A_n", points: mu.enumerated().map { (Double($0.offset + 1), $0.element) }),
                                             .horizontal("0", y: 0)]))
        }
        return SVGFigure(panels: panels).render()
    }

    /// One point per loss at K_max (VICReg: its path over the gamma grid).
    static func localGlobal(_ report: SweepReport, kMax: Int) -> String {
        var series: [PlotSeries] = []
        let vicreg = report.points.filter { $0.loss == LossName.vicreg.rawValue && $0.dim == kMax }
            .compactMap { p -> (x: Double, y: Double)? in
                guard let l = p.summary.localScore, let g = p.summary.globalScore else { return nil }
                return (l, g)
            }
        if !vicreg.isEmpty { series.append(PlotSeries(name: "vicreg K=\(kMax) over gamma", points: vicreg)) }
        for p in report.points where p.loss != LossName.vicreg.rawValue && p.dim == kMax {
            guard let l = p.summary.localScore, let g = p.summary.globalScore else { continue }
            series.append(PlotSeries(name: "\(p.loss) K=\(kMax)", points: [(l, g)], style: .scatter))
        }
        return LocalGlobalPlot.render(series: series)
    }
}

/// The local/global scatter shared by sweep and compare.
public enum LocalGlobalPlot {
    public static func render(series: [PlotSeries]) -> String {
        SVGFigure(PlotPanel(title: "Local vs global structure of each embedding",
                            xLabel: "local score tr(Z'LZ)/tr(Z'HZ) (lower: more local)",
                            yLabel: "global score ||G - cZZ'||/||G|| (lower: more global)",
                            series: series)).render()
    }
}
