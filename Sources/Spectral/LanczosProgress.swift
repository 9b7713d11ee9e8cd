import Foundation

/// A snapshot of a running Lanczos solve, for progress lines: work done, how many of the wanted Ritz
/// pairs already pass ARPACK's test, and an extrapolated estimate of the restarts left
/// (docs/math.md 7.14).
public struct LanczosProgress: Sendable, Equatable {
    public var matvecs: Int
    public var seconds: Double
    /// Restarts completed: Ritz updates seen so far (ARPACK's iteration count, iparam(3) at the end).
    public var restarts: Int
    public var wanted: Int
    /// Wanted Ritz values (the `wanted` largest) whose estimate meets ARPACK's test
    /// |beta_m e_m^T s| <= tol max(eps^(2/3), |theta|); nil before the first Ritz update.
    public var converged: Int?
    /// The largest ratio estimate / (tol max(eps^(2/3), |theta|)) over the wanted Ritz values:
    /// every wanted pair has converged when it is at most 1.
    public var worstRatio: Double?
    /// Restarts left if the worst ratio keeps falling at its recent geometric rate; nil until that
    /// rate has been seen fall over at least two restarts.
    public var restartsLeft: Int?
    public var secondsLeft: Double?

    /// "432 matvecs, 9 restarts, 12 of 17 converged (worst estimate 3.2e+02 x tol), about 6 restarts
    /// (4 s) left, 3.1 s"; `unit` names what a matvec is ("matvecs", "filter applications").
    public func summary(unit: String = "matvecs") -> String {
        var parts = ["\(matvecs) \(unit)", "\(restarts) restart\(restarts == 1 ? "" : "s")"]
        if let converged, let worstRatio {
            parts.append(String(format: "%d of %d converged (worst estimate %.1e x tol)", converged, wanted, worstRatio))
        }
        if let restartsLeft, let secondsLeft {
            parts.append(String(format: "about %d restart%@ (%.0f s) left", restartsLeft, restartsLeft == 1 ? "" : "s",
                                secondsLeft))
        }
        parts.append(String(format: "%.1f s", seconds))
        return parts.joined(separator: ", ")
    }
}

/// Follows ARPACK's Ritz values and estimates between reverse-communication calls. pdsaupd keeps
/// them at workl(ipntr(6)) and workl(ipntr(7)) (ncv each) from its first return on, and rewrites
/// them once per implicit restart; a change of either array marks a restart.
struct LanczosProgressTracker {
    let wanted: Int
    let tolerance: Double
    private var last: [Double] = []
    private(set) var restarts = 0
    /// log(worst ratio) after each restart, and the time it was seen.
    private var history: [(logRatio: Double, seconds: Double)] = []
    private var current: (converged: Int, worst: Double)?

    /// ARPACK's eps23 = eps^(2/3) (dsconv).
    static let eps23 = pow(Double.ulpOfOne, 2.0 / 3.0)
    /// How many recent restarts the rate is measured over.
    static let window = 4

    init(wanted: Int, tolerance: Double) {
        self.wanted = wanted
        self.tolerance = tolerance
    }

    /// Reads the `ncv` Ritz values at `ritz` and their estimates at `bounds`.
    mutating func observe(ritz: UnsafePointer<Double>, bounds: UnsafePointer<Double>, ncv: Int, seconds: Double) {
        // Called after every matvec: compare in place, and copy only when a restart rewrote them.
        let values = UnsafeBufferPointer(start: ritz, count: ncv), estimates = UnsafeBufferPointer(start: bounds, count: ncv)
        if last.count == 2 * ncv, last[..<ncv].elementsEqual(values), last[ncv...].elementsEqual(estimates) { return }
        let now = Array(values) + Array(estimates)
        last = now
        // Before the first restart ARPACK's arrays are still zero: nothing to read yet.
        guard now.contains(where: { $0 != 0 }) else { return }
        restarts += 1
        let top = (0..<ncv).sorted { now[$0] != now[$1] ? now[$0] > now[$1] : $0 < $1 }.prefix(wanted)
        let ratios = top.map { abs(now[ncv + $0]) / (tolerance * max(Self.eps23, abs(now[$0]))) }
        let worst = ratios.max() ?? 0
        current = (ratios.filter { $0 <= 1 }.count, worst)
        history.append((log(max(worst, .leastNormalMagnitude)), seconds))
    }

    func snapshot(matvecs: Int, seconds: Double) -> LanczosProgress {
        var p = LanczosProgress(matvecs: matvecs, seconds: seconds, restarts: restarts, wanted: wanted,
                                converged: current?.converged, worstRatio: current?.worst)
        // The worst estimate falls roughly geometrically per restart once Lanczos has found the
        // wanted directions; extrapolate that rate, and say nothing while it is not falling.
        if let worst = current?.worst, worst > 1, history.count >= 3 {
            let k = min(Self.window, history.count - 1)
            let a = history[history.count - 1 - k], b = history[history.count - 1]
            let rate = (a.logRatio - b.logRatio) / Double(k)
            if rate > 0 {
                let left = Int((log(worst) / rate).rounded(.up))
                p.restartsLeft = left
                p.secondsLeft = Double(left) * (b.seconds - a.seconds) / Double(k)
            }
        }
        return p
    }
}
