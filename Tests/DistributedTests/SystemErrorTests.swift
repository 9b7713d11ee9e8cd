import Distributed
import Foundation
import Testing

/// `SystemError`: the errno names in messages, and the probe write that recovers the errno
/// behind an MPI_ERR_IO (docs/hardening.md).
@Suite struct SystemErrorTests {
    @Test func namesTheErrno() {
        #expect(SystemError.describe(ENOSPC) == String(cString: strerror(ENOSPC)) + " (ENOSPC)")
        #expect(SystemError.describe(EDQUOT).hasSuffix("(EDQUOT)"))
        #expect(SystemError.describe(EACCES).hasSuffix("(EACCES)"))
        #expect(SystemError.describe(ECHILD) == String(cString: strerror(ECHILD)))
    }

    @Test func probeWriteFindsTheFailureOrNone() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("probe-\(getpid())-\(UUID().uuidString)").path
        #expect(SystemError.probeWrite(directory: dir, bytes: 100) == ENOENT)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(SystemError.probeWrite(directory: dir, bytes: 1 << 16) == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty, "the probe file must be removed")
        // More than any file system holds (8 EiB): the space cannot be reserved.
        let huge = SystemError.probeWrite(directory: dir, bytes: Int.max)
        #expect(huge == EFBIG || huge == ENOSPC, "\(String(describing: huge))")
    }
}
