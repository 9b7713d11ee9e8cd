import CMPI
import Foundation

extension Communicator {
    /// Collective. Rank `root`'s bytes on every rank (the others' input is ignored): the count
    /// first, then the bytes. The only broadcast: values and agreed errors travel through it as
    /// JSON (`broadcast(_:root:)` below), so `root` may be any rank.
    public func broadcast(_ bytes: inout [UInt8], root: Int = 0) {
        precondition(root >= 0 && root < size, "root \(root) outside 0..<\(size)")
        var count = Int64(bytes.count)
        let countRC = MPI_Bcast(&count, 1, cmpi_int64(), Int32(root), handle)
        precondition(countRC == cmpi_success(), "MPI_Bcast failed (\(countRC))")
        precondition(count <= Int64(Int32.max), "broadcast of \(count) bytes does not fit an MPI count")
        if rank != root { bytes = [UInt8](repeating: 0, count: Int(count)) }
        // One spare byte, so the base address is never nil.
        bytes.append(0)
        bytes.withUnsafeMutableBufferPointer { buf in
            let rc = MPI_Bcast(buf.baseAddress, Int32(count), cmpi_byte(), Int32(root), handle)
            precondition(rc == cmpi_success(), "MPI_Bcast failed (\(rc))")
        }
        bytes.removeLast()
    }

    /// Collective. Rank `root`'s `value` on every rank (the others pass nil), JSON-encoded there;
    /// non-finite numbers cross as strings, since JSON has none.
    /// - Precondition: `value` is not nil on `root`.
    public func broadcast<T: Codable>(_ value: T?, root: Int = 0) -> T {
        var bytes: [UInt8] = []
        if rank == root {
            guard let value else { preconditionFailure("the root of a broadcast passed no value") }
            bytes = Array(BroadcastCoding.encode(value))
        }
        broadcast(&bytes, root: root)
        return BroadcastCoding.decode(T.self, from: Data(bytes))
    }
}

private enum BroadcastCoding {
    static let floats = (positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")

    static func encode<T: Encodable>(_ value: T) -> Data {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: floats.positiveInfinity,
                                                                      negativeInfinity: floats.negativeInfinity,
                                                                      nan: floats.nan)
        do { return try encoder.encode(value) } catch { preconditionFailure("cannot encode \(T.self): \(error)") }
    }

    static func decode<T: Decodable>(_ type: T.Type, from data: Data) -> T {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: floats.positiveInfinity,
                                                                        negativeInfinity: floats.negativeInfinity,
                                                                        nan: floats.nan)
        do { return try decoder.decode(type, from: data) } catch { preconditionFailure("cannot decode \(T.self): \(error)") }
    }
}
