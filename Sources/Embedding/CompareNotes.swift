import ClosedForms
import Foundation

/// compare's notes: what each loss measures, zero-variance columns, and the gap's roundoff rule.
enum CompareNotes {
    /// The surrogate a loss's numbers are about (docs/math.md sections 2-4).
    static func surrogate(_ loss: LossName, hyper: Hyperparameters) -> String {
        switch loss {
        case .vicreg:
            return "measures VICReg with the square variance term, beta ||Cov(Z) - I||_F^2 + (2 gamma / N) tr(Z^T L Z), at beta = \(hyper.beta), gamma = \(hyper.gamma) (not the hinge variance VICReg trains with, which has no closed form); the gap depends on these values and on the scale of Z (see gap_at_best_scale)"
        case .simclr:
            return "measures the spectral-contrastive form of SimCLR with uniform negatives (HaoChen et al. 2021), -(2/S) tr(Z^T G Z) + ||Z^T Z||_F^2 / N^2, not InfoNCE; it depends on the scale of Z (see gap_at_best_scale)"
        case .simclrDegree:
            return "measures the spectral-contrastive form of SimCLR with degree-weighted negatives, -(2/S) tr(Z^T G Z) + ||Z^T D Z||_F^2 / S^2, not InfoNCE; it depends on the scale of Z (see gap_at_best_scale)"
        case .barlow:
            return "measures BarlowTwins at lambda = \(hyper.lambda) on the degree-weighted standardised Z (cross-correlation C = Z_std^T G Z_std / S); it does not depend on the scale of Z"
        }
    }

    static func zeroVariance(_ columns: [Int], loss: LossName) -> String {
        let list = columns.map(String.init).joined(separator: ", ")
        let treatment = loss == .barlow
            ? "BarlowTwins cannot standardise them: each is taken as a zero standardised column (C_kk = 0, adding 1 to the loss)"
            : "they add nothing to span(H Z)"
        return "embedding column\(columns.count == 1 ? "" : "s") \(list) (0-based) \(columns.count == 1 ? "has" : "have") zero variance under this loss's centring (standard deviation <= \(LossFunction.zeroVarianceTolerance) of the root mean square): \(treatment)"
    }

    /// loss - minimum; a difference below 1e-9 relative to max(1, |minimum|) is roundoff and
    /// reported as 0 (the minimum is proven); a larger negative one is kept and flagged.
    static func gap(_ value: Double, minimum: Double, notes: inout [String], what: String) -> Double {
        let raw = value - minimum
        let roundoff = 1e-9 * max(1, abs(minimum))
        if raw < 0 && -raw <= roundoff { return 0 }
        if raw < 0 || raw.isNaN {
            notes.append("\(what) is \(value), below the proven minimum \(minimum) by more than roundoff: the closed form or the evaluation is wrong here; please report it")
        }
        return raw
    }
}
