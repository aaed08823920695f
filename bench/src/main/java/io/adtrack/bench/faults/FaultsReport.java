package io.adtrack.bench.faults;

import io.adtrack.bench.faults.ScenarioRun.Outcome;
import io.adtrack.bench.run.Machine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** bench/results/<date>-faults.md: the summary table, how it is counted, then one section and plot per scenario. */
final class FaultsReport {

  private FaultsReport() {
  }

  static void write(FaultOptions options, List<Outcome> outcomes, Optional<String> aborted, DeliveryMode mode,
      Machine machine, double loadAtStart, Duration took, Path workDir) {
    Path report = options.output();
    String stem = report.getFileName().toString().replace(".md", "");
    StringBuilder md = new StringBuilder();
    md.append("# Faults under load, ").append(stem.replace("-faults", ""))
        .append(options.quick() ? " (quick variant: short faults, low rate)" : "").append("\n\n");
    md.append("Command: `bench/faults").append(options.quick() ? " --quick" : "")
        .append(options.ackAfter().map(mode1 -> " --ack-after " + mode1).orElse("")).append("` — ")
        .append(took.toMinutes()).append(" min ").append(took.toSecondsPart()).append(" s. Logs: `")
        .append(options.root().relativize(workDir)).append("/` (not committed).\n\n");
    md.append(String.format("Load: %.0f HTTP requests/s (%.0f events/s: a `POST /events` carries three) on every "
        + "route, to each scenario's own programs. Tracker delivery mode: %s. Tracker settings beyond `./run`'s: "
        + "%s.%n%n", options.rate(), options.rate() * 24 / 20, mode, settings(options.trackerEnvironment())));
    md.append("| machine | |\n|---|---|\n")
        .append("| CPU | ").append(Machine.cpuModel()).append(", ").append(Machine.cores()).append(" cores |\n")
        .append("| memory | ").append(Machine.memory()).append(" |\n")
        .append("| JDK | ").append(Machine.jdk()).append(" |\n")
        .append("| load | ").append(String.format("%.2f at start; ", loadAtStart)).append(machine.loadSummary())
        .append(" |\n\n")
        .append("The machine is shared with other builds, and the load, the tracker, the emulators and DynamoDB "
            + "Local share its cores: times are indicative, counts are exact.\n\n");

    md.append("## Summary\n\n");
    md.append("| scenario | fault | events | acknowledged | 503 | 4xx | other 5xx | no answer | stream records "
        + "(distinct) | DynamoDB items | duplicates | acknowledged but missing | full service after | all stored "
        + "after | crashes | verdict |\n");
    md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Outcome outcome : outcomes) {
      ScenarioResult r = outcome.result();
      md.append("| ").append(r.scenario().key())
          .append(" | ").append(seconds(Duration.ofNanos(outcome.faultEndNanos() - outcome.faultStartNanos())))
          .append(" | ").append(n(r.events()))
          .append(" | ").append(n(r.acknowledged()))
          .append(" | ").append(n(r.unavailable()))
          .append(" | ").append(n(r.rejected()))
          .append(" | ").append(n(r.serverErrors()))
          .append(" | ").append(n(r.unanswered()))
          .append(" | ").append(n(r.streamRecords())).append(" (").append(n(r.streamDistinct())).append(")")
          .append(" | ").append(n(r.tableItems()))
          .append(" | ").append(n(r.streamDuplicates())).append(" / ").append(n(r.callsStoredTwice()))
          .append(" | ").append(n(r.missing()))
          .append(" | ").append(time(r.timeToFullService()))
          .append(" | ").append(time(r.timeToAllStored()))
          .append(" | ").append(r.crashes())
          .append(" | ").append(r.verdict()).append(" |\n");
    }
    aborted.ifPresent(reason -> md.append("\n**Aborted**: ").append(reason).append(" (see the log); the scenarios "
        + "after it did not run.\n"));
    md.append("\n").append(COUNTING).append("\n\n");
    for (Outcome outcome : outcomes) {
      ScenarioResult r = outcome.result();
      String png = stem + "-" + r.scenario().key() + ".png";
      TimelinePlot.write(report.resolveSibling(png), outcome);
      md.append("## ").append(r.scenario().key()).append("\n\n").append(r.scenario().description()).append(".\n\n");
      md.append("| | |\n|---|---|\n");
      row(md, "fault", seconds(Duration.ofNanos(outcome.faultEndNanos() - outcome.faultStartNanos())));
      row(md, "healing (the heal itself: a restart, a republish)",
          seconds(Duration.ofNanos(outcome.healedNanos() - outcome.faultEndNanos())));
      row(md, "events asked for", n(r.events()) + (r.skipped() > 0 ? " (" + n(r.skipped())
          + " calls not sent: too many in flight)" : ""));
      row(md, "acknowledged (200, 302)", n(r.acknowledged()));
      row(md, "answered 503", n(r.unavailable()));
      row(md, "answered 4xx", r.rejectedByStatus().isEmpty() ? "0" : r.rejectedByStatus().entrySet().stream()
          .map(e -> n(e.getValue()) + " × " + e.getKey()).collect(Collectors.joining(", ")));
      row(md, "answered another 5xx", n(r.serverErrors()));
      row(md, "no answer (refused, reset, timed out)", n(r.unanswered()));
      row(md, "records on the stream / distinct messageIds", n(r.streamRecords()) + " / " + n(r.streamDistinct()));
      row(md, "items in DynamoDB", n(r.tableItems()));
      row(md, "duplicates: on the stream / calls stored twice", n(r.streamDuplicates()) + " / "
          + n(r.callsStoredTwice()));
      row(md, "**acknowledged but missing**", "**" + n(r.missing()) + "**" + (r.lossExpected() && r.missing() > 0
          ? " (lost with the tracker's memory: it acknowledges before anything is durable)" : ""));
      if (r.pixelsOfUnknown() > 0) {
        row(md, "pixels answered 200 while the program was unknown (not recorded, by the pixel's contract)",
            n(r.pixelsOfUnknown()));
      }
      row(md, "stored without an acknowledgement", n(r.storedUnacknowledged()));
      row(md, "full service after the fault's end", time(r.timeToFullService()));
      row(md, "every acknowledged event stored, after the fault's end", time(r.timeToAllStored()));
      row(md, "tracker crashes / handler errors / records skipped", r.trackerCrashes() + " / " + r.handlerErrors()
          + " / " + r.recordsSkipped());
      row(md, "batches redelivered by the pollers (after batch item failures)", n(r.redeliveries()));
      for (Map.Entry<String, Boolean> check : r.checks().entrySet()) {
        row(md, check.getKey(), check.getValue() ? "yes" : "**no**");
      }
      row(md, "verdict", r.verdict() + (r.passed() ? "" : ": " + String.join("; ", r.failures())));
      md.append("\n![").append(r.scenario().key()).append(" timeline](").append(png).append(")\n\n");
    }
    try {
      Files.createDirectories(report.toAbsolutePath().getParent());
      Files.writeString(report, md.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + report, e);
    }
  }

  private static final String COUNTING = String.join("\n",
      "How it is counted. Every event the load asks for carries a unique `fid` parameter, which the tracker "
          + "keeps in the event's params all the way to DynamoDB, so each one is found by it whatever its route; "
          + "where the answer names a messageId (`/event`, `POST /events`), the stored item must have that one "
          + "too. *Acknowledged*: 200 (302 for `/click`); a `/pixel` answers 200 for every call, recorded or not, "
          + "so pixels answered while their program was unknown to the tracker are listed apart. *Duplicates*: "
          + "records on the stream beyond one per messageId (the tracker retried a put Kinesis had stored), and "
          + "load calls stored as two items. *Full service after*: from the end of the fault (the moment it is "
          + "healed: the emulator or Redis started, the line restored, the new tracker started) to the first call "
          + "after which every call was acknowledged. *All stored after*: from the end of the fault until DynamoDB "
          + "held every acknowledged event (polled; empty when some never arrived). *Crashes*: tracker exits "
          + "nobody asked for, and handler invocations that threw.",
      "",
      "Expected in every scenario: 0 acknowledged but missing (except after SIGKILL while the tracker acknowledges "
          + "from memory: that loss is reported), 0 other 5xx, 0 crashes, no record skipped by a poller.");

  private static void row(StringBuilder md, String name, String value) {
    md.append("| ").append(name).append(" | ").append(value).append(" |\n");
  }

  private static String n(long value) {
    return String.format("%,d", value);
  }

  private static String seconds(Duration duration) {
    return String.format("%.1f s", duration.toMillis() / 1000.0);
  }

  private static String time(Optional<Duration> duration) {
    return duration.map(FaultsReport::seconds).orElse("never");
  }

  /** The tracker's extra settings as the report shows them: {@code `NAME=value`}, comma-separated. */
  private static String settings(Map<String, String> environment) {
    return environment.entrySet().stream().map(e -> "`" + e.getKey() + "=" + e.getValue() + "`")
        .collect(Collectors.joining(", "));
  }
}
