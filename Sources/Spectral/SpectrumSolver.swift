import DenseAlgebra
import Distributed
import Foundation
import PairGraph

/// Computes the extreme eigenpairs of a relation operator component by component: the spectrum of
/// a block-diagonal matrix is the union of its blocks' spectra, and Lanczos cannot resolve the
/// copies that identical or disconnected blocks produce (docs/math.md section 7). Known eigenvectors come
/// in closed form, small components by dense LAPACK, large ones by Lanczos with the component's
/// known eigenvector deflated.
///
/// Distributed: every rank holds a block of rows of G (`DistributedGraph`) and gets back its rows
/// of the eigenvectors; no rank holds the whole graph or a whole vector. A 1-rank run is the same
/// code with P = 1, and the results do not depend on P (start vectors, component numbering,
/// Helmert bases, candidate order and the sign rule are functions of global rows only).
public struct SpectrumSolver {
    /// The Lanczos iteration's settings (ARPACK's tolerance, restarts, Krylov dimension).
    public let settings: LanczosSettings
    /// Dense limit, the Laplacian's method, how lambda_{K+1} is found.
    public let method: MethodChoice
    /// Progress lines (stderr on the coordinator), called at most about once a second.
    public var progress: ((String) -> Void)?
    /// BoomerAMG's settings for AMG shift-invert and LOBPCG (the defaults; tests pass others to make
    /// hypre fail).
    let amgSettings: AMGSettings

    /// The solve runs on the communicator of the graph it is given.
    public init(settings: LanczosSettings = LanczosSettings(), method: MethodChoice = MethodChoice(),
                progress: ((String) -> Void)? = nil) {
        self.init(settings: settings, method: method, amgSettings: AMGSettings(), progress: progress)
    }

    init(settings: LanczosSettings = LanczosSettings(), method: MethodChoice = MethodChoice(), amgSettings: AMGSettings,
         progress: ((String) -> Void)? = nil) {
        self.settings = settings
        self.method = method
        self.amgSettings = amgSettings
        self.progress = progress
    }

    enum Origin {
        case trivial
        case helmert(Int)
        case isolated(component: Int)
        case dense(component: Int, index: Int)
        case lanczos(component: Int, index: Int)

        var rank: Int {
            switch self {
            case .trivial: return 0
            case .helmert: return 1
            case .dense, .lanczos: return 2
            case .isolated: return 3
            }
        }

        var source: EigenpairSource {
            switch self {
            case .trivial, .helmert, .isolated: return .component
            case .dense: return .dense
            case .lanczos: return .lanczos
            }
        }
    }

    /// The pool is sorted by value, then by this key, which is unique and depends on global
    /// numbering only. Isolated nodes are keyed by component, which orders them by row (size-1
    /// components are numbered by their row).
    struct Candidate {
        var value: Double
        var origin: Origin
        var key: (Int, Int, Int)
    }

    static func precedes(_ a: Candidate, _ b: Candidate, smallestFirst: Bool) -> Bool {
        if a.value != b.value { return smallestFirst ? a.value < b.value : a.value > b.value }
        return a.key < b.key
    }

    /// Whether a component of `size` rows goes to dense LAPACK when `want` pairs are wanted.
    func isDense(size: Int, want: Int) -> Bool {
        size <= method.denseLimit || (want + 2 >= size && size <= 4096)
    }

