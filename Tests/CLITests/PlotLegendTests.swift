import Foundation
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Helvetica's advance widths (Adobe's AFM, 1/1000 em) for ASCII 32...126; Arial and Liberation
/// Sans (what "Helvetica, Arial, sans-serif" resolves to here) share them.
enum HelveticaMetrics {
    static let widths: [Int] = [
        278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,  // space ... /
        556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,  // 0 ... ?
        1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,  // @ ... O
        667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,  // P ... _
        333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,  // ` ... o
        556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,  // p ... ~
    ]

    static func width(_ text: String, fontSize: Double) -> Double {
        text.unicodeScalars.reduce(0.0) { sum, c in
            let i = Int(c.value) - 32
            return sum + Double(widths.indices.contains(i) ? widths[i] : 1000) / 1000 * fontSize
        }
    }
}

/// The legend of an SVG plot: its entries (text, x, font size), the canvas width, and each
/// series' colour, marker and, for reference lines, dash offset and y.
final class SVGLegendReader: NSObject, XMLParserDelegate {
    var canvasWidth = 0.0
    var entries: [(text: String, x: Double, fontSize: Double)] = []
    /// Per series: its panel (0-based), name, colour, marker, and for a reference line its y and dash offset.
    var series: [(panel: Int, name: String, color: String, marker: String, lineY: Double?, dashOffset: String?)] = []
    private var panel = -1
    private var inLegend = false
    private var inText = false
    private var text = ""
    private var x = 0.0, fontSize = 12.0

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        if name == "svg" { canvasWidth = Double(attributes["width"] ?? "") ?? 0 }
        if name == "g", attributes["class"] == "panel" { panel += 1 }
        if name == "g", attributes["class"] == "legend" { inLegend = true }
        if name == "g", attributes["class"] == "series" {
            series.append((panel, attributes["data-name"] ?? "", attributes["data-color"] ?? "", attributes["data-marker"] ?? "",
                           nil, nil))
        }
        if name == "line", !inLegend, !series.isEmpty, series[series.count - 1].lineY == nil,
           let offset = attributes["stroke-dashoffset"] {
            series[series.count - 1].lineY = Double(attributes["y1"] ?? "")
            series[series.count - 1].dashOffset = offset
        }
        if name == "text", inLegend {
            inText = true
            text = ""
            x = Double(attributes["x"] ?? "") ?? 0
            fontSize = Double(attributes["font-size"] ?? "12") ?? 12
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { if inText { text += string } }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "text", inText {
            entries.append((text, x, fontSize))
            inText = false
        }
        if name == "g" { inLegend = false }
    }

    static func parse(_ path: String) throws -> SVGLegendReader {
        let data = try #require(FileManager.default.contents(atPath: path))
        let parser = XMLParser(data: data)
        let reader = SVGLegendReader()
        parser.delegate = reader
        try #require(parser.parse(), "\(path) is not well-formed XML")
        return reader
    }
}

extension CLITests {
    /// sweep's plots with 12 dimensions and 13 gammas (16 series in one panel): every legend label
    /// fits the canvas at Helvetica's widths (+10% for wider fallback fonts), every series has its
    /// own colour and its own (colour, marker) pair, the gamma labels carry the grid's values, and
    /// reference lines that coincide are drawn in dashes at different offsets, so each shows.
    @Suite struct PlotLegends {
        @Test func legendsFitAndSeriesStayDistinct() throws {
            let dir = try TempDir("legend")
            defer { dir.cleanup() }
            try SweepCLI.makeGraph(dir)
            let run = try eigenpair(["sweep", "g.tsv", "--out", "s", "--dims", (1...12).map(String.init).joined(separator: ","),
                                     "--labels", "g.tsv.labels", "--quiet"], in: dir.path)
            try #require(run.status == 0, "\(run.summary)")
            let gammas = try #require(try readJSON(dir.file("s/sweep.json")).object("settings")?.doubles("gammas"))
            for file in ["rank-vs-gamma.svg", "label-energy-vs-gamma.svg", "spectrum.svg", "local-global.svg"] {
                let svg = try SVGLegendReader.parse(dir.file("s/\(file)"))
                #expect(svg.entries.count == svg.series.count && !svg.entries.isEmpty, "\(file)")
                for entry in svg.entries {
                    let right = entry.x + 1.1 * HelveticaMetrics.width(entry.text, fontSize: entry.fontSize)
                    #expect(right <= svg.canvasWidth, "\(file): '\(entry.text)' ends at \(right) > \(svg.canvasWidth)")
                }
                for panel in Set(svg.series.map(\.panel)) {
                    let series = svg.series.filter { $0.panel == panel }
                    #expect(Set(series.map(\.color)).count == series.count, "\(file) panel \(panel): colours repeat")
                    // Consecutive series never share a marker either.
                    for (a, b) in zip(series, series.dropFirst()) { #expect(a.marker != b.marker, "\(file)") }
                    // Coincident reference lines: distinct dash offsets.
                    let lines = series.filter { $0.lineY != nil }
                    for y in Set(lines.compactMap(\.lineY)) {
                        let group = lines.filter { $0.lineY == y }
                        #expect(Set(group.compactMap(\.dashOffset)).count == group.count, "\(file): lines at y=\(y) \(group)")
                    }
                }
            }
            let rank = try SVGLegendReader.parse(dir.file("s/rank-vs-gamma.svg"))
            #expect(rank.series.count == 12 + 3)
            // The three flat losses have rank 12 at K = 12: one line, three dash offsets.
            let flat = rank.series.filter { $0.name.contains("flat") }
            #expect(flat.count == 3 && Set(flat.compactMap(\.lineY)).count == 1 && Set(flat.compactMap(\.dashOffset)).count == 3,
                    "\(flat)")
            // The thresholds' labels name each gamma of the grid (to 3 significant digits).
            let spectrum = try SVGLegendReader.parse(dir.file("s/spectrum.svg"))
            let named = spectrum.entries.filter { $0.text.hasPrefix("beta/gamma") }
                .compactMap { $0.text.split(separator: "=").last.flatMap { Double($0) } }
            #expect(named.count == gammas.count, "\(spectrum.entries.map(\.text))")
            for (shown, gamma) in zip(named, gammas) { #expect(abs(shown - gamma) <= 5e-3 * gamma, "\(shown) vs \(gamma)") }
        }
    }
}
