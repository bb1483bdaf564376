import Foundation
import ProcessHarness

/// Where tests find the repository, the shared conformance corpora and built executables.
public enum TestPaths {
    /// The repository root (the folder holding Package.swift).
    public static var repository: URL {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }

    /// `../shared/conformance/NAME` beside the checkout.
    public static func conformance(_ name: String) -> URL {
        repository.deletingLastPathComponent().appendingPathComponent("shared/conformance").appendingPathComponent(name)
    }

    /// A product built beside the test bundle (e.g. `ringside`).
    public static func builtProduct(_ name: String) -> URL { ProgramPaths.builtProduct(name) }

    /// Full path of a program on PATH (or a standard system folder), if installed.
    public static func executable(_ name: String) -> String? { ProgramPaths.executable(name) }

    /// A fresh temporary folder.
    public static func temporaryDirectory(_ prefix: String = "ringside-test") throws -> URL {
        try ProgramPaths.temporaryDirectory(prefix)
    }
}
