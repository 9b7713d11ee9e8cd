import CLAPACKE
import Distributed

/// The second half of the uniqueness certificate (docs/math.md 7.12): a short Lanczos run on
/// Q M Q, Q = I - V V' with V the K Ritz vectors a component returned, from a fresh start vector.
/// lambda_{K+1} <= lambda_max(Q M Q) (Courant-Fischer with the span of V), and a copy of lambda_K
/// that the main Krylov space missed (an exact multiplicity, which single-vector Lanczos cannot
/// see from a start orthogonal to it) is the top of Q M Q, where a fresh start does see it.
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

    /// Collective. v <- (I - V V') v, twice (classical Gram-Schmidt loses orthogonality once); BLAS
    /// dgemv for V' v and V d.
    func project(_ v: UnsafeMutablePointer<Double>) {
        let n = localDimension
        var dots = [Double](repeating: 0, count: count)
        for _ in 0..<2 {
            vectors.withUnsafeBufferPointer { w in
                if n > 0 {
                    cblas_dgemv(CblasColMajor, CblasTrans, Int32(n), Int32(count), 1, w.baseAddress, Int32(n), v, 1, 0, &dots, 1)
                } else {
                    for j in 0..<count { dots[j] = 0 }
                }
            }
            communicator.allreduceSum(&dots)
            guard n > 0 else { continue }
            vectors.withUnsafeBufferPointer { w in
                cblas_dgemv(CblasColMajor, CblasNoTrans, Int32(n), Int32(count), -1, w.baseAddress, Int32(n), dots, 1, 1, v, 1)
            }
        }
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
    /// Krylov dimension, restarts and tolerance of the check: a top Ritz value to about 3 digits is
    /// all the certificate needs (its estimate widens the interval, never narrows it).
    static let gapCheckKrylovDimension = 24
    static let gapCheckRestarts = 4
    static let gapCheckTolerance = 1e-3
    /// Seed of the check's start vector (any seed other than the main solve's).
    static let gapCheckSeed: UInt64 = 0x6A9C_E27F_0000_0002

    /// Collective over `communicator` (the ranks holding the component). The top Ritz value of
    /// Q M Q and its Ritz estimate, on M's scale (for L, where the operator is -L: the lowest), and
    /// the matvecs spent; nil when the component has no room past its K pairs.
    func gapCheck(block: ComponentBlock, kind: RelationOperatorKind, deflation: Deflation, vectors: [Double],
                  count: Int, size: Int, communicator: Communicator) throws
        -> (interval: ClosedRange<Double>, matvecs: Int)? {
        let dimension = size - count - (kind == .adjacency ? 0 : 1)
        guard dimension >= 2 else { return nil }
        let base = ComponentOperator(block: block, kind: kind, shift: 0, deflation: deflation)
        let op = RitzComplementOperator(base: base, vectors: vectors, count: count, communicator: communicator)
        var start = block.rows.map { StartVector.entry(globalRow: block.firstRow + Int($0), seed: Self.gapCheckSeed) }
        start.withUnsafeMutableBufferPointer { s in
            if let p = s.baseAddress {
                deflation.project(p)
                op.project(p)
            }
        }
        let settings = LanczosSettings(tolerance: Self.gapCheckTolerance, maxRestarts: Self.gapCheckRestarts,
                                       krylovDimension: min(Self.gapCheckKrylovDimension, dimension))
        let solver = LanczosSolver(settings: settings, communicator: communicator)
        let (_, _, report) = try solver.largest(op, count: 1, globalDimension: size, start: start)
        guard let top = report.leadingRitz else { return nil }
        let interval = kind == .laplacian ? (-top.value - top.bound)...(-top.value + top.bound)
            : (top.value - top.bound)...(top.value + top.bound)
        return (interval, report.matvecs)
    }
}
