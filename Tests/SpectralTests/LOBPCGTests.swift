@testable import Spectral
import EigenpairTestSupport
import Foundation
import PairGraph
import Testing

/// hypre's LOBPCG with a BoomerAMG preconditioner (`--laplacian-method lobpcg`, docs/math.md 7.13),
/// judged against dense LAPACK.
@Suite(.serialized) struct LOBPCGTests {
    /// The connected families (a path, Erdos-Renyi, SBM, kNN; the disconnected one's components are
    /// all under 10 K rows)
    /// against dense LAPACK: values to 1e-9 relative, eigenspaces, residuals and the sign rule,
    /// certified at tol 1e-8 (hypre 2.26's LOBPCG breaks down short of 1e-10; 7.13). Components under
    /// 10 K rows take the spectral shift and say so; every other one ran LOBPCG and reports sigma
    /// and its work.
    @Test(arguments: [ShiftInvertFamily.path, .erdosRenyi, .sbm, .knn])
    func matchesDenseLAPACK(_ family: ShiftInvertFamily) throws {
        let graph = try family.graph()
        let label = "\(family.rawValue) L lobpcg"
        let tol = 1e-8
        let spectrum = try solveLaplacian(graph, count: family.count, method: .lobpcg, tolerance: tol)
        try expectMatchesDense(spectrum, graph: graph, kind: .laplacian, count: family.count, label: label)
        #expect(spectrum.converged && spectrum.certification.certified, "\(label): \(spectrum.certification.values)")
        let ref = try DenseReference.spectrum(graph, kind: .laplacian)
        for (j, v) in spectrum.values.enumerated() where ref.values[j] > 1e-10 {
            #expect(abs(v - ref.values[j]) <= 1e-9 * ref.values[j], "\(label): lambda_\(j + 1) \(v) vs \(ref.values[j])")
        }
        #expect(spectrum.solves.contains { $0.method == "lobpcg" }, "\(label): no LOBPCG solve")
        for solve in spectrum.solves {
            guard solve.method == "lobpcg" else {
                #expect(solve.method == "spectral-shift" && solve.methodNote?.contains("too small for a LOBPCG block") == true,
                        "\(label): component \(solve.component) used \(solve.method ?? "nil"), note \(solve.methodNote ?? "nil")")
                #expect(!SpectrumSolver.lobpcgFits(count: solve.report.requested, size: solve.nodes))
                continue
            }
            let amg = try #require(solve.amg)
            #expect(amg.sigma > 0 && solve.epsilon == amg.sigma && solve.shift == -amg.sigma)
            #expect(amg.iterations > 0 && solve.report.restarts == amg.iterations)
            #expect(amg.innerTolerance == tol / 4 && amg.worstRelativeResidual <= 2 * amg.innerTolerance)
            #expect(solve.report.converged == solve.report.requested && amg.unconverged == 0,
                    "\(label): \(solve.report.converged) of \(solve.report.requested) converged in \(amg.iterations) iterations, worst residual / theta \(amg.worstRelativeResidual), certification \(spectrum.certification.values)")
        }
    }

    /// Small eigenvalues far below the degree scale (a path of 3000 nodes: lambda_1 = 1.1e-6 against
    /// degrees of 2) against the analytic lambda_k = 2 - 2 cos(pi k / n), at tol 1e-8.
    @Test func longPathSmallEigenvalues() throws {
        let n = 3000, count = 6
        let spectrum = try solveLaplacian(try TestGraphs.path(n), count: count, method: .lobpcg, tolerance: 1e-8)
        #expect(spectrum.certification.certified && spectrum.solves.first?.method == "lobpcg")
        for k in 1...count {
            let lk = 2 - 2 * cos(Double.pi * Double(k) / Double(n))
            let v = spectrum.values[k - 1]
            #expect(abs(v - lk) <= 1e-9 * lk, "lambda_\(k) = \(v), want \(lk), relative \(abs(v - lk) / lk)")
        }
    }
}
