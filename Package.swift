// swift-tools-version:6.0
// Mixdown — script-to-audio production engine. GPL-3.0-or-later (links libespeak-ng).
import Foundation
import PackageDescription

func system(_ name: String, pkgConfig: String? = nil, apt: String) -> Target {
    .systemLibrary(name: name, pkgConfig: pkgConfig, providers: [.apt([apt])])
}

let package = Package(
    name: "Mixdown",
    products: [
        .executable(name: "mixdown", targets: ["mixdown"]),
        .library(name: "MixdownIO", targets: ["MixdownIO"]),
        .library(name: "MixdownDSP", targets: ["MixdownDSP"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        // S3-compatible object storage (MixdownStorage): an HTTP client and SigV4's SHA-256/HMAC.
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.9.0"..<"5.0.0"),
    ],
    targets: [
        system("CSndFile", pkgConfig: "sndfile", apt: "libsndfile1-dev"),
        system("CLame", apt: "libmp3lame-dev"),
        system("CMPG123", pkgConfig: "libmpg123", apt: "libmpg123-dev"),
        system("CFFmpeg", pkgConfig: "libavformat", apt: "libavformat-dev"),
        system("CSampleRate", pkgConfig: "samplerate", apt: "libsamplerate0-dev"),
        system("CEspeakNG", apt: "libespeak-ng-dev"),
        system("CFFTW", pkgConfig: "fftw3f", apt: "libfftw3-dev"),
        system("CRubberBand", pkgConfig: "rubberband", apt: "librubberband-dev"),
        system("CZlib", pkgConfig: "zlib", apt: "zlib1g-dev"),

        .target(name: "MixdownCore"),
        .target(name: "MixdownIO", dependencies: ["MixdownCore", "CSndFile", "CLame", "CMPG123", "CFFmpeg", "CSampleRate"]),
        .target(name: "MixdownDSP", dependencies: ["MixdownCore", "CFFTW", "CRubberBand"]),
        .target(name: "MixdownScript", dependencies: ["MixdownCore"]),
        .target(name: "MixdownTimeline", dependencies: ["MixdownCore", "MixdownScript"]),
        .target(name: "MixdownSpeech", dependencies: ["MixdownCore", "MixdownIO", "MixdownDSP", "MixdownScript", "CEspeakNG"]),
        .target(name: "MixdownTemplates", dependencies: ["MixdownCore", "MixdownIO", "MixdownDSP", "CZlib"]),
        .target(name: "MixdownMaster", dependencies: ["MixdownCore", "MixdownIO", "MixdownDSP"]),
        .target(name: "MixdownCleanup", dependencies: ["MixdownCore", "MixdownIO", "MixdownDSP"]),
        .target(name: "MixdownHybrid", dependencies: ["MixdownCore", "MixdownDSP", "MixdownSpeech", "MixdownMaster", "MixdownTimeline"]),
        .target(name: "MixdownDelivery", dependencies: ["MixdownCore", "MixdownIO", "MixdownDSP", "MixdownMaster"]),
        .target(name: "MixdownReport", dependencies: ["MixdownCore", "MixdownIO", "MixdownDSP", "MixdownMaster", "MixdownHybrid", "MixdownCleanup",
                                                      "MixdownScript", "MixdownSpeech", "MixdownTimeline"]),
        .target(name: "MixdownRender", dependencies: ["MixdownCore", "MixdownIO", "MixdownDSP", "MixdownScript", "MixdownSpeech", "MixdownCleanup",
                                                      "MixdownTimeline", "MixdownTemplates", "MixdownMaster", "MixdownHybrid",
                                                      "MixdownDelivery", "MixdownReport"]),
        .target(name: "MixdownMasterFile", dependencies: ["MixdownCore", "MixdownIO", "MixdownDSP", "MixdownScript", "MixdownMaster", "MixdownCleanup",
                                                          "MixdownDelivery", "MixdownReport"]),
        .target(name: "MixdownStorage", dependencies: [
            "MixdownCore",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),
        .target(name: "MixdownCatalog", dependencies: ["MixdownCore", "MixdownSpeech", "MixdownTemplates"]),
        .target(name: "MixdownBatch", dependencies: ["MixdownRender", "MixdownReport", "MixdownCore", "MixdownIO", "MixdownScript",
                                                     "MixdownSpeech", "MixdownTemplates"]),
        .target(name: "MixdownServer", dependencies: [
            "MixdownRender", "MixdownMasterFile", "MixdownCatalog", "MixdownReport", "MixdownBatch", "MixdownCore", "MixdownIO",
            "MixdownScript", "MixdownSpeech", "MixdownTemplates", "MixdownStorage",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
        ], resources: [
            // Mixdown Studio, compiled into the binary (StudioController serves it).
            .embedInCode("Studio/index.html"), .embedInCode("Studio/studio.css"), .embedInCode("Studio/favicon.svg"),
            .embedInCode("Studio/studio.js"), .embedInCode("Studio/api.js"), .embedInCode("Studio/dom.js"),
            .embedInCode("Studio/highlight.js"), .embedInCode("Studio/csv.js"), .embedInCode("Studio/write.js"),
            .embedInCode("Studio/master.js"), .embedInCode("Studio/batch.js"), .embedInCode("Studio/jobs.js"),
        ]),
        .executableTarget(name: "mixdown", dependencies: [
            "MixdownRender", "MixdownMasterFile", "MixdownCatalog", "MixdownReport", "MixdownDelivery", "MixdownBatch", "MixdownServer",
            "MixdownCore", "MixdownIO", "MixdownDSP", "MixdownScript", "MixdownSpeech", "MixdownTemplates", "MixdownMaster",
            "CEspeakNG", "CSndFile", "CLame", "CSampleRate", "MixdownStorage", "MixdownCleanup",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // Rebuilds SoundTemplates/ from nothing: `make templates`.
        .executableTarget(name: "mixdown-templates", dependencies: ["MixdownCore", "MixdownIO", "MixdownDelivery", "MixdownDSP"],
                          path: "SoundTemplates/Generator"),

        // Tests only: libebur128 is the independent reference meter, never linked into the product.
        .systemLibrary(name: "CEbur128", path: "Tests/CEbur128", pkgConfig: "libebur128", providers: [.apt(["libebur128-dev"])]),
        .target(name: "MixdownTestSupport", dependencies: ["MixdownCore", "MixdownIO"], path: "Tests/MixdownTestSupport"),
        .testTarget(name: "MixdownDSPTests", dependencies: ["MixdownDSP", "MixdownTestSupport", "CEbur128"]),
        .testTarget(name: "MixdownIOTests", dependencies: ["MixdownIO", "MixdownDelivery", "MixdownDSP", "MixdownTestSupport"]),
        .testTarget(name: "MixdownScriptTests", dependencies: ["MixdownScript"]),
        .testTarget(name: "MixdownMasterTests", dependencies: ["MixdownMaster", "MixdownHybrid", "MixdownDelivery", "MixdownDSP", "MixdownIO",
                                                               "MixdownTestSupport"]),
        .testTarget(name: "MixdownSpeechTests", dependencies: ["MixdownSpeech", "MixdownDSP", "MixdownTestSupport"]),
        .testTarget(name: "MixdownTemplatesTests", dependencies: ["MixdownTemplates", "MixdownCatalog", "MixdownDSP", "MixdownIO", "MixdownTestSupport", "CEbur128"]),
        .testTarget(name: "MixdownTimelineTests", dependencies: [
            "MixdownTimeline", "MixdownScript", .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        .testTarget(name: "MixdownRenderTests", dependencies: ["mixdown", "MixdownRender", "MixdownMasterFile", "MixdownReport", "MixdownHybrid",
                                                               "MixdownDelivery", "MixdownIO", "MixdownScript", "MixdownDSP", "MixdownMaster",
                                                               "MixdownSpeech", "MixdownTestSupport"]),
        .testTarget(name: "MixdownCleanupTests", dependencies: ["MixdownCleanup", "MixdownDSP", "MixdownIO", "MixdownCore", "MixdownTestSupport"]),
        .testTarget(name: "MixdownBatchTests", dependencies: ["MixdownBatch", "MixdownCore"]),
        .testTarget(name: "MixdownCLITests", dependencies: ["mixdown", "MixdownIO", "MixdownDelivery", "MixdownDSP", "MixdownServer", "MixdownTestSupport"]),
        .testTarget(name: "MixdownServerTests", dependencies: [
            "MixdownServer", "MixdownStorage", "MixdownCore", "MixdownIO", "MixdownScript", "MixdownSpeech", "MixdownTestSupport",
            .product(name: "Hummingbird", package: "hummingbird"), .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)

// Fuzz targets (`make fuzz`): libFuzzer executables, built only with MIXDOWN_FUZZ=1 and
// `-sanitize=fuzzer,address -parse-as-library`, since libFuzzer supplies their `main`.
if ProcessInfo.processInfo.environment["MIXDOWN_FUZZ"] != nil {
    package.targets += [
        .target(name: "CFuzzer", path: "Tests/Fuzz/CFuzzer"),
        .target(name: "Fuzz", dependencies: ["CFuzzer", "MixdownCore", "MixdownIO"], path: "Tests/Fuzz/Support"),
        .executableTarget(name: "fuzz-script", dependencies: ["Fuzz", "MixdownScript"], path: "Tests/Fuzz/script"),
        .executableTarget(name: "fuzz-production", dependencies: ["Fuzz", "MixdownRender", "MixdownCore", "MixdownScript"], path: "Tests/Fuzz/production"),
        .executableTarget(name: "fuzz-template", dependencies: ["Fuzz", "MixdownTemplates"], path: "Tests/Fuzz/template"),
        .executableTarget(name: "fuzz-audio", dependencies: ["Fuzz", "MixdownIO", "MixdownDSP"], path: "Tests/Fuzz/audio"),
    ]
}
