package io.adtrack.bench.load;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;

/**
 * One event loop's share of the load: its own pooled HTTP/1.1 client (keep-alive, no pipelining), its own
 * histograms and counters, touched only on its own context, so workers never contend.
 */
final class GeneratorWorker extends VerticleBase {

  static final long MAX_LATENCY_MICROS = 120_000_000L;
  private static final long IDLE_TIMEOUT_MILLIS = 10_000;
  private static final String USER_AGENT = "Mozilla/5.0 (adtrack-bench)";

  private final String host;
  private final int port;
  private final int connections;
  private final RequestMix mix;
  private final SplittableRandom random;
  /** {@code System.nanoTime()}; a test's clock makes every recorded latency exact. */
  private final LongSupplier clock;
  private final Histogram latency = new Histogram(MAX_LATENCY_MICROS, 3);
  private final Histogram service = new Histogram(MAX_LATENCY_MICROS, 3);
  private final long[] statuses = new long[600];
  private long errors;
  private int inFlight;
  private long measureFromNanos = Long.MIN_VALUE;
  private Promise<Void> drained;
  private HttpClientAgent client;

  GeneratorWorker(String host, int port, int connections, RequestMix mix, long seed) {
    this(host, port, connections, mix, seed, System::nanoTime);
  }

  GeneratorWorker(String host, int port, int connections, RequestMix mix, long seed, LongSupplier clock) {
    this.host = host;
    this.port = port;
    this.connections = connections;
    this.mix = mix;
    this.random = new SplittableRandom(seed);
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    // Built on this verticle's context: the pool's connections live on this event loop.
    client = vertx.httpClientBuilder()
        .with(new HttpClientOptions().setKeepAlive(true).setPipelining(false).setTcpNoDelay(true)
            .setDefaultHost(host).setDefaultPort(port))
        .with(new PoolOptions().setHttp1MaxSize(connections))
        .build();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    return client.close();
  }

  /** Latencies of requests meant to be sent before this time are not recorded (their answers still count). */
  void measureFrom(long intendedNanos) {
    execute(() -> measureFromNanos = intendedNanos);
  }

  /** Runs {@code task} on this worker's event loop. */
  void execute(Runnable task) {
    context.runOnContext(v -> task.run());
  }

  /** Closed loop: one request in flight per connection until {@code deadline}; completes when all lanes end. */
  Future<Void> closedLoop(long deadlineNanos) {
    Promise<Void> done = Promise.promise();
    execute(() -> {
      int[] lanes = {connections};
      Runnable laneDone = () -> {
        if (--lanes[0] == 0) {
          done.complete();
        }
      };
      for (int i = 0; i < connections; i++) {
        lane(deadlineNanos, laneDone);
      }
    });
    return done.future();
  }

  private void lane(long deadlineNanos, Runnable laneDone) {
    long start = clock.getAsLong();
    if (start >= deadlineNanos) {
      laneDone.run();
      return;
    }
    send(start, start).onComplete(ar -> {
      if (ar.failed()) {
        // Do not spin on a refused connection; the error is counted already.
        vertx.setTimer(10, id -> lane(deadlineNanos, laneDone));
      } else {
        lane(deadlineNanos, laneDone);
      }
    });
  }

  /** Constant rate: sends one request per intended time, each measured from that time (call on this context). */
  void sendAll(long[] intendedNanos) {
    for (long intended : intendedNanos) {
      send(intended, clock.getAsLong());
    }
  }

  /** Completes once no request is in flight any more. */
  Future<Void> drain() {
    Promise<Void> promise = Promise.promise();
    execute(() -> {
      if (inFlight == 0) {
        promise.complete();
      } else {
        drained = promise;
      }
    });
    return promise.future();
  }

  private Future<Integer> send(long intendedNanos, long sentNanos) {
    inFlight++;
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setURI(mix.nextPath(random))
        .setIdleTimeout(IDLE_TIMEOUT_MILLIS).putHeader(HttpHeaders.USER_AGENT, USER_AGENT);
    Future<Integer> status = client.request(options)
        .compose(request -> request.send())
        .compose(this::consume);
    return status.andThen(ar -> record(intendedNanos, sentNanos, ar));
  }

  private Future<Integer> consume(HttpClientResponse response) {
    return response.body().map(body -> response.statusCode());
  }

  private void record(long intendedNanos, long sentNanos, AsyncResult<Integer> ar) {
    if (intendedNanos >= measureFromNanos) {
      long now = clock.getAsLong();
      latency.recordValue(Math.min(MAX_LATENCY_MICROS, Math.max(0, (now - intendedNanos) / 1000)));
      service.recordValue(Math.min(MAX_LATENCY_MICROS, Math.max(0, (now - sentNanos) / 1000)));
    }
    if (ar.succeeded()) {
      statuses[Math.min(ar.result(), statuses.length - 1)]++;
    } else {
      errors++;
    }
    inFlight--;
    if (inFlight == 0 && drained != null) {
      Promise<Void> promise = drained;
      drained = null;
      promise.complete();
    }
  }

  /** A copy of what this worker measured, taken on its context. */
  Future<Measured> measured() {
    Promise<Measured> promise = Promise.promise();
    execute(() -> promise.complete(new Measured(latency.copy(), service.copy(), statuses.clone(), errors)));
    return promise.future();
  }

  record Measured(Histogram latency, Histogram service, long[] statuses, long errors) {
  }
}
