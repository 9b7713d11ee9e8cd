import EigenpairTestSupport
import PairGraph
import Spectral
import Testing

/// Solves L with `method` (denseLimit 8, `solveLaplacian`) and checks it against dense LAPACK:
/// eigenspaces, residuals and the sign rule (`expectMatchesDense`), certified, every nonzero
/// eigenvalue to 1e-9 relative, and at least one Lanczos solve.
func solveMatchingDense(_ graph: SparseGraph, count: Int, method: LaplacianMethod, label: String) throws -> Spectrum {
    let spectrum = try solveLaplacian(graph, count: count, method: method)
    try expectMatchesDense(spectrum, graph: graph, kind: .laplacian, count: count, label: label)
    #expect(spectrum.converged && spectrum.certification.certified, "\(label): \(spectrum.certification.values)")
    let ref = try DenseReference.spectrum(graph, kind: .laplacian)
    for (j, v) in spectrum.values.enumerated() where ref.values[j] > 1e-10 {
        #expect(abs(v - ref.values[j]) <= 1e-9 * ref.values[j], "\(label): lambda_\(j + 1) \(v) vs \(ref.values[j])")
    }
    #expect(!spectrum.solves.isEmpty)
    return spectrum
}
