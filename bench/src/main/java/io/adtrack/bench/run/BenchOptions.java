package io.adtrack.bench.run;

import io.adtrack.bench.Args;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How long and how hard the runner drives things. {@code --quick} is a smoke run (~4 minutes, numbers only
 * indicative); the default is the full run (~17 minutes). Every duration can be overridden.
 *
 * @param root             repository root (jars, Dockerfile, results)
 * @param quick            smoke run
 * @param connections      HTTP connections of the load generator (64)
 * @param generatorThreads event loops of the load generator
 * @param programs         programs seeded into Redis (the /event working set)
 * @param warmup           per target and mix, before measuring: the tracker's process CPU per call still falls for
 *                         about a minute of load (C2 compiling the SDK's and the intake's paths), 30 s covers it
 * @param round            one throughput round (closed loop)
 * @param rounds           rounds per target and mix, interleaved A,B,A,B,...
 * @param latencyRound     one constant-rate round
 * @param latencyRounds    constant-rate rounds per target, interleaved
 * @param latencySettle    before each constant-rate round, at its rate on its connections, not recorded: the
 *                         round measures a steady state, not 64 connects and the previous round's leftovers
 * @param saturation       closed-loop time before reading the tracker's memory
 * @param profile          closed-loop time under JFR
 * @param pipelineRound    one round against the tracker of the local pipeline (kinesalite)
 * @param e2eEvents        events timed from the call to DynamoDB
 * @param skip             phases to leave out: pipeline, e2e, consumers, profile, mix, flood, ua
 * @param output           the report file
 */
record BenchOptions(Path root, boolean quick, int connections, int generatorThreads, int programs, Duration warmup,
    Duration round, int rounds, Duration latencyRound, int latencyRounds, Duration latencySettle,
    Duration saturation, Duration profile,
    Duration pipelineRound, int e2eEvents, Set<String> skip, Path output) {

  static final String USAGE = """
      bench/run [--quick] [--skip pipeline,e2e,consumers,profile,mix,flood,ua] [--round-seconds N] [--rounds N]
                [--warmup-seconds N] [--latency-seconds N] [--latency-settle-seconds N]
                [--saturation-seconds N] [--connections N]
                [--e2e-events N] [--output FILE]""";

  static BenchOptions parse(String[] argv) {
    Args args = Args.parse(argv);
    boolean quick = args.flag("quick");
    Path root = Path.of(args.string("root", ".")).toAbsolutePath().normalize();
    Set<String> skip = Arrays.stream(args.string("skip", quick ? "consumers" : "").split(","))
        .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
    Path output = Path.of(args.string("output",
        root.resolve("bench/results/" + LocalDate.now() + (quick ? "-quick" : "") + ".md").toString()));
    return new BenchOptions(root, quick,
        args.intValue("connections", 64),
        args.intValue("generator-threads", 2),
        args.intValue("programs", 1000),
        seconds(args, "warmup-seconds", quick ? 1.5 : 30),
        seconds(args, "round-seconds", quick ? 2 : 10),
        args.intValue("rounds", 3),
        seconds(args, "latency-seconds", quick ? 3 : 20),
        args.intValue("latency-rounds", quick ? 1 : 2),
        seconds(args, "latency-settle-seconds", quick ? 1 : 5),
        seconds(args, "saturation-seconds", quick ? 8 : 60),
        seconds(args, "profile-seconds", quick ? 4 : 20),
        seconds(args, "pipeline-seconds", quick ? 3 : 10),
        args.intValue("e2e-events", quick ? 200 : 1000),
        skip, output);
  }

  boolean runs(String phase) {
    return !skip.contains(phase);
  }

  private static Duration seconds(Args args, String name, double fallback) {
    return Duration.ofMillis((long) (args.doubleValue(name, fallback) * 1000));
  }
}
