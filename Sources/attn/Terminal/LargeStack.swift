#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Runs `body` on a thread with a large stack and waits for it.
///
/// The interpreter walks trees recursively: a function of the language
/// calling itself 1 000 deep (the documented limit) takes more than the
/// 8 MB a main thread has in a debug build. The reservation is virtual
/// memory; only what recursion really touches is ever backed. If the thread
/// cannot be made, `body` runs here (deep recursion then stops earlier,
/// still with an error).
func runWithLargeStack(megabytes: Int = 512, _ body: @escaping () -> Void) {
  final class Box {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
  }
  var attributes = pthread_attr_t()
  pthread_attr_init(&attributes)
  defer { pthread_attr_destroy(&attributes) }
  pthread_attr_setstacksize(&attributes, megabytes << 20)
  let box = Unmanaged.passRetained(Box(body)).toOpaque()
  #if canImport(Glibc)
    var thread = pthread_t()
  #else
    var thread: pthread_t? = nil
  #endif
  let created = pthread_create(
    &thread, &attributes,
    { context in
      guard let context else { return nil }
      Unmanaged<Box>.fromOpaque(context).takeRetainedValue().body()
      return nil
    }, box)
  guard created == 0 else {
    Unmanaged<Box>.fromOpaque(box).takeRetainedValue().body()
    return
  }
  #if canImport(Glibc)
    pthread_join(thread, nil)
  #else
    if let thread { pthread_join(thread, nil) }
  #endif
}
