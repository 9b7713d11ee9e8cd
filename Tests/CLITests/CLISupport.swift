import Foundation
import NpyFormat
import Testing

#if canImport(Glibc)
import Glibc
#endif

// Helpers shared by the CLI tests. Everything here is independent of the library: the tests only
// see the `eigenpair` executable, the files it writes, and text/JSON/.npy parsing done here.

/// The built `eigenpair` executable. `/proc/self/exe` of the test runner is
/// `<scratch>/<triple>/<config>/EigenpairPackageTests.xctest`, with the executable beside it;
/// `EIGENPAIR_BIN` overrides, and `<root>/.build*/debug` is the fallback.
enum EigenpairBinary {
    static let path: String? = locate()

    private static func locate() -> String? {
        let fm = FileManager.default
        if let override = ProcessInfo.processInfo.environment["EIGENPAIR_BIN"], fm.isExecutableFile(atPath: override) {
            return override
        }
        if let exe = try? fm.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            let candidate = (exe as NSString).deletingLastPathComponent + "/eigenpair"
            if fm.isExecutableFile(atPath: candidate) { return candidate }
        }
        // <root>/Tests/CLITests/CLISupport.swift -> <root>
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        for scratch in [".build-cli", ".build"] {
            let candidate = "\(root)/\(scratch)/debug/eigenpair"
            if fm.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// The path, or a failed expectation naming where it was looked for.
    static func require() throws -> String {
        try #require(path, "eigenpair executable not found next to the test bundle (/proc/self/exe) nor in .build*/debug; build with --build-tests first")
    }
}

/// `mpirun` on PATH (nil where it is missing): the one lookup every test that launches it uses.
let mpirunPath = findOnPath("mpirun")

extension Trait where Self == ConditionTrait {
    /// On every test that launches mpirun: where mpirun is missing the test is reported as
    /// skipped, with this reason, instead of passing without running.
    static var needsMPIRun: Self { .enabled(if: mpirunPath != nil, "mpirun is not on PATH") }
}

/// A float64 .npy file (NumPy's C order) of `values` with `shape`.
func writeNpy(_ path: String, _ values: [Double], shape: [Int]) throws {
    try Data(NpyEncoder.encode(values, shape: shape)).write(to: URL(fileURLWithPath: path))
}

/// An int64 .npy file (NumPy's C order) of `values` with `shape`.
func writeNpy(_ path: String, _ values: [Int64], shape: [Int]) throws {
    try Data(NpyEncoder.encode(values, shape: shape)).write(to: URL(fileURLWithPath: path))
}

/// The executable `name` on PATH, if any.
func findOnPath(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    for dir in path.split(separator: ":") {
        let candidate = "\(dir)/\(name)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
}

struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String

    /// Non-empty stderr lines that start with `error:`.
    var errorLines: [Substring] { stderr.split(separator: "\n").filter { $0.hasPrefix("error:") } }

    var summary: String { "exit \(status)\n--- stdout\n\(stdout)\n--- stderr\n\(stderr)" }
}

/// Runs an executable to completion: stdin is /dev/null, both pipes are read
/// to EOF on their own threads before waiting, and mpirun may run as root.
/// `stdin`: a file to read standard input from instead. `extraEnvironment` is added to the
/// child's environment (the test hooks of docs/hardening.md).
func runProcess(_ executable: String, _ arguments: [String], in directory: String? = nil,
                stdin: String? = nil, extraEnvironment: [String: String] = [:]) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    // Other suites in this test process initialise MPI (singleton), which exports OMPI_*/PMIX_*
    // variables describing that singleton job; a child mpirun or eigenpair inheriting them would
    // try to join it. Children start from the environment without them.
    var environment = ProcessInfo.processInfo.environment.filter { key, _ in
        !["OMPI_", "PMIX_", "OPAL_", "ORTE_", "PRTE_"].contains { key.hasPrefix($0) }
    }
    if getuid() == 0 {
        environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
        environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
    }
    environment.merge(extraEnvironment) { $1 }
    process.environment = environment
    process.standardInput = try stdin.map { try FileHandle(forReadingFrom: URL(fileURLWithPath: $0)) } ?? FileHandle.nullDevice
    let outPipe = Pipe(), errPipe = Pipe()
    process.standardOutput = outPipe
    process.standardError = errPipe
    try process.run()
    let group = DispatchGroup()
    nonisolated(unsafe) var errData = Data()
    DispatchQueue.global().async(group: group) {
        errData = errPipe.fileHandleForReading.readDataToEndOfFile()
    }
    let outData = outPipe.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return ProcessResult(status: process.terminationStatus,
                         stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errData, as: UTF8.self))
}

/// Runs `eigenpair ARGS` in `directory`.
func eigenpair(_ arguments: [String], in directory: String, environment: [String: String] = [:]) throws -> ProcessResult {
    try runProcess(try EigenpairBinary.require(), arguments, in: directory, extraEnvironment: environment)
}

