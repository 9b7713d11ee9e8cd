import CMPI
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
            MPI_Init(nil, nil)
        }
        world = Communicator(cmpi_comm_world())
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
