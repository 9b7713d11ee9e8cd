import DenseAlgebra
import Distributed
import Foundation
import PairGraph

/// Computes the extreme eigenpairs of a relation operator component by component: the spectrum of
/// a block-diagonal matrix is the union of its blocks' spectra, and Lanczos cannot resolve the
/// copies that identical or disconnected blocks produce (MATH.md section 1). Known eigenvectors come
/// in closed form, small components by dense LAPACK, large ones by Lanczos with the component's
/// known eigenvector deflated.
public struct SpectrumSolver {
    public var settings: LanczosSettings
    public var communicator: Communicator
    /// Progress lines (stderr on the coordinator), called at most about once a second.
    public var progress: ((String) -> Void)?

    public init(settings: LanczosSettings, communicator: Communicator, progress: ((String) -> Void)? = nil) {
        self.settings = settings
        self.communicator = communicator
        self.progress = progress
    }

    private enum Origin {
        case trivial
        case helmert(Int)
        case isolated(Int32)
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

    private struct Candidate {
        var value: Double
        var origin: Origin
        var key: (Int, Int, Int)
    }

    /// Collective. `count` eigenpairs at the wanted end of `kind` (for L: excluding the constant
    /// vector; for A_n: including the trivial D^{1/2} 1 as column 0).
    public func solve(_ graph: SparseGraph, kind: RelationOperatorKind, count: Int) throws -> Spectrum {
        let began = Date()
        let n = graph.nodeCount
        let available = kind == .laplacian ? n - 1 : n
        guard count >= 1, count <= available else {
            throw EigensolverError.invalidRequest("asked for \(count) eigenpairs of \(kind.rawValue), which has \(available)")
        }
        let want = min(count + 1, available)
        let comps = graph.components
        let weights = KnownEigenvectors.weights(graph, kind: kind)
        let indicatorComps = KnownEigenvectors.indicatorComponents(graph, kind: kind)
        var pool: [Candidate] = []

        // Closed-form pairs.
        switch kind {
        case .laplacian:
            for j in 0..<min(max(indicatorComps.count - 1, 0), want) {
                pool.append(Candidate(value: 0, origin: .helmert(j), key: (1, j, 0)))
            }
        case .normalizedAdjacency:
            if !indicatorComps.isEmpty { pool.append(Candidate(value: 1, origin: .trivial, key: (0, 0, 0))) }
            for j in 0..<min(max(indicatorComps.count - 1, 0), want) {
                pool.append(Candidate(value: 1, origin: .helmert(j), key: (1, j, 0)))
            }
        case .adjacency:
            break
        }
        if kind != .laplacian {
            var isolatedTaken = 0
            for c in 0..<comps.count where comps.size(c) == 1 && isolatedTaken < want {
                let r = comps.members[comps.offsets[c]]
                pool.append(Candidate(value: 0, origin: .isolated(r), key: (3, Int(r), 0)))
                isolatedTaken += 1
            }
        }

        // Components with edges.
        var lanczosVectors: [Int: (rows: [Int32], vectors: [Double])] = [:]
        var solves: [ComponentSolve] = []
        // Indicator eigenvalues are the extreme ones (1 for A_n, 0 for L) and simple inside a
        // connected component: when their copies already fill the request, no solve can add to it.
        let extremeCopies = pool.filter { $0.origin.rank <= 1 }.count
        let componentsNeeded = kind == .adjacency || extremeCopies < want
        for c in 0..<comps.count where componentsNeeded && comps.size(c) > 1 {
            let size = comps.size(c)
            let rows = comps.rows(c)
            if size <= settings.denseLimit || (want + 2 >= size && size <= 4096) {
                let values = try denseBlockEigen(graph, rows: rows, kind: kind, weights: weights, vectors: false).values
                for (i, v) in values.enumerated() {
                    pool.append(Candidate(value: v, origin: .dense(component: c, index: i), key: (2, c, i)))
                }
                continue
            }
            let (values, vectors, solve) = try lanczos(graph, component: c, kind: kind, weights: weights,
                                                       count: min(want, size - 2))
            solves.append(solve)
            lanczosVectors[c] = (Array(rows), vectors)
            for (i, v) in values.enumerated() {
                pool.append(Candidate(value: v, origin: .lanczos(component: c, index: i), key: (2, c, i)))
            }
        }

        pool.sort { a, b in
            if a.value != b.value { return kind.wantsSmallest ? a.value < b.value : a.value > b.value }
            return a.key < b.key
        }
        let taken = Array(pool.prefix(count))
        let next = pool.count > count ? pool[count].value : nil

        var vectors = DenseMatrix(rows: n, columns: taken.count)
        var denseCache: [Int: DenseMatrix] = [:]
        for (j, cand) in taken.enumerated() {
            var column = [Double](repeating: 0, count: n)
            switch cand.origin {
            case .trivial:
                column = KnownEigenvectors.trivialVector(graph, weights: weights)
            case .helmert(let h):
                column = KnownEigenvectors.helmertVector(h, graph: graph, comps: indicatorComps, weights: weights)
            case .isolated(let r):
                column[Int(r)] = 1
            case .dense(let c, let i):
                if denseCache[c] == nil {
                    denseCache[c] = try denseBlockEigen(graph, rows: comps.rows(c), kind: kind, weights: weights,
                                                        vectors: true).vectors
                }
                let block = denseCache[c]!
                for (t, r) in comps.rows(c).enumerated() { column[Int(r)] = block[t, i] }
            case .lanczos(let c, let i):
                let (rows, vecs) = lanczosVectors[c]!
                for (t, r) in rows.enumerated() { column[Int(r)] = vecs[i * rows.count + t] }
            }
            var slice = column[...]
            SignRule.normalize(&slice)
            vectors.setColumn(j, slice)
        }
        let values = taken.map(\.value)
        let residuals = OperatorProducts.residuals(graph, kind: kind, values: values, vectors: vectors)
        return Spectrum(kind: kind, values: values, vectors: vectors, sources: taken.map { $0.origin.source },
                        residuals: residuals, solves: solves,
                        trivialFirst: kind == .normalizedAdjacency && taken.first.map { $0.origin.rank == 0 } == true,
                        requested: count, nextValue: next, seconds: Date().timeIntervalSince(began))
    }

