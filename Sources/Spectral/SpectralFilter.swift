/// Whether Lanczos on G and A_n runs on the operator itself or on a Chebyshev polynomial filter of
/// it (docs/math.md 7.11). The Laplacian chooses with `LaplacianMethod.chebyshev` instead.
public enum SpectralFilter: String, Codable, Sendable, CaseIterable {
    /// Lanczos on the operator (largest algebraic).
    case none
    /// An unfiltered probe to a loose tolerance for the cut and the start, then Lanczos on T_m of
    /// the operator with the degree from a cost model of the component's size.
    case chebyshev
}
