import Foundation

/// The memory a Matrix Market file's declared size commits a run to, checked before anything of
/// that size is allocated: a 70-byte file may declare two billion nodes, and every node gets a
/// row (its ID, degree, row pointer, partition and component entries, its rows of every
/// eigenvector and output). Refusing up front, with the estimate, beats an abort or the kernel's
/// OOM killer minutes later.
///
/// The per-node and per-entry costs are rounded down from peak RSS measured on this project's
/// pipeline (docs/hardening.md; the runs are in docs/benchmarks.md, "Measurements behind code
/// choices"). Larger --dim and more losses need more,
/// so passing this check does not promise that a run fits; failing it means it cannot.
public enum DeclaredSizeBudget {
    public static let bytesPerNode = 96
    public static let bytesPerEntry = 128

    /// Not collective. The estimate for `nodes` nodes and `entries` entries, in bytes (saturating).
    public static func estimate(nodes: Int, entries: Int) -> Int {
        let (a, o1) = nodes.multipliedReportingOverflow(by: bytesPerNode)
        let (b, o2) = entries.multipliedReportingOverflow(by: bytesPerEntry)
        let (sum, o3) = a.addingReportingOverflow(b)
        return o1 || o2 || o3 ? .max : sum
    }

    /// Not collective. Memory this job can use: physical memory (capped by a cgroup v2 limit) of
    /// this machine, times the machines the job spans (`ranks / ranksHere`, assuming alike
    /// machines; 1 for a run on one machine).
    public static func available(ranks: Int, ranksHere: Int) -> Int {
        var bytes = Int(sysconf(Int32(_SC_PHYS_PAGES))) * Int(sysconf(Int32(_SC_PAGESIZE)))
        if let text = try? String(contentsOfFile: "/sys/fs/cgroup/memory.max", encoding: .utf8),
           let limit = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), limit > 0 {
            bytes = min(bytes, limit)
        }
        let machines = max(1, ranks / max(1, ranksHere))
        return bytes.multipliedReportingOverflow(by: machines).overflow ? .max : bytes * machines
    }

    /// Not collective. `available` for this job, from OpenMPI's environment (ranks in all and on
    /// this machine; one machine when unknown or not under mpirun).
    public static func availableToThisJob() -> Int {
        let environment = ProcessInfo.processInfo.environment
        let ranks = environment["OMPI_COMM_WORLD_SIZE"].flatMap { Int($0) } ?? 1
        let here = environment["OMPI_COMM_WORLD_LOCAL_SIZE"].flatMap { Int($0) } ?? ranks
        return available(ranks: ranks, ranksHere: here)
    }

    /// Not collective. Throws, naming the size line, when the declared size of `probe` cannot
    /// fit in `available` bytes. Entries count at most what the file can hold (4 bytes a line),
    /// since a short file's declared entry count is an error found later anyway.
    public static func check(_ probe: GraphProbe, path: String, available: Int) throws(InputError) {
        guard let nodes = probe.declaredNodeCount else { return }
        let entries = min(probe.declaredEntries ?? 0, max(0, probe.fileSize - probe.dataStart) / 4 + 1)
        let needed = estimate(nodes: nodes, entries: entries)
        guard needed > available else { return }
        throw InputError(file: path, line: probe.sizeLine,
                         reason: "declares \(nodes) nodes and \(probe.declaredEntries ?? 0) entries: a run needs at least "
                         + "\(gigabytes(needed)) (about \(bytesPerNode) bytes per node, \(bytesPerEntry) per entry), "
                         + "more than the \(gigabytes(available)) of memory available")
    }

    static func gigabytes(_ bytes: Int) -> String {
        bytes == .max ? "more than 9e9 GB" : String(format: "%.1f GB", Double(bytes) / 1e9)
    }
}
