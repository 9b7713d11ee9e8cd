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
            Self.configureSingleton()
            MPI_Init(nil, nil)
        }
        world = Communicator(cmpi_comm_world())
    }

    /// Variables a launcher (mpirun, srun) sets in every process it starts.
    static let launcherVariables = ["OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"]

    /// Not collective. A plain run (no launcher) is a 1-rank job that never communicates and never
    /// spawns: Open MPI's singleton start then needs neither its support daemon nor the UCX
    /// transport, whose start-up took 0.3 of 0.37 s on a tiny graph (docs/benchmarks.md, "MPI
    /// start-up"). Values the user set are kept; other MPI libraries ignore these variables.
    static func configureSingleton() {
        let environment = ProcessInfo.processInfo.environment
        guard !launcherVariables.contains(where: { environment[$0] != nil }) else { return }
        setenv("OMPI_MCA_ess_singleton_isolated", "1", 0)
        setenv("OMPI_MCA_pml", "ob1", 0)
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
