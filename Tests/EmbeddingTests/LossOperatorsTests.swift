import DenseAlgebra
import EigenpairTestSupport
import Spectral
import Testing
@testable import Embedding

@Suite(.serialized) struct LossOperatorsTests {
    /// Each loss's operator and pair count, checked by what they are for: the solve they select
    /// returns the eigenvalues the loss's closed form needs from the dense matrix of docs/math.md
    /// (VICReg: the K smallest of L on 1-perp; SimCLR: the K largest of G; SimCLR-degree: the K
    /// largest of A_n; BarlowTwins: the trivial pair of A_n plus K).
    @Test func eachLossSolvesTheSpectrumItsClosedFormNeeds() throws {
        try withSolverLock {
            let known = try KnownGraph.planted()
            let k = 4
            for loss in LossName.allCases {
                let kind = LossOperators.operatorFor(loss)
                let count = LossOperators.eigenpairCount(kind, losses: [loss], dimension: k)
                #expect(count == (loss == .barlow ? k + 1 : k), "\(loss)")
                let spectrum = try testSolver().solve(known.graph, kind: kind, count: count)
                let dense = try SymmetricEigen(known.dense(kind), vectors: false).values  // ascending
                let expected: [Double]
                switch loss {
                case .vicreg: expected = Array(dense[1...count])  // lambda_1 = 0 (connected) is not on 1-perp
                case .simclr, .simclrDegree, .barlow: expected = Array(dense.reversed().prefix(count))
                }
                #expect(spectrum.values.count == count, "\(loss)")
                for (got, want) in zip(spectrum.values, expected) {
                    #expect(abs(got - want) <= 1e-8 * max(1, abs(want)), "\(loss): \(got) vs dense \(want)")
                }
            }
        }
    }

    /// One solve per operator, in the fixed order L, G, A_n, whatever the order of the losses.
    @Test func operatorsAreSolvedOnceInAFixedOrder() {
        #expect(LossOperators.operatorsNeeded([.barlow, .vicreg, .simclrDegree]) == [.laplacian, .normalizedAdjacency])
        #expect(LossOperators.operatorsNeeded(LossName.allCases.reversed()) == [.laplacian, .adjacency, .normalizedAdjacency])
        // SimCLR-degree alone needs K pairs of A_n; with BarlowTwins the one solve serves both at K + 1.
        #expect(LossOperators.eigenpairCount(.normalizedAdjacency, losses: [.simclrDegree], dimension: 5) == 5)
        #expect(LossOperators.eigenpairCount(.normalizedAdjacency, losses: [.simclrDegree, .barlow], dimension: 5) == 6)
    }

    /// --loss: the names in the canonical order, each once; unknown names and linear's missing
    /// loss are usage errors naming the choices.
    @Test func lossListsParseInCanonicalOrder() throws {
        #expect(try Validation.losses("barlow, vicreg,barlow") == [.vicreg, .barlow])
        #expect(try Validation.losses("all", allowed: linearLosses) == [.vicreg, .simclr, .barlow])
        #expect(throws: UsageError.self) { try Validation.losses("simclr-degree", allowed: linearLosses, command: "linear") }
        #expect(throws: UsageError.self) { try Validation.losses(",") }
    }

    /// The exit statuses the CLI documents: 2 bad input or usage, 3 not converged, 1 otherwise.
    @Test func errorsMapToTheDocumentedExitStatuses() {
        struct Unexpected: Error {}
        #expect(JobFailure(classifying: UsageError("x")).exitCode == 2)
        #expect(JobFailure(classifying: JobFailure(message: "m", exitCode: 3)).exitCode == 3)
        #expect(JobFailure(classifying: Unexpected()).exitCode == 1)
    }
}
