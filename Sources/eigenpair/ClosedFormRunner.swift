import ArgumentParser
import ClosedForms
import DenseAlgebra
import Diagnostics
import Distributed
import Foundation
import NpyFormat
import Output
import PairGraph
import Spectral

/// What `embed`, `sweep` and `compare` share: which operator each loss needs, how many
/// eigenpairs, the closed form of a loss from its operator's spectrum, and the evaluation of one
/// Z* (loss value, ranks, label diagnostics, local/global scores) as a `LossSummary`.
/// A failure every rank agreed on, with the exit status the job ends with (2: input or usage,
/// 3: the eigensolver did not converge).
struct JobFailure: Error {
    var message: String
    var exitCode: Int32
}

enum ClosedFormRunner {
    static func operatorFor(_ loss: LossName) -> RelationOperatorKind {
        switch loss {
        case .vicreg: return .laplacian
        case .simclr: return .adjacency
        case .simclrDegree, .barlow: return .normalizedAdjacency
        }
    }

    /// Operators in a fixed order (L, G, A_n), each solved once for every loss that needs it.
    static func operatorsNeeded(_ losses: [LossName]) -> [RelationOperatorKind] {
        let needed = Set(losses.map(operatorFor))
        return [RelationOperatorKind.laplacian, .adjacency, .normalizedAdjacency].filter(needed.contains)
    }

    /// A_n needs K+1 pairs (trivial + K) when BarlowTwins is asked for; every other operator K.
    static func eigenpairCount(_ kind: RelationOperatorKind, losses: [LossName], dimension: Int) -> Int {
        kind == .normalizedAdjacency && losses.contains(.barlow) ? dimension + 1 : dimension
    }

    /// Row-local (BarlowTwins: collective). Z* of `loss` on the owned rows.
    static func closedForm(_ loss: LossName, spectrum: Spectrum, graph: DistributedGraph, dimension k: Int,
                           hyper: Hyperparameters) -> ClosedFormSolution {
        switch loss {
        case .vicreg:
            return VICRegClosedForm.solve(spectrum, graph: graph, dimension: k, hyper: hyper)
        case .simclr:
            return SimCLRClosedForm.solveUniform(spectrum, graph: graph, dimension: k)
        case .simclrDegree:
            return SimCLRClosedForm.solveDegree(spectrum, graph: graph, dimension: k)
        case .barlow:
            return BarlowTwinsClosedForm.solve(spectrum, graph: graph, dimension: k, lambda: hyper.lambda)
        }
    }

    static func hyperparameters(for loss: LossName, _ hyper: Hyperparameters) -> [String: Double] {
        switch loss {
        case .vicreg: return ["gamma": hyper.gamma, "beta": hyper.beta]
        case .simclr, .simclrDegree: return [:]
        case .barlow: return ["lambda": hyper.lambda]
        }
    }

    /// The first `count` eigenpairs of `spectrum`, as a solve for `count` pairs would return them
    /// (one solve at the largest K serves every smaller K of a sweep).
    static func truncated(_ spectrum: Spectrum, to count: Int) -> Spectrum {
        guard count < spectrum.values.count else { return spectrum }
        var s = spectrum
        s.values = Array(spectrum.values.prefix(count))
        s.vectors = spectrum.vectors.columns(0..<count)
        s.sources = Array(spectrum.sources.prefix(count))
        s.residuals = Array(spectrum.residuals.prefix(count))
        s.certification = spectrum.certification.prefix(count)
        s.requested = count
        s.nextValue = spectrum.values[count]
        // Pair count+1 is a certified pair of this solve: the tie test on nextValue is exact.
        s.gap = nil
        return s
    }

    /// Collective. Closed form of `loss` at dimension `k` and everything measured on it: loss at Z*,
    /// numerical rank, label alignment (with `labels`), local/global scores.
    static func evaluate(_ loss: LossName, spectrum: Spectrum, graph: DistributedGraph, dimension k: Int,
                         hyper: Hyperparameters, labels: LabelAssignment?, file: String? = nil,
                         solver: SpectrumSolver? = nil) throws
        -> (summary: LossSummary, embedding: DenseMatrix?, span: OptimalSpan?) {
        let solution = closedForm(loss, spectrum: spectrum, graph: graph, dimension: k, hyper: hyper)
        var lossValue: Double? = nil
        var numericalRank: Int? = nil
        var labelSummary: LabelAlignmentSummary? = nil
        var scores: LocalGlobalScores? = nil
        if let z = solution.embedding {
            lossValue = LossFunction(loss, graph: graph, hyper: hyper).value(z)
            labelSummary = try labels?.alignment(of: z, graph: graph)
            if let labels, let solver {
                labelSummary?.bestOptimalLabelEnergy = try labels.bestOptimalEnergy(
                    span: solution.optimalSpan, unique: solution.unique, spectrum: spectrum, dimension: k, graph: graph, solver: solver)
            }
            numericalRank = try labelSummary?.numericalRank ?? RankDiagnostics.numericalRank(z, communicator: graph.communicator)
            scores = LocalGlobalScores.measure(z, graph: graph)
        }
        var summary = LossSummary(solution, operator: spectrum.kind, lossAtZStar: lossValue, numericalRank: numericalRank,
                                  hyperparameters: hyperparameters(for: loss, hyper), file: solution.embedding == nil ? nil : file)
        summary.labels = labelSummary
        summary.localScore = scores?.local
        summary.globalScore = scores?.global
        return (summary, solution.embedding, solution.optimalSpan)
    }

