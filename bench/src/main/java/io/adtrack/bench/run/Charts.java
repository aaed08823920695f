package io.adtrack.bench.run;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** What every plot of the bench reports shares: a white antialiased canvas with a title, saved as a PNG. */
public final class Charts {

  private Charts() {
  }

  /** A blank canvas of that size, its title drawn, the pen set for axis labels. */
  public static Graphics2D canvas(BufferedImage image, String title) {
    System.setProperty("java.awt.headless", "true");
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, image.getWidth(), image.getHeight());
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 17));
    g.setColor(Color.BLACK);
    g.drawString(title, 80, 32);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    return g;
  }

  /** Continues a curve to (x, y), or starts it there when it has no point yet. */
  public static void extend(Path2D.Double curve, double x, double y) {
    if (curve.getCurrentPoint() == null) {
      curve.moveTo(x, y);
    } else {
      curve.lineTo(x, y);
    }
  }

  /** Writes the image as a PNG, creating the directory. */
  public static void save(BufferedImage image, Path png) {
    try {
      Files.createDirectories(png.toAbsolutePath().getParent());
      ImageIO.write(image, "png", png.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + png, e);
    }
  }
}
