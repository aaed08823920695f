package io.adtrack.bench.spool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.DoubleSummaryStatistics;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The markdown report of a {@link SpoolEvaluation}: medians over rounds, every kill round, and the static facts. */
final class SpoolReport {

  private final EvalSettings run;
  private final List<String> heapFlags;
  private final List<Double> loadSamples;
  private final Map<String, List<Map<String, String>>> results;
  private final Map<String, Long> footprint;
  private final Duration took;
  private final StringBuilder out = new StringBuilder();

  SpoolReport(EvalSettings run, List<String> heapFlags, List<Double> loadSamples,
      Map<String, List<Map<String, String>>> results, Map<String, Long> footprint, Duration took) {
    this.run = run;
    this.heapFlags = heapFlags;
    this.loadSamples = loadSamples;
    this.results = results;
    this.footprint = footprint;
    this.took = took;
  }

  String markdown() {
    header();
    scoreboard();
    appends("throughput", "Closed loop: as fast as each store takes them",
        "Every thread keeps appending: one append outstanding per thread for the synchronous stores (the call"
            + " blocks), up to 32 for the spool (its appends are asynchronous, as an event loop with a few dozen"
            + " connections would issue them). Latency: from the call until the record is as durable as the mode"
            + " promises. Call: how long the appending thread was held inside the call, which is what an event loop"
            + " would be blocked for.");
    appends("paced", "Open loop at " + run.rate() + " appends/s",
        "Appends are due at a fixed total rate; latency is measured from when each was due, so a store that cannot"
            + " keep up is charged for the wait (no coordinated omission).");
    kills();
    damage();
    backlog();
    facts();
    return out.toString();
  }

  private void header() {
    line("# Spool storage: segment log vs Chronicle Queue vs Tape (" + LocalDate.now() + ")");
    line("");
    line("Issue 12 asks for a durable spool and for the storage under it to be chosen by measurement. Three stores,"
        + " each driven the same way from a JVM of its own with the tracker container's heap ("
        + String.join(" ", heapFlags) + "), interleaved: every round runs each scenario for every store,"
        + " in an order rotated from round to round.");
    line("");
    line("- **segment-log**: the tracker's own `io.adtrack.tracker.spool.Spool` (segments over `FileChannel`,"
        + " CRC32C frames, one writer thread batching appends into one `write`).");
    line("- **chronicle**: Chronicle Queue 5.25ea16 (memory-mapped, hourly roll cycle, one appender per thread).");
    line("- **tape**: Tape 2.0.0-beta1 `QueueFile` (one ring-buffer file, opened `rwd`: every write synchronous).");
    line("");
    line("Command: `bench/spool-eval` (" + run.rounds() + " rounds; " + fmt(run.warmup()) + " s warm-up + "
        + fmt(run.seconds()) + " s per measurement; " + run.threads() + " appending threads; records 300–600 bytes"
        + " with a 36-character id; fsync interval " + run.fsyncMillis() + " ms where a mode syncs). Took "
        + took.toMinutes() + " min " + took.toSecondsPart() + " s.");
    line("");
    line("Machine: " + Runtime.getRuntime().availableProcessors() + " cores (" + cpuModel() + "), "
        + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + ", spool files on "
        + "the build disk. Shared with other work: 1-min load average " + loadSummary() + ".");
    line("");
  }