    static func nonConvergence(_ s: Spectrum) -> String {
        var lines = ["the eigensolver did not converge for \(s.kind.rawValue): \(s.values.count) of \(s.requested) eigenpairs available"]
        for solve in s.solves where solve.report.converged < solve.report.requested {
            let r = solve.report
            lines.append("  component \(solve.component) (\(solve.nodes) nodes): \(r.converged) of \(r.requested) converged after \(r.restarts) restarts, \(r.matvecs) matvecs (ARPACK info \(r.info))")
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

    /// Validated `--gamma` (nil: resolved later from the graph, beta N / S; stored as 1 until then),
    /// `--beta` and `--lambda` (ValidationError naming the option on a bad value).
    static func hyperparameters(gamma: Double?, beta: Double, lambda: Double = 1) throws -> Hyperparameters {
        if let g = gamma, !(g.isFinite && g > 0) { throw ValidationError("--gamma must be a finite number > 0 (got \(g))") }
        guard beta.isFinite, beta > 0 else { throw ValidationError("--beta must be a finite number > 0 (got \(beta))") }
        guard lambda.isFinite, lambda > 0, lambda <= 1 else { throw ValidationError("--lambda must be in (0, 1] (got \(lambda))") }
        return Hyperparameters(gamma: gamma ?? 1, beta: beta, lambda: lambda)
    }

    /// Parses `--loss` (comma-separated names from `allowed`, or `all`) in the canonical order.
    /// `command` names the subcommand in the message when it allows only some losses.
    static func parseLosses(_ text: String, allowed: [LossName] = LossName.allCases,
                            command: String? = nil) throws -> [LossName] {
        if text == "all" { return allowed }
        var picked: [LossName] = []
        for name in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            guard let l = LossName(rawValue: name), allowed.contains(l) else {
                let choices = (allowed.map(\.rawValue) + ["all"]).joined(separator: ", ")
                throw ValidationError("--loss: unknown loss '\(name)'\(command.map { " for \($0)" } ?? "") (choose from \(choices))")
            }
            if !picked.contains(l) { picked.append(l) }
        }
        guard !picked.isEmpty else { throw ValidationError("--loss names no loss") }
        return allowed.filter { picked.contains($0) }
    }

    /// Runs `body` as an MPI job with embed's failure handling: every error is collective, the
    /// coordinator prints one `error:` line, and every rank exits with the same status (2 for input,
    /// usage and output errors, 3 for non-convergence, 1 otherwise).
    static func runJob(validate: () throws -> Void, _ body: (Communicator) throws -> Void) {
        let environment = MPIEnvironment()
        defer { environment.finalize() }
        let world = environment.world
        // Every failure finalises MPI before exiting, so mpirun reports the exit status rather than
        // a process that "exited without finalizing". The others wait at a barrier until the
        // coordinator has printed: mpirun kills the whole job as soon as one rank exits non-zero,
        // which could otherwise be before the message.
        func stop(_ message: String, code: Int32) -> Never {
            if world.isCoordinator { printErrorLine(message, keepNewlines: code == 3) }
            world.barrier()
            environment.finalize()
            Foundation.exit(code)
        }
        do {
            try validate()
        } catch let error as ValidationError {
            stop(error.message, code: 2)
        } catch {
            stop("\(error)", code: 2)
        }
        do {
            try body(world)
        } catch let error as JobFailure {
            stop(error.message, code: error.exitCode)
        } catch let error as InputError {
            stop(error.description, code: 2)
        } catch let error as OutputError {
            stop(error.description, code: 2)
        } catch let error as NpyError {
            stop(error.description, code: 2)
        } catch {
            stop("\(error)", code: 1)
        }
    }

    /// Collective. Writes a text file into the staging directory of `out` (rank 0 writes; every
    /// rank learns whether that worked).
    static func writeText(_ name: String, _ text: @autoclosure () -> String, in out: OutputDirectory) throws {
        var reason = ""
        if out.communicator.isCoordinator {
            do {
                try OutputDirectory.writeFile(out.staging + "/" + name, Data(text().utf8), reportedAs: out.path + "/" + name)
            } catch {
                reason = (error as? OutputError)?.reason ?? "cannot write"
            }
        }
        if out.communicator.any(!reason.isEmpty) {
            // The coordinator's reason (the errno) on every rank.
            var bytes = Array(reason.utf8)
            out.communicator.broadcast(&bytes)
            throw OutputError(path: out.path + "/" + name, reason: String(decoding: bytes, as: UTF8.self))
        }
    }
}

/// Solver and graph options shared by `embed`, `sweep` and `compare`.
struct SolverOptions: ParsableArguments {
    @Flag(name: .customLong("largest-component"), help: "Keep only the largest connected component.")
    var largestComponent = false

