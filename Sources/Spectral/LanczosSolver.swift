import CPARPACK
import Distributed
import Foundation
import PairGraph

/// Implicitly restarted Lanczos through PARPACK's reverse communication (pdsaupd/pdseupd). With a
/// 1-rank communicator this is plain ARPACK; with P ranks each holds its rows of every vector.
/// Not reentrant (ARPACK keeps Fortran SAVE state): one solve at a time per process.
public struct LanczosSolver {
    public let settings: LanczosSettings
    public var communicator: Communicator
    /// Called about once a second with the solve's progress; coordinator only.
    public var progress: ((LanczosProgress) -> Void)?
    /// Seconds between progress calls.
    public var progressInterval: Double = 1
    /// Memory for the Krylov basis, at least `localDimension x ncv` doubles (its contents are
    /// overwritten); after `largest` its ncv columns span the last Krylov space (pdseupd rotates
    /// them by an orthogonal matrix, which keeps the span).
    var workspace: KrylovBasisStorage?

    public init(settings: LanczosSettings, communicator: Communicator, progress: ((LanczosProgress) -> Void)? = nil) {
        self.settings = settings
        self.communicator = communicator
        self.progress = progress
    }

    /// Collective. The `count` largest algebraic eigenpairs of `op`, starting from `start`
    /// (this rank's rows). Returns the converged pairs in descending order of eigenvalue; vectors
    /// are column-major `localDimension x converged`.
    /// - Precondition: `op.localDimension >= 1` on every rank: PARPACK's pdsaupd rejects a local
    ///   dimension of 0 (info = -1) on that rank alone, and the others then wait for it forever.
    ///   Run on a communicator of the ranks that hold rows (see `SpectrumSolver.lanczos`).
    public func largest(_ op: some LinearOperator, count: Int, globalDimension: Int, start: [Double])
        throws -> (values: [Double], vectors: [Double], report: LanczosReport)
    {
        let n = op.localDimension
        precondition(n >= 1, "PARPACK needs at least one local row on every rank of the communicator")
        guard count >= 1, count < globalDimension else {
            throw EigensolverError.invalidRequest("Lanczos needs 1 <= nev < dimension (nev = \(count), n = \(globalDimension))")
        }
        let ncv = settings.krylovDimension(nev: count, dimension: globalDimension)
        guard ncv > count else {
            throw EigensolverError.invalidRequest("Krylov dimension \(ncv) must exceed the number of eigenpairs \(count)")
        }
        let comm = communicator.fortranHandle
        var ido: Int32 = 0
        var info: Int32 = 1
        var resid = start
        // A caller that gives a workspace reads the basis from it afterwards: it must fit.
        precondition(workspace?.holds(n * ncv) ?? true, "the workspace holds fewer than \(n) x \(ncv) doubles")
        let basis = workspace ?? KrylovBasisStorage(count: n * ncv)
        // ARC may free an object after its last use; ARPACK holds `v` until pdseupd returns.
        defer { withExtendedLifetime(basis) {} }
        let v = basis.pointer
        var iparam = [Int32](repeating: 0, count: 11)
        iparam[0] = 1
        iparam[2] = Int32(settings.maxRestarts)
        iparam[6] = 1
        var ipntr = [Int32](repeating: 0, count: 11)
        var workd = [Double](repeating: 0, count: max(3 * n, 1))
        let lworkl = ncv * (ncv + 8)
        var workl = [Double](repeating: 0, count: lworkl)
        let began = Date()
        var lastReport = began
        var matvecs = 0
        // Seconds inside the operator's products; the rest of the solve is ARPACK's own vector work
        // (the Chebyshev filter's degree weighs the two, docs/math.md 7.11).
        var operatorSeconds = 0.0
        var tracker = LanczosProgressTracker(wanted: count, tolerance: settings.tolerance)
        repeat {
            pdsaupd_c(comm, &ido, "I", Int32(n), "LA", Int32(count), settings.tolerance, &resid, Int32(ncv),
                      v, Int32(max(n, 1)), &iparam, &ipntr, &workd, &workl, Int32(lworkl), &info)
            if ido == 1 || ido == -1 {
                let applying = MatvecClock.now()
                workd.withUnsafeMutableBufferPointer { w in
                    let base = w.baseAddress!
                    op.apply(UnsafePointer(base + Int(ipntr[0] - 1)), into: base + Int(ipntr[1] - 1))
                }
                operatorSeconds += MatvecClock.now() - applying
                matvecs += 1
                if let progress {
                    let now = Date()
                    let seconds = now.timeIntervalSince(began)
                    workl.withUnsafeBufferPointer { w in
                        tracker.observe(ritz: w.baseAddress! + Int(ipntr[5] - 1), bounds: w.baseAddress! + Int(ipntr[6] - 1),
                                        ncv: ncv, seconds: seconds)
                    }
                    if now.timeIntervalSince(lastReport) >= progressInterval {
                        lastReport = now
                        progress(tracker.snapshot(matvecs: matvecs, seconds: seconds))
                    }
                }
            }
        } while ido == 1 || ido == -1
        let outcome = ArpackInfo(code: Int(info))
        if outcome.isError { throw EigensolverError.arpack(routine: "pdsaupd", info: outcome) }
        let converged = Int(iparam[4])
        // pdsaup2 leaves the final Ritz values of H (ncv of them, the `count` wanted ones first) at
        // ipntr(6) of workl and their Ritz estimates |beta_m e_m' s| = ||A y - theta y|| at ipntr(7);
        // pdseupd overwrites workl, so read them now. The largest unwanted one localises an
        // eigenvalue within its estimate: the uniqueness certificate's input (docs/math.md 7.12).
        let ritz = Int(ipntr[5]) - 1, bounds = Int(ipntr[6]) - 1
        let unwanted = (count..<ncv).max { workl[ritz + $0] != workl[ritz + $1] ? workl[ritz + $0] < workl[ritz + $1] : $0 > $1 }
        let nextRitz = unwanted.map { (value: workl[ritz + $0], bound: abs(workl[bounds + $0])) }
        // The top Ritz value and its estimate, converged or not (the gap check reads it).
        let finalRitz = (0..<ncv).map { workl[ritz + $0] }.sorted(by: >)
        let leading = (0..<ncv).max { workl[ritz + $0] != workl[ritz + $1] ? workl[ritz + $0] < workl[ritz + $1] : $0 > $1 }
            .map { (value: workl[ritz + $0], bound: abs(workl[bounds + $0])) }
        var values: [Double] = []
        var vectors: [Double] = []
        if converged > 0 {
            var select = [Int32](repeating: 1, count: ncv)
            var d = [Double](repeating: 0, count: count)
            // The Ritz vectors go into the basis itself, which pdseupd allows ("Z may be set equal to
            // the first NEV columns of V"), unless the caller reads the basis afterwards: no n x count
            // array to zero and touch first (docs/benchmarks.md, "First touches").
            let separate = workspace == nil ? nil : UnsafeMutablePointer<Double>.allocate(capacity: max(n * count, 1))
            defer { separate?.deallocate() }
            let z = separate ?? v
            var einfo: Int32 = 0
            pdseupd_c(comm, 1, "A", &select, &d, z, Int32(max(n, 1)), 0, "I", Int32(n), "LA", Int32(count),
                      settings.tolerance, &resid, Int32(ncv), v, Int32(max(n, 1)), &iparam, &ipntr, &workd,
                      &workl, Int32(lworkl), &einfo)
            if einfo != 0 { throw EigensolverError.arpack(routine: "pdseupd", info: ArpackInfo(code: Int(einfo))) }
            let got = min(converged, count)
            let order = (0..<got).sorted { d[$0] > d[$1] }
            values = order.map { d[$0] }
            vectors.reserveCapacity(n * got)
            for j in order { vectors.append(contentsOf: UnsafeBufferPointer(start: z + j * n, count: n)) }
        }
        var report = LanczosReport(requested: count, converged: values.count, restarts: Int(iparam[2]),
                                   matvecs: matvecs, krylovDimension: ncv, dimension: globalDimension,
                                   seconds: Date().timeIntervalSince(began), info: outcome,
                                   nextRitzValue: nextRitz?.value, nextRitzBound: nextRitz?.bound)
        report.leadingRitz = leading
        report.finalRitz = finalRitz
        report.operatorSeconds = operatorSeconds
        return (values, vectors, report)
    }
}
