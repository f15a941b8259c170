#include "AttentionKernels.h"

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <time.h>

// A pool of worker threads for the library's parallel sections. A training
// step runs a few hundred of them, each a fraction of a millisecond: waking a
// sleeping thread for every one (as libdispatch does) costs more than the
// imbalance it saves. So the workers spin for a while after a section ends
// (as OpenMP's threads do) and only then sleep on a condition variable.
//
// One section at a time: a section posted while another runs (another
// thread's, or a section nested inside a task) runs on its caller alone.

/// How long an idle worker spins before it sleeps, in nanoseconds.
#define ATTN_SPIN_NANOSECONDS 300000L
/// After this long a spinning thread also yields its core between checks,
/// so that on a busy machine it does not keep a thread with work waiting.
#define ATTN_YIELD_NANOSECONDS 20000L
/// The most workers the pool starts (the caller is one more participant).
#define ATTN_MAX_WORKERS 63

struct attn_job {
  attn_task task;
  void *context;
  ptrdiff_t count;
  _Atomic ptrdiff_t next;  // the first index nobody has claimed
  _Atomic ptrdiff_t done;  // indices finished
};

static struct {
  pthread_mutex_t busy;  // held by the caller of the running section
  pthread_mutex_t lock;  // guards sleeping and waking
  pthread_cond_t wake;
  _Atomic(struct attn_job *) job;
  _Atomic unsigned long generation;  // bumped for every section posted
  _Atomic int users;                 // workers that may be reading `job`
  _Atomic int sleepers;              // workers asleep on `wake`
  int workers;                       // started so far (under `busy`)
} pool = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER};

// Set while this thread runs a task (and always on a worker): a section it
// posts runs inline.
static _Thread_local int inside_section;

static inline void relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

static long nanoseconds(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return now.tv_sec * 1000000000L + now.tv_nsec;
}

// Claims and runs indices until none is left.
static void run_job(struct attn_job *job) {
  for (;;) {
    ptrdiff_t index = atomic_fetch_add(&job->next, 1);
    if (index >= job->count) return;
    job->task(job->context, index);
    atomic_fetch_add_explicit(&job->done, 1, memory_order_release);
  }
}

// Waits until a section later than `seen` is posted: spinning first, then
// asleep. Returns its generation.
static unsigned long wait_for_section(unsigned long seen) {
  long start = nanoseconds();
  for (unsigned spins = 1;; spins++) {
    unsigned long generation = atomic_load(&pool.generation);
    if (generation != seen) return generation;
    relax();
    if (spins % 256 == 0) {
      long spun = nanoseconds() - start;
      if (spun > ATTN_SPIN_NANOSECONDS) break;
      if (spun > ATTN_YIELD_NANOSECONDS) sched_yield();
    }
  }
  pthread_mutex_lock(&pool.lock);
  atomic_fetch_add(&pool.sleepers, 1);
  // The caller bumps the generation before it reads `sleepers`: either it
  // sees this sleeper (and broadcasts under the lock, after the wait below
  // has begun) or this test sees its generation.
  while (atomic_load(&pool.generation) == seen) pthread_cond_wait(&pool.wake, &pool.lock);
  atomic_fetch_sub(&pool.sleepers, 1);
  pthread_mutex_unlock(&pool.lock);
  return atomic_load(&pool.generation);
}

static void *worker(void *unused) {
  (void)unused;
  inside_section = 1;
  unsigned long seen = 0;
  for (;;) {
    seen = wait_for_section(seen);
    // Counted as a user before reading `job`: the caller clears `job` and
    // then waits for the users to leave before its job goes out of scope.
    atomic_fetch_add(&pool.users, 1);
    struct attn_job *job = atomic_load(&pool.job);
    if (job) run_job(job);
    atomic_fetch_sub(&pool.users, 1);
  }
  return NULL;
}

// Starts workers until there are `wanted` (called under `busy`). Workers
// block every signal: a signal for the process (Ctrl-C) goes to the thread
// that handles it.
static void start_workers(int wanted) {
  if (wanted > ATTN_MAX_WORKERS) wanted = ATTN_MAX_WORKERS;
  if (pool.workers >= wanted) return;
  sigset_t all, previous;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &previous);
  while (pool.workers < wanted) {
    pthread_t thread;
    if (pthread_create(&thread, NULL, worker, NULL) != 0) break;
    pthread_detach(thread);
    pool.workers++;
  }
  pthread_sigmask(SIG_SETMASK, &previous, NULL);
}

void attn_parallel_for(ptrdiff_t count, int threads, attn_task task, void *context) {
  if (count <= 0) return;
  if (count == 1 || threads <= 1 || inside_section || pthread_mutex_trylock(&pool.busy) != 0) {
    int was_inside = inside_section;
    inside_section = 1;
    for (ptrdiff_t index = 0; index < count; index++) task(context, index);
    inside_section = was_inside;
    return;
  }
  start_workers(threads - 1);
  struct attn_job job = {task, context, count, 0, 0};
  atomic_store(&pool.job, &job);
  atomic_fetch_add(&pool.generation, 1);
  if (atomic_load(&pool.sleepers) > 0) {
    pthread_mutex_lock(&pool.lock);
    pthread_cond_broadcast(&pool.wake);
    pthread_mutex_unlock(&pool.lock);
  }
  inside_section = 1;
  run_job(&job);
  inside_section = 0;
  // The last tasks run on the workers: spin (they are usually short), and
  // give the core away while one runs long.
  long start = nanoseconds();
  for (unsigned spins = 1; atomic_load_explicit(&job.done, memory_order_acquire) < count; spins++) {
    relax();
    if (spins % 256 == 0 && nanoseconds() - start > ATTN_YIELD_NANOSECONDS) sched_yield();
  }
  atomic_store(&pool.job, NULL);
  // A worker that saw the job may still be about to find nothing left (or be
  // off its core in between).
  for (unsigned spins = 1; atomic_load(&pool.users) > 0; spins++) {
    relax();
    if (spins % 256 == 0) sched_yield();
  }
  pthread_mutex_unlock(&pool.busy);
}
