package io.adtrack.bench.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The Markdown report, built phase by phase; the targets table goes on top, whatever order they were checked. */
final class Report {

  /** One target of issue 7 and what this run measured for it. */
  record Target(String name, String goal, String measured, Boolean met) {
    String verdict() {
      return met == null ? "not measured" : met ? "**met**" : "**MISSED**";
    }
  }

  private final StringBuilder head = new StringBuilder();
  private final StringBuilder body = new StringBuilder();
  private final List<Target> targets = new ArrayList<>();

  Report title(String text) {
    head.append("# ").append(text).append("\n\n");
    return this;
  }

  Report intro(String text) {
    head.append(text).append("\n\n");
    return this;
  }

  Report section(String title) {
    body.append("## ").append(title).append("\n\n");
    return this;
  }

  Report subsection(String title) {
    body.append("### ").append(title).append("\n\n");
    return this;
  }

  Report paragraph(String text) {
    body.append(text).append("\n\n");
    return this;
  }

  Report table(List<String> headers, List<List<String>> rows) {
    body.append("| ").append(String.join(" | ", headers)).append(" |\n");
    body.append("|").append("---|".repeat(headers.size())).append("\n");
    for (List<String> row : rows) {
      body.append("| ").append(String.join(" | ", row)).append(" |\n");
    }
    body.append("\n");
    return this;
  }

  Report code(String text) {
    body.append("```\n").append(text.strip()).append("\n```\n\n");
    return this;
  }

  void target(String name, String goal, String measured, Boolean met) {
    targets.add(new Target(name, goal, measured, met));
  }

  List<Target> targets() {
    return List.copyOf(targets);
  }

  String render() {
    StringBuilder out = new StringBuilder(head);
    out.append("## Targets (issue 7)\n\n| target | goal | measured | verdict |\n|---|---|---|---|\n");
    for (Target t : targets) {
      out.append("| ").append(t.name()).append(" | ").append(t.goal()).append(" | ").append(t.measured())
          .append(" | ").append(t.verdict()).append(" |\n");
    }
    return out.append("\n").append(body).toString();
  }

  void write(Path file) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, render());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  static String f0(double v) {
    return Double.isNaN(v) ? "n/a" : String.format("%,.0f", v);
  }

  static String f1(double v) {
    return Double.isNaN(v) ? "n/a" : String.format("%.1f", v);
  }

  static String f2(double v) {
    return Double.isNaN(v) ? "n/a" : String.format("%.2f", v);
  }

  static String pct(double ratio) {
    return Double.isNaN(ratio) ? "n/a" : String.format("%.0f%%", ratio * 100);
  }
}
