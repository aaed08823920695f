package io.adtrack.bench.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * What a JFR recording of the tracker says, boiled down for the report: the hottest methods by CPU samples (self:
 * top of stack; total: anywhere on the stack), where it allocates, and how much it spent in GC.
 */
record JfrSummary(long cpuSamples, Map<String, Long> selfTop, Map<String, Long> totalTop,
    Map<String, Long> allocationTop, long allocationWeightBytes, long allocatedBytes, int gcCount,
    Duration gcPauseTotal, Duration gcPauseMax) {

  private static final int TOP = 15;

  static JfrSummary read(Path recording, Predicate<String> interesting) {
    Map<String, Long> self = new HashMap<>();
    Map<String, Long> total = new HashMap<>();
    Map<String, Long> allocation = new HashMap<>();
    Map<Long, long[]> allocatedByThread = new HashMap<>();
    long samples = 0;
    long allocationBytes = 0;
    int gcs = 0;
    Duration pauses = Duration.ZERO;
    Duration maxPause = Duration.ZERO;
    try (RecordingFile file = new RecordingFile(recording)) {
      while (file.hasMoreEvents()) {
        RecordedEvent event = file.readEvent();
        String type = event.getEventType().getName();
        switch (type) {
          case "jdk.ExecutionSample" -> {
            RecordedStackTrace stack = event.getStackTrace();
            if (stack == null || stack.getFrames().isEmpty()) {
              continue;
            }
            samples++;
            List<RecordedFrame> frames = stack.getFrames();
            self.merge(name(frames.get(0)), 1L, Long::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame frame : frames) {
              String name = name(frame);
              // Lambda frames repeat the method that created them; leave them out.
              if (interesting.test(name) && !name.contains("$$Lambda") && seen.add(name)) {
                total.merge(name, 1L, Long::sum);
              }
            }
          }
          case "jdk.ObjectAllocationSample" -> {
            RecordedStackTrace stack = event.getStackTrace();
            long weight = event.getLong("weight");
            allocationBytes += weight;
            if (stack != null) {
              String site = stack.getFrames().stream().map(JfrSummary::name).filter(interesting).findFirst()
                  .orElse(stack.getFrames().isEmpty() ? "?" : name(stack.getFrames().get(0)));
              String what = event.getClass("objectClass").getName();
              allocation.merge(what + " @ " + site, weight, Long::sum);
            }
          }
          case "jdk.ThreadAllocationStatistics" -> {
            // Emitted per thread at the start and end of the recording: the difference is what it allocated.
            long allocated = event.getLong("allocated");
            long[] range = allocatedByThread.computeIfAbsent(event.getThread("thread").getJavaThreadId(),
                id -> new long[] {allocated, allocated});
            range[0] = Math.min(range[0], allocated);
            range[1] = Math.max(range[1], allocated);
          }
          case "jdk.GarbageCollection" -> {
            gcs++;
            Duration pause = event.getDuration("sumOfPauses");
            pauses = pauses.plus(pause);
            if (pause.compareTo(maxPause) > 0) {
              maxPause = pause;
            }
          }
          default -> {
            // other events are not summarised
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + recording, e);
    }
    long allocated = allocatedByThread.values().stream().mapToLong(r -> r[1] - r[0]).sum();
    return new JfrSummary(samples, top(self), top(total), top(allocation), allocationBytes, allocated, gcs, pauses,
        maxPause);
  }

  private static String name(RecordedFrame frame) {
    return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
  }

  private static Map<String, Long> top(Map<String, Long> counts) {
    Map<String, Long> top = new LinkedHashMap<>();
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(TOP)
        .forEach(e -> top.put(e.getKey(), e.getValue()));
    return top;
  }
}
