import CLAPACKE
import DenseAlgebra
import Distributed
import Foundation

/// The operator of the uniqueness certificate's gap check (docs/math.md 7.12): Q M Q, Q = I - V V'
/// with V the K Ritz vectors a component returned (M is sigma I - L for L). lambda_{K+1} <=
/// lambda_max(Q M Q) (Courant-Fischer with the span of V), and a copy of lambda_K that the main
/// Krylov space missed (an exact multiplicity, which single-vector Lanczos cannot see from a start
/// orthogonal to it) is the top of Q M Q, where a fresh start does see it.
final class RitzComplementOperator: LinearOperator {
    let base: ComponentOperator
    /// This rank's rows of V, column-major.
    let vectors: [Double]
    let count: Int
    let communicator: Communicator
    private var buffer: [Double]
    let localDimension: Int

    init(base: ComponentOperator, vectors: [Double], count: Int, communicator: Communicator) {
        self.base = base
        self.vectors = vectors
        self.count = count
        self.communicator = communicator
        localDimension = base.localDimension
        buffer = [Double](repeating: 0, count: max(base.localDimension, 1))
    }

    /// Collective. v <- (I - V V') v (`projectOut`).
    func project(_ v: UnsafeMutablePointer<Double>) {
        projectOut(v, rows: localDimension, basis: vectors, count: count, communicator: communicator)
    }

    func apply(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>) {
        buffer.withUnsafeMutableBufferPointer { b in
            let p = b.baseAddress!
            for i in 0..<localDimension { p[i] = x[i] }
            project(p)
            base.apply(UnsafePointer(p), into: y)
        }
        project(y)
    }
}

extension SpectrumSolver {
    /// At most this many Lanczos steps (products, and stored vectors) in the check.
    static let gapCheckMaxSteps = 48
    /// The probability, over a uniformly random start direction, that the check's bound fails
    /// (docs/math.md 7.12).
    static let gapCheckFailureProbability = 1e-9
    /// Seed of the check's start vector (any seed other than the main solve's).
    static let gapCheckSeed: UInt64 = 0x6A9C_E27F_0000_0002

    /// A standard normal entry of the check's start vector (Box-Muller on two hashes of the global
    /// row, so every rank count starts from the same vector): its direction is then uniform on the
    /// sphere, the law the bound's probability is stated for.
    static func gapCheckStartEntry(globalRow: Int) -> Double {
        let u = 0.5 * (1 - StartVector.entry(globalRow: globalRow, seed: gapCheckSeed))   // (0, 1]
        let angle = Double.pi * StartVector.entry(globalRow: globalRow, seed: gapCheckSeed &+ 1)
        return (-2 * log(u)).squareRoot() * cos(angle)
    }

    /// Collective over `communicator` (the ranks holding the component). Lanczos with full
    /// reorthogonalisation on B = Q M Q (for L: Q (sigma I - L) Q, sigma >= lambda_max(L_c)) restricted
    /// to the complement W of the component's returned vectors and its known eigenvector, and the
    /// interval it gives for the component's next eigenvalue on M's scale: the far end is theta_max
    /// (a Rayleigh quotient in W), the near end `LanczosUpperBound`'s t* (with a rounding margin). It
    /// stops once t* has claimed half of the gap the component shows, once a Ritz value of B reaches
    /// the component's lambda_K (no gap to show: a missed copy), or after `gapCheckMaxSteps`. When
    /// t* still reaches lambda_K then, ARPACK converges B's top pair to `tolerance` from the top
    /// Ritz vector, and the interval is its value +- its Ritz estimate (`converge`'s verdict, at the
    /// price of one pair). `values`: the component's returned eigenvalues. nil when W is empty.
    func gapCheck(block: ComponentBlock, kind: RelationOperatorKind, deflation: Deflation, vectors: [Double],
                  values: [Double], sigma: Double, size: Int, tolerance: Double, communicator: Communicator) throws
        -> (interval: ClosedRange<Double>, matvecs: Int)? {
        let dimension = size - values.count - (kind == .adjacency ? 0 : 1)
        guard dimension >= 1, !values.isEmpty else { return nil }
        let laplacian = kind == .laplacian
        let base = ComponentOperator(block: block, kind: kind, shift: laplacian ? sigma : 0, deflation: deflation)
        let op = RitzComplementOperator(base: base, vectors: vectors, count: values.count, communicator: communicator)
        // The component's lambda_K on B's scale (the smallest returned value there).
        let kth = values.map { laplacian ? sigma - $0 : $0 }.min()!
        let n = op.localDimension
        var v = block.rows.map { Self.gapCheckStartEntry(globalRow: block.firstRow + Int($0)) }
        v.withUnsafeMutableBufferPointer { s in
            if let p = s.baseAddress {
                deflation.project(p)
                op.project(p)
            }
        }
        let logInverseDelta = LanczosUpperBound.logInverseDelta(dimension: dimension,
                                                                failureProbability: Self.gapCheckFailureProbability)
        let steps = min(Self.gapCheckMaxSteps, dimension)
        let k = values.count
        // Each step orthogonalises M v_j against [V | v_1 ... v_j] at once: Q's projection and the
        // full reorthogonalisation in one pass over the columns, with one reduction. v_j lies in W
        // (it was orthogonalised against V), so B v_j = Q M v_j: a projection before M would remove
        // rounding only.
        var top = 0.0, near = 0.0
        let run = try ShortLanczos(rows: n, start: v, steps: steps, fixed: [(vectors, k)], communicator: communicator,
                                   product: { x, y in base.apply(x, into: y) }) { run in
            let ritz = try SymmetricEigen(run.tridiagonal, vectors: false).values
            top = ritz.last!
            // Full reorthogonalisation makes T_m exact for a matrix within a few ulps of B's norm.
            let margin = 1e-10 * max(abs(ritz.first!), abs(top), run.beta.max()!)
            near = LanczosUpperBound.bound(ritz: ritz, betas: run.beta, logInverseDelta: logInverseDelta) + margin
            return near <= (kth + top) / 2 || top >= kth - 1e-9 * max(1, abs(kth)) || run.residualNorm <= margin
        }
        guard run.steps > 0 else { return nil }
        var (far, matvecs) = (top, run.steps)
        if near >= kth && top < kth - 1e-9 * max(1, abs(kth)) {
            // No gap shown, none ruled out: converge B's top pair instead, from its Ritz vector.
            let s = Array(try SymmetricEigen(run.tridiagonal).vectors.column(run.steps - 1))
            var y = [Double](repeating: 0, count: max(n, 1))
            withExtendedLifetime(run.storage) {
                cblas_dgemv(CblasColMajor, CblasNoTrans, Int32(n), Int32(s.count), 1, run.basis, Int32(n), s, 1, 0, &y, 1)
            }
            let settings = LanczosSettings(tolerance: tolerance, maxRestarts: self.settings.maxRestarts,
                                           krylovDimension: min(LanczosSettings.defaultKrylovDimension(1), dimension))
            let solver = LanczosSolver(settings: settings, communicator: communicator)
            let (values, _, report) = try solver.largest(op, count: 1, globalDimension: size, start: Array(y.prefix(n)))
            matvecs += report.matvecs
            if let theta = values.first, let estimate = report.leadingRitz?.bound {
                (far, near) = (theta - estimate, theta + estimate)
            }
        }
        let interval = laplacian ? (sigma - near)...(sigma - far) : far...near
        return (interval, matvecs)
    }

}

