import Foundation

/// VICReg's gamma when the user gives none (docs/math.md section 2): embed's default, and the
/// grid sweep evaluates.
public enum GammaResolution {
    /// Sweep's grid size.
    public static let defaultGammaCount = 13

    /// beta N / S = beta / mean degree: VICReg then keeps the directions whose Laplacian
    /// eigenvalue is below the mean degree.
    public static func defaultGamma(beta: Double, nodes: Int, totalWeight: Double) -> Double {
        beta * Double(nodes) / totalWeight
    }

    /// `count` gammas log-spaced over [beta / lambda_max / 2, 1.5 beta / lambda_min], lambda_min the
    /// smallest positive and lambda_max the largest of `laplacian` (the thresholds at which VICReg
    /// switches directions off: direction k is kept iff gamma < beta / lambda_k). Without a positive
    /// eigenvalue, a grid of two decades around beta N / S.
    public static func defaultGammas(laplacian: [Double], beta: Double, fallback: Double,
                                     count: Int = defaultGammaCount) -> [Double] {
        let positive = laplacian.filter { $0 > 1e-12 * max(1, laplacian.max() ?? 1) }
        var lo: Double, hi: Double
        if let a = positive.min(), let b = positive.max() {
            lo = beta / b / 2
            hi = 1.5 * beta / a
        } else {
            lo = fallback / 10
            hi = fallback * 10
        }
        if !(hi > lo) { hi = lo * 100 }
        let a = log10(lo), b = log10(hi)
        return (0..<count).map { i in
            // Rounded to 6 significant digits, so the grid prints (and is passed back to embed) exactly.
            let v = pow(10, a + (b - a) * Double(i) / Double(count - 1))
            return Double(String(format: "%.6g", v))!
        }
    }

    /// Sweep's gammas without --gammas: the default grid plus embed's default gamma (exactly), so
    /// the sweep shows the point a plain `embed` computes; with the words sweep.json records.
    static func sweepGrid(laplacian: [Double], beta: Double, defaultGamma: Double, largestDimension kMax: Int)
        -> (gammas: [Double], description: String) {
        let grid = defaultGammas(laplacian: laplacian, beta: beta, fallback: defaultGamma)
        let gammas = (grid.contains(defaultGamma) ? grid : grid + [defaultGamma]).sorted()
        return (gammas, "default: \(grid.count) values log-spaced over [beta/lambda_max/2, 1.5 beta/lambda_min] of the Laplacian eigenvalues lambda_1..lambda_\(kMax) (rounded to 6 digits), plus embed's default gamma beta N / S = \(defaultGamma)")
    }
}
