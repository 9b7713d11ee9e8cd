import EigenpairTestSupport
import DenseAlgebra
import Foundation
import PairGraph
import Spectral
import Testing

/// The graph families the solver is checked on (N = 60..200).
enum SpectralFamily: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case erdosRenyi, sbm, knn, augmentation, disconnected

    var testDescription: String { rawValue }

    func graph() throws -> SparseGraph {
        switch self {
        case .erdosRenyi: return try TestGraphs.erdosRenyi(n: 200, p: 0.04, seed: 11)
        case .sbm: return try TestGraphs.sbm(sizes: [50, 50, 50], pIn: 0.2, pOut: 0.02, seed: 12)
        case .knn: return try TestGraphs.knn(n: 100, k: 6, seed: 13)
        case .augmentation: return try TestGraphs.augmentation(groups: 12, views: 5, cross: 20, seed: 14)
        case .disconnected: return try TestGraphs.disconnected(isolated: 5, seed: 15).graph
        }
    }

    /// Pairs to ask for: enough on the disconnected graph to cover every component-derived pair
    /// (6 components with edges, 11 components in all) and then some.
    func count(_ kind: RelationOperatorKind) -> Int {
        guard self == .disconnected else { return 8 }
        return kind == .laplacian ? 14 : 10
    }
}

/// The largest-magnitude entry (ties within 1e-12 relative: the lowest row) must be positive.
func signRuleHolds(_ column: ArraySlice<Double>) -> Bool {
    let m = column.reduce(0) { max($0, abs($1)) }
    guard m > 0, let first = column.firstIndex(where: { abs($0) >= m * (1 - 1e-12) }) else { return false }
    return column[first] > 0
}

/// Compares a solver spectrum with the dense LAPACK eigendecomposition of the same operator:
/// values to 1e-9, every returned tied block inside the dense tied eigenspace (principal angles and
/// the component outside the span), orthonormality, residuals recomputed with the dense operator,
/// and the sign rule.
func expectMatchesDense(_ spectrum: Spectrum, graph: SparseGraph, kind: RelationOperatorKind, count: Int,
                        label: String) throws {
    let n = graph.nodeCount
    let ref = try DenseReference.spectrum(graph, kind: kind)
    let scale = max(1, ref.values.map(abs).max() ?? 0)
    #expect(spectrum.kind == kind)
    #expect(spectrum.values.count == count, "\(label): \(spectrum.values.count) values for \(count) requested")
    #expect(spectrum.vectors.rows == n && spectrum.vectors.columns == spectrum.values.count)
    #expect(spectrum.residuals.count == spectrum.values.count)
    guard spectrum.values.count == count, spectrum.vectors.columns == count else { return }

    var worstValue = 0.0
    for j in 0..<count { worstValue = max(worstValue, abs(spectrum.values[j] - ref.values[j])) }
    #expect(worstValue <= 1e-9 * scale,
            "\(label): eigenvalues differ by \(worstValue); got \(spectrum.values), dense \(Array(ref.values.prefix(count)))")

    #expect(orthonormalityError(spectrum.vectors) <= 1e-9, "\(label): returned vectors are not orthonormal")

    // Residuals: as reported, and recomputed with the dense operator.
    let mv = DenseReference.operatorMatrix(graph, kind: kind) * spectrum.vectors
    for j in 0..<count {
        var r = 0.0
        for i in 0..<n {
            let e = mv[i, j] - spectrum.values[j] * spectrum.vectors[i, j]
            r += e * e
        }
        r = r.squareRoot()
        #expect(r <= 1e-8 * scale, "\(label): pair \(j) has residual \(r)")
        #expect(spectrum.residuals[j] <= 1e-8 * scale, "\(label): pair \(j) reports residual \(spectrum.residuals[j])")
    }

    if kind == .laplacian {
        // On 1-perp: no returned vector has a constant component.
        for j in 0..<count {
            let s = spectrum.vectors.column(j).reduce(0, +) / Double(n).squareRoot()
            #expect(abs(s) <= 1e-9, "\(label): L vector \(j) has constant component \(s)")
        }
    }

    // Subspaces, tied block by tied block (ties judged on the dense values).
    let tie = 1e-8 * scale
    var start = 0
    while start < count {
        var end = start + 1
        while end < ref.values.count && abs(ref.values[end] - ref.values[start]) <= tie { end += 1 }
        let returnedEnd = min(end, count)
        let v = spectrum.vectors.columns(start..<returnedEnd)
        let w = ref.vectors.columns(start..<end)
        let outside = outsideSpan(v, of: w)
        #expect(outside <= 1e-7,
                "\(label): pairs \(start)..<\(returnedEnd) (value \(ref.values[start])) stick out of the dense eigenspace by \(outside)")
        let angles = try principalAngles(v, w)
        #expect(angles.count == returnedEnd - start && (angles.max() ?? 0) <= 1e-5,
                "\(label): principal angles \(angles) degrees for pairs \(start)..<\(returnedEnd)")
        if end <= count {
            // A whole tied eigenspace was returned: the projectors must agree.
            let dist = (v * v.transposed - w * w.transposed).frobeniusNorm
            #expect(dist <= 1e-7, "\(label): projector distance \(dist) for pairs \(start)..<\(end)")
        }
        start = returnedEnd
    }

    if ProcessInfo.processInfo.environment["EIGENPAIR_TEST_VERBOSE"] != nil {
        print(String(format: "%@: worst value error %.2e, worst residual %.2e, sources %@", label, worstValue,
                     spectrum.residuals.max() ?? 0, spectrum.sources.map(\.rawValue).description))
    }
    for j in 0..<count {
        #expect(signRuleHolds(spectrum.vectors.column(j)), "\(label): vector \(j) breaks the sign rule")
    }
}

