import Distributed
import NpyFormat

/// The labels of this rank's rows, read in parallel: `OwnedLabels.read`.
public struct OwnedLabels: Sendable {
    /// Class index of each owned row (-1: unlabelled), numbered over the classes present on some
    /// row of the graph, in the order of `classNames`.
    public var classes: [Int]
    /// Names of the present classes (ascending: numerically when every name is a number).
    public var classNames: [String]
    /// Distinct node IDs of the file that are not nodes of the graph (global).
    public var notInGraph: Int

    /// Collective. A text file (`id label` per line) is split into byte ranges, one per rank; each
    /// (id, label, line) goes to the rank owning that node ID (ranks own contiguous, ascending ID
    /// ranges), which checks it against the file's other lines for that node. Errors are the
    /// one-process reader's: the first bad line of the file, with its line number, on every rank.
    /// An integer `.npy` (row i = node ID i) is read whole by every rank (8 bytes per node).
    /// - Parameter nodeIDs: the owned rows' node IDs, ascending, and above every lower rank's.
    public static func read(path: String, nodeIDs: [UInt64], communicator: Communicator) throws -> OwnedLabels {
        let head = try communicator.agree { () throws(InputError) in
            try ChunkedLineReader.peek(path: path, count: 6)
        }
        if head == [0x93] + Array("NUMPY".utf8) || GraphReader.fileExtension(of: path) == "npy" {
            // Every rank reads the same file: the same result or the same error everywhere.
            let (labels, names) = try NodeLabels.readWithClassNames(path: path)
            var byID: [UInt64: Int] = [:]
            for (id, c) in zip(labels.ids, labels.labels) { byID[id] = c }
            let classes = nodeIDs.map { byID[$0] ?? -1 }
            let matched = communicator.allreduceSum(classes.filter { $0 >= 0 }.count)
            return renumbered(classes: classes, names: names, notInGraph: labels.count - matched,
                              communicator: communicator)
        }
        return try readText(path: path, nodeIDs: nodeIDs, communicator: communicator)
    }

    private struct Record {
        var id: UInt64
        var name: String
        var line: Int
    }

