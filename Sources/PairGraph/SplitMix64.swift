/// SplitMix64 (Steele, Lea & Flood 2014; the seeding generator of xoshiro): a tiny, fast, seeded
/// pseudo-random generator.
///
/// Every generator in Eigenpair draws from this type and only through `next()`, `uniform01()` and
/// `bounded(_:)`, which use integer arithmetic alone (no `Int.random(in:)`, whose algorithm belongs to
/// the standard library and may change). A seed therefore gives the same stream on every platform and
/// Swift version.
///
/// ```swift
/// var rng = SplitMix64(seed: 42)
/// let x = rng.uniform01()      // in [0, 1)
/// let i = rng.bounded(10)      // in 0..<10
/// ```
public struct SplitMix64: RandomNumberGenerator, Sendable, Equatable {
    public var state: UInt64

    /// Any 64-bit value is a valid seed (0 included).
    public init(seed: UInt64) {
        state = seed
    }

    @inline(__always)
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform double in [0, 1): the top 53 bits of `next()` times 2^-53 (exact, so identical
    /// everywhere). 1 - uniform01() is in (0, 1] and never 0.
    @inline(__always)
    public mutating func uniform01() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform integer in 0..<n, without modulo bias (Lemire's multiply-and-reject).
    /// - Precondition: n > 0.
    @inline(__always)
    public mutating func bounded(_ n: UInt64) -> UInt64 {
        precondition(n > 0, "bounded(_:) needs n > 0")
        var m = next().multipliedFullWidth(by: n)
        if m.low < n {
            let threshold = (0 &- n) % n  // 2^64 mod n
            while m.low < threshold {
                m = next().multipliedFullWidth(by: n)
            }
        }
        return m.high
    }
}
