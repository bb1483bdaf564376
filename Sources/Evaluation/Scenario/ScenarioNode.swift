import RingsideCore

/// Scenario files are read with the strict YAML reader every input file uses.
typealias ScenarioNode = StrictYAMLNode
