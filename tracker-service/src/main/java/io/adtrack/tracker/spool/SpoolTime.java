package io.adtrack.tracker.spool;

/**
 * The spool's clocks, injectable so that tests drive time: a monotonic one for intervals (fsync, probes,
 * checkpoints) and the wall clock for the append time stored with each record (it outlives the process).
 */
public interface SpoolTime {

  /** The JVM's clocks. */
  SpoolTime SYSTEM = new SpoolTime() {
    @Override
    public long nanoTime() {
      return System.nanoTime();
    }

    @Override
    public long currentTimeMillis() {
      return System.currentTimeMillis();
    }
  };

  /** Monotonic time, as {@link System#nanoTime()}. */
  long nanoTime();

  /** Wall-clock time in epoch milliseconds, as {@link System#currentTimeMillis()}. */
  long currentTimeMillis();
}
