import Distributed
import EigenpairTestSupport
import Foundation
import PairGraph
import Testing

/// A typed error that names the rank it was made on, so a test can see whose error arrived.
private struct RankError: Error, Codable, Equatable {
    var rank: Int
    var reason: String
    var value: Double
}

/// The agreement primitive and the one broadcast on the real world communicator: `swift test` runs
/// them on one rank, `scripts/mpi-tests.sh` under `mpirun -np 3`. Every rank makes the same
/// collective calls in the same order; the expected result is computed independently on each rank
/// from the failing set (the lowest failing rank), never received.
@Suite(.serialized, .tags(.mpi)) struct MPIAgreementTests {
    /// Failing sets for a world of p ranks: none, all, all but rank 0, the last rank only, rank 0 only.
    static func failingSets(_ p: Int) -> [Set<Int>] {
        [[], Set(0..<p), Set(1..<max(p, 1)), [p - 1], [0]]
    }

    @Test func everyRankThrowsTheLowestFailingRanksError() {
        withSolverLock {
            let world = testMPI.world
            let p = world.size, me = world.rank
            for failing in Self.failingSets(p) {
                // Non-finite and long fields cross too (the error is JSON-encoded on its rank).
                let mine = RankError(rank: me, reason: String(repeating: "r\(me) ", count: 100 * (me + 1)),
                                     value: me == 0 ? .nan : -.infinity)
                let outcome: Result<Int, RankError> = failing.contains(me) ? .failure(mine) : .success(10 * me)
                do throws(RankError) {
                    let value = try world.agree(outcome)
                    #expect(failing.isEmpty, "ranks \(failing.sorted()) failed, yet rank \(me) returned")
                    #expect(value == 10 * me, "each rank keeps its own value")
                } catch {
                    let lowest = failing.min() ?? -1
                    #expect(error.rank == lowest, "failing \(failing.sorted()): rank \(me) got rank \(error.rank)'s error")
                    #expect(error.reason == String(repeating: "r\(lowest) ", count: 100 * (lowest + 1)))
                    #expect(lowest == 0 ? error.value.isNaN : error.value == -.infinity)
                }
            }
        }
    }

    /// The closure form and `agree(failure:)` give the same result as the `Result` form, for the
    /// errors the input readers throw (`InputError` with its line).
    @Test func closureAndFailureFormsAgreeOnInputErrors() {
        withSolverLock {
            let world = testMPI.world
            let p = world.size, me = world.rank
            for failing in Self.failingSets(p) {
                let mine = InputError(file: "part\(me).tsv", line: me == 1 ? nil : 7 + me, reason: "bad \(me)")
                let lowest = failing.min()
                let expected = lowest.map { InputError(file: "part\($0).tsv", line: $0 == 1 ? nil : 7 + $0, reason: "bad \($0)") }
                var fromClosure: InputError?
                do throws(InputError) {
                    try world.agree { () throws(InputError) in if failing.contains(me) { throw mine } }
                } catch {
                    fromClosure = error
                }
                var fromFailure: InputError?
                do throws(InputError) {
                    try world.agree(failure: failing.contains(me) ? mine : nil)
                } catch {
                    fromFailure = error
                }
                #expect(fromClosure == expected && fromFailure == expected,
                        "failing \(failing.sorted()): rank \(me) got \(String(describing: fromClosure)), \(String(describing: fromFailure))")
            }
        }
    }

    /// Every root's bytes reach every rank, whatever the other ranks passed in (longer, shorter,
    /// empty), including an empty message.
    @Test func broadcastFromEveryRootDeliversTheRootsBytes() {
        withSolverLock {
            let world = testMPI.world
            let p = world.size, me = world.rank
            func message(_ rank: Int, length: Int) -> [UInt8] { (0..<length).map { UInt8(truncatingIfNeeded: 31 * rank + $0) } }
            for root in 0..<p {
                for length in [0, 1, 1000] {
                    var bytes = message(me, length: me == root ? length : 3 + me)
                    world.broadcast(&bytes, root: root)
                    #expect(bytes == message(root, length: length), "root \(root), \(length) bytes, on rank \(me)")
                }
            }
        }
    }
}

/// The one error -> exit status table.
@Suite struct FailureKindTests {
    private struct Unclassified: Error {}

    @Test func statusesFollowTheDocumentedTable() {
        #expect(FailureKind.internal.exitStatus == 1 && FailureKind.input.exitStatus == 2
                && FailureKind.numerical.exitStatus == 3)
        #expect(FailureKind(of: InputError(file: "g.tsv", line: 3, reason: "bad")) == .input)
        #expect(FailureKind(of: Unclassified()) == .internal, "an error that does not classify itself is internal")
        #expect(FailureKind(of: RankError(rank: 0, reason: "", value: 0)) == .internal)
    }
}
