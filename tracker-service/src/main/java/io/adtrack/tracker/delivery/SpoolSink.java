package io.adtrack.tracker.delivery;

import io.adtrack.tracker.kinesis.KinesisHealth;
import io.adtrack.tracker.sink.EventSink;
import io.adtrack.tracker.sink.Offer;
import io.adtrack.tracker.sink.SinkCheck;
import io.adtrack.tracker.spool.AppendResult;
import io.adtrack.tracker.spool.Spool;
import io.adtrack.tracker.spool.SpoolHealth;
import io.vertx.core.Future;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ACK_AFTER=spool: an event is accepted once it is appended to the local spool (written to the OS, and synced when
 * SPOOL_FSYNC_MS asks for it), so it survives a crash of the process; the Kinesis sender reads it back
 * ({@link SpoolSource}). The append is asynchronous: the answer comes on the caller's context once the spool's
 * writer has written it, and no event loop ever waits for the disk.
 */
public final class SpoolSink implements EventSink {

  private static final Logger LOG = LoggerFactory.getLogger(SpoolSink.class);
  private static final Future<Offer> ACCEPTED = Future.succeededFuture(Offer.ACCEPTED);
  private static final Future<Offer> FULL = Future.succeededFuture(Offer.FULL);
  private static final Future<Offer> TOO_LARGE = Future.succeededFuture(Offer.TOO_LARGE);
  private static final Future<Offer> UNAVAILABLE = Future.succeededFuture(Offer.UNAVAILABLE);

  private final SpoolDirectory.Opened opened;
  private final Spool spool;
  private final KinesisHealth kinesis;

  public SpoolSink(SpoolDirectory.Opened opened, KinesisHealth kinesis) {
    this.opened = opened;
    this.spool = opened.spool();
    this.kinesis = kinesis;
  }

  @Override
  public Future<Offer> offer(String messageId, byte[] data) {
    Future<AppendResult> appended = spool.append(messageId, data);
    // Refusals come back already decided; only an append on its way to the disk needs a mapped future.
    return appended.isComplete() ? decided(offerOf(appended.result())) : appended.map(SpoolSink::offerOf);
  }

  private static Offer offerOf(AppendResult result) {
    return switch (result) {
      case APPENDED -> Offer.ACCEPTED;
      // CLOSED: shutting down, the same answer a closed memory buffer gives (retry, elsewhere).
      case FULL, CLOSED -> Offer.FULL;
      case TOO_LARGE -> Offer.TOO_LARGE;
      case UNAVAILABLE -> Offer.UNAVAILABLE;
    };
  }

  private static Future<Offer> decided(Offer offer) {
    return switch (offer) {
      case ACCEPTED -> ACCEPTED;
      case FULL -> FULL;
      case TOO_LARGE -> TOO_LARGE;
      case UNAVAILABLE, TIMED_OUT -> UNAVAILABLE;
    };
  }

  @Override
  public List<SinkCheck> checks() {
    SpoolHealth health = spool.health();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("detail", health.ready() ? "ok" : health.reason());
    details.put("spooledRecords", spool.records());
    details.put("spoolBytes", spool.bytes());
    details.put("spoolMaxBytes", spool.maxBytes());
    return List.of(Checks.kinesisReachable(kinesis), new SinkCheck("spoolAccepting", health.ready(), details));
  }

  @Override
  public long records() {
    return spool.records();
  }

  @Override
  public long bytes() {
    return spool.recordBytes();
  }

  @Override
  public long oldestAgeMillis() {
    return spool.oldestUnconfirmedAgeMillis();
  }

  /** The spool the sink appends to, for its metrics. */
  public Spool spool() {
    return spool;
  }

  @Override
  public Future<Void> close() {
    long left = spool.records();
    if (left > 0) {
      LOG.warn("{} events not yet stored by Kinesis stay in the spool {}: they are sent when a tracker starts on it "
          + "again", left, spool.directory());
    } else {
      LOG.info("Spool {} drained: every accepted event is stored by Kinesis", spool.directory());
    }
    return opened.own() ? spool.closeAndRemoveIfEmpty() : spool.close();
  }
}
