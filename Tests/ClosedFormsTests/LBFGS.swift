// A small L-BFGS minimiser over a flattened Z (test-only): two-loop recursion and a line search
// satisfying the strong Wolfe conditions (Nocedal & Wright, algorithms 3.5 and 3.6).

import EigenpairTestSupport
import DenseAlgebra
import Foundation

struct LBFGSResult {
    var x: [Double]
    var value: Double
    var gradientNorm: Double
    var iterations: Int
    var evaluations: Int
}

enum LBFGS {
    typealias Objective = ([Double]) -> (value: Double, gradient: [Double])

    private struct Point {
        var step: Double
        var x: [Double]
        var value: Double
        var gradient: [Double]
        var slope: Double
    }

    /// Minimises from x0 until the gradient is negligible (||g|| (1 + ||x||) <= tolerance
    /// max(1, |f|)), no step decreases f any more, or `maxIterations`.
    static func minimize(_ x0: [Double], memory: Int = 12, maxIterations: Int = 3000, tolerance: Double = 1e-13,
                         _ f: Objective) -> LBFGSResult {
        var x = x0
        var (fx, g) = f(x)
        var evaluations = 1
        var s: [[Double]] = [], y: [[Double]] = [], rho: [Double] = []
        var iterations = 0
        while iterations < maxIterations {
            let gnorm = norm(g)
            if gnorm * (1 + norm(x)) <= tolerance * max(1, abs(fx)) { break }
            // Two-loop recursion: d = -H g.
            var q = g
            var alpha = [Double](repeating: 0, count: s.count)
            for i in stride(from: s.count - 1, through: 0, by: -1) {
                alpha[i] = rho[i] * dotProduct(s[i], q)
                axpy(-alpha[i], y[i], &q)
            }
            if let sl = s.last, let yl = y.last {
                let h0 = dotProduct(sl, yl) / dotProduct(yl, yl)
                for i in q.indices { q[i] *= h0 }
            }
            for i in 0..<s.count {
                let beta = rho[i] * dotProduct(y[i], q)
                axpy(alpha[i] - beta, s[i], &q)
            }
            var d = q.map { -$0 }
            var firstStep = 1.0
            if s.isEmpty || dotProduct(d, g) >= 0 {
                d = g.map { -$0 }
                firstStep = 1 / max(gnorm, 1e-300) * max(1, norm(x)) * 1e-2
                s.removeAll(); y.removeAll(); rho.removeAll()
            }
            guard let p = lineSearch(x: x, value: fx, gradient: g, direction: d, firstStep: firstStep,
                                     evaluations: &evaluations, f) else {
                if s.isEmpty { break }
                // Retry from steepest descent with a fresh memory.
                s.removeAll(); y.removeAll(); rho.removeAll()
                continue
            }
            var sk = p.x
            axpy(-1, x, &sk)
            var yk = p.gradient
            axpy(-1, g, &yk)
            let sy = dotProduct(sk, yk)
            if sy > 1e-300 && sy > 1e-14 * norm(sk) * norm(yk) {
                s.append(sk); y.append(yk); rho.append(1 / sy)
                if s.count > memory { s.removeFirst(); y.removeFirst(); rho.removeFirst() }
            }
            x = p.x
            fx = p.value
            g = p.gradient
            iterations += 1
        }
        return LBFGSResult(x: x, value: fx, gradientNorm: norm(g), iterations: iterations, evaluations: evaluations)
    }

    /// Strong Wolfe line search (c1 = 1e-4, c2 = 0.9); nil when no step decreases f.
    private static func lineSearch(x: [Double], value fx: Double, gradient g: [Double], direction d: [Double],
                                   firstStep: Double, evaluations: inout Int, _ f: Objective) -> Point? {
        let c1 = 1e-4, c2 = 0.9
        let slope0 = dotProduct(g, d)
        guard slope0 < 0 else { return nil }
        func evaluate(_ a: Double) -> Point {
            var xa = x
            axpy(a, d, &xa)
            let (fa, ga) = f(xa)
            evaluations += 1
            let finite = fa.isFinite && ga.allSatisfy { $0.isFinite }
            return Point(step: a, x: xa, value: finite ? fa : .infinity, gradient: ga,
                         slope: finite ? dotProduct(ga, d) : .infinity)
        }
        func armijo(_ p: Point) -> Bool { p.value <= fx + c1 * p.step * slope0 }
        func curvature(_ p: Point) -> Bool { abs(p.slope) <= -c2 * slope0 }

        func zoom(_ lo0: Point, _ hi0: Point) -> Point? {
            var lo = lo0, hi = hi0
            for _ in 0..<50 {
                let width = hi.step - lo.step
                // Quadratic through lo (value, slope) and hi (value), safeguarded; else bisect.
                var a = lo.step + width / 2
                if hi.value.isFinite {
                    let denominator = 2 * (hi.value - lo.value - lo.slope * width)
                    if denominator != 0 {
                        let candidate = lo.step - lo.slope * width * width / denominator
                        let lower = min(lo.step, hi.step) + 0.1 * abs(width)
                        let upper = max(lo.step, hi.step) - 0.1 * abs(width)
                        if candidate.isFinite && candidate >= lower && candidate <= upper { a = candidate }
                    }
                }
                let p = evaluate(a)
                if !armijo(p) || p.value >= lo.value {
                    hi = p
                } else {
                    if curvature(p) { return p }
                    if p.slope * (hi.step - lo.step) >= 0 { hi = lo }
                    lo = p
                }
                if abs(hi.step - lo.step) <= 1e-16 * max(abs(lo.step), 1e-300) { break }
            }
            return lo.step > 0 && lo.value < fx ? lo : nil
        }

        var previous = Point(step: 0, x: x, value: fx, gradient: g, slope: slope0)
        var a = firstStep
        for i in 0..<60 {
            let p = evaluate(a)
            if !armijo(p) || (i > 0 && p.value >= previous.value) { return zoom(previous, p) }
            if curvature(p) { return p }
            if p.slope >= 0 { return zoom(p, previous) }
            previous = p
            a *= 2
        }
        return previous.step > 0 ? previous : nil
    }
}

func norm(_ v: [Double]) -> Double { dotProduct(v, v).squareRoot() }

func dotProduct(_ a: [Double], _ b: [Double]) -> Double {
    var s = 0.0
    for i in 0..<a.count { s += a[i] * b[i] }
    return s
}

func axpy(_ a: Double, _ x: [Double], _ y: inout [Double]) {
    for i in 0..<y.count { y[i] += a * x[i] }
}
