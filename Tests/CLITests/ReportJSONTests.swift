import Foundation
import Output
import Testing

/// `JSONText`, the encoder of every report: Foundation's JSONDecoder (an independent parser) reads
/// back exactly what was encoded, Doubles are written as floats and integers as integers, and
/// non-finite values as the strings docs/report.schema.json allows.
@Suite struct ReportJSONTests {
    struct Sample: Codable, Equatable {
        var whole: Double
        var tiny: Double
        var huge: Double
        var third: Double
        var count: Int
        var big: UInt64
        var flag: Bool
        var text: String
        var missing: Int?
        var present: Double?
        var list: [Double]
        var map: [String: Int]
        var nested: [[Double]]
    }

    static let sample = Sample(whole: 2, tiny: 1e-300, huge: 1.5e300, third: 1.0 / 3, count: 2, big: .max,
                               flag: true, text: "a \"q\" \\ \n\t\u{01} é", missing: nil, present: -0.0,
                               list: [], map: ["b": 1, "a": 2], nested: [[1, 0.5], []])

    @Test func foundationReadsBackExactlyWhatWasWritten() throws {
        let text = try JSONText.encode(Self.sample)
        let back = try JSONDecoder().decode(Sample.self, from: Data(text.utf8))
        #expect(back == Self.sample)
        #expect(back.present?.sign == .minus)
    }

    @Test func doublesAreFloatsAndIntegersAreIntegers() throws {
        let text = try JSONText.encode(Self.sample)
        #expect(text.contains("\"whole\" : 2.0\n"), "\(text)")
        #expect(text.contains("\"count\" : 2,"), "\(text)")
        #expect(text.contains("\"big\" : 18446744073709551615,"), "\(text)")
        #expect(text.contains("1.0,") && text.contains("0.5"), "\(text)")
        #expect(!text.contains("missing"))
        // Sorted keys, as before: a diff of two reports lines up.
        let keys = text.split(separator: "\n").filter { $0.hasPrefix("  \"") }.map { $0.split(separator: "\"")[1] }
        #expect(keys == keys.sorted() && keys.count == 12, "\(keys)")
    }

    @Test func nonFiniteDoublesAreTheSchemaStrings() throws {
        let text = try JSONText.encode(["p": Double.infinity, "m": -Double.infinity, "n": Double.nan])
        let back = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String])
        #expect(back == ["p": "inf", "m": "-inf", "n": "nan"])
    }
}

/// The one key strategy of every report: a Swift property name becomes its snake_case, an explicit
/// key passes unchanged, and dictionary keys are data, written as they are.
@Suite struct ReportKeyStrategyTests {
    struct Keyed: Encodable {
        var maxResidual = 1
        var lossAtZStar = 2
        var plain = 3
        var renamed = 4
        var energies: [String: Int] = ["A_n": 5, "L": 6, "camelCase": 7]

        enum CodingKeys: String, CodingKey {
            case maxResidual, lossAtZStar, plain, energies
            case renamed = "ncv"
        }
    }

    @Test func propertyNamesBecomeSnakeCaseAndDictionaryKeysStay() throws {
        let text = try JSONText.encode(Keyed())
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(Set(json.keys) == ["max_residual", "loss_at_z_star", "plain", "ncv", "energies"], "\(text)")
        #expect(json["loss_at_z_star"] as? Int == 2 && json["ncv"] as? Int == 4)
        let energies = try #require(json["energies"] as? [String: Int])
        #expect(energies == ["A_n": 5, "L": 6, "camelCase": 7], "\(text)")
    }
}
