import PairGraph
import Testing

/// The local product reads the pattern alone when every value is 1, falls back to the weighted loop
/// as soon as one value differs, and sums each row in the documented order (four partial sums).
@Suite struct RowBlockKernelTests {
    /// A random CSR block (rows x width, some empty rows) with the given value for every entry
    /// except, when `odd` is set, one entry.
    static func block(rows: Int, width: Int, value: Double, odd: Double?, seed: UInt64) -> DistributedRowBlock {
        var state = seed
        func next() -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33)
        }
        var pointers = [0], columns: [Int32] = [], values: [Double] = []
        for _ in 0..<rows {
            let count = next() % 11
            for _ in 0..<count {
                columns.append(Int32(next() % width))
                values.append(value)
            }
            pointers.append(columns.count)
        }
        if let odd, !values.isEmpty { values[values.count / 2] = odd }
        return DistributedRowBlock(rowPointers: pointers, columnIndices: columns, values: values, columnCount: width)
    }

    /// The documented summation order (`RowSums`): entry q of a row into partial sum q mod 4, then
    /// (s0 + s1) + (s2 + s3).
    static func reference(_ b: DistributedRowBlock, _ x: [Double]) -> [Double] {
        (0..<b.rowCount).map { i in
            var s = [0.0, 0.0, 0.0, 0.0]
            for (q, p) in (b.rowPointers[i]..<b.rowPointers[i + 1]).enumerated() {
                s[q % 4] += b.values[p] * x[Int(b.columnIndices[p])]
            }
            return (s[0] + s[1]) + (s[2] + s[3])
        }
    }

    @Test(arguments: [(1.0, nil), (1.0, 2.5), (0.5, nil), (1.0, 1.0)] as [(Double, Double?)])
    func patternKernelOnlyForUnitValuesAndExact(value: Double, odd: Double?) {
        let b = Self.block(rows: 300, width: 420, value: value, odd: odd, seed: 7)
        let expectUnit = value == 1 && (odd == nil || odd == 1)
        #expect(b.hasUnitValues == expectUnit)
        let x = (0..<420).map { Double($0 % 17) * 0.37 - 2.1 }
        let y = b.apply(x)
        #expect(y == Self.reference(b, x), "the product must follow the documented summation order bit for bit")
    }
}
