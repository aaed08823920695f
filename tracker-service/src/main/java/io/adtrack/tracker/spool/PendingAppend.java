package io.adtrack.tracker.spool;

import io.netty.channel.EventLoop;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.internal.ContextInternal;
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
  private final ContextInternal context;
  /**
   * The event loop the caller ran on, when it ran on one (else null). Vert.x' internal API ({@code ContextInternal}),
   * for what its public one cannot say: which Netty loop runs the context, so that a batch costs one task per loop.
   */
  final EventLoop eventLoop;
  private final Promise<AppendResult> promise = Promise.promise();
  /** Assigned by the writer when it frames the record. */
  long sequence;

  PendingAppend(byte[] messageId, byte[] data, Context context) {
    this.messageId = messageId;
    this.data = data;
    this.frameBytes = Frame.size(messageId.length, data.length);
    this.context = (ContextInternal) context;
    this.eventLoop = context != null && context.isEventLoopContext() ? this.context.nettyEventLoop() : null;
  }

  Future<AppendResult> future() {
    return promise.future();
  }

  /**
   * Completes every append of a batch with {@code result}, each on its caller's context: one task per event loop
   * (a batch holds the appends of many HTTP requests, each on a context of its own, but of a few loops only), one
   * per context for callers on worker contexts, directly for callers that had none. Fewer tasks means fewer
   * wake-ups of the loops, which cost more than the tasks themselves.
   */
  static void completeAll(List<PendingAppend> appends, AppendResult result) {
    Map<Object, List<PendingAppend>> byExecutor = null;
    for (PendingAppend append : appends) {
      if (append.context == null) {
        append.complete(result);
      } else {
        if (byExecutor == null) {
          byExecutor = new IdentityHashMap<>();
        }
        Object executor = append.eventLoop != null ? append.eventLoop : append.context;
        byExecutor.computeIfAbsent(executor, c -> new ArrayList<>()).add(append);
      }
    }
    if (byExecutor != null) {
      byExecutor.values().forEach(sameExecutor -> completeOn(sameExecutor, result));
    }
  }

  private static void completeOn(List<PendingAppend> appends, AppendResult result) {
    PendingAppend first = appends.get(0);
    try {
      if (first.eventLoop != null) {
        // On the loop's thread, each completion runs as its own context's task would (emit sets the context).
        first.eventLoop.execute(() -> appends.forEach(append -> append.context.emit(result, append::complete)));
      } else {
        first.context.runOnContext(v -> appends.forEach(append -> append.complete(result)));
      }
    } catch (RejectedExecutionException e) {
      // Vert.x is shutting down and the event loop takes no more tasks: still answer, from here.
      LOG.debug("Caller's event loop gone; completing {} appends on the thread that wrote them", appends.size());
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
