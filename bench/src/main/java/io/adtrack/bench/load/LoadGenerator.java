package io.adtrack.bench.load;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP load generator on Vert.x: a pooled HTTP/1.1 client (keep-alive, no pipelining) split over a few event
 * loops, recording latencies into HdrHistograms.
 *
 * <p>Two modes: {@link #closedLoop} keeps one request in flight per connection for a duration (maximum
 * throughput); {@link #constantRate} sends at a fixed rate whatever the server does, and measures each request
 * from the time it was MEANT to be sent — when the server stalls, requests queue in the client and their wait
 * counts, as wrk2 does (coordinated omission corrected).
 */
public final class LoadGenerator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LoadGenerator.class);
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(15);
  /** The finest the constant-rate scheduler dispatches: sends are at most this late (see {@link #schedule}). */
  static final long DISPATCH_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

  private final Vertx vertx;
  private final int workers;
  private long seed = 1;

  /** A generator with its own Vert.x instance of {@code workers} event loops. */
  public LoadGenerator(int workers) {
    this.workers = workers;
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(workers));
  }

  /** Maximum throughput: {@code connections} requests in flight for {@code duration}. */
  public LoadResult closedLoop(String target, String host, int port, int connections, RequestMix mix,
      Duration duration) {
    List<GeneratorWorker> deployed = deploy(host, port, connections, mix);
    try {
      long cpuBefore = processCpuNanos();
      long start = System.nanoTime();
      long deadline = start + duration.toNanos();
      List<Future<Void>> lanes = deployed.stream().map(w -> w.closedLoop(deadline)).toList();
      await(Future.all(lanes), duration.plus(DRAIN_TIMEOUT));
      long elapsed = System.nanoTime() - start;
      return collect(target, mix, LoadResult.Mode.CLOSED_LOOP, 0, elapsed, deployed,
          processCpuNanos() - cpuBefore);
    } finally {
      undeploy(deployed);
    }
  }

  /**
   * Constant rate: {@code rate} requests per second for {@code duration} over at most {@code connections}
   * connections (beyond that, requests wait in the client's queue — and that wait is measured).
   */
  public LoadResult constantRate(String target, String host, int port, int connections, RequestMix mix,
      double rate, Duration duration) {
    return constantRate(target, host, port, connections, mix, rate, Duration.ZERO, duration);
  }

  /**
   * Constant rate as above, after {@code settle} at the same rate on the same connections whose latencies are not
   * recorded (their answers are still counted): the round starts on open connections and a steady state, not on
   * 64 connects and whatever the previous round left behind — wrk2's calibration period, for the same reason.
   */
  public LoadResult constantRate(String target, String host, int port, int connections, RequestMix mix,
      double rate, Duration settle, Duration duration) {
    List<GeneratorWorker> deployed = deploy(host, port, connections, mix);
    try {
      long cpuBefore = processCpuNanos();
      long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(5);
      long measureFrom = start + settle.toNanos();
      deployed.forEach(worker -> worker.measureFrom(measureFrom));
      schedule(deployed, start, rate, settle.plus(duration));
      List<Future<Void>> drains = deployed.stream().map(GeneratorWorker::drain).toList();
      boolean drained = tryAwait(Future.all(drains), DRAIN_TIMEOUT);
      long elapsed = System.nanoTime() - start;
      LoadResult result = collect(target, mix, LoadResult.Mode.CONSTANT_RATE, rate, elapsed, deployed,
          processCpuNanos() - cpuBefore);
      if (!drained) {
        // Reported, not thrown: a stalled target is a result too; the missing answers show as a short count.
        LOG.warn("requests still in flight {} after the round: {}", DRAIN_TIMEOUT, result);
      }
      return result;
    } finally {
      undeploy(deployed);
    }
  }

  /**
   * Hands each intended send time to a worker, round robin, in small batches: a dedicated thread parks until the
   * next send is due (finer than Vert.x's millisecond timers). It wakes at most every {@link #DISPATCH_NANOS}, so
   * a send leaves at most that late (and is measured from its intended time all the same): waking for every
   * single request, tens of thousands of times a second, cost the generator a fifth of a core and the target its
   * share of the CPU on a small machine.
   */
  private void schedule(List<GeneratorWorker> deployed, long start, double rate, Duration duration) {
    double interval = 1e9 / rate;
    long total = (long) (rate * duration.toNanos() / 1e9);
    long next = 0;
    while (next < total) {
      long now = System.nanoTime();
      long due = Math.min(total, now < start ? 0 : (long) ((now - start) / interval) + 1);
      if (due > next) {
        dispatch(deployed, start, interval, next, due);
        next = due;
      }
      long wait = start + (long) (next * interval) - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(Math.max(wait, DISPATCH_NANOS));
      }
    }
  }

  private static void dispatch(List<GeneratorWorker> deployed, long start, double interval, long from, long to) {
    int n = deployed.size();
    for (int w = 0; w < n; w++) {
      int count = 0;
      for (long i = from; i < to; i++) {
        if (i % n == w) {
          count++;
        }
      }
      if (count == 0) {
        continue;
      }
      long[] times = new long[count];
      int k = 0;
      for (long i = from; i < to; i++) {
        if (i % n == w) {
          times[k++] = start + (long) (i * interval);
        }
      }
      GeneratorWorker worker = deployed.get(w);
      worker.execute(() -> worker.sendAll(times));
    }
  }

  private List<GeneratorWorker> deploy(String host, int port, int connections, RequestMix mix) {
    List<GeneratorWorker> deployed = new ArrayList<>();
    // Never more workers than connections: each worker's pool holds at least one.
    int used = Math.min(workers, connections);
    int perWorker = connections / used;
    for (int i = 0; i < used; i++) {
      // The last worker takes the remainder so the total is exactly `connections`.
      int share = i == used - 1 ? connections - perWorker * (used - 1) : perWorker;
      GeneratorWorker worker = new GeneratorWorker(host, port, share, mix, seed++);
      await(vertx.deployVerticle(worker), Duration.ofSeconds(10));
      deployed.add(worker);
    }
    return deployed;
  }

  private void undeploy(List<GeneratorWorker> deployed) {
    for (GeneratorWorker worker : deployed) {
      tryAwait(vertx.undeploy(worker.deploymentID()), Duration.ofSeconds(10));
    }
  }

  private static LoadResult collect(String target, RequestMix mix, LoadResult.Mode mode, double rate, long elapsed,
      List<GeneratorWorker> deployed, long cpuNanos) {
    Histogram latency = new Histogram(GeneratorWorker.MAX_LATENCY_MICROS, 3);
    Histogram service = new Histogram(GeneratorWorker.MAX_LATENCY_MICROS, 3);
    Map<Integer, Long> statuses = new TreeMap<>();
    long errors = 0;
    for (GeneratorWorker worker : deployed) {
      GeneratorWorker.Measured measured = await(worker.measured(), Duration.ofSeconds(10));
      latency.add(measured.latency());
      service.add(measured.service());
      errors += measured.errors();
      for (int status = 0; status < measured.statuses().length; status++) {
        if (measured.statuses()[status] > 0) {
          statuses.merge(status, measured.statuses()[status], Long::sum);
        }
      }
    }
    return new LoadResult(target, mix.name(), mode, rate, elapsed, statuses, errors, latency, service, cpuNanos);
  }

  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return 0;
  }

  private static <T> T await(Future<T> future, Duration timeout) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("load generator step failed", e);
    }
  }

  private static boolean tryAwait(Future<?> future, Duration timeout) {
    try {
      await(future, timeout);
      return true;
    } catch (IllegalStateException e) {
      return false;
    }
  }

  @Override
  public void close() {
    await(vertx.close(), Duration.ofSeconds(10));
  }
}
