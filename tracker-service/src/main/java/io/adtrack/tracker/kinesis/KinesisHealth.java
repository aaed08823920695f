package io.adtrack.tracker.kinesis;

/** Whether the last Kinesis call got through; written by {@link KinesisVerticle}, read by readiness. */
public final class KinesisHealth {

  private volatile boolean reachable;
  private volatile String problem = "not checked yet";

  public boolean reachable() {
    return reachable;
  }

  /** Why Kinesis is considered unreachable (the last failure's message). */
  public String problem() {
    return problem;
  }

  void succeeded() {
    reachable = true;
  }

  void failed(Throwable cause) {
    reachable = false;
    Throwable root = cause;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    problem = root.getClass().getSimpleName();
  }
}