  private void scoreboard() {
    line("## Summary (medians over rounds)");
    line("");
    line("| | segment-log | chronicle | tape |");
    line("|---|---|---|---|");
    row("appends/s, no fsync", store -> median("throughput " + store + " 0", "appendsPerSecond"));
    row("appends/s, fsync every " + run.fsyncMillis() + " ms",
        store -> median("throughput " + store + " " + run.fsyncMillis(), "appendsPerSecond"));
    row("p99 / p99.9 µs until answered, " + run.rate() + "/s, no fsync", store -> paced(store, 0, "p99us") + " / "
        + paced(store, 0, "p999us"));
    row("p99 µs until answered, " + run.rate() + "/s, fsync every " + run.fsyncMillis() + " ms",
        store -> paced(store, run.fsyncMillis(), "p99us"));
    row("caller blocked, p99.9 / max µs, " + run.rate() + "/s, no fsync", store -> paced(store, 0, "callP999us")
        + " / " + paced(store, 0, "callMaxUs"));
    row("answered records missing after kill -9 (all rounds)", store -> sum("kill " + store, "missing"));
    row("flipped length byte: intact records read back", store -> first("damage " + store + " length", "intactOf",
        "error", "readError", "failed"));
    row("flipped data byte: damaged record delivered as good", store -> first("damage " + store + " payload",
        "damagedDelivered", "error", "readError"));
    row("backlog: live heap MiB after writing it", store -> first("backlog " + store, "heapLiveAfterAppendMiB"));
    row("backlog: peak RSS MiB while draining", store -> first("backlog " + store, "peakRssDuringDrainMiB"));
    row("disk MiB once 99% / all acknowledged", store -> first("backlog " + store, "diskAt99PercentAckedMiB") + " / "
        + first("backlog " + store, "diskAllAckedMiB"));
    row("added to the fat jar", this::kib);
    row("JVM flags needed on Java 17", store -> store.equals("chronicle")
        ? ChronicleCandidate.JAVA_17_FLAGS.size() - 1 + " (+1 to stop its telemetry)" : "none");
    line("");
  }

  private void appends(String scenario, String title, String how) {
    line("## " + title);
    line("");
    line(how);
    line("");
    line("| store | fsync | appends/s | p50 µs | p99 µs | p99.9 µs | max µs | call p99 / p99.9 / max µs"
        + " | CPU µs/append | rounds |");
    line("|---|---|---|---|---|---|---|---|---|---|");
    for (int fsync : new int[] {0, run.fsyncMillis()}) {
      for (String store : Candidate.NAMES) {
        String key = scenario + " " + store + " " + fsync;
        String mode = fsync == 0 ? "never" : fsync + " ms";
        int rounds = results.getOrDefault(key, List.of()).size();
        if (fellBehind(key)) {
          line("| " + store + " | " + mode + " | cannot keep up: " + median(key, "behind") + " appends still due at"
              + " the end (median) | | | | | | | " + rounds + " |");
          continue;
        }
        line("| " + store + " | " + mode + " | " + median(key, "appendsPerSecond") + " | " + median(key, "p50us")
            + " | " + median(key, "p99us") + " | " + median(key, "p999us") + " | " + median(key, "maxUs") + " | "
            + median(key, "callP99us") + " / " + median(key, "callP999us") + " / " + median(key, "callMaxUs") + " | "
            + median(key, "cpuUsPerAppend") + " | " + rounds + " |");
      }
    }
    line("");
    if (scenario.equals("throughput")) {
      line("Tape opens its file `rwd`: every add is synchronous, with or without an fsync interval. Chronicle's"
          + " fsync mode is the group commit the spool would have to add on top of it (a thread forces the file"
          + " every interval; an append waits for the first force that began after it).");
      line("");
    }
  }

  private void kills() {
    line("## kill -9 while appending");
    line("");
    line("A child appends from " + run.threads() + " threads (no fsync) and prints each id once its append was"
        + " answered; it is killed with SIGKILL after " + run.killAfter() + " answers (or 10 s). A second JVM then"
        + " opens what it left, reads everything back (checking every record's data), and appends once more.");
    line("");
    line("| store | answered | read back intact | missing | damaged delivered | skipped as torn | open ms | read ms"
        + " | first append after ms |");
    line("|---|---|---|---|---|---|---|---|---|");
    for (String store : Candidate.NAMES) {
      for (Map<String, String> round : results.getOrDefault("kill " + store, List.of())) {
        line("| " + store + " | " + round.getOrDefault("answered", "–") + " | " + round.getOrDefault("found", "–")
            + " | " + round.getOrDefault("missing", "–") + " | " + round.getOrDefault("damagedDelivered", "–")
            + " | " + skipped(round.get("skipped")) + " | " + round.getOrDefault("openMs", "–") + " | "
            + round.getOrDefault("readMs", "–") + " | " + round.getOrDefault("firstAppendMs", "–")
            + problems(round) + " |");
      }
    }
    line("");
  }

