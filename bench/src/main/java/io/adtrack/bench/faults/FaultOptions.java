package io.adtrack.bench.faults;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How bench/faults runs: the full run (the report's figures) or the quick variant (the integration test), and what
 * the command line changes of it.
 *
 * @param root           the repository checkout
 * @param quick          shorter faults and phases, a lower rate
 * @param rate           HTTP requests per second of the load (a POST /events carries three events)
 * @param leadIn         healthy load before the fault
 * @param tail           load at least this long after the fault's end
 * @param stable         ...and until every call was acknowledged for this long
 * @param maxRecovery    at most this long after the fault's end, full service or not
 * @param drainPatience  after the load, wait for the table until nothing new arrived for this long
 * @param drainMax       ...or this long at most
 * @param sampleInterval how often the stream and the table are counted for the timeline
 * @param ackAfter       ACK_AFTER for the tracker (memory, kinesis, spool), when given
 * @param trackerEnv     further tracker settings, {@code --tracker-env NAME=VALUE}
 * @param scenarios      which scenarios, in order
 * @param output         the report; plots go next to it
 */
record FaultOptions(Path root, boolean quick, double rate, Duration leadIn, Duration tail, Duration stable,
    Duration maxRecovery, Duration drainPatience, Duration drainMax, Duration sampleInterval,
    Optional<String> ackAfter, Map<String, String> trackerEnv, List<Scenario> scenarios, Path output) {

  static final String USAGE = String.join("\n",
      "bench/faults [options]: the local pipeline under load through eight faults; writes "
          + "bench/results/<date>-faults.md and a timeline plot per scenario.",
      "  --quick               shorter faults (1/8, at least 3 s), shorter phases, 40 requests/s (what FaultsIT runs)",
      "  --rate N              HTTP requests per second (default 200; quick 40)",
      "  --only a,b            only these scenarios: " + String.join(", ", Scenario.keys()),
      "  --ack-after MODE      ACK_AFTER for the tracker: memory, kinesis or spool (default: $ACK_AFTER, else the",
      "                        tracker's own default); with memory, events lost to SIGKILL are reported, not failed",
      "  --tracker-env N=V     any other tracker setting (repeatable), e.g. SPOOL_DIR=/tmp/spool",
      "  --output FILE         the report (default bench/results/<date>-faults.md; quick: bench/target/)",
      "  --no-build            (bench/faults itself) use the jars as they are");

  /** The full run: faults of 30-60 s at 200 requests/s. */
  static FaultOptions full(Path root) {
    return new FaultOptions(root, false, 200, Duration.ofSeconds(10), Duration.ofSeconds(15), Duration.ofSeconds(5),
        Duration.ofSeconds(120), Duration.ofSeconds(60), Duration.ofSeconds(600), Duration.ofSeconds(2),
        Optional.empty(), Map.of(), List.of(Scenario.values()),
        root.resolve("bench/results/" + LocalDate.now() + "-faults.md"));
  }

  /** The quick variant: every scenario, short faults, 40 requests/s, a report under bench/target. */
  static FaultOptions quick(Path root) {
    return new FaultOptions(root, true, 40, Duration.ofSeconds(3), Duration.ofSeconds(3), Duration.ofSeconds(2),
        Duration.ofSeconds(60), Duration.ofSeconds(10), Duration.ofSeconds(90), Duration.ofMillis(500),
        Optional.empty(), Map.of(), List.of(Scenario.values()),
        root.resolve("bench/target/faults-quick/" + LocalDate.now() + "-faults.md"));
  }

  /** The options of a command line; ACK_AFTER in {@code environment} is the default for {@code --ack-after}. */
  static FaultOptions parse(Path root, List<String> args, Map<String, String> environment) {
    FaultOptions options = args.contains("--quick") ? quick(root) : full(root);
    double rate = options.rate;
    List<Scenario> scenarios = options.scenarios;
    Optional<String> ackAfter = Optional.ofNullable(environment.get("ACK_AFTER")).filter(v -> !v.isBlank());
    Map<String, String> trackerEnv = new LinkedHashMap<>();
    Path output = options.output;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      switch (arg) {
        case "--quick" -> { }
        case "--rate" -> rate = Double.parseDouble(value(args, ++i, arg));
        case "--only" -> {
          List<Scenario> chosen = new ArrayList<>();
          for (String key : value(args, ++i, arg).split(",")) {
            chosen.add(Scenario.byKey(key.trim()));
          }
          scenarios = List.copyOf(chosen);
        }
        case "--ack-after" -> ackAfter = Optional.of(value(args, ++i, arg));
        case "--tracker-env" -> {
          String setting = value(args, ++i, arg);
          int equals = setting.indexOf('=');
          if (equals < 1) {
            throw new IllegalArgumentException("--tracker-env takes NAME=VALUE, got " + setting);
          }
          trackerEnv.put(setting.substring(0, equals), setting.substring(equals + 1));
        }
        case "--output" -> output = Path.of(value(args, ++i, arg)).toAbsolutePath();
        default -> throw new IllegalArgumentException("unknown option " + arg + "\n" + USAGE);
      }
    }
    if (rate <= 0) {
      throw new IllegalArgumentException("--rate must be positive");
    }
    return new FaultOptions(root, options.quick, rate, options.leadIn, options.tail, options.stable,
        options.maxRecovery, options.drainPatience, options.drainMax, options.sampleInterval, ackAfter,
        Map.copyOf(trackerEnv), scenarios, output);
  }

  /**
   * Everything the tracker gets on top of the pipeline's settings. L1 holds about one scenario's programs, an eighth
   * of what is published, as in production where the catalogue is larger than L1: every program published reaches
   * L1 through pub/sub, so with the default bound each cold call would be a hit and Redis's outage would show no
   * miss.
   */
  Map<String, String> trackerEnvironment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("CACHE_MAX_ENTRIES", Integer.toString(coldProgramsPerScenario() + 1));
    env.putAll(trackerEnv);
    ackAfter.ifPresent(mode -> env.put("ACK_AFTER", mode));
    return env;
  }

  /**
   * Cold programs one scenario calls: one in twenty calls, for as long as a scenario usually runs (the longest
   * fault and a recovery); should it run longer, the pool comes round again, warm by then.
   */
  int coldProgramsPerScenario() {
    double seconds = leadIn.plus(Duration.ofSeconds(75)).plus(tail).toSeconds();
    return (int) Math.ceil(rate / 20 * seconds);
  }

  private static String value(List<String> args, int index, String option) {
    if (index >= args.size()) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args.get(index);
  }
}
