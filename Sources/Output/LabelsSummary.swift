import Diagnostics

/// The label section of report.json: how G aligns with the labels before any loss, and the
/// guideline that follows (docs/math.md section 8).
public struct LabelsSummary: Encodable {
    public var file: String
    public var labelled: Int
    public var classes: Int
    /// Label-file entries whose node is not in the graph (ignored).
    public var notInGraph: Int
    public var withinClass: WithinClassWeight
    /// Captured label energy of each operator's top-K eigenspace.
    public var operatorLabelEnergy: [String: Double] = [:]
    /// The space each energy was measured on, when not the top-K eigenspace (a tie at K).
    public var operatorLabelEnergySpace: [String: String] = [:]
    public var guidance: Guidance?

    public init(file: String, labelled: Int, classes: Int, notInGraph: Int, withinClass: WithinClassWeight) {
        self.file = file
        self.labelled = labelled
        self.classes = classes
        self.notInGraph = notInGraph
        self.withinClass = withinClass
    }
}

/// Per-loss label alignment: captured label energy, principal angles, linear probe.
public typealias LabelAlignmentSummary = LabelReport
