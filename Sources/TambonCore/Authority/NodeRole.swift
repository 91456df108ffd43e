/// What a node is for: the hub, an office's one `office` node (it issues official numbers), or a survey laptop.
public enum NodeRole: String, Sendable, CaseIterable {
    case hub
    case office
    case survey
}
