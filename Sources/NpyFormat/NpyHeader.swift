/// The NumPy `.npy` format, version 1.0: magic, a little-endian header length, a Python dict literal
/// padded with spaces to a 64-byte boundary, then the raw array in C order.
public enum NpyDType: String, Sendable {
    case float64 = "<f8"
    case float32 = "<f4"
    case int64 = "<i8"
    case int32 = "<i4"
    /// Only for node IDs (nodes.npy when an ID is 2^63 or more, which int64 cannot hold).
    case uint64 = "<u8"

    public var byteSize: Int {
        switch self {
        case .float64, .int64, .uint64: return 8
        case .float32, .int32: return 4
        }
    }
}

public struct NpyHeader: Equatable, Sendable {
    public var dtype: NpyDType
    public var shape: [Int]
    public var fortranOrder: Bool

    public init(dtype: NpyDType, shape: [Int], fortranOrder: Bool = false) {
        self.dtype = dtype
        self.shape = shape
        self.fortranOrder = fortranOrder
    }

    /// The product of the shape. Headers from `parse` are checked so that this and the byte size
    /// cannot overflow; a header built in code must have a shape that fits.
    public var elementCount: Int { shape.reduce(1, *) }

    /// Bytes of data the header declares, or nil when the shape's product times the element
    /// size does not fit in an Int: a hostile header must not trap a reader. Zero extents are
    /// left out of the check, so that no partial product (a row's length) can overflow either.
    public var checkedByteCount: Int? {
        var nonzero = dtype.byteSize
        for d in shape where d != 0 {
            let (product, overflow) = nonzero.multipliedReportingOverflow(by: d)
            if overflow { return nil }
            nonzero = product
        }
        return shape.contains(0) ? 0 : nonzero
    }

    /// The full header bytes (magic through padding), so that data starts at a multiple of 64.
    public func encoded() -> [UInt8] {
        let shapeText: String
        switch shape.count {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(shape[0]),)"
        default: shapeText = "(" + shape.map(String.init).joined(separator: ", ") + ")"
        }
        var dict = "{'descr': '\(dtype.rawValue)', 'fortran_order': \(fortranOrder ? "True" : "False"), 'shape': \(shapeText), }"
        let prefix = 10
        let total = (prefix + dict.utf8.count + 1 + 63) / 64 * 64
        dict += String(repeating: " ", count: total - prefix - dict.utf8.count - 1) + "\n"
        var out: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
        let len = UInt16(dict.utf8.count)
        out += [UInt8(len & 0xff), UInt8(len >> 8)]
        out += Array(dict.utf8)
        return out
    }
}

public enum NpyError: Error, CustomStringConvertible, Sendable, Equatable {
    case notNpy(String)
    case unsupported(String, String)
    case truncated(String)
    case io(String, String)

    public var description: String {
        switch self {
        case .notNpy(let f): return "\(f): not a NumPy .npy file (bad magic)"
        case .unsupported(let f, let why): return "\(f): unsupported .npy array: \(why)"
        case .truncated(let f): return "\(f): .npy file is shorter than its header says"
        case .io(let f, let why): return "\(f): \(why)"
        }
    }

    /// The description without the file name, for error types that add the name themselves.
    public var reason: String {
        switch self {
        case .notNpy: return "not a NumPy .npy file (bad magic)"
        case .unsupported(_, let why): return "unsupported .npy array: \(why)"
        case .truncated: return ".npy file is shorter than its header says"
        case .io(_, let why): return why
        }
    }
}

extension NpyHeader {
    /// Parses the header at the start of `bytes`; returns it and the data offset.
    public static func parse(_ bytes: [UInt8], file: String) throws -> (NpyHeader, Int) {
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1..<6]) == Array("NUMPY".utf8) else {
            throw NpyError.notNpy(file)
        }
        let major = bytes[6]
        var headerLength: Int
        var start: Int
        if major == 1 {
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            start = 10
        } else {
            guard bytes.count >= 12 else { throw NpyError.truncated(file) }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            start = 12
        }
        guard bytes.count >= start + headerLength else { throw NpyError.truncated(file) }
        let text = String(decoding: bytes[start..<(start + headerLength)], as: UTF8.self)
        guard let descr = value(of: "descr", in: text)?.trimmingQuotes() else {
            throw NpyError.unsupported(file, "header has no 'descr'")
        }
        let normalized = descr.replacingOccurrences(of: "=", with: "<").replacingOccurrences(of: "|", with: "<")
        guard let dtype = NpyDType(rawValue: normalized) else {
            throw NpyError.unsupported(file, "dtype \(TerminalSafeText.escaping(descr)) (expected float64, float32, int64, int32 or uint64, little-endian)")
        }
        let fortran = value(of: "fortran_order", in: text)?.hasPrefix("True") ?? false
        guard let shapeText = value(of: "shape", in: text),
              let open = shapeText.firstIndex(of: "("), let close = shapeText[open...].firstIndex(of: ")") else {
            throw NpyError.unsupported(file, "header has no 'shape'")
        }
        let dims = shapeText[shapeText.index(after: open)..<close]
            .split(separator: ",").map { $0.trimmingCharacters(in: " ") }.filter { !$0.isEmpty }
        var shape: [Int] = []
        for d in dims {
            guard let v = Int(d), v >= 0 else {
                throw NpyError.unsupported(file, "shape entry '\(TerminalSafeText.escaping(String(d)))'")
            }
            shape.append(v)
        }
        let header = NpyHeader(dtype: dtype, shape: shape, fortranOrder: fortran)
        // Checked here once, so that every reader can multiply the shape without trapping.
        guard let bytes = header.checkedByteCount, !(start + headerLength).addingReportingOverflow(bytes).overflow else {
            throw NpyError.unsupported(file, "shape \(shape) holds more bytes than any file can")
        }
        return (header, start + headerLength)
    }

    private static func value(of key: String, in text: String) -> String? {
        guard let r = text.range(of: "'\(key)'") ?? text.range(of: "\"\(key)\"") else { return nil }
        var rest = text[r.upperBound...].drop { $0 == " " || $0 == ":" }
        if rest.first == "(" {
            guard let close = rest.firstIndex(of: ")") else { return nil }
            return String(rest[...close])
        }
        if let end = rest.firstIndex(of: ",") { rest = rest[..<end] }
        return String(rest).trimmingCharacters(in: " ")
    }
}

extension String {
    fileprivate func trimmingQuotes() -> String {
        trimmingCharacters(in: "'\" ")
    }

    fileprivate func trimmingCharacters(in set: String) -> String {
        let chars = Set(set)
        var s = Substring(self)
        while let f = s.first, chars.contains(f) { s = s.dropFirst() }
        while let l = s.last, chars.contains(l) { s = s.dropLast() }
        return String(s)
    }

    fileprivate func replacingOccurrences(of a: String, with b: String) -> String {
        split(separator: Character(a), omittingEmptySubsequences: false).joined(separator: b)
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String {
        String(self).trimmingCharacters(in: set)
    }
}
