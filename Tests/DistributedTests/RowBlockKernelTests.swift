@testable import PairGraph
import Testing

/// The local product reads the pattern alone when every value is 1, falls back to the weighted loop
/// as soon as one value differs, and sums each row in the documented order (four partial sums);
/// the hub-first layouts (`HubOrderedBlock`) give the same sums bit for bit.
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

    /// Every hub-first layout returns the block's own product bit for bit (rows summed in stored
    /// order), for unit and general values; x and y stay in the block's order.
    @Test(arguments: [SpMVOrder.hubColumns, .hub], [(1.0, nil), (1.0, 2.5), (0.5, nil)] as [(Double, Double?)])
    func hubLayoutsReturnTheBlockProductBitForBit(order: SpMVOrder, values: (Double, Double?)) {
        let b = Self.block(rows: 300, width: 420, value: values.0, odd: values.1, seed: 11)
        let ordered = HubOrderedBlock(b, order: order)
        let x = (0..<420).map { 1 / (Double($0) + 0.7) - 0.3 }
        var y = [Double](repeating: .nan, count: b.rowCount)
        for _ in 0..<2 {  // the scratch vector is reused
            x.withUnsafeBufferPointer { xb in
                y.withUnsafeMutableBufferPointer { ordered.apply(x: xb.baseAddress!, y: $0.baseAddress!) }
            }
            #expect(y == Self.reference(b, x), "\(order): the layout changed a sum")
        }
    }

    /// The layout is hub-first: columns by reference count descending, ties by local column; rows
    /// (`.hub`) by entry count descending, ties by local row; both permutations.
    /// Localising a block's global columns: the bitmap numbering and the sorted one give the same
    /// local columns and ghosts, and both match the definition (owned column c -> c - first row,
    /// ghost -> owned count + its rank among the distinct ghosts, ascending), for blocks at the
    /// start, middle and end of the rows, with repeated ghosts, ghosts in the last partial word of
    /// the bitmap, and none at all.
    @Test(arguments: [(0, 100), (300, 450), (900, 1003), (0, 1003)])
    func bitmapAndSortedGhostNumberingAgree(_ first: Int, _ end: Int) {
        let rows = 1003
        var state: UInt64 = 7
        var columns: [Int32] = []
        for _ in 0..<5000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            columns.append(Int32(Int(state >> 33) % rows))
        }
        columns += [Int32(rows - 1), Int32(rows - 1), 0, Int32(first)]
        let owned = first..<end
        let bitmap = DistributedRowBlock.localColumns(columns, owned: owned, rowCount: rows, bitmap: true)
        let sorted = DistributedRowBlock.localColumns(columns, owned: owned, rowCount: rows, bitmap: false)
        #expect(bitmap.local == sorted.local)
        #expect(bitmap.ghosts == sorted.ghosts)
        let ghosts = Array(Set(columns.filter { !owned.contains(Int($0)) })).sorted()
        #expect(bitmap.ghosts == ghosts)
        let expected = columns.map { c in
            owned.contains(Int(c)) ? Int32(Int(c) - first) : Int32(owned.count + ghosts.firstIndex(of: c)!)
        }
        #expect(bitmap.local == expected)
    }

    @Test func hubLayoutOrdersColumnsAndRowsByDegree() {
        let b = Self.block(rows: 200, width: 260, value: 1, odd: nil, seed: 5)
        var references = [Int](repeating: 0, count: b.columnCount)
        for c in b.columnIndices { references[Int(c)] += 1 }
        let byCount = (0..<b.columnCount).sorted { references[$0] != references[$1] ? references[$0] > references[$1] : $0 < $1 }
        let ordered = HubOrderedBlock(b, order: .hub)
        #expect(ordered.columnOfSlot.map { Int($0) } == byCount)
        let entries = (0..<b.rowCount).map { b.rowPointers[$0 + 1] - b.rowPointers[$0] }
        let rowsByCount = (0..<b.rowCount).sorted { entries[$0] != entries[$1] ? entries[$0] > entries[$1] : $0 < $1 }
        #expect(ordered.rowOfSlot.map { Int($0) } == rowsByCount)
        #expect(HubOrderedBlock(b, order: .hubColumns).rowOfSlot.isEmpty)
        #expect(HubOrderedBlock.descending([]) == [])
    }
}
