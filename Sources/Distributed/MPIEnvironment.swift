import CMPI
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The process's MPI world. Created once per process by the executable; a plain run without
/// `mpirun` becomes a 1-rank job (singleton init), so every stage sees a communicator either way.
public final class MPIEnvironment {
    public let world: Communicator
    /// MPI_COMM_SELF: this process alone, a 1-rank group. What tests (and library callers with one
    /// whole graph in memory) pass to run the distributed code on one process inside an MPI job.
    public var single: Communicator { Communicator(cmpi_comm_self()) }

    /// Collective over the world. Initialises MPI unless already initialised.
    public init() {
        var initialized: Int32 = 0
        MPI_Initialized(&initialized)
        if initialized == 0 {
            Self.configureStartup()
            MPI_Init(nil, nil)
        }
        world = Communicator(cmpi_comm_world())
    }

    /// Variables a launcher (mpirun, srun) sets in every process it starts.
    static let launcherVariables = ["OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"]

    /// Not collective. Sets the Open MPI start-up variables of `startupSettings` that the user has
    /// not set, before MPI_Init reads them; other MPI libraries ignore them.
    static func configureStartup() {
        for (name, value) in startupSettings(ProcessInfo.processInfo.environment) { setenv(name, value, 0) }
    }

    /// Not collective. Open MPI variables for a faster start-up, measured on the development VM
    /// (docs/benchmarks.md, "MPI start-up"); a variable present in `environment` is left out, so a
    /// user's choice wins.
    /// - A plain run (no launcher) is a 1-rank job that never communicates and never spawns: the
    ///   singleton start then needs neither its support daemon nor a messaging layer other than ob1
    ///   (0.3 of 0.37 s on a tiny graph went to them).
    /// - Under `mpirun` with every rank on this node, the MTL transports (PSM, PSM2, OFI: fabric
    ///   hardware) have nothing to carry, but probing them for Open MPI's cm layer took 0.2 s of each
    ///   rank's MPI_Init. Excluding them leaves the choice among ob1, UCX and the shared-memory
    ///   transports to Open MPI's configuration as before. Nothing changes across nodes.
    static func startupSettings(_ environment: [String: String]) -> [(String, String)] {
        var settings: [(String, String)] = []
        if !launcherVariables.contains(where: { environment[$0] != nil }) {
            settings = [("OMPI_MCA_ess_singleton_isolated", "1"), ("OMPI_MCA_pml", "ob1")]
        } else if let size = environment["OMPI_COMM_WORLD_SIZE"], let local = environment["OMPI_COMM_WORLD_LOCAL_SIZE"],
                  Int(size) != nil, size == local {
            settings = [("OMPI_MCA_mtl", "^ofi,psm,psm2,portals4")]
        }
        return settings.filter { environment[$0.0] == nil }
    }

    /// Registers MPI_Finalize to run at process exit (if MPI is still initialised then). For
    /// processes that cannot finalise explicitly, such as a test runner started under mpirun,
    /// which otherwise reports every rank as "exiting improperly" and fails the job.
    public static func finalizeAtExit() {
        atexit {
            var initialized: Int32 = 0, finalized: Int32 = 0
            MPI_Initialized(&initialized)
            MPI_Finalized(&finalized)
            if initialized != 0 && finalized == 0 { MPI_Finalize() }
        }
    }

    /// Collective. Finalises MPI; the communicator must not be used afterwards.
    public func finalize() {
        var finalized: Int32 = 0
        MPI_Finalized(&finalized)
        if finalized == 0 { MPI_Finalize() }
    }
}
