import CCHOLMOD
import Foundation
import PairGraph

/// The sparse Cholesky factorisation of L_c + eps I, the Laplacian of one connected component
/// plus a small diagonal shift, held by CHOLMOD (32-bit indices). Shift-invert Lanczos applies
/// (L_c + eps I)^{-1} through `solve` (docs/math.md section 7: "on one rank, shift-invert with a CHOLMOD
/// factorisation of L + eps*I").
///
/// This class is the one owner of every CHOLMOD object it uses (common, matrix, factor and the
/// solve's dense workspaces): it allocates them and frees them in `deinit`.
///
/// Two phases, so that the caller can decide on the memory budget before paying for the numeric
/// factorisation: `init` builds the matrix and runs `cholmod_analyze` (CHOLMOD's default ordering
/// strategy: AMD, and METIS/NESDIS as well when AMD's fill is poor; the best one is kept), which
/// gives the exact nonzero count of the factor; `factorize()` then computes it.
final class CholmodFactor {
    let dimension: Int
    let epsilon: Double
    /// Nonzeros of the lower-triangular matrix handed to CHOLMOD (n + nnz(G_c)/2).
    private(set) var matrixNonzeros = 0
    /// nnz(L) of the chosen ordering, from `cholmod_analyze` (Common->lnz: exact for the pattern,
    /// without the explicit zeros of supernodal amalgamation).
    private(set) var factorNonzeros = 0
    /// Flop count of the numeric factorisation (Common->fl).
    private(set) var flops = 0.0
    /// The fill-reducing ordering CHOLMOD picked ("amd", "metis", "nesdis", ...).
    private(set) var ordering = "none"
    /// Bytes the numeric factorisation will hold at its peak, from the symbolic analysis. A
    /// supernodal factor stores its supernodes as dense blocks, L->xsize doubles, which relaxed
    /// amalgamation pads with zeros (2.2 times nnz(L) on R-MAT graphs), plus the integer patterns
    /// (L->ssize) and the largest update matrix (L->maxcsize doubles, workspace of the factorisation);
    /// a simplicial factor stores nnz(L) values and row indices. On the largest components of R-MAT
    /// scale 16 and 18 this came within 10% of the whole run's peak resident size, which
    /// nnz(L) * 12 underestimates 2.3 to 2.7 times.
    private(set) var estimatedBytes = 0
    private(set) var isFactorized = false

    private let common: UnsafeMutablePointer<cholmod_common>
    private var matrix: UnsafeMutablePointer<cholmod_sparse>?
    private var factor: UnsafeMutablePointer<cholmod_factor>?
    private var solution: UnsafeMutablePointer<cholmod_dense>?
    private var workY: UnsafeMutablePointer<cholmod_dense>?
    private var workE: UnsafeMutablePointer<cholmod_dense>?

