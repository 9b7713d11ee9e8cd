import Testing
import Foundation
@testable import NpyFormat

@Suite struct NpyFormatTests {
    @Test func headerIsPaddedTo64AndRoundTrips() throws {
        let bytes = NpyEncoder.encode([1.5, -2, 3, 4, 5, 6], shape: [3, 2])
        let (header, offset) = try NpyHeader.parse(bytes, file: "x.npy")
        #expect(offset % 64 == 0)
        #expect(header == NpyHeader(dtype: .float64, shape: [3, 2]))
        #expect(bytes.count == offset + 48)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("np-\(getpid()).npy").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let back = try NpyArray.read(path: path)
        #expect(back.doubles == [1.5, -2, 3, 4, 5, 6])
        #expect(back.rows == 3 && back.columns == 2)
    }

    @Test func rejectsNonNpy() {
        #expect(throws: NpyError.self) { try NpyHeader.parse(Array("hello world!".utf8), file: "bad") }
    }
}
