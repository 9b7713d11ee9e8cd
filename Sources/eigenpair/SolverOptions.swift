import ArgumentParser
import Embedding

/// Solver and graph options shared by `embed`, `sweep` and `compare`.
struct SolverOptions: ParsableArguments {
    @Flag(name: .customLong("largest-component"), help: "Keep only the largest connected component.")
    var largestComponent = false

    @Option(parsing: .unconditional, help: "Lanczos relative tolerance (ARPACK tol).")
    var tol: Double = LanczosSettings().tolerance

    @Option(help: "Lanczos Krylov dimension (default nev + max(nev, 32)).")
    var ncv: Int?

    @Option(name: .customLong("max-restarts"), help: "Maximum implicit restarts per Lanczos solve.")
    var maxRestarts: Int = LanczosSettings().maxRestarts

    @Option(name: .customLong("laplacian-method"),
            help: "How the smallest Laplacian eigenpairs of a large component are computed. auto: shift-invert with a CHOLMOD factor of L + eps I on one rank when the factor is predicted to fit, and fits, the memory budget (--factor-budget), else amg where it measured faster (no hubs, lambda_1 small against the degrees; docs/math.md 7.13), jacobi where hubs veto amg but lambda_1 is as small, else chebyshev; shift-invert: Lanczos on (L + eps I)^-1 (one rank); amg: Lanczos on (L + sigma I)^-1 applied by hypre PCG with a BoomerAMG preconditioner (any rank count), falling back to spectral-shift under auto when hypre fails; jacobi: the same with PCG preconditioned by diagonal scaling (for hub-heavy graphs); lobpcg: hypre's LOBPCG with a BoomerAMG preconditioner (a reference point, any rank count); spectral-shift: the largest of sigma I - L; chebyshev: the largest of a Chebyshev polynomial filter of L (any rank count).")
    var laplacianMethod: Choice<LaplacianMethod> = Choice(MethodChoice().laplacianMethod)

    @Option(name: .customLong("factor-budget"), parsing: .unconditional, help: "Memory budget in GB for the shift-invert factor under --laplacian-method auto.")
    var factorBudget: Double = Double(MethodChoice().factorBudgetBytes) / 1e9

    @Option(name: .customLong("next-eigenvalue"),
            help: "How lambda_{K+1}, which decides whether Z* is unique, is found. converge (default): converge pair K+1 to --tol with the K pairs (fewer products when the gap is tiny). ritz-bound: bounded by a short Lanczos check past the K returned pairs, converged only when the check cannot show the gap (fewer products when it sits in a bulk: sbm1m 175 against 822; docs/math.md 7.12).")
    var nextEigenvalue: Choice<NextEigenvalueMethod> = Choice(MethodChoice().nextEigenvalue)

    @Option(help: "Lanczos on G and A_n: none runs on the operator itself; chebyshev runs a short unfiltered probe (2 restarts; its (K+1)-th Ritz value gives the cut, its Ritz vectors the start), then Lanczos on a Chebyshev polynomial of the operator whose degree comes from a cost model of the graph's size (docs/math.md 7.11). For L use --laplacian-method chebyshev.")
    var filter: Choice<SpectralFilter> = Choice(MethodChoice().filter)

    @Option(help: "Merge rule for entries of the same unordered pair: max keeps the largest weight (an edge listed both ways stays weight 1), sum adds them.")
    var merge: Choice<MergeRule> = Choice(.max)
}

/// The values as typed; the command's settings validate them.
extension SolverOptions: SolverChoices {
    var laplacianMethodName: String { laplacianMethod.text }
    var nextEigenvalueName: String { nextEigenvalue.text }
    var filterName: String { filter.text }
    var mergeName: String { merge.text }
}