    /// Collective over `graph.communicator`. `count` eigenpairs at the wanted end of `kind` (for L:
    /// excluding the constant vector; for A_n: including the trivial D^{1/2} 1 as column 0).
    /// `vectors` holds this rank's owned rows (`graph.localRowCount` x taken, `firstRow` =
    /// `graph.firstRow`); everything else is identical on every rank.
    public func solve(_ graph: DistributedGraph, kind: RelationOperatorKind, count: Int) throws -> Spectrum {
        let began = Date()
        let world = graph.communicator
        let n = graph.nodeCount
        let available = kind == .laplacian ? n - 1 : n
        guard count >= 1, count <= available else {
            throw EigensolverError.invalidRequest("asked for \(count) eigenpairs of \(kind.rawValue), which has \(available)")
        }
        let want = min(count + 1, available)
        let comps = graph.components
        let weights = KnownEigenvectors.weights(graph, kind: kind)
        let helmertCount = min(max(KnownEigenvectors.indicatorCount(graph, kind: kind) - 1, 0), want)
        var pool: [Candidate] = []

        // Closed-form pairs.
        switch kind {
        case .laplacian:
            for j in 0..<helmertCount { pool.append(Candidate(value: 0, origin: .helmert(j), key: (1, j, 0))) }
        case .normalizedAdjacency:
            if comps.componentsWithEdges > 0 { pool.append(Candidate(value: 1, origin: .trivial, key: (0, 0, 0))) }
            for j in 0..<helmertCount { pool.append(Candidate(value: 1, origin: .helmert(j), key: (1, j, 0))) }
        case .adjacency:
            break
        }
        if kind != .laplacian {
            // Size-1 components come last in the numbering.
            let first = comps.componentsWithEdges
            for c in first..<min(comps.count, first + want) {
                pool.append(Candidate(value: 0, origin: .isolated(component: c), key: (3, c, 0)))
            }
        }

        // Components with edges. Indicator eigenvalues are the extreme ones (1 for A_n, 0 for L) and
        // simple inside a connected component: when their copies already fill the request, no solve
        // can add to it.
        let extremeCopies = pool.filter { $0.origin.rank <= 1 }.count
        let componentsNeeded = kind == .adjacency || extremeCopies < want
        var lanczosResults: [Int: LanczosResult] = [:]
        var dense = DenseComponents()
        // The closed-form extreme copies precede every deflated Lanczos pair in the pool, so a
        // component can place at most `want - extremeCopies` pairs: asking ARPACK for more
        // converges pairs that are never used (about 10-25% more matvecs in tight clusters).
        // `.ritzBound`: pair K+1 of a Lanczos component is only localised (ARPACK's Ritz estimate),
        // not converged (docs/math.md 7.12); dense and closed-form candidates stay exact.
        let ritzBound = method.nextEigenvalue == .ritzBound
        let lanczosWant = max(want - extremeCopies - (ritzBound ? 1 : 0), 1)
        if componentsNeeded {
            var small: [Range<Int>] = [], large: [Int] = []
            var first = 0
            for sizeClass in comps.sizeClasses {
                let range = first..<(first + sizeClass.count)
                first += sizeClass.count
                guard sizeClass.size > 1 else { continue }
                if isDense(size: sizeClass.size, want: want) { small.append(range) } else { large += Array(range) }
            }
            dense = try DenseComponents.gather(graph, isSmall: { c in small.contains { $0.contains(c) } }, kind: kind)
            pool += try dense.candidates(kind: kind, want: want, communicator: world)
            for c in large {
                lanczosResults[c] = try lanczos(graph, component: c, kind: kind, weights: weights,
                                                count: min(lanczosWant, comps.size(c) - 2), tolerance: settings.tolerance)
            }
        }

        // Merge, build the vectors, certify on M itself (docs/math.md section 7.10); refine the
        // components that hold failing pairs with a tighter ARPACK tolerance, warm-started.
        let relation = RelationOperator(kind, graph: graph)
        var refinements = 0
        while true {
            var all = pool
            for (c, result) in lanczosResults.sorted(by: { $0.key < $1.key }) {
                for (i, v) in result.values.enumerated() {
                    all.append(Candidate(value: v, origin: .lanczos(component: c, index: i), key: (2, c, i)))
                }
            }
            all.sort { Self.precedes($0, $1, smallestFirst: kind.wantsSmallest) }
            let taken = Array(all.prefix(count))
            var next = all.count > count ? all[count].value : nil
            let vectors = try assembleVectors(taken, graph: graph, kind: kind, weights: weights,
                                              helmertCount: helmertCount, dense: dense, lanczos: lanczosResults)
            let values = taken.map(\.value)
            let residuals = relation.residuals(values: values, vectors: vectors)
            var certification = Certification(residuals: residuals, eigenvalues: values,
                                              operatorNorm: relation.normBound, tolerance: settings.tolerance)
            certification.refinements = refinements
            let retry = refinements < Self.maxRefinements
                ? refinementTolerances(certification, taken: taken, residuals: residuals, lanczos: lanczosResults) : [:]
            if certification.certified || retry.isEmpty {
                let tails = ritzBound ? lanczosResults.sorted { $0.key < $1.key }.flatMap(\.value.tails) : []
                // Only a complete spectrum has a lambda_K to certify a gap at (a failed solve has none).
                let gap = values.count == count
                    ? GapCertificate(lambdaK: values[count - 1], residualK: residuals[count - 1], exactNext: next,
                                     tails: tails, smallestFirst: kind.wantsSmallest, method: method.nextEigenvalue)
                    : nil
                if let gap, !gap.exactNextIsNext(next, tails: tails, smallestFirst: kind.wantsSmallest) { next = nil }
                let solves = lanczosResults.sorted { $0.key < $1.key }.map(\.value.solve)
                return Spectrum(kind: kind, values: values, vectors: vectors, sources: taken.map { $0.origin.source },
                                residuals: residuals, solves: solves,
                                trivialFirst: kind == .normalizedAdjacency && taken.first.map { $0.origin.rank == 0 } == true,
                                requested: count, nextValue: next, seconds: Date().timeIntervalSince(began),
                                firstRow: graph.firstRow, certification: certification, gap: gap)
            }
            refinements += 1
            for (c, tolerance) in retry.sorted(by: { $0.key < $1.key }) {
                let previous = lanczosResults[c]!
                if world.isCoordinator {
                    progress?(String(format: "certify %@, component %d: %d pairs above tol, re-solving with ARPACK tol %.1e",
                                     kind.rawValue, c, certification.failing.count, tolerance))
                }
                var result = try lanczos(graph, component: c, kind: kind, weights: weights,
                                         count: previous.solve.report.requested, tolerance: tolerance,
                                         warmStart: previous)
                result.solve.refinements = refinements
                result.solve.report.matvecs += previous.solve.report.matvecs
                if let earlier = previous.solve.gapCheckMatvecs {
                    result.solve.gapCheckMatvecs = (result.solve.gapCheckMatvecs ?? 0) + earlier
                }
                result.solve.report.restarts += previous.solve.report.restarts
                if let earlier = previous.solve.amg, var amg = result.solve.amg {
                    amg.solves += earlier.solves
                    amg.iterations += earlier.iterations
                    amg.unconverged += earlier.unconverged
                    amg.setupSeconds += earlier.setupSeconds
                    result.solve.amg = amg
                }
                result.solve.report.seconds += previous.solve.report.seconds
                lanczosResults[c] = result
            }
        }
    }
}
