import Distributed
import Foundation
import Spectral

/// The eigensolver did not return every pair a step needed, certified: the job ends with exit
/// status 3 and this report of what converged (several lines by design).
public struct NotConverged: Error, CustomStringConvertible, ClassifiedError {
    public let spectrum: Spectrum
    public var failureKind: FailureKind { .numerical }

    public init(spectrum: Spectrum) { self.spectrum = spectrum }

    public var description: String {
        let s = spectrum
        var lines = ["the eigensolver did not converge for \(s.kind.rawValue): \(s.values.count) of \(s.requested) eigenpairs available"]
        for solve in s.solves where solve.report.converged < solve.report.requested {
            let r = solve.report
            lines.append("  component \(solve.component) (\(solve.nodes) nodes): \(r.converged) of \(r.requested) converged after \(r.restarts) restarts, \(r.matvecs) matvecs (ARPACK info \(r.info.code))")
        }
        let c = s.certification
        if !c.certified {
            lines.append(String(format: "  %d pairs not certified at tol %.1e after %d refinements (%@):",
                                c.failing.count, c.tolerance, c.refinements, c.norm))
            for j in c.failing.prefix(16) {
                lines.append(String(format: "    pair %d: lambda = %.12g, ||M u - lambda u|| = %.3e, certified value %.3e",
                                    j + 1, s.values[j], s.residuals[j], c.values[j]))
            }
        }
        let shown = s.values.prefix(8).map { String(format: "%.12g", $0) }.joined(separator: ", ")
        lines.append("  converged eigenvalues: \(shown)\(s.values.count > 8 ? ", ..." : "")")
        lines.append("  try a larger --max-restarts or --ncv, or a looser --tol")
        return lines.joined(separator: "\n")
    }
}
