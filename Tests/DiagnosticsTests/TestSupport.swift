import DenseAlgebra
import EigenpairTestSupport
import Distributed
import Foundation
import PairGraph
import Testing

/// Seeded generator for the tests (SplitMix64 steps, Box-Muller normals).
struct TestRNG {
    var state: UInt64
    init(_ seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    mutating func normal() -> Double {
        let u = 1 - uniform(), v = uniform()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }

    mutating func matrix(_ rows: Int, _ columns: Int) -> DenseMatrix {
        var m = DenseMatrix(rows: rows, columns: columns)
        for i in 0..<m.storage.count { m.storage[i] = normal() }
        return m
    }

    /// A Fisher-Yates permutation of 0..<n.
    mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        if n > 1 { for i in stride(from: n - 1, to: 0, by: -1) { p.swapAt(i, int(i + 1)) } }
        return p
    }
}

/// Rows `rows` of m, by plain loops (independent of the module's helpers).
func rowsOf(_ m: DenseMatrix, _ rows: [Int]) -> DenseMatrix {
    var out = DenseMatrix(rows: rows.count, columns: m.columns)
    for (i, r) in rows.enumerated() { for j in 0..<m.columns { out[i, j] = m[r, j] } }
    return out
}

/// Column means subtracted, by plain loops.
func centreColumns(_ m: DenseMatrix) -> DenseMatrix {
    var out = m
    for j in 0..<m.columns {
        var s = 0.0
        for i in 0..<m.rows { s += m[i, j] }
        for i in 0..<m.rows { out[i, j] -= s / Double(m.rows) }
    }
    return out
}

func sumOfSquares(_ m: DenseMatrix) -> Double { m.storage.reduce(0) { $0 + $1 * $1 } }
