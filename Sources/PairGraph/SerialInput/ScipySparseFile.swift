import NpyFormat

/// A SciPy sparse matrix saved by `scipy.sparse.save_npz`: a zip of .npy members `format`
/// (b'csr', b'csc' or b'coo'), `shape`, `data`, and `indices` + `indptr` (csr, csc) or `row` +
/// `col` (coo). Node i is row i, and the matrix order is the node count, so rows without entries
/// are isolated nodes, as in a Matrix Market file. Every stored entry (i, j, w) is an edge, as a
/// Matrix Market `general` entry is: both triangles of a symmetric matrix give the same pair
/// twice (merged by the merge rule), entries on the diagonal are self-loops (dropped), explicit
/// zeros are dropped and counted.
enum ScipySparseFile {
    static func read(_ archive: ZipArchive) throws(InputError) -> EdgeList {
        let path = archive.path
        func fail(_ reason: String) -> InputError { InputError(file: path, reason: reason) }
        func member(_ name: String) throws(InputError) -> NpyArray {
            guard let bytes = try archive.contents(of: name + ".npy") else {
                throw fail("no member '\(name)': not a scipy.sparse.save_npz file")
            }
            do {
                return try NpyArray.decode(bytes, file: name + ".npy")
            } catch {
                throw fail("member \(error)")
            }
        }
        guard let formatBytes = try archive.contents(of: "format.npy") else {
            throw fail("no member 'format': not a scipy.sparse.save_npz file (an edge array belongs in an .npy file)")
        }
        let format = formatName(formatBytes)
        guard ["csr", "csc", "coo"].contains(format) else {
            throw fail("sparse format '\(format)' is not read: save the matrix as csr, csc or coo (A.tocsr())")
        }
        let shape = try member("shape")
        guard shape.isInteger, shape.integers.count == 2 else { throw fail("member shape.npy: expected 2 integers") }
        let n = Int(shape.integers[0])
        guard n == Int(shape.integers[1]) else {
            throw fail("the matrix is \(shape.integers[0]) x \(shape.integers[1]): an adjacency matrix must be square")
        }
        let data = try member("data")
        var edges = EdgeList(declaredNodeCount: n)
        var weights: [Double] = []
        edges.sources.reserveCapacity(data.doubles.count)
        edges.targets.reserveCapacity(data.doubles.count)
        weights.reserveCapacity(data.doubles.count)
        func add(_ i: Int64, _ j: Int64, _ entry: Int) throws(InputError) {
            guard 0 <= i, i < n, 0 <= j, j < n else {
                throw fail("entry \(entry): index (\(i), \(j)) is outside the \(n) x \(n) matrix")
            }
            let w = data.doubles[entry]
            if let reason = FieldMessage.invalidWeight(w, token: "\(w)") { throw fail("entry \(entry): \(reason)") }
            if w == 0 { edges.zeroWeightEdges += 1; return }
            edges.sources.append(UInt64(i))
            edges.targets.append(UInt64(j))
            weights.append(w)
        }
        if format == "coo" {
            let row = try indexMember(member("row"), "row", count: data.doubles.count, fail)
            let col = try indexMember(member("col"), "col", count: data.doubles.count, fail)
            for k in 0..<row.count { try add(row[k], col[k], k) }
        } else {
            let indices = try indexMember(member("indices"), "indices", count: data.doubles.count, fail)
            let indptr = try indexMember(member("indptr"), "indptr", count: n + 1, fail)
            guard indptr.first == 0, indptr.last == Int64(indices.count) else {
                throw fail("member indptr.npy does not span the \(indices.count) stored entries")
            }
            for outer in 0..<n {
                guard indptr[outer] <= indptr[outer + 1] else { throw fail("member indptr.npy decreases at \(outer)") }
                for k in Int(indptr[outer])..<Int(indptr[outer + 1]) {
                    // csr: outer is the row; csc: outer is the column.
                    if format == "csr" { try add(Int64(outer), indices[k], k) } else { try add(indices[k], Int64(outer), k) }
                }
            }
        }
        edges.weights = weights
        return edges
    }

    /// An integer index array of `count` entries.
    private static func indexMember(_ array: NpyArray, _ name: String, count: Int,
                                    _ fail: (String) -> InputError) throws(InputError) -> [Int64] {
        guard array.isInteger else { throw fail("member \(name).npy holds \(array.header.dtype), expected integers") }
        guard array.integers.count == count else {
            throw fail("member \(name).npy has \(array.integers.count) entries, expected \(count)")
        }
        return array.integers
    }

    /// The text of the 0-d bytes (`|S3`) or unicode (`<U3`) array in the `format` member: its data
    /// follows the header, and dropping the NUL bytes (UTF-32 padding) leaves ASCII either way.
    static func formatName(_ bytes: [UInt8]) -> String {
        guard bytes.count >= 10, bytes[0] == 0x93 else { return "?" }
        let headerEnd = bytes[6] == 1 ? 10 + (Int(bytes[8]) | Int(bytes[9]) << 8)
            : 12 + (Int(bytes[8]) | Int(bytes[9]) << 8 | (bytes.count > 11 ? Int(bytes[10]) << 16 | Int(bytes[11]) << 24 : 0))
        guard headerEnd <= bytes.count else { return "?" }
        let text = bytes[headerEnd...].filter { $0 != 0 }
        return String(decoding: text.prefix(16), as: UTF8.self)
    }
}
