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
    /// Marker size; nil: 5 for a scatter, 2.4-4 for a line (earlier series larger).
    public var markerRadius: Double?

    public init(name: String, points: [(x: Double, y: Double)], style: Style = .line, markerRadius: Double? = nil) {
        self.name = name
        self.points = points
        self.style = style
        self.markerRadius = markerRadius
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
    public var logX = false
    public var logY = false
    public var series: [PlotSeries]
    /// Fixed y-range; nil: from the data (reference lines included).
    public var yRange: ClosedRange<Double>?
    /// Fixed x-range; nil: from the data.
    public var xRange: ClosedRange<Double>?
    /// A line of small print under the title (e.g. what is not drawn).
    public var note: String?
}

/// Panels stacked vertically, rendered to an SVG document. The plot area is `width` less the
/// default margins; the canvas is as wide as the widest legend then needs: legends sit right of
/// the plot, in as many columns as the panel height requires, and are sized from their longest
/// label (`TextWidth`), so no label is cut off.
public struct SVGFigure: Sendable {
    public var panels: [PlotPanel]
    public var width: Double = 760
    public var panelHeight: Double = 420
    /// Prefix of the element ids (clip paths): distinct per figure when several share one page.
    public var idPrefix = "plot"

    public init(panels: [PlotPanel]) {
        self.panels = panels
    }

    public init(_ panel: PlotPanel) {
        self.panels = [panel]
    }

    // Panel margins around the plot area; the legend starts `legendGap` right of it.
    static let left = 78.0, defaultRight = 190.0, topMargin = 46.0, bottom = 56.0, legendGap = 14.0
    static let legendRow = 18.0, legendSample = 28.0, legendFont = 12.0

    /// Width of the plot area (the same in every panel).
    var plotWidth: Double { width - Self.left - Self.defaultRight }

    /// Legend layout of a panel: entries per column, column width, total width.
    func legendLayout(_ panel: PlotPanel) -> (rows: Int, columnWidth: Double, width: Double) {
        let available = panelHeight - Self.topMargin - 10
        let rows = max(1, Int(available / Self.legendRow))
        let columns = max(1, (panel.series.count + rows - 1) / rows)
        let text = panel.series.map { TextWidth.of($0.name, fontSize: Self.legendFont) }.max() ?? 0
        let columnWidth = Self.legendSample + text + 12
        return (rows, columnWidth, Double(columns) * columnWidth)
    }

    /// The canvas width: the plot area (`width` less the default margins) plus the widest legend.
    public var canvasWidth: Double {
        panels.map { Self.left + plotWidth + Self.legendGap + legendLayout($0).width + 6 }.max() ?? width
    }