/// A fresh temporary directory, removed by `cleanup()` (call with `defer`).
struct TempDir {
    let path: String

    init(_ tag: String = "cli") throws {
        let base = FileManager.default.temporaryDirectory.path
        path = "\(base)/eigenpair-\(tag)-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func write(_ name: String, _ text: String) throws {
        try text.write(toFile: file(name), atomically: false, encoding: .utf8)
    }

    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: file(name)) }

    /// Entries of the directory (hidden ones included), sorted.
    func listing(_ sub: String = "") -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: sub.isEmpty ? path : file(sub))) ?? []).sorted()
    }

    func cleanup() { try? FileManager.default.removeItem(atPath: path) }
}

// MARK: - Reading results

func readNpy(_ path: String) throws -> NpyArray { try NpyArray.read(path: path) }

/// report.json as nested `[String: Any]` / `[Any]` / `Double` / `Bool` / `String` / `NSNull`.
/// Parsed with JSONDecoder rather than JSONSerialization: on Linux the latter rounds some doubles
/// to a neighbouring value (0.8728444932798145 -> ...44), the former reads them exactly.
func readJSON(_ path: String) throws -> [String: Any] {
    let data = try #require(FileManager.default.contents(atPath: path), "cannot read \(path)")
    collectReport(path, data)
    let value = try JSONDecoder().decode(JSONValue.self, from: data)
    return try #require(value.any as? [String: Any], "\(path) is not a JSON object")
}

/// With EIGENPAIR_REPORT_COLLECT set (`make test` sets it), every report.json / sweep.json a test
/// reads is also copied there, so python/tests/test_report_schema.py validates each of them
/// against docs/report.schema.json.
private func collectReport(_ path: String, _ data: Data) {
    let name = (path as NSString).lastPathComponent
    guard name == "report.json" || name == "sweep.json",
          let dir = ProcessInfo.processInfo.environment["EIGENPAIR_REPORT_COLLECT"], !dir.isEmpty else { return }
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    _ = FileManager.default.createFile(atPath: dir + "/" + UUID().uuidString + "-" + name, contents: data)
}

enum JSONValue: Decodable {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    var any: Any {
        switch self {
        case .null: return NSNull()
        case .bool(let b): return b
        case .number(let d): return d
        case .string(let s): return s
        case .array(let a): return a.map(\.any)
        case .object(let o): return o.mapValues(\.any)
        }
    }
}

extension Dictionary where Key == String, Value == Any {
    func object(_ key: String) -> [String: Any]? { self[key] as? [String: Any] }
    /// Only numbers that are whole.
    func int(_ key: String) -> Int? { (self[key] as? Double).flatMap { $0 == $0.rounded() ? Int(exactly: $0) : nil } }
    func double(_ key: String) -> Double? { self[key] as? Double }
    func doubles(_ key: String) -> [Double]? {
        guard let a = self[key] as? [Any] else { return nil }
        let d = a.compactMap { $0 as? Double }
        return d.count == a.count ? d : nil
    }
    func objects(_ key: String) -> [[String: Any]]? { self[key] as? [[String: Any]] }
}

// MARK: - Independent graph model (from the text files, not the library)

/// An undirected graph read from the same text the CLI reads: edge lists (`u v [w]`, `#`/`%`
/// comments) and Matrix Market coordinate files (1-based, node i -> ID i-1, all N declared nodes).
/// Duplicates merge by max or sum, self-loops are dropped.
struct ReferenceGraph {
    /// Sorted node IDs; row r of every output is ids[r].
    var ids: [UInt64]
    /// Undirected edge weights keyed by (lowRow, highRow).
    var weights: [Pair: Double]
    var duplicatesMerged = 0
    var rawEntries = 0

    struct Pair: Hashable { var a: Int; var b: Int }

    var n: Int { ids.count }
    var edgeCount: Int { weights.count }
    /// S = 1^T G 1.
    var totalWeight: Double { 2 * weights.values.reduce(0, +) }

    static func edgeList(_ text: String, merge: String = "max") -> ReferenceGraph {
        var triples: [(UInt64, UInt64, Double)] = []
        for line in text.split(whereSeparator: \.isNewline) {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.isEmpty || t.hasPrefix("#") || t.hasPrefix("%") { continue }
            let f = t.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," })
            triples.append((UInt64(f[0])!, UInt64(f[1])!, f.count > 2 ? Double(f[2])! : 1))
        }
        var idSet = Set<UInt64>()
        for (u, v, _) in triples { idSet.insert(u); idSet.insert(v) }
        return build(ids: idSet.sorted(), triples: triples, merge: merge)
    }

