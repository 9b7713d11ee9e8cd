import DenseAlgebra
import Distributed

/// Deterministic Lanczos start vector: entry i is a function of the global row index only
/// (SplitMix64's finaliser, a counter-based hash), so every rank count starts from the same vector.
public enum StartVector {
    @inline(__always)
    public static func entry(globalRow: Int, seed: UInt64 = 0x5EED_E16E_0000_0001) -> Double {
        var z = UInt64(truncatingIfNeeded: globalRow) &+ seed &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        // Uniform in [-1, 1).
        return Double(z >> 11) * (2.0 / 9_007_199_254_740_992.0) - 1.0
    }
}

/// docs/math.md section 7.8: the entry of largest magnitude of each eigenvector is made positive (ties:
/// lowest global row). Global over the ranks that hold the vector's rows, so every rank count picks
/// the same entry: m = max |v_i| over all ranks, then the lowest global row with |v_i| >= m (1 - 1e-12)
/// (a relative tie tolerance, since entries that are equal in exact arithmetic differ by rounding).
public enum SignRule {
    /// Collective over `communicator`. Applies the rule to every column of `vectors`, this rank's
    /// rows of the vectors starting at global row `firstRow`: three all-reduces for all columns.
    public static func normalize(_ vectors: inout DenseMatrix, firstRow: Int, communicator: Communicator) {
        let k = vectors.columns, n = vectors.rows
        var largest = (0..<k).map { j in vectors.column(j).reduce(0) { max($0, abs($1)) } }
        communicator.allreduceMax(&largest)
        var row = (0..<k).map { j -> Int64 in
            let threshold = largest[j] * (1 - 1e-12)
            guard largest[j] > 0, let i = (0..<n).first(where: { abs(vectors[$0, j]) >= threshold }) else {
                return Int64.max
            }
            return Int64(firstRow + i)
        }
        communicator.allreduceMin(&row)
        // The owner of the chosen entry tells everyone its sign.
        var flip = (0..<k).map { j -> Double in
            let i = Int(row[j]) - firstRow
            return row[j] != Int64.max && i >= 0 && i < n && vectors[i, j] < 0 ? 1 : 0
        }
        communicator.allreduceSum(&flip)
        for j in 0..<k where flip[j] > 0 {
            for i in 0..<n { vectors[i, j] = -vectors[i, j] }
        }
    }
}
