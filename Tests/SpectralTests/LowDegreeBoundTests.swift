@testable import Spectral
import DenseAlgebra
import Distributed
import EigenpairTestSupport
import PairGraph
import Testing

/// The low-degree bound (docs/math.md 7.11, "The low-degree cut") against dense LAPACK, built here
/// from the dense L without the solver's code: S = the m rows of least degree of the largest
/// component (ties by row), Q an orthonormal basis of {e_i - 1_c / n_c : i in S}, theta_j the
/// eigenvalues of Q' L_c Q (the exact Rayleigh-Ritz on that subspace). Each returned value must lie
/// between theta_j and theta_j / (1 - m / n_c) (the Gram matrix's bound), and so at or above the
/// dense lambda_j of L_c on 1_c-perp (Courant-Fischer), identically at every rank count.
func expectLowDegreeBoundMatchesDense(_ graph: SparseGraph, count: Int, communicator: Communicator,
                                      label: String) throws {
    let distributed = try graph.distributed(over: communicator)
    let c = (0..<distributed.components.count).max { distributed.components.size($0) < distributed.components.size($1) }!
    let block = ComponentBlock(graph: distributed, component: c)
    let bound = try #require(try LowDegreeBound(block: block, count: count, communicator: communicator),
                             "\(label): component of \(block.size) rows too small for the bound")
    // The dense reference on the same component (the largest of the sparse graph's).
    let components = graph.components
    let dc = (0..<components.count).max { components.rows($0).count < components.rows($1).count }!
    let rows = components.rows(dc).map(Int.init)
    let n = rows.count, m = bound.rows
    #expect(n == block.size && m == LowDegreeBound.rowsPerWanted * (count + 1))
    let full = DenseReference.operatorMatrix(graph, kind: .laplacian)
    var lc = DenseMatrix(rows: n, columns: n)
    for (a, r) in rows.enumerated() { for (b, s) in rows.enumerated() { lc[a, b] = full[r, s] } }
    let exact = try SymmetricEigen(lc, vectors: false).values
    let chosen = (0..<n).sorted { (lc[$0, $0], $0) < (lc[$1, $1], $1) }.prefix(m)
    var basis = DenseMatrix(rows: n, columns: m, repeating: -1 / Double(n))
    for (j, i) in chosen.enumerated() { basis[i, j] += 1 }
    let q = try basis.orthonormalBasis()
    try #require(q.columns == m)
    var qt = DenseMatrix(rows: m, columns: n)
    for i in 0..<n { for j in 0..<m { qt[j, i] = q[i, j] } }
    let theta = try SymmetricEigen(qt * lc * q, vectors: false).values
    let gram = 1 - Double(m) / Double(n)
    #expect(bound.values.count == m)
    for j in 0..<m {
        let v = bound.values[j], scale = max(1, exact.last ?? 1)
        #expect(v >= theta[j] - 1e-12 * scale && v <= theta[j] / gram + 1e-12 * scale,
                "\(label): bound \(j + 1) = \(v), Rayleigh-Ritz \(theta[j]), / gram \(theta[j] / gram)")
        // exact[0] is the component's eigenvalue 0 (1_c); lambda_{j+1} on 1_c-perp is exact[j + 1].
        if j + 1 < n { #expect(v >= exact[j + 1] - 1e-12 * scale, "\(label): bound \(j + 1) = \(v) below lambda = \(exact[j + 1])") }
    }
}

@Suite(.serialized) struct LowDegreeBoundTests {
    /// Unit and weighted graphs of one component (the kNN graph is weighted).
    @Test(arguments: [SpectralFamily.erdosRenyi, .sbm, .knn, .augmentation])
    func matchesDenseRayleighRitz(_ family: SpectralFamily) throws {
        try withSolverLock {
            try expectLowDegreeBoundMatchesDense(try family.graph(), count: 6, communicator: testMPI.world,
                                                 label: family.rawValue)
        }
    }

    /// The one-pass selection against a full sort by (value, index), with many ties.
    @Test func lowestMatchesAFullSort() {
        var rng = SeededRNG(seed: 5)
        let values = (0..<5000).map { _ in Double(rng.index(40)) }
        for m in [1, 7, 72, 5000] {
            let sorted = values.indices.sorted { (values[$0], $0) < (values[$1], $1) }
            #expect(LowDegreeBound.lowest(m, of: values) == Array(sorted.prefix(m)), "m = \(m)")
        }
    }

    /// A component under 2m rows has no bound: the probe gives the cut there.
    @Test func smallComponentHasNoBound() throws {
        try withSolverLock {
            let graph = try TestGraphs.cycle(40)
            let distributed = try graph.distributed(over: testMPI.world)
            let block = ComponentBlock(graph: distributed, component: 0)
            #expect(try LowDegreeBound(block: block, count: 6, communicator: testMPI.world) == nil)
            #expect(try LowDegreeBound(block: block, count: 3, communicator: testMPI.world) != nil)
        }
    }

    /// The filter takes the bound's cut, and no probe runs, where the bound lies within
    /// `refinementRatio` of the bounds run's lowest Ritz value (a 400-node random graph of mean
    /// degree 12: L's bottom lies near its lowest degrees); the pairs match dense LAPACK to 1e-9 and the cut
    /// lies past every returned pair. On a 60-path (lambda_1 = 0.0027, every degree 1 or 2, sigma_AM /
    /// lambda_1 far above `amgRatio`) the probe still gives the cut.
    @Test func filterTakesTheBoundWhereItIsNear() throws {
        let random = try TestGraphs.erdosRenyi(n: 400, p: 0.03, seed: 21)
        let spectrum = try solveMatchingDense(random, count: 12, method: .chebyshev, label: "random L chebyshev")
        let filtered = spectrum.solves.compactMap(\.chebyshev)
        try #require(filtered.count == 1)
        let filter = filtered[0]
        #expect(filter.probeMatvecs == 0 && filter.lowDegreeBound != nil, "\(filter)")
        let own = spectrum.values.enumerated().filter { spectrum.sources[$0.offset] == .lanczos }.map(\.element)
        #expect(own.allSatisfy { $0 < filter.cut }, "values \(own) vs cut \(filter.cut)")
        let path = try solveMatchingDense(try TestGraphs.path(60), count: 6, method: .chebyshev, label: "path L chebyshev")
        let pathFilter = try #require(path.solves.first?.chebyshev)
        #expect(pathFilter.probeMatvecs > 0 && pathFilter.lowDegreeBound == nil, "\(pathFilter)")
    }
}

extension MPISpectrumTests {
    /// The bound on the world communicator (P = 3 under `scripts/mpi-tests.sh`: the large case's SBM
    /// component is then held by some ranks only, with a halo plan of its own) against dense LAPACK.
    @Test func lowDegreeBoundMatchesDenseOnEveryRank() throws {
        try withSolverLock {
            try expectLowDegreeBoundMatchesDense(try Case.large.graph(), count: Case.large.count(.laplacian),
                                                 communicator: testMPI.world, label: "large")
        }
    }
}
