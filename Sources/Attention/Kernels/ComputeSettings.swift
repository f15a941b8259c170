import Synchronization

/// How the library's kernels run: which instruction sets they may use and
/// how many threads a product may take. A program sets them once, before
/// its first tensor operation (the kernels are chosen when first used);
/// the library itself reads no environment variables. The `attn` command
/// fills them from `ATTN_NO_AVX512=1` and `ATTN_THREADS=N`.
public enum ComputeSettings {
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

  /// At most this many threads per product (default: the processors the
  /// container may use: its cgroup CPU quota); at least 1.
  public static var maximumThreads: Int? {
    get { values.withLock { $0.maximumThreads } }
    set { values.withLock { $0.maximumThreads = newValue.map { max(1, $0) } } }
  }
}
