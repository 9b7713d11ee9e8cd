import Distributed
import EigenpairTestSupport
import Foundation
import PairGraph
import Testing

/// The distributed input stage (`DistributedGraphBuilder`: byte-range parse, parallel ID
/// compaction, edges to owners, merge, balanced rows) against the one-process assembly
/// (`GraphReader` + `GraphAssembler`), which every rank also runs on the whole file. Written for
/// any P; `scripts/mpi-tests.sh` runs it under mpirun.
@Suite(.serialized, .tags(.mpi)) struct MPIAssemblyTests {
    /// A directory every rank of the job sees under the same name (ranks share the launcher as
    /// parent); rank 0 writes, the others wait at a barrier.
    final class SharedFiles {
        let world = testMPI.world
        let directory: String

        init(_ files: [String: String], tag: String = "assembly") throws {
            directory = NSTemporaryDirectory() + "eigenpair-mpi-\(tag)-\(getppid())"
            if world.rank == 0 {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                for (name, text) in files { try text.write(toFile: path(name), atomically: true, encoding: .utf8) }
            }
            world.barrier()
        }

        func path(_ name: String) -> String { directory + "/" + name }

        func remove() {
            world.barrier()
            if world.rank == 0 { try? FileManager.default.removeItem(atPath: directory) }
        }
    }

    static func randomEdgeList(seed: UInt64, edges: Int, ids: Int, weighted: Bool) -> String {
        var rng = SeededRNG(seed: seed)
        // Sparse 64-bit IDs, repeated pairs in both orientations, self-loops, comments.
        let pool = (0..<ids).map { _ in rng.next() >> UInt64(rng.index(40)) }
        var text = "# random test graph\n"
        for e in 0..<edges {
            let a = pool[rng.index(ids)], b = rng.index(10) == 0 ? pool[rng.index(ids)] : pool[rng.index(max(ids / 8, 2))]
            let w = weighted ? " \(Double(1 + rng.index(7)) / 4)" : ""
            text += rng.index(2) == 0 ? "\(a) \(b)\(w)\n" : "\(b)\t\(a)\(w)\n"
            if e % 97 == 0 { text += "\(a) \(a)\(w)\n% comment\n" }
        }
        return text
    }

    static let files: [String: String] = [
        "weighted.txt": randomEdgeList(seed: 7, edges: 4000, ids: 900, weighted: true),
        "plain.tsv": randomEdgeList(seed: 8, edges: 3000, ids: 2000, weighted: false),
        "declared.mtx": "%%MatrixMarket matrix coordinate real symmetric\n% isolated nodes 9, 10, 11\n11 11 6\n"
            + "2 1 0.5\n3 1 2\n3 2 1.5\n5 4 1\n4 4 3\n8 6 0.25\n",
        "bad.txt": (0..<400).map { "\($0) \($0 + 1)" }.joined(separator: "\n") + "\n17 x\n1 2\n",
        "badcount.mtx": "%%MatrixMarket matrix coordinate pattern general\n5 5 4\n1 2\n2 3\n3 4\n",
    ]

    /// Owned rows of `d` equal the one-process graph's rows `d.ownedRows` (columns, IDs), weights
    /// to `tolerance` (sum merges may add duplicates in another order).
    static func expectSameRows(_ d: DistributedGraph, _ s: SparseGraph, _ name: String, tolerance: Double = 0) {
        #expect(d.nodeCount == s.nodeCount, "\(name)")
        #expect(d.nodeIDs == Array(s.nodeIDs[d.ownedRows]), "\(name)")
        var mismatches = 0
        for (i, r) in d.ownedRows.enumerated() {
            let (sc, sw) = s.neighbours(of: r)
            let serial = zip(sc, sw).map { (Int($0), $1) }.sorted { $0.0 < $1.0 }
            let (dc, dw) = d.neighbours(ofLocal: i)
            let mine = zip(dc, dw).map { (d.globalColumn(ofLocal: Int($0)), $1) }
            if serial.map(\.0) != mine.map(\.0)
                || zip(serial, mine).contains(where: { abs($0.1 - $1.1) > tolerance * abs($0.1) }) {
                mismatches += 1
            }
            if abs(d.degrees[i] - s.degrees[r]) > 1e-12 * s.degrees[r] { mismatches += 1 }
        }
        #expect(mismatches == 0, "\(name): \(mismatches) rows differ on rank \(d.rank)")
        var a = d.statistics, b = s.statistics
        #expect(abs(a.totalWeight - b.totalWeight) <= 1e-12 * b.totalWeight, "\(name)")
        a.totalWeight = 0
        b.totalWeight = 0
        #expect(a == b, "\(name)")
        // Components: the same numbering as the one-process union-find.
        let labels = d.ownedRows.map { s.components.label[$0] }
        #expect(d.components.label == labels, "\(name)")
    }

    @Test func assemblyMatchesTheOneProcessAssembly() throws {
        try withSolverLock {
            let shared = try SharedFiles(Self.files)
            defer { shared.remove() }
            for name in ["weighted.txt", "plain.tsv", "declared.mtx"] {
                for rule in MergeRule.allCases {
                    let path = shared.path(name)
                    let (d, format, _) = try DistributedGraphBuilder.read(path: path, merge: rule, communicator: testMPI.world)
                    let (edges, serialFormat) = try GraphReader.read(path: path)
                    let s = try GraphAssembler.assemble(edges, merge: rule, file: path)
                    #expect(format == serialFormat)
                    Self.expectSameRows(d, s, "\(name) \(rule)", tolerance: rule == .sum ? 1e-15 : 0)
                    #expect(s.statistics.duplicatesMerged > 0 || name == "declared.mtx")
                    let dl = d.largestComponent(), sl = s.largestComponent()
                    Self.expectSameRows(dl, sl, "\(name) \(rule) largest component", tolerance: rule == .sum ? 1e-15 : 0)
                }
            }
        }
    }

    @Test func badInputFailsOnEveryRankWithTheFirstBadLine() throws {
        try withSolverLock {
            let shared = try SharedFiles(Self.files)
            defer { shared.remove() }
            for name in ["bad.txt", "badcount.mtx"] {
                let path = shared.path(name)
                var serialError: InputError?
                do { _ = try GraphReader.read(path: path) } catch let e as InputError { serialError = e }
                #expect(serialError != nil)
                var distributedError: InputError?
                do {
                    _ = try DistributedGraphBuilder.read(path: path, merge: .max, communicator: testMPI.world)
                } catch let e as InputError { distributedError = e }
                #expect(distributedError == serialError, "\(name) on rank \(testMPI.world.rank)")
            }
        }
    }

    /// Labels read in parallel (`OwnedLabels.read`) equal the one-process reader's labels of each
    /// rank's rows, with the same class numbering, and fail with the same first bad line.
    @Test func labelsReadInParallelMatchTheOneProcessReader() throws {
        try withSolverLock {
            let world = testMPI.world
            let graphFiles = try SharedFiles(Self.files)
            defer { graphFiles.remove() }
            let path = graphFiles.path("weighted.txt")
            let (d, _, _) = try DistributedGraphBuilder.read(path: path, merge: .max, communicator: world)
            let s = try GraphAssembler.assemble(try GraphReader.read(path: path).0, merge: .max, file: path)
            // Labels for most nodes (some missing), repeats that agree, IDs that are not nodes, and
            // class names that only some nodes use; then a conflicting repeat late in the file and
            // a malformed line after it, and a malformed line alone.
            var rng = SeededRNG(seed: 99)
            var good = "# labels\n"
            for id in s.nodeIDs where rng.index(10) != 0 {
                good += "\(id) \(["cat", "dog", "7", "bird"][Int(id % 4)])\n"
                if rng.index(20) == 0 { good += "% again\n\(id) \(["cat", "dog", "7", "bird"][Int(id % 4)])\n" }
            }
            good += "123456789 cat\n987654321 fish\n"
            let conflictID = s.nodeIDs[s.nodeIDs.count / 3]
            let conflict = good + "\(conflictID) \(["dog", "cat", "cat", "cat"][Int(conflictID % 4)])\n" + "5 6 7\n"
            let malformed = good + "x 1\n"
            let labelFiles = try SharedFiles(["good.txt": good, "conflict.txt": conflict, "malformed.txt": malformed],
                                             tag: "labels")
            defer { labelFiles.remove() }
            for name in ["good.txt", "conflict.txt", "malformed.txt"] {
                let lp = labelFiles.path(name)
                var serial: (labels: NodeLabels, classNames: [String])?
                var serialError: InputError?
                do { serial = try NodeLabels.readWithClassNames(path: lp) } catch let e as InputError { serialError = e }
                var parallel: OwnedLabels?
                var parallelError: InputError?
                do { parallel = try OwnedLabels.read(path: lp, nodeIDs: d.nodeIDs, communicator: world) } catch let e as InputError {
                    parallelError = e
                }
                #expect(parallelError == serialError, "\(name) on rank \(world.rank)")
                #expect((serialError == nil) == (name == "good.txt"), "\(name): \(String(describing: serialError))")
                guard let serial, let parallel else { continue }
                var byID: [UInt64: Int] = [:]
                for (id, c) in zip(serial.labels.ids, serial.labels.labels) { byID[id] = c }
                let inGraph = Set(s.nodeIDs)
                let presentNames = serial.classNames.indices.filter { c in s.nodeIDs.contains { byID[$0] == c } }
                let expectedNames = presentNames.map { serial.classNames[$0] }
                let expected = d.nodeIDs.map { id in byID[id].map { presentNames.firstIndex(of: $0)! } ?? -1 }
                #expect(parallel.classNames == expectedNames)
                #expect(parallel.classes == expected, "\(name) on rank \(world.rank)")
                #expect(parallel.notInGraph == serial.labels.ids.filter { !inGraph.contains($0) }.count)
                #expect(expected.contains(-1) && expectedNames.count == 4 && parallel.notInGraph == 2)
            }
        }
    }
}
