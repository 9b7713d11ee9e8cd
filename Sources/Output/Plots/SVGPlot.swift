import Foundation

/// A small, dependency-free SVG plot writer: line plots, scatter plots and horizontal reference
/// lines, on linear or log10 axes, with ticks, axis labels, a title and a legend; several panels
/// stack vertically in one figure. The output is a standalone SVG 1.1 document that browsers
/// open directly.
///
/// Every series is one `<g class="series" data-name="...">` element (reference lines included),
/// so a reader (or a test) can count and identify them.
public struct PlotSeries: Sendable {
    public enum Style: Sendable {
        /// Points joined by a polyline, with a marker on each point.
        case line
        /// Markers only.
        case scatter
        /// A dashed horizontal line at `y` across the whole panel (a quantity constant in x).
        case horizontal(y: Double)
    }

    public var name: String
    public var points: [(x: Double, y: Double)]
    public var style: Style

    public init(name: String, points: [(x: Double, y: Double)], style: Style = .line) {
        self.name = name
        self.points = points
        self.style = style
    }

    public static func horizontal(_ name: String, y: Double) -> PlotSeries {
        PlotSeries(name: name, points: [], style: .horizontal(y: y))
    }
}

/// One set of axes.
public struct PlotPanel: Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var logX: Bool
    public var logY: Bool
    public var series: [PlotSeries]
    /// Fixed y-range; nil: from the data (reference lines included).
    public var yRange: ClosedRange<Double>?
    /// A line of small print under the title (e.g. what is not drawn).
    public var note: String?

    public init(title: String, xLabel: String, yLabel: String, logX: Bool = false, logY: Bool = false,
                series: [PlotSeries], yRange: ClosedRange<Double>? = nil, note: String? = nil) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.logX = logX
        self.logY = logY
        self.series = series
        self.yRange = yRange
        self.note = note
    }
}

/// Panels stacked vertically, rendered to an SVG document.
public struct SVGFigure: Sendable {
    public var panels: [PlotPanel]
    public var width: Double = 760
    public var panelHeight: Double = 420

    public init(panels: [PlotPanel]) {
        self.panels = panels
    }

