// swift-tools-version: 6.2
// failover-otel: the `failover` REPL with an OpenTelemetry exporter (OTLP/HTTP), kept out of the main
// package because swift-otel and swift-protobuf take several minutes to build (see the README).
import PackageDescription

let package = Package(
    name: "failover-otel",
    platforms: [.macOS(.v15)],
    products: [.executable(name: "failover-otel", targets: ["failover-otel"])],
    dependencies: [
        .package(name: "swift-failover", path: "../.."),
        // OTLP/HTTP only (protobuf or JSON): the gRPC exporter would add grpc-swift to the build.
        .package(url: "https://github.com/swift-otel/swift-otel", from: "1.6.0", traits: ["OTLPHTTP"]),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .executableTarget(
            name: "failover-otel",
            dependencies: [
                .product(name: "FailoverCLI", package: "swift-failover"),
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: [.enableUpcomingFeature("ExistentialAny"), .enableUpcomingFeature("InternalImportsByDefault")]
        ),
    ]
)
