package io.adtrack.tracker.redis;

import io.adtrack.conventions.Backoff;
import io.adtrack.conventions.RedisLayout;
import io.adtrack.tracker.cache.ProgramCache;
import io.adtrack.tracker.program.MalformedCoreDataException;
import io.adtrack.tracker.program.ProgramParser;
import io.adtrack.tracker.support.LogThrottle;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps L1 current: a dedicated subscriber connection on {@code core-data-updates} (docs/contracts.md, "Redis: keys and
 * channel") whose messages are applied to the cache by version. The connection is re-established with capped backoff
 * whenever it closes, fails or stops answering PING; after every successful (re)subscribe L1 is invalidated, because
 * messages published while we were not subscribed are lost. Redis being down at start does not fail the deployment:
 * readiness reports it.
 */
public final class RedisVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(RedisVerticle.class);
  /** The channel the redis-updater publishes applied changes on. */
  private static final String CHANNEL = RedisLayout.CHANNEL;
  private static final Duration PING_INTERVAL = Duration.ofSeconds(5);
  /** Between (re)subscribe attempts: 100 ms doubling up to 2 s, jittered. */
  private static final Backoff BACKOFF = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(2));

  private final RedisOptions options;
  private final ProgramCache cache;
  private final SubscriptionState state;
  private final Duration timeout;
  private final LogThrottle badMessageLog = new LogThrottle(Duration.ofSeconds(10));
  private Redis client;
  private RedisConnection connection;
  private long pingTimer = -1;
  private boolean stopping;
  /** Subscribe attempts failed since the last confirmed subscription. */
  private int failures;
  /** When the subscriber connection last delivered anything ({@link System#nanoTime()}): a sign it is alive. */
  private volatile long lastHeardNanos = System.nanoTime();

  public RedisVerticle(RedisOptions options, ProgramCache cache, SubscriptionState state, Duration timeout) {
    this.options = options;
    this.cache = cache;
    this.state = state;
    this.timeout = timeout;
  }

  @Override
  public Future<?> start() {
    client = Redis.createClient(vertx, options);
    subscribe();
    pingTimer = vertx.setPeriodic(PING_INTERVAL.toMillis(), id -> ping());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(pingTimer);
    RedisConnection open = connection;
    connection = null;
    state.connected(false);
    Future<Void> closed = open == null ? Future.succeededFuture() : open.close().recover(e -> Future.succeededFuture());
    return closed.eventually(() -> client.close());
  }

  private void subscribe() {
    if (stopping) {
      return;
    }
    client.connect()
        .compose(conn -> {
          connection = conn;
          state.connected(true);
          conn.handler(this::onMessage);
          conn.exceptionHandler(e -> lost(conn, e));
          conn.endHandler(v -> lost(conn, null));
          // SUBSCRIBE is fire-and-forget in this client: Redis confirms through the handler (onSubscribed).
          return conn.send(Request.cmd(Command.SUBSCRIBE).arg(CHANNEL)).onSuccess(v -> awaitConfirmation(conn));
        })
        .onFailure(this::retryLater);
  }

  private void awaitConfirmation(RedisConnection conn) {
    vertx.setTimer(Math.max(timeout.toMillis(), 1_000), id -> {
      if (conn == connection && !state.subscribed()) {
        lost(conn, new IllegalStateException("Redis did not confirm SUBSCRIBE " + CHANNEL));
      }
    });
  }

  private void onSubscribed() {
    // Whatever was published while we were away is lost: nothing L1 holds can be trusted any more.
    cache.invalidateAll();
    state.subscribed(true);
    if (failures > 0) {
      LOG.info("Resubscribed to Redis channel {} after {} failed attempts; L1 invalidated", CHANNEL, failures);
    }
    failures = 0;
  }

  private void lost(RedisConnection conn, Throwable cause) {
    if (conn != connection) {
      return;
    }
    connection = null;
    state.connected(false);
    conn.close();
    if (!stopping) {
      retryLater(cause);
    }
  }

  private void retryLater(Throwable cause) {
    state.connected(connection != null);
    state.subscribed(false);
    if (stopping) {
      return;
    }
    failures++;
    long delay = BACKOFF.delay(failures).toMillis();
    if (failures == 1 || failures % 20 == 0) {
      LOG.warn("Redis subscription on {} lost or not established (attempt {}); retrying in {} ms", CHANNEL,
          failures, delay, cause);
    } else {
      LOG.debug("Redis subscription attempt {} failed: {}", failures, String.valueOf(cause));
    }
    vertx.setTimer(delay, id -> subscribe());
  }

  /**
   * A connection can stay open while Redis no longer answers (a half-open TCP link): PING finds out. Only a quiet
   * connection is asked: one delivering messages is alive, and on a busy one the client may hand PING's answer to
   * the message handler instead (seen under a stream of changes), so anything heard since the PING counts as its
   * answer.
   */
  private void ping() {
    RedisConnection conn = connection;
    long sent = System.nanoTime();
    if (conn == null || !state.subscribed() || sent - lastHeardNanos < PING_INTERVAL.toNanos()) {
      return;
    }
    conn.send(Request.cmd(Command.PING))
        .timeout(Math.max(timeout.toMillis(), 1_000), TimeUnit.MILLISECONDS)
        .onFailure(e -> {
          if (lastHeardNanos - sent < 0) {
            lost(conn, e);
          }
        });
  }

  /** Whether the reply is a pub/sub push of three elements on our channel. */
  static boolean isChannelPush(Response reply) {
    return reply != null && (reply.type() == ResponseType.MULTI || reply.type() == ResponseType.PUSH)
        && reply.size() == 3 && CHANNEL.equals(String.valueOf(reply.get(1)));
  }

  private void onMessage(Response reply) {
    lastHeardNanos = System.nanoTime();
    // Pub/sub pushes are ["message", channel, payload] or ["subscribe", channel, count]; anything else handed here
    // (a command's answer the client did not pair with its command) is only a sign of life.
    if (!isChannelPush(reply)) {
      return;
    }
    String kind = String.valueOf(reply.get(0));
    if ("subscribe".equals(kind)) {
      onSubscribed();
      return;
    }
    if (!"message".equals(kind)) {
      return;
    }
    try {
      cache.apply(ProgramParser.fromMessage(reply.get(2).toString()));
    } catch (MalformedCoreDataException e) {
      // One bad message must not stop the subscription; the updater validates, so this is rare and worth a WARN.
      if (badMessageLog.tryAcquire()) {
        LOG.warn("Ignored a malformed message on {} ({} more not logged)", CHANNEL, badMessageLog.takeSuppressed(),
            e);
      }
    }
  }
}
