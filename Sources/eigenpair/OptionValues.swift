import ArgumentParser
import Embedding

/// The value of an enum option (--merge, --laplacian-method, --label-weighting) as typed. `--help`
/// and the shell completions list `Value.allCases`. A bad value is not rejected by the argument
/// parser but by the options' validation: that error is printed once, by rank 0, as one `error:`
/// line naming the option and its choices, whereas a parser error is printed by every rank under
/// mpirun.
struct Choice<Value: CaseIterable & RawRepresentable>: ExpressibleByArgument where Value.RawValue == String {
    let text: String

    init(argument: String) { text = argument }
    init(_ value: Value) { text = value.rawValue }

    /// nil for a value that is not one of the cases.
    var value: Value? { Value(rawValue: text) }

    var defaultValueDescription: String { text }
    static var allValueStrings: [String] { Value.allCases.map(\.rawValue) }
    static var defaultCompletionKind: CompletionKind { .list(allValueStrings) }
}

/// Which losses a command offers under `--loss`.
protocol LossChoices {
    static var losses: [LossName] { get }
}

/// embed, sweep and compare: every loss.
enum AnyLoss: LossChoices {
    static var losses: [LossName] { LossName.allCases }
}

/// linear: the losses with a linear closed form (docs/math.md section 5).
enum LinearLoss: LossChoices {
    static var losses: [LossName] { linearLosses }
}

/// `--loss`: one loss, a comma-separated list of them, or `all`. `--help` and the completions list
/// the single names and `all`; the command's settings validate the text.
struct LossList<Choices: LossChoices>: ExpressibleByArgument {
    let text: String

    init(argument: String) { text = argument }

    var defaultValueDescription: String { text }
    static var allValueStrings: [String] { Choices.losses.map(\.rawValue) + ["all"] }
    static var defaultCompletionKind: CompletionKind { .list(allValueStrings) }
}