    /// Eigenpairs of a small component's block, in the wanted order, with the component's known
    /// eigenvector removed: its eigenvalue is moved past the unwanted end (B - (mu - tau) u u^T),
    /// so the first block.count - 1 pairs are exactly the others.
    private func denseBlockEigen(_ graph: SparseGraph, rows: ArraySlice<Int32>, kind: RelationOperatorKind,
                                 weights: [Double], vectors: Bool) throws -> (values: [Double], vectors: DenseMatrix) {
        let m = rows.count
        var local: [Int32: Int] = [:]
        for (t, r) in rows.enumerated() { local[r] = t }
        var block = DenseMatrix(rows: m, columns: m)
        var maxDegree = 0.0
        for (t, r) in rows.enumerated() {
            let (cols, w) = graph.neighbours(of: Int(r))
            let di = graph.degrees[Int(r)]
            maxDegree = max(maxDegree, di)
            for q in 0..<cols.count {
                let s = local[cols[q]]!
                switch kind {
                case .adjacency: block[t, s] = w[q]
                case .normalizedAdjacency: block[t, s] = w[q] / (di * graph.degrees[Int(cols[q])]).squareRoot()
                case .laplacian: block[t, s] = -w[q]
                }
            }
            if kind == .laplacian { block[t, t] = di }
        }
        var dropLast = false
        if kind != .adjacency {
            let u = KnownEigenvectors.localIndicator(graph, rows: rows, weights: weights)
            let (mu, tau) = kind == .laplacian ? (0.0, 4 * maxDegree + 1) : (1.0, -2.0)
            for s in 0..<m { for t in 0..<m { block[t, s] -= (mu - tau) * u[t] * u[s] } }
            dropLast = true
        }
        let eig = try SymmetricEigen(block, vectors: vectors)
        // Ascending from LAPACK; wanted order is descending for G and A_n.
        var order = Array(0..<m)
        if !kind.wantsSmallest { order.reverse() }
        if dropLast { order.removeLast() }
        let values = order.map { eig.values[$0] }
        var vecs = DenseMatrix(rows: m, columns: vectors ? order.count : 0)
        if vectors { for (j, o) in order.enumerated() { vecs.setColumn(j, eig.vectors.column(o)) } }
        return (values, vecs)
    }

