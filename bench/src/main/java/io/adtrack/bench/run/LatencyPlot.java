package io.adtrack.bench.run;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Stroke;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Draws latency-by-percentile curves (the HdrHistogram way: x is 1/(1-p) on a log scale, so p99 and p99.9 get as
 * much room as the median) with Java2D, headless, into a PNG next to the report.
 */
final class LatencyPlot {

  /** One curve: label, latencies in microseconds, colour, dashed or not. */
  record Series(String label, Histogram micros, Color color, boolean dashed) {
  }

  private static final int WIDTH = 1000;
  private static final int HEIGHT = 620;
  private static final int LEFT = 80;
  private static final int RIGHT = 30;
  private static final int TOP = 60;
  private static final int BOTTOM = 70;
  private static final double MAX_NINES = 4; // up to p99.99
  private static final double[] Y_TICKS_MS = {0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000,
      5000, 10000};

  private LatencyPlot() {
  }

  static void write(Path png, String title, List<Series> series, double targetMillis) {
    double maxMs = 1;
    double minMs = 10;
    for (Series s : series) {
      if (s.micros().getTotalCount() > 0) {
        maxMs = Math.max(maxMs, s.micros().getMaxValue() / 1000.0);
        minMs = Math.min(minMs, Math.max(0.05, s.micros().getValueAtPercentile(0) / 1000.0));
      }
    }
    maxMs = Math.max(maxMs, targetMillis * 1.5);
    double yLow = Math.log10(minMs / 1.5);
    double yHigh = Math.log10(maxMs * 1.5);

    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = Charts.canvas(image, title);
    int plotW = WIDTH - LEFT - RIGHT;
    int plotH = HEIGHT - TOP - BOTTOM;

    // Grid: percentiles on x, milliseconds (log) on y.
    String[] xLabels = {"0%", "90%", "99%", "99.9%", "99.99%"};
    for (int nines = 0; nines <= MAX_NINES; nines++) {
      int x = LEFT + (int) (plotW * nines / MAX_NINES);
      g.setColor(new Color(225, 225, 225));
      g.drawLine(x, TOP, x, TOP + plotH);
      g.setColor(Color.DARK_GRAY);
      g.drawString(xLabels[nines], x - 15, TOP + plotH + 20);
    }
    for (double tick : Y_TICKS_MS) {
      double ly = Math.log10(tick);
      if (ly < yLow || ly > yHigh) {
        continue;
      }
      int y = TOP + plotH - (int) (plotH * (ly - yLow) / (yHigh - yLow));
      g.setColor(new Color(225, 225, 225));
      g.drawLine(LEFT, y, LEFT + plotW, y);
      g.setColor(Color.DARK_GRAY);
      String label = tick < 1 ? String.valueOf(tick) : String.valueOf((long) tick);
      g.drawString(label, LEFT - 10 - g.getFontMetrics().stringWidth(label), y + 5);
    }
    g.setColor(Color.BLACK);
    g.drawRect(LEFT, TOP, plotW, plotH);
    g.drawString("percentile", LEFT + plotW / 2 - 30, HEIGHT - 25);
    Graphics2D rotated = (Graphics2D) g.create();
    rotated.rotate(-Math.PI / 2);
    rotated.drawString("latency (ms, log scale)", -(TOP + plotH / 2 + 70), 22);
    rotated.dispose();

    if (targetMillis > 0) {
      int y = TOP + plotH - (int) (plotH * (Math.log10(targetMillis) - yLow) / (yHigh - yLow));
      g.setColor(new Color(200, 0, 0));
      g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {4, 4}, 0));
      g.drawLine(LEFT, y, LEFT + plotW, y);
      g.drawString("target p99 " + targetMillis + " ms", LEFT + plotW - 130, y - 6);
    }

    int legendY = TOP + 20;
    for (Series s : series) {
      if (s.micros().getTotalCount() == 0) {
        continue;
      }
      Stroke stroke = s.dashed()
          ? new BasicStroke(2.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10, new float[] {9, 6}, 0)
          : new BasicStroke(2.6f);
      g.setStroke(stroke);
      g.setColor(s.color());
      Path2D.Double path = new Path2D.Double();
      double maxNines = Math.min(MAX_NINES, Math.log10(s.micros().getTotalCount()));
      for (double nines = 0; nines <= maxNines + 1e-9; nines += 0.01) {
        double percentile = 100 * (1 - Math.pow(10, -nines));
        double ms = Math.max(s.micros().getValueAtPercentile(percentile) / 1000.0, Math.pow(10, yLow));
        Charts.extend(path, LEFT + plotW * nines / MAX_NINES,
            TOP + plotH - plotH * (Math.log10(ms) - yLow) / (yHigh - yLow));
      }
      g.draw(path);
      g.drawLine(LEFT + 15, legendY, LEFT + 55, legendY);
      g.setColor(Color.BLACK);
      g.drawString(s.label(), LEFT + 65, legendY + 5);
      legendY += 20;
    }
    g.dispose();
    Charts.save(image, png);
  }
}
