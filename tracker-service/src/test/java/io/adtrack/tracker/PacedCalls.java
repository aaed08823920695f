package io.adtrack.tracker;

import static org.awaitility.Awaitility.await;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tracking calls at a constant rate (open loop, as independent clients would send them), remembering the message id
 * of every call answered 200. Sent from one event loop of its own; at most {@code maxOutstanding} at once, so a
 * tracker that stops answering is not buried under a backlog of connections.
 */
public final class PacedCalls implements AutoCloseable {

  private static final long TICK_MILLIS = 5;

  private final Vertx vertx = Vertx.vertx();
  private final HttpClient client;
  private final String uri;
  private final int callsPerSecond;
  private final int maxOutstanding;
  private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
  private final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
  private final AtomicInteger failures = new AtomicInteger();
  private final AtomicInteger outstanding = new AtomicInteger();
  private final AtomicLong answered = new AtomicLong();
  /** Calls the pace asked for so far (sent, or skipped for want of room). */
  private long scheduled;
  private final AtomicLong sent = new AtomicLong();
  /** (time, calls answered by then) once per tick over the last second, for the current rate. */
  private final ArrayDeque<long[]> recent = new ArrayDeque<>();
  private volatile double answeredPerSecond;
  private long timer = -1;
  private long startNanos;
  private long stopNanos;

  private PacedCalls(int port, String uri, int callsPerSecond, int maxOutstanding) {
    this.uri = uri;
    this.callsPerSecond = callsPerSecond;
    this.maxOutstanding = maxOutstanding;
    this.client = vertx.httpClientBuilder()
        .with(new HttpClientOptions().setDefaultHost("localhost").setDefaultPort(port).setKeepAlive(true)
            .setConnectTimeout(2_000).setIdleTimeout(30))
        .with(new PoolOptions().setHttp1MaxSize(maxOutstanding).setMaxWaitQueueSize(maxOutstanding))
        .build();
  }

  /** Starts sending {@code GET uri} at {@code callsPerSecond}. */
  public static PacedCalls start(int port, String uri, int callsPerSecond, int maxOutstanding) {
    PacedCalls calls = new PacedCalls(port, uri, callsPerSecond, maxOutstanding);
    calls.vertx.runOnContext(v -> {
      calls.startNanos = System.nanoTime();
      calls.timer = calls.vertx.setPeriodic(TICK_MILLIS, id -> calls.tick());
    });
    return calls;
  }

  private void tick() {
    long now = System.nanoTime();
    recent.addLast(new long[] {now, answered.get()});
    while (now - recent.peekFirst()[0] > 1_000_000_000L) {
      recent.pollFirst();
    }
    long[] oldest = recent.peekFirst();
    answeredPerSecond = now == oldest[0] ? 0 : (answered.get() - oldest[1]) * 1e9 / (now - oldest[0]);
    long due = (now - startNanos) * callsPerSecond / 1_000_000_000L;
    // Calls that could not be sent for want of room are skipped, not sent later in a burst: the rate stays the rate.
    for (; scheduled < due; scheduled++) {
      if (outstanding.get() >= maxOutstanding) {
        continue;
      }
      sent.incrementAndGet();
      outstanding.incrementAndGet();
      client.request(HttpMethod.GET, uri)
          .compose(request -> request.send().compose(response -> response.body()
              .map(body -> record(response.statusCode(), body))))
          .onComplete(done -> {
            outstanding.decrementAndGet();
            if (done.failed()) {
              failures.incrementAndGet();
            } else {
              answered.incrementAndGet();
            }
          });
    }
  }

  /** Calls answered per second over the last second. */
  public double answeredPerSecond() {
    return answeredPerSecond;
  }

  private Future<Void> record(int status, Buffer body) {
    statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
    if (status == 200) {
      acknowledged.add(new JsonObject(body).getString("messageId"));
    }
    return Future.succeededFuture();
  }

  /** Stops sending and waits (up to 30 s) for the answers still to come, or their failures. */
  public PacedCalls stop() {
    vertx.runOnContext(v -> vertx.cancelTimer(timer));
    stopNanos = System.nanoTime();
    await("answers to calls already sent").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
        .until(() -> outstanding.get() == 0);
    return this;
  }

  /** The message ids of every call answered 200. */
  public Set<String> acknowledged() {
    return Set.copyOf(acknowledged);
  }

  public int acknowledgedCount() {
    return acknowledged.size();
  }

  /** Answers by status, and failures (no answer: connection refused or reset) under -1. */
  public String summary() {
    double seconds = ((stopNanos == 0 ? System.nanoTime() : stopNanos) - startNanos) / 1e9;
    return String.format("%d calls sent in %.1f s (%.0f/s), %d answered 200, statuses %s, %d without answer; "
            + "%.0f answered/s over the last second", sent.get(), seconds, sent.get() / seconds, acknowledged.size(),
        statuses, failures.get(), answeredPerSecond);
  }

  @Override
  public void close() {
    vertx.close().await();
  }
}
