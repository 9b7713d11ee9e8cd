import DenseAlgebra
import Distributed
import Foundation
import NpyFormat
import PairGraph

/// The feature matrix X of `linear`, read by rows: every rank opens the .npy (header only) and
/// later reads just the rows of the nodes it owns. Row i is node ID i, unless an int .npy of IDs
/// (`--nodes`, one per row of X) says otherwise; that file is small (8 bytes per row) and every
/// rank reads it whole.
final class FeatureSource {
    let path: String
    let reader: NpyRowReader
    let idsPath: String?
    /// The ID of each row of X (only with --nodes).
    private let ids: [UInt64]?

    var rows: Int { reader.rows }
    var columns: Int { reader.columns }

    /// Not collective; every rank reads the same files, so every rank throws the same error.
    init(path: String, nodes: String?) throws {
        self.path = path
        let reader: NpyRowReader
        do {
            reader = try NpyRowReader(path: path)
        } catch let error as NpyError {
            throw InputError(file: path, reason: error.reason)
        }
        let h = reader.header
        guard h.dtype == .float64 || h.dtype == .float32 else {
            throw InputError(file: path, reason: "features must be float64 or float32, found dtype \(h.dtype.rawValue)")
        }
        guard h.shape.count == 2 || h.shape.count == 1 else {
            throw InputError(file: path, reason: "features must be a 2-D array (rows, P), found shape \(h.shape)")
        }
        guard reader.rows > 0, reader.columns > 0 else {
            throw InputError(file: path, reason: "features array is empty (shape \(h.shape))")
        }
        self.reader = reader
        idsPath = nodes
        if let nodes {
            let array: NpyArray
            do {
                array = try NpyArray.read(path: nodes)
            } catch let error as NpyError {
                throw InputError(file: nodes, reason: error.reason)
            }
            guard array.isInteger else {
                throw InputError(file: nodes, reason: "node IDs must be int64 or uint64, found dtype \(array.header.dtype.rawValue)")
            }
            guard array.header.shape.count == 1 || (array.header.shape.count == 2 && array.header.shape[1] == 1) else {
                throw InputError(file: nodes, reason: "node IDs must be 1-D, found shape \(array.header.shape)")
            }
            guard array.integers.count == reader.rows else {
                throw InputError(file: nodes, reason: "has \(array.integers.count) node IDs but \(path) has \(reader.rows) rows")
            }
            guard let unsigned = array.nodeIDs else {
                let bad = array.integers.firstIndex { $0 < 0 } ?? 0
                throw InputError(file: nodes, reason: "negative node ID \(array.integers[bad]) at index \(bad)")
            }
            ids = unsigned
        } else {
            ids = nil
        }
    }

    /// Not collective. The rows of X of `nodeIDs` (ascending), as a `nodeIDs.count` x P matrix.
    /// - Throws: `InputError` naming the first node without a row, a node listed twice in the
    ///   IDs file, or a non-finite feature.
    func rows(of nodeIDs: [UInt64]) throws -> DenseMatrix {
        var fileRows = [Int](repeating: -1, count: nodeIDs.count)
        if let ids {
            // Binary search of each file row's ID among the (ascending) owned IDs.
            for (row, id) in ids.enumerated() {
                let key = id
                var lo = 0, hi = nodeIDs.count
                while lo < hi { let m = (lo + hi) / 2; if nodeIDs[m] < key { lo = m + 1 } else { hi = m } }
                guard lo < nodeIDs.count, nodeIDs[lo] == key else { continue }
                if fileRows[lo] >= 0 {
                    throw InputError(file: idsPath!, reason: "node ID \(key) is listed twice (indices \(fileRows[lo]) and \(row))")
                }
                fileRows[lo] = row
            }
            if let missing = fileRows.firstIndex(of: -1) {
                throw InputError(file: idsPath!, reason: "node \(nodeIDs[missing]) of the graph has no row in \(path) (no such ID among its \(rows) entries)")
            }
        } else {
            for (i, id) in nodeIDs.enumerated() {
                guard id < UInt64(rows) else {
                    throw InputError(file: path, reason: "node \(id) of the graph has no row (the array has \(rows) rows, for node IDs 0..<\(rows); use --nodes to map rows to IDs)")
                }
                fileRows[i] = Int(id)
            }
        }
        let values: [Double]
        do {
            values = try reader.readRows(fileRows)
        } catch let error as NpyError {
            throw InputError(file: path, reason: error.reason)
        }
        let p = columns
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw InputError(file: path, reason: "row \(fileRows[bad / p]) (node \(nodeIDs[bad / p])) has a non-finite value \(values[bad]) in column \(bad % p)")
        }
        return DenseMatrix(rows: nodeIDs.count, columns: p, rowMajor: values)
    }
}

/// Collective. Runs `body` on every rank; if it failed anywhere, every rank throws the error of
/// the lowest failing rank (as a `JobFailure` with its message and exit status), else returns.
func agreed<T>(_ communicator: Communicator, _ body: () throws -> T) throws -> T {
    try communicator.agree { () throws(JobFailure) in
        do { return try body() } catch { throw JobFailure(classifying: error) }
    }
}