    @Option(parsing: .unconditional, help: "Lanczos relative tolerance (ARPACK tol).")
    var tol: Double = 1e-10

    @Option(help: "Lanczos Krylov dimension (default nev + max(nev, 32)).")
    var ncv: Int?

    @Option(name: .customLong("max-restarts"), help: "Maximum implicit restarts per Lanczos solve.")
    var maxRestarts: Int = 1000

    @Option(name: .customLong("laplacian-method"),
            help: "How the smallest Laplacian eigenpairs of a large component are computed. auto: shift-invert with a CHOLMOD factor of L + eps I on one rank when the factor is predicted to fit, and fits, the memory budget (--factor-budget), else amg where it measured faster (no hubs, lambda_1 small against the degrees; docs/math.md 7.13), else spectral-shift; shift-invert: Lanczos on (L + eps I)^-1 (one rank); amg: Lanczos on (L + sigma I)^-1 applied by hypre PCG with a BoomerAMG preconditioner (any rank count); spectral-shift: the largest of sigma I - L; chebyshev: the largest of a Chebyshev polynomial filter of L (any rank count).")
    var laplacianMethod: Choice<LaplacianMethod> = Choice(.auto)

    @Option(name: .customLong("factor-budget"), parsing: .unconditional, help: "Memory budget in GB for the shift-invert factor under --laplacian-method auto.")
    var factorBudget: Double = 2

    @Option(name: .customLong("next-eigenvalue"),
            help: "How lambda_{K+1}, which decides whether Z* is unique, is found. converge: converge pair K+1 to --tol. ritz-bound (experimental): localised by ARPACK's final Ritz value and a short check, no extra pair converged (fewer matvecs when it sits in a bulk); its interval is not yet a rigorous bound (docs/math.md 7.12).")
    var nextEigenvalue: Choice<NextEigenvalueMethod> = Choice(.converge)

    @Option(help: "Merge rule for entries of the same unordered pair: max keeps the largest weight (an edge listed both ways stays weight 1), sum adds them.")
    var merge: Choice<MergeRule> = Choice(.max)

    /// Validated settings (ValidationError on a bad value). `dimension`: the largest K solved for,
    /// named `dimensionOption` in the message.
    func settings(dimension: Int, dimensionOption: String = "the largest dimension") throws
        -> (lanczos: LanczosSettings, merge: MergeRule) {
        guard tol.isFinite, tol >= 0, tol < 1 else { throw ValidationError("--tol must be in [0, 1) (got \(tol))") }
        guard maxRestarts >= 1 else { throw ValidationError("--max-restarts must be at least 1") }
        if let ncv, ncv <= dimension + 1 {
            throw ValidationError("--ncv must exceed \(dimensionOption) + 1 (got ncv = \(ncv), dim = \(dimension))")
        }
        var lanczos = LanczosSettings()
        lanczos.tolerance = tol
        lanczos.maxRestarts = maxRestarts
        lanczos.krylovDimension = ncv
        guard let method = laplacianMethod.value else {
            throw ValidationError("--laplacian-method must be auto, shift-invert, amg, spectral-shift or chebyshev (got \(laplacianMethod.text))")
        }
        lanczos.laplacianMethod = method
        guard let next = nextEigenvalue.value else {
            throw ValidationError("--next-eigenvalue must be ritz-bound or converge (got \(nextEigenvalue.text))")
        }
        lanczos.nextEigenvalue = next
        guard factorBudget.isFinite, factorBudget >= 0 else {
            throw ValidationError("--factor-budget must be a number of GB >= 0 (got \(factorBudget))")
        }
        lanczos.factorBudgetBytes = Int(factorBudget * 1e9)
        guard let m = merge.value else { throw ValidationError("--merge must be max or sum (got \(merge.text))") }
        return (lanczos, m)
    }
}
