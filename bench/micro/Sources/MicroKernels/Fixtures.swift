#if canImport(Glibc)
import Glibc
#endif

/// The inputs every benchmark shares, built once and cached on disk under
/// `$TMPDIR/eigenpair-micro/` (each benchmark runs in a process of its own).
/// Sizes: `EIGENPAIR_MICRO_SPMV_SCALE` (default 20, the roofline's graph) and
/// `EIGENPAIR_MICRO_PARSE_SCALE` (default 18, a 50 MB edge list).
public enum Fixtures {
    public static var spmvScale: Int { envInt("EIGENPAIR_MICRO_SPMV_SCALE", 20) }
    public static var parseScale: Int { envInt("EIGENPAIR_MICRO_PARSE_SCALE", 18) }
    public static let seed: UInt64 = 1

    public static var directory: String {
        let d = (getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp") + "/eigenpair-micro"
        mkdir(d, 0o755)
        return d
    }

    public enum Order: String, Sendable, CaseIterable { case random, degree }

    /// The R-MAT matrix at `scale` in `order`: `random` is the assembled order (scrambled IDs in
    /// ascending order, as Eigenpair holds it), `degree` renumbers rows and columns by descending degree.
    public static func matrix(scale: Int, order: Order) -> CSRMatrix {
        let path = "\(directory)/rmat\(scale)-seed\(seed)-\(order.rawValue).csr"
        if let m = CSRMatrix.load(path) { return m }
        let base: CSRMatrix
        if order == .random, let m = CSRMatrix.load("\(directory)/rmat\(scale)-seed\(seed)-random.csr") {
            base = m
        } else if order == .random {
            base = RMATGraph(scale: scale, seed: seed).matrix
        } else {
            base = matrix(scale: scale, order: .random)
        }
        let m = order == .random ? base : base.permuted(newIndex: base.degreeOrder())
        m.save(path)
        return m
    }

    /// The edge-list file of R-MAT at `parseScale` (written once), and its size in bytes.
    public static func edgeListFile() -> (path: String, bytes: Int) {
        let path = "\(directory)/rmat\(parseScale)-seed\(seed).tsv"
        var st = stat()
        if stat(path, &st) == 0 && st.st_size > 0 { return (path, Int(st.st_size)) }
        let tmp = path + ".partial"
        let bytes = RMATGraph(scale: parseScale, seed: seed).writeEdgeList(to: tmp)
        rename(tmp, path)
        return (path, bytes)
    }

    static func envInt(_ name: String, _ fallback: Int) -> Int {
        getenv(name).flatMap { Int(String(cString: $0)) } ?? fallback
    }
}

extension CSRMatrix {
    /// Raw dump: row count, nnz, row pointers, columns, values (native endianness).
    public func save(_ path: String) {
        let tmp = path + ".partial"
        guard let f = fopen(tmp, "w") else { return }
        var header = [rowCount, nonzeros]
        fwrite(&header, 8, 2, f)
        rowPointers.withUnsafeBytes { _ = fwrite($0.baseAddress!, 1, $0.count, f) }
        columnIndices.withUnsafeBytes { _ = fwrite($0.baseAddress!, 1, $0.count, f) }
        values.withUnsafeBytes { _ = fwrite($0.baseAddress!, 1, $0.count, f) }
        fclose(f)
        rename(tmp, path)
    }

    public static func load(_ path: String) -> CSRMatrix? {
        guard let f = fopen(path, "r") else { return nil }
        defer { fclose(f) }
        var header = [0, 0]
        guard fread(&header, 8, 2, f) == 2, header[0] >= 0, header[1] >= 0 else { return nil }
        let n = header[0], nnz = header[1]
        var p = [Int](repeating: 0, count: n + 1)
        var c = [Int32](repeating: 0, count: nnz)
        var v = [Double](repeating: 0, count: nnz)
        guard p.withUnsafeMutableBytes({ fread($0.baseAddress!, 1, $0.count, f) }) == 8 * (n + 1),
              c.withUnsafeMutableBytes({ nnz == 0 || fread($0.baseAddress!, 1, $0.count, f) == 4 * nnz }),
              v.withUnsafeMutableBytes({ nnz == 0 || fread($0.baseAddress!, 1, $0.count, f) == 8 * nnz })
        else { return nil }
        return CSRMatrix(rowPointers: p, columnIndices: c, values: v)
    }
}

/// Monotonic seconds.
public func monotonicSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + 1e-9 * Double(t.tv_nsec)
}

/// Progress lines to standard error.
public enum FileHandleStderr {
    public static func write(_ s: String) { fputs(s, stderr) }
}
