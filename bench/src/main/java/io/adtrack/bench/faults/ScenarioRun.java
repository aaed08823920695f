package io.adtrack.bench.faults;

import io.adtrack.bench.faults.EventCall.Route;
import io.adtrack.bench.faults.EventTableReader.StoredEvent;
import io.adtrack.bench.faults.StreamTail.StreamRecord;
import io.adtrack.local.LocalPipeline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One scenario from a healthy pipeline: load for a lead-in, the fault for its duration, the heal, load until full
 * service has held for a while, then the load stops and the stream and the table are read until every acknowledged
 * event is stored (or nothing more arrives). Samples the stream and the table meanwhile, for the timeline.
 */
final class ScenarioRun {

  private static final Logger LOG = LoggerFactory.getLogger(ScenarioRun.class);

  /** The stream and the table at one moment, seconds since the scenario's load began. */
  record Sample(double seconds, long streamRecords, long tableItems) {
  }

  /** What happened, for the report: the result, every event's answer, the samples and when the fault was. */
  record Outcome(ScenarioResult result, List<EventCall> calls, List<Sample> samples, long startNanos,
      long faultStartNanos, long faultEndNanos, long healedNanos) {
  }

  private final FaultOptions options;
  private final FaultPipeline faults;
  private final CallLoad load;
  private final StreamTail stream;
  private final EventTableReader table;
  private final boolean memoryMode;

  ScenarioRun(FaultOptions options, FaultPipeline faults, CallLoad load, StreamTail stream, EventTableReader table,
      boolean memoryMode) {
    this.options = options;
    this.faults = faults;
    this.load = load;
    this.stream = stream;
    this.table = table;
    this.memoryMode = memoryMode;
  }

