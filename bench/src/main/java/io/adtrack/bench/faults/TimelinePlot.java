package io.adtrack.bench.faults;

import io.adtrack.bench.faults.ScenarioRun.Outcome;
import io.adtrack.bench.faults.ScenarioRun.Sample;
import io.adtrack.bench.run.Charts;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * One scenario's timeline as a PNG: per second, the events acknowledged, answered 503 and failed otherwise (left
 * axis), and the records on the stream and items in DynamoDB so far (right axis); the fault shaded.
 */
final class TimelinePlot {

  private static final int WIDTH = 1000;
  private static final int HEIGHT = 560;
  private static final int LEFT = 80;
  private static final int RIGHT = 90;
  private static final int TOP = 60;
  private static final int BOTTOM = 100;
  private static final Color ACKNOWLEDGED = new Color(0, 128, 60);
  private static final Color UNAVAILABLE = new Color(230, 140, 0);
  private static final Color FAILED = new Color(200, 0, 0);
  private static final Color STREAM = new Color(40, 90, 200);
  private static final Color TABLE = new Color(130, 60, 170);

  private TimelinePlot() {
  }

  static void write(Path png, Outcome outcome) {
    int seconds = (int) Math.ceil(outcome.samples().stream().mapToDouble(Sample::seconds).max().orElse(1)) + 1;
    double[] acknowledged = new double[seconds];
    double[] unavailable = new double[seconds];
    double[] failed = new double[seconds];
    for (EventCall call : outcome.calls()) {
      int second = (int) ((call.sentAtNanos() - outcome.startNanos()) / 1_000_000_000L);
      if (second < 0 || second >= seconds) {
        continue;
      }
      if (call.acknowledged()) {
        acknowledged[second]++;
      } else if (call.unavailable()) {
        unavailable[second]++;
      } else {
        failed[second]++;
      }
    }
    double rateMax = Math.max(1, max(acknowledged, unavailable, failed)) * 1.15;
    double countMax = Math.max(1, outcome.samples().stream()
        .mapToDouble(s -> Math.max(s.streamRecords(), s.tableItems())).max().orElse(1)) * 1.1;

    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    // The description is in the report, next to the plot; at this width it would be cut short.
    Graphics2D g = Charts.canvas(image, String.format("%s: %.1f s of fault", outcome.result().scenario().key(),
        (outcome.faultEndNanos() - outcome.faultStartNanos()) / 1e9));
    int plotW = WIDTH - LEFT - RIGHT;
    int plotH = HEIGHT - TOP - BOTTOM;
    Axes axes = new Axes(seconds, rateMax, countMax, plotW, plotH);

    double faultFrom = (outcome.faultStartNanos() - outcome.startNanos()) / 1e9;
    double faultTo = Math.max(faultFrom + 0.2, (outcome.faultEndNanos() - outcome.startNanos()) / 1e9);
    double healedAt = Math.max(faultTo, (outcome.healedNanos() - outcome.startNanos()) / 1e9);
    g.setColor(new Color(255, 228, 228));
    g.fillRect(axes.x(faultFrom), TOP, Math.max(2, axes.x(faultTo) - axes.x(faultFrom)), plotH);
    g.setColor(new Color(255, 246, 214));
    g.fillRect(axes.x(faultTo), TOP, axes.x(healedAt) - axes.x(faultTo), plotH);

    g.setColor(Color.DARK_GRAY);
    int step = Math.max(1, seconds / 12 / 5 * 5);
    for (int s = 0; s <= seconds; s += step) {
      g.setColor(new Color(225, 225, 225));
      g.drawLine(axes.x(s), TOP, axes.x(s), TOP + plotH);
      g.setColor(Color.DARK_GRAY);
      g.drawString(Integer.toString(s), axes.x(s) - 8, TOP + plotH + 18);
    }
    for (int i = 0; i <= 4; i++) {
      double rate = rateMax * i / 4;
      int y = axes.yRate(rate);
      g.drawString(String.format("%.0f", rate), LEFT - 45, y + 5);
      g.drawString(String.format("%,.0f", countMax * i / 4), LEFT + plotW + 8, y + 5);
    }
    g.setColor(Color.BLACK);
    g.drawRect(LEFT, TOP, plotW, plotH);
    g.drawString("seconds since the load began (red: the fault; yellow: healing, e.g. a restart)",
        LEFT + plotW / 2 - 230, TOP + plotH + 36);
    Graphics2D rotated = (Graphics2D) g.create();
    rotated.rotate(-Math.PI / 2);
    rotated.drawString("events per second", -(TOP + plotH / 2 + 55), 22);
    rotated.drawString("records / items so far", -(TOP + plotH / 2 + 65), WIDTH - 12);
    rotated.dispose();

    g.setStroke(new BasicStroke(2.2f));
    drawPerSecond(g, axes, acknowledged, ACKNOWLEDGED);
    drawPerSecond(g, axes, unavailable, UNAVAILABLE);
    drawPerSecond(g, axes, failed, FAILED);
    g.setStroke(new BasicStroke(2.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10, new float[] {8, 5}, 0));
    drawCounts(g, axes, outcome.samples(), Sample::streamRecords, STREAM);
    drawCounts(g, axes, outcome.samples(), Sample::tableItems, TABLE);

    String[] labels = {"acknowledged/s", "503/s", "other failures/s (4xx, 5xx, no answer)",
        "records on the stream (all the scenario's programs)", "items in DynamoDB (its hot program)"};
    Color[] colors = {ACKNOWLEDGED, UNAVAILABLE, FAILED, STREAM, TABLE};
    int legendX = LEFT;
    int legendY = HEIGHT - 30;
    g.setStroke(new BasicStroke(2.2f));
    for (int i = 0; i < labels.length; i++) {
      if (i == 3) {
        legendX = LEFT;
        legendY += 20;
      }
      g.setColor(colors[i]);
      g.drawLine(legendX, legendY - 4, legendX + 20, legendY - 4);
      g.setColor(Color.BLACK);
      g.drawString(labels[i], legendX + 25, legendY);
      legendX += 40 + g.getFontMetrics().stringWidth(labels[i]);
    }
    g.dispose();
    Charts.save(image, png);
  }

  private static void drawPerSecond(Graphics2D g, Axes axes, double[] perSecond, Color color) {
    g.setColor(color);
    Path2D.Double path = new Path2D.Double();
    for (int s = 0; s < perSecond.length; s++) {
      Charts.extend(path, axes.x(s + 0.5), axes.yRate(perSecond[s]));
    }
    g.draw(path);
  }

  private static void drawCounts(Graphics2D g, Axes axes, List<Sample> samples, ToDoubleFunction<Sample> count,
      Color color) {
    g.setColor(color);
    Path2D.Double path = new Path2D.Double();
    for (Sample sample : samples) {
      Charts.extend(path, axes.x(sample.seconds()), axes.yCount(count.applyAsDouble(sample)));
    }
    g.draw(path);
  }

  private static double max(double[]... series) {
    double max = 0;
    for (double[] values : series) {
      for (double value : values) {
        max = Math.max(max, value);
      }
    }
    return max;
  }

  /** Seconds to x, events per second to y (left axis), counts to y (right axis). */
  private record Axes(int seconds, double rateMax, double countMax, int plotW, int plotH) {

    int x(double second) {
      return LEFT + (int) (plotW * second / seconds);
    }

    int yRate(double rate) {
      return TOP + plotH - (int) (plotH * rate / rateMax);
    }

    int yCount(double count) {
      return TOP + plotH - (int) (plotH * count / countMax);
    }
  }
}
