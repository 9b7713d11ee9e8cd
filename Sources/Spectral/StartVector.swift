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

/// MATH.md section 7: the entry of largest magnitude of each eigenvector is made positive (ties:
/// lowest global row).
public enum SignRule {
    public static func normalize(_ v: inout ArraySlice<Double>) {
        var best = 0.0
        var bestIndex = v.startIndex
        for i in v.indices where abs(v[i]) > best * (1 + 1e-12) {
            best = abs(v[i])
            bestIndex = i
        }
        if v[bestIndex] < 0 {
            for i in v.indices { v[i] = -v[i] }
        }
    }
}
