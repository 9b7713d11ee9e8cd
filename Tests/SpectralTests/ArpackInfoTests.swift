import Foundation
import Spectral
import Testing

/// `ArpackInfo` against arpack-ng's documented INFO codes of pdsaupd and pdseupd (typed here from
/// PARPACK/SRC/MPI/pdsaupd.f and pdseupd.f, independently of the enum's own table).
@Suite struct ArpackInfoTests {
    static let documented = [0, 1, 3, -1, -2, -3, -4, -5, -6, -7, -8, -9, -10, -11, -12, -13, -14, -15, -16, -17, -9999]

    @Test func everyDocumentedCodeRoundTripsAndIsNamed() {
        for code in Self.documented {
            let info = ArpackInfo(code: code)
            #expect(info.code == code)
            #expect(info.isError == (code < 0), "code \(code)")
            if case .undocumented = info { Issue.record("documented code \(code) read as undocumented") }
            #expect(!info.description.contains("undocumented"), "code \(code): \(info)")
        }
        #expect(ArpackInfo(code: 0) == .normal && ArpackInfo(code: 1) == .maximumRestarts
                && ArpackInfo(code: 3) == .noShiftsApplied && ArpackInfo(code: -9) == .zeroStartVector
                && ArpackInfo(code: -14) == .noConvergedValues && ArpackInfo(code: -9999) == .noFactorization)
        for code in [2, 4, -18, -100] {
            #expect(ArpackInfo(code: code) == .undocumented(code: code), "code \(code)")
        }
    }

    /// Reports write the bare code, as before the enum.
    @Test func reportsEncodeTheBareCode() throws {
        let report = LanczosReport(requested: 4, converged: 2, restarts: 9, matvecs: 40, krylovDimension: 36,
                                   dimension: 100, seconds: 0, info: .maximumRestarts)
        let json = String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
        #expect(json.contains("\"info\":1"), "\(json)")
        let back = try JSONDecoder().decode(LanczosReport.self, from: Data(json.utf8))
        #expect(back.info == .maximumRestarts)
        let error = EigensolverError.arpack(routine: "pdsaupd", info: ArpackInfo(code: -9))
        #expect(error.description.contains("info = -9") && error.description.contains("starting vector is zero"))
    }
}
