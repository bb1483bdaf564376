import Agent
import Foundation
import RingsideCore

/// A scenario file as found on disk: loaded, or with the error that stopped it loading.
public enum ScenarioEntry: Sendable {
    case loaded(Scenario)
    case invalid(file: String, error: LocatedError)

    /// The scenario file, loaded or not.
    public var file: String {
        switch self {
        case let .loaded(scenario): scenario.file
        case let .invalid(file, _): file
        }
    }

    /// Loads every scenario file under `paths` (files, or folders searched for `calls/*.yaml`).
    public static func load(paths: [URL]) -> [ScenarioEntry] {
        ScenarioLoader.scenarioFiles(in: paths).map { url -> ScenarioEntry in
            do throws(LocatedError) { return .loaded(try ScenarioLoader.load(url)) } catch { return .invalid(file: url.path, error: error) }
        }
    }

    /// What will not load: each invalid file, then (with `checkingAgents`) each agent folder, once,
    /// whose agent does not load. Their runs become errors; this says why up front.
    public static func loadErrors(_ entries: [ScenarioEntry], checkingAgents: Bool) -> [LocatedError] {
        var errors: [LocatedError] = []
        var agents: [URL] = []
        for entry in entries {
            switch entry {
            case let .invalid(_, error): errors.append(error)
            case let .loaded(scenario): if !agents.contains(scenario.agentDirectory) { agents.append(scenario.agentDirectory) }
            }
        }
        guard checkingAgents else { return errors }
        for directory in agents {
            do throws(LocatedError) { _ = try AgentLoader.load(directory: directory) } catch { errors.append(error) }
        }
        return errors
    }

    /// Keeps loaded scenarios carrying any of `tags` (all when empty); invalid files always stay.
    public static func filter(_ entries: [ScenarioEntry], tags: [String]) -> [ScenarioEntry] {
        guard !tags.isEmpty else { return entries }
        return entries.filter { entry in
            if case let .loaded(s) = entry { return !Set(s.tags).isDisjoint(with: tags) }
            return true
        }
    }
}