/// Collective. v <- (I - B B') v for B the orthonormal columns of `blocks` side by side (each
/// column-major with `rows` local rows, its first `count` columns used) by classical Gram-Schmidt,
/// BLAS dgemv per block and one reduction for all of B' v, repeated once when the first pass
/// removed more than half of v's norm squared (||v|| fell below 1 / sqrt(2) of `normBefore`: the
/// criterion of Daniel, Gragg, Kaufman and Stewart that ARPACK's dsaitr applies), where one pass
/// can lose orthogonality; `normBefore` infinity repeats it always. `corrected` sees each pass's
/// coefficients (a Lanczos step adds the current vector's to alpha). Returns ||v||. A rank without
/// rows still takes part in the reductions.
@discardableResult
func orthogonalise(_ v: UnsafeMutablePointer<Double>, rows n: Int, blocks: [(columns: UnsafePointer<Double>, count: Int)],
                   normBefore: Double = .infinity, communicator: Communicator,
                   corrected: ([Double]) -> Void = { _ in }) -> Double {
    var dots = [Double](repeating: 0, count: blocks.reduce(0) { $0 + $1.count })
    var reference = normBefore, norm = 0.0
    for _ in 0..<2 {
        dots.withUnsafeMutableBufferPointer { d in
            var offset = 0
            for (columns, count) in blocks {
                if n > 0 && count > 0 {
                    cblas_dgemv(CblasColMajor, CblasTrans, Int32(n), Int32(count), 1, columns, Int32(n), v, 1, 0,
                                d.baseAddress! + offset, 1)
                } else {
                    for j in 0..<count { d[offset + j] = 0 }
                }
                offset += count
            }
        }
        communicator.allreduceSum(&dots)
        corrected(dots)
        if n > 0 {
            var offset = 0
            for (columns, count) in blocks where count > 0 {
                dots.withUnsafeBufferPointer { d in
                    cblas_dgemv(CblasColMajor, CblasNoTrans, Int32(n), Int32(count), -1, columns, Int32(n),
                                d.baseAddress! + offset, 1, 1, v, 1)
                }
                offset += count
            }
        }
        norm = communicator.allreduceSum((0..<n).reduce(0.0) { $0 + v[$1] * v[$1] }).squareRoot()
        if norm > 0.717 * reference { break }
        reference = norm
    }
    return norm
}

/// Collective. v <- (I - B B') v, classical Gram-Schmidt twice (`orthogonalise` without its
/// criterion): one pass loses orthogonality.
func projectOut(_ v: UnsafeMutablePointer<Double>, rows n: Int, basis: [Double], count: Int,
                communicator: Communicator) {
    _ = withBlockPointers([(basis, count)]) { orthogonalise(v, rows: n, blocks: $0, communicator: communicator) }
}

/// `body` with each array's storage as a pointer (an empty array gives a dangling but unread one:
/// its count is 0). The pointers are valid only inside `body`.
func withBlockPointers<R>(_ blocks: [(columns: [Double], count: Int)],
                          _ body: ([(columns: UnsafePointer<Double>, count: Int)]) throws -> R) rethrows -> R {
    func nest(_ i: Int, _ done: [(columns: UnsafePointer<Double>, count: Int)]) throws -> R {
        guard i < blocks.count else { return try body(done) }
        return try blocks[i].columns.withUnsafeBufferPointer { b in
            try nest(i + 1, done + [(b.baseAddress ?? UnsafePointer(bitPattern: MemoryLayout<Double>.alignment)!, blocks[i].count)])
        }
    }
    return try nest(0, [])
}