    private static func readText(path: String, nodeIDs: [UInt64], communicator: Communicator) throws -> OwnedLabels {
        let p = communicator.size, me = communicator.rank
        // 1. This rank's lines; a malformed line stops this part (its error is agreed below).
        var records: [Record] = []
        var parseError: InputError?
        var lines = 0
        do throws(InputError) {
            let (descriptor, fileSize) = try ChunkedLineReader.openRegularFile(path: path)
            ChunkedLineReader.closeFile(descriptor)
            let range = ByteRangePlan(dataStart: 0, fileSize: fileSize).range(part: me, of: p)
            let scan = try ChunkedLineReader.forEachLine(path: path, in: range) { (line, location) throws(InputError) -> Bool in
                if let (id, name) = try NodeLabels.labelLine(&line, at: location, path: path) {
                    records.append(Record(id: id, name: name, line: location.number))
                }
                return true
            }
            lines = scan.lines
        } catch {
            parseError = error
        }
        // Global line numbers: the lines of the parts before this one.
        let lineCounts = communicator.allgather(lines)
        let offset = lineCounts.prefix(me).reduce(0, +)
        for i in records.indices { records[i].line += offset }
        let failedRanks = communicator.allgather(parseError == nil ? 0 : 1)
        // Only lines before the first malformed one count: the one-process reader stops there.
        let firstFailing = failedRanks.firstIndex(of: 1)
        let stopLine = firstFailing.map { r in (parseError?.line).map { $0 + offset } ?? 0 } ?? Int.max
        let limit = communicator.allreduceMin(firstFailing == me ? stopLine : Int.max)
        records.removeAll { $0.line >= limit }

        // 2. Class names: the union of every rank's names, sorted as the one-process reader sorts.
        var mine = Set(records.map(\.name)).sorted()
        let packed = mine.joined(separator: "\u{0}")
        let gathered = communicator.allgatherv(int64: Array(packed.utf8).map { Int64($0) })
        var all = Set<String>()
        var at = 0
        for c in gathered.counts {
            let bytes = gathered.values[at..<(at + c)].map { UInt8($0) }
            at += c
            if c > 0 { for n in String(decoding: bytes, as: UTF8.self).split(separator: "\u{0}", omittingEmptySubsequences: false) { all.insert(String(n)) } }
        }
        mine = []
        let names = NodeLabels.sortedClassNames(all)
        var index: [String: Int] = [:]
        for (i, n) in names.enumerated() { index[n] = i }

        // 3. (id, line, class) to the owner of the ID: rank r owns IDs from its first node ID up to
        //    the next rank's (IDs below rank 0's go to rank 0).
        let firsts = communicator.allgatherv(uint64: nodeIDs.isEmpty ? [] : [nodeIDs[0]])
        var starts: [(id: UInt64, rank: Int)] = []
        var k = 0
        for r in 0..<p where firsts.counts[r] > 0 { starts.append((firsts.values[k], r)); k += 1 }
        func owner(_ id: UInt64) -> Int {
            var lo = 0, hi = starts.count - 1
            guard hi >= 0, id >= starts[0].id else { return starts.first?.rank ?? 0 }
            while lo < hi { let mid = (lo + hi + 1) / 2; if starts[mid].id <= id { lo = mid } else { hi = mid - 1 } }
            return starts[lo].rank
        }
        var buckets = [[Record]](repeating: [], count: p)
        for rec in records { buckets[owner(rec.id)].append(rec) }
        records = []
        let sendCounts = buckets.map(\.count)
        let ids = communicator.exchange(buckets.flatMap { $0.map(\.id) }, sendCounts: sendCounts).values
        let meta = communicator.exchange(buckets.flatMap { $0.flatMap { [Int64($0.line), Int64(index[$0.name]!)] } },
                                         sendCounts: sendCounts.map { 2 * $0 }).values
        buckets = []

        // 4. Per node, the first line wins; a later line with another label is an error, and the
        //    earliest such line of the file is the one the one-process reader reports.
        let order = ids.indices.sorted { ids[$0] != ids[$1] ? ids[$0] < ids[$1] : meta[2 * $0] < meta[2 * $1] }
        var first: [UInt64: (line: Int, label: Int)] = [:]
        var conflict: (line: Int, id: UInt64, label: Int, previous: (line: Int, label: Int))?
        for q in order {
            let id = ids[q], line = Int(meta[2 * q]), label = Int(meta[2 * q + 1])
            if let f = first[id] {
                if f.label != label && line < (conflict?.line ?? Int.max) { conflict = (line, id, label, f) }
            } else {
                first[id] = (line, label)
            }
        }
        let conflictLine = communicator.allreduceMin(conflict?.line ?? Int.max)
        if conflictLine != Int.max {
            try communicator.agree { () throws(InputError) in
                if let c = conflict, c.line == conflictLine {
                    throw InputError(file: path, line: c.line,
                                     reason: "node \(c.id) has label '\(names[c.label])' here but '\(names[c.previous.label])' on line \(c.previous.line)")
                }
            }
        }
        if firstFailing != nil {
            try communicator.agree(failure: parseError?.offsetting(by: offset))
        }
        let owned = Set(nodeIDs)
        let notInGraph = communicator.allreduceSum(first.keys.filter { !owned.contains($0) }.count)
        let classes = nodeIDs.map { first[$0]?.label ?? -1 }
        return renumbered(classes: classes, names: names, notInGraph: notInGraph, communicator: communicator)
    }

    /// Keeps the classes present on some row of the graph (on any rank), renumbered in order.
    private static func renumbered(classes: [Int], names: [String], notInGraph: Int,
                                   communicator: Communicator) -> OwnedLabels {
        var present = [Int64](repeating: 0, count: names.count)
        for c in classes where c >= 0 { present[c] = 1 }
        communicator.allreduceMax(&present)
        var newIndex = [Int](repeating: -1, count: names.count)
        var kept: [String] = []
        for c in names.indices where present[c] != 0 {
            newIndex[c] = kept.count
            kept.append(names[c])
        }
        return OwnedLabels(classes: classes.map { $0 >= 0 ? newIndex[$0] : -1 }, classNames: kept, notInGraph: notInGraph)
    }
}