    private func lanczos(_ graph: SparseGraph, component c: Int, kind: RelationOperatorKind, weights: [Double],
                         count: Int) throws -> (values: [Double], vectors: [Double], solve: ComponentSolve) {
        let rows = Array(graph.components.rows(c))
        let deflation = Deflation(kind == .adjacency ? [] : KnownEigenvectors.localIndicator(graph, rows: rows[...], weights: weights))
        var start = rows.map { StartVector.entry(globalRow: Int($0)) }
        deflation.project(&start)
        var label = "\(kind.rawValue), component \(c) (\(rows.count) nodes)"
        var solve = ComponentSolve(component: c, nodes: rows.count, shift: nil,
                                   report: LanczosReport(requested: count, converged: 0, restarts: 0, matvecs: 0,
                                                         krylovDimension: 0, dimension: rows.count, seconds: 0,
                                                         info: 0))

        if kind == .laplacian {
            let plan = try shiftInvertPlan(graph, rows: rows, label: label)
            solve.factorNonzeros = plan.analysedNonzeros
            solve.factorBytes = plan.factorBytes
            solve.methodNote = plan.note
            if plan.factor == nil, let note = plan.note {
                progress?("lanczos \(label): spectral shift (sigma I - L), since \(note)")
            }
            if let factor = plan.factor {
                // Largest theta of P (L_c + eps I)^{-1} P; lambda = 1/theta - eps, same vectors.
                solve.method = LaplacianMethod.shiftInvert.rawValue
                solve.shift = -factor.epsilon
                solve.epsilon = factor.epsilon
                solve.factorOrdering = factor.ordering
                solve.factorSeconds = plan.seconds
                label += ", shift-invert"
                let op = ShiftInvertOperator(factor: factor, deflation: deflation)
                var (values, vectors, report) = try lanczosSolver(label: label)
                    .largest(op, count: count, globalDimension: rows.count, start: start)
                values = values.map { 1 / $0 - factor.epsilon }
                solve.report = report
                return (values, vectors, solve)
            }
            solve.method = LaplacianMethod.spectralShift.rawValue
        }

        var shift: Double? = nil
        if kind == .laplacian {
            // Anderson-Morley: lambda_max(L) <= max over edges of d_i + d_j.
            var sigma = 0.0
            for r in rows {
                let (cols, _) = graph.neighbours(of: Int(r))
                for q in cols { sigma = max(sigma, graph.degrees[Int(r)] + graph.degrees[Int(q)]) }
            }
            shift = sigma
        }
        let op = ComponentOperator(graph: graph, rows: rows, kind: kind, shift: shift ?? 0, deflation: deflation)
        var (values, vectors, report) = try lanczosSolver(label: label)
            .largest(op, count: count, globalDimension: rows.count, start: start)
        if let shift { values = values.map { shift - $0 } }
        solve.shift = shift
        solve.report = report
        return (values, vectors, solve)
    }

    private func lanczosSolver(label: String) -> LanczosSolver {
        LanczosSolver(settings: settings, communicator: communicator) { [progress] matvecs, seconds in
            progress?(String(format: "lanczos %@: %d matvecs, %.1f s", label, matvecs, seconds))
        }
    }