  private void damage() {
    line("## One flipped byte in the middle record of 10,000");
    line("");
    line("10,000 records of 400 bytes are written and closed; one byte of record 5,000 is flipped, in its length"
        + " field (the store's own framing) or in its data; then the store is opened and read back.");
    line("");
    line("| store | byte flipped | opens | intact records read back | damaged record delivered as good |"
        + " skipped (reported) |");
    line("|---|---|---|---|---|---|");
    for (String store : Candidate.NAMES) {
      for (String where : List.of("length", "payload")) {
        Map<String, String> result = results.getOrDefault("damage " + store + " " + where, List.of(Map.of())).get(0);
        if (result.containsKey("failed")) {
          line("| " + store + " | " + where + " | " + result.get("failed") + " | | | |");
          continue;
        }
        line("| " + store + " | " + where + " | " + result.getOrDefault("opened", "–")
            + Optional.ofNullable(result.get("error")).map(e -> " (" + e + ")").orElse("") + " | "
            + result.getOrDefault("intactOf", "–")
            + Optional.ofNullable(result.get("readError")).map(e -> ", then " + e).orElse("") + " | "
            + result.getOrDefault("damagedDelivered", "–") + " | " + skipped(result.get("skipped")) + " |");
      }
    }
    line("");
  }

  private void backlog() {
    line("## A backlog of up to " + run.backlogMib() + " MiB (Kinesis down), then drained");
    line("");
    line("Appended as fast as each store takes them (at most " + fmt(run.backlogMaxSeconds()) + " s), then read"
        + " back in batches of 500, each acknowledged (the spool: confirmed; Chronicle: cycle files before the"
        + " acknowledged position deleted; Tape: removed from the head). Heap is the live set after a full GC; RSS"
        + " includes file pages mapped into the process (RssFile).");
    line("");
    line("| store | records | MiB | append s | live heap MiB after | RSS MiB after | disk MiB after | live heap MiB"
        + " mid-drain | peak RSS MiB (file) draining | drain s | disk MiB at 99% acked | disk MiB all acked |");
    line("|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (String store : Candidate.NAMES) {
      Map<String, String> r = results.getOrDefault("backlog " + store, List.of(Map.of())).get(0);
      line("| " + store + " | " + r.getOrDefault("records", "–") + " | " + r.getOrDefault("backlogMiB", "–") + " | "
          + r.getOrDefault("appendSeconds", "–") + " | " + r.getOrDefault("heapLiveAfterAppendMiB", "–") + " | "
          + r.getOrDefault("rssAfterAppendMiB", "–") + " | " + r.getOrDefault("diskAfterAppendMiB", "–") + " | "
          + r.getOrDefault("heapLiveMidDrainMiB", "–") + " | " + r.getOrDefault("peakRssDuringDrainMiB", "–") + " ("
          + r.getOrDefault("peakRssFileDuringDrainMiB", "–") + ") | " + r.getOrDefault("drainSeconds", "–") + " | "
          + r.getOrDefault("diskAt99PercentAckedMiB", "–") + " | " + r.getOrDefault("diskAllAckedMiB", "–")
          + problems(r) + " |");
    }
    line("");
  }

  private void facts() {
    line("## What each needs, and what comes with it");
    line("");
    line("| | segment-log | chronicle | tape |");
    line("|---|---|---|---|");
    line("| Java 17 | nothing | " + (ChronicleCandidate.JAVA_17_FLAGS.size() - 1) + " flags, and one to stop its"
        + " telemetry: `"
        + String.join("` `", ChronicleCandidate.JAVA_17_FLAGS) + "` (without them: `IllegalAccessException` at"
        + " class initialisation) | nothing |");
    line("| fat jar | " + kib("segment-log") + " of our classes | " + kib("chronicle") + " (chronicle-core, -bytes,"
        + " -wire, -threads, -analytics, affinity, posix, JNA, JNR/jffi natives, ASM, commons-cli) | "
        + kib("tape") + " |");
    line("| licence | ours | Apache-2.0; only early-access (`ea`) builds of 5.25 are on Maven Central | Apache-2.0;"
        + " 2.0.0-beta1 (2018) is the last release |");
    line("| telemetry | none | chronicle-analytics reports to Google Analytics at start-up and writes"
        + " `~/.chronicle.analytics.*` unless `-Dchronicle.analytics.disable=true` | none |");
    line("| detects a damaged record | CRC32C per header and per body; skips, counts, resynchronises | no checksum"
        + " (an incomplete header is recovered after a timeout) | no checksum |");
    line("| acknowledgement | any order; a segment goes once all its records are confirmed | a position; whole"
        + " roll-cycle files (an hour here, a minute at the shortest production cycle) | in order, from the head"
        + " |");
    line("");
  }

