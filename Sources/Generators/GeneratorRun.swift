import NpyFormat
import PairGraph

/// A generator's input or output could not be used (bad data, a file that exists without
/// --force or cannot be written): `generate` prints `message` once and exits with status 2.
public struct GeneratorFailure: Error {
    public let message: String
}

/// What `eigenpair generate` does once its options are parsed: refuse existing files, generate,
/// write the edge list (and the labels) with a header naming the generator and its parameters.
public enum GeneratorRun {
    /// Not collective. `labels`: where the labels go, for a generator that has them.
    /// - Returns: the summary line for stdout.
    /// - Throws: `GeneratorFailure`.
    public static func write(out: String, labels labelsPath: String?, force: Bool,
                             _ generate: () throws -> GeneratedGraph) throws -> String {
        do {
            // Refuse before generating anything (the writers check again when they move the file).
            try EdgeListWriter.checkCanCreate(out, force: force)
            if let labelsPath { try EdgeListWriter.checkCanCreate(labelsPath, force: force) }

            let graph = try generate()
            let header = ["eigenpair generate \(graph.description)",
                          "nodes=\(graph.nodeCount) (ids 0..\(max(graph.nodeCount - 1, 0)))"]
            try EdgeListWriter.write(graph.edges, to: out, header: header, force: force)
            var summary = "\(graph.nodeCount) nodes, \(graph.edges.count) edges written to \(out)"
            if let labelsPath, let labels = graph.labels {
                try EdgeListWriter.writeLabels(labels, to: labelsPath, header: header, force: force)
                summary += ", labels to \(labelsPath)"
            }
            return summary
        } catch let error as InputError {
            throw GeneratorFailure(message: error.description)
        } catch let error as NpyError {
            throw GeneratorFailure(message: error.description)
        }
    }
}

extension KNNGraph {
    /// Not collective. The kNN graph of the rows of the .npy file `path`.
    public static func generate(featuresFile path: String, k: Int, gaussian: Bool, sigma: Double?) throws -> GeneratedGraph {
        let x = try NpyArray.read(path: path)
        return try generate(features: x.doubles, rows: x.rows, columns: x.columns, k: k, gaussian: gaussian, sigma: sigma,
                            source: path)
    }

    /// Rows of an .npy file from its header alone; nil if the header cannot be read.
    public static func rowCount(ofFeatures path: String) -> Int? {
        // NpyRowReader opens without blocking (a FIFO here must not hang) and checks the header.
        (try? NpyRowReader(path: path))?.rows
    }
}
