package io.adtrack.bench.faults;

import io.adtrack.bench.faults.EventCall.Route;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A constant rate of valid tracking calls across every route, whatever the tracker does (no retries, no back-off:
 * a refused or failed call is recorded as such). In every 20 calls: 7 {@code /event} (with customerId and
 * checksum), 6 {@code /pixel}, 4 {@code /click}, 2 {@code POST /events} of three events each, and one
 * {@code /event} or {@code /click} (by turns) for a cold program. Every event carries a unique {@code fid}
 * parameter.
 */
final class CallLoad implements AutoCloseable {

  /** Every 20 calls; the last slot is a cold program's, /event and /click by turns. */
  private static final Route[] CYCLE = {Route.EVENT, Route.PIXEL, Route.CLICK, Route.EVENT, Route.BATCH, Route.PIXEL,
      Route.EVENT, Route.CLICK, Route.PIXEL, Route.EVENT, Route.PIXEL, Route.CLICK, Route.EVENT, Route.BATCH,
      Route.PIXEL, Route.EVENT, Route.CLICK, Route.PIXEL, Route.EVENT, Route.COLD_EVENT};
  private static final String[] BATCH_TYPES = {"event", "impression", "click"};
  /** A call unanswered this long counts as unanswered (the tracker answers in milliseconds when it answers). */
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
  /** More calls in flight than this and the load would only pile up in this process: further calls are skipped. */
  private static final int MAX_IN_FLIGHT = 2_000;
  private static final long TICK_MILLIS = 5;

  private final Vertx vertx;
  private final HttpClient client;
  private final int port;
  private final double rate;
  private final Queue<EventCall> calls = new ConcurrentLinkedQueue<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong skipped = new AtomicLong();
  private final AtomicLong lastFailureNanos = new AtomicLong(Long.MIN_VALUE);
  private volatile long timer = -1;

