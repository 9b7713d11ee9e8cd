import Foundation

/// How series i of a panel is drawn. Every series gets its own colour (the ten-colour palette,
/// then hues spaced by the golden angle) and a marker shape that changes from one series to the
/// next, so two series never look alike, even in grey; lines past the tenth are dashed too.
struct SeriesStyle: Equatable {
    var color: String
    var marker: PlotMarker
    /// SVG stroke-dasharray of a line series (nil: solid).
    var dash: String?

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
                          "#17becf", "#bcbd22", "#7f7f7f"]
    static let dashes = ["7 3", "2 2", "9 3 2 3"]

    static func of(index i: Int) -> SeriesStyle {
        let color: String
        if i < palette.count {
            color = palette[i]
        } else {
            // Golden-angle hues never repeat; two lightness levels keep neighbours apart.
            let hue = (Double(i) * 137.507_764).truncatingRemainder(dividingBy: 360)
            color = String(format: "hsl(%.1f,70%%,%d%%)", hue, i % 2 == 0 ? 36 : 50)
        }
        let marker = PlotMarker.allCases[i % PlotMarker.allCases.count]
        let dash = i < palette.count ? nil : dashes[(i / palette.count - 1) % dashes.count]
        return SeriesStyle(color: color, marker: marker, dash: dash)
    }
}

/// Marker shapes, each drawn centred on a point with "radius" r.
enum PlotMarker: CaseIterable, Equatable {
    case circle, square, triangleUp, diamond, triangleDown, plus

    func svg(_ x: Double, _ y: Double, _ r: Double, color: String) -> String {
        func f(_ v: Double) -> String { String(format: "%.2f", v) }
        switch self {
        case .circle:
            return "<circle cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"\(f(r))\" fill=\"\(color)\"/>"
        case .square:
            let h = 0.85 * r
            return "<rect x=\"\(f(x - h))\" y=\"\(f(y - h))\" width=\"\(f(2 * h))\" height=\"\(f(2 * h))\" fill=\"\(color)\"/>"
        case .triangleUp, .triangleDown:
            let s: Double = self == .triangleUp ? 1 : -1
            return "<path d=\"M\(f(x)),\(f(y - s * 1.2 * r))L\(f(x + 1.05 * r)),\(f(y + s * 0.6 * r))L\(f(x - 1.05 * r)),\(f(y + s * 0.6 * r))Z\" fill=\"\(color)\"/>"
        case .diamond:
            let d = 1.2 * r
            return "<path d=\"M\(f(x)),\(f(y - d))L\(f(x + d)),\(f(y))L\(f(x)),\(f(y + d))L\(f(x - d)),\(f(y))Z\" fill=\"\(color)\"/>"
        case .plus:
            let d = 1.2 * r
            return "<path d=\"M\(f(x - d)),\(f(y))H\(f(x + d))M\(f(x)),\(f(y - d))V\(f(y + d))\" stroke=\"\(color)\" stroke-width=\"\(f(max(1.2, 0.6 * r)))\" fill=\"none\"/>"
        }
    }
}

/// Widths of text as a browser lays it out, for legends and labels that must fit the canvas.
/// Conservative: per-character advances of DejaVu Sans (the widest of the sans-serif faces a
/// browser falls back to for "Helvetica, Arial, sans-serif"; Helvetica, Arial and Liberation Sans
/// are 5-15% narrower).
enum TextWidth {
    static func of(_ text: String, fontSize: Double) -> Double {
        var em = 0.0
        for c in text.unicodeScalars {
            switch c {
            case "i", "l", "j", "'", ".", ",", ":", ";", "|", "!", "I": em += 0.32
            case " ", "f", "t", "r", "(", ")", "[", "]", "/", "-": em += 0.42
            case "m", "w", "M", "W", "%", "@": em += 0.98
            case "A"..."Z": em += 0.75
            case "=", "+", "<", ">", "~", "*": em += 0.84
            default: em += 0.64
            }
        }
        return em * fontSize
    }
}
