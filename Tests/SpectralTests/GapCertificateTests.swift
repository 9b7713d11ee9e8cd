import DenseAlgebra
import Distributed
import EigenpairTestSupport
import Foundation
import PairGraph
import Spectral
import Testing

/// The uniqueness certificate (docs/math.md 7.12): lambda_{K+1} localised from ARPACK's final Ritz
/// values instead of converged, checked against dense LAPACK on components above the dense limit
/// (256), so every large component goes to Lanczos.
@Suite(.serialized) struct GapCertificateTests {
    /// Four planted blocks of 100 nodes, one component: K = 4 community eigenvalues of A_n, then
    /// the random bulk.
    static func planted(seed: UInt64 = 31) throws -> SparseGraph {
        try TestGraphs.sbm(sizes: [100, 100, 100, 100], pIn: 0.12, pOut: 0.01, seed: seed)
    }

    static func solve(_ graph: SparseGraph, kind: RelationOperatorKind, count: Int,
                      method: NextEigenvalueMethod, laplacian: LaplacianMethod = .auto,
                      communicator: Communicator = testMPI.world) throws -> Spectrum {
        let choice = MethodChoice(laplacianMethod: laplacian, nextEigenvalue: method)
        return try solveWhole(graph, kind: kind, count: count, method: choice, communicator: communicator)
    }

    /// The wanted-direction rank of the dense values: descending for G and A_n, ascending for L on 1-perp.
    static func denseValues(_ graph: SparseGraph, kind: RelationOperatorKind) throws -> [Double] {
        try DenseReference.spectrum(graph, kind: kind).values
    }

    /// A clear gap: certified, the interval holds dense LAPACK's lambda_{K+1}, the returned values are
    /// dense LAPACK's, and `.converge` gives the exact next value with the same verdict.
    @Test(arguments: [RelationOperatorKind.normalizedAdjacency, .laplacian, .adjacency],
          [LaplacianMethod.shiftInvert, .spectralShift])
    func clearGapIsCertifiedAndHoldsTheDenseValue(_ kind: RelationOperatorKind, _ laplacian: LaplacianMethod) throws {
        if kind != .laplacian && laplacian == .spectralShift { return }
        let graph = try Self.planted()
        let count = kind == .laplacian ? 3 : 4
        let dense = try Self.denseValues(graph, kind: kind)
        try withSolverLock {
            let s = try Self.solve(graph, kind: kind, count: count, method: .ritzBound, laplacian: laplacian)
            let label = "\(kind.rawValue) \(laplacian.rawValue)"
            #expect(s.certification.certified, "\(label)")
            for j in 0..<count { #expect(abs(s.values[j] - dense[j]) <= 1e-9 * max(1, abs(dense[j])), "\(label): value \(j)") }
            let gap = try #require(s.gap)
            // A_n and the spectral shift localise pair K+1 tightly here; G's bulk Ritz value and the
            // inverse's far end (shift-invert) carry estimates too wide to certify: then the verdict
            // must be "not certified" and the closed forms must not claim uniqueness.
            let tight = kind == .normalizedAdjacency || laplacian == .spectralShift
            if tight { #expect(gap.certified, "\(label): \(gap)") }
            #expect(s.gapUncertified(after: count) == !gap.certified)
            if gap.certified {
                let lo = try #require(gap.nextLower), hi = try #require(gap.nextUpper)
                #expect(lo - 1e-9 <= dense[count] && dense[count] <= hi + 1e-9, "\(label): dense \(dense[count]) outside [\(lo), \(hi)]")
                let denseGap = abs(dense[count - 1] - dense[count])
                #expect(try #require(gap.gap) <= denseGap + 1e-9, "\(label): certified gap \(gap.gap!) exceeds the true \(denseGap)")
            }
            #expect(s.solves.allSatisfy { $0.report.requested == count - (kind == .normalizedAdjacency ? 1 : 0) },
                    "\(label): \(s.solves.map(\.report.requested))")

            let exact = try Self.solve(graph, kind: kind, count: count, method: .converge, laplacian: laplacian)
            #expect(exact.gap?.certified == true)
            #expect(abs(try #require(exact.nextValue) - dense[count]) <= 1e-8 * max(1, abs(dense[count])))
            let fewer = s.solves.reduce(0) { $0 + $1.report.matvecs }, more = exact.solves.reduce(0) { $0 + $1.report.matvecs }
            if testMPI.world.isCoordinator, ProcessInfo.processInfo.environment["EIGENPAIR_TEST_VERBOSE"] != nil {
                print("\(label): matvecs ritz-bound \(fewer), converge \(more); gap \(gap)")
            }
        }
    }

    /// Two identical large components: lambda_K = lambda_{K+1} across components (each converged,
    /// so the tie is certified and reported exactly as before).
    @Test(arguments: [RelationOperatorKind.normalizedAdjacency, .laplacian, .adjacency])
    func tieAcrossIdenticalComponentsIsNotUnique(_ kind: RelationOperatorKind) throws {
        let one = try Self.planted(seed: 41)
        var e = TestEdges(n: 2 * one.nodeCount)
        for i in 0..<one.nodeCount {
            let (columns, weights) = one.neighbours(of: i)
            for (c, w) in zip(columns, weights) where Int(c) > i {
                let j = Int(c)
                e.add(i, j, w)
                e.add(one.nodeCount + i, one.nodeCount + j, w)
            }
        }
        let graph = try e.assemble()
        // A_n: 1, 1, mu_2, mu_2 -> K = 3 ends inside the tied pair; L: 0 0 excluded, lambda_2 twice.
        let count = kind == .laplacian ? 2 : 3
        try Self.expectNeverUnique(graph, kind: kind, count: count) { _ in false }
    }

    /// Dense LAPACK confirms lambda_K = lambda_{K+1}; then every method must report the certificate
    /// "not certified" and either a certified tie or an uncertified gap (so the closed forms do not
    /// claim uniqueness). `knownIssue(method)`: a method expected to miss the tie (recorded as such).
    static func expectNeverUnique(_ graph: SparseGraph, kind: RelationOperatorKind, count: Int,
                                  knownIssue: (NextEigenvalueMethod) -> Bool) throws {
        let dense = try Self.denseValues(graph, kind: kind)
        #expect(abs(dense[count - 1] - dense[count]) <= 1e-9 * max(1, abs(dense[count])), "the fixture is not tied")
        try withSolverLock {
            for method in NextEigenvalueMethod.allCases {
                let s = try Self.solve(graph, kind: kind, count: count, method: method)
                let gap = try #require(s.gap)
                let tied = s.value(after: count).map { abs($0 - s.values[count - 1]) <= 1e-9 * max(1, abs($0)) } ?? false
                let check = {
                    #expect(!gap.certified && (tied || s.gapUncertified(after: count)),
                            "\(kind.rawValue) \(method.rawValue): claimed unique; \(gap), next \(String(describing: s.nextValue))")
                }
                if knownIssue(method) {
                    withKnownIssue("converge: Lanczos misses the copy of a degenerate eigenvalue", isIntermittent: true) { check() }
                } else {
                    check()
                }
            }
        }
    }