    public init(_ panel: PlotPanel) {
        self.panels = [panel]
    }

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
                          "#17becf", "#bcbd22", "#7f7f7f"]

    /// The SVG document.
    public func render() -> String {
        let height = panelHeight * Double(max(panels.count, 1))
        var out = """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="\(fmt(width))" height="\(fmt(height))" \
        viewBox="0 0 \(fmt(width)) \(fmt(height))" font-family="Helvetica, Arial, sans-serif" font-size="12">
        <rect x="0" y="0" width="\(fmt(width))" height="\(fmt(height))" fill="white"/>

        """
        for (p, panel) in panels.enumerated() {
            out += renderPanel(panel, index: p, top: Double(p) * panelHeight)
        }
        out += "</svg>\n"
        return out
    }

    /// Writes the document to `path` (atomically).
    public func write(to path: String) throws {
        try render().write(toFile: path, atomically: true, encoding: .utf8)
    }

    private func renderPanel(_ panel: PlotPanel, index: Int, top: Double) -> String {
        let left = 78.0, right = 190.0, topMargin = 46.0, bottom = 56.0
        let plotX = left, plotY = top + topMargin
        let plotW = width - left - right, plotH = panelHeight - topMargin - bottom

        // Data ranges (log axes keep positive values only).
        func tx(_ v: Double) -> Double? { panel.logX ? (v > 0 ? log10(v) : nil) : v }
        func ty(_ v: Double) -> Double? { panel.logY ? (v > 0 ? log10(v) : nil) : v }
        var xs: [Double] = [], ys: [Double] = []
        for s in panel.series {
            switch s.style {
            case .horizontal(let y): if let v = ty(y), v.isFinite { ys.append(v) }
            default:
                for p in s.points {
                    if let a = tx(p.x), a.isFinite { xs.append(a) }
                    if let b = ty(p.y), b.isFinite { ys.append(b) }
                }
            }
        }
        var xr = Self.paddedRange(xs, pad: 0.03)
        var yr = Self.paddedRange(ys, pad: 0.06)
        if let fixed = panel.yRange {
            if let lo = ty(fixed.lowerBound), let hi = ty(fixed.upperBound), hi > lo { yr = lo...hi }
        }
        if xr.lowerBound == xr.upperBound { xr = (xr.lowerBound - 1)...(xr.upperBound + 1) }
        if yr.lowerBound == yr.upperBound { yr = (yr.lowerBound - 1)...(yr.upperBound + 1) }
        func px(_ a: Double) -> Double { plotX + (a - xr.lowerBound) / (xr.upperBound - xr.lowerBound) * plotW }
        func py(_ b: Double) -> Double { plotY + plotH - (b - yr.lowerBound) / (yr.upperBound - yr.lowerBound) * plotH }
        func inside(_ b: Double) -> Bool { b >= yr.lowerBound - 1e-12 * abs(yr.upperBound - yr.lowerBound) && b <= yr.upperBound + 1e-12 * abs(yr.upperBound - yr.lowerBound) }

        var s = "<g class=\"panel\" id=\"panel-\(index)\">\n"
        s += "<text class=\"title\" x=\"\(fmt(plotX + plotW / 2))\" y=\"\(fmt(top + 22))\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">\(escape(panel.title))</text>\n"
        if let note = panel.note {
            s += "<text class=\"note\" x=\"\(fmt(plotX + plotW / 2))\" y=\"\(fmt(top + 38))\" text-anchor=\"middle\" font-size=\"10\" fill=\"#555\">\(escape(note))</text>\n"
        }
        // Axes box, ticks and grid.
        s += "<g class=\"axes\">\n"
        s += "<rect x=\"\(fmt(plotX))\" y=\"\(fmt(plotY))\" width=\"\(fmt(plotW))\" height=\"\(fmt(plotH))\" fill=\"none\" stroke=\"#333\"/>\n"
        for (value, label) in Self.ticks(xr, log: panel.logX) {
            let x = px(value)
            s += "<line class=\"tick x\" x1=\"\(fmt(x))\" y1=\"\(fmt(plotY + plotH))\" x2=\"\(fmt(x))\" y2=\"\(fmt(plotY + plotH + 5))\" stroke=\"#333\"/>"
            s += "<line x1=\"\(fmt(x))\" y1=\"\(fmt(plotY))\" x2=\"\(fmt(x))\" y2=\"\(fmt(plotY + plotH))\" stroke=\"#ddd\" stroke-width=\"0.5\"/>"
            s += "<text x=\"\(fmt(x))\" y=\"\(fmt(plotY + plotH + 18))\" text-anchor=\"middle\">\(escape(label))</text>\n"
        }
        for (value, label) in Self.ticks(yr, log: panel.logY) {
            let y = py(value)
            s += "<line class=\"tick y\" x1=\"\(fmt(plotX - 5))\" y1=\"\(fmt(y))\" x2=\"\(fmt(plotX))\" y2=\"\(fmt(y))\" stroke=\"#333\"/>"
            s += "<line x1=\"\(fmt(plotX))\" y1=\"\(fmt(y))\" x2=\"\(fmt(plotX + plotW))\" y2=\"\(fmt(y))\" stroke=\"#ddd\" stroke-width=\"0.5\"/>"
            s += "<text x=\"\(fmt(plotX - 8))\" y=\"\(fmt(y + 4))\" text-anchor=\"end\">\(escape(label))</text>\n"
        }
        s += "<text class=\"xlabel\" x=\"\(fmt(plotX + plotW / 2))\" y=\"\(fmt(plotY + plotH + 40))\" text-anchor=\"middle\" font-size=\"13\">\(escape(panel.xLabel))</text>\n"
        let yl = plotY + plotH / 2
        s += "<text class=\"ylabel\" x=\"\(fmt(plotX - 58))\" y=\"\(fmt(yl))\" text-anchor=\"middle\" font-size=\"13\" transform=\"rotate(-90 \(fmt(plotX - 58)) \(fmt(yl)))\">\(escape(panel.yLabel))</text>\n"
        s += "</g>\n"

        // Series, clipped to the plot area.
        let clip = "clip-\(index)"
        s += "<clipPath id=\"\(clip)\"><rect x=\"\(fmt(plotX))\" y=\"\(fmt(plotY))\" width=\"\(fmt(plotW))\" height=\"\(fmt(plotH))\"/></clipPath>\n"
        var legend = ""
        for (i, series) in panel.series.enumerated() {
            let color = Self.palette[i % Self.palette.count]
            s += "<g class=\"series\" data-name=\"\(escape(series.name))\" clip-path=\"url(#\(clip))\">"
            var legendShape = ""
            let ly = plotY + 8 + Double(i) * 18, lx = plotX + plotW + 14
            switch series.style {
            case .horizontal(let y):
                if let b = ty(y), inside(b) {
                    s += "<line x1=\"\(fmt(plotX))\" y1=\"\(fmt(py(b)))\" x2=\"\(fmt(plotX + plotW))\" y2=\"\(fmt(py(b)))\" stroke=\"\(color)\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>"
                }
                legendShape = "<line x1=\"\(fmt(lx))\" y1=\"\(fmt(ly))\" x2=\"\(fmt(lx + 22))\" y2=\"\(fmt(ly))\" stroke=\"\(color)\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>"
            case .line, .scatter:
                let pts = series.points.compactMap { p -> (Double, Double)? in
                    guard let a = tx(p.x), let b = ty(p.y), a.isFinite, b.isFinite else { return nil }
                    return (px(a), py(b))
                }
                if case .line = series.style, pts.count > 1 {
                    s += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.8\" points=\"" + pts.map { "\(fmt($0.0)),\(fmt($0.1))" }.joined(separator: " ") + "\"/>"
                    legendShape = "<line x1=\"\(fmt(lx))\" y1=\"\(fmt(ly))\" x2=\"\(fmt(lx + 22))\" y2=\"\(fmt(ly))\" stroke=\"\(color)\" stroke-width=\"1.8\"/>"
                }
                let r = series.style.isScatter ? 5.0 : 2.8
                for (x, y) in pts { s += "<circle cx=\"\(fmt(x))\" cy=\"\(fmt(y))\" r=\"\(fmt(r))\" fill=\"\(color)\"/>" }
                legendShape += "<circle cx=\"\(fmt(lx + 11))\" cy=\"\(fmt(ly))\" r=\"\(fmt(series.style.isScatter ? 5 : 2.8))\" fill=\"\(color)\"/>"
            }
            s += "</g>\n"
            legend += legendShape + "<text x=\"\(fmt(lx + 28))\" y=\"\(fmt(ly + 4))\">\(escape(series.name))</text>\n"
        }
        s += "<g class=\"legend\">\n" + legend + "</g>\n"
        s += "</g>\n"
        return s
    }

    /// [min, max] widened by `pad` of its width on each side; [0, 1] without data.
    static func paddedRange(_ values: [Double], pad: Double) -> ClosedRange<Double> {
        guard let lo = values.min(), let hi = values.max() else { return 0...1 }
        let w = hi - lo
        // A spread at roundoff level (equal values computed two ways) counts as no spread: a range
        // narrower than a few ulps of its values has no representable ticks.
        let margin = w > 1e-9 * max(abs(lo), abs(hi)) ? w * pad : max(abs(lo) * 0.1, 0.5)
        return (lo - margin)...(hi + margin)
    }

    /// Tick positions (in axis units: log10 of the value on a log axis) and their labels.
    /// Linear axes: 1, 2 or 5 times a power of ten, about 6 ticks. Log axes: every decade (every
    /// few when there are many); within a single decade, linear ticks labelled with their values.
    static func ticks(_ range: ClosedRange<Double>, log: Bool) -> [(Double, String)] {
        if log {
            let lo = Int(range.lowerBound.rounded(.up)), hi = Int(range.upperBound.rounded(.down))
            if hi - lo >= 1 {
                let step = max(1, (hi - lo + 7) / 8)
                return stride(from: lo, through: hi, by: step).map { (Double($0), logLabel($0)) }
            }
            let a = pow(10, range.lowerBound), b = pow(10, range.upperBound)
            return niceTicks(a...b).filter { $0 > 0 }.map { (log10($0), label($0)) }
        }
        return niceTicks(range).map { ($0, label($0)) }
    }

    static func niceTicks(_ range: ClosedRange<Double>, target: Double = 6) -> [Double] {
        let span = range.upperBound - range.lowerBound
        guard span > 0, span.isFinite else { return [range.lowerBound] }
        let raw = span / target
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        // Tick i is (first + i) * step, counted, never accumulated: when step is below the ulp of
        // the bounds, v += step would not advance and the loop would never end.
        let first = (range.lowerBound / step).rounded(.up)
        let count = ((range.upperBound + step * 1e-9) / step - first).rounded(.down)
        guard count.isFinite, count >= 0, count <= 4 * target else { return [range.lowerBound, range.upperBound] }
        return (0...Int(count)).map { i in
            let v = (first + Double(i)) * step
            return abs(v) < step * 1e-9 ? 0 : v
        }
    }

    static func logLabel(_ e: Int) -> String {
        switch e {
        case -2...3: return label(pow(10, Double(e)))
        default: return "1e\(e)"
        }
    }

    static func label(_ v: Double) -> String {
        if v == 0 { return "0" }
        let a = abs(v)
        if a >= 1e5 || a < 1e-3 { return String(format: "%.1e", v) }
        var s = String(format: "%.4f", v)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }
}

extension PlotSeries.Style {
    var isScatter: Bool {
        if case .scatter = self { return true }
        return false
    }
}

@inline(__always)
fileprivate func fmt(_ v: Double) -> String { String(format: "%.2f", v) }

/// XML text escaping.
fileprivate func escape(_ s: String) -> String {
    var out = ""
    for c in s {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&apos;"
        default: out.append(c)
        }
    }
    return out
}
