package io.adtrack.tracker.redis;

import io.adtrack.conventions.RedisLayout;
import io.adtrack.tracker.cache.CoreDataUnavailableException;
import io.adtrack.tracker.cache.ProgramSource;
import io.adtrack.tracker.program.Program;
import io.adtrack.tracker.program.ProgramParser;
import io.adtrack.tracker.support.LogThrottle;
import io.micrometer.core.instrument.Timer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** L2 reads: {@code HGETALL program:{id}} on the shared command client, bounded by REDIS_TIMEOUT_MS. */
public final class RedisProgramSource implements ProgramSource {

  private static final Logger LOG = LoggerFactory.getLogger(RedisProgramSource.class);

  private final Redis redis;
  private final Duration timeout;
  private final Timer latency;
  private final LogThrottle failureLog = new LogThrottle(Duration.ofSeconds(10));

  public RedisProgramSource(Redis redis, Duration timeout, Timer latency) {
    this.redis = redis;
    this.timeout = timeout;
    this.latency = latency;
  }

  @Override
  public CompletionStage<Optional<Program>> load(String programId) {
    long started = System.nanoTime();
    CompletableFuture<Response> reply = redis.send(Request.cmd(Command.HGETALL).arg(RedisLayout.programKey(programId)))
        .toCompletionStage().toCompletableFuture()
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    return reply.handle((response, failure) -> {
      latency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
      if (failure != null) {
        throw unavailable(programId, failure);
      }
      return response == null || response.size() == 0
          ? Optional.<Program>empty()
          : Optional.of(ProgramParser.fromFields(fields(response)));
    });
  }

  private CoreDataUnavailableException unavailable(String programId, Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    String reason = cause instanceof TimeoutException
        ? "Redis did not answer within " + timeout.toMillis() + " ms"
        : "Redis read failed";
    if (failureLog.tryAcquire()) {
      LOG.warn("{} for program {} ({} similar failures not logged)", reason, programId, failureLog.takeSuppressed(),
          cause);
    }
    return new CoreDataUnavailableException(reason, cause);
  }

  /** HGETALL is an array of name/value pairs in RESP2 and a map in RESP3; getKeys() reads both. */
  private static Map<String, String> fields(Response response) {
    Map<String, String> fields = new HashMap<>();
    for (String key : response.getKeys()) {
      Response value = response.get(key);
      if (value != null) {
        fields.put(key, value.toString());
      }
    }
    return fields;
  }
}
