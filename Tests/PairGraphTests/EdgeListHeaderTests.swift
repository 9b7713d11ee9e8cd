import Foundation
import Testing
@testable import PairGraph

/// CSV/TSV header lines (`EdgeListHeader`): skipped by the whole-file parse and by every split of
/// the byte-range parse, with the file's own line numbers in errors; a first line that is partly
/// numbers is data, and a pandas index column is refused.
@Suite struct EdgeListHeaderTests {
    static let rows = "0,1,0.5\n1,2,1.5\n\n2,3,2.0\n3,0,1.0\n0,2,0.25\n"

    /// The header forms users write, each before the same rows.
    @Test(arguments: ["source,target,weight\n", "# exported\nsource,target,weight\n", "u\tv\tw\r\n",
                      "\u{FEFF}\"src\",\"dst\",\"w\"\n"])
    func headerIsSkippedByEveryParse(_ header: String) throws {
        let dir = try ScratchDirectory()
        let plain = try EdgeListParser.parse(path: dir.write("plain.csv", Self.rows))
        let path = dir.write("header.csv", header + Self.rows)
        let whole = try EdgeListParser.parse(path: path)
        #expect(whole.sources == plain.sources && whole.targets == plain.targets && whole.weights == plain.weights)
        let probe = try GraphReader.probe(path: path)
        #expect(probe.linesBeforeData == header.utf8.filter { $0 == 0x0A }.count && probe.fieldCount == 3)
        for parts in 1...6 {
            let split = try (0..<parts).map { try GraphReader.parse(path: path, part: $0, of: parts, probe: probe).edges }
            #expect(split.flatMap(\.sources) == plain.sources && split.flatMap(\.targets) == plain.targets, "P=\(parts)")
            #expect(split.flatMap { $0.weights ?? [] } == plain.weights, "P=\(parts)")
        }
    }

    @Test func errorsAfterAHeaderNameTheFilesLine() throws {
        let dir = try ScratchDirectory()
        let path = dir.write("bad.csv", "# c\nsource,target\n0,1\n1,x\n")
        let whole = inputError { _ = try EdgeListParser.parse(path: path) }
        #expect(whole?.line == 4 && whole?.reason == "non-numeric node ID 'x'", "\(String(describing: whole))")
        let probe = try GraphReader.probe(path: path)
        let error = inputError { _ = try GraphReader.parse(path: path, part: 0, of: 1, probe: probe) }
        #expect(error.map { $0.offsetting(by: probe.lineOffset(part: 0, lineCounts: [])) }?.line == 4)
    }

    @Test func aLinePartlyOfNumbersIsData() throws {
        let dir = try ScratchDirectory()
        let error = inputError { _ = try EdgeListParser.parse(path: dir.write("typo.txt", "1 x\n2 3\n")) }
        #expect(error?.line == 1 && error?.reason == "non-numeric node ID 'x'", "\(String(describing: error))")
    }

    @Test func pandasIndexColumnAndCountMismatchAreRefused() throws {
        let dir = try ScratchDirectory()
        let index = dir.write("index.csv", ",source,target\n0,5,7\n")
        for read in [{ _ = try EdgeListParser.parse(path: index) }, { _ = try GraphReader.probe(path: index) }] {
            let error = inputError(read)
            #expect(error?.line == 1 && error?.reason.contains("index=False") == true, "\(String(describing: error))")
        }
        let mismatch = dir.write("mismatch.csv", "source,target\n0,5,1.5\n")
        for read in [{ _ = try EdgeListParser.parse(path: mismatch) }, { _ = try GraphReader.probe(path: mismatch) }] {
            let error = inputError(read)
            #expect(error?.line == 2 && error?.reason == "expected 2 fields as named by the header on line 1, found 3",
                    "\(String(describing: error))")
        }
    }
}
