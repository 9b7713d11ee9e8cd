import Foundation
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

/// What a test reads from report.html (parsed as XML): the sections, every number tagged with
/// its report.json path, the Z* views and their series.
final class ReportHTMLReader: NSObject, XMLParserDelegate {
    var sections: [String] = []
    var numbers: [(key: String, value: String, text: String)] = []
    var embeddings: [[String: String]] = []
    var seriesPerEmbedding: [Int] = []
    var scripts = 0
    var externalReferences = 0
    private var openNumber: (key: String, value: String)?
    private var text = ""
    private var inEmbedding = false

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        if name == "section", let id = attributes["id"] { sections.append(id) }
        if name == "script" { scripts += 1 }
        if attributes.contains(where: { ($0.key == "src" || $0.key == "href") && $0.value.contains("//") }) {
            externalReferences += 1
        }
        if let key = attributes["data-key"], let value = attributes["data-value"] {
            openNumber = (key, value)
            text = ""
        }
        if name == "figure", attributes["class"] == "embedding" {
            embeddings.append(attributes)
            seriesPerEmbedding.append(0)
            inEmbedding = true
        }
        if inEmbedding, attributes["class"] == "series" { seriesPerEmbedding[seriesPerEmbedding.count - 1] += 1 }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if let open = openNumber, name == "span" {
            numbers.append((open.key, open.value, text))
            openNumber = nil
        }
        if name == "figure" { inEmbedding = false }
    }

    static func parse(_ path: String) -> ReportHTMLReader? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let parser = XMLParser(data: data)
        let reader = ReportHTMLReader()
        parser.delegate = reader
        return parser.parse() ? reader : nil
    }
}

/// The value at a `.`-separated path of report.json (array indices as numbers).
func jsonValue(_ root: [String: Any], _ path: String) -> Any? {
    var current: Any = root
    for part in path.split(separator: ".") {
        if let object = current as? [String: Any], let next = object[String(part)] {
            current = next
        } else if let array = current as? [Any], let i = Int(part), array.indices.contains(i) {
            current = array[i]
        } else {
            return nil
        }
    }
    return current
}

extension CLITests {
    /// `embed` writes report.html: well-formed XHTML with no script and no external reference,
    /// the expected sections, every number equal to report.json's, one 2-D view per Z* drawn on
    /// the first two non-constant columns (found here from the .npy) with one series per class,
    /// and at most 5,000 rows drawn.
    @Suite struct ReportPage {
        static let losses = ["vicreg", "simclr", "simclr-degree", "barlow"]

        @Test func pageMatchesReportJSONAndTheEmbeddings() throws {
            let dir = try TempDir("html")
            defer { dir.cleanup() }
            let gen = try eigenpair(["generate", "sbm", "--nodes", "150", "--classes", "3", "--p-in", "0.12",
                                     "--p-out", "0.02", "--seed", "3", "--out", "g.tsv"], in: dir.path)
            try #require(gen.status == 0, "\(gen.summary)")
            let run = try eigenpair(["embed", "g.tsv", "--out", "o", "--dim", "4", "--labels", "g.tsv.labels", "--quiet"],
                                    in: dir.path)
            try #require(run.status == 0, "\(run.summary)")
            let page = try #require(ReportHTMLReader.parse(dir.file("o/report.html")), "report.html is not well-formed XML")
            let report = try readJSON(dir.file("o/report.json"))
            #expect(page.sections == ["summary", "embeddings", "spectra", "ranks", "labels", "processes"])
            #expect(page.scripts == 0 && page.externalReferences == 0)

            // Every tagged number is report.json's, exactly, and shown to 6 digits.
            #expect(page.numbers.count > 40, "\(page.numbers.count)")
            for number in page.numbers {
                let expected = try #require(jsonValue(report, number.key) as? Double, "\(number.key) not in report.json")
                let value = try #require(Double(number.value), "\(number.key): \(number.value)")
                #expect(value == expected, "\(number.key): page \(value), report.json \(expected)")
                let shown = try #require(Double(number.text), "\(number.key): shown as '\(number.text)'")
                #expect(abs(shown - expected) <= 1e-5 * max(abs(expected), 1e-300) + 1e-300, "\(number.key): \(number.text)")
            }
            let keys = Set(page.numbers.map(\.key))
            for loss in Self.losses {
                for field in ["rank", "numerical_rank", "loss_at_z_star", "min_loss", "labels.captured_label_energy", "labels.probe.accuracy"] {
                    #expect(keys.contains("losses.\(loss).\(field)"), "losses.\(loss).\(field) missing")
                }
            }
            for key in ["graph.nodes", "graph.edges", "settings.dim", "settings.hyperparameters.gamma", "labels.within_class.fraction",
                        "solves.0.max_residual", "solves.2.max_residual", "rank_details.0.rows"] {
                #expect(keys.contains(key), "\(key) missing")
            }

            // One view per loss, on the first two non-constant columns of Z*, one series per class.
            #expect(page.embeddings.map { $0["data-loss"] ?? "" } == Self.losses)
            for (view, series) in zip(page.embeddings, page.seriesPerEmbedding) {
                let loss = view["data-loss"] ?? ""
                let z = try readNpy(dir.file("o/\(loss).npy"))
                let (n, k) = (z.header.shape[0], z.header.shape[1])
                let scale = z.doubles.map(abs).max() ?? 0
                let varying = (0..<k).filter { j in
                    let c = (0..<n).map { z.doubles[$0 * k + j] }
                    return c.max()! - c.min()! > 1e-9 * scale
                }
                #expect(view["data-columns"] == varying.prefix(2).map(String.init).joined(separator: ","), "\(loss): \(view)")
                #expect(view["data-points"] == "150" && view["data-rows"] == "150", "\(loss): \(view)")
                #expect(series == 3, "\(loss): \(series) series")
            }
        }

