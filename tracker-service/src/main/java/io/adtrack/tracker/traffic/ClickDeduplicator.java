package io.adtrack.tracker.traffic;

import io.adtrack.conventions.RedisLayout;
import io.adtrack.tracker.support.LogThrottle;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Duplicate clicks across every tracker task of a region: the first click of a client on a program sets
 * {@code click-dedup:{programId}:{clientKey}} with {@code SET NX PX}, one round trip; while that key lives
 * (CLICK_DEDUP_SECONDS), the client's further clicks find it and are duplicates. A click the check cannot settle
 * within REDIS_TIMEOUT_MS (Redis down or slow) counts as a first one: it is recorded, never lost.
 */
public final class ClickDeduplicator {

  private static final Logger LOG = LoggerFactory.getLogger(ClickDeduplicator.class);

  private final Redis redis;
  private final String window;
  private final Duration timeout;
  private final InvalidTrafficStats stats;
  private final LogThrottle failureLog = new LogThrottle(Duration.ofSeconds(10));

  /**
   * @param window  CLICK_DEDUP_SECONDS, more than zero
   * @param timeout REDIS_TIMEOUT_MS
   */
  public ClickDeduplicator(Redis redis, Duration window, Duration timeout, InvalidTrafficStats stats) {
    this.redis = redis;
    this.window = Long.toString(window.toMillis());
    this.timeout = timeout;
    this.stats = stats;
  }

  /** Whether this click repeats one of the same client on the same program within the window; on {@code context}. */
  public Future<Boolean> isRepeat(Context context, String programId, String clientKey) {
    Request set = Request.cmd(Command.SET).arg(RedisLayout.clickDedupKey(programId, clientKey)).arg("1")
        .arg("NX").arg("PX").arg(window);
    return Future.fromCompletionStage(redis.send(set).toCompletionStage().toCompletableFuture()
            .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS), context)
        // SET NX answers OK when it set the key and nil when the key was there: a repeat.
        .map(reply -> reply == null)
        .recover(failure -> {
          stats.clickCheckFailed();
          if (failureLog.tryAcquire()) {
            LOG.warn("Duplicate-click check failed, click recorded as a first one ({} similar failures not logged)",
                failureLog.takeSuppressed(), failure);
          }
          return Future.succeededFuture(false);
        });
  }
}