  Outcome run(Scenario scenario, ScenarioPrograms programs, String fidPrefix) {
    LocalPipeline pipeline = faults.pipeline();
    awaitHealthy(pipeline);
    int crashesBefore = pipeline.unexpectedTrackerExits();
    long handlerErrorsBefore = handlerErrors(pipeline);
    long retriesBefore = pipeline.consumerPoller().stats().retries() + pipeline.updaterPoller().stats().retries();
    long skippedBefore = recordsSkipped(pipeline);
    long skippedCallsBefore = load.skipped();
    Set<String> programIds = new HashSet<>(programs.cold());
    programIds.add(programs.hot());

    List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
    long start = System.nanoTime();
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "faults-sampler"));
    sampler.scheduleWithFixedDelay(() -> sample(samples, start, programIds, programs.hot()), 0,
        options.sampleInterval().toMillis(), TimeUnit.MILLISECONDS);
    long faultStart;
    long faultEnd;
    long healed;
    List<EventCall> calls;
    try {
      LOG.info("== {}: {} ({} s lead-in, fault {} s)", scenario.key(), scenario.description(),
          options.leadIn().toSeconds(), scenario.fault(options.quick()).toSeconds());
      load.start(programs, fidPrefix);
      pause(options.leadIn());
      faultStart = System.nanoTime();
      scenario.inject(faults);
      pause(scenario.fault(options.quick()));
      faultEnd = System.nanoTime();
      LOG.info("{}: healing after {} ms of fault", scenario.key(), (faultEnd - faultStart) / 1_000_000);
      scenario.heal(faults);
      healed = System.nanoTime();
      awaitFullService(faultEnd);
      load.stop();
      calls = load.drainCalls();
      LOG.info("{}: load stopped, {} events asked for; waiting for the stream and the table", scenario.key(),
          calls.size());
    } finally {
      load.stop();
    }
    UnknownWindow unknown = UnknownWindow.of(calls, programs.hot());
    Optional<Duration> allStored = awaitStored(calls.stream().filter(call -> !unknown.excuses(call)).toList(),
        programs.hot(), faultEnd);
    stopSampling(sampler);
    stream.catchUp();
    samples.add(new Sample((System.nanoTime() - start) / 1e9, stream.countOf(programIds), table.count(programs.hot())));
    List<String> called = new ArrayList<>(programs.coldCalled());
    called.add(programs.hot());

    Map<String, Boolean> checks = new LinkedHashMap<>();
    if (scenario == Scenario.REDIS_STOPPED) {
      checks.put("no 404 while Redis was down", calls.stream().noneMatch(call -> call.status() == 404));
      checks.put("misses answered 503 while Redis was down", calls.stream().anyMatch(EventCall::unavailable));
    }
    if (scenario == Scenario.POISON) {
      checks.put("both pollers past every poison record", faults.pollersPassedPoison());
    }
    long redeliveries = pipeline.consumerPoller().stats().retries() + pipeline.updaterPoller().stats().retries()
        - retriesBefore;
    ScenarioResult result = account(scenario, calls, unknown, stream.recordsOf(programIds),
        table.eventsOf(called), fullService(calls, faultEnd), allStored,
        pipeline.unexpectedTrackerExits() - crashesBefore, handlerErrors(pipeline) - handlerErrorsBefore,
        recordsSkipped(pipeline) - skippedBefore, redeliveries, load.skipped() - skippedCallsBefore, checks);
    LOG.info("{}: {} acknowledged, {} 503, {} other 5xx, {} missing -> {}", scenario.key(), result.acknowledged(),
        result.unavailable(), result.serverErrors(), result.missing(), result.verdict());
    return new Outcome(result, calls, List.copyOf(samples), start, faultStart, faultEnd, healed);
  }

  private void sample(List<Sample> samples, long start, Set<String> programIds, String hot) {
    try {
      stream.catchUp();
      long items = table.count(hot);
      samples.add(new Sample((System.nanoTime() - start) / 1e9, stream.countOf(programIds), items));
    } catch (RuntimeException e) {
      LOG.debug("sample failed: {}", e.getMessage());
    }
  }

  /** Keeps the load on until every call was acknowledged for a while after the fault (or the patience ran out). */
  private void awaitFullService(long faultEnd) {
    long deadline = faultEnd + options.maxRecovery().toNanos();
    while (System.nanoTime() < deadline) {
      long now = System.nanoTime();
      boolean tailDone = now - faultEnd >= options.tail().toNanos();
      boolean stable = now - Math.max(load.lastFailureNanos(), faultEnd) >= options.stable().toNanos();
      if (tailDone && stable) {
        return;
      }
      pause(Duration.ofMillis(200));
    }
    LOG.warn("no full service within {} s of the fault's end", options.maxRecovery().toSeconds());
  }

  /**
   * Waits until every acknowledged event is stored, or nothing new arrived for the patience. Reading a program's
   * items costs DynamoDB Local (in this JVM, shared with the consumer) more than counting them, so this counts the
   * hot program's items until they are all there, and only then reads what is stored of each program with events
   * still to come, the cold ones dropping out as they arrive.
   *
   * @return the time from the fault's end until all were stored, when they were
   */
  private Optional<Duration> awaitStored(List<EventCall> calls, String hot, long faultEnd) {
    Map<String, Set<String>> pending = calls.stream().filter(EventCall::acknowledged).collect(Collectors.groupingBy(
        EventCall::programId, Collectors.mapping(EventCall::fid, Collectors.toCollection(HashSet::new))));
    long hotExpected = pending.getOrDefault(hot, Set.of()).size();
    long lastProgress = System.nanoTime();
    long deadline = lastProgress + options.drainMax().toNanos();
    long lastCount = -1;
    while (System.nanoTime() < deadline) {
      long count = table.count(hot);
      if (count >= hotExpected) {
        for (var program = pending.entrySet().iterator(); program.hasNext(); ) {
          var entry = program.next();
          entry.getValue().removeAll(table.eventsOf(List.of(entry.getKey())).stream()
              .map(StoredEvent::fid).collect(Collectors.toSet()));
          if (entry.getValue().isEmpty()) {
            program.remove();
          }
        }
        if (pending.isEmpty()) {
          return Optional.of(Duration.ofNanos(System.nanoTime() - faultEnd));
        }
      }
      if (count != lastCount) {
        lastCount = count;
        lastProgress = System.nanoTime();
      } else if (System.nanoTime() - lastProgress > options.drainPatience().toNanos()) {
        break;
      }
      pause(options.sampleInterval());
    }
    return Optional.empty();
  }

  private static void stopSampling(ScheduledExecutorService sampler) {
    sampler.shutdown();
    try {
      sampler.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** From the fault's end to the first call after the last failed one; empty when the load ended on failures. */
  static Optional<Duration> fullService(List<EventCall> calls, long faultEnd) {
    long lastFailure = calls.stream().filter(call -> !call.acknowledged())
        .mapToLong(EventCall::sentAtNanos).max().orElse(Long.MIN_VALUE);
    if (lastFailure < faultEnd) {
      return Optional.of(Duration.ZERO);
    }
    return calls.stream().filter(call -> call.acknowledged() && call.sentAtNanos() > lastFailure)
        .mapToLong(EventCall::sentAtNanos).min().stream()
        .mapToObj(firstGood -> Duration.ofNanos(firstGood - faultEnd)).findFirst();
  }

  /** Counts everything about one scenario; see {@link ScenarioResult}. */
  ScenarioResult account(Scenario scenario, List<EventCall> calls, UnknownWindow unknown,
      List<StreamRecord> records, List<StoredEvent> stored, Optional<Duration> fullService,
      Optional<Duration> allStored, int trackerCrashes, long handlerErrors, long recordsSkipped, long redeliveries,
      long skippedCalls, Map<String, Boolean> checks) {
    Map<String, Long> storedByFid = stored.stream().filter(event -> event.fid() != null)
        .collect(Collectors.groupingBy(StoredEvent::fid, Collectors.counting()));
    Set<String> storedMessageIds = stored.stream().map(StoredEvent::messageId).collect(Collectors.toSet());
    long missing = 0;
    long pixelsOfUnknown = 0;
    long storedUnacknowledged = 0;
    for (EventCall call : calls) {
      boolean isStored = storedByFid.containsKey(call.fid())
          && (call.messageId() == null || storedMessageIds.contains(call.messageId()));
      if (call.acknowledged() && !isStored) {
        if (unknown.excuses(call)) {
          pixelsOfUnknown++;
        } else {
          missing++;
        }
      } else if (!call.acknowledged() && isStored) {
        storedUnacknowledged++;
      }
    }
    Map<Integer, Long> rejected = new TreeMap<>(calls.stream().filter(EventCall::rejected)
        .collect(Collectors.groupingBy(EventCall::status, Collectors.counting())));
    return new ScenarioResult(scenario, calls.size(), count(calls, EventCall::acknowledged),
        count(calls, EventCall::unavailable), rejected, count(calls, EventCall::serverError),
        count(calls, EventCall::unanswered), skippedCalls, records.size(),
        records.stream().map(StreamRecord::messageId).distinct().count(), storedMessageIds.size(),
        storedByFid.values().stream().filter(n -> n > 1).count(), missing, pixelsOfUnknown, storedUnacknowledged,
        fullService, allStored, trackerCrashes, handlerErrors, recordsSkipped, redeliveries, checks,
        scenario == Scenario.TRACKER_SIGKILL && memoryMode);
  }

  /**
   * While a program is unknown to the tracker (Redis came back empty), its pixels still answer 200 and are not
   * recorded, by the pixel's contract. The window: from the first to the last 404 of the program's /event and
   * /click calls, a second wider either side (they interleave with the pixels at the load's rate).
   */
  record UnknownWindow(long from, long to) {

    static UnknownWindow of(List<EventCall> calls, String programId) {
      long first = Long.MAX_VALUE;
      long last = Long.MIN_VALUE;
      for (EventCall call : calls) {
        if (call.status() == 404 && call.programId().equals(programId)) {
          first = Math.min(first, call.sentAtNanos());
          last = Math.max(last, call.sentAtNanos());
        }
      }
      long margin = Duration.ofSeconds(1).toNanos();
      return first > last ? new UnknownWindow(1, 0) : new UnknownWindow(first - margin, last + margin);
    }

    /** Whether the call is a pixel sent while its program was unknown: a 200 that promised nothing. */
    boolean excuses(EventCall call) {
      return call.route() == Route.PIXEL && call.sentAtNanos() >= from && call.sentAtNanos() <= to;
    }
  }

  private static long count(List<EventCall> calls, Predicate<EventCall> predicate) {
    return calls.stream().filter(predicate).count();
  }

  private void awaitHealthy(LocalPipeline pipeline) {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!HealthProbe.ready(pipeline.managementUri())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the pipeline is not healthy: " + pipeline.managementUri()
            + "/health/ready does not answer 200");
      }
      pause(Duration.ofMillis(200));
    }
  }

  private static long handlerErrors(LocalPipeline pipeline) {
    return pipeline.consumerPoller().stats().handlerErrors() + pipeline.updaterPoller().stats().handlerErrors();
  }

  private static long recordsSkipped(LocalPipeline pipeline) {
    return pipeline.consumerPoller().stats().recordsSkipped() + pipeline.updaterPoller().stats().recordsSkipped();
  }

  private static Thread daemon(Runnable body, String name) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    return thread;
  }

  static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
