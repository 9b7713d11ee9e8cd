import ClosedForms
import Foundation
import Output
import PairGraph
import Spectral

/// The solver and graph options of embed, sweep and compare, as typed (`--tol`, `--ncv`, ...);
/// `SolverSettings` validates them.
public protocol SolverChoices {
    var tol: Double { get }
    var ncv: Int? { get }
    var maxRestarts: Int { get }
    var laplacianMethodName: String { get }
    /// GB.
    var factorBudget: Double { get }
    var nextEigenvalueName: String { get }
    var filterName: String { get }
    var mergeName: String { get }
    var largestComponent: Bool { get }
}

/// Validated solver and graph settings.
struct SolverSettings {
    let configuration: SolverConfiguration
    let merge: MergeRule
    let largestComponent: Bool

    /// `dimension`: the largest K solved for, named `dimensionOption` in the message.
    /// - Throws: `UsageError` naming the option on a bad value.
    init(_ c: some SolverChoices, dimension: Int, dimensionOption: String = "the largest dimension") throws {
        guard c.tol.isFinite, c.tol >= 0, c.tol < 1 else { throw UsageError("--tol must be in [0, 1) (got \(c.tol))") }
        guard c.maxRestarts >= 1 else { throw UsageError("--max-restarts must be at least 1") }
        if let ncv = c.ncv, ncv <= dimension + 1 {
            throw UsageError("--ncv must exceed \(dimensionOption) + 1 (got ncv = \(ncv), dim = \(dimension))")
        }
        guard let method = LaplacianMethod(rawValue: c.laplacianMethodName) else {
            throw UsageError("--laplacian-method must be auto, shift-invert, amg, jacobi, lobpcg, spectral-shift or chebyshev (got \(c.laplacianMethodName))")
        }
        guard let next = NextEigenvalueMethod(rawValue: c.nextEigenvalueName) else {
            throw UsageError("--next-eigenvalue must be ritz-bound or converge (got \(c.nextEigenvalueName))")
        }
        guard let filter = SpectralFilter(rawValue: c.filterName) else {
            throw UsageError("--filter must be none or chebyshev (got \(c.filterName))")
        }
        guard c.factorBudget.isFinite, c.factorBudget >= 0 else {
            throw UsageError("--factor-budget must be a number of GB >= 0 (got \(c.factorBudget))")
        }
        configuration = SolverConfiguration(
            lanczos: LanczosSettings(tolerance: c.tol, maxRestarts: c.maxRestarts, krylovDimension: c.ncv),
            method: MethodChoice(laplacianMethod: method, factorBudgetBytes: Int(c.factorBudget * 1e9), nextEigenvalue: next,
                                 filter: filter))
        merge = try Validation.merge(c.mergeName)
        largestComponent = c.largestComponent
    }

    /// As the reports list them.
    var summary: SolverSummary {
        SolverSummary(lanczos: configuration, merge: merge.rawValue, largestComponent: largestComponent)
    }
}

/// The checks of option values that several commands share.
enum Validation {
    /// Validated `--gamma` (nil: resolved later from the graph, beta N / S; stored as 1 until then),
    /// `--beta` and `--lambda`.
    static func hyperparameters(gamma: Double?, beta: Double, lambda: Double = 1) throws -> Hyperparameters {
        if let g = gamma, !(g.isFinite && g > 0) { throw UsageError("--gamma must be a finite number > 0 (got \(g))") }
        guard beta.isFinite, beta > 0 else { throw UsageError("--beta must be a finite number > 0 (got \(beta))") }
        guard lambda.isFinite, lambda > 0, lambda <= 1 else { throw UsageError("--lambda must be in (0, 1] (got \(lambda))") }
        return Hyperparameters(gamma: gamma ?? 1, beta: beta, lambda: lambda)
    }

    /// Parses `--loss` (comma-separated names from `allowed`, or `all`) in the canonical order.
    /// `command` names the subcommand in the message when it allows only some losses.
    static func losses(_ text: String, allowed: [LossName] = LossName.allCases, command: String? = nil) throws -> [LossName] {
        if text == "all" { return allowed }
        var picked: [LossName] = []
        for name in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            guard let l = LossName(rawValue: name), allowed.contains(l) else {
                let choices = (allowed.map(\.rawValue) + ["all"]).joined(separator: ", ")
                throw UsageError("--loss: unknown loss '\(name)'\(command.map { " for \($0)" } ?? "") (choose from \(choices))")
            }
            if !picked.contains(l) { picked.append(l) }
        }
        guard !picked.isEmpty else { throw UsageError("--loss names no loss") }
        return allowed.filter { picked.contains($0) }
    }

    static func merge(_ text: String) throws -> MergeRule {
        guard let m = MergeRule(rawValue: text) else { throw UsageError("--merge must be max or sum (got \(text))") }
        return m
    }

    /// `--dim` (when given) is at least 1.
    static func dimension(_ dim: Int?) throws {
        if let d = dim, d < 1 { throw UsageError("--dim must be at least 1 (got \(d))") }
    }
}
