import Yams

/// Finds where in a YAML document a path of keys and indices points.
enum YAMLLocator {
    /// The mark of the node at `path`, or of the deepest node that exists on the way.
    /// With `atKey`, the last component's key is marked instead of its value.
    static func mark(for path: [String], in root: Node, atKey: Bool) -> Mark? {
        var node = root
        var best = root.mark
        for (i, component) in path.enumerated() {
            let isLast = i == path.count - 1
            if let mapping = node.mapping {
                guard let pair = mapping.first(where: { $0.key.string == component }) else { return best }
                if isLast, atKey { return pair.key.mark }
                node = pair.value
                best = pair.value.mark ?? best
            } else if let sequence = node.sequence, let index = Int(component), index < sequence.count {
                node = sequence[index]
                best = node.mark ?? best
            } else {
                return best
            }
        }
        return best
    }
}