        /// The numbers of `text` (runs of digits, '.', '-') and the text with each replaced by '#'.
        static func numbersAndText(_ text: String) -> (numbers: [Double], text: String) {
            var numbers: [Double] = [], rest = "", token = ""
            func flush() {
                if let v = Double(token) { numbers.append(v); rest += "#" } else { rest += token }
                token = ""
            }
            for c in text {
                if c.isNumber || c == "." || c == "-" { token.append(c) } else { flush(); rest.append(c) }
            }
            flush()
            return (numbers, rest)
        }

        /// Above 5,000 rows the view draws 5,000 evenly spaced rows, the same on 1 and 2 ranks.
        @Test(.needsMPIRun) func largeGraphsAreSubsampled() throws {
            let dir = try TempDir("html")
            defer { dir.cleanup() }
            let gen = try eigenpair(["generate", "sbm", "--nodes", "5200", "--classes", "4", "--p-in", "0.004",
                                     "--p-out", "0.0004", "--seed", "9", "--out", "g.tsv"], in: dir.path)
            try #require(gen.status == 0, "\(gen.summary)")
            var figures: [String] = []
            for ranks in [0, 2] {
                let out = "o\(ranks)"
                let run = try MultiRank.run(ranks: ranks, ["embed", "g.tsv", "--out", out, "--dim", "2", "--loss", "vicreg",
                                                          "--largest-component", "--quiet"], in: dir)
                try #require(run.status == 0, "\(run.summary)")
                let page = try #require(ReportHTMLReader.parse(dir.file("\(out)/report.html")))
                let nodes = try #require(try readJSON(dir.file("\(out)/report.json")).object("graph")?.int("nodes"))
                try #require(nodes > 5000, "largest component has \(nodes) nodes")
                #expect(page.embeddings.first?["data-points"] == "5000" && page.embeddings.first?["data-rows"] == "\(nodes)")
                let html = try String(contentsOfFile: dir.file("\(out)/report.html"), encoding: .utf8)
                let start = try #require(html.range(of: "<figure class=\"embedding\""))
                let end = try #require(html.range(of: "</figure>", range: start.upperBound..<html.endIndex))
                figures.append(String(html[start.lowerBound..<end.upperBound]))
            }
            // The same rows at the same places: equal text apart from numbers, which may differ in
            // the last printed digit (the runs agree to 1e-10, pixels are printed to 0.01).
            let a = Self.numbersAndText(figures[0]), b = Self.numbersAndText(figures[1])
            #expect(a.text == b.text && a.numbers.count == b.numbers.count, "the drawn rows differ between 1 and 2 ranks")
            let gap = zip(a.numbers, b.numbers).map { abs($0 - $1) }.max() ?? 0
            #expect(gap <= 0.0100001, "a coordinate moved by \(gap) between 1 and 2 ranks")
        }
    }
}