    /// A degenerate eigenvalue inside one Lanczos component (a 400-cycle: cos(2 pi j / n) twice):
    /// K ending inside the pair must never be reported unique.
    @Test(arguments: [RelationOperatorKind.normalizedAdjacency, .laplacian, .adjacency])
    func degenerateEigenvalueInOneComponentIsNeverUnique(_ kind: RelationOperatorKind) throws {
        let graph = try TestGraphs.cycle(400)
        // A_n and G: 1 (or 2), then pairs; K = 2 ends inside the first pair. L: K = 1 likewise.
        let count = kind == .laplacian ? 1 : 2
        // Converging pair K+1 (the behaviour before 7.12) lets single-vector Lanczos skip the second
        // copy of cos(2 pi / n) on A_n and G and converge the next distinct value: a false "unique",
        // recorded as a known issue of that mode.
        try Self.expectNeverUnique(graph, kind: kind, count: count) { $0 == .converge && kind != .laplacian }
    }
}

extension MPISpectrumTests {
    /// The verdict and lambda_K do not depend on P (lambda_K to 1e-10). The interval's ends come from
    /// unconverged Ritz values (ARPACK's next one, the gap check's at tol 1e-3), whose rounding
    /// differs with the reduction order: they agree to 1% of the interval's width.
    @Test(arguments: [RelationOperatorKind.normalizedAdjacency, .laplacian, .adjacency])
    func gapCertificateIsTheSameOnEveryRankCount(_ kind: RelationOperatorKind) throws {
        let graph = try GapCertificateTests.planted()
        let count = kind == .laplacian ? 3 : 4
        try withSolverLock {
            // ritz-bound: the opt-in mode whose interval is under test.
            let choice = MethodChoice(laplacianMethod: .spectralShift, nextEigenvalue: .ritzBound)
            let world = try solveWhole(graph, kind: kind, count: count, method: choice, communicator: testMPI.world)
            let single = try solveWhole(graph, kind: kind, count: count, method: choice, communicator: testMPI.single)
            let a = try #require(world.gap), b = try #require(single.gap)
            #expect(a.certified == b.certified, "\(kind.rawValue): \(a) / \(b)")
            #expect(a.certified || kind == .adjacency, "\(kind.rawValue): \(a)")
            #expect(abs(a.lambdaK - b.lambdaK) <= 1e-10 * max(1, abs(b.lambdaK)), "\(kind.rawValue): \(a) vs 1 rank \(b)")
            let lo = try #require(b.nextLower), hi = try #require(b.nextUpper)
            for (x, y) in [(a.nextLower ?? .nan, lo), (a.nextUpper ?? .nan, hi)] {
                #expect(abs(x - y) <= 0.01 * (hi - lo), "\(kind.rawValue): \(a) vs 1 rank \(b)")
            }
        }
    }
}
