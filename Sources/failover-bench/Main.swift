/// The benchmark harness (being written): see BENCHMARKS.md.
@main
enum FailoverBench {
    static func main() async {}
}