    static func matrixMarket(_ text: String) -> ReferenceGraph {
        var lines = text.split(whereSeparator: \.isNewline).map(String.init)
        let banner = lines.removeFirst().lowercased()
        let pattern = banner.contains("pattern")
        lines.removeAll { $0.hasPrefix("%") || $0.trimmingCharacters(in: .whitespaces).isEmpty }
        let size = lines.removeFirst().split(separator: " ").map { Int($0)! }
        var triples: [(UInt64, UInt64, Double)] = []
        for line in lines {
            let f = line.split(separator: " ")
            triples.append((UInt64(f[0])! - 1, UInt64(f[1])! - 1, pattern ? 1 : Double(f[2])!))
        }
        return build(ids: (0..<UInt64(size[0])).map { $0 }, triples: triples, merge: "max")
    }

    private static func build(ids: [UInt64], triples: [(UInt64, UInt64, Double)], merge: String) -> ReferenceGraph {
        var row: [UInt64: Int] = [:]
        for (r, id) in ids.enumerated() { row[id] = r }
        var g = ReferenceGraph(ids: ids, weights: [:])
        g.rawEntries = triples.count
        for (u, v, w) in triples where u != v && w != 0 {
            let a = row[u]!, b = row[v]!
            let key = Pair(a: min(a, b), b: max(a, b))
            if let old = g.weights[key] {
                g.duplicatesMerged += 1
                g.weights[key] = merge == "sum" ? old + w : max(old, w)
            } else {
                g.weights[key] = w
            }
        }
        return g
    }

    /// Dense symmetric G, row-major n x n.
    func dense() -> [[Double]] {
        var g = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for (p, w) in weights { g[p.a][p.b] = w; g[p.b][p.a] = w }
        return g
    }

    func neighbours() -> [[Int]] {
        var adj = [[Int]](repeating: [], count: n)
        for p in weights.keys { adj[p.a].append(p.b); adj[p.b].append(p.a) }
        return adj
    }

    /// Connected components by BFS, each a sorted list of rows; largest first, ties by smallest row.
    func components() -> [[Int]] {
        let adj = neighbours()
        var seen = [Bool](repeating: false, count: n)
        var result: [[Int]] = []
        for start in 0..<n where !seen[start] {
            seen[start] = true
            var queue = [start], head = 0
            while head < queue.count {
                let x = queue[head]; head += 1
                for y in adj[x] where !seen[y] { seen[y] = true; queue.append(y) }
            }
            result.append(queue.sorted())
        }
        return result.sorted { $0.count != $1.count ? $0.count > $1.count : $0[0] < $1[0] }
    }
}

// MARK: - Small dense linear algebra (test-only, no LAPACK)

/// Eigenvalues of a symmetric matrix by the cyclic Jacobi method, sorted descending.
func jacobiEigenvalues(_ matrix: [[Double]], sweeps: Int = 100) -> [Double] {
    var a = matrix
    let n = a.count
    for _ in 0..<sweeps {
        var off = 0.0
        for p in 0..<n { for q in (p + 1)..<n where q < n { off += a[p][q] * a[p][q] } }
        if off < 1e-30 { break }
        for p in 0..<n {
            for q in (p + 1)..<n where q < n {
                let apq = a[p][q]
                if abs(apq) < 1e-300 { continue }
                let theta = (a[q][q] - a[p][p]) / (2 * apq)
                let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                let c = 1 / (t * t + 1).squareRoot(), s = t * c
                for k in 0..<n {
                    let akp = a[k][p], akq = a[k][q]
                    a[k][p] = c * akp - s * akq
                    a[k][q] = s * akp + c * akq
                }
                for k in 0..<n {
                    let apk = a[p][k], aqk = a[q][k]
                    a[p][k] = c * apk - s * aqk
                    a[q][k] = s * apk + c * aqk
                }
            }
        }
    }
    return (0..<n).map { a[$0][$0] }.sorted(by: >)
}

/// Z^T M Z for row-major Z (n x k) and dense M.
func traceZtMZ(_ z: [Double], rows n: Int, columns k: Int, _ m: [[Double]]) -> Double {
    var total = 0.0
    for j in 0..<k {
        for i in 0..<n {
            var mz = 0.0
            for l in 0..<n where m[i][l] != 0 { mz += m[i][l] * z[l * k + j] }
            total += z[i * k + j] * mz
        }
    }
    return total
}

/// ||Z^T Z||_F^2 for row-major Z (n x k).
func gramFrobeniusSquared(_ z: [Double], rows n: Int, columns k: Int) -> Double {
    var total = 0.0
    for a in 0..<k {
        for b in 0..<k {
            var s = 0.0
            for i in 0..<n { s += z[i * k + a] * z[i * k + b] }
            total += s * s
        }
    }
    return total
}

/// Column j of a row-major matrix.
func column(_ z: [Double], columns k: Int, _ j: Int) -> [Double] {
    stride(from: j, to: z.count, by: k).map { z[$0] }
}

/// Relative difference |a - b| / max(|a|, |b|, floor).
func relativeDifference(_ a: Double, _ b: Double, floor: Double = 1e-300) -> Double {
    abs(a - b) / max(abs(a), abs(b), floor)
}
