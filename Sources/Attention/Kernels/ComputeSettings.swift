import Synchronization

/// How the library's kernels run: which instruction sets they may use and
/// how many threads a parallel section (a product, attention, a layer) may take. A program sets them once, before
/// its first tensor operation (the kernels are chosen when first used);
/// the library itself reads no environment variables: a program hands its
/// environment to ``configure(from:)``, as `attn` and `attn-bench` do.
public enum ComputeSettings {
  /// Sets what `environment` asks for: `ATTN_NO_AVX512=1` keeps to the AVX2
  /// kernels, `ATTN_THREADS=N` limits each parallel section to N threads.
  public static func configure(from environment: [String: String]) {
    if environment["ATTN_NO_AVX512"] == "1" { allowsAVX512 = false }
    if let threads = environment["ATTN_THREADS"].flatMap(Int.init), threads >= 1 { maximumThreads = threads }
  }

  struct Values: Sendable {
    var allowsAVX512 = true
    var maximumThreads: Int? = nil
  }

  static let values = Mutex(Values())

  /// Whether the AVX-512 kernels may run where the processor has them
  /// (default true; turn off to compare with the AVX2 kernels or rule them out).
  public static var allowsAVX512: Bool {
    get { values.withLock { $0.allowsAVX512 } }
    set { values.withLock { $0.allowsAVX512 = newValue } }
  }

  /// At most this many threads per parallel section, the caller's included
  /// (default: the processors the container may use: its cgroup CPU quota);
  /// at least 1. The library's worker pool starts one fewer workers.
  public static var maximumThreads: Int? {
    get { values.withLock { $0.maximumThreads } }
    set { values.withLock { $0.maximumThreads = newValue.map { max(1, $0) } } }
  }
}