@Suite(.serialized) struct SpectrumSolverTests {
    static let denseLimits = [8, MethodChoice().denseLimit]

    @Test(arguments: SpectralFamily.allCases, RelationOperatorKind.allCases)
    func matchesDenseLAPACK(_ family: SpectralFamily, _ kind: RelationOperatorKind) throws {
        let graph = try family.graph()
        let count = family.count(kind)
        for limit in Self.denseLimits {
            let label = "\(family.rawValue) \(kind.rawValue) denseLimit=\(limit)"
            let spectrum = try solveSpectrum(graph, kind: kind, count: count, denseLimit: limit)
            try expectMatchesDense(spectrum, graph: graph, kind: kind, count: count, label: label)
            #expect(spectrum.converged, "\(label): not converged")
            // The path actually taken: Lanczos on every component larger than the limit (and than
            // the wanted count), dense LAPACK otherwise.
            let comps = graph.components
            let lanczosComponents = (0..<comps.count).filter {
                comps.size($0) > limit && comps.size($0) > count + 3
            }
            #expect(spectrum.solves.count == lanczosComponents.count,
                    "\(label): \(spectrum.solves.count) Lanczos solves, expected \(lanczosComponents.count)")
            if lanczosComponents.isEmpty {
                #expect(spectrum.count(from: .lanczos) == 0)
            } else {
                if comps.count == 1 {
                    #expect(spectrum.count(from: .lanczos) > 0, "\(label): no pair came from Lanczos")
                }
                for solve in spectrum.solves {
                    #expect(solve.report.info == .normal && solve.report.converged == solve.report.requested)
                    #expect((solve.shift != nil) == (kind == .laplacian))
                }
            }
            if kind == .normalizedAdjacency {
                #expect(spectrum.trivialFirst)
                let v0 = graph.degrees.map { ($0 / graph.totalWeight).squareRoot() }
                let c = dot(Array(spectrum.vectors.column(0)), v0)
                #expect(abs(c - 1) <= 1e-12, "\(label): column 0 is not D^{1/2}1/sqrt(S) (cosine \(c))")
            }
        }
    }

    /// Path: L has 2 - 2cos(pi k / n), G has 2cos(pi k / (n + 1)); cycle: L has
    /// 2 - 2cos(2 pi k / n) (double for 0 < k < n/2), A_n = G/2 has cos(2 pi k / n).
    @Test(arguments: [8, MethodChoice().denseLimit])
    func pathAndCycleAnalyticSpectra(denseLimit: Int) throws {
        let count = 7
        let n = 40
        let path = try TestGraphs.path(n)
        let pathL = try solveSpectrum(path, kind: .laplacian, count: count, denseLimit: denseLimit)
        let pathG = try solveSpectrum(path, kind: .adjacency, count: count, denseLimit: denseLimit)
        for k in 1...count {
            let lk = 2 - 2 * cos(Double.pi * Double(k) / Double(n))
            #expect(abs(pathL.values[k - 1] - lk) <= 1e-10, "path L lambda_\(k) = \(pathL.values[k - 1]), want \(lk)")
            let gk = 2 * cos(Double.pi * Double(k) / Double(n + 1))
            #expect(abs(pathG.values[k - 1] - gk) <= 1e-10, "path G mu_\(k) = \(pathG.values[k - 1]), want \(gk)")
            // Eigenvector of L: cos(pi k (i + 1/2) / n), normalised.
            var u = (0..<n).map { cos(Double.pi * Double(k) * (Double($0) + 0.5) / Double(n)) }
            let norm = dot(u, u).squareRoot()
            u = u.map { $0 / norm }
            let c = abs(dot(u, Array(pathL.vectors.column(k - 1))))
            #expect(abs(c - 1) <= 1e-10, "path L eigenvector \(k): |cosine| \(c)")
        }
        try expectMatchesDense(pathL, graph: path, kind: .laplacian, count: count, label: "path L \(denseLimit)")

        for m in [30, 31] {
            let cycle = try TestGraphs.cycle(m)
            let lAll = (1..<m).map { 2 - 2 * cos(2 * Double.pi * Double($0) / Double(m)) }.sorted()
            let aAll = (0..<m).map { cos(2 * Double.pi * Double($0) / Double(m)) }.sorted(by: >)
            let cycleL = try solveSpectrum(cycle, kind: .laplacian, count: count, denseLimit: denseLimit)
            let cycleA = try solveSpectrum(cycle, kind: .normalizedAdjacency, count: count, denseLimit: denseLimit)
            let cycleG = try solveSpectrum(cycle, kind: .adjacency, count: count, denseLimit: denseLimit)
            #expect(cycleL.values.count == count && cycleA.values.count == count && cycleG.values.count == count)
            for j in 0..<min(count, cycleL.values.count, cycleA.values.count, cycleG.values.count) {
                #expect(abs(cycleL.values[j] - lAll[j]) <= 1e-10,
                        "cycle \(m) denseLimit \(denseLimit): L value \(j) = \(cycleL.values[j]), want \(lAll[j])")
                #expect(abs(cycleA.values[j] - aAll[j]) <= 1e-10,
                        "cycle \(m) denseLimit \(denseLimit): A_n value \(j) = \(cycleA.values[j]), want \(aAll[j])")
                #expect(abs(cycleG.values[j] - 2 * aAll[j]) <= 1e-10,
                        "cycle \(m) denseLimit \(denseLimit): G value \(j) = \(cycleG.values[j]), want \(2 * aAll[j])")
            }
            try expectMatchesDense(cycleL, graph: cycle, kind: .laplacian, count: count, label: "cycle \(m) L \(denseLimit)")
        }
    }

    /// With c components with edges, A_n has eigenvalue 1 exactly c times (the trivial vector and
    /// c - 1 Helmert vectors, all known in closed form); with C components in all (isolated nodes
    /// included), L has C - 1 zero eigenvalues on 1-perp.
    @Test(arguments: [8, MethodChoice().denseLimit])
    func componentDerivedPairsOnDisconnectedGraphs(denseLimit: Int) throws {
        let (graph, withEdges) = try TestGraphs.disconnected(isolated: 5, seed: 15)
        let comps = graph.components
        #expect(comps.count == withEdges + 5)
        #expect((0..<comps.count).filter { comps.size($0) == 1 }.count == 5)

        let a = try solveSpectrum(graph, kind: .normalizedAdjacency, count: withEdges + 4, denseLimit: denseLimit)
        let ones = a.values.filter { abs($0 - 1) <= 1e-12 }.count
        #expect(ones == withEdges, "A_n: eigenvalue 1 appears \(ones) times, components with edges: \(withEdges)")
        #expect(Array(a.sources.prefix(withEdges)) == [EigenpairSource](repeating: .component, count: withEdges))
        #expect(a.count(from: .component) == withEdges)
        #expect(a.values[withEdges] < 1 - 1e-6)
        // The eigenvalue-1 space is spanned by the component indicators D^{1/2} 1_c.
        var indicators = DenseMatrix(rows: graph.nodeCount, columns: withEdges)
        var c = 0
        for comp in 0..<comps.count where comps.size(comp) > 1 {
            for r in comps.rows(comp) { indicators[Int(r), c] = graph.degrees[Int(r)].squareRoot() }
            c += 1
        }
        let basis = try indicators.orthonormalBasis()
        #expect(outsideSpan(a.vectors.columns(0..<withEdges), of: basis) <= 1e-12)
        // Isolated nodes: zero rows in every returned non-isolated eigenvector of A_n.
        for comp in 0..<comps.count where comps.size(comp) == 1 {
            let r = Int(comps.rows(comp).first!)
            for j in 0..<a.values.count { #expect(a.vectors[r, j] == 0) }
        }

        let zerosWanted = comps.count - 1
        let l = try solveSpectrum(graph, kind: .laplacian, count: zerosWanted + 3, denseLimit: denseLimit)
        let zeros = l.values.filter { abs($0) <= 1e-12 }.count
        #expect(zeros == zerosWanted, "L: \(zeros) zero eigenvalues, want \(zerosWanted)")
        #expect(l.count(from: .component) == zerosWanted)
        #expect(l.values[zerosWanted] > 1e-6)
        try expectMatchesDense(l, graph: graph, kind: .laplacian, count: zerosWanted + 3, label: "disconnected L")

        // Asking for fewer than the zero eigenspace: all returned are zeros, inside that space.
        let lFew = try solveSpectrum(graph, kind: .laplacian, count: 4, denseLimit: denseLimit)
        #expect(lFew.values.allSatisfy { abs($0) <= 1e-12 })
        try expectMatchesDense(lFew, graph: graph, kind: .laplacian, count: 4, label: "disconnected L, 4 pairs")
        #expect(lFew.nextValue.map { abs($0) <= 1e-12 } == true, "the tie continues past K: nextValue should be 0")
    }

    @Test func solvingTwiceIsBitwiseIdentical() throws {
        let graph = try SpectralFamily.erdosRenyi.graph()
        for kind in RelationOperatorKind.allCases {
            let first = try solveSpectrum(graph, kind: kind, count: 6, denseLimit: 8)
            let second = try solveSpectrum(graph, kind: kind, count: 6, denseLimit: 8)
            #expect(first.count(from: .lanczos) > 0)
            #expect(first.values == second.values, "\(kind.rawValue): values differ between two solves")
            #expect(first.vectors == second.vectors, "\(kind.rawValue): vectors differ between two solves")
        }
        let graph2 = try SpectralFamily.disconnected.graph()
        let a = try solveSpectrum(graph2, kind: .normalizedAdjacency, count: 9)
        let b = try solveSpectrum(graph2, kind: .normalizedAdjacency, count: 9)
        #expect(a.values == b.values && a.vectors == b.vectors)
    }

    /// Lanczos and dense LAPACK agree on the same graph (values to 1e-9, nondegenerate vectors up
    /// to the sign rule).
    @Test func lanczosAndDensePathsAgree() throws {
        let graph = try SpectralFamily.sbm.graph()
        for kind in RelationOperatorKind.allCases {
            let lanczos = try solveSpectrum(graph, kind: kind, count: 6, denseLimit: 8)
            let dense = try solveSpectrum(graph, kind: kind, count: 6)
            #expect(lanczos.count(from: .lanczos) > 0 && dense.count(from: .lanczos) == 0)
            for j in 0..<6 {
                #expect(abs(lanczos.values[j] - dense.values[j]) <= 1e-9 * max(1, abs(dense.values[j])))
                var others = dense.values
                others.remove(at: j)
                if let next = dense.nextValue { others.append(next) }
                let gap = others.map { abs($0 - dense.values[j]) }.min() ?? .infinity
                if gap > 1e-4 {
                    var diff = 0.0
                    for i in 0..<graph.nodeCount { diff = max(diff, abs(lanczos.vectors[i, j] - dense.vectors[i, j])) }
                    #expect(diff <= 1e-7, "\(kind.rawValue) pair \(j): vectors differ by \(diff) (gap \(gap))")
                }
            }
        }
    }

    @Test func invalidCountsAreRejected() throws {
        let graph = try TestGraphs.path(10)
        #expect(throws: EigensolverError.self) { try solveSpectrum(graph, kind: .laplacian, count: 10) }
        #expect(throws: EigensolverError.self) { try solveSpectrum(graph, kind: .adjacency, count: 0) }
        let all = try solveSpectrum(graph, kind: .laplacian, count: 9)
        #expect(all.values.count == 9)
        try expectMatchesDense(all, graph: graph, kind: .laplacian, count: 9, label: "path 10, all of L")
    }

    /// The distributed products on one rank (all N rows owned) against the dense operators.
    @Test func operatorProductsMatchDenseOperators() throws {
        let graph = try SpectralFamily.disconnected.graph()
        var rng = SeededRNG(seed: 99)
        let v = rng.normalMatrix(rows: graph.nodeCount, columns: 3)
        for kind in RelationOperatorKind.allCases {
            let product = withSolverLock { OperatorProducts.apply(singleGraph(graph), kind: kind, to: v) }
            let dense = DenseReference.operatorMatrix(graph, kind: kind) * v
            #expect(maxAbs(product - dense) <= 1e-12, "\(kind.rawValue): products differ")
        }
    }
}