    /// Builds L_c + eps I on the component's rows (local index t is `block.rows[t]`) as a symmetric
    /// CHOLMOD matrix (lower triangle, stype = -1) and analyses it. Throws when CHOLMOD cannot (out of
    /// memory, or an index overflow of the int version).
    /// - Precondition: the block has no ghosts (a 1-rank run: the factor needs the whole component).
    init(block: ComponentBlock, epsilon: Double) throws {
        precondition(epsilon > 0 && epsilon.isFinite, "eps must be positive")
        let rows = block.rows
        let n = rows.count
        precondition(n == block.size, "shift-invert needs the whole component on one rank")
        dimension = n
        self.epsilon = epsilon
        common = UnsafeMutablePointer<cholmod_common>.allocate(capacity: 1)
        cholmod_start(common)
        common.pointee.print = 0
        // A failed factorisation must not hand back a partial factor silently: stop at the first
        // non-positive pivot and report it (L->minor < n).
        common.pointee.quick_return_if_not_posdef = 1
        // Every stored property is initialised from here on, so a throw below runs deinit, which
        // frees what was allocated so far.

        // Local column -> index in the component (only the component's rows are ever looked up).
        var local = [Int32](repeating: -1, count: block.width)
        for (t, r) in rows.enumerated() { local[Int(r)] = Int32(t) }
        func neighbours(_ t: Int) -> Range<Int> { block.rowStart[t]..<block.rowEnd[t] }

        // Column t holds the diagonal d_t + eps and -w_{st} for every neighbour s > t.
        var nnz = n
        for t in 0..<n {
            for q in neighbours(t) where local[Int(block.columns[q])] > Int32(t) { nnz += 1 }
        }
        matrixNonzeros = nnz
        guard nnz <= Int(Int32.max) else {
            throw EigensolverError.factorization("L + eps I has \(nnz) nonzeros in its lower triangle, beyond CHOLMOD's 32-bit indices")
        }
        matrix = cholmod_allocate_sparse(n, n, nnz, 1, 1, -1, CHOLMOD_REAL, common)
        guard let a = matrix else {
            throw EigensolverError.factorization("CHOLMOD could not allocate L + eps I (\(n) rows, \(nnz) nonzeros; status \(common.pointee.status))")
        }
        let p = a.pointee.p.assumingMemoryBound(to: Int32.self)
        let ix = a.pointee.i.assumingMemoryBound(to: Int32.self)
        let x = a.pointee.x.assumingMemoryBound(to: Double.self)
        var q = 0
        var sorted = true
        for t in 0..<n {
            p[t] = Int32(q)
            ix[q] = Int32(t)
            x[q] = block.degrees[t] + epsilon
            q += 1
            var previous = Int32(t)
            for k in neighbours(t) {
                let s = local[Int(block.columns[k])]
                guard s > Int32(t) else { continue }
                if s <= previous { sorted = false }
                previous = s
                ix[q] = s
                x[q] = -block.weights[k]
                q += 1
            }
        }
        p[n] = Int32(q)
        a.pointee.sorted = sorted ? 1 : 0

        factor = cholmod_analyze(a, common)
        guard let f = factor, common.pointee.status >= CHOLMOD_OK else {
            throw EigensolverError.factorization("cholmod_analyze failed on L + eps I (\(n) rows; status \(common.pointee.status))")
        }
        factorNonzeros = Int(common.pointee.lnz)
        flops = common.pointee.fl
        let columns = 5 * 4 * n  // Perm, ColCount, column pointers and counts, workspace
        if f.pointee.is_super != 0 {
            estimatedBytes = 8 * (f.pointee.xsize + f.pointee.maxcsize) + 4 * f.pointee.ssize
                + 12 * f.pointee.nsuper + columns
        } else {
            estimatedBytes = 12 * factorNonzeros + columns
        }
        switch f.pointee.ordering {
        case CHOLMOD_NATURAL: ordering = "natural"
        case CHOLMOD_GIVEN: ordering = "given"
        case CHOLMOD_AMD: ordering = "amd"
        case CHOLMOD_METIS: ordering = "metis"
        case CHOLMOD_NESDIS: ordering = "nesdis"
        case CHOLMOD_COLAMD: ordering = "colamd"
        case CHOLMOD_POSTORDERED: ordering = "postordered"
        default: ordering = "unknown"
        }
    }

    deinit {
        if solution != nil { cholmod_free_dense(&solution, common) }
        if workY != nil { cholmod_free_dense(&workY, common) }
        if workE != nil { cholmod_free_dense(&workE, common) }
        if factor != nil { cholmod_free_factor(&factor, common) }
        if matrix != nil { cholmod_free_sparse(&matrix, common) }
        cholmod_finish(common)
        common.deallocate()
    }

    /// The numeric factorisation (LL^T, supernodal when CHOLMOD judges it worthwhile). Frees the
    /// input matrix afterwards: only the factor is needed to solve. Throws if a pivot is not
    /// positive (eps too small for the rounding errors) or CHOLMOD runs out of memory.
    func factorize() throws {
        guard !isFactorized else { return }
        guard let a = matrix, let f = factor else {
            throw EigensolverError.factorization("no analysed matrix to factorise")
        }
        let ok = cholmod_factorize(a, f, common)
        let status = common.pointee.status
        if ok == 0 || status != CHOLMOD_OK || f.pointee.minor < dimension {
            let why = status == CHOLMOD_NOT_POSDEF
                ? "L + eps I is not numerically positive definite (pivot \(f.pointee.minor) of \(dimension), eps = \(epsilon))"
                : "cholmod_factorize failed (status \(status))"
            throw EigensolverError.factorization(why)
        }
        cholmod_free_sparse(&matrix, common)
        isFactorized = true
    }

    /// y = (L_c + eps I)^{-1} x (local rows). The result and workspace buffers are allocated by
    /// CHOLMOD on the first call and reused by `cholmod_solve2` after that.
    func solve(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>) {
        precondition(isFactorized, "solve before factorize")
        let n = dimension
        var b = cholmod_dense(nrow: n, ncol: 1, nzmax: n, d: n, x: UnsafeMutableRawPointer(mutating: x), z: nil,
                              xtype: CHOLMOD_REAL, dtype: CHOLMOD_DOUBLE)
        let ok = cholmod_solve2(CHOLMOD_A, factor, &b, nil, &solution, nil, &workY, &workE, common)
        precondition(ok != 0 && solution != nil, "cholmod_solve2 failed (status \(common.pointee.status))")
        let out = solution!.pointee.x.assumingMemoryBound(to: Double.self)
        y.update(from: out, count: n)
    }
}
