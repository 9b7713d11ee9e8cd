@testable import PairGraph
import Testing

/// The local k-column product (`RowSums.blockProducts`, `DistributedRowBlock.apply(block:)`,
/// `HubOrderedBlock.apply(block:)`): column j of Y = B X, X interleaved, equals the vector product
/// of column j of X bit for bit, for pattern-only and weighted blocks, every layout, widths that
/// use the SIMD lanes, their remainder, or both.
@Suite struct BlockProductKernelTests {
    static let widths = [1, 2, 3, 4, 5, 8, 16, 19]

    /// X (width columns over `columns` entries) interleaved, and its column j.
    static func block(columns: Int, width: Int, seed: Int) -> (x: [Double], column: (Int) -> [Double]) {
        let x = (0..<(columns * width)).map { q in
            let v = Double((q * 7919 + seed) % 1009) / 1009 - 0.45
            return q % 13 == 0 ? v * 1e-3 : v
        }
        return (x, { j in (0..<columns).map { x[$0 * width + j] } })
    }

    /// Column j of an interleaved Y.
    static func column(_ y: [Double], _ j: Int, width: Int) -> [Double] {
        stride(from: j, to: y.count, by: width).map { y[$0] }
    }

    @Test(arguments: [(1.0, nil), (1.0, 2.5), (0.5, nil)] as [(Double, Double?)])
    func everyColumnIsTheVectorProductBitForBit(values: (Double, Double?)) {
        let b = RowBlockKernelTests.block(rows: 300, width: 420, value: values.0, odd: values.1, seed: 19)
        let layouts: [(String, HubOrderedBlock?)] = [("natural", nil), ("hub-columns", HubOrderedBlock(b, order: .hubColumns)),
                                                     ("hub", HubOrderedBlock(b, order: .hub))]
        for width in Self.widths {
            let (x, xColumn) = Self.block(columns: b.columnCount, width: width, seed: width)
            for (name, ordered) in layouts {
                var y = [Double](repeating: .nan, count: b.rowCount * width)
                x.withUnsafeBufferPointer { xb in
                    y.withUnsafeMutableBufferPointer { yb in
                        if let ordered {
                            ordered.apply(block: xb.baseAddress!, width: width, y: yb.baseAddress!)
                        } else {
                            b.apply(block: xb.baseAddress!, width: width, y: yb.baseAddress!)
                        }
                    }
                }
                for j in 0..<width {
                    let vector = b.apply(xColumn(j))
                    #expect(Self.column(y, j, width: width) == vector, "\(name), width \(width), column \(j)")
                    #expect(vector == RowBlockKernelTests.reference(b, xColumn(j)), "the vector product's own order")
                }
            }
        }
    }

    /// A block without entries writes zeros; a hub layout's scratch grows with the widest block
    /// and still serves narrower ones afterwards.
    @Test func emptyBlockAndReusedScratch() {
        let empty = DistributedRowBlock(rowPointers: [0, 0, 0], columnIndices: [], values: [], columnCount: 3)
        var y = [Double](repeating: .nan, count: 2 * 5)
        let x = [Double](repeating: 1, count: 3 * 5)
        x.withUnsafeBufferPointer { xb in
            y.withUnsafeMutableBufferPointer { empty.apply(block: xb.baseAddress!, width: 5, y: $0.baseAddress!) }
        }
        #expect(y == [Double](repeating: 0, count: 10))

        let b = RowBlockKernelTests.block(rows: 120, width: 150, value: 1, odd: 0.25, seed: 3)
        let ordered = HubOrderedBlock(b, order: .hub)
        for width in [7, 2, 7, 1] {
            let (x, xColumn) = Self.block(columns: b.columnCount, width: width, seed: 5)
            var y = [Double](repeating: .nan, count: b.rowCount * width)
            x.withUnsafeBufferPointer { xb in
                y.withUnsafeMutableBufferPointer { ordered.apply(block: xb.baseAddress!, width: width, y: $0.baseAddress!) }
            }
            for j in 0..<width { #expect(Self.column(y, j, width: width) == b.apply(xColumn(j)), "width \(width)") }
        }
    }
}