    /// eps of L_c + eps I for shift-invert on a component whose largest degree is `maxDegree`.
    ///
    /// L_c + eps I has eigenvalues lambda + eps, and lambda = 1/theta - eps is exact for any eps, so
    /// eps only has to (a) keep the factorisation stable and (b) stay below the wanted lambdas, so
    /// that 1/(lambda + eps) still separates them. (a): L_c is singular (null vector 1_c), and the
    /// last pivot of the Cholesky factor of L_c + eps I is about n_c eps (det(L_c + eps I) ~ eps n_c
    /// tau, tau the spanning-tree count, over the leading minor ~ tau), computed by cancellation from
    /// entries of order d_max, so it carries a rounding error of order u d_max (u = 1.1e-16); the
    /// same bound limits how much of the 1/eps-amplified 1_c direction leaks into the solve.
    /// eps = 1e-10 d_max leaves a margin of n_c * 1e6 over that error. (b): d_max scales with the
    /// weights, and lambda_1 of a connected component is rarely below 1e-10 d_max (a path of
    /// 10^5 nodes has lambda_1 = 1e-9 d_max); accuracy is not at stake either way: the Ritz value theta
    /// is accurate to a few ulps, so lambda carries an absolute error of a few ulps of lambda + eps.
    static func shiftInvertEpsilon(maxDegree: Double) -> Double {
        1e-10 * maxDegree
    }

    private struct ShiftInvertPlan {
        var factor: CholmodFactor?
        var analysedNonzeros: Int?
        var factorBytes: Int?
        var seconds: Double?
        var note: String?
    }

    /// Decides between shift-invert and the spectral shift for one component's Laplacian and, for
    /// shift-invert, builds the factor (MATH.md section 1: shift-invert only on one rank).
    private func shiftInvertPlan(_ graph: SparseGraph, rows: [Int32], label: String) throws -> ShiftInvertPlan {
        let forced = settings.laplacianMethod == .shiftInvert
        switch settings.laplacianMethod {
        case .spectralShift:
            return ShiftInvertPlan()
        case .auto, .shiftInvert:
            break
        }
        guard communicator.size == 1 else {
            let why = "shift-invert needs a 1-rank run (this one has \(communicator.size) ranks)"
            if forced { throw EigensolverError.invalidRequest(why) }
            return ShiftInvertPlan(note: why)
        }
        let began = Date()
        var maxDegree = 0.0
        var componentNonzeros = 0
        for r in rows {
            maxDegree = max(maxDegree, graph.degrees[Int(r)])
            componentNonzeros += graph.neighbours(of: Int(r)).columns.count
        }
        let epsilon = Self.shiftInvertEpsilon(maxDegree: maxDegree)
        let factor: CholmodFactor
        do {
            progress?("cholmod \(label): analysing L + eps I")
            factor = try CholmodFactor(graph: graph, rows: rows, epsilon: epsilon)
        } catch {
            if forced { throw error }
            return ShiftInvertPlan(note: "\(error)")
        }
        // Bytes of the component's CSC matrix (column pointers, row indices, values), as
        // CholmodMatrix.storageBytes counts them.
        let componentBytes = (rows.count + 1) * 4 + componentNonzeros * 12
        let budget = settings.factorBudget(componentBytes: componentBytes)
        let factorBytes = Double(factor.estimatedBytes)
        if !forced && factorBytes > budget {
            return ShiftInvertPlan(analysedNonzeros: factor.factorNonzeros, factorBytes: factor.estimatedBytes,
                                   note: String(format: "the factor of L + eps I needs %.0f MB (nnz(L) = %d, %@ ordering), over the budget of %.0f MB",
                                                factorBytes / 1e6, factor.factorNonzeros, factor.ordering, budget / 1e6))
        }
        do {
            progress?(String(format: "cholmod %@: factorising, nnz(L) = %d (%@ ordering), about %.0f MB, %.3g flops",
                             label, factor.factorNonzeros, factor.ordering, Double(factor.estimatedBytes) / 1e6,
                             factor.flops))
            try factor.factorize()
        } catch {
            if forced { throw error }
            return ShiftInvertPlan(analysedNonzeros: factor.factorNonzeros, factorBytes: factor.estimatedBytes,
                                   note: "\(error)")
        }
        return ShiftInvertPlan(factor: factor, analysedNonzeros: factor.factorNonzeros,
                               factorBytes: factor.estimatedBytes, seconds: Date().timeIntervalSince(began))
    }
}
