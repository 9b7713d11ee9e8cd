import Foundation

/// A whole array read from an .npy file, converted to Double or Int64.
public struct NpyArray: Sendable {
    public var header: NpyHeader
    public var doubles: [Double]
    public var integers: [Int64]

    public var rows: Int { header.shape.first ?? 1 }
    public var columns: Int { header.shape.count >= 2 ? header.shape[1...].reduce(1, *) : 1 }
    public var isInteger: Bool { header.dtype == .int64 || header.dtype == .int32 }

    /// Reads any supported dtype; values are available as `doubles` (always) and `integers`
    /// (integer dtypes only). Fortran-order arrays are transposed into C order.
    public static func read(path: String) throws -> NpyArray {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw NpyError.io(path, "cannot read file")
        }
        return try decode([UInt8](data), file: path)
    }

    /// `read(path:)` for an .npy file already in memory (a member of an .npz archive); `file`
    /// names it in errors.
    public static func decode(_ bytes: [UInt8], file path: String) throws -> NpyArray {
        let (header, offset) = try NpyHeader.parse(bytes, file: path)
        let count = header.elementCount
        guard bytes.count >= offset + count * header.dtype.byteSize else { throw NpyError.truncated(path) }
        var doubles = [Double](repeating: 0, count: count)
        var integers: [Int64] = []
        bytes.withUnsafeBytes { raw in
            let base = raw.baseAddress! + offset
            switch header.dtype {
            case .float64:
                for i in 0..<count { doubles[i] = Double(bitPattern: UInt64(littleEndian: base.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))) }
            case .float32:
                for i in 0..<count { doubles[i] = Double(Float(bitPattern: UInt32(littleEndian: base.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))) }
            case .int64:
                integers = (0..<count).map { Int64(littleEndian: base.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self)) }
                for i in 0..<count { doubles[i] = Double(integers[i]) }
            case .int32:
                integers = (0..<count).map { Int64(Int32(littleEndian: base.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self))) }
                for i in 0..<count { doubles[i] = Double(integers[i]) }
            }
        }
        var array = NpyArray(header: header, doubles: doubles, integers: integers)
        if header.fortranOrder && header.shape.count == 2 { array.transposeFromFortran() }
        return array
    }

    private mutating func transposeFromFortran() {
        let r = header.shape[0], c = header.shape[1]
        var d = [Double](repeating: 0, count: r * c)
        for i in 0..<r { for j in 0..<c { d[i * c + j] = doubles[j * r + i] } }
        doubles = d
        if !integers.isEmpty {
            var n = [Int64](repeating: 0, count: r * c)
            for i in 0..<r { for j in 0..<c { n[i * c + j] = integers[j * r + i] } }
            integers = n
        }
        header.fortranOrder = false
    }
}

/// Encodes arrays as .npy bytes (C order, little-endian).
public enum NpyEncoder {
    public static func encode(_ values: [Double], shape: [Int]) -> [UInt8] {
        precondition(shape.reduce(1, *) == values.count, "shape does not match element count")
        var out = NpyHeader(dtype: .float64, shape: shape).encoded()
        out.reserveCapacity(out.count + values.count * 8)
        values.withUnsafeBytes { out.append(contentsOf: $0) }
        return out
    }

    public static func encode(_ values: [Int64], shape: [Int]) -> [UInt8] {
        precondition(shape.reduce(1, *) == values.count, "shape does not match element count")
        var out = NpyHeader(dtype: .int64, shape: shape).encoded()
        out.reserveCapacity(out.count + values.count * 8)
        values.withUnsafeBytes { out.append(contentsOf: $0) }
        return out
    }
}
