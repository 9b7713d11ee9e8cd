/// The residual test every returned eigenpair must pass on the operator the user asked for
/// (docs/math.md section 7.10). With r_j = ||M u_j - lambda_j u_j|| (unit u_j, M in {G, A_n, L}
/// itself, never a shifted or inverted form):
///
///     rho_j = r_j / max(|lambda_j|, phi),   phi = eta ||M|| / tol,   certified iff rho_j <= tol,
///
/// that is r_j <= max(tol |lambda_j|, eta ||M||). The first term resolves a small eigenvalue of L
/// relative to itself; the second is what rounding alone leaves in a computed residual (the product
/// M u sums up to a row's nonzeros in floating point, and u itself is rounded), so that an exact
/// pair, such as a component indicator's zero eigenvalue, certifies. eta = 2^-40 (about 4096 unit
/// roundoffs); ||M|| is `RelationOperator.normBound`.
public struct Certification: Codable, Sendable {
    /// eta: the rounding floor of a computed residual, relative to ||M||.
    public static let roundingFloor = 0x1p-40

    /// The norm in words, the same for every certification: written once, here.
    public static let normDescription = "||M u - lambda u|| / max(|lambda|, phi), phi = 2^-40 ||M|| / tol"

    /// `normDescription`, stored so that each report states the norm it was certified in.
    public let norm: String
    public var tolerance: Double
    /// The bound of ||M|| used in phi.
    public var operatorNorm: Double
    /// phi = eta ||M|| / tol.
    public var floor: Double
    /// rho_j of every returned pair.
    public var values: [Double]
    /// max_j rho_j (0 without pairs).
    public var worst: Double
    /// Indices of the pairs with rho_j > tol.
    public var failing: [Int]
    /// Rounds of refinement (re-solves of the components that held failing pairs) that ran.
    public var refinements: Int = 0

    public var certified: Bool { failing.isEmpty }

    /// Not collective. `residuals[j]` = ||M u_j - eigenvalues[j] u_j|| over the whole graph.
    public init(residuals: [Double], eigenvalues: [Double], operatorNorm: Double, tolerance: Double) {
        precondition(residuals.count == eigenvalues.count)
        // tol 0 asks ARPACK for machine precision; certify at that.
        let tolerance = tolerance > 0 ? tolerance : Double.ulpOfOne
        self.tolerance = tolerance
        self.operatorNorm = operatorNorm
        floor = Self.roundingFloor * operatorNorm / tolerance
        norm = Self.normDescription
        let phi = floor
        let rho = zip(residuals, eigenvalues).map { r, lambda in
            let scale = max(abs(lambda), phi)
            return scale > 0 ? r / scale : (r == 0 ? 0 : .infinity)
        }
        values = rho
        worst = rho.max() ?? 0
        failing = rho.indices.filter { !(rho[$0] <= tolerance) }
    }

    /// The certification of the first `count` pairs (a sweep's smaller K).
    public func prefix(_ count: Int) -> Certification {
        var c = self
        c.values = Array(values.prefix(count))
        c.worst = c.values.max() ?? 0
        c.failing = failing.filter { $0 < count }
        return c
    }

    /// The residual a pair of eigenvalue `lambda` may have.
    public func allowedResidual(_ lambda: Double) -> Double { tolerance * max(abs(lambda), floor) }
}
