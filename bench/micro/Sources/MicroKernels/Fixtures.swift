#if canImport(Glibc)
import Glibc
#endif
import Distributed
import Generators
import PairGraph

/// The inputs every benchmark shares, built once with the main package's own generator and
/// assembly and cached on disk under `$TMPDIR/eigenpair-micro/` (each benchmark runs in a process
/// of its own). Sizes: `EIGENPAIR_MICRO_SPMV_SCALE` (default 20, the roofline's graph) and
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

    /// The graph of `eigenpair generate rmat --scale S --seed 1` as Eigenpair assembles it
    /// (`RMAT.generate`, `DistributedGraphBuilder.assemble` on one rank: symmetrised, loops dropped,
    /// IDs compacted ascending), held as the one block of a 1-rank run: rows in the scrambled-ID
    /// ("random") order.
    public static func block(scale: Int) -> DistributedRowBlock {
        let path = "\(directory)/rmat\(scale)-seed\(seed)-v2.csr"
        if let b = load(path) { return b }
        do {
            var edges = try RMAT.generate(scale: scale, seed: seed).edges
            // One rank (MPI_COMM_SELF): the block holds every row, and its columns are the global ones.
            let b = try DistributedGraphBuilder.assemble(&edges, merge: .max, file: "rmat",
                                                         communicator: MPIEnvironment().single).block
            save(b, path)
            return b
        } catch {
            fatalError("R-MAT scale \(scale): \(error)")
        }
    }

    /// The same graph as `block(scale:)` as the 1-rank `DistributedGraph` a plain run holds (its
    /// default `SpMVOrder`, empty halo), for the products that go through the graph: assembled
    /// afresh (seconds), not cached.
    public static func graph(scale: Int) -> DistributedGraph {
        do {
            var edges = try RMAT.generate(scale: scale, seed: seed).edges
            return try DistributedGraphBuilder.assemble(&edges, merge: .max, file: "rmat", communicator: MPIEnvironment().single)
        } catch {
            fatalError("R-MAT scale \(scale): \(error)")
        }
    }

    /// The edge-list file of R-MAT at `parseScale` (written once), and its size in bytes.
    public static func edgeListFile() -> (path: String, bytes: Int) {
        let path = "\(directory)/rmat\(parseScale)-seed\(seed).tsv"
        var st = stat()
        if stat(path, &st) == 0 && st.st_size > 0 { return (path, Int(st.st_size)) }
        do {
            let bytes = try EdgeListWriter.write(RMAT.generate(scale: parseScale, seed: seed).edges, to: path, force: true)
            return (path, bytes)
        } catch {
            fatalError("R-MAT scale \(parseScale) edge list: \(error)")
        }
    }

    static func envInt(_ name: String, _ fallback: Int) -> Int {
        getenv(name).flatMap { Int(String(cString: $0)) } ?? fallback
    }

    /// Raw dump: row count, nnz, row pointers, columns, values (native endianness).
    static func save(_ b: DistributedRowBlock, _ path: String) {
        let tmp = path + ".partial"
        guard let f = fopen(tmp, "w") else { return }
        var header = [b.rowCount, b.nonzeros]
        fwrite(&header, 8, 2, f)
        b.rowPointers.withUnsafeBytes { _ = fwrite($0.baseAddress!, 1, $0.count, f) }
        b.columnIndices.withUnsafeBytes { _ = fwrite($0.baseAddress!, 1, $0.count, f) }
        b.values.withUnsafeBytes { _ = fwrite($0.baseAddress!, 1, $0.count, f) }
        fclose(f)
        rename(tmp, path)
    }

    static func load(_ path: String) -> DistributedRowBlock? {
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
        return DistributedRowBlock(rowPointers: p, columnIndices: c, values: v, columnCount: n)
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

/// Reads a whole file into memory (the ceiling for a parser: page cache to user memory).
public func readWholeFile(_ path: String, into buffer: inout [UInt8]) -> Int {
    guard let f = fopen(path, "r") else { fatalError("cannot open \(path)") }
    defer { fclose(f) }
    var total = 0
    buffer.withUnsafeMutableBytes { b in
        while true {
            let got = fread(b.baseAddress!, 1, b.count, f)
            if got == 0 { break }
            total += got
        }
    }
    return total
}
