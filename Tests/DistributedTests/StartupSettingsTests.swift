@testable import Distributed
import Testing

/// The Open MPI start-up variables `MPIEnvironment` sets before MPI_Init (docs/benchmarks.md,
/// "MPI start-up"): which launch gets which, and that a variable the user set is never replaced.
@Suite struct StartupSettingsTests {
    static func names(_ environment: [String: String]) -> [String: String] {
        Dictionary(uniqueKeysWithValues: MPIEnvironment.startupSettings(environment))
    }

    @Test func plainRunIsAnIsolatedSingletonOnOb1() {
        #expect(Self.names([:]) == ["OMPI_MCA_ess_singleton_isolated": "1", "OMPI_MCA_pml": "ob1"])
        #expect(Self.names(["OMPI_MCA_pml": "ucx"]) == ["OMPI_MCA_ess_singleton_isolated": "1"])
    }

    /// Every rank on this node: the fabric MTLs are excluded, the messaging layer is left alone.
    @Test func singleNodeMpirunSkipsTheFabricProbes() {
        let local = ["OMPI_COMM_WORLD_SIZE": "2", "OMPI_COMM_WORLD_LOCAL_SIZE": "2"]
        #expect(Self.names(local) == ["OMPI_MCA_mtl": "^ofi,psm,psm2,portals4"])
        #expect(Self.names(local.merging(["OMPI_MCA_mtl": "psm2"]) { $1 }).isEmpty)
    }

    /// Across nodes, or under a launcher that does not say how many ranks share the node, nothing.
    @Test func otherLaunchesAreUntouched() {
        #expect(Self.names(["OMPI_COMM_WORLD_SIZE": "8", "OMPI_COMM_WORLD_LOCAL_SIZE": "4"]).isEmpty)
        #expect(Self.names(["PMIX_RANK": "0"]).isEmpty)
        #expect(Self.names(["OMPI_COMM_WORLD_SIZE": "2"]).isEmpty)
    }
}
