package io.adtrack.bench.spool;

import io.adtrack.bench.Args;
import java.util.Set;

/**
 * How long and how hard {@link SpoolEvaluation} measures. {@code --quick} is a smoke run (one round, short
 * measurements, a 64 MiB backlog); every value can be set on its own.
 *
 * @param seconds     one measurement, after {@code warmup} seconds not recorded
 * @param rate        total appends per second of the paced rounds
 * @param fsyncMillis group-commit interval of the rounds that sync
 * @param killAfter   answered appends after which the flood child is killed
 * @param skip        scenarios left out: throughput, paced, kill, damage, backlog
 */
record EvalSettings(int rounds, double seconds, double warmup, int threads, int rate, int fsyncMillis, int killAfter,
    int backlogMib, double backlogMaxSeconds, Set<String> skip) {

  static final String USAGE = """
      bench/spool-eval [--quick] [--rounds N] [--seconds N] [--warmup-seconds N] [--threads N] [--rate N]
                       [--fsync-ms N] [--kill-after N] [--backlog-mib N] [--backlog-max-seconds N] [--output FILE]
                       [--skip throughput,paced,kill,damage,backlog]""";

  static EvalSettings parse(Args args) {
    boolean quick = args.flag("quick");
    return new EvalSettings(
        args.intValue("rounds", quick ? 1 : 3),
        args.doubleValue("seconds", quick ? 2 : 5),
        args.doubleValue("warmup-seconds", quick ? 1 : 2),
        args.intValue("threads", 3),
        args.intValue("rate", 5_000),
        args.intValue("fsync-ms", 10),
        args.intValue("kill-after", 20_000),
        args.intValue("backlog-mib", quick ? 64 : 256),
        args.doubleValue("backlog-max-seconds", quick ? 20 : 60),
        Set.of(args.string("skip", "").split(",")));
  }

  boolean runs(String scenario) {
    return !skip.contains(scenario);
  }
}
