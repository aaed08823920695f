package io.adtrack.updater;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse.BatchItemFailure;
import io.adtrack.conventions.Environment;
import io.adtrack.updater.coredata.ProgramValidator;
import io.adtrack.updater.redis.ProgramStore;
import io.adtrack.updater.redis.RedisClients;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lambda entry point for the Kinesis stream {@code core-data-updates}: applies each record to Redis through
 * {@link CoreDataUpdater} and returns the records Redis failed on as batch item failures (the event source mapping
 * must set {@code FunctionResponseTypes: [ReportBatchItemFailures]}).
 */
public final class RedisUpdaterHandler implements RequestHandler<KinesisEvent, StreamsEventResponse> {

  private static final Logger LOG = LoggerFactory.getLogger(RedisUpdaterHandler.class);

  private final CoreDataUpdater updater;

  /** Used by the Lambda runtime: reads the environment once and builds the Redis client for all invocations. */
  public RedisUpdaterHandler() {
    this(UpdaterConfig.fromEnvironment(Environment.system()));
  }

  /** Builds the Redis client from the given config (local pipeline, tests). */
  public RedisUpdaterHandler(UpdaterConfig config) {
    this(new CoreDataUpdater(new ProgramValidator(), new ProgramStore(RedisClients.create(config))));
    LOG.info("redis-updater ready for {}", config);
  }

  /** Wraps ready-made logic (tests, the local pipeline sharing one client). */
  public RedisUpdaterHandler(CoreDataUpdater updater) {
    this.updater = updater;
  }

  @Override
  public StreamsEventResponse handleRequest(KinesisEvent event, Context context) {
    List<KinesisEvent.KinesisEventRecord> records = event.getRecords() == null ? List.of() : event.getRecords();
    CoreDataUpdater.BatchResult result = updater.process(records);
    List<BatchItemFailure> failures = result.failedSequenceNumbers().stream()
        .map(BatchItemFailure::new)
        .toList();
    return new StreamsEventResponse(failures);
  }
}
