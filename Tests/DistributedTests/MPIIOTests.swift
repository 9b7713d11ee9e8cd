import Distributed
import EigenpairTestSupport
import Foundation
import NpyFormat
import Testing

/// MPI-IO on the real world communicator: `ParallelFile` and its collective row writers, as
/// `OutputDirectory` uses them for every .npy file.
///
/// Written for any world size: `swift test` runs them on one rank (singleton MPI), and
/// `scripts/mpi-tests.sh` runs them under `mpirun -np 3`, where each rank writes its own block of
/// rows and rank 0 reads the file back. Every rank runs the same collective calls in the same
/// order; checks that only rank 0 can make use `#expect` (never a throwing `#require`), so a failed
/// check cannot leave the other ranks waiting in a collective.
@Suite(.serialized, .tags(.mpi)) struct MPIIOTests {
    static let n = 1001
    static let k = 7

    /// The known matrix: entry (i, j) of global row i.
    static func element(_ i: Int, _ j: Int) -> Double { Double(i * 1000 + j) + 0.5 }

    /// The known int64 vector: large, negative and positive values.
    static func integer(_ i: Int) -> Int64 { Int64(i) * 3_000_000_007 - 5_000_000_000_000 }

    /// Deterministic uneven partitions of `n` rows over `p` ranks, several with empty blocks:
    /// rank r's share is proportional to its weight (boundaries floor(n W_r / T)).
    static func partitions(n: Int, p: Int) -> [(name: String, partition: RowPartition)] {
        func split(_ weights: [Int]) -> RowPartition {
            let total = weights.reduce(0, +)
            var boundaries = [0], w = 0
            for x in weights {
                w += x
                boundaries.append(n * w / total)
            }
            return RowPartition(boundaries: boundaries)
        }
        let ranks = Array(0..<p)
        return [
            ("uniform", RowPartition(uniformRows: n, ranks: p)),
            ("growing, rank 0 empty", split(ranks.map { p == 1 ? 1 : $0 * $0 })),
            ("middle rank empty", split(ranks.map { p >= 3 && $0 == p / 2 ? 0 : $0 + 1 })),
            ("last rank holds all", split(ranks.map { $0 == p - 1 ? 1 : 0 })),
        ]
    }

    /// A scratch directory every rank sees: rank 0 creates it and broadcasts its path.
    static func sharedDirectory(_ world: Communicator, _ tag: String) -> String {
        var bytes: [UInt8] = []
        if world.isCoordinator {
            let dir = NSTemporaryDirectory() + "eigenpair-mpiio-\(tag)-\(getpid())"
            try? FileManager.default.removeItem(atPath: dir)
            do {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            } catch {
                Issue.record("cannot create \(dir): \(error)")
            }
            bytes = Array(dir.utf8)
        }
        world.broadcast(&bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Collective: waits for every rank, then rank 0 removes the directory.
    static func removeShared(_ world: Communicator, _ dir: String) {
        world.barrier()
        if world.isCoordinator { try? FileManager.default.removeItem(atPath: dir) }
    }

    /// Collective: whether every rank holds rank 0's `text`.
    static func sameOnEveryRank(_ world: Communicator, _ text: String) -> Bool {
        var bytes = Array(text.utf8)
        world.broadcast(&bytes)
        return !world.any(bytes != Array(text.utf8))
    }

    /// Rank 0: the file's header is exactly `header` (so the data starts where the writer put it),
    /// and nothing follows the data.
    static func expectExactHeaderAndSize(_ path: String, header: NpyHeader, dataBytes: Int, _ context: String) {
        let encoded = header.encoded()
        #expect(encoded.count % 64 == 0, "\(context)")
        let bytes = FileManager.default.contents(atPath: path).map { [UInt8]($0) } ?? []
        #expect(Array(bytes.prefix(encoded.count)) == encoded, "\(context): header bytes differ")
        #expect(bytes.count == encoded.count + dataBytes, "\(context): \(bytes.count) bytes")
    }

    // MARK: - Matrices

    @Test func float64MatrixSplitAcrossRanksReadsBackExactly() throws {
        try withSolverLock {
            let world = testMPI.world
            let p = world.size, me = world.rank
            let dir = Self.sharedDirectory(world, "matrix")
            defer { Self.removeShared(world, dir) }
            let header = NpyHeader(dtype: .float64, shape: [Self.n, Self.k])
            // Default blocks (one call per rank), 50-row blocks (uneven block counts across ranks) and
            // 13-row blocks (many calls; ranks past their end write zero bytes). With several
            // blocks, rows written by earlier calls lie inside the span of later ones, which
            // OpenMPI's two-phase write must read back and preserve.
            for blockBytes in [ParallelFile.defaultBlockBytes, 8 * Self.k * 50, 8 * Self.k * 13] {
                for (c, (name, part)) in Self.partitions(n: Self.n, p: p).enumerated() {
                    let path = dir + "/z-\(c)-\(blockBytes).npy"
                    let mine = part.rows(of: me)
                    try ParallelFile.writeFloat64Rows(path: path, communicator: world, header: header.encoded(),
                                                      globalRows: Self.n, columns: Self.k, firstRow: mine.lowerBound,
                                                      localRows: mine.count, blockBytes: blockBytes) { i, j in
                        Self.element(mine.lowerBound + i, j)
                    }
                    if world.isCoordinator {
                        let context = "\(name), \(blockBytes)-byte blocks, \(part)"
                        do {
                            let z = try NpyArray.read(path: path)
                            #expect(z.header == header, "\(context)")
                            #expect(z.doubles.count == Self.n * Self.k, "\(context)")
                            var wrong = 0
                            for i in 0..<Self.n {
                                for j in 0..<Self.k where z.doubles.count == Self.n * Self.k {
                                    if z.doubles[i * Self.k + j] != Self.element(i, j) { wrong += 1 }
                                }
                            }
                            #expect(wrong == 0, "\(context): \(wrong) wrong elements")
                        } catch {
                            Issue.record("\(context): \(error)")
                        }
                        Self.expectExactHeaderAndSize(path, header: header, dataBytes: 8 * Self.n * Self.k, context)
                    }
                }
            }
        }
    }

    @Test func emptyMatrixAndZeroColumnsWriteOnlyTheHeader() throws {
        try withSolverLock {
            let world = testMPI.world
            let dir = Self.sharedDirectory(world, "empty")
            defer { Self.removeShared(world, dir) }
            for shape in [[0, 5], [4, 0]] {
                let path = dir + "/e-\(shape[0])x\(shape[1]).npy"
                let header = NpyHeader(dtype: .float64, shape: shape)
                let mine = RowPartition(uniformRows: shape[0], ranks: world.size).rows(of: world.rank)
                try ParallelFile.writeFloat64Rows(path: path, communicator: world, header: header.encoded(),
                                                  globalRows: shape[0], columns: shape[1], firstRow: mine.lowerBound,
                                                  localRows: mine.count) { _, _ in .nan }
                if world.isCoordinator {
                    #expect((try? NpyArray.read(path: path))?.header == header, "\(shape)")
                    Self.expectExactHeaderAndSize(path, header: header, dataBytes: 0, "\(shape)")
                }
            }
        }
    }

    // MARK: - Vectors

    @Test func int64AndFloat64VectorsSplitAcrossRanksReadBackExactly() throws {
        try withSolverLock {
            let world = testMPI.world
            let p = world.size, me = world.rank
            let dir = Self.sharedDirectory(world, "vector")
            defer { Self.removeShared(world, dir) }
            for (c, (name, part)) in Self.partitions(n: Self.n, p: p).enumerated() {
                let mine = part.rows(of: me)
                let ints = dir + "/ids-\(c).npy", doubles = dir + "/values-\(c).npy"
                let intHeader = NpyHeader(dtype: .int64, shape: [Self.n])
                let doubleHeader = NpyHeader(dtype: .float64, shape: [Self.n])
                // Small blocks, so that ranks make different numbers of real writes.
                try ParallelFile.writeInt64(path: ints, communicator: world, header: intHeader.encoded(),
                                            globalCount: Self.n, firstRow: mine.lowerBound,
                                            values: mine.map(Self.integer), blockBytes: 8 * 97)
                try ParallelFile.writeFloat64(path: doubles, communicator: world, header: doubleHeader.encoded(),
                                              globalCount: Self.n, firstRow: mine.lowerBound,
                                              values: mine.map { -Double($0) / 3 })
                if world.isCoordinator {
                    do {
                        let v = try NpyArray.read(path: ints)
                        #expect(v.header == intHeader, "\(name)")
                        #expect(v.integers == (0..<Self.n).map(Self.integer), "\(name): int64 values differ")
                        let d = try NpyArray.read(path: doubles)
                        #expect(d.header == doubleHeader, "\(name)")
                        #expect(d.doubles == (0..<Self.n).map { -Double($0) / 3 }, "\(name): float64 values differ")
                    } catch {
                        Issue.record("\(name): \(error)")
                    }
                    Self.expectExactHeaderAndSize(ints, header: intHeader, dataBytes: 8 * Self.n, name)
                    Self.expectExactHeaderAndSize(doubles, header: doubleHeader, dataBytes: 8 * Self.n, name)
                }
            }
        }
    }

    // MARK: - The raw file

    @Test func writeAtPlacesEachRanksBytesAndTruncatesAnOldFile() throws {
        try withSolverLock {
            let world = testMPI.world
            let p = world.size, me = world.rank
            let dir = Self.sharedDirectory(world, "raw")
            defer { Self.removeShared(world, dir) }
            let path = dir + "/raw.bin"
            // An older, longer file: opening for writing truncates it.
            if world.isCoordinator {
                #expect(FileManager.default.createFile(atPath: path, contents: Data(repeating: 0xEE, count: 10_000)))
            }
            world.barrier()
            let file = try ParallelFile(creating: path, communicator: world)
            #expect(file.isOpen)
            // Rank r writes r + 1 copies of byte r + 1 at offset 16 r, except the middle rank
            // (nothing). The gaps between the ranks' bytes are never written: their content is
            // undefined (OpenMPI's two-phase collective write fills gaps past the end of the file
            // with whatever its buffer held), so only the written bytes and the size are checked.
            let silent = p >= 3 ? p / 2 : -1
            let mine = me == silent ? [UInt8]() : [UInt8](repeating: UInt8(me + 1), count: me + 1)
            try file.writeAt(offset: 16 * me, bytes: mine)
            try file.close()
            #expect(!file.isOpen)
            try file.close()  // closing twice is a no-op
            if world.isCoordinator {
                let bytes = FileManager.default.contents(atPath: path).map { [UInt8]($0) } ?? []
                // The file ends with the last writer's bytes: the old 10,000 were truncated.
                let lastWriter = (0..<p).last { $0 != silent }!
                #expect(bytes.count == 16 * lastWriter + lastWriter + 1, "\(bytes.count) bytes")
                for r in 0..<p where r != silent {
                    let got = Array(bytes.dropFirst(16 * r).prefix(r + 1))
                    #expect(got == [UInt8](repeating: UInt8(r + 1), count: r + 1), "rank \(r)'s bytes: \(got)")
                }
            }
        }
    }

    // MARK: - Failures: the same typed error on every rank, no hang

    @Test func openingInAMissingDirectoryThrowsOnEveryRank() throws {
        withSolverLock {
            let world = testMPI.world
            // The same path on every rank (rank 0's pid), in a directory that does not exist.
            var bytes: [UInt8] = world.isCoordinator
                ? Array((NSTemporaryDirectory() + "eigenpair-mpiio-missing-\(getpid())/sub/z.npy").utf8) : []
            world.broadcast(&bytes)
            let path = String(decoding: bytes, as: UTF8.self)
            let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
            #expect(!FileManager.default.fileExists(atPath: parent))

            var openError: ParallelFileError?
            do {
                _ = try ParallelFile(creating: path, communicator: world)
            } catch let error as ParallelFileError {
                openError = error
            } catch {
                Issue.record("not a ParallelFileError: \(error)")
            }
            #expect(openError?.operation == .open, "\(String(describing: openError))")
            #expect(openError?.code != nil && openError?.code != 0)
            #expect(openError?.message.isEmpty == false)
            #expect(openError?.path == path)
            #expect(openError?.description.hasPrefix(path + ": cannot create for writing: ") == true,
                    "\(String(describing: openError))")
            // Every rank reports the same failing rank and code.
            #expect(Self.sameOnEveryRank(world, openError?.description ?? ""), "\(String(describing: openError))")

            // The whole-file writer fails the same way, after a valid layout check.
            let mine = RowPartition(uniformRows: Self.n, ranks: world.size).rows(of: world.rank)
            var writeError: ParallelFileError?
            do {
                try ParallelFile.writeFloat64Rows(path: path, communicator: world,
                                                  header: NpyHeader(dtype: .float64, shape: [Self.n, 2]).encoded(),
                                                  globalRows: Self.n, columns: 2, firstRow: mine.lowerBound,
                                                  localRows: mine.count) { _, _ in 1 }
            } catch let error as ParallelFileError {
                writeError = error
            } catch {
                Issue.record("not a ParallelFileError: \(error)")
            }
            #expect(writeError?.operation == .open)
            // The writer also names the errno behind the MPI error (a probe write in the same
            // directory, docs/hardening.md); otherwise the error is the same.
            var expected = openError
            expected?.systemError = ENOENT
            #expect(writeError == expected)
            #expect(writeError?.description.contains("cannot create for writing: No such file or directory (ENOENT)") == true, "\(String(describing: writeError))")
            #expect(!FileManager.default.fileExists(atPath: parent))
            world.barrier()
        }
    }

    @Test func rowsThatDoNotTileTheArrayThrowOnEveryRankBeforeCreatingTheFile() {
        withSolverLock {
            let world = testMPI.world
            let p = world.size, me = world.rank
            let dir = Self.sharedDirectory(world, "layout")
            defer { Self.removeShared(world, dir) }
            let header = NpyHeader(dtype: .float64, shape: [Self.n, 3]).encoded()
            let part = RowPartition(uniformRows: Self.n, ranks: p)
            let mine = part.rows(of: me)
            // (first row, local rows, global rows) per case.
            let cases: [(String, Int, Int, Int)] = [
                // Every rank shifted by one row: row 0 unwritten and one row past the end.
                ("shifted", mine.lowerBound + 1, mine.count, Self.n),
                // The last rank misses its last row.
                ("gap at the end", mine.lowerBound, me == p - 1 ? mine.count - 1 : mine.count, Self.n),
                // Rank 0 claims every row (overlaps the others when P > 1; on one rank, too many rows).
                ("overlap", mine.lowerBound, me == 0 ? Self.n + (p == 1 ? 1 : 0) : mine.count, Self.n),
                // The ranks disagree on the shape (on one rank: a negative count).
                ("disagreeing shapes", mine.lowerBound, mine.count, p == 1 ? -1 : Self.n + me),
            ]
            for (c, (name, first, count, global)) in cases.enumerated() {
                let path = dir + "/bad-\(c).npy"
                var caught: ParallelFileError?
                do {
                    try ParallelFile.writeFloat64Rows(path: path, communicator: world, header: header,
                                                      globalRows: global, columns: 3, firstRow: first,
                                                      localRows: count) { _, _ in 0 }
                } catch let error as ParallelFileError {
                    caught = error
                } catch {
                    Issue.record("\(name): not a ParallelFileError: \(error)")
                }
                #expect(caught?.operation == .layout, "\(name): \(String(describing: caught))")
                #expect(caught?.code == nil, "\(name)")
                // The same verdict everywhere, and no file left behind.
                #expect(Self.sameOnEveryRank(world, caught?.description ?? ""), "\(name)")
                world.barrier()
                #expect(!FileManager.default.fileExists(atPath: path), "\(name): file created")
            }
        }
    }

    @Test func errorStringsComeFromMPI() {
        withSolverLock {
            _ = testMPI.world
            // MPI_ERR_IO (35 in OpenMPI's mpi.h): MPI's own text, not the fallback.
            let text = ParallelFile.errorString(35)
            #expect(text.contains("I/O") || text.contains("MPI_ERR_IO"), "\(text)")
            #expect(!text.hasPrefix("MPI error"), "\(text)")
        }
    }
}

extension MPIIOTests {
    /// OpenMPI's collective writes can drop an I/O error on one rank (seen: EFBIG on rank 2 of 3
    /// reported as success), so `writeArray` checks the closed file's size; a short file fails
    /// on every rank.
    @Test func aShortFileAfterWritingThrowsOnEveryRank() throws {
        try withSolverLock {
            let world = testMPI.world
            let dir = Self.sharedDirectory(world, "short")
            defer { Self.removeShared(world, dir) }
            let path = dir + "/v.npy"
            let header = NpyHeader(dtype: .float64, shape: [Self.n]).encoded()
            let mine = RowPartition(uniformRows: Self.n, ranks: world.size).rows(of: world.rank)
            try ParallelFile.writeFloat64(path: path, communicator: world, header: header, globalCount: Self.n,
                                          firstRow: mine.lowerBound, values: mine.map(Double.init))
            let expected = header.count + 8 * Self.n
            try ParallelFile.verifySize(path: path, communicator: world, expected: expected)
            // Lose the last row, as a dropped write would.
            if world.isCoordinator { #expect(truncate(path, off_t(expected - 8)) == 0) }
            world.barrier()
            var caught: ParallelFileError?
            do {
                try ParallelFile.verifySize(path: path, communicator: world, expected: expected)
            } catch let error as ParallelFileError {
                caught = error
            }
            #expect(caught?.operation == .write, "\(String(describing: caught))")
            #expect(caught?.message.contains("holds \(expected - 8) bytes") == true, "\(String(describing: caught))")
            #expect(Self.sameOnEveryRank(world, caught?.description ?? ""))
            // A file that cannot be opened fails the same way.
            caught = nil
            do {
                try ParallelFile.verifySize(path: dir + "/missing.npy", communicator: world, expected: 0)
            } catch let error as ParallelFileError {
                caught = error
            }
            #expect(caught?.operation == .write && caught?.message == "the written file cannot be read back")
        }
    }
}
