#if canImport(Glibc)
import Glibc
#endif

/// Graph500 R-MAT (a, b, c = 0.57, 0.19, 0.19, edge factor 16, node IDs scrambled by a random
/// permutation), built the way Eigenpair builds it: symmetrised, self-loops dropped, duplicates
/// merged to weight 1, node IDs that appear in an edge compacted in ascending order. The row
/// order is therefore the random order of an `eigenpair embed` run on `eigenpair generate rmat`
/// (same distribution, not the same random stream).
public struct RMATGraph: Sendable {
    /// Directed pairs as generated (loops and duplicates kept), for the edge-list file.
    public let sources: [UInt32]
    public let targets: [UInt32]
    /// The assembled symmetric matrix, rows in ascending-ID (random) order.
    public let matrix: CSRMatrix

    public init(scale: Int, edgeFactor: Int = 16, seed: UInt64) {
        precondition((1...30).contains(scale))
        let n = 1 << scale, m = edgeFactor * n
        let a = 0.57, b = 0.19, c = 0.19
        func threshold(_ p: Double) -> UInt64 { UInt64((p * 4_294_967_296).rounded()) }
        let rowZero = threshold(a + b), colZero0 = threshold(a / (a + b)), colZero1 = threshold(c / (1 - a - b))
        var rng = SplitMix64(seed: seed)
        var perm = (0..<UInt32(n)).map { $0 }
        for i in stride(from: n - 1, to: 0, by: -1) { perm.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
        var src = [UInt32](repeating: 0, count: m), dst = [UInt32](repeating: 0, count: m)
        for e in 0..<m {
            var u: UInt32 = 0, v: UInt32 = 0
            for _ in 0..<scale {
                let w = rng.next()
                let row: UInt32 = (w >> 32) >= rowZero ? 1 : 0
                let col: UInt32 = (w & 0xFFFF_FFFF) >= (row == 0 ? colZero0 : colZero1) ? 1 : 0
                u = u << 1 | row
                v = v << 1 | col
            }
            src[e] = perm[Int(u)]
            dst[e] = perm[Int(v)]
        }
        var keys: [UInt64] = []
        keys.reserveCapacity(2 * m)
        for e in 0..<m where src[e] != dst[e] {
            keys.append(UInt64(src[e]) << 32 | UInt64(dst[e]))
            keys.append(UInt64(dst[e]) << 32 | UInt64(src[e]))
        }
        keys.sort()
        var unique: [UInt64] = []
        unique.reserveCapacity(keys.count)
        for k in keys where unique.last != k { unique.append(k) }
        keys = []
        var compact = [Int32](repeating: -1, count: n)
        var rows = 0
        for k in unique where compact[Int(k >> 32)] < 0 { compact[Int(k >> 32)] = Int32(rows); rows += 1 }
        var pointers = [Int](repeating: 0, count: rows + 1)
        var columns = [Int32](repeating: 0, count: unique.count)
        for (q, k) in unique.enumerated() {
            pointers[Int(compact[Int(k >> 32)]) + 1] += 1
            columns[q] = compact[Int(k & 0xFFFF_FFFF)]
        }
        for i in 0..<rows { pointers[i + 1] += pointers[i] }
        sources = src
        targets = dst
        matrix = CSRMatrix(rowPointers: pointers, columnIndices: columns,
                           values: [Double](repeating: 1, count: unique.count))
    }

    /// Writes the directed pairs as an `u<TAB>v` edge list (the format of `eigenpair generate`).
    /// Returns the file's size in bytes.
    @discardableResult
    public func writeEdgeList(to path: String) -> Int {
        guard let f = fopen(path, "w") else { fatalError("cannot create \(path)") }
        defer { fclose(f) }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20)
        var total = 0
        func digits(_ x: UInt32) {
            var x = x
            var tmp: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            var k = 0
            withUnsafeMutableBytes(of: &tmp) { t in
                repeat { t[k] = UInt8(48 + x % 10); x /= 10; k += 1 } while x > 0
                while k > 0 { k -= 1; buffer.append(t[k]) }
            }
        }
        for e in 0..<sources.count {
            digits(sources[e]); buffer.append(9); digits(targets[e]); buffer.append(10)
            if buffer.count >= 1 << 20 - 32 {
                total += fwrite(buffer, 1, buffer.count, f)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        total += fwrite(buffer, 1, buffer.count, f)
        return total
    }
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