  /** @param rate HTTP requests per second (a POST /events carries three events) */
  CallLoad(int port, double rate) {
    this.vertx = Vertx.vertx();
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(2_000),
        new PoolOptions().setHttp1MaxSize(64));
    this.port = port;
    this.rate = rate;
  }

  /** Starts calling {@code programs} at the rate, calls numbered from 0 under {@code fidPrefix}. */
  void start(ScenarioPrograms programs, String fidPrefix) {
    long start = System.nanoTime();
    AtomicLong sent = new AtomicLong();
    timer = vertx.setPeriodic(TICK_MILLIS, id -> {
      long due = (long) ((System.nanoTime() - start) / 1e9 * rate);
      while (sent.get() < due) {
        long n = sent.getAndIncrement();
        if (inFlight.get() >= MAX_IN_FLIGHT) {
          skipped.incrementAndGet();
        } else {
          Route route = CYCLE[(int) (n % CYCLE.length)];
          if (route == Route.COLD_EVENT && n / CYCLE.length % 2 == 1) {
            route = Route.COLD_CLICK;
          }
          send(route, programs, fidPrefix + "-" + n);
        }
      }
    });
  }

  /** Stops sending and waits (up to the call timeout and a bit) for the calls in flight. */
  void stop() {
    long id = timer;
    if (id >= 0) {
      vertx.cancelTimer(id);
      timer = -1;
    }
    long deadline = System.nanoTime() + CALL_TIMEOUT.plusSeconds(5).toNanos();
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      ScenarioRun.pause(Duration.ofMillis(20));
    }
  }

  /** Every event asked for so far, in no particular order; clears the record. */
  List<EventCall> drainCalls() {
    List<EventCall> drained = new ArrayList<>();
    for (EventCall call = calls.poll(); call != null; call = calls.poll()) {
      drained.add(call);
    }
    return drained;
  }

  /** When the latest call that was not acknowledged was sent ({@link System#nanoTime()}). */
  long lastFailureNanos() {
    return lastFailureNanos.get();
  }

  /** Calls not sent because too many were in flight already (the tracker stopped answering). */
  long skipped() {
    return skipped.get();
  }

  private void send(Route route, ScenarioPrograms programs, String fid) {
    long sentAt = System.nanoTime();
    inFlight.incrementAndGet();
    Future<Void> done = switch (route) {
      case EVENT -> get(route, programs.hot(), "/event/" + programs.hot() + "?customerId=" + programs.customerId()
          + "&checksum=" + programs.checksum() + "&fid=" + fid, fid, sentAt);
      case PIXEL -> get(route, programs.hot(), "/pixel/" + programs.hot() + "?fid=" + fid, fid, sentAt);
      case CLICK -> get(route, programs.hot(), "/click/" + programs.hot() + "?fid=" + fid, fid, sentAt);
      case COLD_EVENT -> {
        String cold = programs.takeCold();
        yield get(route, cold, "/event/" + cold + "?fid=" + fid, fid, sentAt);
      }
      case COLD_CLICK -> {
        String cold = programs.takeCold();
        yield get(route, cold, "/click/" + cold + "?fid=" + fid, fid, sentAt);
      }
      case BATCH -> batch(programs, fid, sentAt);
    };
    done.onComplete(result -> inFlight.decrementAndGet());
  }

  private Future<Void> get(Route route, String programId, String uri, String fid, long sentAt) {
    return client.request(options(HttpMethod.GET, uri))
        .compose(request -> request.send().compose(response -> response.body().map(body -> {
          String messageId = route == Route.EVENT || route == Route.COLD_EVENT ? messageId(response.statusCode(),
              body) : null;
          record(new EventCall(fid, route, programId, sentAt, response.statusCode(), messageId));
          return (Void) null;
        })))
        .recover(failure -> {
          record(new EventCall(fid, route, programId, sentAt, 0, null));
          return Future.succeededFuture();
        });
  }

  private Future<Void> batch(ScenarioPrograms programs, String fid, long sentAt) {
    JsonArray events = new JsonArray();
    for (int i = 0; i < BATCH_TYPES.length; i++) {
      events.add(new JsonObject().put("programId", programs.hot()).put("type", BATCH_TYPES[i])
          .put("customerId", programs.customerId()).put("params", new JsonObject().put("fid", fid + "b" + i)));
    }
    return client.request(options(HttpMethod.POST, "/events").putHeader("Content-Type", "application/json"))
        .compose(request -> request.send(events.toBuffer()).compose(response -> response.body().map(body -> {
          JsonArray results = response.statusCode() == 200 ? new JsonObject(body).getJsonArray("results") : null;
          for (int i = 0; i < BATCH_TYPES.length; i++) {
            JsonObject result = results == null ? null : results.getJsonObject(i);
            record(new EventCall(fid + "b" + i, Route.BATCH, programs.hot(), sentAt,
                result == null ? response.statusCode() : result.getInteger("status"),
                result == null ? null : result.getString("messageId")));
          }
          return (Void) null;
        })))
        .recover(failure -> {
          for (int i = 0; i < BATCH_TYPES.length; i++) {
            record(new EventCall(fid + "b" + i, Route.BATCH, programs.hot(), sentAt, 0, null));
          }
          return Future.succeededFuture();
        });
  }

  private void record(EventCall call) {
    calls.add(call);
    if (!call.acknowledged()) {
      lastFailureNanos.accumulateAndGet(call.sentAtNanos(), Math::max);
    }
  }

  private RequestOptions options(HttpMethod method, String uri) {
    return new RequestOptions().setMethod(method).setHost("localhost").setPort(port).setURI(uri)
        .setIdleTimeout(CALL_TIMEOUT.toMillis()).putHeader("User-Agent", "adtrack-faults/1.0");
  }

  private static String messageId(int status, Buffer body) {
    return status == 200 ? new JsonObject(body).getString("messageId") : null;
  }

  @Override
  public void close() {
    stop();
    vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
  }
}
