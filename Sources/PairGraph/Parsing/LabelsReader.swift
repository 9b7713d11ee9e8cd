import NpyFormat

/// Reading labels files. `NodeLabels` itself (ids + class per id) is declared with the generators
/// in Generators/GeneratedGraph.swift; this adds the file reader and the class names a file's
/// labels were numbered from. Classes are numbered by sorted name (numerically when every name is
/// a number), so the numbering does not depend on the order of lines in the file.
extension NodeLabels {
    /// Reads an integer `.npy` (1-D; row i is the label of node ID i) or a text file of `id label`
    /// lines (blank- or comma-separated, `#`/`%` comments; a label is any token). A node listed
    /// twice with the same label is accepted, with different labels it is an error.
    public static func read(path: String) throws -> NodeLabels {
        try readTyped(path: path).labels
    }

    /// As `read`, plus the class names: `labels.labels[k]` indexes `classNames`.
    public static func readWithClassNames(path: String) throws -> (labels: NodeLabels, classNames: [String]) {
        try readTyped(path: path)
    }

    static func readTyped(path: String) throws(InputError) -> (labels: NodeLabels, classNames: [String]) {
        let head = try ChunkedLineReader.peek(path: path, count: 6)
        if head == [0x93] + Array("NUMPY".utf8) || GraphReader.fileExtension(of: path) == "npy" {
            return try readNpy(path: path)
        }
        return try readText(path: path)
    }

    private static func readNpy(path: String) throws(InputError) -> (labels: NodeLabels, classNames: [String]) {
        let array: NpyArray
        do {
            array = try NpyArray.read(path: path)
        } catch let error as NpyError {
            throw InputError(file: path, reason: reason(for: error))
        } catch {
            throw InputError(file: path, reason: "\(error)")
        }
        guard array.isInteger else {
            throw InputError(file: path, reason: "labels .npy must have an integer dtype, found \(array.header.dtype.rawValue)")
        }
        let shape = array.header.shape
        guard shape.count == 1 || (shape.count == 2 && shape[1] == 1) else {
            throw InputError(file: path, reason: "labels .npy must be 1-D, found shape \(shape)")
        }
        let values = array.integers
        let classes = Array(Set(values)).sorted()
        let classIndex = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        return (NodeLabels(ids: values.indices.map { UInt64($0) }, labels: values.map { classIndex[$0]! }),
                classes.map(String.init))
    }

    /// NpyError's descriptions start with the file name, which InputError adds itself (also for
    /// graph .npy files).
    static func reason(for error: NpyError) -> String {
        switch error {
        case .notNpy: return "not a NumPy .npy file (bad magic)"
        case .unsupported(_, let why): return "unsupported .npy array: \(why)"
        case .truncated: return ".npy file is shorter than its header says"
        case .io(_, let why): return why
        }
    }

    private static func readText(path: String) throws(InputError) -> (labels: NodeLabels, classNames: [String]) {
        var ids: [UInt64] = []
        var names: [String] = []
        var firstSeen: [UInt64: (name: String, line: Int)] = [:]
        try ChunkedLineReader.forEachLine(path: path) { (line, location) throws(InputError) in
            guard let (id, name) = try labelLine(&line, at: location, path: path) else { return }
            if let previous = firstSeen[id] {
                guard previous.name == name else {
                    throw InputError(file: path, line: location.number,
                                     reason: "node \(id) has label '\(name)' here but '\(previous.name)' on line \(previous.line)")
                }
                return
            }
            firstSeen[id] = (name, location.number)
            ids.append(id)
            names.append(name)
        }
        let classNames = sortedClassNames(Set(names))
        let classIndex = Dictionary(uniqueKeysWithValues: classNames.enumerated().map { ($1, $0) })
        return (NodeLabels(ids: ids, labels: names.map { classIndex[$0]! }), classNames)
    }

    /// Numeric labels sort by value ("2" before "10"); otherwise by bytes, so the order is the
    /// same on every machine and locale.
    /// One line of a text labels file: nil for a blank or comment line, else its node ID and label.
    /// Shared by the whole-file reader and the parallel one (`OwnedLabels`).
    static func labelLine(_ line: inout ByteScanner, at location: LineLocation,
                          path: String) throws(InputError) -> (id: UInt64, name: String)? {
        line.skipBlanks()
        if line.isAtEnd || line.current == ASCII.hash || line.current == ASCII.percent { return nil }
        let fail = { (reason: String) in InputError(file: path, line: location.number, reason: reason) }
        let found = line.countFields()
        guard found == 2 else { throw fail("expected 2 fields (id label), found \(found)") }
        let start = line.position
        let id: UInt64
        do throws(ScanError) {
            id = try line.readUInt64()
            _ = try line.advanceToNextField()
        } catch {
            throw fail(FieldMessage.nodeID(error, token: line.token(from: start)))
        }
        return (id, line.token(from: line.position, limit: .max))
    }

    static func sortedClassNames(_ names: Set<String>) -> [String] {
        if names.allSatisfy({ Double($0)?.isFinite == true }) {
            return names.sorted { a, b in
                let x = Double(a)!, y = Double(b)!
                return x != y ? x < y : Array(a.utf8).lexicographicallyPrecedes(Array(b.utf8))
            }
        }
        return names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }
}