    /// The SVG document; `standalone: false` leaves out the XML declaration, for inline SVG in HTML.
    public func render(standalone: Bool = true) -> String {
        let height = panelHeight * Double(max(panels.count, 1))
        let w = canvasWidth
        var out = standalone ? "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" : ""
        out += """
        <svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="\(fmt(w))" height="\(fmt(height))" \
        viewBox="0 0 \(fmt(w)) \(fmt(height))" font-family="Helvetica, Arial, sans-serif" font-size="12">
        <rect x="0" y="0" width="\(fmt(w))" height="\(fmt(height))" fill="white"/>

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
        let plotX = Self.left, plotY = top + Self.topMargin
        let plotW = plotWidth, plotH = panelHeight - Self.topMargin - Self.bottom

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
        if let fixed = panel.xRange {
            if let lo = tx(fixed.lowerBound), let hi = tx(fixed.upperBound), hi > lo { xr = lo...hi }
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

        // Series, clipped to the plot area. Drawn in layers so that none hides another: reference
        // lines first, then lines (earlier series wider, with larger markers, so a later series
        // on top of one still shows its edges), then scatters. Coincident reference lines share
        // the line in alternating dashes of their colours.
        let clip = "\(idPrefix)-clip-\(index)"
        s += "<clipPath id=\"\(clip)\"><rect x=\"\(fmt(plotX))\" y=\"\(fmt(plotY))\" width=\"\(fmt(plotW))\" height=\"\(fmt(plotH))\"/></clipPath>\n"
        let count = panel.series.count
        let dashes = Self.referenceDashes(panel.series, scale: yr.upperBound - yr.lowerBound, ty)
        func layer(_ style: PlotSeries.Style) -> Int {
            switch style {
            case .horizontal: return 0
            case .line: return 1
            case .scatter: return 2
            }
        }
        let order = panel.series.indices.sorted { (layer(panel.series[$0].style), $0) < (layer(panel.series[$1].style), $1) }
        let layout = legendLayout(panel)
        var legend = ""
        var drawn = [String](repeating: "", count: count)
        for i in order {
            let series = panel.series[i]
            let look = SeriesStyle.of(index: i)
            let emphasis = count > 1 ? Double(count - 1 - i) / Double(count - 1) : 1
            var g = "<g class=\"series\" data-name=\"\(escape(series.name))\" data-color=\"\(look.color)\" data-marker=\"\(look.marker)\" clip-path=\"url(#\(clip))\">"
            switch series.style {
            case .horizontal(let y):
                if let b = ty(y), inside(b) {
                    let dash = dashes[i] ?? (dasharray: "6 4", offset: 0.0)
                    g += "<line x1=\"\(fmt(plotX))\" y1=\"\(fmt(py(b)))\" x2=\"\(fmt(plotX + plotW))\" y2=\"\(fmt(py(b)))\" stroke=\"\(look.color)\" stroke-width=\"1.6\" stroke-dasharray=\"\(dash.dasharray)\" stroke-dashoffset=\"\(fmt(dash.offset))\"/>"
                }
            case .line, .scatter:
                let pts = series.points.compactMap { p -> (Double, Double)? in
                    guard let a = tx(p.x), let b = ty(p.y), a.isFinite, b.isFinite else { return nil }
                    return (px(a), py(b))
                }
                if case .line = series.style, pts.count > 1 {
                    let width = 1.4 + 1.8 * emphasis
                    g += "<polyline fill=\"none\" stroke=\"\(look.color)\" stroke-width=\"\(fmt(width))\""
                        + (look.dash.map { " stroke-dasharray=\"\($0)\"" } ?? "") + " points=\""
                        + pts.map { "\(fmt($0.0)),\(fmt($0.1))" }.joined(separator: " ") + "\"/>"
                }
                let r = series.markerRadius ?? (series.style.isScatter ? 5.0 : 2.4 + 1.6 * emphasis)
                for (x, y) in pts { g += look.marker.svg(x, y, r, color: look.color) }
            }
            drawn[i] = g + "</g>\n"
        }
        for i in order { s += drawn[i] }
        for (i, series) in panel.series.enumerated() {
            let look = SeriesStyle.of(index: i)
            let lx = plotX + plotW + Self.legendGap + Double(i / layout.rows) * layout.columnWidth
            let ly = plotY + 8 + Double(i % layout.rows) * Self.legendRow
            var sample = ""
            switch series.style {
            case .horizontal:
                sample = "<line x1=\"\(fmt(lx))\" y1=\"\(fmt(ly))\" x2=\"\(fmt(lx + 22))\" y2=\"\(fmt(ly))\" stroke=\"\(look.color)\" stroke-width=\"1.6\" stroke-dasharray=\"6 4\"/>"
            case .line:
                sample = "<line x1=\"\(fmt(lx))\" y1=\"\(fmt(ly))\" x2=\"\(fmt(lx + 22))\" y2=\"\(fmt(ly))\" stroke=\"\(look.color)\" stroke-width=\"2\""
                    + (look.dash.map { " stroke-dasharray=\"\($0)\"" } ?? "") + "/>"
                sample += look.marker.svg(lx + 11, ly, 3.2, color: look.color)
            case .scatter:
                sample = look.marker.svg(lx + 11, ly, 4.5, color: look.color)
            }
            legend += sample + "<text x=\"\(fmt(lx + Self.legendSample))\" y=\"\(fmt(ly + 4))\" font-size=\"\(fmt(Self.legendFont))\">\(escape(series.name))</text>\n"
        }
        s += "<g class=\"legend\">\n" + legend + "</g>\n"
        s += "</g>\n"
        return s
    }

    /// Dash pattern and phase of each horizontal reference line that coincides with others (same
    /// y to 1e-9 of the axis span): a group of g lines gets dashes of 6 every 6g, shifted by 6 per
    /// member, so every colour shows along the shared line. Lines on their own get nil.
    static func referenceDashes(_ series: [PlotSeries], scale: Double,
                                _ ty: (Double) -> Double?) -> [Int: (dasharray: String, offset: Double)] {
        var groups: [[Int]] = []
        var levels: [Double] = []
        for (i, s) in series.enumerated() {
            guard case .horizontal(let y) = s.style, let b = ty(y) else { continue }
            if let g = levels.firstIndex(where: { abs($0 - b) <= 1e-9 * max(scale, 1e-300) }) {
                groups[g].append(i)
            } else {
                levels.append(b)
                groups.append([i])
            }
        }
        var out: [Int: (dasharray: String, offset: Double)] = [:]
        for group in groups where group.count > 1 {
            for (j, i) in group.enumerated() {
                out[i] = ("6 \(6 * (group.count - 1))", -6 * Double(j))
            }
        }
        return out
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
        let values = niceTicks(range)
        let step = values.count > 1 ? values[1] - values[0] : 0
        return values.map { ($0, label($0, step: step)) }
    }

    /// `label(_:)`, with enough significant digits to tell ticks `step` apart when the values are
    /// large next to their spacing (a nearly constant column: -0.0018001, -0.0018002, ...).
    static func label(_ v: Double, step: Double) -> String {
        guard step > 0, v != 0, step < 1e-3 * abs(v) else { return label(v) }
        let digits = min(15, Int((log10(abs(v) / step)).rounded(.up)) + 2)
        return String(format: "%.\(digits)g", v)
    }

    static func niceTicks(_ range: ClosedRange<Double>, target: Double = 6) -> [Double] {
        let span = range.upperBound - range.lowerBound
        guard span > 0, span.isFinite else { return [range.lowerBound] }
        let raw = span / target
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        // A span below the values' resolution (step under an ulp): one tick, not several equal ones.
        guard range.upperBound + step > range.upperBound, range.lowerBound + step > range.lowerBound else {
            return [(range.lowerBound + range.upperBound) / 2]
        }
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

/// XML text and attribute escaping (also for report.html).
func escape(_ s: String) -> String {
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