  private interface Cell {
    String of(String store);
  }

  private void row(String label, Cell cell) {
    StringBuilder row = new StringBuilder("| " + label + " |");
    for (String store : Candidate.NAMES) {
      row.append(' ').append(cell.of(store)).append(" |");
    }
    line(row.toString());
  }

  private String paced(String store, int fsync, String field) {
    String key = "paced " + store + " " + fsync;
    return fellBehind(key) ? "cannot keep up" : median(key, field);
  }

  /** Whether a paced store left more than 1% of the appends due in a round undone, in most rounds. */
  private boolean fellBehind(String key) {
    List<Map<String, String>> rounds = results.getOrDefault(key, List.of());
    long due = (long) (run.rate() * run.seconds());
    long behind = rounds.stream().filter(r -> Long.parseLong(r.getOrDefault("behind", "0")) > due / 100).count();
    return behind * 2 > rounds.size();
  }

  private String median(String key, String field) {
    List<Double> values = results.getOrDefault(key, List.of()).stream().map(r -> r.get(field))
        .filter(v -> v != null).map(Double::parseDouble).sorted().toList();
    if (values.isEmpty()) {
      return "–";
    }
    int n = values.size();
    double median = n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
    return String.format(Locale.ROOT, "%,.0f", median);
  }

  private String sum(String key, String field) {
    List<Map<String, String>> rounds = results.getOrDefault(key, List.of());
    if (rounds.isEmpty()) {
      return "–";
    }
    long total = 0;
    for (Map<String, String> round : rounds) {
      String value = round.get(field);
      if (value == null) {
        return "failed: " + round;
      }
      total += Long.parseLong(value);
    }
    return total + " in " + rounds.size() + " rounds";
  }

  private String first(String key, String field, String... problems) {
    Map<String, String> result = results.getOrDefault(key, List.of(Map.of())).get(0);
    StringBuilder cell = new StringBuilder(result.getOrDefault(field, ""));
    for (String problem : problems) {
      if (result.containsKey(problem)) {
        cell.append(cell.length() == 0 ? "" : ", then ").append(result.get(problem));
      }
    }
    return cell.length() == 0 ? "–" : cell.toString();
  }

  private static String problems(Map<String, String> result) {
    StringBuilder notes = new StringBuilder();
    for (String key : List.of("readError", "error", "failed")) {
      if (result.containsKey(key)) {
        notes.append(" (").append(key).append(": ").append(result.get(key)).append(')');
      }
    }
    return notes.toString();
  }

  private static String skipped(String value) {
    return value == null ? "–" : value.equals("-1") ? "n/a" : value;
  }

  private String kib(String store) {
    long bytes = footprint.getOrDefault(store, 0L);
    return bytes >= 1 << 20 ? String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0)
        : String.format(Locale.ROOT, "%d KiB", bytes >> 10);
  }

  private String loadSummary() {
    DoubleSummaryStatistics stats = loadSamples.stream().filter(v -> !v.isNaN())
        .mapToDouble(Double::doubleValue).summaryStatistics();
    return stats.getCount() == 0 ? "n/a" : String.format(Locale.ROOT, "min %.2f, mean %.2f, max %.2f (%d samples)",
        stats.getMin(), stats.getAverage(), stats.getMax(), stats.getCount());
  }

  private static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static String fmt(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }

  private void line(String text) {
    out.append(text).append('\n');
  }
}
