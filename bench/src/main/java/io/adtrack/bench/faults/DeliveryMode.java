package io.adtrack.bench.faults;

import java.net.URI;

/**
 * When the tracker acknowledges an event (ACK_AFTER: memory, kinesis or spool), and how the run knows: given on the
 * command line or in the environment, else read off the tracker (a tracker with a durable spool exports its
 * {@code tracker_spool_*} metrics; one without acknowledges from memory).
 *
 * @param name   memory, kinesis or spool
 * @param source how the run knows
 */
record DeliveryMode(String name, String source) {

  static DeliveryMode of(FaultOptions options, URI management) {
    if (options.ackAfter().isPresent()) {
      return new DeliveryMode(options.ackAfter().get(), "ACK_AFTER=" + options.ackAfter().get()
          + " given to the tracker");
    }
    boolean spool = HealthProbe.metrics(management).map(text -> text.contains("tracker_spool_")).orElse(false);
    return spool ? new DeliveryMode("spool", "the tracker's default (it exports spool metrics)")
        : new DeliveryMode("memory", "the tracker's default, without a spool: it acknowledges an event once it is "
            + "in its in-memory buffer");
  }

  /** Acknowledged events live only in the tracker's memory until Kinesis has them: a SIGKILL loses them. */
  boolean isMemory() {
    return "memory".equals(name);
  }

  @Override
  public String toString() {
    return name + " (" + source + ")";
  }
}
