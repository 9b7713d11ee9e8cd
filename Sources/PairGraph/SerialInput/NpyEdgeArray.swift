import NpyFormat

/// An edge array saved with `numpy.save`: shape (m, 2) of integers (`u v` per row), or (m, 3)
/// with the weight in the last column. An (m, 3) array of floats (what `np.column_stack` of
/// integer endpoints and float weights gives) is accepted when its endpoint columns hold whole
/// non-negative numbers below 2^53. Node IDs are compacted as an edge list's are.
enum NpyEdgeArray {
    static func read(path: String) throws(InputError) -> EdgeList {
        func fail(_ reason: String) -> InputError { InputError(file: path, reason: reason) }
        let array: NpyArray
        do {
            array = try NpyArray.read(path: path)
        } catch let error as NpyError {
            throw fail(NodeLabels.reason(for: error))
        } catch {
            throw fail("\(error)")
        }
        let shape = array.header.shape
        guard shape.count == 2, shape[1] == 2 || shape[1] == 3 else {
            let shown = "(" + shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? ",)" : ")")
            throw fail("expected an (m, 2) or (m, 3) edge array, found shape \(shown)")
        }
        let m = shape[0], columns = shape[1]
        if columns == 2 && !array.isInteger {
            throw fail("an (m, 2) edge array must hold integers, found \(array.header.dtype); weights go in a third column")
        }
        var edges = EdgeList()
        edges.sources.reserveCapacity(m)
        edges.targets.reserveCapacity(m)
        var weights: [Double] = []
        if columns == 3 { weights.reserveCapacity(m) }
        func node(_ row: Int, _ column: Int) throws(InputError) -> UInt64 {
            let at = row * columns + column
            if array.isInteger {
                let id = array.integers[at]
                guard id >= 0 else { throw fail("row \(row): negative node ID \(id)") }
                return UInt64(id)
            }
            let value = array.doubles[at]
            guard value >= 0, value < 9_007_199_254_740_992, value == value.rounded(.towardZero) else {
                throw fail("row \(row): node ID \(value) is not a non-negative whole number below 2^53")
            }
            return UInt64(value)
        }
        for row in 0..<m {
            let u = try node(row, 0), v = try node(row, 1)
            if columns == 3 {
                let w = array.doubles[row * 3 + 2]
                if let reason = FieldMessage.invalidWeight(w, token: "\(w)") { throw fail("row \(row): \(reason)") }
                if w == 0 { edges.zeroWeightEdges += 1; continue }
                weights.append(w)
            }
            edges.sources.append(u)
            edges.targets.append(v)
        }
        if columns == 3 { edges.weights = weights }
        return edges
    }
}
