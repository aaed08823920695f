package io.adtrack.tracker.spool;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One append on its way to the writer, and the promise its caller holds. The promise is completed on the caller's
 * Vert.x context (when it had one), so the answer to the client is written from its own event loop.
 */
final class PendingAppend {

  private static final Logger LOG = LoggerFactory.getLogger(PendingAppend.class);

  final byte[] messageId;
  final byte[] data;
  final int frameBytes;
  private final Context context;
  private final Promise<AppendResult> promise = Promise.promise();
  /** Assigned by the writer when it frames the record. */
  long sequence;

  PendingAppend(byte[] messageId, byte[] data, Context context) {
    this.messageId = messageId;
    this.data = data;
    this.frameBytes = Frame.size(messageId.length, data.length);
    this.context = context;
  }

  Future<AppendResult> future() {
    return promise.future();
  }

  /**
   * Completes every append of a batch with {@code result}: one task per caller context (a batch holds appends of a
   * few event loops), directly for callers that had none.
   */
  static void completeAll(List<PendingAppend> appends, AppendResult result) {
    Map<Context, List<PendingAppend>> byContext = null;
    for (PendingAppend append : appends) {
      if (append.context == null) {
        append.complete(result);
      } else {
        if (byContext == null) {
          byContext = new IdentityHashMap<>();
        }
        byContext.computeIfAbsent(append.context, c -> new ArrayList<>()).add(append);
      }
    }
    if (byContext != null) {
      byContext.forEach((context, onContext) -> completeOn(context, onContext, result));
    }
  }

  private static void completeOn(Context context, List<PendingAppend> appends, AppendResult result) {
    try {
      context.runOnContext(v -> appends.forEach(append -> append.complete(result)));
    } catch (RejectedExecutionException e) {
      // Vert.x is shutting down and the event loop takes no more tasks: still answer, from here.
      LOG.debug("Caller context gone; completing {} appends on the spool writer", appends.size());
      appends.forEach(append -> append.complete(result));
    }
  }

  /** Completes once; a caller's handler that throws (run here when the caller had no context) stays its own. */
  private void complete(AppendResult result) {
    try {
      promise.tryComplete(result);
    } catch (RuntimeException e) {
      LOG.warn("A handler of a spool append failed", e);
    }
  }
}
